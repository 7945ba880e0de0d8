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
