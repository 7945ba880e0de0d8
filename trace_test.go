package pluggy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync/atomic"
	"testing"
	"time"
)

// TestCallerTraceSeesEachAttemptOnce puts the caller's own httptrace in the
// context of calls that are retried (a 429, then a success) and checks that
// its hooks fire once per attempt: for a POST, whose attempts carry the
// pipeline's trace composed with the caller's, and for a GET, whose attempts
// carry none of the pipeline's.
func TestCallerTraceSeesEachAttemptOnce(t *testing.T) {
	for _, route := range []string{"POST /items", "GET /items/{id}"} {
		t.Run(route, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if hits.Add(1) == 1 {
					w.WriteHeader(http.StatusTooManyRequests)
					w.Write([]byte(`{"code":429,"message":"slow down"}`))
					return
				}
				w.Write([]byte(`{"id":"x"}`))
			}))
			defer srv.Close()
			c, err := NewClient("", "", WithAPIKey("k"), WithBaseURL(srv.URL), WithHTTPClient(srv.Client()),
				WithLimiter(NoLimit), WithRetryWait(time.Millisecond, 2*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			var gotConn, wrote atomic.Int32
			ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
				GotConn:      func(httptrace.GotConnInfo) { gotConn.Add(1) },
				WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Add(1) },
			})
			var args []string
			var body any
			if route == "GET /items/{id}" {
				args = []string{"x"}
			} else {
				body = map[string]string{"connectorId": "1"}
			}
			var out struct {
				ID string `json:"id"`
			}
			if err := c.Do(ctx, route, args, nil, body, &out); err != nil || out.ID != "x" {
				t.Fatalf("Do: %v, id %q", err, out.ID)
			}
			if n := hits.Load(); n != 2 {
				t.Fatalf("server saw %d requests, want 2", n)
			}
			if g, w := gotConn.Load(), wrote.Load(); g != 2 || w != 2 {
				t.Errorf("caller's trace: GotConn %d times, WroteRequest %d times; want 2 and 2 (once per attempt)", g, w)
			}
		})
	}
}

// TestAttemptRequestIsItsOwn checks that an attempt's request carries the
// key and the attempt's context, and that changing its header or URL (as a
// transport breaking the RoundTripper contract might) leaves the retry
// loop's request, which the next attempt copies, as it was.
func TestAttemptRequestIsItsOwn(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "https://api.example/items/x?a=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["X-Trace"] = []string{"a", "b"}
	req.Header["X-Api-Key"] = []string{"stale"}
	req.Header["X-Nil"] = nil
	type k struct{}
	ctx := context.WithValue(context.Background(), k{}, 1)
	r := attemptRequest(ctx, req, true, "fresh")
	if r.Context().Value(k{}) != 1 {
		t.Error("the attempt's request does not carry the attempt's context")
	}
	if got := r.Header.Values("X-Api-Key"); len(got) != 1 || got[0] != "fresh" {
		t.Errorf("X-Api-Key = %q, want [fresh]", got)
	}
	if got := r.Header.Values("X-Trace"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("X-Trace = %q, want [a b]", got)
	}
	if vs, ok := r.Header["X-Nil"]; !ok || vs != nil {
		t.Errorf("X-Nil = %q (present %v), want a nil entry kept", vs, ok)
	}
	r.Header.Add("Accept", "text/plain")
	r.Header["X-Trace"][0] = "changed"
	r.Header.Set("X-New", "1")
	r.URL.Path = "/elsewhere"
	if got := req.Header.Values("Accept"); len(got) != 1 {
		t.Errorf("loop request's Accept became %q", got)
	}
	if req.Header["X-Trace"][0] != "a" || req.Header.Get("X-New") != "" || req.Header.Get("X-Api-Key") != "stale" {
		t.Errorf("loop request's header changed: %v", req.Header)
	}
	if req.URL.Path != "/items/x" {
		t.Errorf("loop request's URL path became %q", req.URL.Path)
	}
	if u := attemptRequest(ctx, req, false, ""); u.Header.Get("X-Api-Key") != "stale" {
		t.Errorf("unauthenticated attempt changed X-Api-Key to %q", u.Header.Get("X-Api-Key"))
	}
}
