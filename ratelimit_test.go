package pluggy

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// simulate drives l with clients that are always waiting on route for the
// given span of fake time: each request is sent the moment the limiter lets
// it, and the next one queues at once. It returns the send times.
func simulate(l *RouteLimiter, route string, start time.Time, span time.Duration) []time.Time {
	var granted []time.Time
	for at := start; ; {
		d, _ := l.reserve(route, at)
		at = at.Add(d)
		if !at.Before(start.Add(span)) {
			return granted
		}
		granted = append(granted, at)
	}
}

// probe drives l with requests arriving every step that give up when no
// token is free, and returns the times it let through.
func probe(l *RouteLimiter, route string, start time.Time, span, step time.Duration) []time.Time {
	var granted []time.Time
	for at := start; at.Before(start.Add(span)); at = at.Add(step) {
		if l.allow(route, at) {
			granted = append(granted, at)
		}
	}
	return granted
}

// maxInWindow returns the largest number of grants in any closed window of
// the given length.
func maxInWindow(granted []time.Time, window time.Duration) int {
	best, j := 0, 0
	for i := range granted {
		for granted[i].Sub(granted[j]) > window {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func TestDefaultLimiterKeepsEveryMinuteUnderTheLimit(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		route string
		limit int
		step  time.Duration
		share float64 // of the limit used under steady demand (issue 14: 95% and 99%)
	}{
		{"PATCH /items/{id}", 20, 70 * time.Millisecond, 0.95},
		{"GET /accounts", 360, 7 * time.Millisecond, 0.99},
	} {
		const minutes = 30
		granted := simulate(DefaultLimiter(), tc.route, start, minutes*time.Minute)
		assert.LessOrEqual(t, maxInWindow(granted, time.Minute), tc.limit, "%s: no 60-second window over the limit", tc.route)
		assert.GreaterOrEqual(t, float64(len(granted)), tc.share*float64(tc.limit*minutes),
			"%s: at least %.0f%% of the limit under steady demand (got %d of %d)", tc.route, 100*tc.share, len(granted), tc.limit*minutes)

		// Requests arriving on their own schedule, dropped when no token is free.
		granted = probe(DefaultLimiter(), tc.route, start, minutes*time.Minute, tc.step)
		assert.LessOrEqual(t, maxInWindow(granted, time.Minute), tc.limit, "%s: probing", tc.route)
	}
}

func TestLimiterBucketsAreIndependentPerRoute(t *testing.T) {
	t.Parallel()
	l := DefaultLimiter()
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	assert.True(t, l.allow("PATCH /items/{id}", at))
	assert.False(t, l.allow("PATCH /items/{id}", at), "the PATCH bucket is spent")
	assert.True(t, l.allow("GET /items/{id}", at), "another route has its own bucket")
}

func TestHoldClosesTheRouteUntilThen(t *testing.T) {
	t.Parallel()
	l := DefaultLimiter()
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	l.Hold("GET /accounts", at.Add(60*time.Second))
	assert.False(t, l.allow("GET /accounts", at.Add(59*time.Second)))
	assert.True(t, l.allow("GET /accounts", at.Add(60*time.Second)))
	assert.True(t, l.allow("GET /items/{id}", at), "other routes are not held")

	l.Hold("GET /accounts", at) // an earlier hold does not shorten the current one
	d, cancel := l.reserve("GET /accounts", at.Add(30*time.Second))
	cancel()
	assert.Greater(t, d, time.Duration(0))
}

func TestLimiterWaitHonoursContext(t *testing.T) {
	t.Parallel()
	l := NewRouteLimiter(time.Minute, nil, 1)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, l.Wait(ctx, "GET /x"))
	cancel()
	assert.ErrorIs(t, l.Wait(ctx, "GET /x"), context.Canceled)

	ctx2, cancel2 := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx2, "GET /x") }()
	cancel2()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return after its context ended")
	}
	// A cancelled wait gives its token back: the next caller does not pay for it.
	d, release := l.reserve("GET /x", time.Now())
	release()
	assert.LessOrEqual(t, d, 2*time.Minute)
}

func TestNoLimit(t *testing.T) {
	t.Parallel()
	require.NoError(t, NoLimit.Wait(context.Background(), "GET /x"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, NoLimit.Wait(ctx, "GET /x"), context.Canceled)
	NoLimit.Hold("GET /x", time.Now().Add(time.Hour))
	require.NoError(t, NoLimit.Wait(context.Background(), "GET /x"))
}

// slidingMax returns the largest number of grants in any window of the given
// length, closed at both ends, sliding over every grant (the strictest
// reading of "per minute": a server counting from any instant).
func slidingMax(granted []time.Time, window time.Duration) int {
	return maxInWindow(granted, window)
}

func TestDefaultLimiterUsesTheWholeBudgetUnderManyWaiters(t *testing.T) {
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		route string
		limit int
		share float64
	}{
		{"PATCH /items/{id}", ItemUpdateLimit, 0.95},
		{"GET /v2/transactions", DefaultRouteLimit, 0.99},
	} {
		t.Run(tc.route, func(t *testing.T) {
			// 8 callers always waiting, each booking its next send as soon as
			// its previous one went out; some give up their booking now and
			// then (a cancelled ctx), which must never let a window overflow.
			l := DefaultLimiter()
			const minutes = 20
			end := start.Add(minutes * time.Minute)
			next := make([]time.Time, 8)
			for i := range next {
				next[i] = start
			}
			var granted []time.Time
			for k := 0; ; k++ {
				i := 0
				for j := range next {
					if next[j].Before(next[i]) {
						i = j
					}
				}
				now := next[i]
				if !now.Before(end) {
					break
				}
				d, cancel := l.reserve(tc.route, now)
				if k%7 == 3 {
					cancel() // this caller gave up; it comes back a little later
					next[i] = now.Add(d / 2)
					continue
				}
				at := now.Add(d)
				if at.Before(end) {
					granted = append(granted, at)
				}
				next[i] = at
			}
			assert.LessOrEqual(t, slidingMax(granted, time.Minute), tc.limit, "never more than the limit in any 60-second window")
			got := float64(len(granted)) / float64(tc.limit*minutes)
			assert.GreaterOrEqual(t, got, tc.share, "share of the budget used: %.4f", got)
		})
	}
}

func TestLimiterHoldThenWindow(t *testing.T) {
	l := NewRouteLimiter(time.Minute, nil, 10)
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	granted := simulate(l, "GET /x", at, 5*time.Minute)
	l.Hold("GET /x", at.Add(6*time.Minute))
	more := simulate(l, "GET /x", at.Add(5*time.Minute), 5*time.Minute)
	require.NotEmpty(t, more)
	assert.False(t, more[0].Before(at.Add(6*time.Minute)), "nothing before the hold ends")
	assert.LessOrEqual(t, slidingMax(append(granted, more...), time.Minute), 10)
}
