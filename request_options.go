package pluggy

import (
	"context"
	"fmt"
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// RequestOption configures one call, on any service method or Client.Do:
//
//	var meta pluggy.ResponseMeta
//	item, err := client.Items.Get(ctx, id,
//		pluggy.WithHeader("X-Request-Id", reqID),
//		pluggy.WithCallAttemptTimeout(5*time.Second),
//		pluggy.CaptureResponse(&meta))
//
// An iterator (the All... methods) applies its options to every page it
// requests. A bad option fails the call before anything is sent.
type RequestOption func(*requestConfig) error

// requestConfig is the client's settings as one call's options leave them.
type requestConfig struct {
	header         http.Header
	attemptTimeout time.Duration
	retries        int
	meta           *ResponseMeta
}

// callOptionsKey carries options in a context, for the requests a helper
// makes on a caller's behalf without passing them one by one (the item
// driver behind Wait, Connect and Refresh).
type callOptionsKey struct{}

// withCallOptions returns ctx carrying opts for every authenticated call
// made with it.
func withCallOptions(ctx context.Context, opts []RequestOption) context.Context {
	if len(opts) == 0 {
		return ctx
	}
	return context.WithValue(ctx, callOptionsKey{}, opts)
}

// init sets cfg to the client's defaults, then applies the options carried
// by ctx (authenticated calls only: a login made on a call's behalf is not
// that call), then opts. cfg lives in the call's state (no allocation of
// its own).
func (cfg *requestConfig) init(ctx context.Context, c *Client, authed bool, opts []RequestOption) error {
	*cfg = requestConfig{attemptTimeout: c.attemptTimeout, retries: c.retries}
	if carried, _ := ctx.Value(callOptionsKey{}).([]RequestOption); authed && len(carried) > 0 {
		opts = append(carried[:len(carried):len(carried)], opts...)
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(cfg); err != nil {
			return err
		}
	}
	return nil
}

// reservedHeaders are set by the pipeline itself and cannot be overridden.
var reservedHeaders = map[string]bool{
	"X-Api-Key": true, "Content-Type": true, "Content-Length": true, "Accept": true,
	"Host": true, "Transfer-Encoding": true, "Connection": true, "User-Agent": true,
}

// WithHeader adds a header to the call's requests (every attempt), such as
// a request id for your own tracing. The headers the client sets itself
// (X-API-KEY, Accept, Content-Type, User-Agent, Host, ...) are refused, as
// is a name that is not an HTTP token (letters, digits and
// !#$%&'*+-.^_`|~) and a value with a line break or other control
// character.
func WithHeader(name, value string) RequestOption {
	return func(cfg *requestConfig) error {
		key := textproto.CanonicalMIMEHeaderKey(name)
		switch {
		case name == "" || strings.ContainsFunc(name, func(r rune) bool { return !isTokenChar(r) }):
			return fmt.Errorf("pluggy: WithHeader: invalid header name %q", name)
		case reservedHeaders[key]:
			return fmt.Errorf("pluggy: WithHeader: %s is set by the client", key)
		case hasControl(value):
			return fmt.Errorf("pluggy: WithHeader: the value of %s contains a control character", key)
		}
		if cfg.header == nil {
			cfg.header = http.Header{}
		}
		cfg.header.Add(key, value)
		return nil
	}
}

// hasControl reports whether s holds a control character other than a tab,
// which net/http refuses in a header value.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f })
}

// isTokenChar reports whether r may appear in a header name (an RFC 9110
// token: letters, digits and !#$%&'*+-.^_`|~), the names net/http sends.
func isTokenChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}

// WithCallAttemptTimeout bounds each attempt of this call (from sending the
// request to reading the whole answer), in place of the client's
// WithAttemptTimeout; 0 for no bound. The caller's ctx still bounds the
// call as a whole.
func WithCallAttemptTimeout(d time.Duration) RequestOption {
	return func(cfg *requestConfig) error {
		if d < 0 {
			return fmt.Errorf("pluggy: WithCallAttemptTimeout: %s is negative", d)
		}
		cfg.attemptTimeout = d
		return nil
	}
}

// WithCallRetries sets how many times this call may be retried, in place of
// the client's WithRetries (0 turns retries off for the call). Which
// failures are retried does not change: a creating POST is still never
// replayed after the server may have acted on it.
func WithCallRetries(n int) RequestOption {
	return func(cfg *requestConfig) error {
		if n < 0 || n > maxCallRetries {
			return fmt.Errorf("pluggy: WithCallRetries: %d is not within 0..%d", n, maxCallRetries)
		}
		cfg.retries = n
		return nil
	}
}

// maxCallRetries bounds WithCallRetries.
const maxCallRetries = 100

// CaptureResponse fills *meta with what happened on the call once it
// returns, whether it succeeded or not: the status and headers of the last
// answer, the attempts sent and the total time.
func CaptureResponse(meta *ResponseMeta) RequestOption {
	return func(cfg *requestConfig) error {
		if meta == nil {
			return fmt.Errorf("pluggy: CaptureResponse: nil *ResponseMeta")
		}
		cfg.meta = meta
		return nil
	}
}

// ResponseMeta is what CaptureResponse records of one call.
type ResponseMeta struct {
	// Route is the route literal of the call ("GET /items/{id}").
	Route string
	// StatusCode is the status of the last answer; 0 when no answer came.
	StatusCode int
	// Header holds the headers of the last answer (Pluggy's rate-limit
	// headers, request ids); nil when no answer came.
	Header http.Header
	// Attempts is how many attempts were sent, retries and a replay after
	// a key renewal included; 0 when nothing was sent.
	Attempts int
	// Duration is the time the call took, waits on the rate limiter and
	// between retries included.
	Duration time.Duration
}
