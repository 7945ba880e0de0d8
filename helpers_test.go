package pluggy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// testBase is the base URL of test clients. It has a path prefix so that a
// method that builds a URL by hand, skipping the base, fails loudly.
const testBase = "https://pluggy.test/api"

// u returns the absolute test URL of path.
func u(path string) string { return testBase + path }

// newTestClient returns a client whose requests go to a fresh httpmock
// transport of its own (tests stay independent and may run in parallel).
// POST /auth answers testdata/auth-create/200.json every time. The rate
// limiter is off and retry waits are short unless opts say otherwise.
func newTestClient(t testing.TB, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, u("/auth"), jsonResponder(t, 200, fixture(t, "auth-create", "200")))
	base := []Option{
		WithBaseURL(testBase),
		WithHTTPClient(&http.Client{Transport: mock}),
		WithLimiter(NoLimit),
		WithRetryWait(time.Millisecond, 5*time.Millisecond),
		WithClock(newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))),
	}
	c, err := NewClient("6f1c2a9e-3b7d-4c8e-9a15-2d4f6b8c0e13", testSecret, append(base, opts...)...)
	require.NoError(t, err)
	return c, mock
}

// testSecret is the client secret of test clients; tests assert it never
// shows up in errors or logs.
const testSecret = "s3cr3t-UZzp2n7eMThpfZ74Xf7"

// fixture returns testdata/<operationID>/<name>.json.
func fixture(t testing.TB, operationID, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", operationID, name+".json"))
	require.NoError(t, err)
	return b
}

// jsonResponder answers status with body as application/json.
func jsonResponder(t testing.TB, status int, body []byte) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

// fixtureResponder answers status with testdata/<operationID>/<name>.json.
func fixtureResponder(t testing.TB, status int, operationID, name string) httpmock.Responder {
	return jsonResponder(t, status, fixture(t, operationID, name))
}

// requestBody reads a request's JSON body into a generic value.
func requestBody(t testing.TB, r *http.Request) map[string]any {
	t.Helper()
	if r.Body == nil {
		return nil
	}
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	r.Body = io.NopCloser(bytes.NewReader(b))
	if len(b) == 0 {
		return nil
	}
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// assertRoundTrip decodes fixture into a fresh T, encodes it again and
// requires the two JSON documents to be equal, nulls aside: no field is lost.
func assertRoundTrip[T any](t *testing.T, raw []byte) {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(raw))
	require.NoError(t, dec.Decode(&v))
	out, err := json.Marshal(v)
	require.NoError(t, err)
	var want, got any
	require.NoError(t, json.Unmarshal(raw, &want))
	require.NoError(t, json.Unmarshal(out, &got))
	require.Equal(t, dropNulls(want), dropNulls(got))
}

func dropNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if x != nil {
				out[k] = dropNulls(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = dropNulls(x)
		}
		return out
	}
	return v
}

// fakeClock is a Clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}
