package pluggy

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter paces the client's requests. The client calls Wait before every
// attempt of every request, retries included, with the route literal of the
// call ("PATCH /items/{id}"), and Hold when the server answers 429 with a
// time to wait.
type Limiter interface {
	// Wait blocks until a request on route may be sent, or ctx ends (then it
	// returns ctx's error).
	Wait(ctx context.Context, route string) error
	// Hold keeps route closed until the given time.
	Hold(route string, until time.Time)
}

// Pluggy's documented limits, in requests per minute.
const (
	// ItemUpdateLimit is the limit of PATCH /items/{id}.
	ItemUpdateLimit = 20
	// DefaultRouteLimit is the limit of every other route.
	DefaultRouteLimit = 360
)

// RouteLimiter is the default Limiter: one token bucket per route. Each bucket
// is tuned so that no 60-second window ever carries more requests than the
// route's limit: a burst of limit/20 (at least 1) and a steady rate of the
// rest, which is 95% of the limit under sustained demand.
//
// The zero value is not usable; call NewRouteLimiter or DefaultLimiter.
type RouteLimiter struct {
	window   time.Duration
	limits   map[string]int
	fallback int
	now      func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	hold time.Time
}

// NewRouteLimiter returns a limiter allowing limits[route] requests per
// window on each route named there and fallback per window on any other.
func NewRouteLimiter(window time.Duration, limits map[string]int, fallback int) *RouteLimiter {
	l := &RouteLimiter{
		window:   window,
		limits:   make(map[string]int, len(limits)),
		fallback: fallback,
		now:      time.Now,
		buckets:  map[string]*bucket{},
	}
	for k, v := range limits {
		l.limits[k] = v
	}
	return l
}

// DefaultLimiter returns a RouteLimiter with Pluggy's documented limits:
// 20 a minute on PATCH /items/{id}, 360 a minute on every other route.
func DefaultLimiter() *RouteLimiter {
	return NewRouteLimiter(time.Minute, map[string]int{"PATCH /items/{id}": ItemUpdateLimit}, DefaultRouteLimit)
}

func (l *RouteLimiter) bucket(route string) *bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[route]
	if ok {
		return b
	}
	limit, ok := l.limits[route]
	if !ok {
		limit = l.fallback
	}
	burst := max(1, limit/20)
	if burst > limit {
		burst = limit
	}
	every := rate.Limit(float64(limit-burst) / l.window.Seconds())
	if limit <= burst {
		// Only a burst fits the window; refill one request per window.
		every = rate.Limit(float64(limit) / l.window.Seconds() / 2)
	}
	b = &bucket{lim: rate.NewLimiter(every, burst)}
	// A new bucket starts full, like rate.NewLimiter.
	l.buckets[route] = b
	return b
}

// reserve takes a token for route at now and returns how long the caller
// must wait before using it, and a function that gives the token back.
func (l *RouteLimiter) reserve(route string, now time.Time) (time.Duration, func()) {
	b := l.bucket(route)
	l.mu.Lock()
	hold := b.hold
	l.mu.Unlock()
	var held time.Duration
	if now.Before(hold) {
		held = hold.Sub(now)
		now = hold
	}
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return held, func() {}
	}
	at := now
	return held + r.DelayFrom(now), func() { r.CancelAt(at) }
}

// allow takes a token at now only when one is free without waiting.
func (l *RouteLimiter) allow(route string, now time.Time) bool {
	d, cancel := l.reserve(route, now)
	if d > 0 {
		cancel()
		return false
	}
	return true
}

// Wait blocks until a request on route may be sent or ctx ends.
func (l *RouteLimiter) Wait(ctx context.Context, route string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d, cancel := l.reserve(route, l.now())
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		// The wait would outlast ctx: give the token back and fail now
		// rather than block until the deadline.
		cancel()
		return fmt.Errorf("pluggy: waiting %s for the rate limit of %s would outlast the context: %w",
			d.Round(time.Millisecond), route, context.DeadlineExceeded)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		cancel()
		return ctx.Err()
	}
}

// Hold keeps route closed until the given time (a 429's Retry-After), so
// that other goroutines do not run into the same wall.
func (l *RouteLimiter) Hold(route string, until time.Time) {
	b := l.bucket(route)
	l.mu.Lock()
	if until.After(b.hold) {
		b.hold = until
	}
	l.mu.Unlock()
}

// NoLimit is a Limiter that never waits, for callers who pace requests
// themselves.
var NoLimit Limiter = noLimit{}

type noLimit struct{}

func (noLimit) Wait(ctx context.Context, _ string) error { return ctx.Err() }
func (noLimit) Hold(string, time.Time)                   {}
