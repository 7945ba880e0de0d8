package pluggy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ----- Synchronous mode -----

func TestWebhookSyncAnswersOnlyAfterTheFunc(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	var calls atomic.Int32
	h := newHook(t, func(context.Context, Event) error {
		calls.Add(1)
		close(entered)
		<-release
		return nil
	}, WithWebhookSynchronous(time.Minute), WithWebhookLease(2*time.Minute))

	answered := make(chan int, 1)
	go func() { answered <- deliver(h, itemUpdated("s-1")).Code }()
	waitFor(t, entered, release)
	select {
	case code := <-answered:
		t.Fatalf("answered %d while the EventFunc was still running", code)
	default:
	}
	close(release)
	assert.Equal(t, http.StatusOK, waitFor(t, answered, nil))
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("s-1")).Code, "a redelivery of a handled event is acknowledged")
	assert.Equal(t, int32(1), calls.Load(), "and not handled again")
	require.NoError(t, h.Shutdown(context.Background()))
}

func TestWebhookSyncFailureIsRedelivered(t *testing.T) {
	var mu sync.Mutex
	calls := map[string]int{}
	errs := make(chan error, 8)
	h := newHook(t, func(_ context.Context, ev Event) error {
		mu.Lock()
		calls[ev.EventID]++
		n := calls[ev.EventID]
		mu.Unlock()
		if n == 1 {
			switch ev.EventID {
			case "fails":
				return errors.New("banco indisponível")
			case "panics":
				panic("nil map")
			}
		}
		return nil
	}, WithWebhookSynchronous(0), WithWebhookErrorHandler(func(_ context.Context, _ Event, err error) { errs <- err }))

	for _, id := range []string{"fails", "panics"} {
		w := deliver(h, itemUpdated(id))
		assert.Equal(t, http.StatusInternalServerError, w.Code, id)
		assert.NotContains(t, w.Body.String(), "banco", "the error stays on our side")
		assert.Equal(t, http.StatusOK, deliver(h, itemUpdated(id)).Code, "%s: the redelivery runs: the claim was released", id)
		assert.Equal(t, http.StatusOK, deliver(h, itemUpdated(id)).Code, "%s: then it is a duplicate", id)
	}
	mu.Lock()
	assert.Equal(t, map[string]int{"fails": 2, "panics": 2}, calls)
	mu.Unlock()
	require.Len(t, errs, 2)
	assert.EqualError(t, <-errs, "banco indisponível")
	assert.Contains(t, (<-errs).Error(), "panicked: nil map")

	// No eventId: nothing to dedupe, each delivery runs.
	noID := `{"event":"item/updated","itemId":"9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37"}`
	assert.Equal(t, http.StatusOK, deliver(h, noID).Code)
	assert.Equal(t, http.StatusOK, deliver(h, noID).Code)
	mu.Lock()
	assert.Equal(t, 2, calls[""])
	mu.Unlock()
	require.NoError(t, h.Shutdown(context.Background()))
}

func TestWebhookSyncTimeout(t *testing.T) {
	for _, outcome := range []string{"succeeds late", "fails late"} {
		t.Run(outcome, func(t *testing.T) {
			release := make(chan struct{})
			entered := make(chan struct{})
			var calls atomic.Int32
			h := newHook(t, func(context.Context, Event) error {
				if calls.Add(1) > 1 {
					return nil
				}
				close(entered)
				<-release // ignores its context
				if outcome == "fails late" {
					return errors.New("late failure")
				}
				return nil
			}, WithWebhookSynchronous(20*time.Millisecond), WithWebhookStoreTimeout(50*time.Millisecond))

			w := deliver(h, itemUpdated("slow"))
			assert.Equal(t, http.StatusServiceUnavailable, w.Code, "the timeout answers 503 though the EventFunc still runs")
			assert.NotEmpty(t, w.Header().Get("Retry-After"))
			assert.Equal(t, http.StatusServiceUnavailable, deliver(h, itemUpdated("slow")).Code,
				"a redelivery while the first run holds the claim is not acknowledged")
			// The first run's goroutine may start after its 20 ms timeout on
			// a busy machine: count the calls once it has.
			waitFor(t, entered, release)
			assert.Equal(t, int32(1), calls.Load())

			close(release)
			require.Eventually(t, func() bool {
				return deliver(h, itemUpdated("slow")).Code == http.StatusOK
			}, 10*time.Second, 5*time.Millisecond)
			if outcome == "succeeds late" {
				assert.Equal(t, int32(1), calls.Load(), "the late success completed the claim: the redelivery is a duplicate")
			} else {
				assert.Equal(t, int32(2), calls.Load(), "the late failure released the claim: the redelivery ran")
			}
			require.NoError(t, h.Shutdown(context.Background()))
		})
	}
}

// pluggySim plays Pluggy against a receiver over HTTP: it delivers each
// body, and delivers again every answer that is not 2xx, as Pluggy does.
type pluggySim struct {
	url        string
	client     *http.Client
	deliveries atomic.Int64
	redelivers atomic.Int64
}

// newInProcessSim delivers to h without a network (the loopback round
// trips dominate a race-enabled run otherwise); TestWebhookSlowlorisBodiesAreCut
// and the example cover real HTTP.
func newInProcessSim(h http.Handler) *pluggySim {
	return &pluggySim{url: "http://receiver.test/", client: &http.Client{Transport: handlerTransport{h}}}
}

type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// deliver sends body until a 2xx, at most 50 times.
func (p *pluggySim) deliver(body string) error {
	for attempt := 1; attempt <= 50; attempt++ {
		p.deliveries.Add(1)
		if attempt > 1 {
			p.redelivers.Add(1)
		}
		req, err := http.NewRequest(http.MethodPost, p.url, strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set(hookHeader, hookSecret)
		resp, err := p.client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			return nil
		}
		if resp.StatusCode != http.StatusInternalServerError && resp.StatusCode != http.StatusServiceUnavailable {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
	}
	return errors.New("not acknowledged after 50 deliveries")
}

// runDeliveries delivers every body in bodies from 32 goroutines.
func (p *pluggySim) runDeliveries(t *testing.T, bodies []string) {
	t.Helper()
	work := make(chan string)
	errs := make(chan error, len(bodies))
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if err := p.deliver(b); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, b := range bodies {
		work <- b
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// flakyFunc fails the first call for every id in failFirst and counts the
// successful calls per id.
type flakyFunc struct {
	failFirst map[string]bool
	mu        sync.Mutex
	calls     map[string]int
	handled   map[string]int
}

func newFlakyFunc(failing []string) *flakyFunc {
	f := &flakyFunc{failFirst: map[string]bool{}, calls: map[string]int{}, handled: map[string]int{}}
	for _, id := range failing {
		f.failFirst[id] = true
	}
	return f
}

func (f *flakyFunc) fn(_ context.Context, ev Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[ev.EventID]++
	if f.failFirst[ev.EventID] && f.calls[ev.EventID] == 1 {
		return errors.New("transient failure")
	}
	f.handled[ev.EventID]++
	return nil
}

// tenThousandDeliveries returns 10,000 deliveries of 5,000 events (each
// twice, shuffled) and the 1,000 events whose first run fails.
func tenThousandDeliveries() (bodies []string, ids, failing []string) {
	rng := rand.New(rand.NewPCG(12, 2026))
	for i := range 5000 {
		id := fmt.Sprintf("evt-%05d", i)
		ids = append(ids, id)
		bodies = append(bodies, itemUpdated(id), itemUpdated(id))
		if i%5 == 0 {
			failing = append(failing, id)
		}
	}
	rng.Shuffle(len(bodies), func(i, j int) { bodies[i], bodies[j] = bodies[j], bodies[i] })
	return bodies, ids, failing
}

func assertExactlyOnce(t *testing.T, f *flakyFunc, ids, failing []string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	lost, twice := 0, 0
	for _, id := range ids {
		switch n := f.handled[id]; {
		case n == 0:
			lost++
		case n > 1:
			twice++
		}
	}
	failedOnce := 0
	for _, id := range failing {
		if f.calls[id] == 2 {
			failedOnce++
		}
	}
	t.Logf("events %d, handled %d, lost %d, handled twice %d; failing events %d, run twice %d",
		len(ids), len(f.handled), lost, twice, len(failing), failedOnce)
	assert.Zero(t, lost, "events never handled")
	assert.Zero(t, twice, "events handled more than once")
	assert.Equal(t, len(failing), failedOnce, "each failing event failed once, then was handled")
}

func TestWebhookSyncTenThousandDeliveriesExactlyOnce(t *testing.T) {
	bodies, ids, failing := tenThousandDeliveries()
	f := newFlakyFunc(failing)
	h := newHook(t, f.fn, WithWebhookSynchronous(0))
	sim := newInProcessSim(h)
	sim.runDeliveries(t, bodies)
	t.Logf("synchronous: %d first deliveries, %d redeliveries, %d in all",
		len(bodies), sim.redelivers.Load(), sim.deliveries.Load())
	assert.GreaterOrEqual(t, sim.redelivers.Load(), int64(1), "the failures were answered 5xx and delivered again")
	require.NoError(t, h.Shutdown(context.Background()))
	assertExactlyOnce(t, f, ids, failing)
}

func TestWebhookQueuedTenThousandDeliveriesExactlyOnce(t *testing.T) {
	bodies, ids, failing := tenThousandDeliveries()
	f := newFlakyFunc(failing)
	h := newHook(t, f.fn, WithWebhookWorkers(8, 4096), WithWebhookMaxAttempts(3, 0))
	sim := newInProcessSim(h)
	sim.runDeliveries(t, bodies)
	t.Logf("queued: %d first deliveries, %d redeliveries (503 while full or in progress), %d in all",
		len(bodies), sim.redelivers.Load(), sim.deliveries.Load())
	require.NoError(t, h.Shutdown(context.Background()), "Shutdown drains the memory queue")
	assertExactlyOnce(t, f, ids, failing)
}

// ----- Leases: a holder that stopped -----

func TestWebhookSyncRedeliveryAfterTheHolderStopped(t *testing.T) {
	clk := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	store := NewMemoryDedupeStore(0, 0, clk)
	stuck := make(chan struct{})
	defer close(stuck)
	entered := make(chan struct{})
	// The first process claims the event and stops (here: its EventFunc
	// never returns, and it is shut down) before completing it.
	first := newHook(t, func(context.Context, Event) error {
		close(entered)
		<-stuck
		return errors.New("crashed")
	}, WithWebhookSynchronous(20*time.Millisecond), WithWebhookLease(time.Minute), WithWebhookDedupeStore(store))
	code := make(chan int, 1)
	go func() { code <- deliver(first, itemUpdated("crash-1")).Code }()
	waitFor(t, entered, nil)
	assert.Equal(t, http.StatusServiceUnavailable, waitFor(t, code, nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.Error(t, first.Shutdown(ctx))

	// The restarted process shares the store.
	var handled atomic.Int32
	second := newHook(t, func(context.Context, Event) error {
		handled.Add(1)
		return nil
	}, WithWebhookSynchronous(time.Second), WithWebhookLease(time.Minute), WithWebhookDedupeStore(store))
	w := deliver(second, itemUpdated("crash-1"))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "the dead holder's lease still runs")
	assert.Equal(t, "60", w.Header().Get("Retry-After"), "Retry-After is the lease's time left")
	clk.Advance(time.Minute)
	assert.Equal(t, http.StatusOK, deliver(second, itemUpdated("crash-1")).Code, "after the lease the redelivery is handled")
	assert.Equal(t, int32(1), handled.Load())
	assert.Equal(t, http.StatusOK, deliver(second, itemUpdated("crash-1")).Code)
	assert.Equal(t, int32(1), handled.Load(), "and then remembered as handled")
	require.NoError(t, second.Shutdown(context.Background()))
}

// durableQueue is a MemoryQueue the handler does not recognise as one, so
// that it treats it as durable and shared: a stand-in for the redis module's.
type durableQueue struct{ *MemoryQueue }

func TestWebhookQueuedRedeliveryAfterTheWorkerStopped(t *testing.T) {
	clk := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	q := durableQueue{NewMemoryQueue(16, 30*time.Second, clk)}
	store := NewMemoryDedupeStore(0, 0, clk)
	stuck := make(chan struct{})
	entered := make(chan struct{})
	first := newHook(t, func(context.Context, Event) error {
		close(entered)
		<-stuck
		return nil
	}, WithWebhookQueue(q), WithWebhookDedupeStore(store), WithWebhookWorkers(1, 0))
	assert.Equal(t, http.StatusOK, deliver(first, itemUpdated("worker-crash")).Code)
	waitFor(t, entered, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := first.Shutdown(ctx)
	var serr *WebhookShutdownError
	require.ErrorAs(t, err, &serr)
	assert.Equal(t, 1, serr.Unhandled)
	assert.False(t, serr.Lost, "a durable queue keeps the event")

	var handled atomic.Int32
	second := newHook(t, func(context.Context, Event) error { handled.Add(1); return nil },
		WithWebhookQueue(q), WithWebhookDedupeStore(store), WithWebhookWorkers(1, 0))
	clk.Advance(30 * time.Second)
	require.Eventually(t, func() bool { return handled.Load() == 1 && q.Len() == 0 }, 10*time.Second, 5*time.Millisecond,
		"the second process receives the event after the visibility timeout, handles and acknowledges it")
	close(stuck) // the first worker comes back: its late Ack changes nothing
	require.NoError(t, second.Shutdown(context.Background()))
	assert.Equal(t, int32(1), handled.Load())
}

func TestWebhookQueuedRetriesThenDeadLetter(t *testing.T) {
	var mu sync.Mutex
	attempts := map[string][]int{}
	var dead []string
	var reported atomic.Int32
	clk := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	h := newHook(t, func(_ context.Context, ev Event) error {
		mu.Lock()
		defer mu.Unlock()
		attempts[ev.EventID] = append(attempts[ev.EventID], len(attempts[ev.EventID])+1)
		if ev.EventID == "always" || len(attempts[ev.EventID]) < 3 {
			return fmt.Errorf("attempt %d failed", len(attempts[ev.EventID]))
		}
		return nil
	}, WithWebhookMaxAttempts(3, 0), WithWebhookClock(clk),
		WithWebhookErrorHandler(func(context.Context, Event, error) { reported.Add(1) }),
		WithWebhookDeadLetter(func(_ context.Context, ev Event, err error) {
			mu.Lock()
			dead = append(dead, ev.EventID+": "+err.Error())
			mu.Unlock()
		}))
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("third-time-lucky")).Code)
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("always")).Code)
	require.NoError(t, h.Close())
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []int{1, 2, 3}, attempts["third-time-lucky"])
	assert.Equal(t, []int{1, 2, 3}, attempts["always"], "at most 3 attempts")
	assert.Equal(t, []string{"always: attempt 3 failed"}, dead, "given up once, with the last error")
	assert.Equal(t, int32(5), reported.Load(), "the error handler sees every failure")
}

func TestWebhookRetryDelay(t *testing.T) {
	h := &WebhookHandler{backoff: time.Second}
	var got []time.Duration
	for a := 1; a <= 8; a++ {
		got = append(got, h.retryDelay(a))
	}
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, time.Minute, time.Minute}, got)
}

// ----- Shutdown -----

// blockingStore is a DedupeStore whose Claim blocks, ignoring its context,
// until release is closed: a store call that takes seconds.
type blockingStore struct {
	entered chan struct{}
	once    sync.Once
	release chan struct{}
	*MemoryDedupeStore
}

func newBlockingStore() *blockingStore {
	return &blockingStore{entered: make(chan struct{}), release: make(chan struct{}), MemoryDedupeStore: NewMemoryDedupeStore(0, 0, nil)}
}

func (s *blockingStore) Claim(ctx context.Context, id string, lease time.Duration) (ClaimResult, error) {
	s.once.Do(func() { close(s.entered) })
	<-s.release
	return s.MemoryDedupeStore.Claim(ctx, id, lease)
}

func TestWebhookShutdownKeepsItsDeadlineWhateverTheStoreDoes(t *testing.T) {
	for _, mode := range []string{"synchronous", "queued"} {
		t.Run(mode, func(t *testing.T) {
			store := newBlockingStore()
			defer close(store.release)
			// The store's calls are bounded by an hour, far past waitFor's
			// 30 s: anything below that waits on the store fails there, so
			// no elapsed time needs asserting.
			opts := []WebhookOption{WithWebhookDedupeStore(store), WithWebhookStoreTimeout(time.Hour)}
			if mode == "synchronous" {
				opts = append(opts, WithWebhookSynchronous(0))
			}
			h := newHook(t, func(context.Context, Event) error { return nil }, opts...)
			stuck := make(chan int, 1)
			go func() { stuck <- deliver(h, itemUpdated("slow-store")).Code }()
			waitFor(t, store.entered, nil)

			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			shut := make(chan error, 1)
			go func() { shut <- h.Shutdown(ctx) }()
			// A delivery during the shutdown gets its 503 at once.
			require.Eventually(t, h.isClosed, 10*time.Second, time.Millisecond)
			lateStart := time.Now()
			lateCode := make(chan int, 1)
			go func() { lateCode <- deliver(h, itemUpdated("during-shutdown")).Code }()
			assert.Equal(t, http.StatusServiceUnavailable, waitFor(t, lateCode, nil), "a delivery during the shutdown waits on nothing")
			lateTook := time.Since(lateStart)
			err := waitFor(t, shut, nil) // Shutdown returned at its deadline, not the store's
			took := time.Since(start)
			t.Logf("%s: Shutdown(100ms) with a store call blocked for good returned after %s; a delivery meanwhile got 503 after %s", mode, took, lateTook)
			var serr *WebhookShutdownError
			require.ErrorAs(t, err, &serr)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Zero(t, serr.Unhandled, "nothing was acknowledged")
			assert.Equal(t, http.StatusServiceUnavailable, waitFor(t, stuck, nil), "the delivery stuck in the store is answered 503 at the deadline")
		})
	}
}

func TestWebhookShutdownCountsWhatTheMemoryQueueLoses(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var handled atomic.Int32
	h := newHook(t, func(ctx context.Context, _ Event) error {
		select {
		case <-release:
			handled.Add(1)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}, WithWebhookWorkers(4, 64))
	for i := range 60 {
		require.Equal(t, http.StatusOK, deliver(h, itemUpdated(fmt.Sprintf("busy-%d", i))).Code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := h.Shutdown(ctx)
	var serr *WebhookShutdownError
	require.ErrorAs(t, err, &serr)
	assert.Equal(t, 60, serr.Unhandled, "every acknowledged event is counted: 4 cut short, 56 still queued")
	assert.True(t, serr.Lost)
	assert.Contains(t, err.Error(), "60 acknowledged event(s) not handled")
	assert.Zero(t, handled.Load())
}

func TestWebhookShutdownDrainsTheMemoryQueue(t *testing.T) {
	var handled atomic.Int32
	gate := make(chan struct{})
	h := newHook(t, func(_ context.Context, ev Event) error {
		<-gate
		// A "late" probe may be accepted before Shutdown begins: count
		// only the 60.
		if strings.HasPrefix(ev.EventID, "drain-") {
			handled.Add(1)
		}
		return nil
	}, WithWebhookWorkers(4, 64))
	for i := range 60 {
		require.Equal(t, http.StatusOK, deliver(h, itemUpdated(fmt.Sprintf("drain-%d", i))).Code)
	}
	done := make(chan error, 1)
	go func() { done <- h.Shutdown(context.Background()) }()
	require.Eventually(t, func() bool {
		return deliver(h, itemUpdated("late")).Code == http.StatusServiceUnavailable
	}, 10*time.Second, time.Millisecond, "refusing new deliveries while draining")
	close(gate)
	require.NoError(t, waitFor(t, done, nil))
	assert.Equal(t, int32(60), handled.Load(), "all 60 acknowledged events handled")
}

func TestWebhookSyncShutdownWaitsForTheFunc(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	h := newHook(t, func(context.Context, Event) error {
		close(entered)
		<-release
		return nil
	}, WithWebhookSynchronous(time.Minute), WithWebhookLease(2*time.Minute))
	code := make(chan int, 1)
	go func() { code <- deliver(h, itemUpdated("in-flight")).Code }()
	waitFor(t, entered, release)
	done := make(chan error, 1)
	go func() { done <- h.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) while a delivery was running", err)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	assert.Equal(t, http.StatusOK, waitFor(t, code, nil), "the running delivery finishes and is answered")
	require.NoError(t, waitFor(t, done, nil))
}

// ----- Dedupe across processes and store failures -----

func TestWebhookClaimHeldElsewhere(t *testing.T) {
	store := NewMemoryDedupeStore(0, 0, nil)
	other, err := store.Claim(context.Background(), "shared-1", 10*time.Second)
	require.NoError(t, err)
	require.Equal(t, ClaimAcquired, other.Status)
	var handled atomic.Int32
	for _, mode := range []string{"synchronous", "queued"} {
		opts := []WebhookOption{WithWebhookDedupeStore(store)}
		if mode == "synchronous" {
			opts = append(opts, WithWebhookSynchronous(0))
		}
		h := newHook(t, func(context.Context, Event) error { handled.Add(1); return nil }, opts...)
		w := deliver(h, itemUpdated("shared-1"))
		assert.Equal(t, http.StatusServiceUnavailable, w.Code, "%s: another process is handling it and may still fail", mode)
		assert.Equal(t, "10", w.Header().Get("Retry-After"), mode)
		require.NoError(t, h.Close())
	}
	assert.Zero(t, handled.Load())
}

// slowStore blocks every call until its context ends.
type slowStore struct{}

func (slowStore) Claim(ctx context.Context, _ string, _ time.Duration) (ClaimResult, error) {
	<-ctx.Done()
	return ClaimResult{}, ctx.Err()
}
func (slowStore) Complete(ctx context.Context, _ string, _ time.Duration) error {
	<-ctx.Done()
	return ctx.Err()
}
func (slowStore) Release(ctx context.Context, _, _ string) error { <-ctx.Done(); return ctx.Err() }

func TestWebhookStoreTimeout(t *testing.T) {
	var handled atomic.Int32
	h := newHook(t, func(context.Context, Event) error { handled.Add(1); return nil },
		WithWebhookDedupeStore(slowStore{}), WithWebhookStoreTimeout(20*time.Millisecond), WithWebhookSynchronous(0))
	assert.Equal(t, http.StatusServiceUnavailable, deliver(h, itemUpdated("slow")).Code)
	assert.Zero(t, handled.Load(), "nothing runs without a claim")
}

// failingQueue refuses every event.
type failingQueue struct{ durableQueue }

func (failingQueue) Enqueue(context.Context, Event) error {
	return errors.New("redis: connection refused")
}

func TestWebhookQueueFailureReleasesTheClaim(t *testing.T) {
	store := NewMemoryDedupeStore(0, 0, nil)
	h := newHook(t, func(context.Context, Event) error { return nil },
		WithWebhookQueue(failingQueue{durableQueue{NewMemoryQueue(4, 0, nil)}}), WithWebhookDedupeStore(store))
	assert.Equal(t, http.StatusServiceUnavailable, deliver(h, itemUpdated("q-fail")).Code)
	r, err := store.Claim(context.Background(), "q-fail", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, ClaimAcquired, r.Status, "the refused event's claim was released for its redelivery")
}

// ----- The body's read deadline -----

func TestWebhookSlowlorisBodiesAreCut(t *testing.T) {
	var handled atomic.Int32
	h := newHook(t, func(context.Context, Event) error { handled.Add(1); return nil },
		WithWebhookReadTimeout(200*time.Millisecond))
	srv := httptest.NewServer(h) // no server timeouts: only the handler's deadline
	defer srv.Close()
	baseline := runtime.NumGoroutine()
	const n = 50
	statuses := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				statuses <- "dial: " + err.Error()
				return
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
			body := itemUpdated(fmt.Sprintf("slow-%d", i))
			fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\n%s: %s\r\nContent-Length: %d\r\n\r\n%s",
				hookHeader, hookSecret, len(body), body[:10]) // the rest never comes
			line, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil {
				statuses <- "read: " + err.Error()
				return
			}
			statuses <- strings.TrimSpace(line)
		}()
	}
	wg.Wait()
	close(statuses)
	var got []string
	for s := range statuses {
		got = append(got, s)
	}
	assert.Equal(t, slices.Repeat([]string{"HTTP/1.1 408 Request Timeout"}, n), got)
	assert.Zero(t, handled.Load())
	assert.Eventually(t, func() bool { return runtime.NumGoroutine() <= baseline+2 }, 10*time.Second, 10*time.Millisecond,
		"no goroutine is left holding a slow body")
}

func TestWebhookReadTimeoutWithoutDeadlineSupport(t *testing.T) {
	h := newHook(t, func(context.Context, Event) error { return nil }, WithWebhookReadTimeout(20*time.Millisecond))
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { _, _ = pw.Write([]byte(`{"event":`)) }() // and nothing more
	r := httptest.NewRequest(http.MethodPost, "/", pr)
	r.Header.Set(hookHeader, hookSecret)
	w := httptest.NewRecorder() // cannot set a read deadline
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusRequestTimeout, w.Code)
}

// ----- Options -----

func TestNewWebhookHandlerRefusesBadDeliveryOptions(t *testing.T) {
	fn := func(context.Context, Event) error { return nil }
	cases := map[string][]WebhookOption{
		"negative sync timeout":   {WithWebhookSynchronous(-time.Second)},
		"lease inside sync":       {WithWebhookSynchronous(10 * time.Second), WithWebhookLease(5 * time.Second)},
		"sync with a queue":       {WithWebhookSynchronous(0), WithWebhookQueue(NewMemoryQueue(1, 0, nil))},
		"nil queue":               {WithWebhookQueue(nil)},
		"zero read timeout":       {WithWebhookReadTimeout(0)},
		"zero lease":              {WithWebhookLease(0)},
		"zero ttl":                {WithWebhookDedupeTTL(0)},
		"zero store timeout":      {WithWebhookStoreTimeout(0)},
		"zero attempts":           {WithWebhookMaxAttempts(0, time.Second)},
		"negative backoff":        {WithWebhookMaxAttempts(2, -time.Second)},
		"sync timeout = lease":    {WithWebhookSynchronous(time.Minute)},
		"sync timeout past lease": {WithWebhookSynchronous(2 * time.Minute)},
	}
	for name, opts := range cases {
		h, err := NewWebhookHandler(fn, append([]WebhookOption{WithoutWebhookSecret()}, opts...)...)
		assert.Error(t, err, name)
		assert.Nil(t, h, name)
	}
}

func TestWebhookDedupeTTLOption(t *testing.T) {
	clk := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	var handled atomic.Int32
	h := newHook(t, func(context.Context, Event) error { handled.Add(1); return nil },
		WithWebhookSynchronous(0), WithWebhookClock(clk), WithWebhookDedupeTTL(time.Hour))
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("ttl")).Code)
	clk.Advance(time.Hour - time.Second)
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("ttl")).Code)
	assert.Equal(t, int32(1), handled.Load())
	clk.Advance(time.Second)
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("ttl")).Code)
	assert.Equal(t, int32(2), handled.Load(), "forgotten after the handler's TTL, not the store's 24 h")
}

func TestWebhookHandlerStringNamesTheMode(t *testing.T) {
	h := newHook(t, func(context.Context, Event) error { return nil }, WithWebhookSynchronous(2*time.Second))
	assert.Equal(t, `pluggy.WebhookHandler{header: "X-Webhook-Secret", secrets: 1, clientID: "", allowedIPs: 0, mode: synchronous, timeout: 2s}`, fmt.Sprint(h))
	assert.NotContains(t, fmt.Sprintf("%#v", h), hookSecret)
}

// LogValue names the mode as String does: workers and queue size do not
// apply in synchronous mode; its timeout does.
func TestWebhookHandlerLogValueNamesTheMode(t *testing.T) {
	logged := func(h *WebhookHandler) string {
		var b strings.Builder
		slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}})).Info("m", "h", h)
		return strings.TrimSpace(b.String())
	}
	synchronous := newHook(t, func(context.Context, Event) error { return nil }, WithWebhookSynchronous(2*time.Second))
	assert.Equal(t, `{"level":"INFO","msg":"m","h":{"header":"X-Webhook-Secret","secrets":1,"clientId":"","allowedIPs":0,"mode":"synchronous","timeout":2000000000}}`, logged(synchronous))
	queued := newHook(t, func(context.Context, Event) error { return nil }, WithWebhookWorkers(3, 7))
	assert.Equal(t, `{"level":"INFO","msg":"m","h":{"header":"X-Webhook-Secret","secrets":1,"clientId":"","allowedIPs":0,"workers":3,"queue":7}}`, logged(queued))
	assert.NotContains(t, logged(synchronous)+logged(queued), hookSecret)
}

// The scenario in synchronous mode: 60 deliveries busy when
// Shutdown(deadline) comes. None was acknowledged, so none is lost: each is
// answered 503 and its redelivery, to the next process, is handled.
func TestWebhookSyncShutdownWhileBusyLosesNothing(t *testing.T) {
	store := NewMemoryDedupeStore(0, 0, nil)
	var entered sync.WaitGroup
	entered.Add(60)
	h := newHook(t, func(ctx context.Context, _ Event) error {
		entered.Done()
		<-ctx.Done()
		return ctx.Err()
	}, WithWebhookSynchronous(time.Minute), WithWebhookLease(2*time.Minute), WithWebhookDedupeStore(store))
	codes := make(chan int, 60)
	for i := range 60 {
		go func() { codes <- deliver(h, itemUpdated(fmt.Sprintf("busy-%d", i))).Code }()
	}
	entered.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := h.Shutdown(ctx)
	var serr *WebhookShutdownError
	require.ErrorAs(t, err, &serr)
	assert.Zero(t, serr.Unhandled, "synchronous mode acknowledges nothing it has not handled")
	for range 60 {
		assert.Equal(t, http.StatusServiceUnavailable, waitFor(t, codes, nil))
	}

	var handled atomic.Int32
	next := newHook(t, func(context.Context, Event) error { handled.Add(1); return nil },
		WithWebhookSynchronous(0), WithWebhookDedupeStore(store))
	require.Eventually(t, func() bool {
		for i := range 60 {
			if deliver(next, itemUpdated(fmt.Sprintf("busy-%d", i))).Code != http.StatusOK {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond, "the claims were released as the cut EventFuncs returned")
	assert.Equal(t, int32(60), handled.Load(), "all 60 redeliveries handled, once each")
}

// opaqueWriter hides every optional interface of the server's
// ResponseWriter, as a middleware's wrapper without Unwrap does: the
// handler cannot set a read deadline through it.
type opaqueWriter struct{ w http.ResponseWriter }

func (o opaqueWriter) Header() http.Header         { return o.w.Header() }
func (o opaqueWriter) Write(b []byte) (int, error) { return o.w.Write(b) }
func (o opaqueWriter) WriteHeader(code int)        { o.w.WriteHeader(code) }

// Behind a wrapper that cannot set a read deadline, a real server's slow
// body is still answered 408 at the read timeout: giving up on the read
// must not wait for the body (closing a server's request body blocks
// until the read in progress returns, and drains what is left).
func TestWebhookReadTimeoutBehindAnOpaqueWrapper(t *testing.T) {
	var handled atomic.Int32
	h := newHook(t, func(context.Context, Event) error { handled.Add(1); return nil },
		WithWebhookReadTimeout(100*time.Millisecond))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(opaqueWriter{w}, r)
	}))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	// A deadlock guard, not a timing assertion: without the fix no answer
	// ever comes while the body is withheld.
	_ = conn.SetDeadline(time.Now().Add(15 * time.Second))
	body := itemUpdated("opaque-slow")
	_, err = fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\n%s: %s\r\nContent-Length: %d\r\n\r\n%s",
		hookHeader, hookSecret, len(body), body[:10]) // the rest never comes
	require.NoError(t, err)
	line, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err, "the handler answered nothing while the body was withheld")
	assert.Equal(t, "HTTP/1.1 408 Request Timeout", strings.TrimSpace(line))
	assert.Zero(t, handled.Load())
}

// A panic in the error handler or the dead-letter function is logged; the
// worker goes on and the event is still acknowledged.
func TestWebhookUserHookPanicsAreLogged(t *testing.T) {
	logs := &lockedBuffer{}
	h := newHook(t, func(context.Context, Event) error { return errors.New("refused") },
		WithWebhookLogger(slog.New(slog.NewTextHandler(logs, nil))), WithWebhookWorkers(1, 4),
		WithWebhookErrorHandler(func(context.Context, Event, error) { panic("alert down") }),
		WithWebhookDeadLetter(func(context.Context, Event, error) { panic("table gone") }))
	q := h.volatile
	for _, id := range []string{"p-1", "p-2"} {
		assert.Equal(t, http.StatusOK, deliver(h, itemUpdated(id)).Code)
	}
	require.NoError(t, h.Close())
	assert.Zero(t, q.Len(), "both events acknowledged after their dead letter")
	out := logs.String()
	assert.Equal(t, 2, strings.Count(out, `msg="pluggy: webhook error handler panicked" eventId=p-`), out)
	assert.Equal(t, 2, strings.Count(out, `msg="pluggy: webhook dead-letter function panicked" eventId=p-`), out)
	assert.Contains(t, out, `panic="alert down"`)
	assert.Contains(t, out, `panic="table gone"`)
}

// lateQueue is a durable queue whose first Receive returns its event only
// once release is closed, whatever its context: a Receive that was under
// way when Shutdown's deadline passed.
type lateQueue struct {
	durableQueue
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (q *lateQueue) Receive(ctx context.Context) (*Delivery, error) {
	first := false
	q.once.Do(func() { first = true })
	if !first {
		return q.durableQueue.Receive(ctx)
	}
	close(q.entered)
	<-q.release
	return q.durableQueue.Receive(context.Background())
}

// An event a worker receives after Shutdown's deadline is not handled; a
// durable queue gets it back at once (as one cut short does), rather than
// after its visibility timeout, so that another instance handles it.
func TestWebhookEventReceivedAfterTheDeadlineGoesBackAtOnce(t *testing.T) {
	clk := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	q := &lateQueue{durableQueue: durableQueue{NewMemoryQueue(4, 30*time.Second, clk)},
		entered: make(chan struct{}), release: make(chan struct{})}
	var handled atomic.Int32
	h := newHook(t, func(context.Context, Event) error { handled.Add(1); return nil },
		WithWebhookQueue(q), WithWebhookWorkers(1, 0))
	waitFor(t, q.entered, q.release)
	ev, err := ParseWebhookEvent([]byte(itemUpdated("late-receive")))
	require.NoError(t, err)
	require.NoError(t, q.Enqueue(context.Background(), *ev))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.Error(t, h.Shutdown(ctx))
	close(q.release)
	require.NoError(t, h.Close(), "the worker returned")
	assert.Zero(t, handled.Load(), "nothing is handled after the deadline")
	q.mu.Lock()
	defer q.mu.Unlock()
	require.Len(t, q.msgs, 1, "the event stays in the queue")
	m := q.msgs[0]
	assert.Equal(t, 1, m.attempt)
	assert.Empty(t, m.receipt, "given back, not left leased")
	assert.False(t, clk.Now().Before(m.visibleAt), "deliverable at once, not after the 30 s visibility timeout")
}

// An event given up on because its EventFunc ran out of time
// (WithWebhookEventTimeout) reaches the dead-letter function and the error
// handler with a live context, so that they can still store or send it.
func TestWebhookDeadLetterAfterATimeoutGetsALiveContext(t *testing.T) {
	type seen struct {
		what string
		err  error
	}
	hooks := make(chan seen, 4)
	h := newHook(t, func(ctx context.Context, _ Event) error {
		<-ctx.Done() // slower than its timeout
		return ctx.Err()
	}, WithWebhookEventTimeout(10*time.Millisecond), WithWebhookWorkers(1, 1),
		WithWebhookErrorHandler(func(ctx context.Context, _ Event, err error) {
			hooks <- seen{"error handler: " + err.Error(), ctx.Err()}
		}),
		WithWebhookDeadLetter(func(ctx context.Context, _ Event, err error) { hooks <- seen{"dead letter: " + err.Error(), ctx.Err()} }))
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("too-slow")).Code)
	require.NoError(t, h.Close())
	require.Len(t, hooks, 2)
	for range 2 {
		s := <-hooks
		assert.NoError(t, s.err, "%s: its context has not ended", s.what)
	}
}
