package pluggyredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/pluggy-go/pluggy"
)

// ErrUnavailable is wrapped by the errors of a limiter or store that could
// not reach Redis.
var ErrUnavailable = errors.New("pluggyredis: Redis unavailable")

// LimiterOptions configure a Limiter. The zero value is Pluggy's documented
// limits and refuses requests while Redis is unreachable.
type LimiterOptions struct {
	// Window is the span the limits count over: time.Minute by default,
	// like Pluggy. Tests and the bench shrink it to compress time.
	Window time.Duration
	// Limits is the limit of each route named here, per Window, over the
	// default of "PATCH /items/{id}", pluggy.ItemUpdateLimit, which a route
	// not named here keeps.
	Limits map[string]int
	// DefaultLimit is the limit of every other route, per Window:
	// pluggy.DefaultRouteLimit by default.
	DefaultLimit int
	// Margin is how much longer than Window the limiter spaces each
	// (limit+1)-th request after the first, to absorb the time between a
	// grant and the request's arrival at Pluggy. Wait voids a grant it
	// would return more than Margin/2 after the granted instant (a long
	// pause, a slow Redis round trip) and asks again, so half the margin is
	// left for the network. Window/120 by default (500 ms a minute), which
	// uses Window/(Window+Margin) = 99.2% of each budget under steady
	// demand.
	Margin time.Duration
	// Spacing is the least time between two grants of a route, so that a
	// fleet's requests (and its processes' wake-ups) are spread instead of
	// a route's whole budget leaving at one instant. 0 means the default,
	// a quarter of the even spacing: (Window+Margin)/(4×limit), about 42
	// ms on a 360 route and 756 ms on PATCH /items/{id}, so that a route's
	// budget leaves over a quarter of the window at most. Negative turns
	// it off (bursts of the whole limit at once). Set to
	// (Window+Margin)/limit, requests are spaced evenly. Spacing never
	// lets a window exceed the limit, and up to (Window+Margin)/limit it
	// does not lower the steady share.
	Spacing time.Duration
	// Fallback is the limiter used while Redis cannot be reached. Nil (the
	// default) refuses: Wait returns an error wrapping ErrUnavailable and
	// the call fails without being sent. LocalShare builds a fallback
	// that gives each process a fixed share of the budget.
	Fallback pluggy.Limiter
	// Retry is how long after a Redis failure the limiter goes straight to
	// the fallback (or refuses) before trying Redis again: 1 s by default.
	Retry time.Duration
	// Timeout bounds each Redis round trip: 1 s by default.
	Timeout time.Duration
	// Prefix starts every key: "pluggy" by default.
	Prefix string
	// Logger receives a warning when Redis becomes unreachable and an
	// info line when it is back. Silent by default.
	Logger *slog.Logger
}

// Limiter is a pluggy.Limiter shared by every process of one Pluggy
// application through Redis: one budget per route, a 429's hold seen by
// all.
//
// # The guarantee
//
// Each route's grants are kept in a sorted set, timed by the Redis
// server's clock (one clock for the whole fleet, whatever the processes'
// clocks say). A grant is given the earliest instant, now or later, that is
// at least Spacing after the last grant and at least Window+Margin after
// the limit-th most recent one; a caller whose instant is in the future sleeps
// until then, holding a reservation (given back when its ctx ends first).
// So any limit+1 consecutive grants span at least Window+Margin, and since
// Wait returns at most Margin/2 after its grant instant (otherwise it asks
// again), the requests leave the processes with no Window-long span
// holding more than the limit. Under steady demand a route gets limit
// requests per Window+Margin, 99.2% of its budget with the default margin,
// for PATCH /items/{id} (20) as for the others (360).
//
// GCRA (go-redis/redis_rate) is not used: with a burst b it lets b +
// Window/T requests into some windows, so the emission interval T must be
// (Window+Margin)/(limit-b+1), which gives up (b-1)/limit of the budget
// (burst 2 on PATCH /items/{id} already costs 5%); and its answer is "allow
// or retry after", so every waiting goroutine of the fleet polls Redis at
// the same instants. The log reserves each caller its instant, in one
// round trip per grant, and bursts cost nothing.
//
// The guarantee holds while the Redis server's clock runs steadily (no
// steps back or forth) and while every process of the application uses a
// Limiter with the same prefix, client id, Window and limits.
//
// # When Redis is unreachable
//
// A failed round trip (after Timeout) makes Wait use the Fallback, or
// refuse when there is none, for Retry; then Redis is tried again. Grants
// given by a fallback are not recorded in Redis: a window that spans an
// outage can carry the fallback's grants on top of Redis's. Choose the
// fallback's share so that the sum stays under what Pluggy accepts, or
// leave it nil to refuse.
//
// # Keys
//
// Keys are <Prefix>:{<clientID>}:rl:<route> (the grants) and
// <Prefix>:{<clientID>}:hold:<route>, with the client id as hash tag so a
// Redis Cluster keeps an application's keys on one node. The client
// secret is never part of a key; the limiter never sees it. Every key
// expires on its own.
type Limiter struct {
	rdb      goredis.UniversalClient
	base     string
	window   time.Duration
	margin   time.Duration
	spacing  time.Duration
	limits   map[string]int
	deflimit int
	fallback pluggy.Limiter
	retry    time.Duration
	timeout  time.Duration
	logger   *slog.Logger

	mu      sync.Mutex
	downTil time.Time
	down    bool

	granted, voided, fellBack atomic.Int64
}

// LimiterStats are a Limiter's counts since it was made.
type LimiterStats struct {
	// Granted counts the waits Redis granted.
	Granted int64
	// Voided counts the grants given back because the caller would have
	// gone ahead more than Margin/2 late (each was asked for again).
	Voided int64
	// Degraded counts the waits that went to the fallback, or were
	// refused, because Redis could not be reached.
	Degraded int64
}

// Stats returns the limiter's counts.
func (l *Limiter) Stats() LimiterStats {
	return LimiterStats{Granted: l.granted.Load(), Voided: l.voided.Load(), Degraded: l.fellBack.Load()}
}

// NewLimiter returns a Limiter on rdb for the application whose client id
// is clientID. opts may be nil.
func NewLimiter(rdb goredis.UniversalClient, clientID string, opts *LimiterOptions) (*Limiter, error) {
	if rdb == nil {
		return nil, errors.New("pluggyredis: NewLimiter: nil Redis client")
	}
	var o LimiterOptions
	if opts != nil {
		o = *opts
	}
	base, err := keyBase("NewLimiter", clientID, o.Prefix)
	if err != nil {
		return nil, err
	}
	l := &Limiter{
		rdb: rdb, base: base,
		window: o.Window, margin: o.Margin, spacing: o.Spacing, deflimit: o.DefaultLimit,
		fallback: o.Fallback, retry: o.Retry, timeout: o.Timeout, logger: o.Logger,
		limits: map[string]int{},
	}
	if l.window == 0 {
		l.window = time.Minute
	}
	if l.window < 10*time.Millisecond {
		return nil, fmt.Errorf("pluggyredis: NewLimiter: Window %s is shorter than 10ms", l.window)
	}
	if l.margin == 0 {
		l.margin = l.window / 120
	}
	if l.margin < 0 {
		return nil, fmt.Errorf("pluggyredis: NewLimiter: negative Margin %s", l.margin)
	}
	if l.spacing > l.window {
		return nil, fmt.Errorf("pluggyredis: NewLimiter: Spacing %s is longer than the Window", l.spacing)
	}
	if l.deflimit == 0 {
		l.deflimit = pluggy.DefaultRouteLimit
	}
	if l.deflimit < 0 {
		return nil, fmt.Errorf("pluggyredis: NewLimiter: negative DefaultLimit %d", l.deflimit)
	}
	l.limits["PATCH /items/{id}"] = pluggy.ItemUpdateLimit
	for r, n := range o.Limits {
		if n <= 0 {
			return nil, fmt.Errorf("pluggyredis: NewLimiter: limit %d of %q is not positive", n, r)
		}
		l.limits[r] = n
	}
	if l.retry <= 0 {
		l.retry = time.Second
	}
	if l.timeout <= 0 {
		l.timeout = time.Second
	}
	if l.logger == nil {
		l.logger = slog.New(slog.DiscardHandler)
	}
	return l, nil
}

// LocalShare returns an in-process limiter with 1/replicas of Pluggy's
// budget (at least one request per minute per route), a Fallback for
// LimiterOptions: while Redis is down, replicas processes together stay
// within the limits.
func LocalShare(replicas int) *pluggy.RouteLimiter {
	replicas = max(replicas, 1)
	return pluggy.NewRouteLimiter(time.Minute,
		map[string]int{"PATCH /items/{id}": max(1, pluggy.ItemUpdateLimit/replicas)},
		max(1, pluggy.DefaultRouteLimit/replicas))
}

// keyBase is "<prefix>:{<clientID>}", checked.
func keyBase(fn, clientID, prefix string) (string, error) {
	clientID = strings.TrimSpace(clientID)
	if clientID == "" {
		return "", fmt.Errorf("pluggyredis: %s: empty client id", fn)
	}
	if strings.ContainsAny(clientID, "{}\r\n\x00") || len(clientID) > 200 {
		return "", fmt.Errorf("pluggyredis: %s: client id %q is not a Pluggy client id", fn, clientID)
	}
	if prefix == "" {
		prefix = "pluggy"
	}
	if strings.ContainsAny(prefix, "{}\r\n\x00") {
		return "", fmt.Errorf("pluggyredis: %s: prefix %q holds a brace or a control character", fn, prefix)
	}
	return prefix + ":{" + clientID + "}", nil
}

// spacingOf is the Spacing of a route with this limit.
func (l *Limiter) spacingOf(limit int) time.Duration {
	switch {
	case l.spacing < 0:
		return 0
	case l.spacing > 0:
		return l.spacing
	}
	return (l.window + l.margin) / time.Duration(4*limit)
}

func (l *Limiter) limitOf(route string) int {
	if n, ok := l.limits[route]; ok {
		return n
	}
	return l.deflimit
}

// reserveScript gives the next grant of a route. KEYS: grants, hold.
// ARGV: span (Window+Margin, µs), limit, longest acceptable wait (µs, -1 for
// any), member, spacing (µs). Returns {now, slot, reserved}, times in µs of
// Redis's clock.
var reserveScript = goredis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local span = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%d', now - span))
local slot = now
local hold = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
if hold > slot then slot = hold end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) + tonumber(ARGV[5]) > slot then slot = tonumber(last[2]) + tonumber(ARGV[5]) end
if redis.call('ZCARD', KEYS[1]) >= limit then
  local kth = redis.call('ZRANGE', KEYS[1], -limit, -limit, 'WITHSCORES')
  local s = tonumber(kth[2]) + span
  if s > slot then slot = s end
end
if maxwait >= 0 and slot - now > maxwait then
  return {now, slot, 0}
end
redis.call('ZADD', KEYS[1], slot, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.floor((slot - now + span) / 1000) + 1000)
return {now, slot, 1}
`)

// holdScript extends a route's hold. KEYS: hold. ARGV: duration (µs).
var holdScript = goredis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local til = now + tonumber(ARGV[1])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if til > cur then
  redis.call('SET', KEYS[1], string.format('%d', til), 'PX', math.floor(tonumber(ARGV[1]) / 1000) + 1000)
end
return 1
`)

// heldScript reports whether a route is held now. KEYS: hold.
var heldScript = goredis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local hold = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if hold > now then return 1 end
return 0
`)

func (l *Limiter) keys(route string) []string {
	return []string{l.base + ":rl:" + route, l.base + ":hold:" + route}
}

// usable reports whether Redis should be tried now.
func (l *Limiter) usable() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.down || !time.Now().Before(l.downTil)
}

func (l *Limiter) failed(err error) {
	l.mu.Lock()
	was := l.down
	l.down, l.downTil = true, time.Now().Add(l.retry)
	l.mu.Unlock()
	if !was {
		l.logger.Warn("pluggyredis: limiter cannot reach Redis", slog.String("error", err.Error()),
			slog.Bool("fallback", l.fallback != nil))
	}
}

func (l *Limiter) recovered() {
	l.mu.Lock()
	was := l.down
	l.down = false
	l.mu.Unlock()
	if was {
		l.logger.Info("pluggyredis: limiter reaches Redis again")
	}
}

// degraded is what Wait does without Redis.
func (l *Limiter) degraded(ctx context.Context, route string, cause error) error {
	if l.fallback != nil {
		return l.fallback.Wait(ctx, route)
	}
	if cause == nil {
		cause = errors.New("marked unreachable by an earlier failure")
	}
	return fmt.Errorf("pluggyredis: rate limit of %s: request not sent: %w: %w", route, ErrUnavailable, cause)
}

// Wait blocks until a request on route may be sent, within the fleet's
// budget, or until ctx ends. A wait that would outlast ctx's deadline
// fails at once with an error wrapping context.DeadlineExceeded.
func (l *Limiter) Wait(ctx context.Context, route string) error {
	_, err := l.wait(ctx, route)
	return err
}

// maxVoided bounds how many late grants in a row one Wait voids.
const maxVoided = 16

// wait is Wait that also returns the instant it granted (zero when the
// fallback did): the local time the lateness check read, which tests record.
func (l *Limiter) wait(ctx context.Context, route string) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	if !l.usable() {
		l.fellBack.Add(1)
		return time.Time{}, l.degraded(ctx, route, nil)
	}
	keys := l.keys(route)
	limit := l.limitOf(route)
	span := (l.window + l.margin).Microseconds()
	late := l.margin / 2
	for voided := 0; ; voided++ {
		if voided == maxVoided {
			return time.Time{}, fmt.Errorf("pluggyredis: rate limit of %s: %d grants in a row came more than Margin/2 (%s) late; "+
				"Redis round trips or pauses are longer than the margin allows", route, voided, late)
		}
		member := newMember()
		maxWait := int64(-1)
		if dl, ok := ctx.Deadline(); ok {
			maxWait = max(0, time.Until(dl).Microseconds())
		}
		sent := time.Now()
		res, err := l.run(ctx, reserveScript, keys[:2], span, limit, maxWait, member, l.spacingOf(limit).Microseconds())
		if err != nil {
			if ctx.Err() != nil {
				return time.Time{}, ctx.Err()
			}
			l.failed(err)
			l.fellBack.Add(1)
			return time.Time{}, l.degraded(ctx, route, err)
		}
		l.recovered()
		now, slot, ok := res[0], res[1], res[2] == 1
		d := time.Duration(slot-now) * time.Microsecond
		if !ok {
			return time.Time{}, fmt.Errorf("pluggyredis: waiting %s for the rate limit of %s would outlast the context: %w",
				d.Round(time.Millisecond), route, context.DeadlineExceeded)
		}
		if d > 0 {
			// The slot is d after the script ran, which was after sent and
			// before now: waking d from now is never early. A 429 may hold
			// the route meanwhile: look a little before the slot, so that
			// the look's round trip is not part of the lateness.
			wake := time.Now().Add(d)
			if early := min(late/2, d); early > 0 && d > early {
				if err := sleepUntil(ctx, wake.Add(-early)); err != nil {
					l.cancel(keys[0], member)
					return time.Time{}, err
				}
				held, err := l.run(ctx, heldScript, keys[1:2])
				if err == nil && held[0] == 1 {
					l.cancel(keys[0], member)
					continue
				}
			}
			if err := sleepUntil(ctx, wake); err != nil {
				l.cancel(keys[0], member)
				return time.Time{}, err
			}
		}
		at := time.Now()
		if at.Sub(sent)-d > late {
			// Too long since the granted instant (a pause, a slow round
			// trip): give the unused grant back (dropping a grant never
			// sent only loosens the constraint) and ask again.
			l.voided.Add(1)
			l.cancel(keys[0], member)
			continue
		}
		l.granted.Add(1)
		return at, nil
	}
}

// sleepUntil sleeps until t or until ctx ends (returning its error).
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run evaluates a script within the limiter's timeout and returns its
// integer results.
func (l *Limiter) run(ctx context.Context, s *goredis.Script, keys []string, args ...any) ([]int64, error) {
	rctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	v, err := s.Run(rctx, l.rdb, keys, args...).Result()
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case int64:
		return []int64{v}, nil
	case []any:
		out := make([]int64, len(v))
		for i, x := range v {
			n, ok := x.(int64)
			if !ok {
				return nil, fmt.Errorf("pluggyredis: unexpected script answer %T", x)
			}
			out[i] = n
		}
		return out, nil
	}
	return nil, fmt.Errorf("pluggyredis: unexpected script answer %T", v)
}

// cancel gives back a reservation its caller will not use.
func (l *Limiter) cancel(key, member string) {
	ctx, done := context.WithTimeout(context.Background(), l.timeout)
	defer done()
	_ = l.rdb.ZRem(ctx, key, member).Err()
}

// Hold keeps route closed for every process until the given time (a 429's
// Retry-After). The hold is measured from now on this process's clock and
// kept in Redis on Redis's clock, capped at ten Windows; the Fallback, if
// any, is held too.
func (l *Limiter) Hold(route string, until time.Time) {
	if l.fallback != nil {
		l.fallback.Hold(route, until)
	}
	d := time.Until(until)
	if d <= 0 {
		return
	}
	d = min(d, 10*l.window)
	if !l.usable() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	if _, err := l.run(ctx, holdScript, l.keys(route)[1:2], d.Microseconds()); err != nil {
		l.failed(err)
	}
}

func newMember() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var _ pluggy.Limiter = (*Limiter)(nil)
