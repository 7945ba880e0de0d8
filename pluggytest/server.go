// Package pluggytest is an in-memory fake of the Pluggy API for tests and
// examples. It runs on net/http/httptest, keeps state in memory, answers in
// Pluggy's shapes, and lets a test control time, rate limits and faults.
//
//	srv := pluggytest.NewServer()
//	defer srv.Close()
//	client, err := srv.Client()
//
// Routes are registered with the same "METHOD /path/{param}" literals the
// Pluggy API reference uses. The server records every request (Requests,
// RequestsTo), enforces Pluggy's rate limits (WithoutRateLimit turns them
// off), injects faults on demand (Fail) and issues API keys that expire
// (WithKeyTTL, ExpireKeys).
//
// The command github.com/pluggy-go/pluggy/cmd/pluggy-fake serves the same
// fake as a process of its own on a chosen address (WithListener,
// Shutdown), for services written in other languages.
//
// # Connectors
//
// Every password is "password-ok" (SandboxPassword) and every MFA token
// "123456" (SandboxToken). GET /connectors lists the sandbox connectors only
// with sandbox=true, like Pluggy.
//
//	id   name                         credentials               after the login
//	0    Pluggy Bank (sandbox)        user, password            token (number, 6 digits) in a 2nd step
//	1    Pluggy Bank MFA 1 Etapa      user, password, token     nothing: token (mfa: true) sent with the credentials
//	2    Pluggy Bank Empresas         user, password            select selectedCompany: 48293017000155 or 27415630000108
//	3    Pluggy Bank Conta Conjunta   user, password            select selectedOwner ("1" or "2"), then token
//	4    Pluggy Bank QR Code          user, password            image token: QR code in data, answer 123456
//	5    Pluggy Bank App              user, password            WAITING_USER_ACTION: Server.Approve plays the user
//	6    Pluggy Bank Open Finance     cpf                       oauth parameter: visit its data URL (or Server.Approve); consents
//	201  Itaú                         agency, account, password nothing (credentials only); auto-syncs daily
//	219  Caixa Econômica Federal      user (CPF), password      ends USER_AUTHORIZATION_PENDING (error.attributes deviceNickname,
//	                                                            qrCodes); PATCH /items/{id} with an empty body completes it
//
// On the connectors 0 to 5 the user name chooses the outcome, as in Pluggy's
// sandbox: user-ok succeeds; user-ok-account-error ends PARTIAL_SUCCESS;
// user-locked (ACCOUNT_LOCKED), user-account-credentials-reset
// (ACCOUNT_CREDENTIALS_RESET) and user-not-supported (USER_NOT_SUPPORTED)
// end in LOGIN_ERROR; user-logged (ALREADY_LOGGED_IN), user-error
// (UNEXPECTED_ERROR), user-unavailable (SITE_NOT_AVAILABLE),
// user-connection-error (CONNECTION_ERROR) and user-account-need-actions
// (ACCOUNT_NEEDS_ACTION, with a providerMessage) leave the item OUTDATED;
// any other user, or a wrong password, is INVALID_CREDENTIALS (LOGIN_ERROR).
// A wrong token or a selection not offered is INVALID_CREDENTIALS_MFA; a
// parameter not answered before its expiresAt is USER_INPUT_TIMEOUT; a user
// action not approved in time is USER_AUTHORIZATION_NOT_GRANTED.
//
// # Items
//
// POST /items answers UPDATING/CREATED; the execution then goes through
// LOGIN_IN_PROGRESS, WAITING_USER_INPUT (with a parameter: name, label,
// type, expiresAt, ...) or WAITING_USER_ACTION when the connector asks,
// LOGIN_MFA_IN_PROGRESS after an answer (POST /items/{id}/mfa), then
// ACCOUNTS_IN_PROGRESS, CREDITCARDS_IN_PROGRESS, TRANSACTIONS_IN_PROGRESS,
// INVESTMENTS_IN_PROGRESS, IDENTITY_IN_PROGRESS and LOANS_IN_PROGRESS (for
// the products asked for), and ends UPDATED/SUCCESS. Nothing sleeps: each
// step lasts WithStepDuration on the server's clock, and a step shown by an
// answer (GET /items/{id}, or the answer of a write) ends at the server's
// next look, so a poller sees each step once. Freeze the clock with
// WithStartTime and move it with Advance for exact timelines.
//
// A connected item has a checking account and a credit card (with three
// closed bills), transactions (WithTransactionsPerAccount, generated from
// their index: millions cost no memory), statements, four investments with
// their transactions, an identity, a payroll loan and, on the Open Finance
// connector, a consent. Each later synchronisation (PATCH /items/{id}, or
// the daily auto-sync of connectors that need no MFA) adds
// WithTransactionsPerSync transactions to each account. AddConnectedItem
// creates such an item directly.
//
// Item parameters come as a JSON object, or, with WithCredentialsPrivateKey,
// only as the encrypted string pluggy.WithCredentialsPublicKey sends. Tax
// numbers (payment customers, recipients, intents, smart transfers,
// boletos, merchants) may be CPFs or CNPJs, numeric or alphanumeric (IN RFB
// 2.229/2024, "12.ABC.345/01DE-35", whose check digits are verified).
//
// # Events
//
// The server emits item/created, item/waiting_user_input,
// item/waiting_user_action, item/login_succeeded, item/updated, item/error,
// item/deleted, transactions/created, (when PATCH /transactions/{id}
// recategorises one) transactions/updated, (when DeleteTransactions removes
// some) transactions/deleted and (SetConnectorStatus)
// connector/status_updated, with Pluggy's payload fields
// (itemId, triggeredBy CLIENT or SYNC, error, accountId,
// transactionsCreatedAtFrom, createdTransactionsLink, transactionIds), and
// the payment events listed in payments.go. Webhooks registered with
// POST /webhooks, and an item's own webhookUrl, receive them; deliveries go
// to loopback addresses only.
package pluggytest

import (
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pluggy-go/pluggy"
)

// Default credentials the server accepts.
const (
	DefaultClientID     = "3f7b6c1e-2a4d-4e8f-9b0c-5d6e7f8a9b0c"
	DefaultClientSecret = "pluggytest-secret"
)

// TimeLayout is how the server writes date-times, like Pluggy: milliseconds, UTC.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Server is a running fake Pluggy API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, for pluggy.WithBaseURL.
	URL string
	// ClientID and ClientSecret are the credentials POST /auth accepts.
	ClientID, ClientSecret string

	hs       *httptest.Server
	mux      *http.ServeMux
	listener net.Listener // WithListener's, nil for a new loopback port

	mu        sync.Mutex
	offset    time.Duration
	fixedNow  time.Time
	keyTTL    time.Duration
	keys      map[string]time.Time
	rng       *rand.Rand
	seed      uint64
	requests  []Request
	faults    map[string][]Fault
	rateLimit bool
	windows   map[string]*window
	// slidingWindow, when set (WithRateLimitWindow), replaces the fixed
	// minutes by a sliding window of accepted request times per route.
	slidingWindow time.Duration
	slides        map[string][]time.Time
	rateLimited   int
	listeners     []func(Event)
	state         map[string]any
	signKey       []byte
	tickers       []func()
	routes        []string

	// Options of the bank feature (items and their data).
	txPerAccount int
	txPerSync    int
	stepDuration time.Duration
	paramTimeout time.Duration

	// credentialsKey decrypts encrypted item parameters (credentials.go).
	credentialsKey *rsa.PrivateKey
}

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the client id and secret POST /auth accepts.
func WithCredentials(clientID, clientSecret string) Option {
	return func(s *Server) { s.ClientID, s.ClientSecret = clientID, clientSecret }
}

// WithKeyTTL sets how long the API keys the server issues live (2 hours by
// default), so that a test can watch a key expire.
func WithKeyTTL(d time.Duration) Option { return func(s *Server) { s.keyTTL = d } }

// WithStartTime freezes the server's clock at t; it then moves only through
// Advance. By default the clock follows real time (and Advance adds to it).
func WithStartTime(t time.Time) Option { return func(s *Server) { s.fixedNow = t.UTC() } }

// WithoutRateLimit turns off Pluggy's rate limits (20 a minute on PATCH
// /items/{id}, 360 a minute elsewhere), which the server enforces by default.
func WithoutRateLimit() Option { return func(s *Server) { s.rateLimit = false } }

// WithSeed seeds the generator of identifiers and data, for reproducible runs.
func WithSeed(seed uint64) Option {
	return func(s *Server) {
		s.seed = seed
		s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	}
}

// WithTransactionsPerAccount sets how many transactions each account of a
// connected item holds after its first synchronisation (100 by default). Any
// number up to millions works: transactions are generated from their index
// page by page, never all held in memory.
func WithTransactionsPerAccount(n int) Option {
	return func(s *Server) {
		if n >= 0 {
			s.txPerAccount = n
		}
	}
}

// WithTransactionsPerSync sets how many new transactions each account gets on
// every later synchronisation (PATCH /items/{id} or auto-sync), which then
// emits transactions/created (5 by default).
func WithTransactionsPerSync(n int) Option {
	return func(s *Server) {
		if n >= 0 {
			s.txPerSync = n
		}
	}
}

// WithStepDuration sets how long each in-progress step of an item's
// execution (LOGIN_IN_PROGRESS, ACCOUNTS_IN_PROGRESS, ...) lasts on the
// server's clock (250ms by default). Independently of the clock, every read
// of the item (GET /items/{id}) moves it on by one step once the step has
// been seen, so that a poller sees each step exactly once. 0 leaves only the
// reads to move items on.
func WithStepDuration(d time.Duration) Option {
	return func(s *Server) {
		if d >= 0 {
			s.stepDuration = d
		}
	}
}

// WithParameterTimeout sets how long an item waits for the answer to a
// parameter (an MFA token, a selection, an OAuth consent) or for a user
// action: expiresAt is the time asked plus d (5 minutes by default). Past
// it the execution ends with USER_INPUT_TIMEOUT (or
// USER_AUTHORIZATION_NOT_GRANTED for a user action).
func WithParameterTimeout(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.paramTimeout = d
		}
	}
}

// features are the route sets of the server, one per file, registered by
// init functions so that each area of the API lives in its own file.
var features []func(*Server)

func registerFeature(f func(*Server)) { features = append(features, f) }

// NewServer starts a fake Pluggy API. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		ClientID:     DefaultClientID,
		ClientSecret: DefaultClientSecret,
		mux:          http.NewServeMux(),
		keyTTL:       2 * time.Hour,
		keys:         map[string]time.Time{},
		faults:       map[string][]Fault{},
		rateLimit:    true,
		windows:      map[string]*window{},
		slides:       map[string][]time.Time{},
		state:        map[string]any{},
		signKey:      []byte("pluggytest"),
		txPerAccount: 100,
		txPerSync:    5,
		stepDuration: 250 * time.Millisecond,
		paramTimeout: 5 * time.Minute,
	}
	WithSeed(1)(s)
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.handle("POST /auth", s.postAuth)
	s.handle("POST /connect_token", s.postConnectToken)
	for _, f := range features {
		f(s)
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "Route "+r.Method+" "+r.URL.Path+" not found")
	})
	s.hs = s.startHTTP()
	s.URL = s.hs.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.hs.Close() }

// Client returns a *pluggy.Client pointed at the server with its
// credentials. The client tells time by the server's clock, so that its API
// keys expire when the server says (WithStartTime, Advance), while its rate
// limiter paces requests on real time (a frozen clock would never refill
// it). opts are applied after those and may replace them.
func (s *Server) Client(opts ...pluggy.Option) (*pluggy.Client, error) {
	all := append([]pluggy.Option{pluggy.WithBaseURL(s.URL), pluggy.WithClock(s), pluggy.WithLimiter(pluggy.DefaultLimiter())}, opts...)
	return pluggy.NewClient(s.ClientID, s.ClientSecret, all...)
}

// Now is the server's current time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time {
	if !s.fixedNow.IsZero() {
		return s.fixedNow.Add(s.offset)
	}
	return time.Now().UTC().Add(s.offset)
}

// Advance moves the server's clock forward by d: keys expire, rate limit
// windows reset and items and payments move on (emitting their events) as
// if d had passed.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
	s.tick()
}

// onTick registers f to be called, outside the server's lock, whenever time
// may have moved on: before every request is handled and after Advance. A
// feature uses it to move its state along the clock (items running their
// executions, emitting their events) even when nobody reads them.
func (s *Server) onTick(f func()) {
	s.mu.Lock()
	s.tickers = append(s.tickers, f)
	s.mu.Unlock()
}

func (s *Server) tick() {
	s.mu.Lock()
	ts := make([]func(), len(s.tickers))
	copy(ts, s.tickers)
	s.mu.Unlock()
	for _, f := range ts {
		f()
	}
}

// Request is a request the server received.
type Request struct {
	// Route is the route literal it matched ("GET /items/{id}").
	Route string
	// Method, Path and Query are as received.
	Method, Path, Query string
	// Body is the request body.
	Body []byte
	// HadAPIKey is true when the request carried an X-API-KEY header.
	HadAPIKey bool
	// At is the server time it arrived.
	At time.Time
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Routes returns the route literals the server serves ("GET /items/{id}"),
// sorted: one per operation of the Pluggy API it fakes.
func (s *Server) Routes() []string {
	s.mu.Lock()
	out := append([]string(nil), s.routes...)
	s.mu.Unlock()
	slices.Sort(out)
	return out
}

// RequestsTo returns the requests received on route ("POST /items").
func (s *Server) RequestsTo(route string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

// Event is something that changed in the server, for webhook delivery.
type Event struct {
	// Type is the webhook event type ("item/updated").
	Type string
	// Payload holds the event's fields besides event, eventId and clientId.
	Payload map[string]any
}

// onEvent registers f to be called, outside the server's lock, with every
// event the server emits.
func (s *Server) onEvent(f func(Event)) {
	s.mu.Lock()
	s.listeners = append(s.listeners, f)
	s.mu.Unlock()
}

// emit hands ev to the listeners.
func (s *Server) emit(ev Event) {
	s.mu.Lock()
	ls := make([]func(Event), len(s.listeners))
	copy(ls, s.listeners)
	s.mu.Unlock()
	for _, f := range ls {
		f(ev)
	}
}

// feature returns the state of a feature, creating it with mk on first use.
func (s *Server) feature(name string, mk func() any) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.state[name]
	if !ok {
		v = mk()
		s.state[name] = v
	}
	return v
}

// newID returns a random (seeded) UUID v4.
func (s *Server) newID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newIDLocked()
}

func (s *Server) newIDLocked() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := s.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// handle registers h on route behind the server's middleware: recording,
// injected faults, rate limits and API key checks (except on POST /auth).
func (s *Server) handle(route string, h http.HandlerFunc) {
	authed := route != "POST /auth"
	s.mu.Lock()
	s.routes = append(s.routes, route)
	s.mu.Unlock()
	s.mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		s.mu.Lock()
		s.requests = append(s.requests, Request{
			Route: route, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Body: body, HadAPIKey: r.Header.Get("X-API-KEY") != "", At: s.nowLocked(),
		})
		fault, faulty := s.takeFaultLocked(route)
		s.mu.Unlock()
		if faulty && fault.serve(w) {
			return
		}
		if !s.allow(w, route) {
			return
		}
		if authed && !s.validKey(r.Header.Get("X-API-KEY")) {
			writeJSON(w, http.StatusForbidden, map[string]any{"code": 403, "message": "Missing or invalid authorization token"})
			return
		}
		if faulty && fault.wrap != nil {
			w = fault.wrap(w)
			defer fault.finish(w)
		}
		s.tick()
		h(w, r)
	})
}

func (s *Server) postAuth(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Body must be JSON with clientId and clientSecret")
		return
	}
	if subtleEq(body.ClientID, s.ClientID) && subtleEq(body.ClientSecret, s.ClientSecret) {
		writeJSON(w, http.StatusOK, map[string]string{"apiKey": s.issueKey()})
		return
	}
	writeError(w, http.StatusUnauthorized, "CLIENT_KEYS_UNAUTHORIZED", "Client keys are invalid")
}

func (s *Server) postConnectToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ItemID  string         `json:"itemId"`
		Options map[string]any `json:"options"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Body must be a JSON object")
		return
	}
	s.mu.Lock()
	now := s.nowLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"accessToken": s.token(map[string]any{
		"clientId": s.ClientID, "itemId": body.ItemID, "iat": now.Unix(), "exp": now.Add(30 * time.Minute).Unix(),
	})})
}

// issueKey returns a new JWT-shaped API key that expires after keyTTL.
func (s *Server) issueKey() string {
	s.mu.Lock()
	now := s.nowLocked()
	exp := now.Add(s.keyTTL)
	jti := s.newIDLocked()
	s.mu.Unlock()
	key := s.token(map[string]any{"clientId": s.ClientID, "jti": jti, "iat": now.Unix(), "exp": exp.Unix()})
	s.mu.Lock()
	s.keys[key] = exp
	s.mu.Unlock()
	return key
}

func (s *Server) token(claims map[string]any) string {
	enc := base64.RawURLEncoding
	hdr := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload, _ := json.Marshal(claims)
	signing := hdr + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, s.signKey)
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

func (s *Server) validKey(key string) bool {
	if key == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.keys[key]
	return ok && s.nowLocked().Before(exp)
}

// ExpireKeys makes every key issued so far invalid, as if they had expired.
func (s *Server) ExpireKeys() {
	s.mu.Lock()
	for k := range s.keys {
		s.keys[k] = time.Time{}
	}
	s.mu.Unlock()
}

func subtleEq(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers a Pluggy error body.
func writeError(w http.ResponseWriter, status int, codeDescription, message string) {
	body := map[string]any{"code": status, "message": message}
	if codeDescription != "" {
		body["codeDescription"] = codeDescription
	}
	writeJSON(w, status, body)
}

// writePage answers a page envelope.
func writePage[T any](w http.ResponseWriter, results []T, page, total, totalPages int) {
	if results == nil {
		results = []T{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"page": page, "total": total, "totalPages": totalPages, "results": results})
}

// readJSON decodes the request body into v, answering 400 when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Body is not valid JSON: "+err.Error())
		return false
	}
	return true
}

// fmtTime writes t as Pluggy does.
func fmtTime(t time.Time) string { return t.UTC().Format(TimeLayout) }
