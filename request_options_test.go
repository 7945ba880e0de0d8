package pluggy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithHeaderReachesEveryAttempt(t *testing.T) {
	c, mock := newTestClient(t)
	var seen []string
	var mu sync.Mutex
	var n atomic.Int32
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r.Header.Get("X-Request-Id"))
		mu.Unlock()
		if n.Add(1) == 1 {
			return httpmock.NewStringResponse(503, `{}`), nil
		}
		return httpmock.NewStringResponse(200, `{"id":"it-1"}`), nil
	})
	var authHeader string
	mock.RegisterResponder(http.MethodPost, u("/auth"), func(r *http.Request) (*http.Response, error) {
		authHeader = r.Header.Get("X-Request-Id")
		return httpmock.NewBytesResponse(200, fixture(t, "auth-create", "200")), nil
	})
	item, err := c.Items.Get(context.Background(), "it-1", WithHeader("x-request-id", "req-42"))
	require.NoError(t, err)
	assert.Equal(t, "it-1", item.ID)
	assert.Equal(t, []string{"req-42", "req-42"}, seen, "the retry carries it too")
	assert.Empty(t, authHeader, "the login made on the call's behalf is not the call")

	_, err = c.Items.Get(context.Background(), "it-1")
	require.NoError(t, err)
	assert.Empty(t, seen[len(seen)-1], "options apply to one call only")
}

func TestWithHeaderRefusesWhatTheClientSets(t *testing.T) {
	c, mock := newTestClient(t)
	for _, opt := range []RequestOption{
		WithHeader("X-API-KEY", "other-key"), WithHeader("content-type", "text/plain"), WithHeader("Host", "evil"),
		WithHeader("X-Note", "a\r\nX-Injected: 1"), WithHeader("Bad Name", "v"), WithHeader("", "v"),
		WithCallRetries(-1), WithCallRetries(1000), WithCallAttemptTimeout(-time.Second), CaptureResponse(nil),
	} {
		_, err := c.Items.Get(context.Background(), "it-1", opt)
		assert.Error(t, err)
	}
	assert.Zero(t, mock.GetTotalCallCount(), "nothing sent for a bad option")
}

func TestWithCallRetries(t *testing.T) {
	c, mock := newTestClient(t) // 3 retries by default
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), httpmock.NewStringResponder(503, `{}`))
	for _, tc := range []struct {
		opts []RequestOption
		want int
	}{{nil, 4}, {[]RequestOption{WithCallRetries(0)}, 1}, {[]RequestOption{WithCallRetries(6)}, 7}} {
		mock.ZeroCallCounters()
		_, err := c.Items.Get(context.Background(), "it-1", tc.opts...)
		require.Error(t, err)
		assert.Equal(t, tc.want, mock.GetCallCountInfo()["GET "+u("/items/it-1")])
	}
	// A per-call count never makes a creating POST replayable.
	mock.RegisterResponder(http.MethodPost, u("/items"), httpmock.NewStringResponder(500, `{}`))
	_, err := c.Items.Create(context.Background(), &CreateItemParams{ConnectorID: 0, Parameters: map[string]string{"user": "u"}}, WithCallRetries(5))
	require.Error(t, err)
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/items")])
}

func TestWithCallAttemptTimeout(t *testing.T) {
	c, mock := newTestClient(t, WithAttemptTimeout(time.Hour))
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done() // a server that never answers
		return nil, r.Context().Err()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.Items.Get(ctx, "it-1", WithCallAttemptTimeout(20*time.Millisecond), WithCallRetries(1))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NoError(t, ctx.Err(), "each attempt ended on its own timeout, not the caller's")
	assert.Equal(t, 2, mock.GetCallCountInfo()["GET "+u("/items/it-1")])
}

func TestCaptureResponse(t *testing.T) {
	c, mock := newTestClient(t)
	var n atomic.Int32
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			return httpmock.NewStringResponse(503, `{}`), nil
		}
		resp := httpmock.NewStringResponse(200, `{"id":"it-1"}`)
		resp.Header.Set("X-Request-Id", "srv-7")
		resp.Header.Set("RateLimit-Remaining", "358")
		return resp, nil
	})
	var meta ResponseMeta
	_, err := c.Items.Get(context.Background(), "it-1", CaptureResponse(&meta))
	require.NoError(t, err)
	assert.Equal(t, "GET /items/{id}", meta.Route)
	assert.Equal(t, 200, meta.StatusCode)
	assert.Equal(t, "srv-7", meta.Header.Get("X-Request-Id"))
	assert.Equal(t, "358", meta.Header.Get("RateLimit-Remaining"))
	assert.Equal(t, 2, meta.Attempts)
	assert.Positive(t, meta.Duration)

	// On failure too, and through Client.Do.
	mock.RegisterResponder(http.MethodGet, u("/items/gone"), httpmock.NewStringResponder(404, `{"code":404,"codeDescription":"ITEM_NOT_FOUND"}`))
	meta = ResponseMeta{}
	err = c.Do(context.Background(), "GET /items/{id}", []string{"gone"}, nil, nil, nil, CaptureResponse(&meta))
	require.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 404, meta.StatusCode)
	assert.Equal(t, 1, meta.Attempts)

	// Nothing sent: zero status and attempts.
	meta = ResponseMeta{}
	c2, _ := newTestClient(t, WithLimiter(NewRouteLimiter(time.Minute, nil, 1)))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = c2.Do(ctx, "GET /items/{id}", []string{"x"}, nil, nil, nil)
	err = c2.Do(ctx, "GET /items/{id}", []string{"x"}, nil, nil, nil, CaptureResponse(&meta))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Zero(t, meta.Attempts)
	assert.Zero(t, meta.StatusCode)
}

func TestIteratorsApplyOptionsToEveryPage(t *testing.T) {
	c, mock := newTestClient(t)
	var headers []string
	mock.RegisterResponder(http.MethodGet, u("/consents"), func(r *http.Request) (*http.Response, error) {
		headers = append(headers, r.Header.Get("X-Trace"))
		page := r.URL.Query().Get("page")
		if page == "" {
			page = "1"
		}
		return httpmock.NewStringResponse(200, fmt.Sprintf(`{"page":%s,"total":2,"totalPages":2,"results":[{"id":"c-%s"}]}`, page, page)), nil
	})
	var meta ResponseMeta
	var ids []string
	for consent, err := range c.Consents.All(context.Background(), "it-1", WithHeader("X-Trace", "t-1"), CaptureResponse(&meta)) {
		require.NoError(t, err)
		ids = append(ids, consent.ID)
	}
	assert.Equal(t, []string{"c-1", "c-2"}, ids)
	assert.Equal(t, []string{"t-1", "t-1"}, headers, "both pages carry the header")
	assert.Equal(t, 200, meta.StatusCode, "meta holds the last page's call")
}

func TestItemDriverPassesOptionsToItsRequests(t *testing.T) {
	c, mock := newTestClient(t)
	var mu sync.Mutex
	seen := map[string][]string{}
	rec := func(route string, body string) httpmock.Responder {
		return func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			seen[route] = append(seen[route], r.Header.Get("X-Trace"))
			mu.Unlock()
			return httpmock.NewStringResponse(200, body), nil
		}
	}
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), rec("GET", `{"id":"it-1","status":"UPDATED","executionStatus":"SUCCESS"}`))
	item, err := c.Items.Wait(context.Background(), "it-1", &ItemHandler{}, WithHeader("X-Trace", "w-1"))
	require.NoError(t, err)
	assert.Equal(t, "it-1", item.ID)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, seen["GET"])
	for _, h := range seen["GET"] {
		assert.Equal(t, "w-1", h)
	}
}

// ----- issue 15 item 2: route in the context, hooks -----

// routeRecorder is a user's RoundTripper that reads the route of each
// request from its context, as otelhttp's span name formatter would.
type routeRecorder struct {
	base   http.RoundTripper
	mu     sync.Mutex
	routes []string
}

func (r *routeRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	route, ok := RouteFromContext(req.Context())
	if !ok {
		route = "?"
	}
	r.mu.Lock()
	r.routes = append(r.routes, route)
	r.mu.Unlock()
	return r.base.RoundTrip(req)
}

func TestRouteIsReadableFromTheRequestContext(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, u("/auth"), jsonResponder(t, 200, fixture(t, "auth-create", "200")))
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), httpmock.NewStringResponder(200, `{"id":"it-1"}`))
	mock.RegisterResponder(http.MethodGet, `=~^`+u("/accounts"), httpmock.NewStringResponder(200, `{"page":1,"total":0,"totalPages":1,"results":[]}`))
	rr := &routeRecorder{base: mock}
	c, err := NewClient("id", testSecret, WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: rr}), WithLimiter(NoLimit),
		WithClock(newFakeClock(testClock)))
	require.NoError(t, err)
	_, err = c.Items.Get(context.Background(), "it-1")
	require.NoError(t, err)
	_, err = c.Accounts.List(context.Background(), "it-1", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"POST /auth", "GET /items/{id}", "GET /accounts"}, rr.routes)

	_, ok := RouteFromContext(context.Background())
	assert.False(t, ok)
	//lint:ignore SA1012 the nil context is the case under test
	_, ok = RouteFromContext(nil) //nolint:staticcheck
	assert.False(t, ok)
}

// hookLog collects every hook event as it comes.
type hookLog struct {
	mu       sync.Mutex
	attempts []AttemptEvent
	retries  []RetryEvent
	waits    []LimiterWaitEvent
	holds    []RateLimitHoldEvent
	renewals []KeyRenewalEvent
}

func (h *hookLog) hooks() Hooks {
	return Hooks{
		Attempt:       func(e AttemptEvent) { h.mu.Lock(); h.attempts = append(h.attempts, e); h.mu.Unlock() },
		Retry:         func(e RetryEvent) { h.mu.Lock(); h.retries = append(h.retries, e); h.mu.Unlock() },
		LimiterWait:   func(e LimiterWaitEvent) { h.mu.Lock(); h.waits = append(h.waits, e); h.mu.Unlock() },
		RateLimitHold: func(e RateLimitHoldEvent) { h.mu.Lock(); h.holds = append(h.holds, e); h.mu.Unlock() },
		KeyRenewal:    func(e KeyRenewalEvent) { h.mu.Lock(); h.renewals = append(h.renewals, e); h.mu.Unlock() },
	}
}

func TestHooksReportAttemptsRetriesWaitsHoldsAndRenewals(t *testing.T) {
	log := &hookLog{}
	clock := newFakeClock(testClock)
	c, mock := newTestClient(t, WithHooks(log.hooks()), WithClock(clock), WithMaxRetryWait(time.Second))
	var n atomic.Int32
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
		switch n.Add(1) {
		case 1:
			resp := httpmock.NewStringResponse(429, `{"code":429}`)
			resp.Header.Set("Retry-After", "0.01")
			return resp, nil
		case 2:
			return httpmock.NewStringResponse(503, `{}`), nil
		}
		return httpmock.NewStringResponse(200, `{"id":"it-1"}`), nil
	})
	_, err := c.Items.Get(context.Background(), "it-1")
	require.NoError(t, err)

	log.mu.Lock()
	defer log.mu.Unlock()
	var got []string
	for _, a := range log.attempts {
		got = append(got, fmt.Sprintf("%s #%d %d", a.Route, a.Attempt, a.StatusCode))
		assert.NoError(t, a.Err)
	}
	assert.Equal(t, []string{"POST /auth #1 200", "GET /items/{id} #1 429", "GET /items/{id} #2 503", "GET /items/{id} #3 200"}, got)
	require.Len(t, log.retries, 2)
	assert.Equal(t, RetryEvent{Route: "GET /items/{id}", Attempt: 1, Reason: "rate limited", StatusCode: 429, Wait: 10 * time.Millisecond}, log.retries[0])
	assert.Equal(t, "server error", log.retries[1].Reason)
	assert.Equal(t, 503, log.retries[1].StatusCode)
	assert.Positive(t, log.retries[1].Wait)
	assert.Len(t, log.waits, 4, "one limiter wait per attempt, the login's included")
	require.Len(t, log.holds, 1)
	assert.Equal(t, RateLimitHoldEvent{Route: "GET /items/{id}", Asked: 10 * time.Millisecond, Hold: 10 * time.Millisecond, Until: testClock.Add(10 * time.Millisecond)}, log.holds[0])
	require.Len(t, log.renewals, 1)
	var want struct{ APIKey string }
	require.NoError(t, json.Unmarshal(fixture(t, "auth-create", "200"), &want))
	assert.Equal(t, time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC), log.renewals[0].ExpiresAt.UTC())

	// Nothing any hook received holds a secret.
	all := fmt.Sprintf("%+v %+v %+v %+v %+v", log.attempts, log.retries, log.waits, log.holds, log.renewals)
	assert.NotContains(t, all, testSecret)
	assert.NotContains(t, all, want.APIKey)
	assert.NotContains(t, all, want.APIKey[:20])
}

func TestHooksSeeFailuresWithoutURLs(t *testing.T) {
	log := &hookLog{}
	c, mock := newTestClient(t, WithHooks(log.hooks()))
	mock.RegisterResponder(http.MethodGet, `=~^`+u("/v2/transactions"), httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	err := c.callRaw(context.Background(), "GET /v2/transactions", nil, "after=SECRET-CURSOR", nil, nil)
	require.Error(t, err)

	// A limiter with one token a minute: the second call's wait would
	// outlast its context.
	limited, mock2 := newTestClient(t, WithHooks(log.hooks()), WithLimiter(NewRouteLimiter(time.Minute, nil, 1)))
	mock2.RegisterResponder(http.MethodGet, u("/items/it-1"), httpmock.NewStringResponder(200, `{}`))
	require.NoError(t, limited.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = limited.Do(ctx, "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	log.mu.Lock()
	defer log.mu.Unlock()
	var refused int
	for _, w := range log.waits {
		if w.Err != nil {
			refused++
			assert.ErrorIs(t, w.Err, context.DeadlineExceeded)
		}
	}
	assert.Equal(t, 1, refused, "the limiter's refusal is reported")
	var failed int
	for _, a := range log.attempts {
		if a.Route != "GET /v2/transactions" {
			continue
		}
		failed++
		require.Error(t, a.Err)
		assert.NotContains(t, a.Err.Error(), "SECRET-CURSOR")
		assert.NotContains(t, a.Err.Error(), "pluggy.test")
	}
	assert.Equal(t, 4, failed, "every failed attempt is reported")
	require.Len(t, log.retries, 3)
	for _, r := range log.retries {
		assert.Equal(t, "connection error", r.Reason)
	}
}

// A header name must be an RFC 9110 token, as net/http's transport requires:
// one it would refuse on the way out ("X-Bad(", a quote, a slash) is
// refused by WithHeader, before anything is sent, instead of failing each
// attempt in the transport.
func TestWithHeaderRefusesNamesTheTransportWouldRefuse(t *testing.T) {
	c, mock := newTestClient(t)
	for _, name := range []string{"X-Bad(", `X-"q"`, "X/Y", "X@Y", "X[1]", "X{a}", "X=Y", "X;Y", "X,Y", `X\Y`, "X?", "X<Y>"} {
		_, err := c.Items.Get(context.Background(), "it-1", WithHeader(name, "v"))
		assert.ErrorContains(t, err, "invalid header name", "%q", name)
	}
	assert.Zero(t, mock.GetTotalCallCount(), "nothing sent for a bad name")
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), httpmock.NewStringResponder(200, `{"id":"it-1"}`))
	for _, name := range []string{"X-Request-Id", "x_trace.id", "X!#$%&'*+-.^_`|~1"} {
		_, err := c.Items.Get(context.Background(), "it-1", WithHeader(name, "v"))
		assert.NoError(t, err, "%q is a token", name)
	}
}
