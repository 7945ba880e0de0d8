package pluggy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// ClaimStatus is what DedupeStore.Claim found.
type ClaimStatus int

// The outcomes of DedupeStore.Claim.
const (
	// ClaimAcquired: the caller now holds a lease on the id and should
	// handle the event, then Complete (success) or Release (failure) it.
	ClaimAcquired ClaimStatus = iota + 1
	// ClaimInProgress: another caller holds a live lease on the id; its
	// outcome is not known yet. The handler answers 503 so that Pluggy
	// delivers the event again later.
	ClaimInProgress
	// ClaimCompleted: the id was completed within its TTL: the event is a
	// duplicate of one already handled (or, in queued mode, queued).
	ClaimCompleted
)

// String names the status.
func (s ClaimStatus) String() string {
	switch s {
	case ClaimAcquired:
		return "acquired"
	case ClaimInProgress:
		return "in progress"
	case ClaimCompleted:
		return "completed"
	}
	return "ClaimStatus(" + strconv.Itoa(int(s)) + ")"
}

// ClaimResult is the answer of DedupeStore.Claim.
type ClaimResult struct {
	// Status is what the store found.
	Status ClaimStatus
	// Token identifies the lease taken, with ClaimAcquired; pass it to
	// Release. It is opaque, unique per acquisition (a re-claim of the
	// same id after a release or an expiry gets another one) and never
	// empty with ClaimAcquired.
	Token string
	// Left is, with ClaimInProgress, how long the holder's lease has to
	// run when the store knows (0 otherwise). The handler turns it into a
	// Retry-After.
	Left time.Duration
}

// DedupeStore records which eventIds are being handled and which were
// handled, so that a redelivered event runs once and a claim left behind by
// a process that died does not block the event for long. Every id is in
// one of three states: absent, leased (claimed, not yet settled) or
// completed.
//
// The contract every implementation keeps (pluggytest.TestDedupeStore
// checks it):
//
//   - Claim(ctx, id, lease) atomically: when the id is absent, or its lease
//     has expired, or its completion has expired, it leases the id for
//     lease and answers ClaimAcquired with a fresh Token; when a live lease
//     holds it, ClaimInProgress; when it is completed, ClaimCompleted.
//     Among concurrent Claims of one id (from any number of processes
//     sharing the store) at most one gets ClaimAcquired while the lease
//     lives. lease is positive.
//   - Complete(ctx, id, ttl) marks the id completed for ttl (the store's
//     own default when ttl <= 0), replacing a lease whoever holds it, and
//     extending an earlier completion. It succeeds for an absent id too.
//   - Release(ctx, id, token) deletes the lease on id if token is the
//     token of the live lease; otherwise (the lease expired and another
//     caller acquired the id, or it was completed or released) it changes
//     nothing and returns nil. After it the next Claim acquires at once.
//   - A lease neither completed nor released expires after its duration
//     (the visibility timeout): the next Claim acquires. A completed id is
//     forgotten after its TTL. A bounded store may forget an id earlier
//     (the oldest first); it then reads as absent.
//   - Every method honours ctx and returns its error when ctx ends first.
//     An error means nothing is known: the handler answers 503 and Pluggy
//     delivers again.
//
// On Redis (the redis module's DedupeStore): Claim is a script that sets
// the key to the lease's token with PX lease when it is absent, and tells
// "in progress" (with its PTTL) from "completed" otherwise; Complete is
// SET key done PX ttl; Release is a compare-and-delete script. On SQL: a
// row per id with (state, token, expires_at), claimed with an INSERT ...
// ON CONFLICT DO UPDATE ... WHERE expires_at <= now().
type DedupeStore interface {
	// Claim tries to lease eventID for lease; see DedupeStore.
	Claim(ctx context.Context, eventID string, lease time.Duration) (ClaimResult, error)
	// Complete marks eventID completed for ttl; see DedupeStore.
	Complete(ctx context.Context, eventID string, ttl time.Duration) error
	// Release gives up the lease token holds on eventID; see DedupeStore.
	Release(ctx context.Context, eventID, token string) error
}

// ErrInvalidLease is returned by a DedupeStore for a Claim with a lease
// that is not positive.
var ErrInvalidLease = errors.New("pluggy: dedupe lease must be positive")

// MemoryDedupeStore is the default DedupeStore: in memory, each completed
// eventId remembered for a TTL, each lease for its duration, and at most a
// given number of ids (the oldest are forgotten first). An id longer than
// 200 bytes is kept as its SHA-256, so that the memory it holds is bounded
// by the number of ids, not by what a sender puts in them. It dedupes
// within one process only, and forgets everything when the process stops.
type MemoryDedupeStore struct {
	mu     sync.Mutex
	ttl    time.Duration
	max    int
	clock  Clock
	seen   map[string]dedupeRecord
	order  []dedupeEntry // in the order records were written, from head
	head   int
	tokens uint64
}

type dedupeRecord struct {
	done  bool
	token string
	exp   time.Time
}

// dedupeEntry points at the record written for id with expiry exp; an
// entry whose record has since been rewritten or deleted is stale.
type dedupeEntry struct {
	id  string
	exp time.Time
}

// maxDedupeIDLen is the longest eventId a MemoryDedupeStore keeps as it is.
const maxDedupeIDLen = 200

// dedupeKey is what a MemoryDedupeStore keys eventID by.
func dedupeKey(eventID string) string {
	if len(eventID) <= maxDedupeIDLen {
		return eventID
	}
	h := sha256.Sum256([]byte(eventID))
	return "sha256:" + hex.EncodeToString(h[:])
}

// NewMemoryDedupeStore returns a store that remembers a completed eventId
// for ttl when Complete is given none (DefaultDedupeTTL when ttl <= 0), and
// at most maxEntries ids, leased or completed (DefaultDedupeEntries when
// maxEntries <= 0). clock tells the time (the system's when nil).
func NewMemoryDedupeStore(ttl time.Duration, maxEntries int, clock Clock) *MemoryDedupeStore {
	if ttl <= 0 {
		ttl = DefaultDedupeTTL
	}
	if maxEntries <= 0 {
		maxEntries = DefaultDedupeEntries
	}
	if clock == nil {
		clock = systemClock{}
	}
	return &MemoryDedupeStore{ttl: ttl, max: maxEntries, clock: clock, seen: map[string]dedupeRecord{}}
}

// Claim leases eventID for lease unless a live lease or a completion holds
// it. It fails only when ctx has ended or lease is not positive.
func (s *MemoryDedupeStore) Claim(ctx context.Context, eventID string, lease time.Duration) (ClaimResult, error) {
	if err := ctx.Err(); err != nil {
		return ClaimResult{}, err
	}
	if lease <= 0 {
		return ClaimResult{}, fmt.Errorf("%w (got %s)", ErrInvalidLease, lease)
	}
	eventID = dedupeKey(eventID)
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(now)
	if rec, ok := s.seen[eventID]; ok && now.Before(rec.exp) {
		if rec.done {
			return ClaimResult{Status: ClaimCompleted}, nil
		}
		return ClaimResult{Status: ClaimInProgress, Left: rec.exp.Sub(now)}, nil
	}
	s.tokens++
	token := "m" + strconv.FormatUint(s.tokens, 36)
	s.putLocked(eventID, dedupeRecord{token: token, exp: now.Add(lease)})
	return ClaimResult{Status: ClaimAcquired, Token: token}, nil
}

// Complete marks eventID completed for ttl (the store's TTL when ttl <= 0).
// It fails only when ctx has ended.
func (s *MemoryDedupeStore) Complete(ctx context.Context, eventID string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if ttl <= 0 {
		ttl = s.ttl
	}
	eventID = dedupeKey(eventID)
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(now)
	s.putLocked(eventID, dedupeRecord{done: true, exp: now.Add(ttl)})
	return nil
}

// Release deletes the lease token holds on eventID, if it is still the
// live one. It fails only when ctx has ended.
func (s *MemoryDedupeStore) Release(ctx context.Context, eventID, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	eventID = dedupeKey(eventID)
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.seen[eventID]; ok && !rec.done && token != "" && rec.token == token && now.Before(rec.exp) {
		delete(s.seen, eventID)
	}
	return nil
}

// putLocked writes rec for id, then forgets the oldest ids past the bound
// and compacts the order queue when stale entries dominate it.
func (s *MemoryDedupeStore) putLocked(id string, rec dedupeRecord) {
	s.seen[id] = rec
	s.order = append(s.order, dedupeEntry{id: id, exp: rec.exp})
	for len(s.seen) > s.max && s.head < len(s.order) {
		s.popLocked()
	}
	if live := len(s.order) - s.head; live > 2*len(s.seen)+1024 {
		// Stale entries (rewritten or released records) dominate: keep
		// only each live record's own entry, in order.
		kept := s.order[:0]
		for _, e := range s.order[s.head:] {
			if rec, ok := s.seen[e.id]; ok && rec.exp.Equal(e.exp) {
				kept = append(kept, e)
			}
		}
		clear(s.order[len(kept):])
		s.order, s.head = kept, 0
	} else if s.head > 1024 && s.head > len(s.order)/2 {
		n := copy(s.order, s.order[s.head:])
		clear(s.order[n:])
		s.order = s.order[:n]
		s.head = 0
	}
}

// expireLocked forgets the expired records at the head of the order queue.
// Records further back expire lazily: Claim reads an expired record as
// absent.
func (s *MemoryDedupeStore) expireLocked(now time.Time) {
	for s.head < len(s.order) && !now.Before(s.order[s.head].exp) {
		s.popLocked()
	}
}

func (s *MemoryDedupeStore) popLocked() {
	e := s.order[s.head]
	s.order[s.head] = dedupeEntry{}
	s.head++
	if rec, ok := s.seen[e.id]; ok && rec.exp.Equal(e.exp) {
		delete(s.seen, e.id)
	}
}

// Len returns how many eventIds the store remembers now, leased or
// completed (expired ones not yet dropped included).
func (s *MemoryDedupeStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}
