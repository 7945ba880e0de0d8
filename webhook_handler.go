package pluggy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the webhook handler.
const (
	// DefaultWebhookMaxBody is the largest body the handler reads (1 MiB).
	DefaultWebhookMaxBody = 1 << 20
	// DefaultWebhookWorkers is how many events are handled at once in
	// queued mode.
	DefaultWebhookWorkers = 4
	// DefaultWebhookQueue is how many acknowledged events may wait for a
	// worker in the default MemoryQueue before the handler answers 503.
	DefaultWebhookQueue = 256
	// DefaultDedupeTTL is how long the default store remembers a handled
	// eventId.
	DefaultDedupeTTL = 24 * time.Hour
	// DefaultDedupeEntries is how many eventIds the default store remembers
	// at most; past it the oldest are forgotten first.
	DefaultDedupeEntries = 100_000
	// DefaultWebhookReadTimeout bounds the reading of a notification's
	// body. Pluggy sends a small body at once; a client that trickles one
	// (slowloris) is cut off with 408.
	DefaultWebhookReadTimeout = 3 * time.Second
	// DefaultWebhookSyncTimeout bounds the EventFunc in synchronous mode,
	// well inside the 10 seconds Pluggy waits for an answer.
	DefaultWebhookSyncTimeout = 5 * time.Second
	// DefaultWebhookLease is how long a claim on an eventId lasts before it
	// expires when its holder neither completes nor releases it (the
	// process died): a redelivery after that is handled.
	DefaultWebhookLease = time.Minute
	// DefaultWebhookStoreTimeout bounds each call of a delivery to the
	// DedupeStore or the Queue; past it the answer is 503.
	DefaultWebhookStoreTimeout = 2 * time.Second
)

// EventFunc handles one webhook event. In synchronous mode its result is
// Pluggy's answer (nil: 200; an error: 500, and Pluggy delivers the event
// again); in queued mode it runs on a worker after Pluggy was answered, and
// its error makes the worker retry the event (WithWebhookMaxAttempts).
// Either way it may run more than once for an event: make it idempotent.
type EventFunc func(ctx context.Context, ev Event) error

// WebhookHandler is an http.Handler that receives Pluggy's webhook
// notifications. Each request goes through these checks, in order:
//
//  1. the method is POST, or 405 with an Allow header;
//  2. the handler is not shutting down, or 503 at once;
//  3. with WithWebhookAllowedIPs, the source address is allowed, or 403;
//  4. the secret header holds the current or a previous secret, compared
//     in constant time, or 401 (which Pluggy does not retry);
//  5. the body fits the limit (1 MiB by default), or 413, and arrives
//     within the read timeout (3 s by default), or 408;
//  6. the body is a webhook event (ParseWebhookEvent), or 400;
//  7. with WithWebhookClientID, the event's clientId, when it has one, is
//     ours, or 403;
//  8. the eventId is claimed in the DedupeStore: an id already handled is
//     acknowledged with 200 and not handled again; while another delivery
//     of the same id is being handled, by this handler the duplicate waits
//     for its outcome (and is answered as above once it is known), by
//     another process it gets 503 with a Retry-After (that delivery may
//     still fail); a store that fails or takes longer than the store
//     timeout gets 503;
//  9. the event is handled according to the mode (below).
//
// Events without an eventId skip step 8.
//
// # Delivery semantics
//
// Synchronous mode (WithWebhookSynchronous): the EventFunc runs inside the
// request, and the answer is 200 only after it returned nil, within the
// timeout (5 s by default); then the eventId is completed in the store. An
// error or a panic answers 500, the timeout 503; the claim is released (as
// soon as the EventFunc has returned, if it outlives the timeout), so
// Pluggy's redelivery runs it again. Guaranteed: every event Pluggy gets a
// 2xx for was handled, at least once; with the dedupe store, a redelivery
// of a handled event is not handled again (effectively once while the
// store remembers the id). Not guaranteed: that an event is handled at all
// when Pluggy stops redelivering (it retries a few times, then drops it),
// or exactly once when the EventFunc succeeds but the store cannot record
// it.
//
// Queued mode (the default): the answer is 200 once the event is in the
// Queue; workers (WithWebhookWorkers) then receive it, run the EventFunc,
// and acknowledge it only after it returned nil; an error or a panic gives
// it back for another attempt after a backoff, up to WithWebhookMaxAttempts
// (1 by default), and then to the dead-letter function
// (WithWebhookDeadLetter) before it is acknowledged. The default Queue is a
// MemoryQueue: at most once, as it loses what it holds when the process
// stops or crashes, although Pluggy was told 200. With a durable Queue (the
// redis module's) an event survives a crash and is redelivered after the
// queue's visibility timeout: at least once.
//
// Shutdown stops the handler: see its documentation. Create a handler with
// NewWebhookHandler. It is safe for concurrent use.
type WebhookHandler struct {
	fn           EventFunc
	headerName   string
	secrets      [][sha256.Size]byte
	noSecret     bool
	clientID     string
	maxBody      int64
	allowed      []netip.Prefix
	trusted      []netip.Prefix
	store        DedupeStore
	clock        Clock
	logger       *slog.Logger
	onError      func(ctx context.Context, ev Event, err error)
	deadLetter   func(ctx context.Context, ev Event, err error)
	eventTimeout time.Duration
	workers      int
	queueSize    int
	synchronous  bool
	syncTimeout  time.Duration
	readTimeout  time.Duration
	lease        time.Duration
	dedupeTTL    time.Duration
	storeTimeout time.Duration
	maxAttempts  int
	backoff      time.Duration
	queue        Queue
	volatile     *MemoryQueue // the queue when it dies with the process
	fastStore    bool         // the store and queue are in memory: no call can block

	// Lifecycle. mu guards closed, active and local; no store, queue or
	// EventFunc call is ever made while holding it.
	mu       sync.Mutex
	closed   bool
	closing  chan struct{}            // closed when Shutdown starts
	active   int                      // deliveries and synchronous EventFuncs running
	idle     chan struct{}            // closed when closed and active == 0
	local    map[string]chan struct{} // eventIds claimed by this handler, until settled
	inflight atomic.Int64             // queued events a worker is handling

	hardCtx    context.Context // ends when a Shutdown deadline passes
	hardCancel context.CancelFunc
	recvCtx    context.Context // ends when the workers must stop receiving
	recvCancel context.CancelFunc
	done       chan struct{} // closed when every worker has returned
}

// WebhookShutdownError is Shutdown's error when its context ended before
// the handler was done. It matches ctx's error with errors.Is.
type WebhookShutdownError struct {
	// Unhandled counts the events Pluggy was answered 2xx for and this
	// handler did not handle: events still queued and events whose
	// EventFunc was cut short. It is 0 in synchronous mode, where no event
	// is acknowledged before it was handled.
	Unhandled int
	// Lost reports whether those events are gone (the MemoryQueue) rather
	// than left in a durable Queue for another worker to receive.
	Lost bool
	// Err is ctx's error.
	Err error
}

// Error says how many events were left unhandled and where they are.
func (e *WebhookShutdownError) Error() string {
	where := "left in the queue for redelivery"
	if e.Lost {
		where = "lost with the in-memory queue"
	}
	return fmt.Sprintf("pluggy: webhook handler shutdown: %v; %d acknowledged event(s) not handled, %s", e.Err, e.Unhandled, where)
}

// Unwrap returns ctx's error.
func (e *WebhookShutdownError) Unwrap() error { return e.Err }

// WebhookOption configures a WebhookHandler.
type WebhookOption func(*WebhookHandler) error

// WithWebhookSecret makes the handler require header (the one you gave in
// CreateWebhookParams.Headers) to equal secret, or one of previous while a
// rotation is under way: register the new secret with Pluggy
// (Webhooks.Update), keep the old one in previous until every delivery
// carries the new one, then drop it. Comparisons take constant time and
// the handler keeps only SHA-256 digests of the secrets; they never appear
// in a log line or error. NewWebhookSecret makes a good secret.
func WithWebhookSecret(header, secret string, previous ...string) WebhookOption {
	return func(h *WebhookHandler) error {
		if !webhookHeaderName(header) {
			return fmt.Errorf("pluggy: WithWebhookSecret: %.60q is not a valid header name", header)
		}
		h.headerName = http.CanonicalHeaderKey(header)
		h.secrets = h.secrets[:0]
		for i, s := range append([]string{secret}, previous...) {
			if err := checkWebhookSecret(s); err != nil {
				which := "secret"
				if i > 0 {
					which = fmt.Sprintf("previous secret #%d", i)
				}
				return fmt.Errorf("pluggy: WithWebhookSecret: %s %s", which, err)
			}
			h.secrets = append(h.secrets, sha256.Sum256([]byte(s)))
		}
		return nil
	}
}

func checkWebhookSecret(s string) error {
	if s == "" {
		return errors.New("is empty")
	}
	if strings.TrimSpace(s) != s {
		return errors.New("has leading or trailing spaces, which HTTP strips from header values")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f {
			return errors.New("holds a control character")
		}
	}
	return nil
}

// WithoutWebhookSecret accepts notifications without a secret header.
// NewWebhookHandler refuses to build a handler with neither this nor
// WithWebhookSecret; use it only behind another check (a webhookUrl set on an
// item or connect token gets no custom headers), such as
// WithWebhookAllowedIPs.
func WithoutWebhookSecret() WebhookOption {
	return func(h *WebhookHandler) error {
		h.noSecret = true
		return nil
	}
}

// WithWebhookClientID answers 403 to an event whose clientId is not
// clientID, your application's client id. Pluggy leaves clientId out of some
// events (connector/status_updated); those are accepted.
func WithWebhookClientID(clientID string) WebhookOption {
	return func(h *WebhookHandler) error {
		if strings.TrimSpace(clientID) == "" {
			return errors.New("pluggy: WithWebhookClientID: empty client id")
		}
		h.clientID = strings.TrimSpace(clientID)
		return nil
	}
}

// WithWebhookMaxBodyBytes sets the largest body the handler reads; larger
// ones get 413. The default is DefaultWebhookMaxBody (1 MiB).
func WithWebhookMaxBodyBytes(n int64) WebhookOption {
	return func(h *WebhookHandler) error {
		if n < 1 {
			return fmt.Errorf("pluggy: WithWebhookMaxBodyBytes: %d is not positive", n)
		}
		h.maxBody = n
		return nil
	}
}

// WithWebhookAllowedIPs answers 403 to requests whose source address is not
// one of addrs, each an IP ("177.71.238.212") or a CIDR prefix
// ("2001:db8::/32"); IPv4-mapped IPv6 addresses count as IPv4. Ask Pluggy
// for the addresses it sends from.
//
// The source address is the connection's peer. Behind a reverse proxy or
// load balancer, add WithWebhookTrustedProxies, or every request will seem
// to come from the proxy.
func WithWebhookAllowedIPs(addrs ...string) WebhookOption {
	return func(h *WebhookHandler) error {
		ps, err := parsePrefixes(addrs)
		if err != nil {
			return fmt.Errorf("pluggy: WithWebhookAllowedIPs: %w", err)
		}
		if len(ps) == 0 {
			return errors.New("pluggy: WithWebhookAllowedIPs: no address given")
		}
		h.allowed = append(h.allowed, ps...)
		return nil
	}
}

// WithWebhookTrustedProxies names your own reverse proxies (IPs or CIDR
// prefixes), so that the source address checked by WithWebhookAllowedIPs
// is taken from X-Forwarded-For. X-Forwarded-For is read only when the
// connection's peer is one of these proxies, and then only its right-most
// address that is not a trusted proxy counts: addresses to its left were
// written by the sender and may be forged. When every address in the
// header is a trusted proxy, the left-most one counts. Without this option
// X-Forwarded-For is ignored.
func WithWebhookTrustedProxies(addrs ...string) WebhookOption {
	return func(h *WebhookHandler) error {
		ps, err := parsePrefixes(addrs)
		if err != nil {
			return fmt.Errorf("pluggy: WithWebhookTrustedProxies: %w", err)
		}
		h.trusted = append(h.trusted, ps...)
		return nil
	}
}

func parsePrefixes(addrs []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(addrs))
	for _, a := range addrs {
		a = strings.TrimSpace(a)
		if strings.Contains(a, "/") {
			p, err := netip.ParsePrefix(a)
			if err != nil {
				return nil, fmt.Errorf("%.60q is not an IP or CIDR prefix", a)
			}
			if p.Addr().Is4In6() {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(a)
		if err != nil {
			return nil, fmt.Errorf("%.60q is not an IP or CIDR prefix", a)
		}
		ip = ip.Unmap().WithZone("")
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}

// WithWebhookDedupeStore replaces the in-memory store of claimed and
// handled eventIds, for instance with one in Redis shared by every instance
// of your service, which then dedupes across them. The default is
// NewMemoryDedupeStore(DefaultDedupeTTL, DefaultDedupeEntries, clock).
func WithWebhookDedupeStore(store DedupeStore) WebhookOption {
	return func(h *WebhookHandler) error {
		if store == nil {
			return errors.New("pluggy: WithWebhookDedupeStore: nil store")
		}
		h.store = store
		return nil
	}
}

// WithWebhookWorkers sets, in queued mode, how many events are handled at
// once (workers, DefaultWebhookWorkers by default) and how many
// acknowledged events the default MemoryQueue may hold beyond those being
// handled (queue, DefaultWebhookQueue by default; 0 means an event is
// accepted only when a worker is free for it). Past that the handler
// answers 503 and Pluggy retries. queue is ignored with WithWebhookQueue.
func WithWebhookWorkers(workers, queue int) WebhookOption {
	return func(h *WebhookHandler) error {
		if workers < 1 || queue < 0 {
			return fmt.Errorf("pluggy: WithWebhookWorkers: need workers >= 1 and queue >= 0, got %d and %d", workers, queue)
		}
		h.workers, h.queueSize = workers, queue
		return nil
	}
}

// WithWebhookEventTimeout bounds each call of the EventFunc in queued mode:
// its context ends after d. The default is no bound. (Synchronous mode has
// its own timeout: WithWebhookSynchronous.)
func WithWebhookEventTimeout(d time.Duration) WebhookOption {
	return func(h *WebhookHandler) error {
		if d < 0 {
			return fmt.Errorf("pluggy: WithWebhookEventTimeout: %s is negative", d)
		}
		h.eventTimeout = d
		return nil
	}
}

// WithWebhookClock replaces the system clock of the default dedupe store
// and the default MemoryQueue (lease and TTL expiry, retry delays), for
// tests.
func WithWebhookClock(clk Clock) WebhookOption {
	return func(h *WebhookHandler) error {
		if clk == nil {
			return errors.New("pluggy: WithWebhookClock: nil Clock")
		}
		h.clock = clk
		return nil
	}
}

// WithWebhookLogger logs each refused request (status, reason, source
// address), each duplicate, each EventFunc error and each store or queue
// failure. Header values and bodies are never logged. The default is
// silent.
func WithWebhookLogger(l *slog.Logger) WebhookOption {
	return func(h *WebhookHandler) error {
		if l == nil {
			return errors.New("pluggy: WithWebhookLogger: nil logger")
		}
		h.logger = l
		return nil
	}
}

// WithWebhookErrorHandler calls f with every error the EventFunc returns
// (a panic in it becomes an error too, and so does the synchronous
// timeout), for alerts. An EventFunc cut short by Shutdown's deadline is
// not reported here.
func WithWebhookErrorHandler(f func(ctx context.Context, ev Event, err error)) WebhookOption {
	return func(h *WebhookHandler) error {
		h.onError = f
		return nil
	}
}

// WithWebhookSynchronous selects synchronous mode: the EventFunc runs
// inside the request and Pluggy is answered 200 only once it returned nil,
// 500 when it failed and 503 when it did not return within timeout
// (DefaultWebhookSyncTimeout when timeout is 0), so that Pluggy delivers
// the event again. Keep timeout well inside the 10 s Pluggy waits. See
// WebhookHandler for what is guaranteed. WithWebhookWorkers,
// WithWebhookMaxAttempts, WithWebhookEventTimeout and WithWebhookDeadLetter
// do not apply in this mode, and NewWebhookHandler refuses WithWebhookQueue
// with it.
func WithWebhookSynchronous(timeout time.Duration) WebhookOption {
	return func(h *WebhookHandler) error {
		if timeout < 0 {
			return fmt.Errorf("pluggy: WithWebhookSynchronous: timeout %s is negative", timeout)
		}
		if timeout == 0 {
			timeout = DefaultWebhookSyncTimeout
		}
		h.synchronous, h.syncTimeout = true, timeout
		return nil
	}
}

// WithWebhookQueue replaces the default MemoryQueue of queued mode, for
// instance with a durable one shared by every instance of your service
// (the redis module's). The handler answers 200 once q.Enqueue returned nil
// and its workers receive from q. Its visibility timeout must outlast the
// EventFunc (bound it with WithWebhookEventTimeout), or a slow event is
// delivered to a second worker while the first still runs.
func WithWebhookQueue(q Queue) WebhookOption {
	return func(h *WebhookHandler) error {
		if q == nil {
			return errors.New("pluggy: WithWebhookQueue: nil Queue")
		}
		h.queue = q
		return nil
	}
}

// WithWebhookReadTimeout bounds the reading of a request's body: past d
// (DefaultWebhookReadTimeout by default) the handler stops reading and
// answers 408. It sets the connection's read deadline
// (http.ResponseController); when the ResponseWriter cannot, the read is
// abandoned at d instead. Set your http.Server's timeouts too (see
// examples/webhook-server).
func WithWebhookReadTimeout(d time.Duration) WebhookOption {
	return func(h *WebhookHandler) error {
		if d <= 0 {
			return fmt.Errorf("pluggy: WithWebhookReadTimeout: %s is not positive", d)
		}
		h.readTimeout = d
		return nil
	}
}

// WithWebhookLease sets how long a claim on an eventId lasts
// (DefaultWebhookLease by default) when its holder neither completes nor
// releases it, because the process died or the EventFunc never returned:
// after d a redelivery of the event is handled. In synchronous mode it must
// be longer than the timeout.
func WithWebhookLease(d time.Duration) WebhookOption {
	return func(h *WebhookHandler) error {
		if d <= 0 {
			return fmt.Errorf("pluggy: WithWebhookLease: %s is not positive", d)
		}
		h.lease = d
		return nil
	}
}

// WithWebhookDedupeTTL sets how long a handled (synchronous mode) or
// queued (queued mode) eventId is remembered, so that its redeliveries are
// acknowledged without being handled again. The default is the store's own
// (DefaultDedupeTTL for the default store).
func WithWebhookDedupeTTL(d time.Duration) WebhookOption {
	return func(h *WebhookHandler) error {
		if d <= 0 {
			return fmt.Errorf("pluggy: WithWebhookDedupeTTL: %s is not positive", d)
		}
		h.dedupeTTL = d
		return nil
	}
}

// WithWebhookStoreTimeout bounds each call a delivery makes to the
// DedupeStore or the Queue (DefaultWebhookStoreTimeout by default): past d
// the delivery gets 503, whether or not the store honours its context.
func WithWebhookStoreTimeout(d time.Duration) WebhookOption {
	return func(h *WebhookHandler) error {
		if d <= 0 {
			return fmt.Errorf("pluggy: WithWebhookStoreTimeout: %s is not positive", d)
		}
		h.storeTimeout = d
		return nil
	}
}

// WithWebhookMaxAttempts sets, in queued mode, how many times an event is
// tried (n, 1 by default: no retry) before it goes to the dead-letter
// function and is acknowledged. The first retry waits backoff, each next
// one twice the last, at most a minute. A redelivery by a durable queue
// after a crash counts as an attempt.
func WithWebhookMaxAttempts(n int, backoff time.Duration) WebhookOption {
	return func(h *WebhookHandler) error {
		if n < 1 || backoff < 0 {
			return fmt.Errorf("pluggy: WithWebhookMaxAttempts: need n >= 1 and backoff >= 0, got %d and %s", n, backoff)
		}
		h.maxAttempts, h.backoff = n, backoff
		return nil
	}
}

// WithWebhookDeadLetter calls f, in queued mode, with each event given up
// on after its last attempt and the last error, before it is acknowledged:
// store it for a human or a job of your own. ctx is not the EventFunc's
// (which may have ended with WithWebhookEventTimeout); it ends only with
// Shutdown's deadline, so bound what f does. Without it such events are
// only logged (and passed to WithWebhookErrorHandler, like every error).
func WithWebhookDeadLetter(f func(ctx context.Context, ev Event, err error)) WebhookOption {
	return func(h *WebhookHandler) error {
		h.deadLetter = f
		return nil
	}
}

// NewWebhookSecret returns a random secret (256 bits, URL-safe base64) for
// the header Pluggy sends back with each notification.
func NewWebhookSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// String describes the handler without its secrets.
func (h *WebhookHandler) String() string {
	if h.synchronous {
		return fmt.Sprintf("pluggy.WebhookHandler{header: %q, secrets: %d, clientID: %q, allowedIPs: %d, mode: synchronous, timeout: %s}",
			h.headerName, len(h.secrets), h.clientID, len(h.allowed), h.syncTimeout)
	}
	return fmt.Sprintf("pluggy.WebhookHandler{header: %q, secrets: %d, clientID: %q, allowedIPs: %d, workers: %d, queue: %d}",
		h.headerName, len(h.secrets), h.clientID, len(h.allowed), h.workers, h.queueSize)
}

// GoString is String.
func (h *WebhookHandler) GoString() string { return h.String() }

// Format prints String for every verb.
func (h *WebhookHandler) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, h.String()) }

// LogValue is what log/slog handlers print: String's fields, no secret.
func (h *WebhookHandler) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("header", h.headerName), slog.Int("secrets", len(h.secrets)), slog.String("clientId", h.clientID),
		slog.Int("allowedIPs", len(h.allowed)),
	}
	if h.synchronous {
		attrs = append(attrs, slog.String("mode", "synchronous"), slog.Duration("timeout", h.syncTimeout))
	} else {
		attrs = append(attrs, slog.Int("workers", h.workers), slog.Int("queue", h.queueSize))
	}
	return slog.GroupValue(attrs...)
}

func (h *WebhookHandler) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	if h.logger.Enabled(r.Context(), slog.LevelWarn) {
		src := r.RemoteAddr
		if ip, ok := h.sourceIP(r); ok {
			src = ip.String()
		}
		h.logger.LogAttrs(r.Context(), slog.LevelWarn, "pluggy: webhook refused",
			slog.Int("status", status), slog.String("reason", reason), slog.String("source", src))
	}
	http.Error(w, reason, status)
}

// authorized compares the secret header with every secret, in constant time
// and without stopping at the first match.
func (h *WebhookHandler) authorized(hdr http.Header) bool {
	vals := hdr.Values(h.headerName)
	if len(vals) != 1 {
		return false
	}
	got := sha256.Sum256([]byte(vals[0]))
	ok := 0
	for i := range h.secrets {
		ok |= subtle.ConstantTimeCompare(got[:], h.secrets[i][:])
	}
	return ok == 1
}

// sourceIP returns the address the request comes from: the peer, or, when
// the peer is a trusted proxy, the right-most untrusted X-Forwarded-For hop.
func (h *WebhookHandler) sourceIP(r *http.Request) (netip.Addr, bool) {
	peer, ok := parseHostAddr(r.RemoteAddr)
	if !ok {
		return netip.Addr{}, false
	}
	if len(h.trusted) == 0 || !prefixesContain(h.trusted, peer) {
		return peer, true
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		for _, hop := range strings.Split(v, ",") {
			if hop = strings.TrimSpace(hop); hop != "" {
				hops = append(hops, hop)
			}
		}
	}
	if len(hops) == 0 {
		return peer, true
	}
	var ip netip.Addr
	for i := len(hops) - 1; i >= 0; i-- {
		if ip, ok = parseHostAddr(hops[i]); !ok {
			return netip.Addr{}, false
		}
		if !prefixesContain(h.trusted, ip) {
			return ip, true
		}
	}
	return ip, true // every hop is a trusted proxy: the left-most
}

// parseHostAddr parses "ip", "ip:port" or "[ipv6]:port", unmapping
// IPv4-mapped IPv6 addresses and dropping zones.
func parseHostAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	ip, err := netip.ParseAddr(s)
	if err != nil {
		ap, err2 := netip.ParseAddrPort(s)
		if err2 != nil {
			return netip.Addr{}, false
		}
		ip = ap.Addr()
	}
	return ip.Unmap().WithZone(""), true
}

func prefixesContain(ps []netip.Prefix, ip netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (h *WebhookHandler) call(ctx context.Context, ev Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pluggy: webhook EventFunc panicked: %v", p)
		}
	}()
	return h.fn(ctx, ev)
}

// callGuarded calls f, one of the user's hooks (what names it in the log:
// "error handler", "dead-letter function"), and logs a panic in it rather
// than let it end the delivery or the worker.
func (h *WebhookHandler) callGuarded(ctx context.Context, what string, f func(context.Context, Event, error), ev Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.logger.LogAttrs(ctx, slog.LevelError, "pluggy: webhook "+what+" panicked",
				slog.String("eventId", ev.EventID), slog.String("panic", fmt.Sprint(p)))
		}
	}()
	f(ctx, ev, err)
}
