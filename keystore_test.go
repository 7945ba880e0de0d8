package pluggy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedStore is a KeyStore in memory shared by several clients, with the
// semantics the interface asks for: refused keys dropped, one login at a
// time.
type sharedStore struct {
	clock *fakeClock
	mu    sync.Mutex
	key   APIKey
	drops int
	fail  error
}

func (s *sharedStore) Get(ctx context.Context, refused string, login LoginFunc) (APIKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return APIKey{}, s.fail
	}
	if refused != "" && refused == s.key.Key {
		s.key = APIKey{}
		s.drops++
	}
	if s.key.Key != "" && s.clock.Now().Before(s.key.RenewAt) {
		return s.key, nil
	}
	k, err := login(ctx)
	if err != nil {
		return APIKey{}, err
	}
	s.key = k
	return k, nil
}

// fleetClients returns n clients sharing one store, one POST /auth counter
// and one set of revoked keys (403 without codeDescription on GET
// /items/it-1, Pluggy's answer to an expired key).
func fleetClients(t *testing.T, n int) ([]*Client, *sharedStore, *authCounter, *fakeClock, func(string)) {
	clock := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	ac := &authCounter{clock: clock}
	store := &sharedStore{clock: clock}
	var mu sync.Mutex
	revoked := map[string]bool{}
	var clients []*Client
	for range n {
		c, mock := newTestClient(t, WithClock(clock), WithKeyStore(store))
		mock.RegisterResponder(http.MethodPost, u("/auth"), ac.responder)
		mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
			key := r.Header.Get("X-API-KEY")
			mu.Lock()
			bad := revoked[key]
			mu.Unlock()
			if bad {
				return httpmock.NewJsonResponse(403, map[string]any{"code": 403, "message": "Forbidden"})
			}
			return httpmock.NewJsonResponse(200, map[string]string{"key": key})
		})
		clients = append(clients, c)
	}
	revoke := func(k string) { mu.Lock(); revoked[k] = true; mu.Unlock() }
	return clients, store, ac, clock, revoke
}

func TestKeyStoreSharesOneKey(t *testing.T) {
	cs, store, ac, clock, revoke := fleetClients(t, 3)
	k1 := getItemKey(t, cs[0])
	assert.Equal(t, k1, getItemKey(t, cs[1]))
	assert.Equal(t, k1, getItemKey(t, cs[2]))
	assert.EqualValues(t, 1, ac.calls.Load(), "one login for three clients")

	// Pluggy refuses k1: the first client to see it drops it for all and
	// logs in; the others, refused too, get the new key without a login.
	revoke(k1)
	k2 := getItemKey(t, cs[0])
	assert.NotEqual(t, k1, k2)
	assert.EqualValues(t, 2, ac.calls.Load())
	assert.Equal(t, k2, getItemKey(t, cs[1]))
	assert.Equal(t, k2, getItemKey(t, cs[2]))
	assert.EqualValues(t, 2, ac.calls.Load())
	assert.Equal(t, 1, store.drops, "k1 dropped once; later refusals of k1 left k2 alone")

	// Renewal ahead of expiry: one login for the fleet.
	clock.Advance(2*time.Hour - 5*time.Minute)
	k3 := getItemKey(t, cs[2])
	assert.NotEqual(t, k2, k3)
	assert.Equal(t, k3, getItemKey(t, cs[0]))
	assert.Equal(t, k3, getItemKey(t, cs[1]))
	assert.EqualValues(t, 3, ac.calls.Load())
}

func TestKeyStoreFailureFailsTheCall(t *testing.T) {
	cs, store, ac, _, _ := fleetClients(t, 1)
	store.fail = errors.New("store down")
	err := cs[0].Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
	require.ErrorContains(t, err, "store down")
	assert.Zero(t, ac.calls.Load())
	store.fail = nil
	getItemKey(t, cs[0])
	assert.EqualValues(t, 1, ac.calls.Load())
}

func TestKeyStoreEmptyKeyRefused(t *testing.T) {
	c, _ := newTestClient(t, WithKeyStore(keyStoreFunc(func(context.Context, string, LoginFunc) (APIKey, error) {
		return APIKey{}, nil
	})))
	err := c.Do(context.Background(), "GET /items/{id}", []string{"it-1"}, nil, nil, nil)
	require.ErrorContains(t, err, "empty key")
	_, err = NewClient("id", "secret", WithKeyStore(nil))
	require.ErrorContains(t, err, "nil KeyStore")
}

type keyStoreFunc func(context.Context, string, LoginFunc) (APIKey, error)

func (f keyStoreFunc) Get(ctx context.Context, refused string, login LoginFunc) (APIKey, error) {
	return f(ctx, refused, login)
}

func TestAPIKeyPrintsRedacted(t *testing.T) {
	k := APIKey{Key: "sekrit-key", ExpiresAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s %q %x", k, k, k, k, k, k), fmt.Sprint(&k)} {
		assert.NotContains(t, s, "sekrit")
	}
}

// The JSON handler of log/slog encodes a value without LogValue with
// encoding/json, which would write Key.
func TestAPIKeyLogsRedacted(t *testing.T) {
	k := APIKey{Key: "sekrit-key", ExpiresAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, newHandler := range []func(io.Writer) slog.Handler{
		func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
	} {
		var buf bytes.Buffer
		slog.New(newHandler(&buf)).Info("key", "k", k, "p", &k)
		assert.NotContains(t, buf.String(), "sekrit")
		assert.Contains(t, buf.String(), "2026-01-01")
	}
}

// TestKeyStoreLoginKeyDroppedMeanwhile covers login's path for a key
// refused (dropped from the cache) between POST /auth and login reading it
// back: the lifetime handed to the store is still the key's own (its JWT
// exp, renewed 10 minutes ahead), not the emptied cache's.
func TestKeyStoreLoginKeyDroppedMeanwhile(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	ac := &authCounter{clock: clock}
	var got []APIKey
	store := keyStoreFunc(func(ctx context.Context, _ string, login LoginFunc) (APIKey, error) {
		k, err := login(ctx)
		got = append(got, k)
		return k, err
	})
	var c *Client
	c, mock := newTestClient(t, WithClock(clock), WithKeyStore(store), WithHooks(Hooks{
		KeyRenewal: func(ev KeyRenewalEvent) {
			if ev.Err == nil {
				// Runs inside refresh, once the key is cached and before
				// login reads it back: as if a call refused it meanwhile.
				c.auth.invalidate(ac.last())
			}
		},
	}))
	mock.RegisterResponder(http.MethodPost, u("/auth"), ac.responder)
	mock.RegisterResponder(http.MethodGet, u("/items/it-1"), func(r *http.Request) (*http.Response, error) {
		return httpmock.NewJsonResponse(200, map[string]string{"key": r.Header.Get("X-API-KEY")})
	})
	key := getItemKey(t, c)
	require.Len(t, got, 1)
	exp := clock.Now().Add(2 * time.Hour)
	assert.Equal(t, ac.last(), key)
	assert.Equal(t, key, got[0].Key)
	assert.True(t, got[0].ExpiresAt.Equal(exp), "ExpiresAt %s, want the JWT's exp %s", got[0].ExpiresAt, exp)
	assert.True(t, got[0].RenewAt.Equal(exp.Add(-10*time.Minute)), "RenewAt %s, want 10 minutes before exp", got[0].RenewAt)
}
