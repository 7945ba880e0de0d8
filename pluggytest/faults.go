package pluggytest

import (
	"net"
	"net/http"
	"strconv"
	"time"
)

// Fault is an answer the server gives instead of the real one, for testing a
// client's resilience. Queue faults with Server.Fail.
type Fault struct {
	status     int
	retryAfter int
	reset      bool
	wrap       func(http.ResponseWriter) http.ResponseWriter
	finish     func(http.ResponseWriter)
}

// Status answers status with a Pluggy error body (500, 502, 503, ...).
func Status(status int) Fault { return Fault{status: status} }

// TooManyRequests answers 429 with Retry-After and RateLimit-Reset set to
// retryAfter seconds.
func TooManyRequests(retryAfter int) Fault {
	return Fault{status: http.StatusTooManyRequests, retryAfter: retryAfter}
}

// Reset closes the connection without an answer.
func Reset() Fault { return Fault{reset: true} }

// SlowBody answers normally but writes the body in small pieces with delay
// between them.
func SlowBody(delay time.Duration) Fault {
	return Fault{wrap: func(w http.ResponseWriter) http.ResponseWriter { return &slowWriter{ResponseWriter: w, delay: delay} }, finish: func(http.ResponseWriter) {}}
}

// TruncatedBody answers normally but sends only the first half of the body,
// then closes the connection.
func TruncatedBody() Fault {
	return Fault{
		wrap:   func(w http.ResponseWriter) http.ResponseWriter { return &bufferWriter{ResponseWriter: w} },
		finish: func(w http.ResponseWriter) { w.(*bufferWriter).flushHalf() },
	}
}

// Fail makes the next n requests on route ("GET /items/{id}") get fault
// instead of their answer.
func (s *Server) Fail(route string, n int, fault Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.faults[route] = append(s.faults[route], fault)
	}
}

func (s *Server) takeFaultLocked(route string) (Fault, bool) {
	q := s.faults[route]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[route] = q[1:]
	return q[0], true
}

// serve answers the fault when it replaces the answer; it returns false for
// faults that only alter the real answer.
func (f Fault) serve(w http.ResponseWriter) bool {
	switch {
	case f.reset:
		hijackAndClose(w)
		return true
	case f.status != 0:
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
			w.Header().Set("RateLimit-Reset", strconv.Itoa(f.retryAfter))
		}
		desc := "INTERNAL_SERVER_ERROR"
		msg := "Internal Server Error"
		if f.status == http.StatusTooManyRequests {
			desc, msg = "RATE_LIMIT_EXCEEDED", "Too many requests, please try again later"
		} else if f.status != http.StatusInternalServerError {
			desc, msg = "", http.StatusText(f.status)
		}
		writeError(w, f.status, desc, msg)
		return true
	}
	return false
}

func hijackAndClose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

type slowWriter struct {
	http.ResponseWriter
	delay time.Duration
}

func (w *slowWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), 16)
		m, err := w.ResponseWriter.Write(p[:k])
		n += m
		if err != nil {
			return n, err
		}
		if f, ok := w.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		p = p[k:]
		time.Sleep(w.delay)
	}
	return n, nil
}

type bufferWriter struct {
	http.ResponseWriter
	status int
	buf    []byte
}

func (w *bufferWriter) WriteHeader(status int) { w.status = status }

func (w *bufferWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	return len(p), nil
}

func (w *bufferWriter) flushHalf() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.ResponseWriter.Header().Set("Content-Length", strconv.Itoa(len(w.buf)))
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(w.buf[:len(w.buf)/2])
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}

// window counts the requests of one route in the current minute.
type window struct {
	start time.Time
	count int
}

// limitOf is Pluggy's per-minute limit of route.
func limitOf(route string) int {
	if route == "PATCH /items/{id}" {
		return 20
	}
	return 360
}

// allow counts the request against its route's minute and answers 429
// (with RateLimit-Limit, RateLimit-Reset and Retry-After) past the limit.
func (s *Server) allow(w http.ResponseWriter, route string) bool {
	s.mu.Lock()
	if !s.rateLimit {
		s.mu.Unlock()
		return true
	}
	now := s.nowLocked()
	limit := limitOf(route)
	var over bool
	var reset int
	if s.slidingWindow > 0 {
		over, reset = s.slideLocked(route, now, limit)
	} else {
		win := s.windows[route]
		if win == nil || now.Sub(win.start) >= time.Minute {
			win = &window{start: now}
			s.windows[route] = win
		}
		win.count++
		over = win.count > limit
		reset = int((time.Minute - now.Sub(win.start) + time.Second - 1) / time.Second)
	}
	if over {
		s.rateLimited++
	}
	s.mu.Unlock()
	w.Header().Set("RateLimit-Limit", strconv.Itoa(limit))
	if !over {
		return true
	}
	w.Header().Set("RateLimit-Reset", strconv.Itoa(reset))
	w.Header().Set("Retry-After", strconv.Itoa(reset))
	writeError(w, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "Too many requests, please try again later")
	return false
}

// slideLocked counts a request against route's sliding window: it is over
// the limit when limit requests were accepted within the last window (the
// refused ones do not count). reset is the whole seconds until the oldest
// of them leaves the window.
func (s *Server) slideLocked(route string, now time.Time, limit int) (over bool, reset int) {
	log := s.slides[route]
	cut := 0
	for cut < len(log) && !log[cut].After(now.Add(-s.slidingWindow)) {
		cut++
	}
	log = log[cut:]
	if len(log) >= limit {
		s.slides[route] = log
		wait := log[0].Add(s.slidingWindow).Sub(now)
		return true, max(1, int((wait+time.Second-1)/time.Second))
	}
	s.slides[route] = append(log, now)
	return false, 0
}

// WithRateLimitWindow makes the server count Pluggy's limits (20 on PATCH
// /items/{id}, 360 on every other route) over a sliding window of d: a
// request is refused with 429 when the limit was reached within the d
// before it, whenever the window starts. d = time.Minute is the strict
// form of Pluggy's limits; a shorter d compresses time for tests and
// benchmarks. Refused requests do not count; Retry-After is the whole
// seconds until a place frees. It turns the limits on, so of it and
// WithoutRateLimit the later option wins; d <= 0 changes nothing.
func WithRateLimitWindow(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.slidingWindow = d
			s.rateLimit = true
		}
	}
}

// RateLimited returns how many requests the server refused with 429 for
// its rate limits (injected faults not included).
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}
