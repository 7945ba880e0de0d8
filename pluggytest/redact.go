package pluggytest

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// The server and the requests it records hold secrets: the client secret,
// the API keys it issued, and request bodies with client secrets (POST
// /auth), bank credentials (POST /items), MFA answers and webhook header
// secrets. Formatting them with any fmt verb, logging them with log/slog, or
// encoding either with encoding/json shows none of those; read
// Request.Body for the bytes themselves.

// String describes the server without its secrets.
func (s *Server) String() string {
	if s == nil {
		return "<nil>"
	}
	return fmt.Sprintf("pluggytest.Server{URL: %q, ClientID: %q, ClientSecret: [redacted]}", s.URL, s.ClientID)
}

// GoString is String.
func (s *Server) GoString() string { return s.String() }

// Format prints String for every verb.
func (s *Server) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue is what log/slog handlers print: the URL and the client id.
func (s *Server) LogValue() slog.Value {
	if s == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.String("url", s.URL), slog.String("clientId", s.ClientID), slog.String("clientSecret", "[redacted]"))
}

// MarshalJSON encodes the URL and the client id, not the secrets.
func (s *Server) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	return json.Marshal(struct {
		URL          string `json:"url"`
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}{s.URL, s.ClientID, "[redacted]"})
}

// redactedBody says how long a body is without showing it.
func redactedBody(b []byte) string {
	if b == nil {
		return "nil"
	}
	return fmt.Sprintf("[%d bytes redacted]", len(b))
}

// String describes the request without its body, which may hold secrets.
func (r Request) String() string {
	return fmt.Sprintf("pluggytest.Request{Route: %q, Method: %q, Path: %q, Query: %q, Body: %s, HadAPIKey: %t, At: %s}",
		r.Route, r.Method, r.Path, r.Query, redactedBody(r.Body), r.HadAPIKey, r.At.Format(time.RFC3339Nano))
}

// GoString is String.
func (r Request) GoString() string { return r.String() }

// Format prints String for every verb.
func (r Request) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, r.String()) }

// LogValue is what log/slog handlers print: the request without its body.
func (r Request) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("route", r.Route), slog.String("method", r.Method), slog.String("path", r.Path),
		slog.String("query", r.Query), slog.String("body", redactedBody(r.Body)),
		slog.Bool("hadApiKey", r.HadAPIKey), slog.Time("at", r.At),
	)
}

// MarshalJSON encodes the request without its body, so that a slice of
// requests logged or dumped as JSON shows no secret either.
func (r Request) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Route     string    `json:"route"`
		Method    string    `json:"method"`
		Path      string    `json:"path"`
		Query     string    `json:"query"`
		Body      string    `json:"body"`
		HadAPIKey bool      `json:"hadApiKey"`
		At        time.Time `json:"at"`
	}{r.Route, r.Method, r.Path, r.Query, redactedBody(r.Body), r.HadAPIKey, r.At})
}
