package pluggyredis

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/redis/internal/redistest"
)

// overfull returns the first window of length window that holds more than
// limit of times (sorted), or "" when none does: times[i+limit] must be at
// least window after times[i] for every i.
func overfull(times []time.Time, window time.Duration, limit int) string {
	for i := 0; i+limit < len(times); i++ {
		if d := times[i+limit].Sub(times[i]); d < window {
			return fmt.Sprintf("%d grants within %s from %s", limit+1, d, times[i].Format("15:04:05.000000"))
		}
	}
	return ""
}

func TestOverfullFindsAnOverfullWindow(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var ok, bad []time.Time
	for i := range 10 {
		ok = append(ok, t0.Add(time.Duration(i)*300*time.Millisecond))
		bad = append(bad, t0.Add(time.Duration(i)*240*time.Millisecond))
	}
	// 4 a second: 300 ms apart holds at most 4 in any second, 240 ms apart 5.
	assert.Empty(t, overfull(ok, time.Second, 4))
	assert.NotEmpty(t, overfull(bad, time.Second, 4))
}

func uniquePrefix(t *testing.T) string {
	return "test" + strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()) + newMember()[:6]
}

// TestLimiterNoWindowOverLimit runs several limiters (one Redis connection
// pool each, as separate processes have) and many goroutines against two
// routes until each has had 3×limit+1 grants, then checks every sliding
// window of every route against its limit.
func TestLimiterNoWindowOverLimit(t *testing.T) {
	_, srv := redistest.Client(t)
	const window = 400 * time.Millisecond
	opts := &LimiterOptions{
		Window: window, Margin: 40 * time.Millisecond,
		Limits: map[string]int{"PATCH /items/{id}": 5}, DefaultLimit: 40,
		Prefix: uniquePrefix(t),
	}
	routes := map[string]int{"PATCH /items/{id}": 5, "GET /accounts": 40}
	var lims []*Limiter
	for range 4 {
		l, err := NewLimiter(srv.NewClient(t), "app-1", opts)
		require.NoError(t, err)
		lims = append(lims, l)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var mu sync.Mutex
	grants := map[string][]time.Time{}
	var wg sync.WaitGroup
	for _, l := range lims {
		for g := range 12 {
			route := "GET /accounts"
			if g%3 == 0 {
				route = "PATCH /items/{id}"
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					mu.Lock()
					done := len(grants[route]) > 3*routes[route]
					mu.Unlock()
					if done {
						return
					}
					at, err := l.wait(ctx, route)
					if err != nil {
						t.Errorf("wait %s: %v", route, err)
						return
					}
					mu.Lock()
					grants[route] = append(grants[route], at)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for route, limit := range routes {
		times := grants[route]
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		require.Greater(t, len(times), 3*limit, route)
		assert.Empty(t, overfull(times, window, limit), route)
	}
}

// TestLimiterHoldReachesEveryProcess: a 429 seen by one limiter holds the
// route for another, which then refuses a wait its deadline cannot cover.
func TestLimiterHoldReachesEveryProcess(t *testing.T) {
	_, srv := redistest.Client(t)
	opts := &LimiterOptions{Prefix: uniquePrefix(t)}
	a, err := NewLimiter(srv.NewClient(t), "app-1", opts)
	require.NoError(t, err)
	b, err := NewLimiter(srv.NewClient(t), "app-1", opts)
	require.NoError(t, err)
	other, err := NewLimiter(srv.NewClient(t), "app-2", opts)
	require.NoError(t, err)

	a.Hold("GET /items/{id}", time.Now().Add(30*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err = b.Wait(ctx, "GET /items/{id}")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "would outlast the context")
	// Another route, and the same route of another application, are free.
	require.NoError(t, b.Wait(ctx, "GET /accounts"))
	require.NoError(t, other.Wait(ctx, "GET /items/{id}"))
}

// TestLimiterHoldWakesSleepers: a hold set while a caller sleeps on its
// reservation makes it ask again instead of going ahead.
func TestLimiterHoldWakesSleepers(t *testing.T) {
	_, srv := redistest.Client(t)
	opts := &LimiterOptions{Window: 300 * time.Millisecond, DefaultLimit: 1, Prefix: uniquePrefix(t)}
	a, err := NewLimiter(srv.NewClient(t), "app-1", opts)
	require.NoError(t, err)
	require.NoError(t, a.Wait(context.Background(), "GET /accounts"))
	errc := make(chan error, 1)
	go func() {
		// Its slot is ~300 ms away; the hold below, made meanwhile, is
		// 30 s capped at ten windows (3 s), past this deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		errc <- a.Wait(ctx, "GET /accounts")
	}()
	time.Sleep(50 * time.Millisecond)
	a.Hold("GET /accounts", time.Now().Add(30*time.Second))
	err = <-errc
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestLimiterWaitHonoursCtx(t *testing.T) {
	rdb, srv := redistest.Client(t)
	opts := &LimiterOptions{DefaultLimit: 2, Prefix: uniquePrefix(t)}
	l, err := NewLimiter(srv.NewClient(t), "app-1", opts)
	require.NoError(t, err)
	for range 2 {
		require.NoError(t, l.Wait(context.Background(), "GET /accounts"))
	}
	key := l.keys("GET /accounts")[0]
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	err = l.Wait(ctx, "GET /accounts")
	require.ErrorIs(t, err, context.Canceled)
	// The reservation was given back.
	n, err := rdb.ZCard(context.Background(), key).Result()
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)

	done, stop := context.WithCancel(context.Background())
	stop()
	require.ErrorIs(t, l.Wait(done, "GET /accounts"), context.Canceled)
}

// countingLimiter counts its waits and holds.
type countingLimiter struct {
	waits, holds atomic.Int64
}

func (c *countingLimiter) Wait(ctx context.Context, _ string) error {
	c.waits.Add(1)
	return ctx.Err()
}
func (c *countingLimiter) Hold(string, time.Time) { c.holds.Add(1) }

// TestLimiterRedisDown stops redis-server under a limiter with no fallback
// (calls are refused) and one with a fallback (it is used), then restarts
// it: both use Redis again.
func TestLimiterRedisDown(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	ctx := context.Background()
	refusing, err := NewLimiter(srv.NewClient(t), "app-1", &LimiterOptions{Retry: 20 * time.Millisecond, Timeout: 300 * time.Millisecond})
	require.NoError(t, err)
	fb := &countingLimiter{}
	falling, err := NewLimiter(srv.NewClient(t), "app-1", &LimiterOptions{Fallback: fb, Retry: 20 * time.Millisecond, Timeout: 300 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, refusing.Wait(ctx, "GET /accounts"))
	require.NoError(t, falling.Wait(ctx, "GET /accounts"))
	assert.Zero(t, fb.waits.Load())

	srv.Stop()
	err = refusing.Wait(ctx, "GET /accounts")
	require.ErrorIs(t, err, ErrUnavailable)
	assert.Contains(t, err.Error(), "request not sent")
	// Marked down: the next call fails at once, without a round trip.
	require.ErrorIs(t, refusing.Wait(ctx, "GET /accounts"), ErrUnavailable)
	require.NoError(t, falling.Wait(ctx, "GET /accounts"))
	require.NoError(t, falling.Wait(ctx, "GET /accounts"))
	assert.EqualValues(t, 2, fb.waits.Load())
	falling.Hold("GET /accounts", time.Now().Add(time.Millisecond))
	assert.EqualValues(t, 1, fb.holds.Load())

	require.NoError(t, srv.Restart())
	rdb := srv.NewClient(t)
	time.Sleep(30 * time.Millisecond) // past Retry
	require.NoError(t, refusing.Wait(ctx, "GET /accounts"))
	require.NoError(t, falling.Wait(ctx, "GET /accounts"))
	assert.EqualValues(t, 2, fb.waits.Load(), "fallback used after Redis came back")
	n, err := rdb.ZCard(ctx, refusing.keys("GET /accounts")[0]).Result()
	require.NoError(t, err)
	assert.EqualValues(t, 2, n, "both grants after the restart recorded in Redis")
}

// TestLimiterThroughClient: a pluggy.Client with the limiter waits on it
// for each attempt (here a refusal, since Redis is down).
func TestLimiterThroughClient(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	lim, err := NewLimiter(srv.NewClient(t), "app-1", &LimiterOptions{Timeout: 200 * time.Millisecond})
	require.NoError(t, err)
	c, err := pluggy.NewClient("app-1", "secret", pluggy.WithLimiter(lim), pluggy.WithBaseURL("http://127.0.0.1:1"), pluggy.WithRetries(0))
	require.NoError(t, err)
	srv.Stop()
	_, err = c.Connectors.Get(context.Background(), 0, nil)
	require.ErrorIs(t, err, ErrUnavailable)
}

func TestLimiterKeysAndOptions(t *testing.T) {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	l, err := NewLimiter(rdb, " 3f7b-app ", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"pluggy:{3f7b-app}:rl:PATCH /items/{id}", "pluggy:{3f7b-app}:hold:PATCH /items/{id}"}, l.keys("PATCH /items/{id}"))
	assert.Equal(t, 20, l.limitOf("PATCH /items/{id}"))
	assert.Equal(t, 360, l.limitOf("GET /accounts"))
	assert.Equal(t, 500*time.Millisecond, l.margin)
	// Naming other routes keeps PATCH /items/{id} at Pluggy's 20.
	l, err = NewLimiter(rdb, "app", &LimiterOptions{Limits: map[string]int{"GET /accounts": 100}})
	require.NoError(t, err)
	assert.Equal(t, 20, l.limitOf("PATCH /items/{id}"))
	assert.Equal(t, 100, l.limitOf("GET /accounts"))
	assert.Equal(t, 360, l.limitOf("GET /items/{id}"))

	for _, tc := range []struct {
		id   string
		opts *LimiterOptions
		want string
	}{
		{"", nil, "empty client id"},
		{"a{b}", nil, "not a Pluggy client id"},
		{"app", &LimiterOptions{Window: time.Millisecond}, "shorter than 10ms"},
		{"app", &LimiterOptions{Margin: -1}, "negative Margin"},
		{"app", &LimiterOptions{Limits: map[string]int{"GET /x": 0}}, `limit 0 of "GET /x"`},
		{"app", &LimiterOptions{Prefix: "a}b"}, "prefix"},
	} {
		_, err := NewLimiter(rdb, tc.id, tc.opts)
		require.ErrorContains(t, err, tc.want)
	}
	_, err = NewLimiter(nil, "app", nil)
	require.Error(t, err)
	_, err = NewLimiter(rdb, "app", &LimiterOptions{Spacing: 2 * time.Minute})
	require.ErrorContains(t, err, "Spacing")
	assert.Equal(t, 60500*time.Millisecond/80, l.spacingOf(20), "default: a quarter of the even spacing")
	l, err = NewLimiter(rdb, "app", &LimiterOptions{Spacing: -1})
	require.NoError(t, err)
	assert.Zero(t, l.spacingOf(20))
}

// TestLocalShare: a fallback for 20 replicas allows one PATCH a minute
// and 18 of the other routes' requests.
func TestLocalShare(t *testing.T) {
	l := LocalShare(20)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	require.NoError(t, l.Wait(ctx, "PATCH /items/{id}"))
	require.ErrorIs(t, l.Wait(ctx, "PATCH /items/{id}"), context.DeadlineExceeded)
	n := 0
	for l.Wait(ctx, "GET /accounts") == nil && n < 100 {
		n++
	}
	assert.Less(t, n, 19, "at most 18 = 360/20 a minute, less the steady part")
	assert.Positive(t, n)
}

// TestLimiterSpacing: with Spacing, consecutive grants of a route are at
// least that far apart, and windows still hold at most the limit.
func TestLimiterSpacing(t *testing.T) {
	_, srv := redistest.Client(t)
	const window, spacing = 500 * time.Millisecond, 40 * time.Millisecond
	l, err := NewLimiter(srv.NewClient(t), "app-1", &LimiterOptions{Window: window, DefaultLimit: 5, Spacing: spacing, Prefix: uniquePrefix(t)})
	require.NoError(t, err)
	var mu sync.Mutex
	var times []time.Time
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				at, err := l.wait(context.Background(), "GET /accounts")
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				times = append(times, at)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	require.Len(t, times, 18)
	// Each grant leaves at most Margin/2 after its slot, and slots are
	// spacing apart: returns are at least spacing - Margin/2 apart.
	for i := 1; i < len(times); i++ {
		assert.GreaterOrEqual(t, times[i].Sub(times[i-1]), spacing-l.margin/2, "grants %d and %d", i-1, i)
	}
	assert.Empty(t, overfull(times, window, 5))
}

// TestLimiterAcrossProcesses: three OS processes (this test binary run
// again) share a route's budget through Redis; every grant time they
// report is checked against every sliding window.
func TestLimiterAcrossProcesses(t *testing.T) {
	_, srv := redistest.Client(t)
	const procs, each, limit, window = 3, 8, 5, 300 * time.Millisecond
	prefix := uniquePrefix(t)
	var mu sync.Mutex
	var times []time.Time
	var wg sync.WaitGroup
	for range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLimiterChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PLUGGY_LIMITER_CHILD="+strings.Join([]string{
			srv.Addr, prefix, strconv.Itoa(each), strconv.Itoa(limit), window.String()}, ","))
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if ns, ok := strings.CutPrefix(sc.Text(), "grant "); ok {
					n, err := strconv.ParseInt(ns, 10, 64)
					if assert.NoError(t, err) {
						mu.Lock()
						times = append(times, time.Unix(0, n))
						mu.Unlock()
					}
				}
			}
			assert.NoError(t, cmd.Wait())
		}()
	}
	wg.Wait()
	require.Len(t, times, procs*each)
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	assert.Empty(t, overfull(times, window, limit))
}

// TestLimiterChildProcess is a child of TestLimiterAcrossProcesses: it
// takes its grants with 4 goroutines and prints each one's time.
func TestLimiterChildProcess(t *testing.T) {
	spec := os.Getenv("PLUGGY_LIMITER_CHILD")
	if spec == "" {
		t.Skip("run by TestLimiterAcrossProcesses")
	}
	f := strings.Split(spec, ",")
	each, _ := strconv.Atoi(f[2])
	limit, _ := strconv.Atoi(f[3])
	window, _ := time.ParseDuration(f[4])
	rdb := goredis.NewClient(&goredis.Options{Addr: f[0]})
	defer rdb.Close()
	l, err := NewLimiter(rdb, "app-1", &LimiterOptions{Window: window, Margin: 30 * time.Millisecond, DefaultLimit: limit, Prefix: f[1]})
	require.NoError(t, err)
	var left atomic.Int64
	left.Store(int64(each))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				at, err := l.wait(context.Background(), "GET /accounts")
				require.NoError(t, err)
				mu.Lock()
				fmt.Printf("grant %d\n", at.UnixNano())
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
