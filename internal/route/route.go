// Package route turns the API's route literals ("PATCH /items/{id}") into
// request paths. It is the one place in the module that builds a URL path.
package route

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Split returns the method and the path template of a route literal.
func Split(route string) (method, template string, err error) {
	method, template, ok := strings.Cut(route, " ")
	if !ok || method == "" || !strings.HasPrefix(template, "/") {
		return "", "", fmt.Errorf("route %q is not of the form \"METHOD /path\"", route)
	}
	return method, template, nil
}

// Expand fills each {param} of template, in order, with the matching argument
// escaped by url.PathEscape. It fails when an argument is empty or when the
// number of arguments does not match the template.
func Expand(template string, args ...string) (string, error) {
	var b strings.Builder
	b.Grow(len(template) + 40)
	rest := template
	i := 0
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("route template %q has an unclosed {", template)
		}
		name := rest[open+1 : open+end]
		if i >= len(args) {
			return "", fmt.Errorf("route template %q: no value for {%s}", template, name)
		}
		if args[i] == "" {
			return "", &EmptyArgError{Name: name}
		}
		b.WriteString(rest[:open])
		b.WriteString(url.PathEscape(args[i]))
		i++
		rest = rest[open+end+1:]
	}
	if i != len(args) {
		return "", fmt.Errorf("route template %q takes %d values, got %d", template, i, len(args))
	}
	return b.String(), nil
}

// EmptyArgError reports an empty value for a path parameter.
type EmptyArgError struct{ Name string }

func (e *EmptyArgError) Error() string { return "empty " + e.Name }

// IsEmptyArg reports whether err is an *EmptyArgError.
func IsEmptyArg(err error) bool {
	var e *EmptyArgError
	return errors.As(err, &e)
}
