package pluggytest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

// rawGet sends a GET with key as X-API-KEY, outside the client.
func rawGet(t *testing.T, srv *Server, path, key string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("X-API-KEY", key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp, body
}

func apiKey(t *testing.T, srv *Server) string {
	t.Helper()
	c, err := srv.Client()
	require.NoError(t, err)
	var out struct {
		APIKey string `json:"apiKey"`
	}
	require.NoError(t, c.Do(context.Background(), "POST /auth", nil, nil, map[string]string{"clientId": srv.ClientID, "clientSecret": srv.ClientSecret}, &out))
	return out.APIKey
}

// wallClock is the system clock, for a client that does not follow the
// server's.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func TestKeyExpiryOnDataRoutes(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithKeyTTL(10*time.Minute), WithStartTime(bankStart))
	defer srv.Close()
	ctx := context.Background()
	id, err := srv.AddConnectedItem(ConnectorPluggyBank)
	require.NoError(t, err)

	// A client on the server's clock (Server.Client's default) renews its
	// key ahead of the expiry it is told.
	c, err := srv.Client(pluggy.WithLimiter(pluggy.NoLimit))
	require.NoError(t, err)
	var item map[string]any
	require.NoError(t, c.Do(ctx, "GET /items/{id}", []string{id}, nil, nil, &item))
	srv.Advance(11 * time.Minute)
	require.NoError(t, c.Do(ctx, "GET /items/{id}", []string{id}, nil, nil, &item))
	assert.Len(t, srv.RequestsTo("POST /auth"), 2)
	assert.Len(t, srv.RequestsTo("GET /items/{id}"), 2, "no refused request")

	// A client on the wall clock, with a server on real time moved ahead,
	// learns of the expiry from a 403 with no codeDescription, renews its
	// key and replays.
	srv = NewServer(WithKeyTTL(10 * time.Minute))
	defer srv.Close()
	id, err = srv.AddConnectedItem(ConnectorPluggyBank)
	require.NoError(t, err)
	wall, err := srv.Client(pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithClock(wallClock{}))
	require.NoError(t, err)
	require.NoError(t, wall.Do(ctx, "GET /items/{id}", []string{id}, nil, nil, &item))
	srv.Advance(11 * time.Minute)
	require.NoError(t, wall.Do(ctx, "GET /items/{id}", []string{id}, nil, nil, &item), "the client renews its key and replays")
	assert.Len(t, srv.RequestsTo("POST /auth"), 2)
	assert.Len(t, srv.RequestsTo("GET /items/{id}"), 3, "one refused, replayed")

	// What that client saw, raw.
	key := apiKey(t, srv)
	resp, body := rawGet(t, srv, "/accounts?itemId="+id, key)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.EqualValues(t, 2, body["total"])
	srv.Advance(10 * time.Minute)
	for _, k := range []string{key, "", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"} {
		resp, body = rawGet(t, srv, "/accounts?itemId="+id, k)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Equal(t, map[string]any{"code": float64(403), "message": "Missing or invalid authorization token"}, body)
	}
}

func TestServerClientPacesOnRealTime(t *testing.T) {
	t.Parallel()
	// With a frozen clock, the default client still gets through more than
	// a burst of requests at once (its limiter runs on real time).
	srv := NewServer(WithStartTime(bankStart))
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	for i := 0; i < 21; i++ {
		var out map[string]any
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		require.NoError(t, c.Do(ctx, "GET /connectors/{id}", []string{"0"}, nil, nil, &out))
		cancel()
	}
}

func TestItemUpdateRateLimit(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	c, err := h.srv.Client(pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithRetries(0), pluggy.WithClock(h.srv))
	require.NoError(t, err)
	id, _, _ := h.connected(ConnectorItau)
	for i := 0; i < 20; i++ {
		var it map[string]any
		require.NoError(t, c.Do(h.ctx, "PATCH /items/{id}", []string{id}, nil, map[string]any{}, &it), "update %d", i+1)
	}
	var it map[string]any
	err = c.Do(h.ctx, "PATCH /items/{id}", []string{id}, nil, map[string]any{}, &it)
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.Equal(t, "RATE_LIMIT_EXCEEDED", apiErr.CodeDescription)
	assert.Equal(t, 60*time.Second, apiErr.RetryAfter, "the window started at the frozen now")
	// Other routes have their own window.
	require.NoError(t, c.Do(h.ctx, "GET /items/{id}", []string{id}, nil, nil, &it))

	// The headers, seen raw.
	key := apiKey(t, h.srv)
	req, _ := http.NewRequest(http.MethodPatch, h.srv.URL+"/items/"+id, nil)
	req.Header.Set("X-API-KEY", key)
	h.srv.Advance(45 * time.Second)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "20", resp.Header.Get("RateLimit-Limit"))
	assert.Equal(t, "15", resp.Header.Get("RateLimit-Reset"))
	assert.Equal(t, "15", resp.Header.Get("Retry-After"))

	h.srv.Advance(15 * time.Second)
	require.NoError(t, c.Do(h.ctx, "PATCH /items/{id}", []string{id}, nil, map[string]any{}, &it), "a new minute")
}

func TestDataRouteRateLimit(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	c, err := h.srv.Client(pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithRetries(0), pluggy.WithClock(h.srv))
	require.NoError(t, err)
	_, bank, _ := h.connected(ConnectorItau)
	q := url.Values{"accountId": {bank}, "pageSize": {"1"}}
	var p txPage
	for i := 0; i < 360; i++ {
		require.NoError(t, c.Do(h.ctx, "GET /transactions", nil, q, nil, &p))
	}
	err = c.Do(h.ctx, "GET /transactions", nil, q, nil, &p)
	assert.True(t, errors.Is(err, pluggy.ErrRateLimited), "%v", err)

	// Turned off, there is no limit.
	h2 := newBankHarness(t, WithoutRateLimit())
	id, _, _ := h2.connected(ConnectorItau)
	for i := 0; i < 25; i++ {
		h2.do("PATCH /items/{id}", []string{id}, nil, map[string]any{})
	}
}

func TestFaultsOnBankRoutes(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	noRetry, err := h.srv.Client(pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithRetries(0), pluggy.WithClock(h.srv))
	require.NoError(t, err)
	id, bank, _ := h.connected(ConnectorPluggyBank)
	var out map[string]any

	t.Run("5xx on a read is retried", func(t *testing.T) {
		before := len(h.srv.RequestsTo("GET /items/{id}"))
		h.srv.Fail("GET /items/{id}", 2, Status(http.StatusInternalServerError))
		require.NoError(t, h.c.Do(h.ctx, "GET /items/{id}", []string{id}, nil, nil, &out))
		assert.Len(t, h.srv.RequestsTo("GET /items/{id}"), before+3)
	})
	t.Run("5xx on a create is not retried", func(t *testing.T) {
		h.srv.Fail("POST /items", 1, Status(http.StatusServiceUnavailable))
		err := h.c.Do(h.ctx, "POST /items", nil, nil, map[string]any{"connectorId": 0, "parameters": map[string]string{"user": SandboxUser, "password": SandboxPassword}}, &out)
		var apiErr *pluggy.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
		assert.Len(t, h.srv.RequestsTo("POST /items"), 1)
		assert.NotContains(t, h.eventTypes(), "item/created", "the fault answered instead of the route")
	})
	t.Run("429 carries its wait", func(t *testing.T) {
		h.srv.Fail("POST /items/{id}/mfa", 1, TooManyRequests(7))
		err := noRetry.Do(h.ctx, "POST /items/{id}/mfa", []string{id}, nil, map[string]string{"token": SandboxToken}, &out)
		var apiErr *pluggy.Error
		require.ErrorAs(t, err, &apiErr)
		assert.True(t, errors.Is(err, pluggy.ErrRateLimited))
		assert.Equal(t, 7*time.Second, apiErr.RetryAfter)
	})
	t.Run("a reset read is retried", func(t *testing.T) {
		h.srv.Fail("GET /accounts", 1, Reset())
		require.NoError(t, h.c.Do(h.ctx, "GET /accounts", nil, url.Values{"itemId": {id}}, nil, &out))
		assert.EqualValues(t, 2, out["total"])
	})
	t.Run("a reset without retries", func(t *testing.T) {
		// No keep-alive: on a reused connection net/http itself replays a
		// GET the server dropped.
		fresh, err := h.srv.Client(pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithRetries(0), pluggy.WithClock(h.srv),
			pluggy.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
		require.NoError(t, err)
		h.srv.Fail("GET /v2/transactions", 1, Reset())
		err = fresh.Do(h.ctx, "GET /v2/transactions", nil, url.Values{"accountId": {bank}}, nil, &out)
		var reqErr *pluggy.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, "GET /v2/transactions", reqErr.Route)
	})
	t.Run("a slow body arrives whole", func(t *testing.T) {
		h.srv.Fail("GET /accounts/{id}", 1, SlowBody(time.Millisecond))
		require.NoError(t, h.c.Do(h.ctx, "GET /accounts/{id}", []string{bank}, nil, nil, &out))
		assert.Equal(t, bank, out["id"])
	})
	t.Run("a truncated body fails to decode", func(t *testing.T) {
		h.srv.Fail("GET /transactions", 1, TruncatedBody())
		err := noRetry.Do(h.ctx, "GET /transactions", nil, url.Values{"accountId": {bank}}, nil, &out)
		require.Error(t, err)
		var decErr *pluggy.DecodeError
		var reqErr *pluggy.RequestError
		assert.True(t, errors.As(err, &decErr) || errors.As(err, &reqErr), "%T: %v", err, err)
		require.NoError(t, noRetry.Do(h.ctx, "GET /transactions", nil, url.Values{"accountId": {bank}}, nil, &out), "one fault only")
		assert.EqualValues(t, 100, out["total"])
	})
	t.Run("faults are per route and counted", func(t *testing.T) {
		h.srv.Fail("GET /bills", 2, Status(http.StatusBadGateway))
		for i := 0; i < 2; i++ {
			err := noRetry.Do(h.ctx, "GET /bills", nil, url.Values{"accountId": {bank}}, nil, &out)
			var apiErr *pluggy.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
		}
		require.NoError(t, noRetry.Do(h.ctx, "GET /bills", nil, url.Values{"accountId": {bank}}, nil, &out))
		require.NoError(t, noRetry.Do(h.ctx, "GET /loans", nil, url.Values{"itemId": {id}}, nil, &out))
	})
}

func TestFaultsDoNotMoveItems(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	noRetry, err := h.srv.Client(pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithRetries(0), pluggy.WithClock(h.srv))
	require.NoError(t, err)
	id := str(h.createItem(ConnectorItau, map[string]string{"agency": "0001", "account": "12345-6", "password": SandboxPassword}), "id")
	h.srv.Fail("GET /items/{id}", 1, Status(http.StatusInternalServerError))
	var out map[string]any
	require.Error(t, noRetry.Do(h.ctx, "GET /items/{id}", []string{id}, nil, nil, &out))
	assert.Equal(t, "UPDATING/LOGIN_IN_PROGRESS", state(h.item(id)), "the failed read showed nothing")
}

func TestRecordsWhatTheClientSent(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id := str(h.createItem(ConnectorPluggyBank, map[string]string{"user": SandboxUser, "password": SandboxPassword}), "id")
	h.drive(id, map[string]string{"token": SandboxToken})
	creates := h.srv.RequestsTo("POST /items")
	require.Len(t, creates, 1)
	assert.JSONEq(t, `{"connectorId":0,"parameters":{"user":"user-ok","password":"password-ok"}}`, string(creates[0].Body))
	mfa := h.srv.RequestsTo("POST /items/{id}/mfa")
	require.Len(t, mfa, 1)
	assert.Equal(t, "/items/"+id+"/mfa", mfa[0].Path)
	assert.JSONEq(t, `{"token":"123456"}`, string(mfa[0].Body))
	assert.True(t, mfa[0].HadAPIKey)
	assert.Equal(t, bankStart, mfa[0].At)
	gets := h.srv.RequestsTo("GET /items/{id}")
	assert.Len(t, gets, 9, "one read a step: LOGIN, WAITING, six data steps, UPDATED")
	h.do("GET /transactions", nil, url.Values{"accountId": {id}, "pageSize": {strconv.Itoa(7)}}, nil)
	last := h.srv.RequestsTo("GET /transactions")[0]
	assert.Equal(t, url.Values{"accountId": {id}, "pageSize": {"7"}}.Encode(), last.Query)
}

// TestSlidingRateLimitWindow: with WithRateLimitWindow the limit holds in
// every window, not per fixed minute: 10 updates at 0 s and 10 at 1.5 s
// fill a 2 s window; at 2.1 s the first 10 have left it, the others not.
func TestSlidingRateLimitWindow(t *testing.T) {
	h := newBankHarness(t, WithRateLimitWindow(2*time.Second))
	c, err := h.srv.Client(pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithRetries(0), pluggy.WithClock(h.srv))
	require.NoError(t, err)
	id, _, _ := h.connected(ConnectorItau)
	update := func() error {
		var it map[string]any
		return c.Do(h.ctx, "PATCH /items/{id}", []string{id}, nil, map[string]any{}, &it)
	}
	for i := 0; i < 10; i++ {
		require.NoError(t, update(), "update %d", i+1)
	}
	h.srv.Advance(1500 * time.Millisecond)
	for i := 0; i < 10; i++ {
		require.NoError(t, update(), "update %d", i+11)
	}
	err = update()
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.Equal(t, time.Second, apiErr.RetryAfter, "0.5 s until the first leaves the window, rounded up")
	assert.Equal(t, 1, h.srv.RateLimited())

	h.srv.Advance(600 * time.Millisecond) // 2.1 s
	for i := 0; i < 10; i++ {
		require.NoError(t, update(), "update %d after the first ten left", i+1)
	}
	require.Error(t, update())
	assert.Equal(t, 2, h.srv.RateLimited())
}

// WithRateLimitWindow turns the limits on; of it and WithoutRateLimit the
// later option wins.
func TestRateLimitOptionsLaterWins(t *testing.T) {
	t.Parallel()
	limited := func(opts ...Option) bool {
		srv := NewServer(opts...)
		defer srv.Close()
		auth, err := http.Post(srv.URL+"/auth", "application/json",
			strings.NewReader(`{"clientId":"`+srv.ClientID+`","clientSecret":"`+srv.ClientSecret+`"}`))
		require.NoError(t, err)
		defer auth.Body.Close()
		var key struct{ APIKey string }
		require.NoError(t, json.NewDecoder(auth.Body).Decode(&key))
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/connectors/0", nil)
		require.NoError(t, err)
		req.Header.Set("X-API-KEY", key.APIKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		return resp.Header.Get("RateLimit-Limit") != ""
	}
	assert.True(t, limited(), "on by default")
	assert.False(t, limited(WithoutRateLimit()))
	assert.True(t, limited(WithoutRateLimit(), WithRateLimitWindow(time.Minute)))
	assert.False(t, limited(WithRateLimitWindow(time.Minute), WithoutRateLimit()))
	assert.False(t, limited(WithoutRateLimit(), WithRateLimitWindow(0)), "d <= 0 changes nothing")
}
