package pluggy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jwtKey returns a JWT-shaped API key issued at iat that expires at exp.
func jwtKey(n int, iat, exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(map[string]any{"n": n, "iat": iat.Unix(), "exp": exp.Unix()})
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc(payload) + ".sig" + fmt.Sprint(n)
}

// authCounter answers POST /auth with a new 2-hour JWT key each time, issued
// at the client's clock, and counts the calls.
type authCounter struct {
	clock *fakeClock
	calls atomic.Int32
	gate  chan struct{} // when not nil, each answer waits for it to close
	mu    sync.Mutex
	keys  []string
}

func (a *authCounter) responder(*http.Request) (*http.Response, error) {
	n := int(a.calls.Add(1))
	if a.gate != nil {
		<-a.gate
	}
	now := a.clock.Now()
	key := jwtKey(n, now, now.Add(2*time.Hour))
	a.mu.Lock()
	a.keys = append(a.keys, key)
	a.mu.Unlock()
	return httpmock.NewJsonResponse(200, map[string]string{"apiKey": key})
}

func (a *authCounter) last() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.keys[len(a.keys)-1]
}

func newAuthTest(t *testing.T) (*Client, *httpmock.MockTransport, *authCounter, *fakeClock) {
	clock := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	c, mock := newTestClient(t, WithClock(clock))
	ac := &authCounter{clock: clock}
	mock.RegisterResponder(http.MethodPost, u("/auth"), ac.responder)
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
		return httpmock.NewJsonResponse(200, map[string]string{"key": r.Header.Get("X-API-KEY")})
	})
	return c, mock, ac, clock
}

func getItemKey(t *testing.T, c *Client) string {
	t.Helper()
	var out struct{ Key string }
	require.NoError(t, c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, &out))
	return out.Key
}

func TestAuthSendsCredentialsInBody(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	var body map[string]any
	mock.RegisterResponder(http.MethodPost, u("/auth"), func(r *http.Request) (*http.Response, error) {
		body = requestBody(t, r)
		assert.Empty(t, r.Header.Get("X-API-KEY"), "POST /auth carries no key")
		return httpmock.NewBytesResponse(200, fixture(t, "auth-create", "200")), nil
	})
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
		var want struct{ APIKey string }
		require.NoError(t, json.Unmarshal(fixture(t, "auth-create", "200"), &want))
		assert.Equal(t, want.APIKey, r.Header.Get("X-API-KEY"))
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "pluggy-go/"))
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	require.NoError(t, c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil))
	assert.Equal(t, map[string]any{"clientId": "6f1c2a9e-3b7d-4c8e-9a15-2d4f6b8c0e13", "clientSecret": testSecret}, body)
	assert.Equal(t, 1, mock.GetCallCountInfo()["GET "+u("/items/it-1")])
}

func TestKeyIsCachedAndRenewedAheadOfExpiry(t *testing.T) {
	t.Parallel()
	c, _, ac, clock := newAuthTest(t)
	k1 := getItemKey(t, c)
	assert.Equal(t, int32(1), ac.calls.Load())

	clock.Advance(2*time.Hour - 11*time.Minute)
	assert.Equal(t, k1, getItemKey(t, c), "still 11 minutes to go: cached key")
	assert.Equal(t, int32(1), ac.calls.Load())

	clock.Advance(2 * time.Minute) // 9 minutes before expiry
	k2 := getItemKey(t, c)
	assert.NotEqual(t, k1, k2, "renewed ahead of expiry")
	assert.Equal(t, int32(2), ac.calls.Load())
}

// TestRefusedRenewalAheadKeepsTheKeyWithoutALoginPerCall: a renewal ahead
// of expiry refused (keys rotated, say) leaves the old key in use; the
// refusal is remembered like any other, so the calls after it do not each
// log in again, and the next renewal comes once it is forgotten.
func TestRefusedRenewalAheadKeepsTheKeyWithoutALoginPerCall(t *testing.T) {
	t.Parallel()
	c, mock, ac, clock := newAuthTest(t)
	k1 := getItemKey(t, c)
	refusals := 0
	mock.RegisterResponder(http.MethodPost, u("/auth"), func(*http.Request) (*http.Response, error) {
		refusals++
		return httpmock.NewBytesResponse(401, fixture(t, "auth-create", "401")), nil
	})
	clock.Advance(2*time.Hour - 9*time.Minute) // inside the renewal margin
	for range 5 {
		assert.Equal(t, k1, getItemKey(t, c), "the old key is still good")
	}
	assert.Equal(t, 1, refusals, "one refused renewal, remembered")
	clock.Advance(authFailureTTL + time.Second)
	assert.Equal(t, k1, getItemKey(t, c))
	assert.Equal(t, 2, refusals, "forgotten after authFailureTTL: asked again")
	mock.RegisterResponder(http.MethodPost, u("/auth"), ac.responder)
	clock.Advance(authFailureTTL + time.Second)
	assert.NotEqual(t, k1, getItemKey(t, c), "renewed once the keys are accepted")
}

func TestOpaqueKeyLivesTwoHours(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	c, mock := newTestClient(t, WithClock(clock))
	mock.RegisterResponder(http.MethodPost, u("/auth"), fixtureResponder(t, 200, "auth-create", "200-opaque"))
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), httpmock.NewStringResponder(200, `{}`))
	getItemKey(t, c)
	clock.Advance(100 * time.Minute)
	getItemKey(t, c)
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/auth")])
	clock.Advance(11 * time.Minute) // 111 minutes: inside the 10-minute margin
	getItemKey(t, c)
	assert.Equal(t, 2, mock.GetCallCountInfo()["POST "+u("/auth")])
}

func TestHundredGoroutinesAtExpiryMakeOneAuth(t *testing.T) {
	t.Parallel()
	c, _, ac, clock := newAuthTest(t)
	getItemKey(t, c)
	require.Equal(t, int32(1), ac.calls.Load())

	clock.Advance(2*time.Hour + time.Second) // the key has expired
	ac.gate = make(chan struct{})
	const n = 100
	var started, done sync.WaitGroup
	started.Add(n)
	done.Add(n)
	keys := make([]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			started.Done()
			var out struct{ Key string }
			errs[i] = c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, &out)
			keys[i] = out.Key
		}()
	}
	started.Wait()
	close(ac.gate)
	done.Wait()
	assert.Equal(t, int32(2), ac.calls.Load(), "one POST /auth for all 100 goroutines")
	for i := 0; i < n; i++ {
		require.NoError(t, errs[i])
		assert.Equal(t, ac.last(), keys[i])
	}
}

func TestAuthFailureReachesEveryWaiter(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	gate := make(chan struct{})
	var calls atomic.Int32
	mock.RegisterResponder(http.MethodPost, u("/auth"), func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		<-gate
		return httpmock.NewBytesResponse(401, fixture(t, "auth-create", "401")), nil
	})
	const n = 20
	errs := make(chan error, n)
	var started sync.WaitGroup
	started.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			errs <- c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
		}()
	}
	started.Wait()
	close(gate)
	for i := 0; i < n; i++ {
		err := <-errs
		var authErr *AuthError
		require.ErrorAs(t, err, &authErr)
		assert.True(t, errors.Is(err, ErrUnauthorized))
		assert.Contains(t, err.Error(), "CLIENT_KEYS_UNAUTHORIZED")
		assert.NotContains(t, err.Error(), testSecret)
	}
	assert.Equal(t, int32(1), calls.Load(), "one POST /auth, its failure shared")
	assert.Zero(t, mock.GetCallCountInfo()["GET "+u("/items/it-1")], "no data call without a key")
}

// TestAuthFailureEndingWhileACallerJoinsIsShared: a caller looks at the
// cache before another's login is refused and joins the renewal after it
// ended; it gets the remembered refusal instead of a second POST /auth.
// TestAuthFailureReachesEveryWaiter met this interleaving now and then
// under load (two POST /auth); here it is forced.
func TestAuthFailureEndingWhileACallerJoinsIsShared(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/auth"), fixtureResponder(t, 401, "auth-create", "401"))
	var nested atomic.Bool
	c.auth.looked = func() {
		if nested.CompareAndSwap(false, true) {
			// Between the outer caller's look and its join: another
			// caller's whole login, refused.
			err := c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
			require.ErrorIs(t, err, ErrUnauthorized)
		}
	}
	err := c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
	var authErr *AuthError
	require.ErrorAs(t, err, &authErr)
	require.True(t, nested.Load(), "the other caller ran inside the window")
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/auth")], "one POST /auth, its refusal shared")
	assert.Zero(t, mock.GetCallCountInfo()["GET "+u("/items/it-1")], "no data call without a key")
}

func TestWrongClientKeysCauseNoRetryStorm(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/auth"), fixtureResponder(t, 401, "auth-create", "401"))
	for i := 0; i < 10; i++ {
		err := c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
		require.ErrorIs(t, err, ErrUnauthorized)
		assert.Contains(t, err.Error(), "check the client id and secret")
	}
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/auth")],
		"a 401 on /auth is neither retried nor repeated while remembered")
}

func TestAuthServerErrorIsRetried(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	var calls atomic.Int32
	mock.RegisterResponder(http.MethodPost, u("/auth"), func(*http.Request) (*http.Response, error) {
		if calls.Add(1) == 1 {
			return httpmock.NewBytesResponse(500, fixture(t, "auth-create", "500")), nil
		}
		return httpmock.NewBytesResponse(200, fixture(t, "auth-create", "200")), nil
	})
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), httpmock.NewStringResponder(200, `{}`))
	require.NoError(t, c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil))
	assert.Equal(t, int32(2), calls.Load(), "POST /auth is idempotent and retried on 5xx")
}

func TestExpiredKey403RefreshesAndReplaysOnce(t *testing.T) {
	t.Parallel()
	c, mock, ac, _ := newAuthTest(t)
	var first string
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
		if first == "" || r.Header.Get("X-API-KEY") == first {
			first = r.Header.Get("X-API-KEY")
			return httpmock.NewStringResponse(403, `{"code":403,"message":"Missing or invalid authorization token"}`), nil
		}
		return httpmock.NewJsonResponse(200, map[string]string{"key": r.Header.Get("X-API-KEY")})
	})
	key := getItemKey(t, c)
	assert.Equal(t, int32(2), ac.calls.Load(), "one refresh")
	assert.Equal(t, 2, mock.GetCallCountInfo()["GET "+u("/items/it-1")], "one replay")
	assert.NotEqual(t, first, key)
}

func TestPersistent403WithoutCodeDescriptionDoesNotLoop(t *testing.T) {
	t.Parallel()
	c, mock, ac, _ := newAuthTest(t)
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"),
		httpmock.NewStringResponder(403, `{"code":403,"message":"Missing or invalid authorization token"}`))
	err := c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
	require.ErrorIs(t, err, ErrExpiredKey)
	assert.Equal(t, int32(2), ac.calls.Load())
	assert.Equal(t, 2, mock.GetCallCountInfo()["GET "+u("/items/it-1")])
}

func TestForbiddenWithCodeDescriptionIsARealDenial(t *testing.T) {
	t.Parallel()
	c, mock, ac, _ := newAuthTest(t)
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"),
		httpmock.NewStringResponder(403, `{"code":403,"codeDescription":"CONSENT_REVOKED","message":"The consent for this item was revoked"}`))
	err := c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "CONSENT_REVOKED", apiErr.CodeDescription)
	assert.True(t, errors.Is(err, ErrForbidden))
	assert.False(t, errors.Is(err, ErrExpiredKey))
	assert.Equal(t, int32(1), ac.calls.Load(), "no refresh")
	assert.Equal(t, 1, mock.GetCallCountInfo()["GET "+u("/items/it-1")], "no replay")
}

func TestFixedAPIKey(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("X-API-KEY") != "my-own-key" {
			return httpmock.NewStringResponse(500, ``), nil
		}
		return httpmock.NewStringResponse(403, `{"code":403,"message":"Missing or invalid authorization token"}`), nil
	})
	c, err := NewClient("", "", WithAPIKey("my-own-key"), WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: mock}))
	require.NoError(t, err)
	err = c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
	require.ErrorIs(t, err, ErrExpiredKey)
	assert.Zero(t, mock.GetCallCountInfo()["POST "+u("/auth")], "a fixed key is never renewed")
	assert.Equal(t, 1, mock.GetCallCountInfo()["GET "+u("/items/it-1")])
	assert.NotContains(t, err.Error(), "my-own-key")
}

func TestWaiterStopsWithItsOwnContext(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	gate := make(chan struct{})
	defer close(gate)
	mock.RegisterResponder(http.MethodPost, u("/auth"), func(*http.Request) (*http.Response, error) {
		<-gate
		return httpmock.NewBytesResponse(200, fixture(t, "auth-create", "200")), nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Do(ctx, "GET /items/{id}", []string{"it-1"}, nil, nil, nil) }()
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not return after its context was cancelled")
	}
}

func TestConnectToken(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	var body map[string]any
	mock.RegisterResponder(http.MethodPost, u("/connect_token"), func(r *http.Request) (*http.Response, error) {
		body = requestBody(t, r)
		return httpmock.NewBytesResponse(200, fixture(t, "connect-token-create", "200")), nil
	})
	tok, err := c.Auth.CreateConnectToken(context.Background(), &ConnectTokenParams{
		ItemID: "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40",
		Options: &ItemOptions{
			ClientUserID: "user-42", WebhookURL: "https://example.com/hooks/pluggy",
			OAuthRedirectURI: "https://example.com/done", AvoidDuplicates: Ptr(true),
		},
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"itemId": "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40",
		"options": map[string]any{
			"clientUserId": "user-42", "webhookUrl": "https://example.com/hooks/pluggy",
			"oauthRedirectUri": "https://example.com/done", "avoidDuplicates": true,
		},
	}, body)
	var want ConnectToken
	require.NoError(t, json.Unmarshal(fixture(t, "connect-token-create", "200"), &want))
	assert.Equal(t, want.AccessToken, tok.AccessToken)
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%+v", tok), fmt.Sprintf("%#v", *tok), fmt.Sprintf("%s", tok)} {
		assert.NotContains(t, s, tok.AccessToken[:20], "a connect token never prints")
	}

	_, err = c.Auth.CreateConnectToken(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, body, "nil params send an empty object")
}

func TestConnectTokenErrors(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/connect_token"), fixtureResponder(t, 404, "connect-token-create", "404"))
	_, err := c.Auth.CreateConnectToken(context.Background(), &ConnectTokenParams{ItemID: "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"})
	require.ErrorIs(t, err, ErrNotFound)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "ITEM_NOT_FOUND", apiErr.CodeDescription)
	assert.Equal(t, "POST /connect_token", apiErr.Route)
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/connect_token")])

	mock.RegisterResponder(http.MethodPost, u("/connect_token"), httpmock.NewStringResponder(200, `{}`))
	_, err = c.Auth.CreateConnectToken(context.Background(), nil)
	var decErr *DecodeError
	require.ErrorAs(t, err, &decErr)
}
