// Package pluggy is a typed client for the Pluggy Open Finance API
// (https://api.pluggy.ai): connect your users' Brazilian bank accounts, read
// their accounts, transactions, investments, loans and bills, react to
// webhooks and initiate PIX payments.
//
// Create one Client per set of credentials and share it between goroutines:
//
//	client, err := pluggy.NewClient(os.Getenv("PLUGGY_CLIENT_ID"), os.Getenv("PLUGGY_CLIENT_SECRET"))
//	if err != nil { ... }
//	item, err := client.Items.Get(ctx, itemID)
//
// The client takes care of what every Pluggy integration needs: it fetches
// and caches the 2-hour API key and renews it ahead of expiry, stays inside
// Pluggy's per-route rate limits, retries what may safely be retried, and
// turns every error answer into an *Error.
package pluggy

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/pluggy-go/pluggy/internal/retry"
	"github.com/pluggy-go/pluggy/internal/route"
)

// Version is the version of this module, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the address of the Pluggy API.
const DefaultBaseURL = "https://api.pluggy.ai"

// Defaults of the options.
const (
	DefaultRetries        = 3
	DefaultAttemptTimeout = 30 * time.Second
	DefaultMaxRetryWait   = 90 * time.Second
)

// Clock tells the time. Tests inject one to drive key expiry without sleeping.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Client talks to the Pluggy API. It is safe for concurrent use; create one
// and share it. Its service fields group the API's operations by the spec's
// tags: client.Items.Get, client.Accounts.List, client.Webhooks.Create, ...
type Client struct {
	baseURL        *url.URL
	userAgent      string
	logger         *slog.Logger
	limiter        Limiter
	clock          Clock
	retries        int
	timeout        time.Duration
	attemptTimeout time.Duration
	maxRetryWait   time.Duration
	retryWaitMin   time.Duration
	retryWaitMax   time.Duration
	userHTTP       *http.Client
	hc             *http.Client // the client's own copy, which never follows a redirect
	hooks          Hooks
	checkRetryFn   retryablehttp.CheckRetry // see newCheckRetry
	urlPrefix      string                   // baseURLPrefix(baseURL), set once by NewClient; see requestURL
	auth           *authenticator
	credentialsKey *rsa.PublicKey // WithCredentialsPublicKey; see credentials.go

	common service

	// Auth creates connect tokens for Pluggy's Connect widget.
	Auth *AuthService
	// Connectors lists and reads the institutions a user can connect.
	Connectors *ConnectorsService
	// Items creates, reads, updates and deletes items (connections) and
	// drives them through MFA.
	Items *ItemsService
	// Consents reads the Open Finance consents of items.
	Consents *ConsentsService
	// Accounts reads bank and credit card accounts.
	Accounts *AccountsService
	// Transactions reads and categorises transactions.
	Transactions *TransactionsService
	// Investments reads investments and their transactions.
	Investments *InvestmentsService
	// Identity reads the owner of an item.
	Identity *IdentityService
	// Loans reads loans.
	Loans *LoansService
	// Bills reads credit card bills.
	Bills *BillsService
	// Categories reads categories and manages categorisation rules.
	Categories *CategoriesService
	// Merchants reads merchants.
	Merchants *MerchantsService
	// Webhooks manages webhook registrations.
	Webhooks *WebhooksService
	// Payments groups payment initiation: requests, intents, customers,
	// recipients, schedules, automatic PIX, smart transfers and boletos.
	Payments *PaymentsService
}

// service is the common base of every service: the client under another name.
type service struct{ client *Client }

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL points the client at another address, such as a pluggytest
// server. The default is DefaultBaseURL.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(strings.TrimRight(raw, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("pluggy: base URL %q is not an absolute http(s) URL", redactUserinfo(raw))
		}
		if u.User != nil {
			// A password in the base URL would show in every %v of it, and
			// Pluggy authenticates with the client id and secret anyway.
			return fmt.Errorf("pluggy: base URL %q must not carry a user name or password", u.Scheme+"://[redacted]@"+u.Host)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("pluggy: base URL %q must not carry a query or fragment", u.Scheme+"://"+u.Host+u.EscapedPath())
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sends requests through hc (for tracing, proxies, custom
// transports). The client works on its own copy of hc: it wraps the
// transport to pace and observe each attempt and never follows a redirect
// (Pluggy's API does not redirect, and following one would carry the API key
// or the client secret to another host); hc itself is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("pluggy: WithHTTPClient: nil *http.Client")
		}
		c.userHTTP = hc
		return nil
	}
}

// WithLogger logs one debug line per attempt (route, status, duration) and a
// warning per retry. Secrets and keys are never logged. The default is silent.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("pluggy: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithUserAgent appends suffix to the User-Agent header ("myapp/1.2").
func WithUserAgent(suffix string) Option {
	return func(c *Client) error {
		if strings.ContainsAny(suffix, "\r\n") {
			return errors.New("pluggy: WithUserAgent: suffix contains a line break")
		}
		if hasControl(suffix) {
			return errors.New("pluggy: WithUserAgent: suffix contains a control character")
		}
		if suffix != "" {
			c.userAgent += " " + suffix
		}
		return nil
	}
}

// WithRetries sets how many times a failed request may be retried (3 by
// default; 0 turns retries off).
func WithRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return fmt.Errorf("pluggy: WithRetries: %d is negative", n)
		}
		c.retries = n
		return nil
	}
}

// WithRetryWait sets the bounds of the exponential backoff between retries
// (500ms and 30s by default) when the server does not say how long to wait.
func WithRetryWait(min, max time.Duration) Option {
	return func(c *Client) error {
		if min < 0 || max < min {
			return fmt.Errorf("pluggy: WithRetryWait: need 0 <= min <= max, got %s and %s", min, max)
		}
		c.retryWaitMin, c.retryWaitMax = min, max
		return nil
	}
}

// WithMaxRetryWait caps every wait a server asks for: Retry-After (in
// seconds or as an HTTP date) and RateLimit-Reset, on a 429 or a 503, both
// before a retry and in the hold a 429 puts on its route for other calls.
// An answer asking for more than the cap is returned at once as an *Error
// with RetryAfter set to what was asked. 0 waits for no server at all. The
// default is 90 seconds.
func WithMaxRetryWait(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("pluggy: WithMaxRetryWait: %s is negative", d)
		}
		c.maxRetryWait = d
		return nil
	}
}

// WithTimeout bounds each call as a whole, retries and waits included, when
// the caller's context has no earlier deadline. The default is no bound
// beyond the per-attempt timeout.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("pluggy: WithTimeout: %s is negative", d)
		}
		c.timeout = d
		return nil
	}
}

// WithAttemptTimeout bounds each attempt, from sending the request to reading
// the whole answer (30 seconds by default; 0 for no bound). The time spent
// waiting on the rate limiter does not count. A Timeout on the *http.Client
// given to WithHTTPClient still applies to each attempt as a whole.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("pluggy: WithAttemptTimeout: %s is negative", d)
		}
		c.attemptTimeout = d
		return nil
	}
}

// WithLimiter replaces the default per-route rate limiter. Pass NoLimit to
// send without pacing.
func WithLimiter(l Limiter) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("pluggy: WithLimiter: nil Limiter (use NoLimit)")
		}
		c.limiter = l
		return nil
	}
}

// WithClock replaces the system clock, for tests.
func WithClock(clk Clock) Option {
	return func(c *Client) error {
		if clk == nil {
			return errors.New("pluggy: WithClock: nil Clock")
		}
		c.clock = clk
		return nil
	}
}

// WithAPIKey makes the client use key as it is instead of asking POST /auth
// for one; clientID and clientSecret may then be empty. The client cannot
// renew such a key: when it expires, calls fail with ErrExpiredKey.
func WithAPIKey(key string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(key) == "" {
			return errors.New("pluggy: WithAPIKey: empty key")
		}
		if hasControl(key) {
			return errors.New("pluggy: WithAPIKey: the key contains a control character (check how it was read: a trailing newline?)")
		}
		c.auth.fixed = key
		return nil
	}
}

// NewClient returns a client for the application whose Pluggy credentials are
// clientID and clientSecret. No request is made until the first call.
func NewClient(clientID, clientSecret string, opts ...Option) (*Client, error) {
	c := &Client{
		userAgent:      "pluggy-go/" + Version,
		logger:         slog.New(slog.DiscardHandler),
		clock:          systemClock{},
		retries:        DefaultRetries,
		attemptTimeout: DefaultAttemptTimeout,
		maxRetryWait:   DefaultMaxRetryWait,
		retryWaitMin:   500 * time.Millisecond,
		retryWaitMax:   30 * time.Second,
	}
	c.auth = &authenticator{client: c, clientID: strings.TrimSpace(clientID), clientSecret: clientSecret}
	base, _ := url.Parse(DefaultBaseURL)
	c.baseURL = base
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.auth.fixed == "" {
		switch {
		case c.auth.clientID == "" && strings.TrimSpace(c.auth.clientSecret) == "":
			return nil, errors.New("pluggy: NewClient: client id and client secret are empty")
		case c.auth.clientID == "":
			return nil, errors.New("pluggy: NewClient: client id is empty")
		case strings.TrimSpace(c.auth.clientSecret) == "":
			return nil, errors.New("pluggy: NewClient: client secret is empty")
		}
	}
	if c.limiter == nil {
		l := DefaultLimiter()
		l.now = c.clock.Now
		c.limiter = l
	}
	c.hc = c.newHTTPClient()
	c.checkRetryFn = c.newCheckRetry()
	c.urlPrefix = baseURLPrefix(c.baseURL)
	c.common.client = c
	c.initServices()
	return c, nil
}

// requestURL is the URL of a request: the base URL, its path without a
// trailing slash, then path (already escaped by route.Expand) and the query.
// It is what url.URL.String gives for the base URL with RawPath set to the
// joined paths, Path to their unescaping and RawQuery to rawQuery, built as
// one string from a prefix computed once (urlPrefix).
func (c *Client) requestURL(path, rawQuery string) (string, error) {
	// The base path is valid by construction (EscapedPath); path is
	// checked as the whole was before: an escape cannot span the two.
	if _, err := url.PathUnescape(path); err != nil {
		return "", err
	}
	if rawQuery == "" {
		return c.urlPrefix + path, nil
	}
	return c.urlPrefix + path + "?" + rawQuery, nil
}

// baseURLPrefix is the scheme, host and path (without trailing slash) of
// base, written as url.URL.String writes them.
func baseURLPrefix(base *url.URL) string {
	hostOnly := url.URL{Scheme: base.Scheme, Host: base.Host}
	return hostOnly.String() + strings.TrimRight(base.EscapedPath(), "/")
}

// newHTTPClient returns the client's own copy of the user's *http.Client
// (or of a default one): its transport wrapped by attemptTransport, and
// redirects never followed, so that a 3xx comes back as an answer.
func (c *Client) newHTTPClient() *http.Client {
	var hc http.Client
	if c.userHTTP != nil {
		hc = *c.userHTTP
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &attemptTransport{base: base, client: c}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

// redactUserinfo hides the password of a URL that could not be parsed
// whole, for an error message.
func redactUserinfo(raw string) string {
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 && !strings.ContainsAny(rest[:at], "/?#") {
			return scheme + "://[redacted]@" + rest[at+1:]
		}
	}
	return raw
}

// String describes the client without its secret or keys. It has a value
// receiver, like GoString and Format, so that a Client value (*client) is
// as safe to print as a pointer.
func (c Client) String() string {
	base, id := "<nil>", ""
	if c.baseURL != nil {
		base = c.baseURL.Redacted()
	}
	if c.auth != nil {
		id = c.auth.clientID
	}
	return fmt.Sprintf("pluggy.Client{baseURL: %s, clientID: %s}", base, id)
}

// GoString is String, so that %#v shows no secret either.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb, so that no formatting of a Client
// (%s, %q, %v, %+v, %#v, %x, ...), value or pointer, shows its secret or keys.
func (c Client) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// BaseURL returns the address the client sends requests to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// Do sends a request on route ("GET /items/{id}") through the client's whole
// pipeline (key, rate limit, retries, errors) and decodes a 2xx JSON answer
// into out. pathArgs fill the route's {params} in order; opts apply to this
// call only. It is for operations this package does not model yet; prefer
// the service methods.
func (c *Client) Do(ctx context.Context, routeLiteral string, pathArgs []string, query url.Values, body, out any, opts ...RequestOption) error {
	return c.call(ctx, routeLiteral, pathArgs, query, body, out, opts...)
}

// replayablePOSTs lists the POST routes that do not create or act and may
// therefore be retried like a GET.
var replayablePOSTs = map[string]bool{
	"POST /auth":                     true,
	"POST /connectors/{id}/validate": true,
}

// actingRoutes lists the routes, other than POSTs, that start work a second
// copy of the request would not repeat harmlessly: PATCH /items/{id} starts
// a sync, and Pluggy refuses a second one with 409
// CLIENT_IS_UPDATING_BEFORE_ALLOWED_FREQUENCY. They follow the rule of the
// creating POSTs.
var actingRoutes = map[string]bool{
	"PATCH /items/{id}": true,
}

// replayable reports whether a call may be sent again after the server may
// have acted on it (a lost answer, a 5xx): decided by what the call does,
// not by its method alone.
func replayable(method, routeLiteral string) bool {
	switch {
	case replayablePOSTs[routeLiteral]:
		return true
	case method == http.MethodPost, actingRoutes[routeLiteral]:
		return false
	}
	return true
}

// call is the one road to the network: route literal + arguments in, decoded
// answer or *Error out.
func (c *Client) call(ctx context.Context, routeLiteral string, pathArgs []string, query url.Values, body, out any, opts ...RequestOption) error {
	return c.send(ctx, routeLiteral, pathArgs, query, body, out, true, opts)
}

// callFor is call for the common case of a method that returns the decoded
// answer: nil and call's error on failure, else a pointer to the answer.
func callFor[T any](ctx context.Context, c *Client, routeLiteral string, pathArgs []string, query url.Values, body any, opts ...RequestOption) (*T, error) {
	var out T
	if err := c.call(ctx, routeLiteral, pathArgs, query, body, &out, opts...); err != nil {
		return nil, err
	}
	return &out, nil
}

// callRaw is call with a query string the server handed back ready-made
// (the "next" cursor of GET /v2/transactions). rawQuery, with or without its
// leading "?", is sent exactly as given: decoding and re-encoding it could
// change a cursor (a "+" must stay a "+"). It goes through the same pipeline.
func (c *Client) callRaw(ctx context.Context, routeLiteral string, pathArgs []string, rawQuery string, body, out any, opts ...RequestOption) error {
	return c.sendRaw(ctx, routeLiteral, pathArgs, strings.TrimPrefix(rawQuery, "?"), body, out, true, opts)
}

func (c *Client) send(ctx context.Context, routeLiteral string, pathArgs []string, query url.Values, body, out any, authed bool, opts []RequestOption) error {
	return c.sendRaw(ctx, routeLiteral, pathArgs, query.Encode(), body, out, authed, opts)
}

// sendRaw is the pipeline itself; rawQuery is already encoded.
func (c *Client) sendRaw(ctx context.Context, routeLiteral string, pathArgs []string, rawQuery string, body, out any, authed bool, opts []RequestOption) error {
	if ctx == nil {
		return errors.New("pluggy: nil context")
	}
	st := &callState{authed: authed}
	if err := st.cfg.init(ctx, c, authed, opts); err != nil {
		return err
	}
	cfg := &st.cfg
	method, tmpl, err := route.Split(routeLiteral)
	if err != nil {
		return fmt.Errorf("pluggy: %w", err)
	}
	path, err := route.Expand(tmpl, pathArgs...)
	if err != nil {
		var argErr *route.ArgError
		if errors.As(err, &argErr) {
			return &ArgumentError{Param: argErr.Name, Problem: argErr.Problem}
		}
		return fmt.Errorf("pluggy: %s: %w", routeLiteral, err)
	}
	rawURL, err := c.requestURL(path, rawQuery)
	if err != nil {
		return fmt.Errorf("pluggy: %s: %w", routeLiteral, err)
	}

	var payload []byte
	if body != nil {
		payload, err = json.Marshal(body)
		if err != nil {
			return fmt.Errorf("pluggy: %s: encoding request body: %w", routeLiteral, err)
		}
	}
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	st.policy.Route, st.policy.Replayable = routeLiteral, replayable(method, routeLiteral)
	st.start = time.Now()
	if st.traced = !st.policy.Replayable || method == http.MethodDelete; st.traced {
		st.trace = httptrace.ClientTrace{
			GotConn:      func(httptrace.GotConnInfo) { st.policy.GotConn() },
			WroteRequest: func(i httptrace.WroteRequestInfo) { st.policy.WroteRequest(i.Err) },
		}
	}
	st.rc = retryablehttp.Client{
		HTTPClient:   c.hc,
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     cfg.retries,
		CheckRetry:   c.checkRetryFn,
		Backoff: func(min, max time.Duration, attemptNum int, resp *http.Response) time.Duration {
			return c.retryWait(st, min, max, attemptNum, resp)
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	st.ctx = callCtx{Context: ctx, st: st}
	ctx = &st.ctx
	if cfg.meta != nil {
		defer st.fill(cfg.meta, routeLiteral)
	}

	for try := 0; ; try++ {
		err = c.attempt(ctx, st, routeLiteral, method, rawURL, payload, out)
		if err == nil {
			return nil
		}
		var apiErr *Error
		if authed && try == 0 && errors.As(err, &apiErr) && c.auth.canRefresh() &&
			(apiErr.StatusCode == http.StatusUnauthorized || apiErr.expiredKey()) {
			// The key was refused: drop it, get a new one, replay once.
			c.logger.LogAttrs(ctx, slog.LevelInfo, "pluggy: API key refused, renewing",
				slog.String("route", routeLiteral), slog.Int("status", apiErr.StatusCode))
			c.auth.invalidate(st.usedKey())
			continue
		}
		return err
	}
}

// callStateKey carries a call's *callState in its context.
type callStateKey struct{}

// callCtx is the context of a call's attempts: the caller's, carrying the
// call's state (callStateKey) and route literal (routeKey, for
// RouteFromContext). It lives inside callState, so that the two values
// cost no context.WithValue each.
type callCtx struct {
	context.Context
	st *callState
}

func (c *callCtx) Value(key any) any {
	switch key.(type) {
	case callStateKey:
		return c.st
	case routeKey:
		return c.st.policy.Route
	}
	return c.Context.Value(key)
}

// callState is what the pipeline knows of one call across its attempts.
type callState struct {
	policy retry.Attempt
	authed bool
	cfg    requestConfig
	start  time.Time
	rc     retryablehttp.Client // the call's retrying client, over the shared *http.Client
	ctx    callCtx              // the context of the call's attempts

	// traced says whether the attempts carry trace, which records in
	// policy whether a request reached the wire. Only checkRetry's
	// NeverReachedServer reads that, and its answer changes nothing for a
	// replayable call other than a DELETE (retried either way, and only a
	// DELETE looks at mayHaveActed): those calls go without a trace.
	traced bool
	trace  httptrace.ClientTrace // the template of each attempt's trace, made once per call

	mu           sync.Mutex
	key          string        // the API key sent with the latest attempt
	sent         int           // attempts handed to the transport below the limiter
	mayHaveActed bool          // an earlier attempt may have reached the server and acted
	status       int           // status of the latest answer
	header       http.Header   // headers of the latest answer
	retryReason  string        // why checkRetry asked for a retry
	retryDetail  string        // its detail, for the log
	retryStatus  int           // the status that caused it, 0 for a connection error
	nextWait     time.Duration // the wait checkRetry decided, used by backoff
}

func callStateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

func (st *callState) usedKey() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.key
}

func (st *callState) attempts() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sent
}

// fill copies what happened into the caller's ResponseMeta.
func (st *callState) fill(m *ResponseMeta, routeLiteral string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	*m = ResponseMeta{Route: routeLiteral, StatusCode: st.status, Header: st.header, Attempts: st.sent, Duration: time.Since(st.start)}
}

// newCheckRetry returns the CheckRetry of every call's retrying client, made
// once per Client: the call's state comes from the request's context.
func (c *Client) newCheckRetry() retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		st := callStateFrom(ctx)
		if st == nil {
			return false, nil // never: every request of the pipeline carries its state
		}
		return c.checkRetry(ctx, st, resp, err)
	}
}

func (c *Client) attempt(ctx context.Context, st *callState, routeLiteral, method, rawURL string, payload []byte, out any) error {
	var bodyArg any
	if payload != nil {
		bodyArg = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, rawURL, bodyArg)
	if err != nil {
		return fmt.Errorf("pluggy: %s: %w", routeLiteral, err)
	}
	// The values share one backing array (each slice capped at its own
	// length, as http.Header.Clone does), rather than one per header.
	n := 2
	for _, vs := range st.cfg.header {
		n += len(vs)
	}
	if payload != nil {
		n++
	}
	vals := make([]string, 0, n)
	put := func(k string, vs ...string) {
		i := len(vals)
		vals = append(vals, vs...)
		req.Header[k] = vals[i:len(vals):len(vals)]
	}
	for k, vs := range st.cfg.header {
		put(k, vs...)
	}
	put("Accept", "application/json")
	put("User-Agent", c.userAgent)
	if payload != nil {
		put("Content-Type", "application/json")
	}
	resp, err := st.rc.Do(req)
	if err != nil {
		var ke *keyError
		if errors.As(err, &ke) {
			// No key could be had: the error is POST /auth's own.
			return ke.err
		}
		// The URL goes first, then the context's error is put in front:
		// stripping afterwards would drop the wrapper along with the URL.
		err = stripURL(err)
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return &RequestError{Route: routeLiteral, Attempts: st.attempts(), Err: err}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode <= 399:
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		e := parseError(routeLiteral, resp.StatusCode, resp.Header, raw, 0)
		e.Message = "redirect to " + locationHost(resp.Header.Get("Location"), c.baseURL) + " not followed (Pluggy does not redirect)"
		return e
	case method == http.MethodDelete && resp.StatusCode == http.StatusNotFound && st.actedBefore():
		// An earlier attempt of this DELETE may have reached Pluggy and
		// deleted the resource before its answer was lost: the replay's
		// 404 says the resource is gone, which is what was asked. It is a
		// success, not an error (out stays untouched).
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return parseError(routeLiteral, resp.StatusCode, resp.Header, raw, retry.ServerWait(resp.Header, c.clock.Now()))
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	var data []byte
	if pr, ok := resp.Body.(*prereadBody); ok {
		data, err = pr.data, pr.err
	} else {
		data, err = readCapped(resp.Body, resp.ContentLength)
	}
	if err == nil {
		err = decodeJSON(data, out)
	}
	if err != nil {
		return &DecodeError{Route: routeLiteral, StatusCode: resp.StatusCode, Err: err}
	}
	return nil
}

// actedBefore reports whether an earlier attempt of the call may have been
// acted on by the server.
func (st *callState) actedBefore() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.mayHaveActed
}

// locationHost names the host a redirect points to, for the error message;
// never its path or query, which may carry tokens.
func locationHost(loc string, base *url.URL) string {
	if loc == "" {
		return "nowhere (no Location)"
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "an unparsable Location"
	}
	if u.Host == "" {
		return base.Host + " (relative Location)"
	}
	return sanitize(u.Host)
}

// maxBody bounds a success answer the client will read (the largest
// Pluggy pages are well under a megabyte).
const maxBody = 64 << 20

// errBodyTooLarge is the refusal of an answer larger than maxBody.
var errBodyTooLarge = fmt.Errorf("answer larger than %d MiB", maxBody>>20)

// readCapped reads a whole answer of at most maxBody bytes. An answer whose
// Content-Length says it is larger is refused before a byte is read; one of
// unknown length is read in chunks, so that what is allocated for an answer
// refused at the cap stays within the cap (a growing buffer would allocate
// about four times the cap on the way).
func readCapped(r io.Reader, size int64) ([]byte, error) {
	if size > maxBody {
		return nil, errBodyTooLarge
	}
	if size >= 0 {
		buf := make([]byte, size)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	var chunks [][]byte
	total, next := 0, 32<<10
	for {
		chunk := make([]byte, min(next, maxBody+1-total))
		n, err := io.ReadFull(r, chunk)
		if n > 0 {
			chunks = append(chunks, chunk[:n])
			total += n
		}
		if total > maxBody {
			return nil, errBodyTooLarge
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		next = min(next*2, 4<<20)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}

// decodeJSON decodes a 2xx answer into out. An empty or null answer is an
// error: every operation that gives out documents a body (a 204 never gets
// here).
func decodeJSON(data []byte, out any) error {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return errors.New("empty answer where the API documents a body")
	case string(trimmed) == "null":
		return errors.New("null answer where the API documents a body")
	}
	return decodeFast(trimmed, out)
}

// stripURL removes the request URL from a *url.Error: it adds nothing the
// route does not say, and query strings may carry identifiers.
func stripURL(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

// notSentError is an attempt that never left the client: the rate
// limiter's wait would have outlasted the context. It is not retried.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return "nothing was sent: " + e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// keyError is an attempt that could not get an API key. It is not retried
// as a connection error: the renewal had its own retries.
type keyError struct{ err error }

func (e *keyError) Error() string { return e.err.Error() }
func (e *keyError) Unwrap() error { return e.err }

// bodyReadError is a 2xx answer whose body failed mid-read (reset,
// truncation, stall): like a lost answer, retried only when the call may be
// replayed.
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return "reading the answer: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

// prereadBody is a 2xx body read whole by the transport, within the cap.
type prereadBody struct {
	data []byte
	err  error // errBodyTooLarge, reported as a DecodeError
	r    bytes.Reader
}

func (b *prereadBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	return b.r.Read(p)
}

func (b *prereadBody) Close() error { return nil }

// attemptTransport runs beneath the retry loop, once per attempt: it waits
// on the rate limiter, sets the API key, observes whether the request
// reached the wire, reads a success answer whole, logs, reports to the
// hooks, and holds the route back when the server answers 429.
type attemptTransport struct {
	base   http.RoundTripper
	client *Client
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.client
	ctx := req.Context()
	st := callStateFrom(ctx)
	if st == nil {
		// Not a request of the pipeline (it always carries its state).
		return t.base.RoundTrip(req)
	}
	routeLiteral := st.policy.Route
	n := st.policy.Begin()
	closeBody := func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}
	waitStart := time.Now()
	err := c.limiter.Wait(ctx, routeLiteral)
	if h := c.hooks.LimiterWait; h != nil {
		h(LimiterWaitEvent{Route: routeLiteral, Attempt: n, Wait: time.Since(waitStart), Err: err})
	}
	if err != nil {
		closeBody()
		return nil, &notSentError{err: err}
	}
	// The key is taken now, after the limiter (and the backoff before it),
	// so that a long wait never sends a key that expired meanwhile.
	var key string
	if st.authed {
		key, err = c.auth.apiKey(ctx)
		if err != nil {
			closeBody()
			return nil, &keyError{err: err}
		}
		st.mu.Lock()
		st.key = key
		st.mu.Unlock()
	}
	actx := ctx
	if st.traced {
		// A fresh copy per attempt: WithClientTrace composes the trace it
		// is given with the caller's in place, so a shared one would call
		// the caller's hooks once more with every attempt.
		tr := new(httptrace.ClientTrace)
		*tr = st.trace
		actx = httptrace.WithClientTrace(ctx, tr)
	}
	cancel := context.CancelFunc(func() {})
	if d := st.cfg.attemptTimeout; d > 0 {
		actx, cancel = context.WithTimeout(actx, d)
	}
	req = attemptRequest(actx, req, st.authed, key)
	st.mu.Lock()
	st.sent++
	st.mu.Unlock()
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	preread := false
	if err == nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 && resp.StatusCode != http.StatusNoContent {
		preread = true
		// Read a success answer whole here, within the attempt's timeout,
		// so that one failing mid-read is an attempt's failure, which the
		// retry policy weighs like a lost answer.
		data, rerr := readCapped(resp.Body, resp.ContentLength)
		resp.Body.Close()
		switch {
		case rerr == errBodyTooLarge:
			resp.Body = &prereadBody{err: rerr}
		case rerr != nil:
			err, resp = &bodyReadError{err: rerr}, nil
		default:
			pr := &prereadBody{data: data}
			pr.r.Reset(data)
			resp.Body = pr
		}
	}
	elapsed := time.Since(start)
	// The attributes are built only for a logger that takes debug lines:
	// at a disabled level they would be allocated for nothing.
	debug := c.logger.Enabled(ctx, slog.LevelDebug)
	if err != nil {
		cancel()
		err = stripURL(err)
		if debug {
			c.logger.LogAttrs(ctx, slog.LevelDebug, "pluggy: request failed", slog.String("route", routeLiteral),
				slog.Int("attempt", n), slog.Duration("elapsed", elapsed), slog.String("error", sanitize(err.Error())))
		}
		if h := c.hooks.Attempt; h != nil {
			h(AttemptEvent{Route: routeLiteral, Attempt: n, Duration: elapsed, Err: err})
		}
		return nil, err
	}
	if preread {
		cancel() // the body is read: the attempt is over
	} else {
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	}
	st.mu.Lock()
	st.status, st.header = resp.StatusCode, resp.Header
	st.mu.Unlock()
	if debug {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "pluggy: request", slog.String("route", routeLiteral),
			slog.Int("attempt", n), slog.Duration("elapsed", elapsed), slog.Int("status", resp.StatusCode))
	}
	if h := c.hooks.Attempt; h != nil {
		h(AttemptEvent{Route: routeLiteral, Attempt: n, StatusCode: resp.StatusCode, Duration: elapsed})
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if asked := retry.ServerWait(resp.Header, c.clock.Now()); asked > 0 {
			// Hold the route for what the server asked, but never longer
			// than the client's cap on server-requested waits.
			d := min(asked, c.maxRetryWait)
			if d > 0 {
				until := c.clock.Now().Add(d)
				c.limiter.Hold(routeLiteral, until)
				if h := c.hooks.RateLimitHold; h != nil {
					h(RateLimitHoldEvent{Route: routeLiteral, Asked: asked, Hold: d, Until: until})
				}
			}
		}
	}
	return resp, nil
}

// attemptRequest is the request of one attempt: req on the attempt's
// context, with a header of its own carrying the API key when authed (the
// retry loop's request is never modified, so that no attempt sees
// another's header or URL). Unlike Request.Clone it copies the header into
// one map and one backing array for all its values, and leaves the body
// (the loop's, rewound by it for each attempt) and the fields the pipeline
// never sets (Trailer, Form, TransferEncoding) shared.
func attemptRequest(ctx context.Context, req *http.Request, authed bool, key string) *http.Request {
	r := req.WithContext(ctx)
	if req.URL != nil {
		// Copied as Request.Clone copies it, so that a transport that
		// rewrites the URL in place (against the RoundTripper contract)
		// cannot change the next attempt's.
		u := *req.URL
		r.URL = &u
	}
	n, m := 0, len(req.Header)
	for _, vs := range req.Header {
		n += len(vs)
	}
	if authed {
		n, m = n+1, m+1
	}
	h := make(http.Header, m)
	vals := make([]string, 0, n)
	for k, vs := range req.Header {
		if authed && k == "X-Api-Key" {
			continue // replaced below, as Header.Set would
		}
		if vs == nil {
			h[k] = nil // kept as Header.Clone keeps it
			continue
		}
		i := len(vals)
		vals = append(vals, vs...)
		h[k] = vals[i:len(vals):len(vals)]
	}
	if authed {
		vals = append(vals, key)
		h["X-Api-Key"] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	r.Header = h
	return r
}

// cancelOnClose ends an attempt's timeout once its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// checkRetry decides whether an attempt is retried: connection errors and
// 5xx (not 501) only for calls that may be replayed, or when the request
// surely never reached the server; 429 always. A wait the server asks for
// (429 or 503) longer than the client's cap is not waited: the answer is
// returned at once. Nothing is retried past the call's retry count.
func (c *Client) checkRetry(ctx context.Context, st *callState, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	replayable := st.policy.Replayable
	// wait is the server's ask, already within the cap; 0 or less leaves
	// the wait to the backoff.
	retryNow := func(reason, detail string, status int, wait time.Duration) (bool, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.sent > st.cfg.retries {
			return false, nil
		}
		st.retryReason, st.retryDetail, st.retryStatus, st.nextWait = reason, detail, status, wait
		return true, nil
	}
	if err != nil {
		var ns *notSentError
		var ke *keyError
		if errors.As(err, &ns) || errors.As(err, &ke) || retry.Permanent(err) {
			return false, nil
		}
		never := st.policy.NeverReachedServer(err)
		if !never {
			st.mu.Lock()
			st.mayHaveActed = true
			st.mu.Unlock()
		}
		if replayable || never {
			return retryNow("connection error", stripURL(err).Error(), 0, -1)
		}
		return false, nil
	}
	// What the server asked for weighs only on a 429 or a 503: a success
	// answer's headers are not searched for it.
	var asked time.Duration
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		asked = retry.ServerWait(resp.Header, c.clock.Now())
	}
	if resp.StatusCode >= 500 {
		st.mu.Lock()
		st.mayHaveActed = true
		st.mu.Unlock()
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		if asked > c.maxRetryWait {
			return false, nil
		}
		return retryNow("rate limited", resp.Status, resp.StatusCode, asked) // 0: backoff
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented && replayable:
		if resp.StatusCode == http.StatusServiceUnavailable && asked > 0 {
			if asked > c.maxRetryWait {
				return false, nil
			}
			return retryNow("server error", resp.Status, resp.StatusCode, asked)
		}
		return retryNow("server error", resp.Status, resp.StatusCode, -1)
	}
	return false, nil
}

// retryWait is the wait before a retry: what the server asked for
// (Retry-After, RateLimit-Reset on a 429 or 503), already checked against
// the cap, or else an exponential backoff with jitter. It logs the retry and
// reports it to the hooks.
func (c *Client) retryWait(st *callState, min, max time.Duration, attemptNum int, resp *http.Response) time.Duration {
	st.mu.Lock()
	wait, reason, detail, status := st.nextWait, st.retryReason, st.retryDetail, st.retryStatus
	n := st.sent
	st.mu.Unlock()
	if wait <= 0 {
		wait = c.backoff(min, max, attemptNum, resp)
	}
	// Backoff has no context of its own: the call's is in st.
	c.logger.LogAttrs(&st.ctx, slog.LevelWarn, "pluggy: retrying", slog.String("route", st.policy.Route),
		slog.Int("attempt", n), slog.String("reason", reason), slog.String("detail", sanitize(detail)),
		slog.Duration("wait", wait))
	if h := c.hooks.Retry; h != nil {
		h(RetryEvent{Route: st.policy.Route, Attempt: n, Reason: reason, StatusCode: status, Wait: wait})
	}
	return wait
}

func minDuration(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

// backoff waits what the server asked for (Retry-After, RateLimit-Reset),
// within the client's cap, or else an exponential backoff with jitter.
func (c *Client) backoff(min, max time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d := retry.ServerWait(resp.Header, c.clock.Now()); d > 0 {
			return minDuration(d, c.maxRetryWait)
		}
	}
	return retry.Backoff(min, max, attemptNum)
}
