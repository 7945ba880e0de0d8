package pluggy

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"
)

// Queue holds webhook events between the handler that accepted them and
// the workers that handle them, in queued mode (see WebhookHandler). The
// handler answers Pluggy 2xx once Enqueue has returned nil, and a worker
// acknowledges an event (Ack) only after the EventFunc returned nil for it.
//
// The contract every implementation keeps (pluggytest.TestQueue checks
// it):
//
//   - Enqueue(ctx, ev) returns nil only once the queue holds ev (as
//     durably as the implementation is: in memory, on a Redis stream, in a
//     table). A full or closed queue returns an error (ErrQueueFull,
//     ErrQueueClosed); any error makes the handler answer 503. A durable
//     implementation stores ev.Raw, the body as received, and rebuilds the
//     event with ParseWebhookEvent; ev.Raw is never empty in an event the
//     handler enqueues.
//   - Receive(ctx) blocks until an event is deliverable or ctx ends
//     (returning ctx's error), and returns it as a Delivery leased to the
//     caller for the queue's visibility timeout. Events are delivered in
//     about the order they were enqueued; no order is guaranteed.
//   - Ack(ctx, d) removes the event for good. Nack(ctx, d, delay) makes it
//     deliverable again, no sooner than delay from now (0: at once); an
//     implementation may wait longer, up to its visibility timeout.
//   - A Delivery neither acknowledged nor nacked within the visibility
//     timeout (its worker died, or hangs) becomes deliverable again, to any
//     consumer of the queue. Each delivery of an event, whatever the
//     reason, carries the next Attempt number; the handler stops retrying
//     an event, and passes it to its dead-letter function, once Attempt
//     reaches its maximum (WithWebhookMaxAttempts).
//   - Ack or Nack of a delivery whose lease has expired may fail
//     (ErrDeliveryExpired) or succeed; either way the event may be handled
//     twice. Delivery is at least once for a durable queue, never exactly
//     once: make the EventFunc idempotent (Pluggy's payloads name what
//     changed; re-reading it twice is harmless).
//   - Every method honours ctx and is safe for concurrent use by many
//     workers, in one process or, for a shared queue, many.
//
// On Redis (the redis module's Queue): a stream and a consumer group;
// Enqueue is XADD, Receive is XREADGROUP (new entries) and XPENDING IDLE
// with XCLAIM (entries idle longer than the visibility timeout), Attempt
// counts the entry's deliveries, Ack is XACK (+ XDEL), Nack re-adds the
// entry with its attempt count (after a delay, from a sorted set of the
// delayed ones). On SQL: a row per
// event with (visible_at, attempt, receipt), received with SELECT ... FOR
// UPDATE SKIP LOCKED and an UPDATE of visible_at.
type Queue interface {
	// Enqueue adds ev to the queue; see Queue.
	Enqueue(ctx context.Context, ev Event) error
	// Receive waits for the next deliverable event; see Queue.
	Receive(ctx context.Context) (*Delivery, error)
	// Ack removes a handled event; see Queue.
	Ack(ctx context.Context, d *Delivery) error
	// Nack gives an event back for another attempt after delay; see Queue.
	Nack(ctx context.Context, d *Delivery, delay time.Duration) error
}

// Delivery is one delivery of a queued event to a worker.
type Delivery struct {
	// Event is the event, as enqueued.
	Event Event
	// ID identifies the event in the queue; it stays the same across its
	// redeliveries (a stream entry id, a row id).
	ID string
	// Receipt identifies this delivery, for Ack and Nack; its meaning is
	// the implementation's (for instance the lease token that tells this
	// delivery from a later one of the same event).
	Receipt string
	// Attempt is 1 for the first delivery of the event and grows by one
	// with each redelivery, whether after a Nack or an expired lease.
	Attempt int
}

// Errors of the queues.
var (
	// ErrQueueFull is returned by Enqueue when a bounded queue holds as
	// many events as it may.
	ErrQueueFull = errors.New("pluggy: webhook queue full")
	// ErrQueueClosed is returned by Enqueue after the queue was closed, and
	// by Receive once a closed queue holds nothing more.
	ErrQueueClosed = errors.New("pluggy: webhook queue closed")
	// ErrDeliveryExpired is returned by Ack or Nack for a delivery the queue
	// no longer holds under that receipt (its lease expired and the event
	// was delivered again, or it was already acknowledged).
	ErrDeliveryExpired = errors.New("pluggy: webhook delivery expired or already settled")
)

// MemoryQueue is the default Queue: a bounded queue in this process's
// memory. It is at most once: whatever it holds when the process stops or
// crashes is lost, although Pluggy was told 2xx for it. Use a durable Queue
// (the redis module's) when events must survive a restart, or the
// synchronous mode, in which Pluggy keeps an event until it was handled.
//
// Its bound counts every event it holds: waiting, delayed by a Nack, or
// delivered and not yet acknowledged.
type MemoryQueue struct {
	mu         sync.Mutex
	clock      Clock
	capacity   int
	visibility time.Duration
	msgs       []*memoryMessage // in enqueue order
	wake       chan struct{}    // closed and replaced whenever msgs changes
	closed     bool
	ids        uint64
	receipts   uint64
}

type memoryMessage struct {
	id        string
	ev        Event
	attempt   int       // deliveries so far
	receipt   string    // of the delivery in flight, "" when none
	visibleAt time.Time // deliverable from then (delayed or leased)
}

// memoryQueuePoll bounds how long Receive sleeps while an event is delayed
// or leased and the queue's Clock is not the system's, so that it sees a
// Clock that tests move by hand.
const memoryQueuePoll = 20 * time.Millisecond

// NewMemoryQueue returns a MemoryQueue holding at most capacity events
// (DefaultWebhookQueue when capacity <= 0). A delivery not acknowledged
// within visibility is delivered again; visibility <= 0 means never (a
// worker of this process always acknowledges or nacks what it received,
// unless its EventFunc never returns). clock tells the time (the system's
// when nil).
func NewMemoryQueue(capacity int, visibility time.Duration, clock Clock) *MemoryQueue {
	if capacity <= 0 {
		capacity = DefaultWebhookQueue
	}
	if clock == nil {
		clock = systemClock{}
	}
	return &MemoryQueue{clock: clock, capacity: capacity, visibility: visibility, wake: make(chan struct{})}
}

// Enqueue adds ev, or returns ErrQueueFull or ErrQueueClosed.
func (q *MemoryQueue) Enqueue(ctx context.Context, ev Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrQueueClosed
	}
	if len(q.msgs) >= q.capacity {
		return ErrQueueFull
	}
	q.ids++
	q.msgs = append(q.msgs, &memoryMessage{id: "q" + strconv.FormatUint(q.ids, 36), ev: ev})
	q.notifyLocked()
	return nil
}

// Receive waits for the next deliverable event. It returns ctx's error when
// ctx ends first, and ErrQueueClosed once the queue is closed and empty.
func (q *MemoryQueue) Receive(ctx context.Context) (*Delivery, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		now := q.clock.Now()
		q.mu.Lock()
		var next *memoryMessage
		var earliest time.Time // when the first delayed or leased event comes back
		for _, m := range q.msgs {
			if m.receipt != "" && q.visibility <= 0 {
				continue // in flight until acknowledged or nacked
			}
			if now.Before(m.visibleAt) {
				if earliest.IsZero() || m.visibleAt.Before(earliest) {
					earliest = m.visibleAt
				}
				continue // delayed, or in flight within its lease
			}
			next = m
			break
		}
		if next != nil {
			next.attempt++
			q.receipts++
			next.receipt = "r" + strconv.FormatUint(q.receipts, 36)
			next.visibleAt = now.Add(q.visibility)
			d := &Delivery{Event: next.ev, ID: next.id, Receipt: next.receipt, Attempt: next.attempt}
			q.mu.Unlock()
			return d, nil
		}
		if q.closed && len(q.msgs) == 0 {
			q.mu.Unlock()
			return nil, ErrQueueClosed
		}
		wake := q.wake
		q.mu.Unlock()
		var tick <-chan time.Time
		var t *time.Timer
		if !earliest.IsZero() {
			d := earliest.Sub(now)
			if _, real := q.clock.(systemClock); !real {
				d = min(d, memoryQueuePoll) // a test's clock moves without telling
			}
			t = time.NewTimer(max(d, time.Millisecond))
			tick = t.C
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-tick:
		}
		if t != nil {
			t.Stop()
		}
	}
}

// Ack removes the delivered event, or returns ErrDeliveryExpired when d is
// not the delivery in flight.
func (q *MemoryQueue) Ack(ctx context.Context, d *Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	i := q.findLocked(d)
	if i < 0 {
		return ErrDeliveryExpired
	}
	copy(q.msgs[i:], q.msgs[i+1:])
	q.msgs[len(q.msgs)-1] = nil
	q.msgs = q.msgs[:len(q.msgs)-1]
	q.notifyLocked()
	return nil
}

// Nack makes the delivered event deliverable again after delay, or returns
// ErrDeliveryExpired when d is not the delivery in flight.
func (q *MemoryQueue) Nack(ctx context.Context, d *Delivery, delay time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	i := q.findLocked(d)
	if i < 0 {
		return ErrDeliveryExpired
	}
	m := q.msgs[i]
	m.receipt = ""
	m.visibleAt = q.clock.Now().Add(max(delay, 0))
	q.notifyLocked()
	return nil
}

func (q *MemoryQueue) findLocked(d *Delivery) int {
	if d == nil || d.Receipt == "" {
		return -1
	}
	for i, m := range q.msgs {
		if m.id == d.ID {
			if m.receipt != d.Receipt {
				return -1
			}
			return i
		}
	}
	return -1
}

func (q *MemoryQueue) notifyLocked() {
	close(q.wake)
	q.wake = make(chan struct{})
}

// Len returns how many events the queue holds: waiting, delayed or in
// flight.
func (q *MemoryQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.msgs)
}

// Close stops the queue taking events: Enqueue returns ErrQueueClosed, and
// Receive returns ErrQueueClosed once every event it holds was
// acknowledged. A handler's Shutdown closes its MemoryQueue so that the
// workers drain it.
func (q *MemoryQueue) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		q.notifyLocked()
	}
	return nil
}
