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
	}{
		{"PATCH /items/{id}", 20, 70 * time.Millisecond},
		{"GET /accounts", 360, 7 * time.Millisecond},
	} {
		const minutes = 30
		granted := simulate(DefaultLimiter(), tc.route, start, minutes*time.Minute)
		assert.LessOrEqual(t, maxInWindow(granted, time.Minute), tc.limit, "%s: no 60-second window over the limit", tc.route)
		assert.GreaterOrEqual(t, float64(len(granted)), 0.95*float64(tc.limit*minutes),
			"%s: at least 95%% of the limit under steady demand (got %d of %d)", tc.route, len(granted), tc.limit*minutes)

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
