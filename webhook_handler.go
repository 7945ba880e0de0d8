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
	"time"
)

// Defaults of the webhook handler.
const (
	// DefaultWebhookMaxBody is the largest body the handler reads (1 MiB).
	DefaultWebhookMaxBody = 1 << 20
	// DefaultWebhookWorkers is how many events are handled at once.
	DefaultWebhookWorkers = 4
	// DefaultWebhookQueue is how many acknowledged events may wait for a
	// worker before the handler answers 503.
	DefaultWebhookQueue = 256
	// DefaultDedupeTTL is how long the default store remembers an eventId.
	DefaultDedupeTTL = 24 * time.Hour
	// DefaultDedupeEntries is how many eventIds the default store remembers
	// at most; past it the oldest are forgotten first.
	DefaultDedupeEntries = 100_000
)

// EventFunc handles one webhook event. The handler calls it from its worker
// pool after Pluggy has been answered, so it may take its time; its error
// cannot make Pluggy retry (the event was already acknowledged) and is
// logged and passed to the WithWebhookErrorHandler function.
type EventFunc func(ctx context.Context, ev Event) error

// WebhookHandler is an http.Handler that receives Pluggy's webhook
// notifications. Each request goes through these checks, in order:
//
//  1. the method is POST, or 405 with an Allow header;
//  2. with WithWebhookAllowedIPs, the source address is allowed, or 403;
//  3. the secret header holds the current or a previous secret, compared
//     in constant time, or 401 (which Pluggy does not retry);
//  4. the body fits the limit (1 MiB by default), or 413;
//  5. the body is a webhook event (ParseWebhookEvent), or 400;
//  6. with WithWebhookClientID, the event's clientId, when it has one, is
//     ours, or 403;
//  7. an eventId already seen is acknowledged with 200 and not handed on;
//  8. the event is queued for the worker pool and acknowledged with 200 at
//     once; when the queue is full, or the handler is shutting down, the
//     answer is 503 so that Pluggy retries later.
//
// Events without an eventId skip step 7. Create it with NewWebhookHandler
// and stop it with Shutdown or Close. It is safe for concurrent use.
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
	eventTimeout time.Duration
	workers      int
	queueSize    int

	mu     sync.RWMutex
	closed bool
	slots  chan struct{}
	queue  chan Event
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

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

// WithWebhookDedupeStore replaces the in-memory store of seen eventIds, for
// instance with one in Redis shared by every instance of your service. The
// default is NewMemoryDedupeStore(DefaultDedupeTTL, DefaultDedupeEntries,
// clock).
func WithWebhookDedupeStore(store DedupeStore) WebhookOption {
	return func(h *WebhookHandler) error {
		if store == nil {
			return errors.New("pluggy: WithWebhookDedupeStore: nil store")
		}
		h.store = store
		return nil
	}
}

// WithWebhookWorkers sets how many events are handled at once (workers,
// DefaultWebhookWorkers by default) and how many acknowledged events may
// wait for them (queue, DefaultWebhookQueue by default; 0 means an event is
// accepted only when it can be queued for a worker at once). Past that the
// handler answers 503 and Pluggy retries.
func WithWebhookWorkers(workers, queue int) WebhookOption {
	return func(h *WebhookHandler) error {
		if workers < 1 || queue < 0 {
			return fmt.Errorf("pluggy: WithWebhookWorkers: need workers >= 1 and queue >= 0, got %d and %d", workers, queue)
		}
		h.workers, h.queueSize = workers, queue
		return nil
	}
}

// WithWebhookEventTimeout bounds each call of the EventFunc: its context
// ends after d. The default is no bound.
func WithWebhookEventTimeout(d time.Duration) WebhookOption {
	return func(h *WebhookHandler) error {
		if d < 0 {
			return fmt.Errorf("pluggy: WithWebhookEventTimeout: %s is negative", d)
		}
		h.eventTimeout = d
		return nil
	}
}

// WithWebhookClock replaces the system clock of the default dedupe store,
// for tests.
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
// address), each duplicate, and each EventFunc error. Header values are
// never logged. The default is silent.
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
// (a panic in it becomes an error too), for alerts or a retry queue of your
// own.
func WithWebhookErrorHandler(f func(ctx context.Context, ev Event, err error)) WebhookOption {
	return func(h *WebhookHandler) error {
		h.onError = f
		return nil
	}
}

// NewWebhookHandler returns a handler that authenticates, parses and
// deduplicates Pluggy's notifications and hands each new event to fn from a
// pool of workers. Mount it on your server's mux; call Shutdown when the
// server stops.
//
// It needs WithWebhookSecret (or, knowingly, WithoutWebhookSecret).
func NewWebhookHandler(fn EventFunc, opts ...WebhookOption) (*WebhookHandler, error) {
	if fn == nil {
		return nil, errors.New("pluggy: NewWebhookHandler: nil EventFunc")
	}
	h := &WebhookHandler{
		fn:        fn,
		maxBody:   DefaultWebhookMaxBody,
		clock:     systemClock{},
		logger:    slog.New(slog.DiscardHandler),
		workers:   DefaultWebhookWorkers,
		queueSize: DefaultWebhookQueue,
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
		return nil, errors.New("pluggy: NewWebhookHandler: WithWebhookSecret and WithoutWebhookSecret together")
	}
	if h.store == nil {
		h.store = NewMemoryDedupeStore(DefaultDedupeTTL, DefaultDedupeEntries, h.clock)
	}
	// slots counts the events queued or being handled; the queue channel
	// has room for as many, so a send never blocks.
	h.slots = make(chan struct{}, h.queueSize+h.workers)
	h.queue = make(chan Event, h.queueSize+h.workers)
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.done = make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(h.workers)
	for i := 0; i < h.workers; i++ {
		go func() {
			defer wg.Done()
			h.work()
		}()
	}
	go func() {
		wg.Wait()
		h.cancel()
		close(h.done)
	}()
	return h, nil
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
	return fmt.Sprintf("pluggy.WebhookHandler{header: %q, secrets: %d, clientID: %q, allowedIPs: %d, workers: %d, queue: %d}",
		h.headerName, len(h.secrets), h.clientID, len(h.allowed), h.workers, h.queueSize)
}

// GoString is String.
func (h *WebhookHandler) GoString() string { return h.String() }

// Format prints String for every verb.
func (h *WebhookHandler) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, h.String()) }

// LogValue is what log/slog handlers print: String's fields, no secret.
func (h *WebhookHandler) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("header", h.headerName), slog.Int("secrets", len(h.secrets)), slog.String("clientId", h.clientID),
		slog.Int("allowedIPs", len(h.allowed)), slog.Int("workers", h.workers), slog.Int("queue", h.queueSize),
	)
}

// ServeHTTP receives one notification; see WebhookHandler for the checks
// and their answers.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.refuse(w, r, http.StatusMethodNotAllowed, "method not allowed")
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
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.refuse(w, r, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		h.refuse(w, r, http.StatusBadRequest, "could not read body")
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
	status, reason := h.enqueue(r.Context(), *ev)
	if status != http.StatusOK {
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "5")
		}
		h.refuse(w, r, status, reason)
		return
	}
	if reason != "" {
		h.logger.LogAttrs(r.Context(), slog.LevelInfo, "pluggy: webhook duplicate acknowledged",
			slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID))
	}
	w.WriteHeader(http.StatusOK)
}

// enqueue dedupes ev and queues it. It answers 200 with an empty reason for
// a queued event, 200 with a reason for a duplicate, or 503.
func (h *WebhookHandler) enqueue(ctx context.Context, ev Event) (int, string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.closed {
		return http.StatusServiceUnavailable, "shutting down"
	}
	select {
	case h.slots <- struct{}{}:
	default:
		return http.StatusServiceUnavailable, "queue full"
	}
	if ev.EventID != "" {
		first, err := h.store.Claim(ctx, ev.EventID)
		if err != nil {
			<-h.slots
			h.logger.LogAttrs(ctx, slog.LevelError, "pluggy: webhook dedupe store failed",
				slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.String("error", err.Error()))
			return http.StatusServiceUnavailable, "dedupe store unavailable"
		}
		if !first {
			<-h.slots
			return http.StatusOK, "duplicate"
		}
	}
	h.queue <- ev // never blocks: each event holds a slot until handled
	return http.StatusOK, ""
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

func (h *WebhookHandler) work() {
	for ev := range h.queue {
		h.run(ev)
		<-h.slots
	}
}

func (h *WebhookHandler) run(ev Event) {
	if h.ctx.Err() != nil {
		h.logger.LogAttrs(context.Background(), slog.LevelWarn, "pluggy: webhook event dropped at shutdown",
			slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID))
		return
	}
	ctx := h.ctx
	if h.eventTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.eventTimeout)
		defer cancel()
	}
	err := h.call(ctx, ev)
	if err == nil {
		return
	}
	h.logger.LogAttrs(ctx, slog.LevelError, "pluggy: webhook event failed",
		slog.String("event", string(ev.Type)), slog.String("eventId", ev.EventID), slog.String("error", err.Error()))
	if h.onError != nil {
		h.safeOnError(ctx, ev, err)
	}
}

func (h *WebhookHandler) call(ctx context.Context, ev Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pluggy: webhook EventFunc panicked: %v", p)
		}
	}()
	return h.fn(ctx, ev)
}

func (h *WebhookHandler) safeOnError(ctx context.Context, ev Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.logger.LogAttrs(ctx, slog.LevelError, "pluggy: webhook error handler panicked",
				slog.String("eventId", ev.EventID), slog.String("panic", fmt.Sprint(p)))
		}
	}()
	h.onError(ctx, ev, err)
}

// Shutdown stops accepting notifications (answering 503, so that Pluggy
// retries them, perhaps on another instance) and waits until the workers
// have handled every queued event. If ctx ends first, it cancels the
// context of the running EventFuncs, drops the events still queued (they
// were acknowledged: log lines name them) and returns ctx's error without
// waiting further. Calling it again waits again.
func (h *WebhookHandler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.queue)
	}
	h.mu.Unlock()
	select {
	case <-h.done:
		return nil
	case <-ctx.Done():
		h.cancel()
		return ctx.Err()
	}
}

// Close is Shutdown without a deadline: it waits for every queued event.
func (h *WebhookHandler) Close() error { return h.Shutdown(context.Background()) }

// DedupeStore remembers the eventIds a handler has accepted, so that a
// redelivered event is acknowledged without being handled twice. An
// implementation shared by several instances (Redis: SET key 1 NX EX ttl)
// dedupes across them. Claim must be safe for concurrent use.
type DedupeStore interface {
	// Claim records eventID and reports whether this call was the first to
	// record it (within the store's memory). When it fails, the handler
	// answers 503 and Pluggy retries.
	Claim(ctx context.Context, eventID string) (first bool, err error)
}

// MemoryDedupeStore is the default DedupeStore: in memory, each eventId
// remembered for a TTL, at most a given number of them (the oldest are
// forgotten first). It dedupes within one process only.
type MemoryDedupeStore struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	clock Clock
	seen  map[string]time.Time // eventId -> expiry
	order []dedupeEntry        // in insertion (= expiry) order, from head
	head  int
}

type dedupeEntry struct {
	id  string
	exp time.Time
}

// NewMemoryDedupeStore returns a store that remembers each eventId for ttl
// (DefaultDedupeTTL when ttl <= 0) and at most maxEntries of them
// (DefaultDedupeEntries when maxEntries <= 0). clock tells the time (the
// system's when nil).
func NewMemoryDedupeStore(ttl time.Duration, maxEntries int, clock Clock) *MemoryDedupeStore {
	if ttl <= 0 {
		ttl = DefaultDedupeTTL
	}
	if maxEntries <= 0 {
		maxEntries = DefaultDedupeEntries
	}
	if clock == nil {
		clock = systemClock{}
	}
	return &MemoryDedupeStore{ttl: ttl, max: maxEntries, clock: clock, seen: map[string]time.Time{}}
}

// Claim records eventID and reports whether it was new. It never fails.
func (s *MemoryDedupeStore) Claim(_ context.Context, eventID string) (bool, error) {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.head < len(s.order) && !now.Before(s.order[s.head].exp) {
		s.popLocked()
	}
	if exp, ok := s.seen[eventID]; ok && now.Before(exp) {
		return false, nil
	}
	exp := now.Add(s.ttl)
	s.seen[eventID] = exp
	s.order = append(s.order, dedupeEntry{id: eventID, exp: exp})
	for len(s.order)-s.head > s.max {
		s.popLocked()
	}
	if s.head > 1024 && s.head > len(s.order)/2 {
		n := copy(s.order, s.order[s.head:])
		clear(s.order[n:])
		s.order = s.order[:n]
		s.head = 0
	}
	return true, nil
}

func (s *MemoryDedupeStore) popLocked() {
	e := s.order[s.head]
	s.order[s.head] = dedupeEntry{}
	s.head++
	if exp, ok := s.seen[e.id]; ok && exp.Equal(e.exp) {
		delete(s.seen, e.id)
	}
}

// Len returns how many eventIds the store remembers now.
func (s *MemoryDedupeStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}
