package pluggy

import (
	"net/url"
	"strings"
	"testing"

	"github.com/pluggy-go/pluggy/internal/route"
)

// TestRequestURLMatchesURLString checks requestURL against the way the
// pipeline built request URLs before (url.URL.String of the base URL with
// the joined paths and the query), over base URLs with paths, escapes,
// ports and IPv6 hosts, and path arguments needing escapes.
func TestRequestURLMatchesURLString(t *testing.T) {
	bases := []string{
		"https://api.pluggy.ai", "https://api.pluggy.ai/", "http://127.0.0.1:8080",
		"http://[::1]:9000/prefix/", "https://example.com/a%20b/c", "https://example.com/ü/x",
		"https://Example.COM:443/v1//",
	}
	args := []string{"6c1d3f5e-8a2b-4c7d-9e0f-1a2b3c4d5e6f", "a b", "x/y", "100%", "ç?#&=+", "%2F"}
	queries := []string{"", "a=1", "next=abc+def%2B%3D", "q=%zz"}
	for _, b := range bases {
		c, err := NewClient("", "", WithAPIKey("k"), WithBaseURL(b))
		if err != nil {
			t.Fatal(b, err)
		}
		for _, a := range args {
			path, err := route.Expand("/items/{id}/x", a)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range queries {
				u := *c.baseURL
				u.RawPath = strings.TrimRight(c.baseURL.EscapedPath(), "/") + path
				if u.Path, err = url.PathUnescape(u.RawPath); err != nil {
					t.Fatal(err)
				}
				u.RawQuery = q
				got, err := c.requestURL(path, q)
				if err != nil {
					t.Fatalf("base %q arg %q: %v", b, a, err)
				}
				if want := u.String(); got != want {
					t.Errorf("base %q arg %q query %q: got %q, want %q", b, a, q, got, want)
				}
			}
		}
	}
	if _, err := (&Client{}).requestURL("/items/%zz", ""); err == nil {
		t.Error("requestURL accepted an invalid escape in the path")
	}
}
