package pluggy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/pluggy-go/pluggy/internal/jwtexp"
)

// Key lifetimes: Pluggy's API keys live 2 hours; the client renews a key
// ahead of its expiry, by refreshAhead or a fifth of its lifetime when that is
// shorter.
const (
	apiKeyLifetime = 2 * time.Hour
	refreshAhead   = 10 * time.Minute
	// authFailureTTL is how long a refused POST /auth (wrong client keys) is
	// remembered, so that a burst of calls does not become a burst of logins.
	authFailureTTL = 5 * time.Second
	// refreshTimeout bounds one renewal, which runs detached from the
	// context of whichever call started it.
	refreshTimeout = 2 * time.Minute
	// minKeyLifetime is how long the client keeps a key that arrives
	// already expired by its clock, or within staleMargin of it (a server handing out
	// stale keys, or a clock far ahead of Pluggy's): it is used for this
	// long, and a refusal of it in that time does not start another login.
	// That bounds such a server to one POST /auth per minKeyLifetime
	// instead of one per call.
	minKeyLifetime = 30 * time.Second
	// staleMargin is the least life a key must have left when it arrives
	// not to count as already expired.
	staleMargin = time.Second
)

// authenticator caches the API key and renews it, one renewal at a time.
// It holds the credentials, so that they live behind a pointer, whose
// Format prints none of them: a Client reaches them only through it, and
// Client's own String, GoString and Format show the client id alone.
type authenticator struct {
	client       *Client
	clientID     string
	clientSecret string
	fixed        string

	mu         sync.Mutex
	key        string
	expiresAt  time.Time
	refreshAt  time.Time
	receivedAt time.Time
	stale      bool // key arrived already expired by the client's clock
	failure    error
	failedAt   time.Time

	group singleflight.Group

	// looked, when set (by a test), runs between a caller's look at the
	// cache and its joining the renewal, the window where another
	// caller's renewal can end.
	looked func()

	// store, when set (WithKeyStore), is where keys come from; refused is
	// a key Pluggy refused, for the store to drop (keystore.go).
	store   KeyStore
	refused string
}

func (a *authenticator) canRefresh() bool { return a.fixed == "" }

// Format prints nothing of the authenticator's credentials or key, for any
// verb, wherever it is reached from.
func (a *authenticator) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte("pluggy.authenticator{[redacted]}"))
}

// apiKey returns a key valid now, renewing it when it is missing or near
// its expiry. However many goroutines ask at once, one POST /auth is in
// flight; each waiter also stops when its own ctx ends.
func (a *authenticator) apiKey(ctx context.Context) (string, error) {
	if a.fixed != "" {
		return a.fixed, nil
	}
	now := a.client.clock.Now()
	a.mu.Lock()
	key, fresh := a.key, a.key != "" && now.Before(a.refreshAt)
	stillValid := a.key != "" && now.Before(a.expiresAt)
	failure := a.failureLocked(now)
	a.mu.Unlock()
	if fresh {
		return key, nil
	}
	if failure != nil && !stillValid {
		return "", failure
	}
	if a.looked != nil {
		a.looked()
	}
	ch := a.group.DoChan("auth", func() (any, error) {
		// A renewal may have finished between this caller's look at the
		// cache and its joining the group: use its key, or its remembered
		// refusal, rather than asking again.
		if k, ok := a.fresh(); ok {
			return k, nil
		}
		if err := a.recentFailure(); err != nil {
			return nil, err
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		return a.renew(rctx)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			if stillValid {
				// The renewal ahead of expiry failed, but the old key is
				// still good: use it. The next call tries again, or, after
				// a refusal, the first call once it is forgotten
				// (authFailureTTL).
				return key, nil
			}
			return "", res.Err
		}
		return res.Val.(string), nil
	case <-ctx.Done():
		return "", &RequestError{Route: "POST /auth", Attempts: 0, Err: ctx.Err()}
	}
}

// failureLocked is the remembered refusal of POST /auth, while it is
// remembered (authFailureTTL). a.mu is held.
func (a *authenticator) failureLocked(now time.Time) error {
	if a.failure != nil && now.Sub(a.failedAt) <= authFailureTTL {
		return a.failure
	}
	return nil
}

// recentFailure is failureLocked now.
func (a *authenticator) recentFailure() error {
	now := a.client.clock.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failureLocked(now)
}

// fresh returns the cached key when it needs no renewal yet.
func (a *authenticator) fresh() (string, bool) {
	now := a.client.clock.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.key, a.key != "" && now.Before(a.refreshAt)
}

// refresh asks POST /auth for a new key and stores it.
func (a *authenticator) refresh(ctx context.Context) (string, error) {
	c := a.client
	body := struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}{a.clientID, a.clientSecret}
	var out struct {
		APIKey string `json:"apiKey"`
	}
	start := time.Now()
	err := c.send(ctx, "POST /auth", nil, nil, body, &out, false, nil)
	now := c.clock.Now()
	if err == nil && out.APIKey == "" {
		err = &DecodeError{Route: "POST /auth", StatusCode: http.StatusOK, Err: errors.New("answer has no apiKey")}
	}
	if err != nil {
		var apiErr *Error
		if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden) {
			err = &AuthError{Err: apiErr}
			a.mu.Lock()
			a.failure, a.failedAt = err, now
			a.mu.Unlock()
		}
		if h := c.hooks.KeyRenewal; h != nil {
			h(KeyRenewalEvent{Duration: time.Since(start), Err: err})
		}
		return "", err
	}
	expires, refreshAt := keyLifetime(out.APIKey, now)
	stale := expires.Before(now.Add(staleMargin))
	if stale {
		// The key is expired, or about to, by this clock: keep it for
		// minKeyLifetime rather than log in again on every call.
		c.logger.LogAttrs(ctx, slog.LevelWarn, "pluggy: API key arrived expired by the local clock; check the clock",
			slog.Time("expiresAt", expires), slog.Time("now", now), slog.Duration("keptFor", minKeyLifetime))
		refreshAt = now.Add(minKeyLifetime)
		expires = refreshAt
	}
	a.mu.Lock()
	a.key, a.expiresAt, a.refreshAt = out.APIKey, expires, refreshAt
	a.receivedAt, a.stale = now, stale
	a.failure = nil
	a.mu.Unlock()
	c.logger.LogAttrs(ctx, slog.LevelInfo, "pluggy: API key renewed", slog.Time("expiresAt", expires))
	if h := c.hooks.KeyRenewal; h != nil {
		h(KeyRenewalEvent{ExpiresAt: expires, Duration: time.Since(start)})
	}
	return out.APIKey, nil
}

// keyLifetime is when key, received at now, expires (its JWT exp, else
// apiKeyLifetime after now) and when to renew it: refreshAhead before its
// expiry, or a fifth of its lifetime (from its JWT iat, else now) when that
// is shorter.
func keyLifetime(key string, now time.Time) (expires, refreshAt time.Time) {
	issued, expires := now, now.Add(apiKeyLifetime)
	if claims, ok := jwtexp.Parse(key); ok {
		expires = claims.ExpiresAt
		if !claims.IssuedAt.IsZero() && claims.IssuedAt.Before(expires) {
			issued = claims.IssuedAt
		}
	}
	return expires, expires.Add(-min(refreshAhead, expires.Sub(issued)/5))
}

// invalidate drops key if it is still the cached one, so that the next call
// renews it. A key already replaced by another goroutine is left alone, and
// so is a key that arrived already expired, for its minKeyLifetime: logging
// in again would only fetch another such key.
func (a *authenticator) invalidate(key string) {
	now := a.client.clock.Now()
	a.mu.Lock()
	if a.key == key && !(a.stale && now.Sub(a.receivedAt) < minKeyLifetime) {
		a.key, a.refreshAt, a.expiresAt = "", time.Time{}, time.Time{}
		if a.store != nil {
			a.refused = key
		}
	}
	a.mu.Unlock()
}

// AuthService creates connect tokens.
type AuthService service

// ConnectTokenParams are the options of a connect token (ConnectTokenRequest).
type ConnectTokenParams struct {
	// ItemID lets the widget update this existing item instead of creating one.
	ItemID string `json:"itemId,omitempty"`
	// Options apply to the item the widget creates or updates.
	Options *ItemOptions `json:"options,omitempty"`
}

// ItemOptions are options for an item created through the Connect widget
// (ItemOptions).
type ItemOptions struct {
	// ClientUserID is your identifier for the user (an id, a UUID, an email).
	ClientUserID string `json:"clientUserId,omitempty"`
	// WebhookURL is notified of this item's changes.
	WebhookURL string `json:"webhookUrl,omitempty"`
	// OAuthRedirectURI is where the user is sent after the connect flow.
	OAuthRedirectURI string `json:"oauthRedirectUri,omitempty"`
	// AvoidDuplicates refuses to create an item with the same credentials as
	// an existing one.
	AvoidDuplicates *bool `json:"avoidDuplicates,omitempty"`
}

// ConnectToken is a short-lived (30 minutes) token for Pluggy's Connect
// widget in a browser. It is a secret: it prints as [redacted] with every
// fmt verb and in log/slog; encoding/json writes the token, for handing it
// to your front end.
type ConnectToken struct {
	// AccessToken is the value to hand to the widget.
	AccessToken string `json:"accessToken"`
}

// String hides the token.
func (t ConnectToken) String() string { return "pluggy.ConnectToken{[redacted]}" }

// GoString hides the token.
func (t ConnectToken) GoString() string { return t.String() }

// Format hides the token for every verb.
func (t ConnectToken) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }

// LogValue hides the token from log/slog handlers.
func (t ConnectToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("accessToken", "[redacted]"))
}

// CreateConnectToken returns a token for the Connect widget (POST
// /connect_token). params may be nil.
func (s *AuthService) CreateConnectToken(ctx context.Context, params *ConnectTokenParams, opts ...RequestOption) (*ConnectToken, error) {
	if params == nil {
		params = &ConnectTokenParams{}
	}
	var out ConnectToken
	if err := s.client.call(ctx, "POST /connect_token", nil, nil, params, &out, opts...); err != nil {
		return nil, err
	}
	if out.AccessToken == "" {
		return nil, &DecodeError{Route: "POST /connect_token", StatusCode: http.StatusOK, Err: errors.New("answer has no accessToken")}
	}
	return &out, nil
}
