package pluggy

import (
	"context"
	"time"
)

// Hooks receive what the pipeline does, as it does it: enough to feed
// Prometheus or OpenTelemetry metrics without parsing logs. Each field may
// be nil. The functions run on the goroutine of the call, inline: keep them
// quick and never block in them. Nothing they receive holds the client
// secret, an API key or a URL (routes are literals such as
// "GET /items/{id}"; errors are the pipeline's own, without the URL).
type Hooks struct {
	// Attempt is called after each attempt that was sent: its status (0 when
	// no answer came), the time until the answer was read (a success
	// answer is read whole) and the transport's error.
	Attempt func(AttemptEvent)
	// Retry is called before each retry, with the reason and the wait.
	Retry func(RetryEvent)
	// LimiterWait is called after each wait on the rate limiter (one per
	// attempt, however short), with its length and its refusal.
	LimiterWait func(LimiterWaitEvent)
	// RateLimitHold is called when a 429 puts its route on hold.
	RateLimitHold func(RateLimitHoldEvent)
	// KeyRenewal is called after each POST /auth the client makes to get
	// a new API key, with the new key's expiry (never the key) or the
	// error.
	KeyRenewal func(KeyRenewalEvent)
}

// AttemptEvent is one attempt of a call.
type AttemptEvent struct {
	Route      string        // the route literal ("GET /items/{id}")
	Attempt    int           // 1 for the first attempt
	StatusCode int           // 0 when no answer came
	Duration   time.Duration // until the answer was read (a success answer whole)
	Err        error         // the transport's error, without the URL; nil when an answer came
}

// RetryEvent is one retry about to happen.
type RetryEvent struct {
	Route      string        // the route literal, "GET /items/{id}"
	Attempt    int           // the attempt that failed
	Reason     string        // "connection error", "rate limited" or "server error"
	StatusCode int           // the failed attempt's status; 0 for a connection error
	Wait       time.Duration // how long the client waits before the next attempt
}

// LimiterWaitEvent is one wait on the rate limiter.
type LimiterWaitEvent struct {
	Route   string        // the route literal, "GET /items/{id}"
	Attempt int           // the attempt waiting to be sent, 1 for the first
	Wait    time.Duration // how long it waited
	Err     error         // the limiter's refusal (the wait would outlast ctx, or ctx ended)
}

// RateLimitHoldEvent is a route held after a 429.
type RateLimitHoldEvent struct {
	Route string        // the route literal held, "PATCH /items/{id}"
	Asked time.Duration // what the server asked for
	Hold  time.Duration // what the route is held for: Asked within WithMaxRetryWait
	Until time.Time     // by the client's clock
}

// KeyRenewalEvent is one POST /auth for a new API key.
type KeyRenewalEvent struct {
	ExpiresAt time.Time     // when the new key expires; zero on error
	Duration  time.Duration // the time the POST /auth call took
	Err       error         // why no key came (an *AuthError for refused credentials); nil on success
}

// WithHooks installs hooks on the client. See Hooks.
func WithHooks(h Hooks) Option {
	return func(c *Client) error {
		c.hooks = h
		return nil
	}
}

// routeKey carries a call's route literal in its context.
type routeKey struct{}

// RouteFromContext returns the route literal ("GET /items/{id}") of the
// call a request belongs to. Every request the client sends carries it in
// its context, so that an http.RoundTripper given through WithHTTPClient
// (otelhttp, a metrics transport) can name spans and series by route
// rather than by raw URL.
func RouteFromContext(ctx context.Context) (string, bool) {
	if ctx == nil {
		return "", false
	}
	r, ok := ctx.Value(routeKey{}).(string)
	return r, ok && r != ""
}
