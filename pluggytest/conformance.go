package pluggytest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pluggy-go/pluggy"
)

// Conformance tests for implementations of pluggy.DedupeStore and
// pluggy.Queue (in memory, on Redis, on SQL, ...). Run them from a test of
// your implementation:
//
//	func TestRedisDedupeStore(t *testing.T) {
//		pluggytest.TestDedupeStore(t, pluggytest.DedupeStoreHarness{
//			New: func(t *testing.T) pluggy.DedupeStore { return newStoreWithFreshPrefix(t) },
//		})
//	}
//
// Without Advance the tests wait for real time to pass, with leases and
// TTLs of a few hundred milliseconds; they poll for the expected outcome for
// up to 10 seconds rather than assert a duration, so a slow machine makes
// them slower, not flaky.

// DedupeStoreHarness describes the DedupeStore under test.
type DedupeStoreHarness struct {
	// New returns a store holding no id (a fresh one, or one with a fresh
	// key prefix) each time it is called. Required.
	New func(t *testing.T) pluggy.DedupeStore
	// Advance moves the store's clock forward by d. Nil when the store
	// follows real time (a Redis or SQL server's clock): the tests then
	// sleep.
	Advance func(d time.Duration)
}

// shortLease is the lease and TTL the expiry tests wait out; longLease
// outlives any test.
const (
	shortLease   = 200 * time.Millisecond
	longLease    = 10 * time.Minute
	pollDeadline = 10 * time.Second
)

// TestDedupeStore checks that a DedupeStore keeps the contract documented
// on pluggy.DedupeStore: the three claim outcomes, completion and its TTL,
// release by the lease's token only, lease expiry (a holder that died does
// not block the id), atomic claims under concurrency, distinct ids kept
// apart, and ctx honoured.
func TestDedupeStore(t *testing.T, h DedupeStoreHarness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("pluggytest.TestDedupeStore: DedupeStoreHarness.New is nil")
	}
	ctx := context.Background()
	claim := func(t *testing.T, s pluggy.DedupeStore, id string, lease time.Duration) pluggy.ClaimResult {
		t.Helper()
		r, err := s.Claim(ctx, id, lease)
		if err != nil {
			t.Fatalf("Claim(%q, %s): %v", id, lease, err)
		}
		return r
	}
	want := func(t *testing.T, got pluggy.ClaimResult, status pluggy.ClaimStatus, what string) {
		t.Helper()
		if got.Status != status {
			t.Fatalf("%s: Claim answered %v, want %v", what, got.Status, status)
		}
		if status == pluggy.ClaimAcquired && got.Token == "" {
			t.Fatalf("%s: ClaimAcquired with an empty Token", what)
		}
	}
	// passes lets d pass on the store's clock, then polls cond until it
	// holds (at once when the clock is the harness's).
	passes := func(t *testing.T, d time.Duration, what string, cond func() bool) {
		t.Helper()
		if h.Advance != nil {
			h.Advance(d)
			if !cond() {
				t.Fatalf("%s: not so after the clock moved %s", what, d)
			}
			return
		}
		time.Sleep(d)
		deadline := time.Now().Add(pollDeadline)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: still not so %s after %s had passed", what, pollDeadline, d)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	t.Run("AcquiredThenInProgress", func(t *testing.T) {
		s := h.New(t)
		r := claim(t, s, "evt-1", longLease)
		want(t, r, pluggy.ClaimAcquired, "first claim")
		again := claim(t, s, "evt-1", longLease)
		want(t, again, pluggy.ClaimInProgress, "second claim while the lease lives")
		if again.Left < 0 || again.Left > longLease {
			t.Fatalf("Left = %s, want within [0, %s]", again.Left, longLease)
		}
		want(t, claim(t, s, "evt-2", longLease), pluggy.ClaimAcquired, "another id")
	})

	t.Run("CompleteRemembersTheID", func(t *testing.T) {
		s := h.New(t)
		r := claim(t, s, "evt-1", longLease)
		want(t, r, pluggy.ClaimAcquired, "first claim")
		if err := s.Complete(ctx, "evt-1", longLease); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimCompleted, "claim after Complete")
		if err := s.Release(ctx, "evt-1", r.Token); err != nil {
			t.Fatalf("Release after Complete: %v", err)
		}
		want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimCompleted, "Release does not undo a completion")
		if err := s.Complete(ctx, "evt-1", longLease); err != nil {
			t.Fatalf("second Complete: %v", err)
		}
		want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimCompleted, "after a second Complete")
	})

	t.Run("CompleteWithoutClaim", func(t *testing.T) {
		s := h.New(t)
		if err := s.Complete(ctx, "never-claimed", longLease); err != nil {
			t.Fatalf("Complete of an absent id: %v", err)
		}
		want(t, claim(t, s, "never-claimed", longLease), pluggy.ClaimCompleted, "claim after Complete")
	})

	t.Run("ReleaseLetsTheNextClaimIn", func(t *testing.T) {
		s := h.New(t)
		r := claim(t, s, "evt-1", longLease)
		want(t, r, pluggy.ClaimAcquired, "first claim")
		if err := s.Release(ctx, "evt-1", r.Token); err != nil {
			t.Fatalf("Release: %v", err)
		}
		again := claim(t, s, "evt-1", longLease)
		want(t, again, pluggy.ClaimAcquired, "claim after Release")
		if again.Token == r.Token {
			t.Fatalf("a new lease got the released lease's token %q", r.Token)
		}
	})

	t.Run("ReleaseNeedsTheToken", func(t *testing.T) {
		s := h.New(t)
		r := claim(t, s, "evt-1", longLease)
		want(t, r, pluggy.ClaimAcquired, "first claim")
		for _, tok := range []string{"", "not-" + r.Token, strings.ToUpper(r.Token) + "x"} {
			if err := s.Release(ctx, "evt-1", tok); err != nil {
				t.Fatalf("Release with token %q: %v", tok, err)
			}
			want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimInProgress, "after Release with another token")
		}
		if err := s.Release(ctx, "absent", r.Token); err != nil {
			t.Fatalf("Release of an absent id: %v", err)
		}
	})

	t.Run("LeaseExpires", func(t *testing.T) {
		s := h.New(t)
		first := claim(t, s, "evt-1", shortLease)
		want(t, first, pluggy.ClaimAcquired, "first claim")
		var second pluggy.ClaimResult
		passes(t, shortLease, "a lease nobody settled expires and the id can be claimed again", func() bool {
			second = claim(t, s, "evt-1", longLease)
			return second.Status == pluggy.ClaimAcquired
		})
		if second.Token == "" || second.Token == first.Token {
			t.Fatalf("the new lease's token %q is empty or the expired one's", second.Token)
		}
		// The first holder comes back late and releases: the new lease
		// stays.
		if err := s.Release(ctx, "evt-1", first.Token); err != nil {
			t.Fatalf("stale Release: %v", err)
		}
		want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimInProgress, "a stale token's Release leaves the live lease")
		if err := s.Release(ctx, "evt-1", second.Token); err != nil {
			t.Fatalf("Release: %v", err)
		}
		want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimAcquired, "after the live lease's Release")
	})

	t.Run("CompletionExpires", func(t *testing.T) {
		s := h.New(t)
		want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimAcquired, "first claim")
		if err := s.Complete(ctx, "evt-1", shortLease); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimCompleted, "inside the TTL")
		passes(t, shortLease, "a completion is forgotten after its TTL", func() bool {
			return claim(t, s, "evt-1", longLease).Status == pluggy.ClaimAcquired
		})
	})

	t.Run("CompleteOutlivesTheLease", func(t *testing.T) {
		s := h.New(t)
		want(t, claim(t, s, "evt-1", shortLease), pluggy.ClaimAcquired, "first claim")
		if err := s.Complete(ctx, "evt-1", longLease); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		var got pluggy.ClaimResult
		passes(t, 2*shortLease, "the completion, not the lease, decides how long the id is kept", func() bool {
			got = claim(t, s, "evt-1", longLease)
			return true
		})
		want(t, got, pluggy.ClaimCompleted, "after the lease's duration")
	})

	t.Run("ConcurrentClaims", func(t *testing.T) {
		s := h.New(t)
		const ids, racers = 16, 24
		var mu sync.Mutex
		acquired := map[string]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, ids*racers)
		for i := 0; i < ids; i++ {
			for j := 0; j < racers; j++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					id := fmt.Sprintf("race-%d", i)
					r, err := s.Claim(ctx, id, longLease)
					if err != nil {
						errs <- err
						return
					}
					if r.Status == pluggy.ClaimAcquired {
						mu.Lock()
						acquired[id]++
						mu.Unlock()
					}
				}()
			}
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent Claim: %v", err)
		}
		if len(acquired) != ids {
			t.Fatalf("%d of %d ids were acquired at all", len(acquired), ids)
		}
		for id, n := range acquired {
			if n != 1 {
				t.Fatalf("%s acquired %d times by concurrent claims, want once", id, n)
			}
		}
	})

	t.Run("IDsAreKeptApart", func(t *testing.T) {
		s := h.New(t)
		ids := []string{"a", "A", "a:b", "a*", "ação/çé", strings.Repeat("x", 200), "0b9e4d2c-7a1f-4c63-8e5b-a2d6f9c1e847"}
		for _, id := range ids {
			want(t, claim(t, s, id, longLease), pluggy.ClaimAcquired, fmt.Sprintf("claim %.20q", id))
		}
		if err := s.Complete(ctx, "a", longLease); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		want(t, claim(t, s, "a", longLease), pluggy.ClaimCompleted, "a")
		want(t, claim(t, s, "a*", longLease), pluggy.ClaimInProgress, "a* is not a")
		want(t, claim(t, s, "A", longLease), pluggy.ClaimInProgress, "A is not a")
	})

	t.Run("HonoursContext", func(t *testing.T) {
		s := h.New(t)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Claim(cancelled, "evt-1", longLease); !errors.Is(err, context.Canceled) {
			t.Fatalf("Claim with a cancelled context: %v, want context.Canceled", err)
		}
		if err := s.Complete(cancelled, "evt-1", longLease); !errors.Is(err, context.Canceled) {
			t.Fatalf("Complete with a cancelled context: %v, want context.Canceled", err)
		}
		if err := s.Release(cancelled, "evt-1", "t"); !errors.Is(err, context.Canceled) {
			t.Fatalf("Release with a cancelled context: %v, want context.Canceled", err)
		}
		want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimAcquired, "nothing was recorded by the cancelled calls")
	})

	t.Run("RefusesANonPositiveLease", func(t *testing.T) {
		s := h.New(t)
		for _, d := range []time.Duration{0, -time.Second} {
			if _, err := s.Claim(ctx, "evt-1", d); err == nil {
				t.Fatalf("Claim with lease %s: no error", d)
			}
		}
		want(t, claim(t, s, "evt-1", longLease), pluggy.ClaimAcquired, "the refused claims recorded nothing")
	})
}

// QueueHarness describes the Queue under test.
type QueueHarness struct {
	// New returns an empty queue whose deliveries not acknowledged within
	// visibility are delivered again, each time it is called. Required.
	New func(t *testing.T, visibility time.Duration) pluggy.Queue
	// Advance moves the queue's clock forward by d. Nil when the queue
	// follows real time: the tests then sleep.
	Advance func(d time.Duration)
}

// TestQueue checks that a Queue keeps the contract documented on
// pluggy.Queue: events come back as enqueued, Receive waits and honours
// ctx, Ack removes, Nack redelivers with the next Attempt (and no sooner
// than its delay), an unacknowledged delivery comes back after the
// visibility timeout with the next Attempt, and concurrent workers get each
// event once while leases live, none lost.
func TestQueue(t *testing.T, h QueueHarness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("pluggytest.TestQueue: QueueHarness.New is nil")
	}
	ctx := context.Background()
	receive := func(t *testing.T, q pluggy.Queue) *pluggy.Delivery {
		t.Helper()
		rctx, cancel := context.WithTimeout(ctx, pollDeadline)
		defer cancel()
		d, err := q.Receive(rctx)
		if err != nil {
			t.Fatalf("Receive: %v", err)
		}
		if d == nil {
			t.Fatal("Receive returned neither a delivery nor an error")
		}
		return d
	}
	// nothing checks that no event is deliverable for a short while.
	nothing := func(t *testing.T, q pluggy.Queue, what string) {
		t.Helper()
		rctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		d, err := q.Receive(rctx)
		if err == nil {
			t.Fatalf("%s: Receive delivered %s (attempt %d)", what, d.Event, d.Attempt)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: Receive: %v, want context.DeadlineExceeded", what, err)
		}
	}
	enqueue := func(t *testing.T, q pluggy.Queue, ev pluggy.Event) {
		t.Helper()
		if err := q.Enqueue(ctx, ev); err != nil {
			t.Fatalf("Enqueue(%s): %v", ev, err)
		}
	}
	ack := func(t *testing.T, q pluggy.Queue, d *pluggy.Delivery) {
		t.Helper()
		if err := q.Ack(ctx, d); err != nil {
			t.Fatalf("Ack(%s): %v", d.Event, err)
		}
	}

	t.Run("EventsComeBackAsEnqueued", func(t *testing.T) {
		q := h.New(t, longLease)
		sent := []pluggy.Event{
			conformanceEvent(t, `{"event":"item/updated","eventId":"e-1","clientId":"c-1","id":"i-1","itemId":"i-1","triggeredBy":"SYNC"}`),
			conformanceEvent(t, `{"event":"transactions/deleted","eventId":"e-2","itemId":"i-1","accountId":"a-1","transactionIds":["t-1","t-2"]}`),
			conformanceEvent(t, `{"event":"some/new_event","eventId":"e-3","novel":{"x":[1,2]}}`),
		}
		for _, ev := range sent {
			enqueue(t, q, ev)
		}
		got := map[string]*pluggy.Delivery{}
		ids := map[string]bool{}
		for range sent {
			d := receive(t, q)
			got[d.Event.EventID] = d
			if d.ID == "" {
				t.Fatalf("delivery of %s has no ID", d.Event)
			}
			if ids[d.ID] {
				t.Fatalf("two events share the queue ID %q", d.ID)
			}
			ids[d.ID] = true
		}
		for _, ev := range sent {
			d := got[ev.EventID]
			if d == nil {
				t.Fatalf("%s was not delivered", ev)
			}
			if d.Attempt != 1 {
				t.Fatalf("%s: first delivery has Attempt %d, want 1", ev, d.Attempt)
			}
			if d.Event.Type != ev.Type || d.Event.ClientID != ev.ClientID || d.Event.ID != ev.ID {
				t.Fatalf("%s came back as %+v", ev, d.Event)
			}
			if string(d.Event.Raw) != string(ev.Raw) {
				t.Fatalf("%s: Raw came back as %s, want %s", ev, d.Event.Raw, ev.Raw)
			}
			if fmt.Sprintf("%T", d.Event.Payload) != fmt.Sprintf("%T", ev.Payload) {
				t.Fatalf("%s: Payload came back as %T, want %T", ev, d.Event.Payload, ev.Payload)
			}
			ack(t, q, d)
		}
		if p, ok := got["e-2"].Event.Payload.(*pluggy.TransactionsChangedEvent); !ok || len(p.TransactionIDs) != 2 {
			t.Fatalf("transactions/deleted payload came back as %+v", got["e-2"].Event.Payload)
		}
		nothing(t, q, "every event acknowledged")
	})

	t.Run("ReceiveWaitsForAnEvent", func(t *testing.T) {
		q := h.New(t, longLease)
		got := make(chan *pluggy.Delivery, 1)
		errc := make(chan error, 1)
		go func() {
			rctx, cancel := context.WithTimeout(ctx, pollDeadline)
			defer cancel()
			d, err := q.Receive(rctx)
			if err != nil {
				errc <- err
				return
			}
			got <- d
		}()
		time.Sleep(20 * time.Millisecond) // let it block (it works either way)
		enqueue(t, q, conformanceEvent(t, `{"event":"item/created","eventId":"late","itemId":"i-1"}`))
		select {
		case d := <-got:
			if d.Event.EventID != "late" {
				t.Fatalf("received %s", d.Event)
			}
			ack(t, q, d)
		case err := <-errc:
			t.Fatalf("Receive: %v", err)
		}
	})

	t.Run("ReceiveHonoursContext", func(t *testing.T) {
		q := h.New(t, longLease)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := q.Receive(cancelled); !errors.Is(err, context.Canceled) {
			t.Fatalf("Receive with a cancelled context: %v, want context.Canceled", err)
		}
		if err := q.Enqueue(cancelled, conformanceEvent(t, `{"event":"item/created","eventId":"x","itemId":"i"}`)); !errors.Is(err, context.Canceled) {
			t.Fatalf("Enqueue with a cancelled context: %v, want context.Canceled", err)
		}
		nothing(t, q, "an Enqueue with a cancelled context")
		wctx, wcancel := context.WithCancel(ctx)
		errc := make(chan error, 1)
		go func() {
			_, err := q.Receive(wctx)
			errc <- err
		}()
		time.Sleep(20 * time.Millisecond)
		wcancel()
		select {
		case err := <-errc:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("waiting Receive after cancel: %v, want context.Canceled", err)
			}
		case <-time.After(pollDeadline):
			t.Fatal("a waiting Receive did not return when its context was cancelled")
		}
	})

	t.Run("NackRedelivers", func(t *testing.T) {
		q := h.New(t, longLease)
		enqueue(t, q, conformanceEvent(t, `{"event":"item/error","eventId":"n-1","itemId":"i-1"}`))
		first := receive(t, q)
		if err := q.Nack(ctx, first, 0); err != nil {
			t.Fatalf("Nack: %v", err)
		}
		second := receive(t, q)
		if second.ID != first.ID || second.Event.EventID != "n-1" {
			t.Fatalf("after Nack received %s (ID %q), want n-1 (ID %q)", second.Event, second.ID, first.ID)
		}
		if second.Attempt != 2 {
			t.Fatalf("redelivery after Nack has Attempt %d, want 2", second.Attempt)
		}
		// A delayed Nack keeps the event back at least for the delay.
		if err := q.Nack(ctx, second, time.Hour); err != nil {
			t.Fatalf("Nack with a delay: %v", err)
		}
		nothing(t, q, "inside a Nack's delay")
		if h.Advance != nil {
			h.Advance(time.Hour)
			third := receive(t, q)
			if third.ID != first.ID || third.Attempt != 3 {
				t.Fatalf("after the delay received ID %q attempt %d, want %q attempt 3", third.ID, third.Attempt, first.ID)
			}
			ack(t, q, third)
			nothing(t, q, "acknowledged")
		}
	})

	t.Run("UnacknowledgedDeliveryComesBack", func(t *testing.T) {
		q := h.New(t, shortLease)
		enqueue(t, q, conformanceEvent(t, `{"event":"item/updated","eventId":"v-1","itemId":"i-1"}`))
		first := receive(t, q)
		if h.Advance != nil {
			nothing(t, q, "inside the visibility timeout")
			h.Advance(shortLease)
		} else {
			time.Sleep(shortLease)
		}
		second := receive(t, q) // waits up to pollDeadline
		if second.ID != first.ID || second.Event.EventID != "v-1" {
			t.Fatalf("after the visibility timeout received %s (ID %q), want v-1 (ID %q)", second.Event, second.ID, first.ID)
		}
		if second.Attempt != 2 {
			t.Fatalf("redelivery after the visibility timeout has Attempt %d, want 2", second.Attempt)
		}
		// The first worker comes back late: its Ack may fail or not, but
		// the live delivery can be settled and nothing is delivered again.
		if err := q.Ack(ctx, first); err != nil && !errors.Is(err, pluggy.ErrDeliveryExpired) {
			t.Fatalf("late Ack: %v, want nil or ErrDeliveryExpired", err)
		}
		if err := q.Ack(ctx, second); err != nil && !errors.Is(err, pluggy.ErrDeliveryExpired) {
			t.Fatalf("Ack: %v", err)
		}
		nothing(t, q, "acknowledged")
	})

	t.Run("ConcurrentWorkersGetEachEventOnce", func(t *testing.T) {
		q := h.New(t, longLease)
		const events, workers = 200, 8
		for i := 0; i < events; i++ {
			enqueue(t, q, conformanceEvent(t, fmt.Sprintf(`{"event":"item/updated","eventId":"w-%d","itemId":"i"}`, i)))
		}
		var mu sync.Mutex
		seen := map[string]int{}
		wctx, cancel := context.WithTimeout(ctx, 4*pollDeadline)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					mu.Lock()
					n := len(seen)
					mu.Unlock()
					if n >= events {
						return
					}
					rctx, rcancel := context.WithTimeout(wctx, 200*time.Millisecond)
					d, err := q.Receive(rctx)
					rcancel()
					if errors.Is(err, context.DeadlineExceeded) && wctx.Err() == nil {
						continue
					}
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					seen[d.Event.EventID]++
					mu.Unlock()
					if err := q.Ack(wctx, d); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("worker: %v", err)
		}
		if len(seen) != events {
			t.Fatalf("%d of %d events delivered", len(seen), events)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("%s delivered %d times while its lease lived, want once", id, n)
			}
		}
		nothing(t, q, "every event acknowledged")
	})
}

func conformanceEvent(t *testing.T, body string) pluggy.Event {
	t.Helper()
	ev, err := pluggy.ParseWebhookEvent([]byte(body))
	if err != nil {
		t.Fatalf("pluggytest: bad conformance event %s: %v", body, err)
	}
	return *ev
}
