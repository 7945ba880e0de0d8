// Package route turns the API's route literals ("PATCH /items/{id}") into
// request paths. It is the one place in the module that builds a URL path.
package route

import (
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
// escaped by url.PathEscape. It fails with an *ArgError when an argument is
// empty, "." or ".." (url.PathEscape leaves dots alone, and a dot segment
// would be resolved by a proxy or server into another route), and with
// another error when the number of arguments does not match the template.
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
		if err := checkArg(name, args[i]); err != nil {
			return "", err
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

// checkArg refuses a value that would not stay one path segment of its own.
func checkArg(name, v string) error {
	switch v {
	case "":
		return &ArgError{Name: name, Problem: "must not be empty"}
	case ".", "..":
		return &ArgError{Name: name, Problem: fmt.Sprintf("must not be %q (a dot segment names another path)", v)}
	}
	return nil
}

// ArgError reports a path argument Expand refused: Name is the template's
// {param}, Problem says what is wrong with the value.
type ArgError struct{ Name, Problem string }

func (e *ArgError) Error() string { return e.Name + " " + e.Problem }
