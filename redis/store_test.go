package pluggyredis

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
	"github.com/pluggy-go/pluggy/redis/internal/redistest"
)

func TestDedupeStoreConformance(t *testing.T) {
	rdb, _ := redistest.Client(t)
	pluggytest.TestDedupeStore(t, pluggytest.DedupeStoreHarness{
		New: func(t *testing.T) pluggy.DedupeStore {
			s, err := NewDedupeStore(rdb, "app-1", &DedupeStoreOptions{Prefix: uniquePrefix(t)})
			require.NoError(t, err)
			return s
		},
	})
}

func TestQueueConformance(t *testing.T) {
	rdb, _ := redistest.Client(t)
	pluggytest.TestQueue(t, pluggytest.QueueHarness{
		New: func(t *testing.T, visibility time.Duration) pluggy.Queue {
			q, err := NewQueue(rdb, "app-1", &QueueOptions{Prefix: uniquePrefix(t), Visibility: visibility, Poll: 20 * time.Millisecond})
			require.NoError(t, err)
			return q
		},
	})
}

func event(t *testing.T, id string) pluggy.Event {
	t.Helper()
	ev, err := pluggy.ParseWebhookEvent([]byte(fmt.Sprintf(`{"event":"item/updated","eventId":%q,"itemId":"i-1"}`, id)))
	require.NoError(t, err)
	return *ev
}

func receive(t *testing.T, q *Queue) *pluggy.Delivery {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := q.Receive(ctx)
	require.NoError(t, err)
	return d
}

// TestQueueDeadLetters: an event whose consumers keep dying goes to the
// dead-letter stream after MaxAttempts deliveries; one given up with
// DeadLetter too; both readable there.
func TestQueueDeadLetters(t *testing.T) {
	rdb, _ := redistest.Client(t)
	prefix := uniquePrefix(t)
	ctx := context.Background()
	newQ := func() *Queue {
		q, err := NewQueue(rdb, "app-1", &QueueOptions{Prefix: prefix, Visibility: 50 * time.Millisecond, MaxAttempts: 3, Poll: 10 * time.Millisecond})
		require.NoError(t, err)
		return q
	}
	q := newQ()
	require.NoError(t, q.Enqueue(ctx, event(t, "poison")))
	for attempt := 1; attempt <= 3; attempt++ {
		// Each delivery goes to a new consumer that "dies" with it.
		d := receive(t, newQ())
		require.Equal(t, attempt, d.Attempt)
		require.Equal(t, "poison", d.Event.EventID)
	}
	// Past its lease, the next Receive moves it to the dead letters
	// instead of delivering it a 4th time.
	rctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err := q.Receive(rctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NoError(t, q.Enqueue(ctx, event(t, "given-up")))
	d := receive(t, q)
	require.Equal(t, "given-up", d.Event.EventID)
	require.NoError(t, q.DeadLetter(ctx, d, "EventFunc failed 5 times"))
	require.ErrorIs(t, q.Ack(ctx, d), pluggy.ErrDeliveryExpired)

	dead, err := q.DeadLetters(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, dead, 2)
	assert.Equal(t, "poison", dead[0].Event.EventID)
	assert.Equal(t, 3, dead[0].Attempts)
	assert.Contains(t, dead[0].Reason, "after 3 deliveries")
	assert.Equal(t, "given-up", dead[1].Event.EventID)
	assert.Equal(t, "EventFunc failed 5 times", dead[1].Reason)
	more, err := q.DeadLetters(ctx, dead[0].EntryID, 10)
	require.NoError(t, err)
	require.Len(t, more, 1)
	require.NoError(t, q.DeleteDeadLetter(ctx, dead[0].EntryID))
	dead, err = q.DeadLetters(ctx, "", 10)
	require.NoError(t, err)
	assert.Len(t, dead, 1)
	n, err := q.Len(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = q.DeadLetters(ctx, "", 0)
	require.Error(t, err)
}

// TestQueueNackedToTheLimit: Nacks count as attempts; past MaxAttempts the
// event is a dead letter.
func TestQueueNackedToTheLimit(t *testing.T) {
	rdb, _ := redistest.Client(t)
	ctx := context.Background()
	q, err := NewQueue(rdb, "app-1", &QueueOptions{Prefix: uniquePrefix(t), MaxAttempts: 2, Poll: 10 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, q.Enqueue(ctx, event(t, "e")))
	for attempt := 1; attempt <= 2; attempt++ {
		d := receive(t, q)
		require.Equal(t, attempt, d.Attempt)
		require.NoError(t, q.Nack(ctx, d, 0))
	}
	rctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = q.Receive(rctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	dead, err := q.DeadLetters(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, 2, dead[0].Attempts)
}

// TestQueueSurvivesARedisRestart: events enqueued, then redis-server
// stopped and started again (append-only file), are all delivered; calls
// while it is down fail with ErrUnavailable.
func TestQueueSurvivesARedisRestart(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{Persist: true})
	rdb := srv.NewClient(t)
	ctx := context.Background()
	q, err := NewQueue(rdb, "app-1", &QueueOptions{Poll: 10 * time.Millisecond})
	require.NoError(t, err)
	for i := range 20 {
		require.NoError(t, q.Enqueue(ctx, event(t, fmt.Sprint("e-", i))))
	}
	inflight := receive(t, q) // received, not acknowledged
	srv.Stop()
	require.ErrorIs(t, q.Enqueue(ctx, event(t, "down")), ErrUnavailable)
	rctx, cancel := context.WithTimeout(ctx, time.Second)
	_, err = q.Receive(rctx)
	cancel()
	require.Error(t, err)
	require.NoError(t, srv.Restart())

	seen := map[string]bool{}
	for range 19 {
		d := receive(t, q)
		seen[d.Event.EventID] = true
		require.NoError(t, q.Ack(ctx, d))
	}
	require.NoError(t, q.Ack(ctx, inflight), "the in-flight delivery survived the restart too")
	seen[inflight.Event.EventID] = true
	assert.Len(t, seen, 20)

	s, err := NewDedupeStore(rdb, "app-1", nil)
	require.NoError(t, err)
	r, err := s.Claim(ctx, "x", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, pluggy.ClaimAcquired, r.Status)
	srv.Stop()
	_, err = s.Claim(ctx, "x", time.Minute)
	require.ErrorIs(t, err, ErrUnavailable)
}

// TestQueueWithDedupeAcrossConsumers: three consumers, one of which dies
// holding events; every event is handled, each once.
func TestQueueWithDedupeAcrossConsumers(t *testing.T) {
	rdb, _ := redistest.Client(t)
	prefix := uniquePrefix(t)
	ctx := context.Background()
	opts := &QueueOptions{Prefix: prefix, Visibility: 150 * time.Millisecond, Poll: 10 * time.Millisecond}
	store, err := NewDedupeStore(rdb, "app-1", &DedupeStoreOptions{Prefix: prefix})
	require.NoError(t, err)
	const events = 300
	producer, err := NewQueue(rdb, "app-1", opts)
	require.NoError(t, err)
	for i := range events {
		require.NoError(t, producer.Enqueue(ctx, event(t, fmt.Sprint("e-", i))))
	}
	// The dying consumer takes 10 events and never settles them.
	dying, err := NewQueue(rdb, "app-1", opts)
	require.NoError(t, err)
	for range 10 {
		receive(t, dying)
	}
	var mu sync.Mutex
	handled := map[string]int{}
	var done atomic.Int64
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for range 2 {
		q, err := NewQueue(rdb, "app-1", opts)
		require.NoError(t, err)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for done.Load() < events && wctx.Err() == nil {
					rctx, rcancel := context.WithTimeout(wctx, 100*time.Millisecond)
					d, err := q.Receive(rctx)
					rcancel()
					if err != nil {
						continue
					}
					r, err := store.Claim(wctx, d.Event.EventID, time.Minute)
					if !assert.NoError(t, err) {
						return
					}
					if r.Status == pluggy.ClaimAcquired {
						mu.Lock()
						handled[d.Event.EventID]++
						mu.Unlock()
						assert.NoError(t, store.Complete(wctx, d.Event.EventID, 0))
						done.Add(1)
					}
					_ = q.Ack(wctx, d)
				}
			}()
		}
	}
	wg.Wait()
	require.Len(t, handled, events, "no event lost")
	for id, n := range handled {
		require.Equal(t, 1, n, id)
	}
}

// TestQueueEnqueueDedupesEventIDs: a second Enqueue of an eventId within
// DedupeTTL adds nothing, even after the first was handled; without it
// (negative) both are added.
func TestQueueEnqueueDedupesEventIDs(t *testing.T) {
	rdb, _ := redistest.Client(t)
	ctx := context.Background()
	for _, tc := range []struct {
		ttl  time.Duration
		want int
	}{{0, 1}, {-1, 2}} {
		q, err := NewQueue(rdb, "app-1", &QueueOptions{Prefix: uniquePrefix(t), DedupeTTL: tc.ttl, Poll: 10 * time.Millisecond})
		require.NoError(t, err)
		require.NoError(t, q.Enqueue(ctx, event(t, "same")))
		d := receive(t, q)
		require.NoError(t, q.Ack(ctx, d))
		require.NoError(t, q.Enqueue(ctx, event(t, "same")))
		n, err := q.Len(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, tc.want-1, n, "DedupeTTL %s", tc.ttl)
	}
}

// TestQueueReclaimsBehindBusyEntries: a dead consumer's entries that sit in
// the pending list behind many entries live consumers are busy with are
// still taken over (the scan for idle entries covers the whole pending list).
func TestQueueReclaimsBehindBusyEntries(t *testing.T) {
	rdb, _ := redistest.Client(t)
	ctx := context.Background()
	prefix := uniquePrefix(t)
	opts := &QueueOptions{Prefix: prefix, Visibility: 200 * time.Millisecond, Poll: 10 * time.Millisecond}
	newQ := func() *Queue {
		q, err := NewQueue(rdb, "app-1", opts)
		require.NoError(t, err)
		return q
	}
	busy, dead, taker := newQ(), newQ(), newQ()
	for i := range 40 {
		require.NoError(t, busy.Enqueue(ctx, event(t, fmt.Sprint("b-", i))))
	}
	var busyIDs []string
	for range 35 {
		d := receive(t, busy)
		entry, _, _ := strings.Cut(d.Receipt, "|")
		busyIDs = append(busyIDs, entry)
	}
	var deadEvents []string
	for range 5 {
		deadEvents = append(deadEvents, receive(t, dead).Event.EventID)
	}
	time.Sleep(250 * time.Millisecond) // everything is idle now
	// The busy consumer is still working on its 35: their idle time resets.
	require.NoError(t, rdb.XClaimJustID(ctx, &goredis.XClaimArgs{
		Stream: busy.stream, Group: busy.group, Consumer: busy.consumer, MinIdle: 0, Messages: busyIDs,
	}).Err())
	got := map[string]bool{}
	for range 5 {
		d := receive(t, taker)
		got[d.Event.EventID] = true
		require.Equal(t, 2, d.Attempt)
		require.NoError(t, taker.Ack(ctx, d))
	}
	for _, id := range deadEvents {
		assert.True(t, got[id], "%s taken over", id)
	}
}

// consumers lists the group's consumers and their pending counts.
func consumers(t *testing.T, rdb goredis.UniversalClient, q *Queue) map[string]int64 {
	t.Helper()
	cs, err := rdb.XInfoConsumers(context.Background(), q.stream, q.group).Result()
	require.NoError(t, err)
	out := map[string]int64{}
	for _, c := range cs {
		out[c.Name] = c.Pending
	}
	return out
}

// TestQueueForgetsDeadConsumers: consumers of processes that died are
// removed from the group once idle past ForgetConsumers, but only those
// with nothing pending; a dead consumer's leased delivery still comes back
// to a live one.
func TestQueueForgetsDeadConsumers(t *testing.T) {
	rdb, _ := redistest.Client(t)
	prefix := uniquePrefix(t)
	ctx := context.Background()
	opts := func(name string, forget time.Duration) *QueueOptions {
		return &QueueOptions{Prefix: prefix, Visibility: time.Second, Poll: 10 * time.Millisecond,
			Consumer: name, ForgetConsumers: forget}
	}
	done, err := NewQueue(rdb, "app-1", opts("done", -1))
	require.NoError(t, err)
	holding, err := NewQueue(rdb, "app-1", opts("holding", -1))
	require.NoError(t, err)
	keep, err := NewQueue(rdb, "app-1", opts("keep", -1))
	require.NoError(t, err)
	for _, id := range []string{"e-1", "e-2", "e-3"} {
		require.NoError(t, done.Enqueue(ctx, event(t, id)))
	}
	require.NoError(t, done.Ack(ctx, receive(t, done))) // settled: nothing pending
	held := receive(t, holding)                         // leased, never settled: the process dies
	require.NoError(t, keep.Ack(ctx, receive(t, keep)))
	// A process that keeps every consumer (negative) forgets none.
	rctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = keep.Receive(rctx)
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, map[string]int64{"done": 0, "holding": 1, "keep": 0}, consumers(t, rdb, done))

	// Past the idle limit (by Redis's clock, so the test waits it out), a
	// process that forgets removes "done" and "keep", never "holding" (a
	// delivery pending), and gets the held delivery once its lease
	// expires.
	time.Sleep(150 * time.Millisecond)
	live, err := NewQueue(rdb, "app-1", opts("live", 100*time.Millisecond))
	require.NoError(t, err)
	rctx, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
	d, err := live.Receive(rctx)
	cancel()
	if err == nil {
		// A slow machine: the lease expired already and the delivery
		// moved to live.
		assert.Equal(t, held.Event.EventID, d.Event.EventID)
		require.NoError(t, live.Ack(ctx, d))
		got := consumers(t, rdb, live)
		assert.NotContains(t, got, "done")
		assert.NotContains(t, got, "keep")
		return
	}
	got := consumers(t, rdb, live)
	assert.NotContains(t, got, "done")
	assert.NotContains(t, got, "keep")
	assert.Equal(t, int64(1), got["holding"], "a consumer with a delivery pending is kept")
	d = receive(t, live)
	assert.Equal(t, held.Event.EventID, d.Event.EventID, "the dead consumer's delivery came back")
	require.NoError(t, live.Ack(ctx, d))
	assert.Contains(t, consumers(t, rdb, live), "live")
}
