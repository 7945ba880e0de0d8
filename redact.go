package pluggy

import (
	"log/slog"
	"net/url"
	"strings"
)

// Formatting secrets. Every type that holds a secret (a connect token, bank
// credentials, webhook header values) has String, GoString and Format on
// its value, so that every fmt verb on the value, a pointer to it, or a
// slice, map or exported struct field holding it prints the redacted form,
// and LogValue, so that log/slog's handlers (the JSON one included, which
// would otherwise encode the value with encoding/json) log the redacted
// form too. Their MarshalJSON, where they have one, is the wire form and
// keeps the real values.
//
// One gap remains, in encoding/json itself: slog.NewJSONHandler encodes a
// value it is given nested inside another type (a slice of params, a
// struct of your own) with encoding/json, which writes the wire form. Log
// the params themselves (slog.Any("params", p)) or format them with %v.

// redactedURL shows where a URL points without what may be a credential in
// it: the userinfo and the query are replaced by [redacted], the fragment
// dropped. Text that does not parse as a URL is not shown at all.
func redactedURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL redacted]"
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme)
		b.WriteString(":")
	}
	if u.Opaque != "" {
		// mailto:x or a path the parser did not split: nothing to keep.
		b.WriteString("[redacted]")
		return b.String()
	}
	if u.Scheme != "" || u.Host != "" || u.User != nil {
		b.WriteString("//")
	}
	if u.User != nil {
		b.WriteString("[redacted]@")
	}
	b.WriteString(u.Host)
	b.WriteString(u.EscapedPath())
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteString("?[redacted]")
	}
	return b.String()
}

// appendNonEmpty adds key=v to attrs when v is not empty.
func appendNonEmpty(attrs []slog.Attr, key, v string) []slog.Attr {
	if v == "" {
		return attrs
	}
	return append(attrs, slog.String(key, v))
}
