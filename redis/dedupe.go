package pluggyredis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/pluggy-go/pluggy"
)

// DedupeStoreOptions configure a DedupeStore; the zero value is fine.
type DedupeStoreOptions struct {
	// TTL is how long a completed eventId is remembered when Complete is
	// given none: pluggy.DefaultDedupeTTL by default.
	TTL time.Duration
	// Prefix starts every key: "pluggy" by default.
	Prefix string
}

// DedupeStore is a pluggy.DedupeStore on Redis, shared by every webhook
// handler of the application: the same event delivered to two replicas
// runs once.
//
// Each eventId is one key, <Prefix>:{<clientID>}:dedupe:i:<eventId> (ids
// longer than 200 bytes are hashed: ...:dedupe:h:<sha256>), holding
// "L:<token>" while leased, with the lease as its expiry, or "D" once
// completed, with the TTL as its expiry. Redis expires leases and
// completions on its own clock, so a process that died holding a lease
// blocks the redelivery only until the lease ends.
type DedupeStore struct {
	rdb  goredis.UniversalClient
	base string
	ttl  time.Duration
}

// NewDedupeStore returns the DedupeStore of the application whose client
// id is clientID on rdb. opts may be nil.
func NewDedupeStore(rdb goredis.UniversalClient, clientID string, opts *DedupeStoreOptions) (*DedupeStore, error) {
	if rdb == nil {
		return nil, errors.New("pluggyredis: NewDedupeStore: nil Redis client")
	}
	var o DedupeStoreOptions
	if opts != nil {
		o = *opts
	}
	base, err := keyBase("NewDedupeStore", clientID, o.Prefix)
	if err != nil {
		return nil, err
	}
	if o.TTL <= 0 {
		o.TTL = pluggy.DefaultDedupeTTL
	}
	return &DedupeStore{rdb: rdb, base: base + ":dedupe:", ttl: o.TTL}, nil
}

func (s *DedupeStore) key(eventID string) string {
	if len(eventID) > 200 {
		h := sha256.Sum256([]byte(eventID))
		return s.base + "h:" + hex.EncodeToString(h[:])
	}
	return s.base + "i:" + eventID
}

// claimScript: KEYS: the id's key. ARGV: token, lease (ms). Returns
// {status, pttl}: 1 acquired, 2 in progress (pttl left), 3 completed.
var claimScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], 'L:' .. ARGV[1], 'PX', ARGV[2])
  return {1, 0}
end
if v == 'D' then return {3, 0} end
return {2, redis.call('PTTL', KEYS[1])}
`)

// releaseScript: KEYS: the id's key. ARGV: token.
var releaseScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == 'L:' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Claim leases eventID for lease unless a live lease or a completion holds
// it.
func (s *DedupeStore) Claim(ctx context.Context, eventID string, lease time.Duration) (pluggy.ClaimResult, error) {
	if err := ctx.Err(); err != nil {
		return pluggy.ClaimResult{}, err
	}
	if lease <= 0 {
		return pluggy.ClaimResult{}, fmt.Errorf("%w (got %s)", pluggy.ErrInvalidLease, lease)
	}
	token := newMember()
	v, err := claimScript.Run(ctx, s.rdb, []string{s.key(eventID)}, token, max(1, lease.Milliseconds())).Int64Slice()
	if err != nil {
		return pluggy.ClaimResult{}, s.fail(ctx, "claim", err)
	}
	if len(v) != 2 {
		return pluggy.ClaimResult{}, fmt.Errorf("pluggyredis: dedupe claim: unexpected answer %v", v)
	}
	switch v[0] {
	case 1:
		return pluggy.ClaimResult{Status: pluggy.ClaimAcquired, Token: token}, nil
	case 2:
		return pluggy.ClaimResult{Status: pluggy.ClaimInProgress, Left: time.Duration(max(0, v[1])) * time.Millisecond}, nil
	case 3:
		return pluggy.ClaimResult{Status: pluggy.ClaimCompleted}, nil
	}
	return pluggy.ClaimResult{}, fmt.Errorf("pluggyredis: dedupe claim: unexpected status %d", v[0])
}

// Complete marks eventID completed for ttl (the store's TTL when ttl <= 0),
// whoever holds its lease.
func (s *DedupeStore) Complete(ctx context.Context, eventID string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if ttl <= 0 {
		ttl = s.ttl
	}
	if err := s.rdb.Set(ctx, s.key(eventID), "D", ttl).Err(); err != nil {
		return s.fail(ctx, "complete", err)
	}
	return nil
}

// Release deletes the lease on eventID if token holds it.
func (s *DedupeStore) Release(ctx context.Context, eventID, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := releaseScript.Run(ctx, s.rdb, []string{s.key(eventID)}, token).Err(); err != nil {
		return s.fail(ctx, "release", err)
	}
	return nil
}

func (s *DedupeStore) fail(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("pluggyredis: dedupe %s: %w: %w", op, ErrUnavailable, err)
}

var _ pluggy.DedupeStore = (*DedupeStore)(nil)
