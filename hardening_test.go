package pluggy

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy/internal/jwtexp"
)

// Tests of issue 10's pipeline items: each one failed on the code before
// the fix.

// testClock is the fixed time of the hardening tests; keys are minted
// relative to it, never to the wall clock.
var testClock = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// keyServer answers POST /auth with a fresh 2-hour key minted at clock's
// time, counts the logins, and hands every other request to next.
type keyServer struct {
	clock  *fakeClock
	logins atomic.Int32
	// stale makes every key already expired (exp an hour before its iat).
	stale bool
	// ttl is the keys' lifetime, 2 hours when zero.
	ttl time.Duration
}

func (k *keyServer) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/auth" {
			n := int(k.logins.Add(1))
			now := k.clock.Now()
			exp := now.Add(2 * time.Hour)
			if k.ttl > 0 {
				exp = now.Add(k.ttl)
			}
			if k.stale {
				now, exp = now.Add(-3*time.Hour), now.Add(-time.Hour)
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]string{"apiKey": jwtKey(n, now, exp)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serverClient starts an httptest server answering with h (POST /auth
// answered by a keyServer) and a client on it, limiter off, short retry
// waits.
func serverClient(t *testing.T, h http.Handler, opts ...Option) (*Client, *httptest.Server, *keyServer) {
	t.Helper()
	clock := newFakeClock(testClock)
	ks := &keyServer{clock: clock}
	srv := httptest.NewServer(ks.wrap(h))
	t.Cleanup(srv.Close)
	base := []Option{WithBaseURL(srv.URL), WithLimiter(NoLimit), WithRetryWait(time.Millisecond, 2*time.Millisecond), WithClock(clock)}
	c, err := NewClient("id", testSecret, append(base, opts...)...)
	require.NoError(t, err)
	return c, srv, ks
}

// ----- item 1: redirects -----

func TestRedirectsAreNeverFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	var elsewhereGotKey, elsewhereGotSecret atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		b, _ := io.ReadAll(r.Body)
		elsewhereGotSecret.Store(bytes.Contains(b, []byte(testSecret)))
		elsewhereGotKey.Store(r.Header.Get("X-API-KEY") != "")
		io.WriteString(w, `{"id":"from-another-host","apiKey":"evil-key"}`)
	}))
	defer other.Close()
	otherHost := strings.TrimPrefix(other.URL, "http://")

	for _, tc := range []struct {
		status  int
		route   string
		args    []string
		body    any
		onLogin bool // the redirect answers POST /auth itself
	}{
		{http.StatusFound, "GET /items/{id}", []string{"it-1"}, nil, false},
		{http.StatusTemporaryRedirect, "GET /items/{id}", []string{"it-1"}, nil, true},
		{http.StatusSeeOther, "POST /payments/requests", nil, map[string]any{"amount": 10}, false},
		{http.StatusPermanentRedirect, "POST /webhooks", nil, map[string]any{"url": "https://example.com"}, false},
	} {
		name := fmt.Sprintf("%d %s login=%v", tc.status, tc.route, tc.onLogin)
		elsewhere.Store(0)
		userHC := &http.Client{Transport: http.DefaultTransport}
		clock := newFakeClock(testClock)
		ks := &keyServer{clock: clock}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/auth" || tc.onLogin {
				w.Header().Set("Location", other.URL+"/steal?token=abc")
				w.WriteHeader(tc.status)
				return
			}
			ks.wrap(nil).ServeHTTP(w, r)
		}))
		c, err := NewClient("id", testSecret, WithBaseURL(srv.URL), WithHTTPClient(userHC), WithLimiter(NoLimit), WithClock(clock),
			WithRetryWait(time.Millisecond, time.Millisecond))
		require.NoError(t, err)
		var out map[string]any
		err = c.Do(context.Background(), tc.route, tc.args, nil, tc.body, &out)
		srv.Close()

		var apiErr *Error
		require.ErrorAs(t, err, &apiErr, name)
		assert.Equal(t, tc.status, apiErr.StatusCode, name)
		assert.Contains(t, err.Error(), otherHost, name+": the Location's host is named")
		assert.NotContains(t, err.Error(), "token=abc", name+": never the Location's query")
		assert.Nil(t, out, name+": nothing decoded")
		assert.Zero(t, elsewhere.Load(), name+": nothing was sent to the other host")
		assert.False(t, elsewhereGotKey.Load() || elsewhereGotSecret.Load(), name)
		assert.Nil(t, userHC.CheckRedirect, name+": the user's *http.Client is not modified")
		assert.Equal(t, http.DefaultTransport, userHC.Transport, name)
	}
}

// ----- item 2: server-requested waits -----

// holdRecorder never waits and records each Hold's length by the clock.
type holdRecorder struct {
	clock *fakeClock
	mu    sync.Mutex
	holds []time.Duration
}

func (h *holdRecorder) Wait(ctx context.Context, _ string) error { return ctx.Err() }
func (h *holdRecorder) Hold(_ string, until time.Time) {
	h.mu.Lock()
	h.holds = append(h.holds, until.Sub(h.clock.Now()))
	h.mu.Unlock()
}

func TestServerRequestedWaitsAreCapped(t *testing.T) {
	const maxWait = 5 * time.Second
	for _, tc := range []struct {
		name   string
		status int
		header http.Header
		asked  time.Duration
	}{
		{"429 Retry-After seconds", 429, http.Header{"Retry-After": {"3600"}}, time.Hour},
		{"429 Retry-After far HTTP-date", 429, http.Header{"Retry-After": {"Tue, 23 Nov 2316 12:00:00 GMT"}}, 100 * 365 * 24 * time.Hour},
		{"429 RateLimit-Reset beyond a day", 429, http.Header{"Ratelimit-Reset": {"100000"}}, 100000 * time.Second},
		{"503 Retry-After seconds", 503, http.Header{"Retry-After": {"3600"}}, time.Hour},
		{"503 Retry-After HTTP-date", 503, http.Header{"Retry-After": {testClock.Add(2 * time.Hour).Format(http.TimeFormat)}}, 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				for k, v := range tc.header {
					w.Header()[k] = v
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, `{"code":429,"message":"slow down"}`)
			})
			clock := newFakeClock(testClock)
			rec := &holdRecorder{clock: clock}
			c, _, _ := serverClient(t, h, WithMaxRetryWait(maxWait), WithLimiter(rec), WithClock(clock))
			// Were the ask waited, the call would outlive this context.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := c.Do(ctx, "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.asked, apiErr.RetryAfter.Truncate(time.Second), "RetryAfter says what was asked")
			assert.Equal(t, int32(1), calls.Load(), "returned at once, not retried")
			assert.NoError(t, ctx.Err())
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for _, d := range rec.holds {
				assert.LessOrEqual(t, d, maxWait, "the route is held no longer than the cap")
			}
			if tc.status == 429 {
				assert.Len(t, rec.holds, 1, "a 429 holds its route")
			}
		})
	}
}

func TestRouteHoldIsCappedOnTheDefaultLimiter(t *testing.T) {
	// One 429 asking for an hour on POST /auth must not block later logins
	// for an hour: the hold is capped at the max retry wait (here 2 s,
	// which the second call, with 30 s of context, waits out).
	var logins atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/auth" && logins.Add(1) == 1 {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(429)
			return
		}
		if r.URL.Path == "/auth" {
			io.WriteString(w, `{"apiKey":"k"}`)
			return
		}
		io.WriteString(w, `{"id":"it-1"}`)
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := NewClient("id", testSecret, WithBaseURL(srv.URL), WithMaxRetryWait(2*time.Second))
	require.NoError(t, err)
	err = c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
	require.ErrorIs(t, err, ErrRateLimited)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out struct{ ID string }
	require.NoError(t, c.Do(ctx, "GET /items/{id}", []string{"it-1"}, nil, nil, &out), "the hold ended within the cap")
	assert.Equal(t, "it-1", out.ID)
}

// ----- item 3: the limiter's own refusal -----

func TestLimiterRefusalIsNotRetried(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, mock := newTestClient(t, WithLimiter(NewRouteLimiter(time.Minute, nil, 1)), WithLogger(logger))
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), httpmock.NewStringResponder(200, `{}`))
	require.NoError(t, c.call(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := c.call(ctx, "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Zero(t, reqErr.Attempts, "nothing was sent")
	assert.Contains(t, err.Error(), "nothing was sent")
	assert.NotContains(t, err.Error(), "attempts")
	assert.NotContains(t, logs.String(), "retrying", "a refusal is not retried")
	assert.Equal(t, 1, mock.GetCallCountInfo()["GET "+u("/items/it-1")])
}

// ----- item 4: keys per attempt, stale keys -----

// clockLimiter advances the clock by d on each wait for route.
type clockLimiter struct {
	clock *fakeClock
	route string
	d     time.Duration
}

func (l *clockLimiter) Wait(ctx context.Context, route string) error {
	if route == l.route {
		l.clock.Advance(l.d)
	}
	return ctx.Err()
}
func (l *clockLimiter) Hold(string, time.Time) {}

// keyCheckingItems answers GET /items/{id} with 403 (no codeDescription)
// when the key's exp has passed by clock, else with the key it got.
func keyCheckingItems(clock *fakeClock) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, ok := jwtexp.Parse(r.Header.Get("X-API-KEY"))
		if !ok || !clock.Now().Before(claims.ExpiresAt) {
			w.WriteHeader(403)
			io.WriteString(w, `{"code":403,"message":"Missing or invalid authorization token"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"key": r.Header.Get("X-API-KEY")})
	})
}

func TestKeyIsTakenAfterTheLimiterWait(t *testing.T) {
	clock := newFakeClock(testClock)
	// Every wait on the GET's route lasts past a key's whole life.
	lim := &clockLimiter{clock: clock, route: "GET /items/{id}", d: 2*time.Hour + time.Minute}
	c, _, ks := serverClient(t, keyCheckingItems(clock), WithClock(clock), WithLimiter(lim))
	ks.clock = clock
	var out struct{ Key string }
	require.NoError(t, c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, &out),
		"the key is taken after the wait, so it is valid when sent")
	claims, ok := jwtexp.Parse(out.Key)
	require.True(t, ok)
	assert.True(t, clock.Now().Before(claims.ExpiresAt))
}

func TestRetryRenewsAKeyThatExpiredDuringTheBackoff(t *testing.T) {
	clock := newFakeClock(testClock)
	var first atomic.Bool
	var keys []string
	var mu sync.Mutex
	items := keyCheckingItems(clock)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("X-API-KEY"))
		mu.Unlock()
		if first.CompareAndSwap(false, true) {
			clock.Advance(2*time.Hour + time.Minute) // the key expires before the retry
			w.WriteHeader(503)
			return
		}
		items.ServeHTTP(w, r)
	})
	c, _, ks := serverClient(t, h, WithClock(clock))
	ks.clock = clock
	require.NoError(t, c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, keys, 2, "one retry, no 403 replay")
	assert.NotEqual(t, keys[0], keys[1], "the retry carries a renewed key")
	assert.Equal(t, int32(2), ks.logins.Load())
}

func TestStaleKeysDoNotCauseALoginPerCall(t *testing.T) {
	for _, accepted := range []bool{true, false} {
		t.Run(fmt.Sprintf("server accepts them=%v", accepted), func(t *testing.T) {
			clock := newFakeClock(testClock)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !accepted {
					w.WriteHeader(403)
					io.WriteString(w, `{"code":403,"message":"Missing or invalid authorization token"}`)
					return
				}
				io.WriteString(w, `{"id":"it-1"}`)
			})
			c, _, ks := serverClient(t, h, WithClock(clock))
			ks.clock, ks.stale = clock, true
			for i := 0; i < 20; i++ {
				err := c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
				if accepted {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, ErrExpiredKey)
				}
				clock.Advance(time.Second)
			}
			assert.LessOrEqual(t, ks.logins.Load(), int32(1), "20 calls in 20 s: at most one login")
			clock.Advance(minKeyLifetime)
			_ = c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
			assert.Equal(t, int32(2), ks.logins.Load(), "renewed once its minimum life is over")
		})
	}
}

// ----- item 5: bodies -----

func TestEmptyOrNullSuccessBodyIsADecodeError(t *testing.T) {
	for _, body := range []string{"", "  \n", "null", " null "} {
		for _, tc := range []struct {
			route string
			args  []string
			call  func(c *Client) error
		}{
			{"POST /payments/requests", nil, func(c *Client) error {
				_, err := c.Payments.Requests.Create(context.Background(), &CreatePaymentRequestParams{
					Amount: MustDecimal("10.00"), Description: "x", RecipientID: "rc-1"})
				return err
			}},
			{"POST /items", nil, func(c *Client) error {
				_, err := c.Items.Create(context.Background(), &CreateItemParams{ConnectorID: 0, Parameters: map[string]string{"user": "u"}})
				return err
			}},
			{"POST /items/{id}/mfa", nil, func(c *Client) error {
				_, err := c.Items.SendMFA(context.Background(), "it-1", map[string]string{"token": "123456"})
				return err
			}},
			{"POST /webhooks", nil, func(c *Client) error {
				_, err := c.Webhooks.Create(context.Background(), &CreateWebhookParams{Event: "item/created", URL: "https://example.com/h"})
				return err
			}},
			{"GET /items/{id}", nil, func(c *Client) error { _, err := c.Items.Get(context.Background(), "it-1"); return err }},
			{"PATCH /items/{id}", nil, func(c *Client) error {
				_, err := c.Items.Update(context.Background(), "it-1", nil)
				return err
			}},
			{"GET /accounts", nil, func(c *Client) error { _, err := c.Accounts.List(context.Background(), "it-1", nil); return err }},
		} {
			name := fmt.Sprintf("%s answered %q", tc.route, body)
			c, mock := newTestClient(t)
			mock.RegisterNoResponder(httpmock.NewStringResponder(200, body))
			err := tc.call(c)
			var decErr *DecodeError
			if assert.ErrorAs(t, err, &decErr, name) {
				assert.Equal(t, tc.route, decErr.Route, name)
			}
		}
	}
}

func TestLargeAnswerAllocatesWithinTheCap(t *testing.T) {
	const size = 100 << 20
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for _, withLength := range []bool{false, true} {
		t.Run(fmt.Sprintf("Content-Length=%v", withLength), func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if withLength {
					w.Header().Set("Content-Length", fmt.Sprint(size))
				}
				for i := 0; i < size/len(chunk); i++ {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			c, _, _ := serverClient(t, h)
			// Log in first, so that only the large answer is measured.
			require.NoError(t, c.Do(context.Background(), "DELETE /categories/rules/{id}", []string{"r"}, nil, nil, nil))
			var out map[string]any
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, &out)
			runtime.ReadMemStats(&after)
			var decErr *DecodeError
			require.ErrorAs(t, err, &decErr)
			assert.Contains(t, err.Error(), "larger than 64 MiB")
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("allocated %.1f MiB for a %d MiB answer", float64(allocated)/(1<<20), size>>20)
			assert.Less(t, allocated, uint64(maxBody+16<<20), "allocation stays within the 64 MiB cap (+16 MiB slack)")
			if withLength {
				assert.Less(t, allocated, uint64(16<<20), "a Content-Length over the cap is refused before reading")
			}
		})
	}
}

// truncatingHandler answers the first request of path with a 200 that
// declares 1000 bytes and sends 20, then closes; later ones answer body.
func truncatingHandler(path, body string, acted *atomic.Int32) http.Handler {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			io.WriteString(w, `{}`)
			return
		}
		acted.Add(1)
		if n.Add(1) == 1 {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			io.WriteString(w, `{"id":"it-1","status"`)
			return // the server closes the connection short of 1000 bytes
		}
		io.WriteString(w, body)
	})
}

func TestBodyFailingMidReadIsRetriedWhenReplayable(t *testing.T) {
	var acted atomic.Int32
	c, _, _ := serverClient(t, truncatingHandler("/items/it-1", `{"id":"it-1"}`, &acted))
	var out struct{ ID string }
	require.NoError(t, c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, &out))
	assert.Equal(t, "it-1", out.ID)
	assert.Equal(t, int32(2), acted.Load(), "retried like a connection error")

	acted.Store(0)
	c, _, _ = serverClient(t, truncatingHandler("/items", `{"id":"it-2"}`, &acted))
	err := c.Do(context.Background(), "POST /items", nil, nil, map[string]any{"connectorId": 0}, &out)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, int32(1), acted.Load(), "a creating POST is not replayed: the server acted")
}

// ----- item 6 (pipeline part): formatting, base URL, logs, server text -----

func TestClientValueAndPointerNeverPrintSecrets(t *testing.T) {
	c, _ := newTestClient(t)
	getItemKeyFromFixture(t, c)
	key := c.auth.key
	require.NotEmpty(t, key)
	forbidden := []string{testSecret, key, key[:16], hex.EncodeToString([]byte(testSecret))[:16], hex.EncodeToString([]byte(key))[:16],
		strings.ToUpper(hex.EncodeToString([]byte(key))[:16])}
	for _, verb := range []string{"%s", "%q", "%v", "%+v", "%#v", "%x", "%X", "%d", "%T %v"} {
		for _, v := range []any{c, *c, []any{*c}, struct{ C Client }{*c}} {
			s := fmt.Sprintf(verb, v)
			for _, f := range forbidden {
				assert.NotContains(t, s, f, "%s of %T", verb, v)
			}
		}
	}
	for _, h := range []slog.Handler{slog.NewTextHandler(io.Discard, nil), slog.NewJSONHandler(io.Discard, nil)} {
		var buf bytes.Buffer
		var logger *slog.Logger
		if _, ok := h.(*slog.JSONHandler); ok {
			logger = slog.New(slog.NewJSONHandler(&buf, nil))
		} else {
			logger = slog.New(slog.NewTextHandler(&buf, nil))
		}
		logger.Info("client", "c", c, "v", *c)
		for _, f := range forbidden {
			assert.NotContains(t, buf.String(), f)
		}
	}
}

func TestBaseURLWithUserinfoIsRefused(t *testing.T) {
	for _, raw := range []string{"https://user:hunter2@api.pluggy.ai", "https://hunter2@api.pluggy.ai", "http://u:hunter2@127.0.0.1:8080/api"} {
		_, err := NewClient("id", "secret", WithBaseURL(raw))
		require.Error(t, err, raw)
		assert.Contains(t, err.Error(), "user name or password")
		assert.NotContains(t, err.Error(), "hunter2")
	}
}

func TestRetryLogLinesCarryTheRouteNotTheURL(t *testing.T) {
	for _, json := range []bool{false, true} {
		var logs bytes.Buffer
		var h slog.Handler = slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})
		if json {
			h = slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})
		}
		c, mock := newTestClient(t, WithLogger(slog.New(h)))
		mock.RegisterNoResponder(httpmock.NewErrorResponder(&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}))
		err := c.callRaw(context.Background(), "GET /v2/transactions", nil, "accountId=acc-secret-1&after=CURSOR-SECRET-TOKEN", nil, nil)
		require.Error(t, err)
		out := logs.String()
		assert.Equal(t, 3, strings.Count(out, "pluggy: retrying"), out)
		assert.Contains(t, out, "GET /v2/transactions")
		for _, s := range []string{"CURSOR-SECRET-TOKEN", "acc-secret-1", "https://", "pluggy.test"} {
			assert.NotContains(t, out, s, "json=%v", json)
			assert.NotContains(t, err.Error(), s)
		}
	}
}

func TestServerTextInErrorsIsSanitised(t *testing.T) {
	c, mock := newTestClient(t, WithRetries(0))
	evil := "bad\r\nlevel=ERROR msg=\"forged line\"\x1b[2J\x1b[31m\u2028\u202eend\x00"
	body, _ := json.Marshal(map[string]any{"code": 400, "codeDescription": "X\nY", "message": evil, "errorId": "e\r1",
		"errors": []map[string]string{{"code": "c", "parameter": "p\n", "message": "m\x1b"}}})
	mock.RegisterResponder(http.MethodGet, u("/items/a"), httpmock.NewBytesResponder(400, body))
	mock.RegisterResponder(http.MethodGet, u("/items/b"), httpmock.NewStringResponder(502, "<html>\x1b]0;pwned\x07"+evil+"\xff</html>"))
	for _, id := range []string{"a", "b"} {
		err := c.call(context.Background(), "GET /items/{id}", []string{id}, nil, nil, nil)
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		msg := err.Error()
		for _, r := range msg {
			assert.False(t, r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x202e || (r >= 0x80 && r < 0xa0), "%q in %q", r, msg)
		}
		if id == "a" {
			assert.Contains(t, msg, `\r\nlevel=ERROR`, "escaped, still readable")
		}
		assert.Contains(t, msg, `\x1b[2J`)
	}
	var apiErr *Error
	err := c.call(context.Background(), "GET /items/{id}", []string{"a"}, nil, nil, nil)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, evil, apiErr.Message, "the field keeps the text as sent")
}

// ----- item 10: replay by what a call does -----

func TestReplayIsDecidedByWhatACallDoes(t *testing.T) {
	// Every request's answer is lost after the server read it whole.
	var patches atomic.Int32
	lost := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		patches.Add(1)
		io.Copy(io.Discard, r.Body)
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	})
	c, _, _ := serverClient(t, lost)
	err := c.Do(context.Background(), "PATCH /items/{id}", []string{"it-1"}, nil, map[string]any{}, nil)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, int32(1), patches.Load(), "PATCH /items/{id} starts a sync: not replayed after a lost answer")

	var n503 atomic.Int32
	c, _, _ = serverClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n503.Add(1); w.WriteHeader(503) }))
	err = c.Do(context.Background(), "PATCH /items/{id}", []string{"it-1"}, nil, map[string]any{}, nil)
	require.Error(t, err)
	assert.Equal(t, int32(1), n503.Load(), "nor after a 5xx")

	var n429 atomic.Int32
	c, _, _ = serverClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n429.Add(1) == 1 {
			w.WriteHeader(429)
			return
		}
		io.WriteString(w, `{"id":"it-1"}`)
	}))
	require.NoError(t, c.Do(context.Background(), "PATCH /items/{id}", []string{"it-1"}, nil, map[string]any{}, nil))
	assert.Equal(t, int32(2), n429.Load(), "a 429 is retried: the server did not act")
}

func TestReplayNeverTurnsASuccessIntoAnError(t *testing.T) {
	// DELETE: the first attempt deletes and its answer is lost; the replay
	// finds nothing and gets 404. The resource is gone, as asked.
	var deleted atomic.Bool
	var requests atomic.Int32
	c, _, _ := serverClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if deleted.CompareAndSwap(false, true) {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		w.WriteHeader(404)
		io.WriteString(w, `{"code":404,"codeDescription":"ITEM_NOT_FOUND","message":"Item not found"}`)
	}))
	err := c.Items.Delete(context.Background(), "it-1")
	require.NoError(t, err)
	assert.Equal(t, int32(2), requests.Load())

	// A DELETE of something that never existed is still a 404.
	err = c.Items.Delete(context.Background(), "it-2")
	require.ErrorIs(t, err, ErrNotFound)
}

// ----- item 11: no calendar dependence -----

func TestFixtureKeysAreValidAtTheTestClock(t *testing.T) {
	// Every JWT in testdata must be valid at the clock of newTestClient,
	// which is fixed: a fixture never depends on the wall clock.
	var found int
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, f := range strings.FieldsFunc(string(raw), func(r rune) bool { return r == '"' || r == ' ' || r == '\n' }) {
			if claims, ok := jwtexp.Parse(f); ok && strings.HasPrefix(f, "eyJ") {
				found++
				assert.True(t, testClock.Before(claims.ExpiresAt), "%s: key expires %s, before the test clock", path, claims.ExpiresAt)
				assert.False(t, claims.IssuedAt.After(testClock), "%s: key issued after the test clock", path)
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.NotZero(t, found, "the recorded auth key is checked")
	c, _ := newTestClient(t)
	assert.Equal(t, testClock, c.clock.Now(), "newTestClient runs on the same clock")
}

func TestContextEndDuringAnAttemptKeepsTheURLOut(t *testing.T) {
	c, mock := newTestClient(t, WithRetries(0))
	ctx, cancel := context.WithCancel(context.Background())
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		cancel()
		return nil, errors.New("connection reset by peer")
	})
	err := c.callRaw(ctx, "GET /v2/transactions", nil, "after=CURSOR-SECRET", nil, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.NotContains(t, err.Error(), "CURSOR-SECRET")
	assert.NotContains(t, err.Error(), "pluggy.test")
}

func TestShortLivedValidKeysAreRenewedAsUsual(t *testing.T) {
	// A 3-second key is short, not stale: it is renewed ahead of its
	// expiry, and a refusal of it starts a new login at once.
	clock := newFakeClock(testClock)
	c, _, ks := serverClient(t, keyCheckingItems(clock), WithClock(clock))
	ks.clock, ks.ttl = clock, 3*time.Second
	for i := 0; i < 5; i++ {
		require.NoError(t, c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil))
		clock.Advance(2500 * time.Millisecond) // past the renewal point (a fifth of the life ahead)
	}
	assert.Equal(t, int32(5), ks.logins.Load(), "one login per key life, none refused")
}

func TestItemErrorsSanitiseServerText(t *testing.T) {
	e := &ItemError{ItemID: "it\r\n1", Status: "LOGIN_ERROR", Code: "X\x1b[31m", Message: "bad\nlevel=ERROR forged", ProviderMessage: "bank\u2028says"}
	pe := &ParameterExpiredError{ItemID: "it\n2", Parameter: "token\r", ExpiresAt: testClock}
	for _, msg := range []string{e.Error(), pe.Error()} {
		for _, r := range msg {
			assert.False(t, r < 0x20 || r == 0x2028, "%q in %q", r, msg)
		}
	}
	assert.Contains(t, e.Error(), `bad\nlevel=ERROR`)
	assert.Equal(t, "bad\nlevel=ERROR forged", e.Message, "the field keeps the text as sent")
}

// ctxRecorder is a slog.Handler that records, for each message, the value
// its context carries under ctxMark (as a handler adding trace ids does).
type ctxRecorder struct {
	mu   sync.Mutex
	seen map[string][]any
}

type ctxMark struct{}

func (h *ctxRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *ctxRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *ctxRecorder) WithGroup(string) slog.Handler            { return h }
func (h *ctxRecorder) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen[r.Message] = append(h.seen[r.Message], ctx.Value(ctxMark{}))
	return nil
}

// Every line the pipeline logs for a call goes to the handler with the
// caller's context, the retry warnings included, so that a handler can
// tie them to the caller's trace.
func TestLogLinesCarryTheCallersContext(t *testing.T) {
	rec := &ctxRecorder{seen: map[string][]any{}}
	c, mock := newTestClient(t, WithLogger(slog.New(rec)))
	var n atomic.Int32
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(*http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			return httpmock.NewStringResponse(503, `{"code":503,"message":"busy"}`), nil
		}
		return httpmock.NewStringResponse(200, `{"id":"it-1"}`), nil
	})
	ctx := context.WithValue(context.Background(), ctxMark{}, "trace-7")
	_, err := c.Items.Get(ctx, "it-1")
	require.NoError(t, err)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Equal(t, []any{"trace-7"}, rec.seen["pluggy: retrying"], "the retry warning")
	assert.Equal(t, []any{"trace-7", "trace-7", "trace-7"}, rec.seen["pluggy: request"], "the debug lines of POST /auth and the two attempts")
}
