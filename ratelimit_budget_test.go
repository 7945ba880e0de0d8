package pluggy_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTimeLimiter runs the default limiter's accounting on the fake server's
// clock: where the limiter says wait d, the server's clock moves on by d
// instead of the test sleeping.
type fakeTimeLimiter struct {
	l   *pluggy.RouteLimiter
	srv *pluggytest.Server
	mu  sync.Mutex
}

func (f *fakeTimeLimiter) Wait(ctx context.Context, route string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, _ := f.l.ReserveAt(route, f.srv.Now())
	if d > 0 {
		f.srv.Advance(d)
	}
	return ctx.Err()
}

func (f *fakeTimeLimiter) Hold(route string, until time.Time) { f.l.Hold(route, until) }

// count429 counts the 429 answers that reach the client.
type count429 struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *count429) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.n.Add(1)
	}
	return resp, err
}

// TestDefaultLimiterAgainstPluggytest sends as fast as the default limiter
// lets, for 10 minutes of the server's (fake) clock, to a pluggytest server
// that enforces Pluggy's limits, and counts what got through.
func TestDefaultLimiterAgainstPluggytest(t *testing.T) {
	for _, tc := range []struct {
		route string
		limit int
		share float64
	}{
		{"PATCH /items/{id}", pluggy.ItemUpdateLimit, 0.95},
		{"GET /items/{id}", pluggy.DefaultRouteLimit, 0.99},
	} {
		t.Run(tc.route, func(t *testing.T) {
			start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
			srv := pluggytest.NewServer(pluggytest.WithStartTime(start))
			defer srv.Close()
			itemID, err := srv.AddConnectedItem(201)
			require.NoError(t, err)
			lim := &fakeTimeLimiter{l: pluggy.DefaultLimiter(), srv: srv}
			tr := &count429{base: http.DefaultTransport}
			c, err := srv.Client(pluggy.WithLimiter(lim), pluggy.WithHTTPClient(&http.Client{Transport: tr}))
			require.NoError(t, err)
			ctx := context.Background()
			const minutes = 10
			end := start.Add(minutes * time.Minute)
			sent := 0
			for srv.Now().Before(end) {
				if tc.route == "PATCH /items/{id}" {
					_, err = c.Items.Update(ctx, itemID, nil)
				} else {
					_, err = c.Items.Get(ctx, itemID)
				}
				require.NoError(t, err)
				sent++
			}
			assert.Zero(t, tr.n.Load(), "no 429 from the server")
			var at []time.Time
			for _, r := range srv.RequestsTo(tc.route) {
				if r.At.Before(end) {
					at = append(at, r.At)
				}
			}
			most, j := 0, 0
			for i := range at {
				for at[i].Sub(at[j]) >= time.Minute {
					j++
				}
				most = max(most, i-j+1)
			}
			assert.LessOrEqual(t, most, tc.limit, "never more than the limit in any 60-second window")
			share := float64(len(at)) / float64(tc.limit*minutes)
			t.Logf("%s: %d requests in %d minutes (%.1f%% of %d a minute), at most %d in a 60-second window, %d 429s",
				tc.route, len(at), minutes, 100*share, tc.limit, most, tr.n.Load())
			assert.GreaterOrEqual(t, share, tc.share, "share of %d a minute used: %.4f", tc.limit, share)
		})
	}
}
