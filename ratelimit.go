package pluggy

import (
	"context"
	"fmt"
	"sync"
	"time"
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

// RouteLimiter is the default Limiter. On each route it keeps the send
// times it granted over the last window and lets a request go only when
// the route's limit-th request before it is at least a window (plus a
// margin of 1/200 of the window, 300 ms a minute, for the clock and network
// jitter between client and server) in the past, so that no window of that
// length ever carries more than the limit. Requests are also paced at an
// even interval of a window/limit with a burst of limit/20 (at least 1), so
// that a busy route spreads its requests over the minute instead of
// spending them all at once. Under steady demand it sends the limit every
// window plus margin: 99.5% of the limit, 358 a minute of 360, 19.9 of 20.
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

// bucket is the account of one route.
type bucket struct {
	limit    int
	burst    int
	span     time.Duration // the window plus its margin
	interval time.Duration // span/limit, the pace
	// grants are the send times granted that may still constrain a new
	// one, in order; each is at least span after the limit-th before it.
	grants []time.Time
	// tat is the pace's theoretical arrival time (GCRA): a request may go
	// at t when t >= tat - (burst-1)*interval.
	tat  time.Time
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

// bucket returns route's account; l.mu must be held.
func (l *RouteLimiter) bucket(route string) *bucket {
	b, ok := l.buckets[route]
	if ok {
		return b
	}
	limit, ok := l.limits[route]
	if !ok {
		limit = l.fallback
	}
	limit = max(1, limit)
	span := l.window + l.window/200
	b = &bucket{
		limit:    limit,
		burst:    max(1, limit/20),
		span:     span,
		interval: span / time.Duration(limit),
	}
	l.buckets[route] = b
	return b
}

// reserve books a send time for route at now and returns how long the
// caller must wait before sending, and a function that gives the booking
// back (when the caller gives up waiting).
func (l *RouteLimiter) reserve(route string, now time.Time) (time.Duration, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(route)
	// Grants a span before now cannot hold back a send at now or later.
	drop := 0
	for drop < len(b.grants) && !b.grants[drop].After(now.Add(-b.span)) {
		drop++
	}
	b.grants = b.grants[drop:]

	at := now
	if b.hold.After(at) {
		at = b.hold
	}
	if t := b.tat.Add(-time.Duration(b.burst-1) * b.interval); t.After(at) {
		at = t
	}
	if n := len(b.grants); n >= b.limit {
		if t := b.grants[n-b.limit].Add(b.span); t.After(at) {
			at = t
		}
	}
	if n := len(b.grants); n > 0 && b.grants[n-1].After(at) {
		at = b.grants[n-1] // keep the grants in order
	}
	prevTAT := b.tat
	if b.tat.Before(at) {
		b.tat = at
	}
	b.tat = b.tat.Add(b.interval)
	tat := b.tat
	b.grants = append(b.grants, at)
	return at.Sub(now), func() { l.cancel(route, at, prevTAT, tat) }
}

// cancel gives back the booking at at: the grant is forgotten (which only
// loosens the window for the others) and the pace steps back.
func (l *RouteLimiter) cancel(route string, at, prevTAT, tat time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(route)
	for i := len(b.grants) - 1; i >= 0; i-- {
		if b.grants[i].Equal(at) {
			b.grants = append(b.grants[:i], b.grants[i+1:]...)
			break
		}
	}
	if b.tat.Equal(tat) {
		b.tat = prevTAT // the last booking: as if it never happened
	} else {
		b.tat = b.tat.Add(-b.interval)
	}
}

// allow takes a send time at now only when one is free without waiting.
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
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.bucket(route); until.After(b.hold) {
		b.hold = until
	}
}

// NoLimit is a Limiter that never waits, for callers who pace requests
// themselves.
var NoLimit Limiter = noLimit{}

type noLimit struct{}

func (noLimit) Wait(ctx context.Context, _ string) error { return ctx.Err() }
func (noLimit) Hold(string, time.Time)                   {}
