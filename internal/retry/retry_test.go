package retry

import (
	"errors"
	"math"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestServerWait(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	h := http.Header{}
	assert.Zero(t, ServerWait(h, now))

	h.Set("RateLimit-Reset", "12")
	assert.Equal(t, 12*time.Second, ServerWait(h, now))

	h.Set("Retry-After", "60")
	assert.Equal(t, 60*time.Second, ServerWait(h, now), "Retry-After wins over RateLimit-Reset")

	h.Set("Retry-After", now.Add(30*time.Second).Format(http.TimeFormat))
	assert.Equal(t, 30*time.Second, ServerWait(h, now))

	h.Set("Retry-After", now.Add(-30*time.Second).Format(http.TimeFormat))
	assert.Zero(t, ServerWait(h, now), "a date in the past asks for no wait")

	h = http.Header{"Retry-After": {"soon"}, "Ratelimit-Reset": {"-3"}}
	assert.Zero(t, ServerWait(h, now))

	// Found by FuzzParseError: ParseFloat reads "NaN", which passed the
	// range check and became a wait of -292 years.
	for _, v := range []string{"NaN", "nan", "+NaN", " NaN "} {
		assert.Zero(t, ServerWait(http.Header{"Retry-After": {v}}, now), v)
		assert.Zero(t, ServerWait(http.Header{"Ratelimit-Reset": {v}}, now), v)
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	t.Parallel()
	for attempt := 0; attempt < 10; attempt++ {
		d := Backoff(100*time.Millisecond, 2*time.Second, attempt)
		want := 100 * time.Millisecond << attempt
		if want > 2*time.Second {
			want = 2 * time.Second
		}
		assert.GreaterOrEqual(t, d, want/2, "attempt %d", attempt)
		assert.LessOrEqual(t, d, want, "attempt %d", attempt)
	}
	assert.Zero(t, Backoff(0, time.Second, 3))
}

// A cap near time.Duration's limit ("no cap") must not make the doubling
// overflow into a negative wait, which rand.Int64N refuses with a panic:
// the 35th backoff with a 1s floor overflowed.
func TestBackoffDoesNotOverflowUnderAHugeCap(t *testing.T) {
	t.Parallel()
	const huge = time.Duration(math.MaxInt64)
	for _, attempt := range []int{33, 34, 35, 40, 63, 64, 100} {
		var d time.Duration
		assert.NotPanics(t, func() { d = Backoff(time.Second, huge, attempt) }, "attempt %d", attempt)
		assert.GreaterOrEqual(t, d, time.Second, "attempt %d", attempt)
		assert.LessOrEqual(t, d, huge, "attempt %d", attempt)
	}
	d := Backoff(time.Second, huge, 100)
	assert.GreaterOrEqual(t, d, huge/2, "the cap is reached")
}

func TestNeverReachedServer(t *testing.T) {
	t.Parallel()
	dial := &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}

	var a Attempt
	a.Begin()
	assert.True(t, a.NeverReachedServer(dial), "dial error with no connection")
	assert.False(t, a.NeverReachedServer(reset), "a read error could follow a delivered request")

	a.GotConn()
	a.WroteRequest(nil)
	assert.False(t, a.NeverReachedServer(reset), "request written, answer lost: may have acted")

	a.Begin()
	a.GotConn()
	a.WroteRequest(syscall.ECONNRESET)
	assert.True(t, a.NeverReachedServer(reset), "write failed: the server has no whole request")
	assert.Equal(t, 2, a.Number())
}

func TestPermanent(t *testing.T) {
	t.Parallel()
	assert.True(t, Permanent(&url.Error{Err: errors.New(`unsupported protocol scheme "ftp"`)}))
	assert.True(t, Permanent(&url.Error{Err: errors.New("stopped after 10 redirects")}))
	assert.False(t, Permanent(&url.Error{Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}))
}

func TestServerWaitSaturatesAbsurdAsks(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	// An ask beyond a day used to read as "no wait"; it is an ask, capped
	// by the caller.
	assert.Equal(t, 100000*time.Second, ServerWait(http.Header{"Retry-After": {"100000"}}, now))
	assert.Equal(t, maxWait, ServerWait(http.Header{"Retry-After": {"1e300"}}, now))
	assert.Equal(t, maxWait, ServerWait(http.Header{"Retry-After": {"Tue, 23 Nov 2316 12:00:00 GMT"}}, now))
	assert.Equal(t, maxWait, ServerWait(http.Header{"Ratelimit-Reset": {"99999999999"}}, now))
	assert.Zero(t, ServerWait(http.Header{"Retry-After": {"NaN"}}, now))
}
