package pluggy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	hookHeader   = "X-Webhook-Secret"
	hookSecret   = "hk-5Jv2mQ9tZr8LwX3cN7pB1dF6gH0kS4yA"
	hookPrevious = "hk-OLD-Yt7Rk2Lp9Wm4Qs8Nc1Vb6Xz3Jd5Hf0"
	hookClientID = "6f1c2a9e-3b7d-4c8e-9a15-2d4f6b8c0e13"
	pluggyIP     = "177.71.238.212"
)

// lockedBuffer is a bytes.Buffer safe for the handler's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// eventRecorder is an EventFunc that sends every event to a channel.
type eventRecorder struct{ events chan Event }

func newEventRecorder() *eventRecorder { return &eventRecorder{events: make(chan Event, 1024)} }

func (r *eventRecorder) fn(_ context.Context, ev Event) error {
	r.events <- ev
	return nil
}

// newHook builds a handler with the test secret and closes it at the end.
func newHook(t testing.TB, fn EventFunc, opts ...WebhookOption) *WebhookHandler {
	t.Helper()
	h, err := NewWebhookHandler(fn, append([]WebhookOption{WithWebhookSecret(hookHeader, hookSecret)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// itemUpdated returns an item/updated body with the given eventId.
func itemUpdated(eventID string) string {
	return `{"event":"item/updated","eventId":"` + eventID + `","clientId":"` + hookClientID +
		`","id":"9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37","itemId":"9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37","triggeredBy":"SYNC"}`
}

type reqOpt func(*http.Request)

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Add(k, v) } }
func from(addr string) reqOpt       { return func(r *http.Request) { r.RemoteAddr = addr } }
func noSecret() reqOpt              { return func(r *http.Request) { r.Header.Del(hookHeader) } }

// deliver POSTs body to h as Pluggy would, with the secret header.
func deliver(h http.Handler, body string, opts ...reqOpt) *httptest.ResponseRecorder {
	return deliverMethod(h, http.MethodPost, body, opts...)
}

func deliverMethod(h http.Handler, method, body string, opts ...reqOpt) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/webhooks/pluggy", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(hookHeader, hookSecret)
	r.RemoteAddr = pluggyIP + ":51234"
	for _, o := range opts {
		o(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestWebhookHandlerAcceptsAndHandsOn(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	h := newHook(t, rec.fn, WithWebhookClientID(hookClientID))
	raw := webhookFixture(t, "transactions/created")
	w := deliver(h, string(raw))
	assert.Equal(t, http.StatusOK, w.Code)
	require.NoError(t, h.Close())
	require.Len(t, rec.events, 1)
	ev := <-rec.events
	assert.Equal(t, WebhookEventTransactionsCreated, ev.Type)
	assert.Equal(t, "2c7e1a9f-5d3b-4e80-b6c4-9f1e3a7d5b28", ev.EventID)
	tc, ok := ev.Payload.(*TransactionsCreatedEvent)
	require.True(t, ok)
	assert.Equal(t, "3a7f1e5c-8b2d-4c69-a0e4-6d1b9f3c7e28", tc.AccountID)
	assert.JSONEq(t, string(raw), string(ev.Raw))
}

func TestWebhookHandlerOnlyPOST(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	h := newHook(t, rec.fn)
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		w := deliverMethod(h, m, itemUpdated("e-"+m))
		assert.Equal(t, http.StatusMethodNotAllowed, w.Code, m)
		assert.Equal(t, "POST", w.Header().Get("Allow"), m)
	}
	require.NoError(t, h.Close())
	assert.Empty(t, rec.events)
}

func TestWebhookHandlerSecret(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	rec := newEventRecorder()
	h, err := NewWebhookHandler(rec.fn,
		WithWebhookSecret("x-webhook-secret", hookSecret, hookPrevious),
		WithWebhookLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	defer h.Close()

	cases := []struct {
		name string
		opts []reqOpt
		want int
	}{
		{"current secret", nil, http.StatusOK},
		{"previous secret during rotation", []reqOpt{noSecret(), withHeader(hookHeader, hookPrevious)}, http.StatusOK},
		{"no header", []reqOpt{noSecret()}, http.StatusUnauthorized},
		{"empty header", []reqOpt{noSecret(), withHeader(hookHeader, "")}, http.StatusUnauthorized},
		{"wrong secret", []reqOpt{noSecret(), withHeader(hookHeader, "hk-guess-"+hookSecret[9:])}, http.StatusUnauthorized},
		{"secret with a prefix", []reqOpt{noSecret(), withHeader(hookHeader, hookSecret+"x")}, http.StatusUnauthorized},
		{"secret in another header", []reqOpt{noSecret(), withHeader("Authorization", hookSecret)}, http.StatusUnauthorized},
		{"header twice", []reqOpt{withHeader(hookHeader, hookSecret)}, http.StatusUnauthorized},
	}
	for i, tc := range cases {
		w := deliver(h, itemUpdated(fmt.Sprintf("evt-%d", i)), tc.opts...)
		assert.Equal(t, tc.want, w.Code, tc.name)
		assert.NotContains(t, w.Body.String(), hookSecret, tc.name)
	}
	require.NoError(t, h.Close())
	assert.Len(t, rec.events, 2, "only the two authenticated events are handed on")
	out := logs.String()
	assert.Contains(t, out, "status=401")
	for _, s := range []string{hookSecret, hookPrevious, "hk-guess-"} {
		assert.NotContains(t, out, s, "no secret, nor a guess of one, in the logs")
	}
}

func TestWebhookHandlerWithoutSecret(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	h, err := NewWebhookHandler(rec.fn, WithoutWebhookSecret())
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("e1"), noSecret()).Code)
	require.NoError(t, h.Close())
	assert.Len(t, rec.events, 1)
}

func TestWebhookHandlerBodyLimit(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	h := newHook(t, rec.fn)
	big := `{"event":"item/updated","eventId":"big","itemId":"` + strings.Repeat("a", DefaultWebhookMaxBody) + `"}`
	assert.Equal(t, http.StatusRequestEntityTooLarge, deliver(h, big).Code, "declared length")

	// Without a Content-Length (chunked), the limit stops the read.
	w := deliver(h, big, func(r *http.Request) { r.ContentLength = -1 })
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code, "chunked")

	small := newHook(t, rec.fn, WithWebhookMaxBodyBytes(64))
	assert.Equal(t, http.StatusRequestEntityTooLarge, deliver(small, itemUpdated("e1")).Code)
	assert.Equal(t, http.StatusOK, deliver(small, `{"event":"item/updated","eventId":"e2","itemId":"i"}`).Code)

	// The secret is checked before the body is read.
	assert.Equal(t, http.StatusUnauthorized, deliver(h, big, noSecret()).Code)
}

func TestWebhookHandlerBadJSON(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	h := newHook(t, rec.fn)
	for _, body := range []string{``, `not json`, `[]`, `{"eventId":"e1"}`, `{"event":"item/updated","itemId":7}`, `{"event":"item/updated"`} {
		w := deliver(h, body)
		assert.Equal(t, http.StatusBadRequest, w.Code, "%q", body)
	}
	require.NoError(t, h.Close())
	assert.Empty(t, rec.events)
}

func TestWebhookHandlerClientID(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	h := newHook(t, rec.fn, WithWebhookClientID(hookClientID))
	other := strings.Replace(itemUpdated("e1"), hookClientID, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 1)
	assert.Equal(t, http.StatusForbidden, deliver(h, other).Code, "another application's event")
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("e2")).Code, "ours")
	assert.Equal(t, http.StatusOK, deliver(h, string(webhookFixture(t, "connector/status_updated"))).Code, "no clientId")
	require.NoError(t, h.Close())
	assert.Len(t, rec.events, 2)
}

func TestWebhookHandlerSourceIP(t *testing.T) {
	t.Parallel()
	const proxy = "10.0.0.7"
	rec := newEventRecorder()
	direct := newHook(t, rec.fn, WithWebhookAllowedIPs(pluggyIP, "2804:1b3::/32"))
	proxied := newHook(t, rec.fn, WithWebhookAllowedIPs(pluggyIP), WithWebhookTrustedProxies("10.0.0.0/24", "192.168.1.1"))
	cases := []struct {
		name string
		h    *WebhookHandler
		opts []reqOpt
		want int
	}{
		{"allowed peer", direct, nil, http.StatusOK},
		{"allowed peer, IPv4-mapped", direct, []reqOpt{from("[::ffff:" + pluggyIP + "]:443")}, http.StatusOK},
		{"allowed CIDR", direct, []reqOpt{from("[2804:1b3:a:1::9]:443")}, http.StatusOK},
		{"other peer", direct, []reqOpt{from("203.0.113.9:4000")}, http.StatusForbidden},
		{"X-Forwarded-For ignored when not told", direct, []reqOpt{from("203.0.113.9:4000"), withHeader("X-Forwarded-For", pluggyIP)}, http.StatusForbidden},
		{"garbage peer", direct, []reqOpt{from("not-an-address")}, http.StatusForbidden},
		{"through the proxy", proxied, []reqOpt{from(proxy + ":80"), withHeader("X-Forwarded-For", pluggyIP)}, http.StatusOK},
		{"forged left hop ignored", proxied, []reqOpt{from(proxy + ":80"), withHeader("X-Forwarded-For", "203.0.113.9, "+pluggyIP)}, http.StatusOK},
		{"right-most untrusted hop counts", proxied, []reqOpt{from(proxy + ":80"), withHeader("X-Forwarded-For", pluggyIP+", 203.0.113.9")}, http.StatusForbidden},
		{"two proxies", proxied, []reqOpt{from(proxy + ":80"), withHeader("X-Forwarded-For", "203.0.113.9, "+pluggyIP+", 192.168.1.1")}, http.StatusOK},
		{"two headers", proxied, []reqOpt{from(proxy + ":80"), withHeader("X-Forwarded-For", "203.0.113.9"), withHeader("X-Forwarded-For", pluggyIP)}, http.StatusOK},
		{"hop with port", proxied, []reqOpt{from(proxy + ":80"), withHeader("X-Forwarded-For", pluggyIP+":61000")}, http.StatusOK},
		{"malformed hop", proxied, []reqOpt{from(proxy + ":80"), withHeader("X-Forwarded-For", "unknown")}, http.StatusForbidden},
		{"only proxies", proxied, []reqOpt{from(proxy + ":80"), withHeader("X-Forwarded-For", "10.0.0.9")}, http.StatusForbidden},
		{"no header from the proxy", proxied, []reqOpt{from(proxy + ":80")}, http.StatusForbidden},
		{"header from a non-proxy peer", proxied, []reqOpt{from("203.0.113.9:4000"), withHeader("X-Forwarded-For", pluggyIP)}, http.StatusForbidden},
		{"Pluggy direct, no proxy", proxied, nil, http.StatusOK},
	}
	for i, tc := range cases {
		w := deliver(tc.h, itemUpdated(fmt.Sprintf("ip-%d", i)), tc.opts...)
		assert.Equal(t, tc.want, w.Code, tc.name)
	}
	// The IP check comes before the secret: no secret is even compared.
	assert.Equal(t, http.StatusForbidden, deliver(direct, itemUpdated("ip-x"), from("203.0.113.9:1"), noSecret()).Code)
}

func TestWebhookHandlerDuplicatesHandedOnOnce(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	h := newHook(t, rec.fn)
	for i := 0; i < 3; i++ {
		assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("0b9e4d2c-7a1f-4c63-8e5b-a2d6f9c1e847")).Code)
	}
	// Without an eventId nothing can be deduplicated.
	noID := `{"event":"item/updated","itemId":"9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37"}`
	assert.Equal(t, http.StatusOK, deliver(h, noID).Code)
	assert.Equal(t, http.StatusOK, deliver(h, noID).Code)
	require.NoError(t, h.Close())
	assert.Len(t, rec.events, 3)
}

func TestWebhookHandlerDedupeUsesItsClock(t *testing.T) {
	t.Parallel()
	clk := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	rec := newEventRecorder()
	h := newHook(t, rec.fn, WithWebhookClock(clk))
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("ttl-1")).Code)
	clk.Advance(DefaultDedupeTTL - time.Second)
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("ttl-1")).Code)
	clk.Advance(time.Second)
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("ttl-1")).Code)
	require.NoError(t, h.Close())
	assert.Len(t, rec.events, 2, "handed on again once the TTL has passed")
}

func TestWebhookHandlerConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	const ids, copies = 8, 25
	var mu sync.Mutex
	handled := map[string]int{}
	h := newHook(t, func(_ context.Context, ev Event) error {
		mu.Lock()
		handled[ev.EventID]++
		mu.Unlock()
		return nil
	}, WithWebhookWorkers(4, ids*copies))

	var wg sync.WaitGroup
	codes := make(chan int, ids*copies)
	start := make(chan struct{})
	for c := 0; c < copies; c++ {
		for i := 0; i < ids; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes <- deliver(h, itemUpdated(fmt.Sprintf("dup-%d", i))).Code
			}()
		}
	}
	close(start)
	wg.Wait()
	close(codes)
	for code := range codes {
		assert.Equal(t, http.StatusOK, code)
	}
	require.NoError(t, h.Close())
	require.Len(t, handled, ids)
	for id, n := range handled {
		assert.Equal(t, 1, n, id)
	}
}

func TestWebhookHandlerAnswersBeforeTheEventFuncEnds(t *testing.T) {
	t.Parallel()
	started := make(chan string, 8)
	release := make(chan struct{})
	h := newHook(t, func(_ context.Context, ev Event) error {
		started <- ev.EventID
		<-release
		return nil
	}, WithWebhookWorkers(1, 4))

	// The first event blocks the only worker; the handler still answers it
	// and the next four at once, before anything is released.
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("slow-0")).Code)
	assert.Equal(t, "slow-0", waitFor(t, started, release))
	for i := 1; i <= 4; i++ {
		assert.Equal(t, http.StatusOK, deliver(h, itemUpdated(fmt.Sprintf("slow-%d", i))).Code)
	}
	assert.Empty(t, started, "the worker is still blocked on the first event")
	close(release)
	require.NoError(t, h.Close())
	assert.Len(t, started, 4, "the queued events were handled at Close")
}

// waitFor receives from ch. A deadlock (the handler waiting for the
// EventFunc it should not wait for) fails the test instead of hanging it.
func waitFor[T any](t *testing.T, ch <-chan T, release chan struct{}) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		if release != nil {
			close(release)
		}
		t.Fatal("deadlock: nothing arrived")
		panic("unreachable")
	}
}

func TestWebhookHandlerQueueFull(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	handled := make(chan string, 8)
	h := newHook(t, func(_ context.Context, ev Event) error {
		<-release
		handled <- ev.EventID
		return nil
	}, WithWebhookWorkers(1, 1))

	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("q-1")).Code, "taken by the worker")
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("q-2")).Code, "queued")
	w := deliver(h, itemUpdated("q-3"))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "queue full")
	assert.NotEmpty(t, w.Header().Get("Retry-After"))

	close(release)
	assert.Equal(t, "q-1", waitFor(t, handled, nil))
	assert.Equal(t, "q-2", waitFor(t, handled, nil))
	// Pluggy's retry of the refused event is accepted: a 503 does not mark
	// its eventId as seen.
	assert.Equal(t, http.StatusOK, deliver(h, itemUpdated("q-3")).Code)
	require.NoError(t, h.Close())
	assert.Equal(t, "q-3", <-handled)
}

func TestWebhookHandlerShutdown(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	h := newHook(t, rec.fn)
	for i := 0; i < 5; i++ {
		require.Equal(t, http.StatusOK, deliver(h, itemUpdated(fmt.Sprintf("s-%d", i))).Code)
	}
	require.NoError(t, h.Shutdown(context.Background()))
	assert.Len(t, rec.events, 5, "Shutdown drains the queue")
	w := deliver(h, itemUpdated("late"))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "after Shutdown, Pluggy is asked to retry")
	require.NoError(t, h.Close(), "a second call is harmless")
}

func TestWebhookHandlerShutdownDeadline(t *testing.T) {
	t.Parallel()
	running := make(chan struct{})
	cancelled := make(chan error, 1)
	var calls atomic.Int32
	h := newHook(t, func(ctx context.Context, ev Event) error {
		calls.Add(1)
		close(running)
		<-ctx.Done()
		cancelled <- ctx.Err()
		return ctx.Err()
	}, WithWebhookWorkers(1, 4))
	require.Equal(t, http.StatusOK, deliver(h, itemUpdated("d-1")).Code)
	require.Equal(t, http.StatusOK, deliver(h, itemUpdated("d-2")).Code)
	<-running

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := h.Shutdown(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, <-cancelled, context.Canceled, "the running EventFunc sees its context end")
	require.NoError(t, h.Close())
	assert.Equal(t, int32(1), calls.Load(), "the queued event is dropped, not handled after the deadline")
}

func TestWebhookHandlerEventFuncFailures(t *testing.T) {
	t.Parallel()
	type failure struct {
		id  string
		err error
	}
	failures := make(chan failure, 4)
	logs := &lockedBuffer{}
	h := newHook(t, func(_ context.Context, ev Event) error {
		switch ev.EventID {
		case "fails":
			return errors.New("banco indisponível")
		case "panics":
			panic("nil map")
		}
		return nil
	},
		WithWebhookErrorHandler(func(_ context.Context, ev Event, err error) { failures <- failure{ev.EventID, err} }),
		WithWebhookLogger(slog.New(slog.NewTextHandler(logs, nil))),
		WithWebhookWorkers(1, 8))
	for _, id := range []string{"fails", "panics", "fine"} {
		assert.Equal(t, http.StatusOK, deliver(h, itemUpdated(id)).Code)
	}
	require.NoError(t, h.Close())
	require.Len(t, failures, 2)
	f := <-failures
	assert.Equal(t, "fails", f.id)
	assert.EqualError(t, f.err, "banco indisponível")
	f = <-failures
	assert.Equal(t, "panics", f.id)
	assert.Contains(t, f.err.Error(), "panicked: nil map")
	assert.Contains(t, logs.String(), "banco indisponível")
}

func TestWebhookHandlerEventTimeout(t *testing.T) {
	t.Parallel()
	deadlines := make(chan bool, 1)
	h := newHook(t, func(ctx context.Context, _ Event) error {
		_, ok := ctx.Deadline()
		deadlines <- ok
		return nil
	}, WithWebhookEventTimeout(time.Minute))
	require.Equal(t, http.StatusOK, deliver(h, itemUpdated("t-1")).Code)
	require.NoError(t, h.Close())
	assert.True(t, <-deadlines)
}

type failingStore struct{ calls atomic.Int32 }

func (s *failingStore) Claim(context.Context, string, time.Duration) (ClaimResult, error) {
	s.calls.Add(1)
	return ClaimResult{}, errors.New("redis: connection refused")
}

func (s *failingStore) Complete(context.Context, string, time.Duration) error {
	return errors.New("redis: connection refused")
}

func (s *failingStore) Release(context.Context, string, string) error {
	return errors.New("redis: connection refused")
}

func TestWebhookHandlerDedupeStoreFailure(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	store := &failingStore{}
	h := newHook(t, rec.fn, WithWebhookDedupeStore(store), WithWebhookWorkers(1, 1))
	for i := 0; i < 4; i++ {
		assert.Equal(t, http.StatusServiceUnavailable, deliver(h, itemUpdated("r-1")).Code)
	}
	assert.Equal(t, int32(4), store.calls.Load(), "each refusal gives its slot back")
	require.NoError(t, h.Close())
	assert.Empty(t, rec.events)
}

func TestMemoryDedupeStore(t *testing.T) {
	t.Parallel()
	clk := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	s := NewMemoryDedupeStore(time.Hour, 3, clk)
	ctx := context.Background()
	// claim claims and completes id, and reports whether it was new.
	claim := func(id string) bool {
		r, err := s.Claim(ctx, id, time.Minute)
		require.NoError(t, err)
		if r.Status != ClaimAcquired {
			return false
		}
		require.NoError(t, s.Complete(ctx, id, 0))
		return true
	}
	assert.True(t, claim("a"))
	assert.False(t, claim("a"))
	clk.Advance(time.Hour - time.Nanosecond)
	assert.False(t, claim("a"), "still inside the TTL")
	clk.Advance(time.Nanosecond)
	assert.True(t, claim("a"), "forgotten after the TTL")

	assert.True(t, claim("b"))
	assert.True(t, claim("c"))
	assert.True(t, claim("d"))
	assert.Equal(t, 3, s.Len(), "bounded")
	assert.True(t, claim("a"), "the oldest was forgotten first")
	assert.False(t, claim("d"))

	clk.Advance(2 * time.Hour)
	assert.True(t, claim("e"))
	assert.Equal(t, 1, s.Len(), "expired entries are dropped")
}

func TestMemoryDedupeStoreStaysBounded(t *testing.T) {
	t.Parallel()
	clk := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	s := NewMemoryDedupeStore(time.Hour, 100, clk)
	for i := 0; i < 20_000; i++ {
		r, err := s.Claim(context.Background(), fmt.Sprintf("evt-%d", i), time.Minute)
		require.NoError(t, err)
		require.Equal(t, ClaimAcquired, r.Status)
	}
	assert.Equal(t, 100, s.Len())
	s.mu.Lock()
	defer s.mu.Unlock()
	assert.LessOrEqual(t, len(s.order), 2*1024+100, "the queue is compacted")
	assert.Equal(t, 100, len(s.order)-s.head)
}

// TestMemoryDedupeStoreKeepsLongIDsAsDigests: an eventId is whatever the
// sender put in the body (up to its size limit); past 200 bytes the store
// keeps a digest, and ids that differ only after 200 bytes stay apart.
func TestMemoryDedupeStoreKeepsLongIDsAsDigests(t *testing.T) {
	t.Parallel()
	clk := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	s := NewMemoryDedupeStore(time.Hour, 0, clk)
	ctx := context.Background()
	long := strings.Repeat("x", 64<<10)
	a, b := long+"-a", long+"-b"
	ra, err := s.Claim(ctx, a, time.Minute)
	require.NoError(t, err)
	require.Equal(t, ClaimAcquired, ra.Status)
	rb, err := s.Claim(ctx, b, time.Minute)
	require.NoError(t, err)
	require.Equal(t, ClaimAcquired, rb.Status, "ids differing after 200 bytes are two ids")
	again, err := s.Claim(ctx, a, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, ClaimInProgress, again.Status)

	require.NoError(t, s.Complete(ctx, a, 0))
	done, err := s.Claim(ctx, a, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, ClaimCompleted, done.Status)
	require.NoError(t, s.Release(ctx, b, rb.Token))
	rb2, err := s.Claim(ctx, b, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, ClaimAcquired, rb2.Status, "released, the long id is claimed again")

	short := strings.Repeat("y", 200)
	r, err := s.Claim(ctx, short, time.Minute)
	require.NoError(t, err)
	require.Equal(t, ClaimAcquired, r.Status)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, kept := s.seen[short]
	assert.True(t, kept, "an id of 200 bytes is kept as it is")
	for k := range s.seen {
		assert.LessOrEqual(t, len(k), 200, "the store holds no id longer than 200 bytes")
	}
	for _, e := range s.order[s.head:] {
		assert.LessOrEqual(t, len(e.id), 200, "nor does its order queue")
	}
}

func TestNewWebhookHandlerRefusesBadOptions(t *testing.T) {
	t.Parallel()
	fn := func(context.Context, Event) error { return nil }
	cases := map[string][]WebhookOption{
		"no secret":             nil,
		"secret and no secret":  {WithWebhookSecret(hookHeader, hookSecret), WithoutWebhookSecret()},
		"bad header name":       {WithWebhookSecret("X Secret", hookSecret)},
		"empty secret":          {WithWebhookSecret(hookHeader, "")},
		"secret with spaces":    {WithWebhookSecret(hookHeader, " "+hookSecret)},
		"secret with a newline": {WithWebhookSecret(hookHeader, hookSecret+"\n")},
		"empty previous":        {WithWebhookSecret(hookHeader, hookSecret, "")},
		"bad IP":                {WithoutWebhookSecret(), WithWebhookAllowedIPs("177.71.238")},
		"bad CIDR":              {WithoutWebhookSecret(), WithWebhookAllowedIPs("177.71.238.0/33")},
		"no IP":                 {WithoutWebhookSecret(), WithWebhookAllowedIPs()},
		"bad proxy":             {WithoutWebhookSecret(), WithWebhookTrustedProxies("proxy.local")},
		"no workers":            {WithoutWebhookSecret(), WithWebhookWorkers(0, 1)},
		"negative queue":        {WithoutWebhookSecret(), WithWebhookWorkers(1, -1)},
		"zero body":             {WithoutWebhookSecret(), WithWebhookMaxBodyBytes(0)},
		"empty client id":       {WithoutWebhookSecret(), WithWebhookClientID(" ")},
		"nil store":             {WithoutWebhookSecret(), WithWebhookDedupeStore(nil)},
		"nil clock":             {WithoutWebhookSecret(), WithWebhookClock(nil)},
		"nil logger":            {WithoutWebhookSecret(), WithWebhookLogger(nil)},
		"negative timeout":      {WithoutWebhookSecret(), WithWebhookEventTimeout(-time.Second)},
	}
	for name, opts := range cases {
		h, err := NewWebhookHandler(fn, opts...)
		assert.Error(t, err, name)
		assert.Nil(t, h, name)
		if err != nil {
			assert.NotContains(t, err.Error(), hookSecret, name)
		}
	}
	_, err := NewWebhookHandler(nil, WithoutWebhookSecret())
	assert.Error(t, err)
}

func TestWebhookHandlerHidesSecrets(t *testing.T) {
	t.Parallel()
	h := newHook(t, newEventRecorder().fn, WithWebhookSecret(hookHeader, hookSecret, hookPrevious))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, h)
		assert.NotContains(t, out, hookSecret)
		assert.NotContains(t, out, hookPrevious)
		assert.Contains(t, out, "secrets: 2")
	}
}

func TestNewWebhookSecret(t *testing.T) {
	t.Parallel()
	a, b := NewWebhookSecret(), NewWebhookSecret()
	assert.Len(t, a, 43)
	assert.NotEqual(t, a, b)
	assert.NoError(t, checkWebhookSecret(a))
	assert.NoError(t, checkWebhookHeaders("headers", map[string]string{hookHeader: a}))
}

// FuzzWebhookHandler sends arbitrary bodies and secret header values: the
// handler never panics and answers only with the statuses it documents.
func FuzzWebhookHandler(f *testing.F) {
	f.Add([]byte(itemUpdated("f-1")), hookSecret)
	f.Add([]byte(itemUpdated("f-1")), hookSecret+" ")
	f.Add(webhookFixture(f, "item/error"), "")
	f.Add([]byte(`{"event":"item/updated","itemId":1}`), hookSecret)
	f.Add([]byte("\xff\xfe"), "\x00")
	h, err := NewWebhookHandler(func(context.Context, Event) error { return nil },
		WithWebhookSecret(hookHeader, hookSecret), WithWebhookMaxBodyBytes(4096), WithWebhookWorkers(1, 64))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = h.Close() })
	allowed := map[int]bool{200: true, 400: true, 401: true, 413: true, 503: true}
	f.Fuzz(func(t *testing.T, body []byte, secret string) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header[hookHeader] = []string{secret}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if !allowed[w.Code] {
			t.Fatalf("status %d", w.Code)
		}
		if w.Code == 200 && secret != hookSecret {
			t.Fatal("accepted a wrong secret")
		}
	})
}

func BenchmarkWebhookHandler(b *testing.B) {
	h, err := NewWebhookHandler(func(context.Context, Event) error { return nil },
		WithWebhookSecret(hookHeader, hookSecret), WithWebhookWorkers(2, 1<<14))
	require.NoError(b, err)
	defer h.Close()
	bodies := make([]string, 4096)
	for i := range bodies {
		bodies[i] = itemUpdated(fmt.Sprintf("bench-%d", i))
	}
	b.ReportAllocs()
	i := 0
	var refused int
	for b.Loop() {
		if w := deliver(h, bodies[i%len(bodies)]); w.Code != http.StatusOK {
			refused++
		}
		i++
	}
	b.ReportMetric(float64(refused)/float64(b.N), "refused/op")
}

// ExampleNewWebhookHandler receives Pluggy's notifications on
// /webhooks/pluggy. Register the same header and secret with
// client.Webhooks.Create.
func ExampleNewWebhookHandler() {
	secret := os.Getenv("PLUGGY_WEBHOOK_SECRET")
	if secret == "" {
		secret = "example-secret-do-not-use-in-production"
	}
	handled := make(chan string, 1)
	hook, err := NewWebhookHandler(func(ctx context.Context, ev Event) error {
		switch p := ev.Payload.(type) {
		case *ItemEvent:
			// Re-fetch the item: client.Items.Get(ctx, p.ItemID)
			handled <- fmt.Sprintf("%s for item %s (%s)", ev.Type, p.ItemID, p.TriggeredBy)
		default:
			handled <- string(ev.Type)
		}
		return nil
	},
		WithWebhookSecret("X-Webhook-Secret", secret),
		WithWebhookClientID("6f1c2a9e-3b7d-4c8e-9a15-2d4f6b8c0e13"),
	)
	if err != nil {
		panic(err)
	}
	defer hook.Close()

	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/pluggy", hook)

	// What Pluggy sends:
	req := httptest.NewRequest(http.MethodPost, "/webhooks/pluggy", strings.NewReader(
		`{"event":"item/updated","eventId":"0b9e4d2c-7a1f-4c63-8e5b-a2d6f9c1e847","clientId":"6f1c2a9e-3b7d-4c8e-9a15-2d4f6b8c0e13",`+
			`"id":"9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37","itemId":"9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37","triggeredBy":"SYNC"}`))
	req.Header.Set("X-Webhook-Secret", secret)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, req)
	fmt.Println(w.Code)
	fmt.Println(<-handled)
	_, _ = io.Copy(io.Discard, w.Body)
	// Output:
	// 200
	// item/updated for item 9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37 (SYNC)
}
