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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
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
	rc             *retryablehttp.Client
	auth           *authenticator

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
			return fmt.Errorf("pluggy: base URL %q is not an absolute http(s) URL", raw)
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sends requests through hc (for tracing, proxies, custom
// transports). The client wraps hc's transport to pace and observe each
// attempt; hc itself is not modified.
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

// WithMaxRetryWait caps how long the client waits when a 429 asks it to
// (Retry-After); past the cap it returns the *Error instead of waiting.
// The default is 90 seconds.
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
	c.rc = c.newRetryClient()
	c.common.client = c
	c.initServices()
	return c, nil
}

func (c *Client) newRetryClient() *retryablehttp.Client {
	var hc http.Client
	if c.userHTTP != nil {
		hc = *c.userHTTP
	} else {
		hc.Transport = http.DefaultTransport
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &attemptTransport{base: base, client: c}
	return &retryablehttp.Client{
		HTTPClient:   &hc,
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     c.retries,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// String describes the client without its secret or keys.
func (c *Client) String() string {
	return fmt.Sprintf("pluggy.Client{baseURL: %s, clientID: %s}", c.baseURL, c.auth.clientID)
}

// GoString is String, so that %#v shows no secret either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so that no formatting of a Client
// shows its secret or keys.
func (c *Client) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// BaseURL returns the address the client sends requests to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// Do sends a request on route ("GET /items/{id}") through the client's whole
// pipeline (key, rate limit, retries, errors) and decodes a 2xx JSON answer
// into out. pathArgs fill the route's {params} in order. It is for operations
// this package does not model yet; prefer the service methods.
func (c *Client) Do(ctx context.Context, routeLiteral string, pathArgs []string, query url.Values, body, out any) error {
	return c.call(ctx, routeLiteral, pathArgs, query, body, out)
}

// replayablePOSTs lists the POST routes that do not create or act and may
// therefore be retried like a GET.
var replayablePOSTs = map[string]bool{
	"POST /auth":                     true,
	"POST /connectors/{id}/validate": true,
}

// call is the one road to the network: route literal + arguments in, decoded
// answer or *Error out.
func (c *Client) call(ctx context.Context, routeLiteral string, pathArgs []string, query url.Values, body, out any) error {
	return c.send(ctx, routeLiteral, pathArgs, query, body, out, true)
}

// callFor is call for the common case of a method that returns the decoded
// answer: nil and call's error on failure, else a pointer to the answer.
func callFor[T any](ctx context.Context, c *Client, routeLiteral string, pathArgs []string, query url.Values, body any) (*T, error) {
	var out T
	if err := c.call(ctx, routeLiteral, pathArgs, query, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// callRaw is call with a query string the server handed back ready-made
// (the "next" cursor of GET /v2/transactions). rawQuery, with or without its
// leading "?", is sent exactly as given: decoding and re-encoding it could
// change a cursor (a "+" must stay a "+"). It goes through the same pipeline.
func (c *Client) callRaw(ctx context.Context, routeLiteral string, pathArgs []string, rawQuery string, body, out any) error {
	return c.sendRaw(ctx, routeLiteral, pathArgs, strings.TrimPrefix(rawQuery, "?"), body, out, true)
}

func (c *Client) send(ctx context.Context, routeLiteral string, pathArgs []string, query url.Values, body, out any, authed bool) error {
	return c.sendRaw(ctx, routeLiteral, pathArgs, query.Encode(), body, out, authed)
}

// sendRaw is the pipeline itself; rawQuery is already encoded.
func (c *Client) sendRaw(ctx context.Context, routeLiteral string, pathArgs []string, rawQuery string, body, out any, authed bool) error {
	if ctx == nil {
		return errors.New("pluggy: nil context")
	}
	method, tmpl, err := route.Split(routeLiteral)
	if err != nil {
		return fmt.Errorf("pluggy: %w", err)
	}
	path, err := route.Expand(tmpl, pathArgs...)
	if err != nil {
		var empty *route.EmptyArgError
		if errors.As(err, &empty) {
			return &ParamError{Param: empty.Name, Problem: empty.Problem}
		}
		return fmt.Errorf("pluggy: %s: %w", routeLiteral, err)
	}
	u := *c.baseURL
	u.RawPath = strings.TrimRight(c.baseURL.EscapedPath(), "/") + path
	if u.Path, err = url.PathUnescape(u.RawPath); err != nil {
		return fmt.Errorf("pluggy: %s: %w", routeLiteral, err)
	}
	u.RawQuery = rawQuery

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
	replayable := method != http.MethodPost || replayablePOSTs[routeLiteral]

	for try := 0; ; try++ {
		key := ""
		if authed {
			key, err = c.auth.apiKey(ctx)
			if err != nil {
				return err
			}
		}
		err = c.attempt(ctx, routeLiteral, method, u.String(), payload, key, replayable, out)
		var apiErr *Error
		if authed && try == 0 && errors.As(err, &apiErr) && c.auth.canRefresh() &&
			(apiErr.StatusCode == http.StatusUnauthorized || apiErr.expiredKey()) {
			// The key was refused: drop it, get a new one, replay once.
			c.logger.LogAttrs(ctx, slog.LevelInfo, "pluggy: API key refused, renewing",
				slog.String("route", routeLiteral), slog.Int("status", apiErr.StatusCode))
			c.auth.invalidate(key)
			continue
		}
		return err
	}
}

func (c *Client) attempt(ctx context.Context, routeLiteral, method, rawURL string, payload []byte, key string, replayable bool, out any) error {
	state := &retry.Attempt{Route: routeLiteral, Replayable: replayable}
	ctx = retry.WithAttempt(ctx, state)
	var bodyArg any
	if payload != nil {
		bodyArg = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, rawURL, bodyArg)
	if err != nil {
		return fmt.Errorf("pluggy: %s: %w", routeLiteral, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("X-API-KEY", key)
	}
	resp, err := c.rc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return &RequestError{Route: routeLiteral, Attempts: state.Number(), Err: stripURL(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return parseError(routeLiteral, resp.StatusCode, resp.Header, raw, retry.ServerWait(resp.Header, c.clock.Now()))
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	if err := decodeBody(resp.Body, resp.ContentLength, out); err != nil {
		return &DecodeError{Route: routeLiteral, StatusCode: resp.StatusCode, Err: err}
	}
	return nil
}

// maxBody bounds a success answer the client will read (the largest
// Pluggy pages are well under a megabyte).
const maxBody = 64 << 20

// decodeBody reads the whole answer, into one buffer sized from its
// Content-Length when the server sent one, and decodes it into out. An empty
// body leaves out untouched.
func decodeBody(r io.Reader, size int64, out any) error {
	var buf bytes.Buffer
	if size > 0 && size <= maxBody {
		buf.Grow(int(size) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, maxBody+1))
	if err != nil {
		return err
	}
	if n > maxBody {
		return fmt.Errorf("answer larger than %d MiB", maxBody>>20)
	}
	if len(bytes.TrimSpace(buf.Bytes())) == 0 {
		return nil
	}
	return json.Unmarshal(buf.Bytes(), out)
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

// RequestError is a call that got no answer: the connection failed, the
// context ended, or the attempts ran out without a response.
type RequestError struct {
	// Route is the route literal of the call.
	Route string
	// Attempts is how many attempts were made.
	Attempts int
	// Err is the underlying error (context.Canceled, a net error, ...).
	Err error
}

// Error names the route, the attempts made and the cause.
func (e *RequestError) Error() string {
	s := "pluggy: " + e.Route + ": "
	if e.Attempts > 1 {
		s += fmt.Sprintf("after %d attempts: ", e.Attempts)
	}
	return s + e.Err.Error()
}

// Unwrap returns the cause, so that errors.Is(err, context.Canceled) works.
func (e *RequestError) Unwrap() error { return e.Err }

// DecodeError is a 2xx answer whose body could not be decoded (truncated,
// not JSON, or not the shape the API documents).
type DecodeError struct {
	// Route is the route literal of the call.
	Route string
	// StatusCode is the status of the answer.
	StatusCode int
	// Err is the decoding error.
	Err error
}

// Error names the route, the status and what could not be decoded.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("pluggy: %s: decoding %d answer: %v", e.Route, e.StatusCode, e.Err)
}

// Unwrap returns the decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// attemptTransport runs beneath the retry loop, once per attempt: it waits
// on the rate limiter, observes whether the request reached the wire, logs,
// and holds the route back when the server answers 429.
type attemptTransport struct {
	base   http.RoundTripper
	client *Client
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.client
	ctx := req.Context()
	state := retry.FromContext(ctx)
	routeLiteral := req.Method + " " + req.URL.Path
	n := 1
	if state != nil {
		routeLiteral = state.Route
		n = state.Begin()
	}
	if err := c.limiter.Wait(ctx, routeLiteral); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	if state != nil {
		trace := &httptrace.ClientTrace{
			GotConn:      func(httptrace.GotConnInfo) { state.GotConn() },
			WroteRequest: func(i httptrace.WroteRequestInfo) { state.WroteRequest(i.Err) },
		}
		req = req.WithContext(httptrace.WithClientTrace(ctx, trace))
	}
	var cancel context.CancelFunc = func() {}
	if c.attemptTimeout > 0 {
		var actx context.Context
		actx, cancel = context.WithTimeout(req.Context(), c.attemptTimeout)
		req = req.WithContext(actx)
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	attrs := []slog.Attr{slog.String("route", routeLiteral), slog.Int("attempt", n), slog.Duration("elapsed", time.Since(start))}
	if err != nil {
		cancel()
		c.logger.LogAttrs(ctx, slog.LevelDebug, "pluggy: request failed", append(attrs, slog.String("error", stripURL(err).Error()))...)
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "pluggy: request", append(attrs, slog.Int("status", resp.StatusCode))...)
	if resp.StatusCode == http.StatusTooManyRequests {
		if d := retry.ServerWait(resp.Header, c.clock.Now()); d > 0 {
			c.limiter.Hold(routeLiteral, c.clock.Now().Add(d))
		}
	}
	return resp, nil
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
// surely never reached the server; 429 always, unless the wait asked for is
// longer than the client's cap.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	state := retry.FromContext(ctx)
	replayable := state == nil || state.Replayable
	if err != nil {
		if retry.Permanent(err) {
			return false, nil
		}
		if replayable || (state != nil && state.NeverReachedServer(err)) {
			c.logRetry(ctx, state, "connection error", err.Error())
			return true, nil
		}
		return false, nil
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		if w := retry.ServerWait(resp.Header, c.clock.Now()); c.maxRetryWait > 0 && w > c.maxRetryWait {
			return false, nil
		}
		c.logRetry(ctx, state, "rate limited", resp.Status)
		return true, nil
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented && replayable:
		c.logRetry(ctx, state, "server error", resp.Status)
		return true, nil
	}
	return false, nil
}

func (c *Client) logRetry(ctx context.Context, state *retry.Attempt, why, detail string) {
	if state == nil {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, "pluggy: retrying", slog.String("route", state.Route),
		slog.Int("attempt", state.Number()), slog.String("reason", why), slog.String("detail", detail))
}

// backoff waits what the server asked for (Retry-After, RateLimit-Reset) or
// else an exponential backoff with jitter.
func (c *Client) backoff(min, max time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d := retry.ServerWait(resp.Header, c.clock.Now()); d > 0 {
			return d
		}
	}
	return retry.Backoff(min, max, attemptNum)
}
