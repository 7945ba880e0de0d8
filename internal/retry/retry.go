// Package retry holds the retry policy of the client: which failures may be
// replayed, how long to wait between attempts, and what the server asked for.
package retry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Attempt records, for one attempt at a time, what the transport saw of the
// request on its way out. The pipeline keeps one per call, fed by the
// call's httptrace hooks, so that the retry policy can tell whether the
// server may have acted on a request that failed without an answer.
type Attempt struct {
	// Route is the route literal of the call ("POST /items").
	Route string
	// Replayable is true for calls that may be sent twice without harm.
	Replayable bool

	gotConn      atomic.Bool
	wroteRequest atomic.Int32 // 0 unknown, 1 written, 2 write failed
	number       atomic.Int32
}

// Begin marks the start of a new attempt and returns its number (1-based).
func (a *Attempt) Begin() int {
	a.gotConn.Store(false)
	a.wroteRequest.Store(0)
	return int(a.number.Add(1))
}

// Number is the number of attempts begun so far.
func (a *Attempt) Number() int { return int(a.number.Load()) }

// GotConn records that a connection was obtained for the attempt.
func (a *Attempt) GotConn() { a.gotConn.Store(true) }

// WroteRequest records the outcome of writing the request.
func (a *Attempt) WroteRequest(err error) {
	if err != nil {
		a.wroteRequest.Store(2)
	} else {
		a.wroteRequest.Store(1)
	}
}

// NeverReachedServer reports whether the failed attempt surely did not
// deliver a complete request: no connection was made, not a byte was written,
// or writing the request failed. A complete request followed by a lost answer
// is not such a case.
func (a *Attempt) NeverReachedServer(err error) bool {
	if a.wroteRequest.Load() == 2 || nothingWritten(err) {
		return true
	}
	if a.gotConn.Load() {
		return false
	}
	return isDialError(err)
}

// nothingWritten reports whether err carries net/http's own finding that not
// one byte of the request was written to the connection. The transport keeps
// that count (it is how it decides its own retries) but does not export the
// error type, so it is recognised by name.
func nothingWritten(err error) bool {
	for _, e := range chain(err) {
		if fmt.Sprintf("%T", e) == "http.nothingWrittenError" {
			return true
		}
	}
	return false
}

// chain lists err and everything it wraps, depth first.
func chain(err error) []error {
	var out []error
	var walk func(error)
	walk = func(e error) {
		if e == nil || len(out) > 32 {
			return
		}
		out = append(out, e)
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// Permanent reports whether a transport error will not go away by trying
// again: a bad URL, a certificate problem, too many redirects.
func Permanent(err error) bool {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg := uerr.Err.Error()
		if strings.Contains(msg, "stopped after") && strings.Contains(msg, "redirects") {
			return true
		}
		if strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "invalid header") {
			return true
		}
	}
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verify)
}

// ServerWait returns how long the server asked the client to wait before the
// next request, from Retry-After (seconds or an HTTP date) or, failing that,
// RateLimit-Reset (seconds). It returns 0 when neither is usable. The value
// is what the server asked, saturated at a hundred years; capping it is the
// caller's business.
func ServerWait(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if d, ok := parseSeconds(v); ok {
			return d
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := t.Sub(now); d > 0 {
				return min(d, maxWait)
			}
			return 0
		}
	}
	if v := strings.TrimSpace(h.Get("RateLimit-Reset")); v != "" {
		if d, ok := parseSeconds(v); ok {
			return d
		}
	}
	return 0
}

// maxWait is where a server's ask saturates: far beyond any cap a client
// uses, and far from time.Duration's overflow.
const maxWait = 100 * 365 * 24 * time.Hour

func parseSeconds(v string) (time.Duration, bool) {
	n, err := strconv.ParseFloat(v, 64)
	// n != n refuses NaN, which ParseFloat reads and which would otherwise
	// become a negative wait (found by FuzzParseError).
	if err != nil || n < 0 || n != n {
		return 0, false
	}
	if n >= maxWait.Seconds() {
		// An absurd ask is still an ask: it saturates, so that a cap
		// refuses it instead of its being read as "no wait".
		return maxWait, true
	}
	return time.Duration(n * float64(time.Second)), true
}

// Backoff is the exponential backoff with jitter used between attempts:
// between half and all of min·2^attempt, capped at max.
func Backoff(min, max time.Duration, attempt int) time.Duration {
	if min <= 0 {
		return 0
	}
	d := min
	for i := 0; i < attempt && d < max; i++ {
		if d > max/2 {
			// Doubling would pass the cap (and, near time.Duration's
			// limit, overflow into a negative wait).
			d = max
			break
		}
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}
