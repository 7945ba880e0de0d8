package pluggy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
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

// ----- Recording requests -----

// recorder keeps the requests its responder answered, bodies included.
// on and onRoute register one for a route.
type recorder struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies [][]byte
}

// wrap returns resp recording each request first (its body stays readable).
func (r *recorder) wrap(resp httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		var b []byte
		if req.Body != nil {
			b, _ = io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, req)
		r.bodies = append(r.bodies, b)
		r.mu.Unlock()
		return resp(req)
	}
}

// n is the number of requests answered.
func (r *recorder) n() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// req returns the i-th request answered.
func (r *recorder) req(t *testing.T, i int) *http.Request {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.Greater(t, len(r.reqs), i, "request #%d was not sent", i)
	return r.reqs[i]
}

// bodyAt returns the i-th request's body.
func (r *recorder) bodyAt(t *testing.T, i int) []byte {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.Greater(t, len(r.bodies), i, "request #%d was not sent", i)
	return r.bodies[i]
}

// one returns the only request answered, failing otherwise.
func (r *recorder) one(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.Len(t, r.reqs, 1, "requests received")
	return r.reqs[0], r.bodies[0]
}

// body returns the only request's body as a string ("" when empty).
func (r *recorder) body(t *testing.T) string {
	t.Helper()
	_, b := r.one(t)
	return string(b)
}

// query returns the only request's query.
func (r *recorder) query(t *testing.T) url.Values {
	t.Helper()
	req, _ := r.one(t)
	return req.URL.Query()
}

// on answers method + testBase+path (any query) with resp and records what
// it answers.
func on(mock *httpmock.MockTransport, method, path string, resp httpmock.Responder) *recorder {
	rec := &recorder{}
	mock.RegisterResponder(method, u(path), rec.wrap(resp))
	return rec
}

// onRoute is on with a fixed answer: status and body, as application/json
// when body is not empty.
func onRoute(t *testing.T, mock *httpmock.MockTransport, method, path string, status int, body []byte) *recorder {
	t.Helper()
	return on(mock, method, path, func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(status, body)
		if len(body) > 0 {
			resp.Header.Set("Content-Type", "application/json")
		}
		return resp, nil
	})
}

// assertRequest checks the method, path (below testBase) and query of req.
func assertRequest(t *testing.T, req *http.Request, method, path string, query url.Values) {
	t.Helper()
	assert.Equal(t, method, req.Method)
	assert.Equal(t, "/api"+path, req.URL.Path)
	if query == nil {
		query = url.Values{}
	}
	assert.Equal(t, query, req.URL.Query())
	assert.NotEmpty(t, req.Header.Get("X-API-KEY"), "every data call carries the API key")
}

// assertNothingSent checks that no request at all (not even POST /auth) left.
func assertNothingSent(t *testing.T, mock *httpmock.MockTransport) {
	t.Helper()
	assert.Zero(t, mock.GetTotalCallCount(), "a refused parameter must not reach the network: %v", mock.GetCallCountInfo())
}

// ----- Errors -----

// requireArgumentErr requires err to be an *ArgumentError naming param.
func requireArgumentErr(t *testing.T, err error, param string) {
	t.Helper()
	var pe *ArgumentError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, param, pe.Param, "param of %v", err)
	assert.ErrorIs(t, err, ErrInvalidArgument)
}

// requireAPIErr requires err to be an *Error with this status and codeDescription.
func requireAPIErr(t *testing.T, err error, status int, codeDescription string) *Error {
	t.Helper()
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, status, apiErr.StatusCode)
	assert.Equal(t, codeDescription, apiErr.CodeDescription)
	assert.NotEmpty(t, apiErr.Message)
	return apiErr
}

// ----- Values -----

// collect drains an iterator: its values, and its errors in order (the
// iterators end after their first).
func collect[T any](seq func(func(T, error) bool)) ([]T, []error) {
	var items []T
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	return items, errs
}

// collectAtMost is collect for an iterator that must end on its own: it
// fails the test, naming what, once more than limit values came.
func collectAtMost[T any](t *testing.T, seq func(func(T, error) bool), limit int, what string) ([]T, []error) {
	t.Helper()
	return collect(func(yield func(T, error) bool) {
		n := 0
		for v, err := range seq {
			if err == nil {
				if n++; n > limit {
					t.Fatalf("%s: more than %d values", what, limit)
				}
			}
			if !yield(v, err) {
				return
			}
		}
	})
}

// roundTrip runs assertRoundTrip[T] on testdata/<op>/<name>.json after
// rewriting its timestamps the way Go writes them: Pluggy writes
// "2026-12-03T00:00:00.000Z" (JavaScript's toISOString), time.Time writes the
// same instant back as "2026-12-03T00:00:00Z". Only the spelling of instants
// is normalised; every field still has to survive the trip.
func roundTrip[T any](t *testing.T, op, name string) {
	t.Helper()
	var doc any
	dec := json.NewDecoder(bytes.NewReader(fixture(t, op, name)))
	dec.UseNumber() // keep every number's digits as written
	require.NoError(t, dec.Decode(&doc))
	raw, err := json.Marshal(canonicalTimes(doc))
	require.NoError(t, err)
	assertRoundTrip[T](t, raw)
}

func canonicalTimes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = canonicalTimes(e)
		}
	case []any:
		for i, e := range x {
			x[i] = canonicalTimes(e)
		}
	case string:
		if len(x) > len(time.DateOnly) {
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return t.Format(time.RFC3339Nano)
			}
		}
	}
	return v
}

// ts parses an RFC 3339 instant written in a test.
func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// mustDate parses a YYYY-MM-DD date written in a test.
func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	require.NoError(t, err)
	return d
}

// webhookFixture reads testdata/webhooks/<event with / as _>.json.
func webhookFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "webhooks", strings.ReplaceAll(name, "/", "_")+".json"))
	require.NoError(t, err)
	return b
}
