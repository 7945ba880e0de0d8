package pluggyredis

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/pluggy-go/pluggy"
)

// KeyStoreOptions configure a KeyStore; the zero value is fine.
type KeyStoreOptions struct {
	// LockTTL is how long a process logging in holds the fleet's login
	// lock at most: if it dies, another takes over after that. 15 s by
	// default.
	LockTTL time.Duration
	// Poll is the first interval at which a waiting process looks for the
	// result of another's login (doubling up to 500 ms): 25 ms by default.
	Poll time.Duration
	// FailureTTL is how long a login refused by Pluggy (wrong credentials)
	// is remembered for the whole fleet, so that a bad secret does not
	// become a login storm: 5 s by default.
	FailureTTL time.Duration
	// Timeout bounds each Redis round trip: 1 s by default.
	Timeout time.Duration
	// Prefix starts every key: "pluggy" by default.
	Prefix string
	// Now tells the time the keys' RenewAt and ExpiresAt are compared
	// with: time.Now by default.
	Now func() time.Time
	// Logger receives a warning when Redis cannot be reached. Silent by
	// default.
	Logger *slog.Logger
}

// KeyStore is a pluggy.KeyStore on Redis: one API key for every process of
// the application (pass it to pluggy.WithKeyStore).
//
// One process logs in at a time, holding a lock (SET NX with LockTTL, so a
// holder that dies does not block the others); the others poll for its
// result, using the previous key meanwhile when it has not expired. A key
// that Pluggy refuses is dropped for all by the first client that sees the
// refusal. A refused login (wrong credentials) is remembered for
// FailureTTL, so the others fail at once instead of trying in turn.
//
// # Where the key is kept
//
// In <Prefix>:{<clientID>}:apikey, a JSON record holding the key encrypted
// with AES-256-GCM under a key derived from the client secret (HMAC-SHA256),
// bound to the client id, with its expiry; the record expires with the key.
// The lock is <Prefix>:{<clientID>}:apikey:lock and a refused login
// <Prefix>:{<clientID>}:apikey:failed (Pluggy's message, no secret). A
// reader of Redis without the client secret cannot use the key; a writer can
// still delete it or the lock (the fleet then logs in again). Protect the
// server as the package documentation says: AUTH with an ACL user limited
// to the application's keys, TLS, a private network. Processes with
// different client secrets (during a rotation) cannot read each other's
// records: each overwrites the other's until all use the same secret.
//
// # When Redis is unreachable
//
// Get logs in on its own (the fleet then holds several keys for a while,
// which Pluggy allows), logging a warning, so that calls go on.
type KeyStore struct {
	rdb     goredis.UniversalClient
	key     string
	lock    string
	failed  string
	aad     []byte
	aead    cipher.AEAD
	fpKey   []byte
	lockTTL time.Duration
	poll    time.Duration
	failTTL time.Duration
	timeout time.Duration
	now     func() time.Time
	logger  *slog.Logger
}

// NewKeyStore returns the KeyStore of the application with these
// credentials on rdb. The secret is used to derive the encryption key and
// is not kept; opts may be nil.
func NewKeyStore(rdb goredis.UniversalClient, clientID, clientSecret string, opts *KeyStoreOptions) (*KeyStore, error) {
	if rdb == nil {
		return nil, errors.New("pluggyredis: NewKeyStore: nil Redis client")
	}
	var o KeyStoreOptions
	if opts != nil {
		o = *opts
	}
	base, err := keyBase("NewKeyStore", clientID, o.Prefix)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(clientSecret) == "" {
		return nil, errors.New("pluggyredis: NewKeyStore: empty client secret")
	}
	block, err := aes.NewCipher(derive(clientSecret, "pluggy-go/redis key store v1: encryption"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	s := &KeyStore{
		rdb: rdb, key: base + ":apikey", lock: base + ":apikey:lock", failed: base + ":apikey:failed",
		aad: []byte(strings.TrimSpace(clientID)), aead: aead,
		fpKey:   derive(clientSecret, "pluggy-go/redis key store v1: fingerprint"),
		lockTTL: o.LockTTL, poll: o.Poll, failTTL: o.FailureTTL, timeout: o.Timeout, now: o.Now, logger: o.Logger,
	}
	if s.lockTTL <= 0 {
		s.lockTTL = 15 * time.Second
	}
	if s.poll <= 0 {
		s.poll = 25 * time.Millisecond
	}
	if s.failTTL <= 0 {
		s.failTTL = 5 * time.Second
	}
	if s.timeout <= 0 {
		s.timeout = time.Second
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// String describes the store without its keys.
func (s KeyStore) String() string { return "pluggyredis.KeyStore{" + s.key + "}" }

// GoString describes the store without its keys.
func (s KeyStore) GoString() string { return s.String() }

// Format describes the store without its keys, for every verb.
func (s KeyStore) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

func derive(secret, label string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(label))
	return m.Sum(nil)
}

// fingerprint identifies a key without revealing it.
func (s *KeyStore) fingerprint(key string) string {
	m := hmac.New(sha256.New, s.fpKey)
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil))
}

type keyRecord struct {
	Version     int    `json:"v"`
	Fingerprint string `json:"fp"`
	Sealed      string `json:"sealed"`
	ExpiresAt   int64  `json:"exp"`   // Unix ms
	RenewAt     int64  `json:"renew"` // Unix ms
}

func (s *KeyStore) seal(k pluggy.APIKey) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	rec := keyRecord{
		Version: 1, Fingerprint: s.fingerprint(k.Key),
		Sealed:    base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(k.Key), s.aad)),
		ExpiresAt: k.ExpiresAt.UnixMilli(), RenewAt: k.RenewAt.UnixMilli(),
	}
	b, err := json.Marshal(rec)
	return string(b), err
}

// open returns the record's key, or false when it cannot be read (another
// secret, corruption): then it is treated as absent.
func (s *KeyStore) open(v string) (pluggy.APIKey, bool) {
	var rec keyRecord
	if json.Unmarshal([]byte(v), &rec) != nil || rec.Version != 1 {
		return pluggy.APIKey{}, false
	}
	sealed, err := base64.StdEncoding.DecodeString(rec.Sealed)
	n := s.aead.NonceSize()
	if err != nil || len(sealed) < n {
		return pluggy.APIKey{}, false
	}
	key, err := s.aead.Open(nil, sealed[:n], sealed[n:], s.aad)
	if err != nil || len(key) == 0 {
		return pluggy.APIKey{}, false
	}
	return pluggy.APIKey{Key: string(key), ExpiresAt: time.UnixMilli(rec.ExpiresAt), RenewAt: time.UnixMilli(rec.RenewAt)}, true
}

// dropScript deletes the record when it holds the refused key (or cannot
// be read). KEYS: record. ARGV: fingerprint.
var dropScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, rec = pcall(cjson.decode, v)
if (not ok) or type(rec) ~= 'table' or rec.fp == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`)

// unlockScript releases the lock if this caller still holds it.
var unlockScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

func (s *KeyStore) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// Get implements pluggy.KeyStore.
func (s *KeyStore) Get(ctx context.Context, refused string, login pluggy.LoginFunc) (pluggy.APIKey, error) {
	k, err := s.get(ctx, refused, login)
	if err != nil && ctx.Err() == nil && isRedisDown(err) {
		s.logger.Warn("pluggyredis: key store cannot reach Redis; logging in without it", slog.String("error", err.Error()))
		return login(ctx)
	}
	return k, err
}

// redisError marks a failed Redis round trip.
type redisError struct{ err error }

func (e *redisError) Error() string { return "pluggyredis: key store: " + e.err.Error() }
func (e *redisError) Unwrap() []error {
	return []error{ErrUnavailable, e.err}
}

func isRedisDown(err error) bool {
	var re *redisError
	return errors.As(err, &re)
}

func (s *KeyStore) get(ctx context.Context, refused string, login pluggy.LoginFunc) (pluggy.APIKey, error) {
	if refused != "" {
		rctx, cancel := s.ctx(ctx)
		err := dropScript.Run(rctx, s.rdb, []string{s.key}, s.fingerprint(refused)).Err()
		cancel()
		if err != nil {
			return pluggy.APIKey{}, &redisError{err}
		}
	}
	wait := s.poll
	for {
		rec, ok, err := s.load(ctx)
		if err != nil {
			return pluggy.APIKey{}, err
		}
		now := s.now()
		if ok && now.Before(rec.RenewAt) {
			return rec, nil
		}
		if msg, err := s.failure(ctx); err != nil {
			return pluggy.APIKey{}, err
		} else if msg != "" && !(ok && now.Before(rec.ExpiresAt)) {
			return pluggy.APIKey{}, fmt.Errorf("pluggyredis: key store: another process's login was refused moments ago: %s", msg)
		}
		token := newMember()
		rctx, cancel := s.ctx(ctx)
		got, err := s.rdb.SetNX(rctx, s.lock, token, s.lockTTL).Result()
		cancel()
		if err != nil {
			return pluggy.APIKey{}, &redisError{err}
		}
		if got {
			return s.loginLocked(ctx, token, login)
		}
		if ok && now.Before(rec.ExpiresAt) {
			// Another process is renewing; the stored key is still good.
			return rec, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return pluggy.APIKey{}, ctx.Err()
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// loginLocked logs in while holding the lock, stores the result and
// releases the lock.
func (s *KeyStore) loginLocked(ctx context.Context, token string, login pluggy.LoginFunc) (pluggy.APIKey, error) {
	defer func() {
		rctx, cancel := s.ctx(context.WithoutCancel(ctx))
		defer cancel()
		_ = unlockScript.Run(rctx, s.rdb, []string{s.lock}, token).Err()
	}()
	// Another process may have stored a key between this one's look and
	// its taking the lock.
	if rec, ok, err := s.load(ctx); err != nil {
		return pluggy.APIKey{}, err
	} else if ok && s.now().Before(rec.RenewAt) {
		return rec, nil
	}
	k, err := login(ctx)
	if err != nil {
		var authErr *pluggy.AuthError
		if errors.As(err, &authErr) {
			rctx, cancel := s.ctx(context.WithoutCancel(ctx))
			_ = s.rdb.Set(rctx, s.failed, authErr.Err.Error(), s.failTTL).Err()
			cancel()
		}
		return pluggy.APIKey{}, err
	}
	if !k.ExpiresAt.After(s.now()) {
		return k, nil
	}
	v, err := s.seal(k)
	if err != nil {
		return k, nil
	}
	rctx, cancel := s.ctx(ctx)
	defer cancel()
	pipe := s.rdb.TxPipeline()
	pipe.Set(rctx, s.key, v, 0)
	pipe.PExpireAt(rctx, s.key, k.ExpiresAt)
	pipe.Del(rctx, s.failed)
	if _, err := pipe.Exec(rctx); err != nil {
		// The key is good; the others will log in on their own.
		s.logger.Warn("pluggyredis: key store could not store the new key", slog.String("error", err.Error()))
	}
	return k, nil
}

// load reads the stored key; ok is false when there is none usable.
func (s *KeyStore) load(ctx context.Context) (pluggy.APIKey, bool, error) {
	rctx, cancel := s.ctx(ctx)
	defer cancel()
	v, err := s.rdb.Get(rctx, s.key).Result()
	if errors.Is(err, goredis.Nil) {
		return pluggy.APIKey{}, false, nil
	}
	if err != nil {
		return pluggy.APIKey{}, false, &redisError{err}
	}
	k, ok := s.open(v)
	return k, ok, nil
}

func (s *KeyStore) failure(ctx context.Context) (string, error) {
	rctx, cancel := s.ctx(ctx)
	defer cancel()
	v, err := s.rdb.Get(rctx, s.failed).Result()
	if errors.Is(err, goredis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", &redisError{err}
	}
	return v, nil
}

var _ pluggy.KeyStore = (*KeyStore)(nil)
