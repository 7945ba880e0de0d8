package pluggyredis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/pluggy-go/pluggy"
)

// QueueOptions configure a Queue; the zero value is fine.
type QueueOptions struct {
	// Name names the queue among the application's: "webhooks" by
	// default.
	Name string
	// Visibility is how long a delivery stays leased to the consumer that
	// received it: past it, neither acknowledged nor nacked, it is
	// delivered again to any consumer (XPENDING IDLE, XCLAIM). 30 s by default; make
	// it longer than the EventFunc's longest run.
	Visibility time.Duration
	// MaxAttempts is how many deliveries an event gets at most: one that
	// would be delivered a (MaxAttempts+1)-th time (its consumers kept
	// dying, or kept nacking) moves to the dead-letter stream instead. 10
	// by default.
	MaxAttempts int
	// Capacity bounds how many events the queue holds (waiting, delayed
	// or in flight): Enqueue returns pluggy.ErrQueueFull past it. 100,000
	// by default.
	Capacity int64
	// Poll bounds each blocking read, so that Receive notices a cancelled
	// ctx: 100 ms by default.
	Poll time.Duration
	// Consumer names this process in the consumer group: host name, pid
	// and a random suffix by default. Two live Queues must not share one.
	Consumer string
	// DedupeTTL is how long Enqueue remembers an eventId: within it, an
	// event with the same eventId is not added again (Enqueue returns nil,
	// as the queue holds or held it). This closes the gap a handler leaves
	// when its process dies after Enqueue and before its DedupeStore
	// recorded the event, and Pluggy's redelivery lands on another
	// replica. pluggy.DefaultDedupeTTL by default; negative turns it off.
	// Events without an eventId are always added.
	DedupeTTL time.Duration
	// Prefix starts every key: "pluggy" by default.
	Prefix string
	// ForgetConsumers is how long a consumer of the group may stay idle
	// (by Redis's count: no read, no claim) with no delivery pending
	// before Receive removes it from the group (XGROUP DELCONSUMER): a
	// process that died leaves its consumer behind, and every restart
	// adds one. Removing one that has nothing pending loses nothing (a
	// live one is recreated by its next read). 1 hour by default;
	// negative keeps every consumer.
	ForgetConsumers time.Duration
}

// pruneEvery bounds how often a Queue looks for consumers to forget.
const pruneEvery = 5 * time.Minute

// Queue is a durable pluggy.Queue on a Redis stream with a consumer group:
// the events survive the process (and a restart of Redis, as far as its
// persistence is configured: appendonly yes keeps them), and the consumers
// of every process share them.
//
// Enqueue is XADD of the raw body; Receive reads new entries with
// XREADGROUP and takes over entries idle longer than Visibility with
// XPENDING IDLE and XCLAIM (a consumer that died, or hangs); Attempt counts the deliveries
// of the event, its redeliveries after a Nack included. Ack is XACK and
// XDEL, accepted only from the delivery that holds the entry now (its
// receipt names the entry and its delivery count), so that a worker that
// comes back after its lease expired gets pluggy.ErrDeliveryExpired. A Nack
// with a delay parks the event in a sorted set until it is due. An event
// past MaxAttempts, or given up with DeadLetter, moves to the dead-letter
// stream, which DeadLetters reads. Receive also removes from the group the
// consumers idle past ForgetConsumers with nothing pending (those of
// processes that died).
//
// Keys: <Prefix>:{<clientID>}:queue:<Name> (the stream, consumer group
// "pluggy"), ...:<Name>:delayed and ...:<Name>:dead. The events are stored
// as Pluggy sent them; they hold ids, not secrets.
type Queue struct {
	rdb         goredis.UniversalClient
	stream      string
	delayed     string
	dead        string
	group       string
	consumer    string
	visibility  time.Duration
	maxAttempts int
	capacity    int64
	poll        time.Duration
	dedupeTTL   time.Duration
	ids         string // prefix of the eventId markers
	forget      time.Duration

	mu        sync.Mutex
	grouped   bool
	closed    bool
	lastPrune time.Time // when Receive last looked for consumers to forget
}

// NewQueue returns the queue of the application whose client id is
// clientID on rdb. opts may be nil.
func NewQueue(rdb goredis.UniversalClient, clientID string, opts *QueueOptions) (*Queue, error) {
	if rdb == nil {
		return nil, errors.New("pluggyredis: NewQueue: nil Redis client")
	}
	var o QueueOptions
	if opts != nil {
		o = *opts
	}
	base, err := keyBase("NewQueue", clientID, o.Prefix)
	if err != nil {
		return nil, err
	}
	if o.Name == "" {
		o.Name = "webhooks"
	}
	if strings.ContainsAny(o.Name, "{}\r\n\x00") {
		return nil, fmt.Errorf("pluggyredis: NewQueue: name %q holds a brace or a control character", o.Name)
	}
	if o.Visibility <= 0 {
		o.Visibility = 30 * time.Second
	}
	if o.Visibility < time.Millisecond {
		return nil, fmt.Errorf("pluggyredis: NewQueue: Visibility %s is shorter than 1ms", o.Visibility)
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.Capacity <= 0 {
		o.Capacity = 100_000
	}
	if o.Poll <= 0 {
		o.Poll = 100 * time.Millisecond
	}
	if o.DedupeTTL == 0 {
		o.DedupeTTL = pluggy.DefaultDedupeTTL
	}
	if o.ForgetConsumers == 0 {
		o.ForgetConsumers = time.Hour
	}
	if o.Consumer == "" {
		host, _ := os.Hostname()
		o.Consumer = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), newMember()[:8])
	}
	stream := base + ":queue:" + o.Name
	return &Queue{
		rdb: rdb, stream: stream, delayed: stream + ":delayed", dead: stream + ":dead", group: "pluggy",
		consumer: o.Consumer, visibility: o.Visibility, maxAttempts: o.MaxAttempts, capacity: o.Capacity, poll: o.Poll,
		dedupeTTL: o.DedupeTTL, ids: stream + ":ids:", forget: o.ForgetConsumers,
	}, nil
}

// Consumer is this queue's name in the consumer group.
func (q *Queue) Consumer() string { return q.consumer }

func (q *Queue) ensureGroup(ctx context.Context) error {
	q.mu.Lock()
	done := q.grouped
	q.mu.Unlock()
	if done {
		return nil
	}
	err := q.rdb.XGroupCreateMkStream(ctx, q.stream, q.group, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return q.fail(ctx, "creating the consumer group", err)
	}
	q.mu.Lock()
	q.grouped = true
	q.mu.Unlock()
	return nil
}

// regroup forgets the group after a NOGROUP answer (the stream was deleted,
// or Redis lost its data), so that the next call creates it again.
func (q *Queue) regroup(err error) bool {
	if err == nil || !strings.Contains(err.Error(), "NOGROUP") {
		return false
	}
	q.mu.Lock()
	q.grouped = false
	q.mu.Unlock()
	return true
}

func (q *Queue) fail(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("pluggyredis: queue %s: %w: %w", op, ErrUnavailable, err)
}

// enqueueScript: KEYS: stream, delayed, the eventId's marker (or none).
// ARGV: capacity, raw, marker TTL (ms). Returns 1 added, 2 already
// enqueued, 0 full.
var enqueueScript = goredis.NewScript(`
if KEYS[3] and redis.call('EXISTS', KEYS[3]) == 1 then return 2 end
if redis.call('XLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[1]) then return 0 end
redis.call('XADD', KEYS[1], '*', 'raw', ARGV[2], 'base', '0')
if KEYS[3] then redis.call('SET', KEYS[3], '1', 'PX', ARGV[3]) end
return 1
`)

func (q *Queue) marker(eventID string) string {
	if len(eventID) > 200 {
		h := sha256.Sum256([]byte(eventID))
		return q.ids + "h:" + hex.EncodeToString(h[:])
	}
	return q.ids + "i:" + eventID
}

// Enqueue adds ev (its Raw body) to the stream, unless an event with its
// eventId was enqueued within DedupeTTL (then it returns nil and adds
// nothing). It returns pluggy.ErrQueueFull past Capacity and
// pluggy.ErrQueueClosed after Close.
func (q *Queue) Enqueue(ctx context.Context, ev pluggy.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if q.isClosed() {
		return pluggy.ErrQueueClosed
	}
	if len(ev.Raw) == 0 {
		return errors.New("pluggyredis: queue: the event has no Raw body to store")
	}
	if err := q.ensureGroup(ctx); err != nil {
		return err
	}
	keys := []string{q.stream, q.delayed}
	if ev.EventID != "" && q.dedupeTTL > 0 {
		keys = append(keys, q.marker(ev.EventID))
	}
	n, err := enqueueScript.Run(ctx, q.rdb, keys, q.capacity, string(ev.Raw), max(1, q.dedupeTTL.Milliseconds())).Int64()
	if err != nil {
		return q.fail(ctx, "enqueue", err)
	}
	if n == 0 {
		return pluggy.ErrQueueFull
	}
	return nil
}

// takeScript promotes due delayed events, then takes one entry: the
// oldest idle longer than the visibility timeout (XPENDING IDLE, which scans
// the whole pending list, then XCLAIM) or a new one (XREADGROUP), moving
// those past the attempts allowed to the dead-letter stream. KEYS: stream,
// delayed, dead. ARGV: group, consumer, visibility (ms), max attempts.
// Returns {} or {entry id, queue id, raw, attempt, delivery count}.
var takeScript = goredis.NewScript(`
local t = redis.call('TIME')
local nowms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowms, 'LIMIT', 0, 100)
for _, m in ipairs(due) do
  local rec = cjson.decode(m)
  redis.call('XADD', KEYS[1], '*', 'raw', rec.raw, 'id', rec.id, 'base', tostring(rec.base))
  redis.call('ZREM', KEYS[2], m)
end
local function fields(arr)
  local f = {}
  for i = 1, #arr, 2 do f[arr[i]] = arr[i + 1] end
  return f
end
for _ = 1, 50 do
  local id, f, count
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', ARGV[3], '-', '+', 1)
  if p[1] then
    id = p[1][1]
    local c = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], id)
    if c[1] and c[1][2] then
      f = fields(c[1][2])
      count = tonumber(p[1][4]) + 1
    else
      -- The entry was deleted (acknowledged meanwhile): drop it.
      redis.call('XACK', KEYS[1], ARGV[1], id)
    end
  else
    local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
    if not r or not r[1][2][1] then return {} end
    local e = r[1][2][1]
    id = e[1]
    f = fields(e[2])
    count = 1
  end
  if f then
    local attempt = tonumber(f.base or '0') + count
    local qid = f.id or id
    if attempt > tonumber(ARGV[4]) then
      redis.call('XADD', KEYS[3], '*', 'raw', f.raw or '', 'id', qid, 'attempts', tostring(attempt - 1),
        'reason', 'not acknowledged after ' .. (attempt - 1) .. ' deliveries')
      redis.call('XACK', KEYS[1], ARGV[1], id)
      redis.call('XDEL', KEYS[1], id)
    else
      return {id, qid, f.raw or '', attempt, count}
    end
  end
end
return {}
`)

// Receive waits for the next event: one whose lease expired first, then a
// new one. It returns ctx's error when ctx ends first, and
// pluggy.ErrQueueClosed after Close (the events stay in Redis for the other
// consumers, and this one's in-flight deliveries come back after
// Visibility).
func (q *Queue) Receive(ctx context.Context) (*pluggy.Delivery, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if q.isClosed() {
			return nil, pluggy.ErrQueueClosed
		}
		if err := q.ensureGroup(ctx); err != nil {
			return nil, err
		}
		q.prune(ctx)
		v, err := takeScript.Run(ctx, q.rdb, []string{q.stream, q.delayed, q.dead},
			q.group, q.consumer, q.visibility.Milliseconds(), q.maxAttempts).Slice()
		if q.regroup(err) {
			continue
		}
		if err != nil {
			return nil, q.fail(ctx, "receive", err)
		}
		if len(v) == 5 {
			d, ok := q.delivery(v)
			if d, err := q.deliver(ctx, d, ok); d != nil || err != nil {
				return d, err
			}
			continue
		}
		// Nothing to take: block for a new entry, briefly, then look
		// again (for expired leases and due delayed events too).
		block := q.poll
		if dl, ok := ctx.Deadline(); ok {
			block = min(block, time.Until(dl))
		}
		if block < time.Millisecond {
			continue
		}
		res, err := q.rdb.XReadGroup(ctx, &goredis.XReadGroupArgs{
			Group: q.group, Consumer: q.consumer, Streams: []string{q.stream, ">"}, Count: 1, Block: block,
		}).Result()
		switch {
		case err == nil:
			if d, err := q.fresh(ctx, res); d != nil || err != nil {
				return d, err
			}
		case errors.Is(err, goredis.Nil):
		case q.regroup(err):
		case ctx.Err() != nil:
			return nil, ctx.Err()
		default:
			return nil, q.fail(ctx, "receive", err)
		}
	}
}

// pruneScript removes from the group every consumer but ARGV[3] that has
// nothing pending and has been idle longer than ARGV[2] ms, and returns how
// many it removed. KEYS: stream. ARGV: group, idle (ms), this consumer.
// The check and the removal are one step: a consumer that takes a
// delivery meanwhile is not removed.
var pruneScript = goredis.NewScript(`
local cs = redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
local n = 0
for _, c in ipairs(cs) do
  local name, pending, idle
  for i = 1, #c, 2 do
    if c[i] == 'name' then name = c[i + 1]
    elseif c[i] == 'pending' then pending = tonumber(c[i + 1])
    elseif c[i] == 'idle' then idle = tonumber(c[i + 1]) end
  end
  if name and name ~= ARGV[3] and pending == 0 and idle and idle > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    n = n + 1
  end
end
return n
`)

// prune forgets the consumers idle past ForgetConsumers with nothing
// pending, at most once per pruneEvery (or ForgetConsumers, when shorter)
// for this Queue. It is housekeeping: a failure waits for the next time.
func (q *Queue) prune(ctx context.Context) {
	if q.forget < 0 {
		return
	}
	q.mu.Lock()
	due := q.lastPrune.IsZero() || time.Since(q.lastPrune) >= min(pruneEvery, q.forget)
	if due {
		q.lastPrune = time.Now()
	}
	q.mu.Unlock()
	if due {
		_ = pruneScript.Run(ctx, q.rdb, []string{q.stream}, q.group, q.forget.Milliseconds(), q.consumer).Err()
	}
}

// fresh turns an entry read by the blocking XREADGROUP (its first delivery
// to the group) into a Delivery, or moves it to the dead-letter stream when
// a Nack left it no attempt.
func (q *Queue) fresh(ctx context.Context, res []goredis.XStream) (*pluggy.Delivery, error) {
	if len(res) == 0 || len(res[0].Messages) == 0 {
		return nil, nil
	}
	m := res[0].Messages[0]
	raw, _ := m.Values["raw"].(string)
	qid, _ := m.Values["id"].(string)
	if qid == "" {
		qid = m.ID
	}
	base, _ := strconv.Atoi(fmt.Sprint(m.Values["base"]))
	attempt := base + 1
	if attempt > q.maxAttempts {
		d := &pluggy.Delivery{ID: qid, Attempt: attempt, Receipt: m.ID + "|1"}
		reason := fmt.Sprintf("not acknowledged after %d deliveries", base)
		if err := q.settle(ctx, d, "dead", 0, reason); err != nil && !errors.Is(err, pluggy.ErrDeliveryExpired) {
			return nil, err
		}
		return nil, nil
	}
	d, ok := q.delivery([]any{m.ID, qid, raw, int64(attempt), int64(1)})
	return q.deliver(ctx, d, ok)
}

func (q *Queue) delivery(v []any) (*pluggy.Delivery, bool) {
	entry, _ := v[0].(string)
	qid, _ := v[1].(string)
	raw, _ := v[2].(string)
	attempt, _ := v[3].(int64)
	count, _ := v[4].(int64)
	d := &pluggy.Delivery{ID: qid, Attempt: int(attempt), Receipt: entry + "|" + strconv.FormatInt(count, 10)}
	ev, err := pluggy.ParseWebhookEvent([]byte(raw))
	if err != nil {
		// Enqueue stores what the handler parsed; an entry that does not
		// parse was written by something else: it goes to the dead
		// letters, and the worker gets the next event.
		return d, false
	}
	d.Event = *ev
	return d, true
}

// deliver returns d when it parsed, else moves it to the dead letters and
// returns nil.
func (q *Queue) deliver(ctx context.Context, d *pluggy.Delivery, ok bool) (*pluggy.Delivery, error) {
	if ok {
		return d, nil
	}
	err := q.settle(ctx, d, "dead", 0, "the entry does not hold a webhook event")
	if err != nil && !errors.Is(err, pluggy.ErrDeliveryExpired) {
		return nil, err
	}
	return nil, nil
}

// settleScript settles the delivery named by its receipt, if it still holds
// the entry: ack (XACK + XDEL), nack (re-add now, or park until due), or
// dead (move to the dead-letter stream). KEYS: stream, delayed, dead. ARGV:
// group, entry id, consumer, delivery count, action, attempt, queue id,
// delay (ms), reason, unique. Returns 1, or 0 when the receipt is stale.
var settleScript = goredis.NewScript(`
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if (not p[1]) or p[1][2] ~= ARGV[3] or tonumber(p[1][4]) ~= tonumber(ARGV[4]) then return 0 end
if ARGV[5] ~= 'ack' then
  local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
  local raw = ''
  if e[1] then
    local f = e[1][2]
    for i = 1, #f, 2 do if f[i] == 'raw' then raw = f[i + 1] end end
  end
  if ARGV[5] == 'dead' then
    redis.call('XADD', KEYS[3], '*', 'raw', raw, 'id', ARGV[7], 'attempts', ARGV[6], 'reason', ARGV[9])
  elseif tonumber(ARGV[8]) <= 0 then
    redis.call('XADD', KEYS[1], '*', 'raw', raw, 'id', ARGV[7], 'base', ARGV[6])
  else
    local t = redis.call('TIME')
    local nowms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    redis.call('ZADD', KEYS[2], nowms + tonumber(ARGV[8]),
      cjson.encode({raw = raw, id = ARGV[7], base = tonumber(ARGV[6]), u = ARGV[10]}))
  end
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
`)

func (q *Queue) settle(ctx context.Context, d *pluggy.Delivery, action string, delay time.Duration, reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d == nil {
		return pluggy.ErrDeliveryExpired
	}
	entry, count, ok := strings.Cut(d.Receipt, "|")
	if !ok || entry == "" {
		return pluggy.ErrDeliveryExpired
	}
	n, err := settleScript.Run(ctx, q.rdb, []string{q.stream, q.delayed, q.dead},
		q.group, entry, q.consumer, count, action, d.Attempt, d.ID, max(0, delay.Milliseconds()), reason, newMember()).Int64()
	if err != nil {
		if strings.Contains(err.Error(), "Invalid stream ID") {
			return pluggy.ErrDeliveryExpired
		}
		return q.fail(ctx, action, err)
	}
	if n == 0 {
		return pluggy.ErrDeliveryExpired
	}
	return nil
}

// Ack removes the delivered event for good, or returns
// pluggy.ErrDeliveryExpired when d no longer holds it (its lease expired
// and another consumer took it over, or it was settled already).
func (q *Queue) Ack(ctx context.Context, d *pluggy.Delivery) error {
	return q.settle(ctx, d, "ack", 0, "")
}

// Nack gives the event back for another attempt, deliverable again after
// delay (at once when delay <= 0), or returns pluggy.ErrDeliveryExpired
// like Ack.
func (q *Queue) Nack(ctx context.Context, d *pluggy.Delivery, delay time.Duration) error {
	return q.settle(ctx, d, "nack", delay, "")
}

// DeadLetter moves the delivered event to the dead-letter stream with
// reason (for a handler's dead-letter function, once the EventFunc has
// failed for good), or returns pluggy.ErrDeliveryExpired like Ack.
func (q *Queue) DeadLetter(ctx context.Context, d *pluggy.Delivery, reason string) error {
	return q.settle(ctx, d, "dead", 0, reason)
}

// AddDeadLetter adds ev to the dead-letter stream with err's text as the
// reason, for pluggy.WithWebhookDeadLetter: the handler calls it with an
// event given up on after its last attempt, then acknowledges the event.
// Redis errors are dropped (the handler has no way to act on them); use
// DeadLetter with a Delivery to see them.
func (q *Queue) AddDeadLetter(ctx context.Context, ev pluggy.Event, err error) {
	reason := "given up"
	if err != nil {
		reason = err.Error()
	}
	_ = q.rdb.XAdd(ctx, &goredis.XAddArgs{Stream: q.dead, Values: []any{
		"raw", string(ev.Raw), "id", ev.EventID, "attempts", "0", "reason", reason,
	}}).Err()
}

// DeadLetter is an event that moved to the dead-letter stream.
type DeadLetter struct {
	// EntryID is its entry in the dead-letter stream, for DeleteDeadLetter
	// and as the start of the next DeadLetters page.
	EntryID string
	// ID is its queue id (Delivery.ID).
	ID string
	// Attempts is how many deliveries it had.
	Attempts int
	// Reason says why it moved.
	Reason string
	// Raw is the event's body; Event is it parsed (nil when it does not
	// parse).
	Raw   []byte
	Event *pluggy.Event
}

// DeadLetters returns up to count (at most 1000) dead letters after the
// entry id after ("" for the oldest), oldest first.
func (q *Queue) DeadLetters(ctx context.Context, after string, count int) ([]DeadLetter, error) {
	if count <= 0 || count > 1000 {
		return nil, fmt.Errorf("pluggyredis: DeadLetters: count %d is not within 1..1000", count)
	}
	start := "-"
	if after != "" {
		start = "(" + after
	}
	msgs, err := q.rdb.XRangeN(ctx, q.dead, start, "+", int64(count)).Result()
	if err != nil {
		return nil, q.fail(ctx, "reading dead letters", err)
	}
	out := make([]DeadLetter, 0, len(msgs))
	for _, m := range msgs {
		raw, _ := m.Values["raw"].(string)
		id, _ := m.Values["id"].(string)
		reason, _ := m.Values["reason"].(string)
		attempts, _ := strconv.Atoi(fmt.Sprint(m.Values["attempts"]))
		dl := DeadLetter{EntryID: m.ID, ID: id, Attempts: attempts, Reason: reason, Raw: []byte(raw)}
		if ev, err := pluggy.ParseWebhookEvent([]byte(raw)); err == nil {
			dl.Event = ev
		}
		out = append(out, dl)
	}
	return out, nil
}

// DeleteDeadLetter removes a dead letter once dealt with.
func (q *Queue) DeleteDeadLetter(ctx context.Context, entryID string) error {
	if err := q.rdb.XDel(ctx, q.dead, entryID).Err(); err != nil {
		return q.fail(ctx, "deleting a dead letter", err)
	}
	return nil
}

// Len returns how many events the queue holds: waiting, delayed or in
// flight, for every consumer.
func (q *Queue) Len(ctx context.Context) (int64, error) {
	pipe := q.rdb.Pipeline()
	x := pipe.XLen(ctx, q.stream)
	z := pipe.ZCard(ctx, q.delayed)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, q.fail(ctx, "length", err)
	}
	return x.Val() + z.Val(), nil
}

// Close stops this Queue: Enqueue and Receive return pluggy.ErrQueueClosed.
// The events stay in Redis for the other consumers; deliveries this one
// did not settle come back to them after Visibility.
func (q *Queue) Close() error {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	return nil
}

func (q *Queue) isClosed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

var _ pluggy.Queue = (*Queue)(nil)
