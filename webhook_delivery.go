package pluggy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// NewWebhookHandler returns a handler that authenticates, parses and
// deduplicates Pluggy's notifications and hands each new event to fn: in
// the request (WithWebhookSynchronous) or from a pool of workers fed by a
// Queue (the default). Mount it on your server's mux; call Shutdown when
// the server stops.
//
// It needs WithWebhookSecret (or, knowingly, WithoutWebhookSecret).
func NewWebhookHandler(fn EventFunc, opts ...WebhookOption) (*WebhookHandler, error) {
	if fn == nil {
		return nil, errors.New("pluggy: NewWebhookHandler: nil EventFunc")
	}
	h := &WebhookHandler{
		fn:           fn,
		maxBody:      DefaultWebhookMaxBody,
		clock:        systemClock{},
		logger:       slog.New(slog.DiscardHandler),
		workers:      DefaultWebhookWorkers,
		queueSize:    DefaultWebhookQueue,
		readTimeout:  DefaultWebhookReadTimeout,
		lease:        DefaultWebhookLease,
		storeTimeout: DefaultWebhookStoreTimeout,
		maxAttempts:  1,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(h); err != nil {
			return nil, err
		}
	}
	switch {
	case len(h.secrets) == 0 && !h.noSecret:
		return nil, errors.New("pluggy: NewWebhookHandler: no secret: use WithWebhookSecret (or WithoutWebhookSecret to accept unauthenticated notifications)")
	case len(h.secrets) > 0 && h.noSecret:
		return nil, errors.New("pluggy: NewWebhookHandler: WithWebhookSecret and WithoutWebhookSecret together: use one")
	case h.synchronous && h.lease <= h.syncTimeout:
		return nil, fmt.Errorf("pluggy: NewWebhookHandler: the lease (%s, WithWebhookLease) must be longer than the synchronous timeout (%s, WithWebhookSynchronous)", h.lease, h.syncTimeout)
	case h.synchronous && h.queue != nil:
		return nil, errors.New("pluggy: NewWebhookHandler: WithWebhookQueue and WithWebhookSynchronous together: a queue serves queued mode only")
	}
	_, memStore := h.store.(*MemoryDedupeStore)
	if h.store == nil {
		h.store = NewMemoryDedupeStore(DefaultDedupeTTL, DefaultDedupeEntries, h.clock)
		memStore = true
	}
	if !h.synchronous && h.queue == nil {
		// The bound counts the events being handled too, so that queue
		// events can wait while every worker is busy.
		h.queue = NewMemoryQueue(h.queueSize+h.workers, 0, h.clock)
	}
	mq, memQueue := h.queue.(*MemoryQueue)
	if memQueue {
		h.volatile = mq
	}
	h.fastStore = memStore && (h.synchronous || memQueue)

	h.closing = make(chan struct{})
	h.idle = make(chan struct{})
	h.local = map[string]chan struct{}{}
	h.hardCtx, h.hardCancel = context.WithCancel(context.Background())
	if h.volatile != nil {
		// Workers drain the memory queue until it is empty or the
		// deadline passes.
		h.recvCtx, h.recvCancel = h.hardCtx, func() {}
	} else {
		h.recvCtx, h.recvCancel = context.WithCancel(h.hardCtx)
	}
	h.done = make(chan struct{})
	if h.synchronous {
		close(h.done)
		return h, nil
	}
	finished := make(chan struct{}, h.workers)
	for i := 0; i < h.workers; i++ {
		go func() {
			defer func() { finished <- struct{}{} }()
			h.work()
		}()
	}
	go func() {
		for i := 0; i < h.workers; i++ {
			<-finished
		}
		close(h.done)
	}()
	return h, nil
}

// ServeHTTP receives one notification; see WebhookHandler for the checks
// and their answers.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.refuse(w, r, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if h.isClosed() {
		h.unavailable(w, r, "shutting down", 0)
		return
	}
	if len(h.allowed) > 0 {
		ip, ok := h.sourceIP(r)
		if !ok || !prefixesContain(h.allowed, ip) {
			h.refuse(w, r, http.StatusForbidden, "source address not allowed")
			return
		}
	}
	if !h.noSecret && !h.authorized(r.Header) {
		h.refuse(w, r, http.StatusUnauthorized, "missing or wrong secret header")
		return
	}
	if r.ContentLength > h.maxBody {
		h.refuse(w, r, http.StatusRequestEntityTooLarge, "body too large")
		return
	}
	body, err := h.readBody(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			h.refuse(w, r, http.StatusRequestEntityTooLarge, "body too large")
		case errors.Is(err, errBodyTimeout):
			w.Header().Set("Connection", "close")
			h.refuse(w, r, http.StatusRequestTimeout, "body not received in time")
		default:
			h.refuse(w, r, http.StatusBadRequest, "could not read body")
		}
		return
	}
	ev, err := ParseWebhookEvent(body)
	if err != nil {
		h.refuse(w, r, http.StatusBadRequest, "not a webhook event")
		return
	}
	if h.clientID != "" && ev.ClientID != "" && ev.ClientID != h.clientID {
		h.refuse(w, r, http.StatusForbidden, "event of another clientId")
		return
	}
	if !h.begin() {
		h.unavailable(w, r, "shutting down", 0)
		return
	}
	defer h.end()
	// ctx ends with the request, and with Shutdown's deadline.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(h.hardCtx, cancel)
	defer stop()

	var token string
	if ev.EventID != "" {
		res, settled, status, reason, retry := h.claim(ctx, ev)
		if status != 0 {
			if status == http.StatusServiceUnavailable {
				h.unavailable(w, r, reason, retry)
				return
			}
			h.logger.LogAttrs(ctx, slog.LevelInfo, "pluggy: webhook duplicate acknowledged",
				slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID))
			w.WriteHeader(status)
			return
		}
		token = res.Token
		// settled is closed by settle (or by serveSync's background
		// settle) once the claim is completed or released.
		defer func() {
			if settled != nil {
				h.unregister(ev.EventID, settled)
			}
		}()
		if h.synchronous {
			if h.serveSync(w, r, ctx, *ev, token) {
				settled = nil // handed to the background settle
			}
			return
		}
	} else if h.synchronous {
		h.serveSync(w, r, ctx, *ev, "")
		return
	}
	h.serveQueued(w, r, ctx, *ev, token)
}

// claim claims ev's id. It returns status 0 with the lease when this
// delivery acquired it, and the registration in h.local that the caller
// settles; otherwise the status to answer (200 for a duplicate, 503) with a
// reason and a Retry-After in seconds.
func (h *WebhookHandler) claim(ctx context.Context, ev *Event) (res ClaimResult, settled chan struct{}, status int, reason string, retry int) {
	id := ev.EventID
	// A duplicate delivered while this handler is handling the same id
	// waits for that outcome rather than being told 503 at once: most
	// duplicates are Pluggy's own retries, and a handled event makes the
	// wait end with 200.
	wait := h.storeTimeout
	if h.synchronous {
		wait += h.syncTimeout
	}
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for round := 0; ; round++ {
		h.mu.Lock()
		held, busy := h.local[id]
		if !busy {
			settled = make(chan struct{})
			h.local[id] = settled
		}
		h.mu.Unlock()
		if busy {
			if round >= 3 {
				return res, nil, http.StatusServiceUnavailable, "event being handled", 1
			}
			select {
			case <-held:
				continue
			case <-h.closing:
				return res, nil, http.StatusServiceUnavailable, "shutting down", 0
			case <-waitCtx.Done():
				return res, nil, http.StatusServiceUnavailable, "event being handled", 1
			}
		}
		r, err := storeDo(h, ctx, func(ctx context.Context) (ClaimResult, error) {
			return h.store.Claim(ctx, id, h.lease)
		})
		if err == nil && r.Status == ClaimAcquired && r.Token == "" {
			err = errors.New("store acquired a claim without a token")
		}
		if err != nil || r.Status != ClaimAcquired {
			h.unregister(id, settled)
		}
		switch {
		case err != nil:
			h.logger.LogAttrs(ctx, slog.LevelError, "pluggy: webhook dedupe store failed",
				slog.String("event", string(ev.Type)), slog.String("eventId", id), slog.String("error", err.Error()))
			return res, nil, http.StatusServiceUnavailable, "dedupe store unavailable", 0
		case r.Status == ClaimAcquired:
			return r, settled, 0, "", 0
		case r.Status == ClaimCompleted:
			return res, nil, http.StatusOK, "duplicate", 0
		default: // in progress elsewhere, or a status this version does not know
			return res, nil, http.StatusServiceUnavailable, "event being handled", retryAfter(r.Left)
		}
	}
}

func (h *WebhookHandler) unregister(id string, settled chan struct{}) {
	h.mu.Lock()
	if h.local[id] == settled {
		delete(h.local, id)
	}
	h.mu.Unlock()
	close(settled)
}

// serveSync runs the EventFunc for ev and answers. It reports whether the
// EventFunc outlived its timeout and was left running: its settle then
// happens in the background and unregisters the claim itself.
func (h *WebhookHandler) serveSync(w http.ResponseWriter, r *http.Request, ctx context.Context, ev Event, token string) (background bool) {
	fnCtx, cancel := context.WithTimeout(ctx, h.syncTimeout)
	result := make(chan error, 1)
	go func() {
		defer cancel()
		result <- h.call(fnCtx, ev)
	}()
	var err error
	select {
	case err = <-result:
	case <-fnCtx.Done():
		select {
		case err = <-result: // it returned just in time
		default:
			h.mu.Lock()
			settled := h.local[ev.EventID]
			h.active++ // Shutdown waits for the EventFunc too
			h.mu.Unlock()
			go func() {
				defer h.end()
				err := <-result
				if token != "" {
					h.settle(context.Background(), ev, token, err)
					if settled != nil {
						h.unregister(ev.EventID, settled)
					}
				}
				h.logger.LogAttrs(context.Background(), slog.LevelWarn, "pluggy: webhook EventFunc returned after its timeout",
					slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.Bool("ok", err == nil))
			}()
			if h.hardCtx.Err() != nil {
				h.unavailable(w, r, "shutting down", 0)
				return token != ""
			}
			h.report(ctx, ev, fmt.Errorf("pluggy: webhook EventFunc did not return within %s: %w", h.syncTimeout, context.DeadlineExceeded))
			h.unavailable(w, r, "event not handled in time", 0)
			return token != ""
		}
	}
	if token != "" {
		h.settle(ctx, ev, token, err)
	}
	if err != nil {
		if h.hardCtx.Err() != nil {
			h.unavailable(w, r, "shutting down", 0)
			return false
		}
		h.report(ctx, ev, err)
		h.refuse(w, r, http.StatusInternalServerError, "event not handled")
		return false
	}
	w.WriteHeader(http.StatusOK)
	return false
}

// settle completes the claim on ev after a successful EventFunc, or
// releases it after a failure, so that the redelivery runs.
func (h *WebhookHandler) settle(ctx context.Context, ev Event, token string, fnErr error) {
	// Settle even if the request has ended: the claim must not stay held.
	ctx = context.WithoutCancel(ctx)
	var err error
	what := "complete"
	if fnErr == nil {
		_, err = storeDo(h, ctx, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, h.store.Complete(ctx, ev.EventID, h.dedupeTTL)
		})
	} else {
		what = "release"
		_, err = storeDo(h, ctx, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, h.store.Release(ctx, ev.EventID, token)
		})
	}
	if err != nil {
		// A claim not completed expires after the lease; one not released
		// too: the event is then handled again, or handled at last.
		h.logger.LogAttrs(ctx, slog.LevelError, "pluggy: webhook dedupe store failed to "+what+" a claim",
			slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.String("error", err.Error()))
	}
}

// serveQueued enqueues ev and answers 200, or releases the claim and
// answers 503.
func (h *WebhookHandler) serveQueued(w http.ResponseWriter, r *http.Request, ctx context.Context, ev Event, token string) {
	_, err := storeDo(h, ctx, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, h.queue.Enqueue(ctx, ev)
	})
	if err != nil {
		if token != "" {
			h.settle(ctx, ev, token, err)
		}
		reason := "queue unavailable"
		switch {
		case errors.Is(err, ErrQueueFull):
			reason = "queue full"
		case errors.Is(err, ErrQueueClosed), h.hardCtx.Err() != nil:
			reason = "shutting down"
		default:
			h.logger.LogAttrs(ctx, slog.LevelError, "pluggy: webhook queue failed",
				slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.String("error", err.Error()))
		}
		h.unavailable(w, r, reason, 0)
		return
	}
	if token != "" {
		h.settle(ctx, ev, token, nil)
	}
	w.WriteHeader(http.StatusOK)
}

// storeDo runs f with ctx bounded by the store timeout. Unless every store
// is in memory, f runs on its own goroutine, so that a store that ignores
// its context cannot hold the delivery (or Shutdown) past the timeout.
func storeDo[T any](h *WebhookHandler, ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	if h.fastStore {
		return f(ctx) // in memory: returns at once, no timer needed
	}
	ctx, cancel := context.WithTimeout(ctx, h.storeTimeout)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.err = fmt.Errorf("pluggy: webhook store panicked: %v", p)
			}
			done <- r
		}()
		r.v, r.err = f(ctx)
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// errBodyTimeout is readBody's error when the body did not arrive in time.
var errBodyTimeout = errors.New("pluggy: webhook body not received within the read timeout")

// readBody reads the body within the size limit and the read timeout.
func (h *WebhookHandler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Now().Add(h.readTimeout)); err == nil {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
		_ = rc.SetReadDeadline(time.Time{})
		var ne net.Error
		if err != nil && (errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())) {
			return nil, errBodyTimeout
		}
		return body, err
	}
	// The ResponseWriter cannot set a deadline (a test recorder, a
	// middleware's wrapper): read on the side and give up at the timeout.
	type result struct {
		body []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, h.maxBody))
		done <- result{b, err}
	}()
	t := time.NewTimer(h.readTimeout)
	defer t.Stop()
	select {
	case res := <-done:
		return res.body, res.err
	case <-t.C:
		abandonBody(r)
		return nil, errBodyTimeout
	case <-r.Context().Done():
		abandonBody(r)
		return nil, r.Context().Err()
	}
}

// abandonBody closes r's body on the side, to end the read left running.
// Closing a server's request body waits for the read in progress (and
// then drains what is left of the body), which a slow client can hold up
// indefinitely: the answer must not wait for it.
func abandonBody(r *http.Request) {
	go func() { _ = r.Body.Close() }()
}

// unavailable answers 503 with a Retry-After (5 s when retry is 0).
func (h *WebhookHandler) unavailable(w http.ResponseWriter, r *http.Request, reason string, retry int) {
	if retry <= 0 {
		retry = 5
	}
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	h.refuse(w, r, http.StatusServiceUnavailable, reason)
}

// retryAfter turns a lease's time left into whole seconds, at least 1.
func retryAfter(left time.Duration) int {
	if left <= 0 {
		return 0
	}
	s := math.Ceil(left.Seconds())
	if s > 3600 {
		s = 3600
	}
	return max(int(s), 1)
}

func (h *WebhookHandler) report(ctx context.Context, ev Event, err error) {
	h.logger.LogAttrs(ctx, slog.LevelError, "pluggy: webhook event failed",
		slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.String("error", err.Error()))
	if h.onError != nil {
		h.callGuarded(ctx, "error handler", h.onError, ev, err)
	}
}

func (h *WebhookHandler) isClosed() bool {
	select {
	case <-h.closing:
		return true
	default:
		return false
	}
}

// begin counts a delivery in, unless the handler is shutting down.
func (h *WebhookHandler) begin() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.active++
	return true
}

func (h *WebhookHandler) end() {
	h.mu.Lock()
	h.active--
	if h.closed && h.active == 0 {
		close(h.idle)
	}
	h.mu.Unlock()
}

// ----- Queued mode: the workers -----

func (h *WebhookHandler) work() {
	var fails int
	for {
		d, err := h.queue.Receive(h.recvCtx)
		if err != nil {
			if errors.Is(err, ErrQueueClosed) || h.recvCtx.Err() != nil {
				return
			}
			// A queue that fails (its server is down): wait and try again,
			// a little longer each time, at most 5 s.
			fails++
			h.logger.LogAttrs(h.recvCtx, slog.LevelError, "pluggy: webhook queue receive failed", slog.String("error", err.Error()))
			if sleepCtx(h.recvCtx, min(time.Duration(fails)*100*time.Millisecond, 5*time.Second)) != nil {
				return
			}
			continue
		}
		fails = 0
		if d == nil {
			continue
		}
		h.inflight.Add(1)
		h.handle(d)
		h.inflight.Add(-1)
	}
}

// handle runs the EventFunc for one delivery and settles it with the
// queue: Ack after success, Nack for another attempt, or the dead letter
// and Ack after the last one.
func (h *WebhookHandler) handle(d *Delivery) {
	ev := d.Event
	if h.hardCtx.Err() != nil {
		// Received as Shutdown's deadline passed: not handled here. Like
		// an event cut short (below), a durable queue gets it back at once.
		h.logger.LogAttrs(context.Background(), slog.LevelWarn, "pluggy: webhook event dropped at shutdown",
			slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID))
		h.giveBack(d)
		return
	}
	ctx := h.hardCtx
	if h.eventTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.eventTimeout)
		defer cancel()
	}
	err := h.call(ctx, ev)
	// Settling uses a context of its own: the queue must hear of the
	// outcome even when Shutdown's deadline has passed.
	sctx, cancel := context.WithTimeout(context.Background(), h.storeTimeout)
	defer cancel()
	if err == nil {
		if aerr := h.queue.Ack(sctx, d); aerr != nil {
			h.logger.LogAttrs(sctx, slog.LevelError, "pluggy: webhook queue ack failed",
				slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.String("error", aerr.Error()))
		}
		return
	}
	if h.hardCtx.Err() != nil {
		// Cut short by Shutdown: not the EventFunc's failure. A durable
		// queue gets it back at once for another instance; the memory
		// queue's events are counted as lost by Shutdown.
		h.logger.LogAttrs(sctx, slog.LevelWarn, "pluggy: webhook event cut short at shutdown",
			slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID))
		h.giveBack(d)
		return
	}
	// The error handler and the dead-letter function get the handler's
	// context, not the EventFunc's: that one may have ended with
	// WithWebhookEventTimeout, the likeliest reason to give up an event.
	h.report(h.hardCtx, ev, err)
	if d.Attempt < h.maxAttempts {
		if nerr := h.queue.Nack(sctx, d, h.retryDelay(d.Attempt)); nerr != nil {
			h.logger.LogAttrs(sctx, slog.LevelError, "pluggy: webhook queue nack failed",
				slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.String("error", nerr.Error()))
		}
		return
	}
	h.logger.LogAttrs(sctx, slog.LevelError, "pluggy: webhook event given up",
		slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.Int("attempts", d.Attempt))
	if h.deadLetter != nil {
		h.callGuarded(h.hardCtx, "dead-letter function", h.deadLetter, ev, err)
	}
	if aerr := h.queue.Ack(sctx, d); aerr != nil {
		h.logger.LogAttrs(sctx, slog.LevelError, "pluggy: webhook queue ack failed",
			slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.String("error", aerr.Error()))
	}
}

// giveBack returns a delivery that Shutdown's deadline kept from being
// handled to a durable queue, deliverable at once for another instance;
// the memory queue's are lost with the process (Shutdown counted them).
func (h *WebhookHandler) giveBack(d *Delivery) {
	if h.volatile != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.storeTimeout)
	defer cancel()
	_ = h.queue.Nack(ctx, d, 0)
}

// retryDelay is the backoff before attempt+1: backoff, doubled each time,
// at most a minute.
func (h *WebhookHandler) retryDelay(attempt int) time.Duration {
	d := h.backoff
	for i := 1; i < attempt && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}

// ----- Shutdown -----

// Shutdown stops the handler and waits, at most until ctx ends, for the
// work it accepted:
//
//   - from its first call, every delivery is answered 503 at once (Pluggy
//     retries it, perhaps on another instance), whatever a store or the
//     EventFunc is doing;
//   - it waits for the deliveries being served (and, in synchronous mode,
//     for EventFuncs that outlived their timeout) to end;
//   - in queued mode with the MemoryQueue, the workers handle every event
//     it holds, then stop; with another Queue, they stop receiving at once
//     and finish the events they hold (the rest stays in the queue, and an
//     event the deadline cuts short, or that arrives after it, is given
//     back to it at once).
//
// It returns nil when all of that ended. When ctx ends first it cancels
// the contexts of the running EventFuncs and store calls, and returns at
// once a *WebhookShutdownError that counts the acknowledged events left
// unhandled (queued ones, and those cut short) and matches ctx's error; it
// never waits for a store or an EventFunc that ignores its context. Calling
// it again waits again.
func (h *WebhookHandler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	first := !h.closed
	if first {
		h.closed = true
		close(h.closing)
		if h.active == 0 {
			close(h.idle)
		}
	}
	h.mu.Unlock()
	if first {
		h.recvCancel()
		if h.volatile != nil {
			_ = h.volatile.Close()
		}
	}
	select {
	case <-h.idle:
		select {
		case <-h.done:
			return nil
		case <-ctx.Done():
		}
	case <-ctx.Done():
	}
	if h.finished() {
		return nil
	}
	serr := &WebhookShutdownError{Err: ctx.Err()}
	if h.volatile != nil {
		serr.Unhandled, serr.Lost = h.volatile.Len(), true
	} else if !h.synchronous {
		serr.Unhandled = int(h.inflight.Load())
	}
	h.hardCancel()
	h.logger.LogAttrs(context.Background(), slog.LevelWarn, "pluggy: webhook handler shutdown deadline passed",
		slog.Int("unhandled", serr.Unhandled), slog.Bool("lost", serr.Lost))
	return serr
}

// finished reports whether every delivery and every worker has ended.
func (h *WebhookHandler) finished() bool {
	select {
	case <-h.idle:
	default:
		return false
	}
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// Close is Shutdown without a deadline: it waits for every accepted event.
func (h *WebhookHandler) Close() error { return h.Shutdown(context.Background()) }
