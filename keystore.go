package pluggy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// APIKey is an API key with its lifetime, as a KeyStore keeps it. It is a
// secret: it prints as [redacted] with every fmt verb and in log/slog;
// encoding/json writes the key, for a store that serialises it.
type APIKey struct {
	// Key is the value sent in X-API-KEY.
	Key string
	// ExpiresAt is when Pluggy stops accepting it.
	ExpiresAt time.Time
	// RenewAt is when clients should get a new one (ahead of ExpiresAt).
	RenewAt time.Time
}

// String hides the key.
func (k APIKey) String() string {
	return fmt.Sprintf("pluggy.APIKey{[redacted], expiresAt: %s}", k.ExpiresAt.Format(time.RFC3339))
}

// GoString hides the key.
func (k APIKey) GoString() string { return k.String() }

// Format hides the key for every verb.
func (k APIKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue hides the key from log/slog handlers (the JSON one would
// otherwise encode it with encoding/json).
func (k APIKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("key", "[redacted]"),
		slog.Time("expiresAt", k.ExpiresAt), slog.Time("renewAt", k.RenewAt))
}

// LoginFunc asks POST /auth for a new API key. A KeyStore calls the one it
// is given when it holds no usable key.
type LoginFunc func(ctx context.Context) (APIKey, error)

// KeyStore shares API keys among the clients of one Pluggy application,
// typically across processes (the redis module has one), so that a fleet
// logs in once instead of once per replica.
//
// The client asks its store when it has no key, when its key reaches its
// RenewAt, and after Pluggy refused its key. Between those it keeps the key
// in memory, so a store is asked about once per key lifetime per client.
type KeyStore interface {
	// Get returns the key to use. refused, when not empty, is a key Pluggy
	// just refused: the store first drops it if it is still the stored
	// one, so no client is handed it again. Then it returns the stored key
	// when there is one before its RenewAt; otherwise it calls login (one
	// caller at a time among all the store's users, the others waiting for
	// that result), stores the result and returns it. It may return a key
	// past its RenewAt but before its ExpiresAt while another caller's
	// login is under way. Get returns when ctx ends.
	Get(ctx context.Context, refused string, login LoginFunc) (APIKey, error)
}

// WithKeyStore makes the client take its API keys from store, shared with
// the other clients of the application, instead of logging in on its own.
// Ignored when WithAPIKey fixes the key.
func WithKeyStore(store KeyStore) Option {
	return func(c *Client) error {
		if store == nil {
			return errors.New("pluggy: WithKeyStore: nil KeyStore")
		}
		c.auth.store = store
		return nil
	}
}

// renew gets a new key: from POST /auth (refresh), or through the store.
func (a *authenticator) renew(ctx context.Context) (string, error) {
	if a.store == nil {
		return a.refresh(ctx)
	}
	a.mu.Lock()
	refused := a.refused
	a.refused = ""
	a.mu.Unlock()
	k, err := a.store.Get(ctx, refused, a.login)
	if err == nil && k.Key == "" {
		err = errors.New("pluggy: the KeyStore returned an empty key")
	}
	if err != nil {
		if refused != "" {
			a.mu.Lock()
			if a.refused == "" {
				a.refused = refused
			}
			a.mu.Unlock()
		}
		return "", err
	}
	now := a.client.clock.Now()
	a.mu.Lock()
	if k.Key != a.key {
		// From the store, not this client's own login (which set these).
		a.receivedAt, a.stale = now, k.ExpiresAt.Before(now.Add(staleMargin))
	}
	a.key, a.expiresAt, a.refreshAt = k.Key, k.ExpiresAt, k.RenewAt
	a.failure = nil
	a.mu.Unlock()
	return k.Key, nil
}

// login is the LoginFunc handed to the store: POST /auth, with the key's
// lifetime as refresh computed it.
func (a *authenticator) login(ctx context.Context) (APIKey, error) {
	key, err := a.refresh(ctx)
	if err != nil {
		return APIKey{}, err
	}
	a.mu.Lock()
	k := APIKey{Key: a.key, ExpiresAt: a.expiresAt, RenewAt: a.refreshAt}
	a.mu.Unlock()
	if k.Key != key {
		// Dropped meanwhile by a refusal of the key it replaced: work the
		// lifetime out again.
		expires, renewAt := keyLifetime(key, a.client.clock.Now())
		k = APIKey{Key: key, ExpiresAt: expires, RenewAt: renewAt}
	}
	return k, nil
}
