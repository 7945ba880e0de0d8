package pluggyredis

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
	"github.com/pluggy-go/pluggy/redis/internal/redistest"
)

func newKeyStore(t *testing.T, rdb goredis.UniversalClient, prefix, secret string) *KeyStore {
	t.Helper()
	ks, err := NewKeyStore(rdb, pluggytest.DefaultClientID, secret, &KeyStoreOptions{Prefix: prefix, Timeout: 300 * time.Millisecond})
	require.NoError(t, err)
	return ks
}

// fleet returns n clients of api, each with its own Redis connection and
// KeyStore, as n processes would have.
func fleet(t *testing.T, api *pluggytest.Server, srv *redistest.Server, prefix string, n int) []*pluggy.Client {
	var cs []*pluggy.Client
	for range n {
		c, err := api.Client(pluggy.WithKeyStore(newKeyStore(t, srv.NewClient(t), prefix, api.ClientSecret)), pluggy.WithLimiter(pluggy.NoLimit))
		require.NoError(t, err)
		cs = append(cs, c)
	}
	return cs
}

func callAll(t *testing.T, cs []*pluggy.Client, perClient int) {
	var wg sync.WaitGroup
	for _, c := range cs {
		for range perClient {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.Connectors.Get(context.Background(), 0, nil)
				assert.NoError(t, err)
			}()
		}
	}
	wg.Wait()
}

func TestKeyStoreOneLoginForTheFleet(t *testing.T) {
	_, srv := redistest.Client(t)
	api := pluggytest.NewServer(pluggytest.WithoutRateLimit())
	defer api.Close()
	cs := fleet(t, api, srv, uniquePrefix(t), 4)
	callAll(t, cs, 25)
	assert.Len(t, api.RequestsTo("POST /auth"), 1, "one login for 4 clients × 25 goroutines")

	// Pluggy stops accepting the key: it is dropped for all, one login.
	api.ExpireKeys()
	callAll(t, cs, 25)
	assert.Len(t, api.RequestsTo("POST /auth"), 2)
}

func TestKeyStoreDeadLockHolder(t *testing.T) {
	rdb, srv := redistest.Client(t)
	prefix := uniquePrefix(t)
	api := pluggytest.NewServer(pluggytest.WithoutRateLimit())
	defer api.Close()
	cs := fleet(t, api, srv, prefix, 1)
	// A process took the lock and died: it expires after its TTL.
	ks := newKeyStore(t, rdb, prefix, api.ClientSecret)
	require.NoError(t, rdb.Set(context.Background(), ks.lock, "dead", 300*time.Millisecond).Err())
	_, err := cs[0].Connectors.Get(context.Background(), 0, nil)
	require.NoError(t, err)
	assert.Len(t, api.RequestsTo("POST /auth"), 1)

	// A waiter whose ctx ends while the lock is held returns ctx's error.
	require.NoError(t, rdb.Del(context.Background(), ks.key).Err())
	require.NoError(t, rdb.Set(context.Background(), ks.lock, "dead", 10*time.Second).Err())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = ks.Get(ctx, "", func(context.Context) (pluggy.APIKey, error) {
		t.Error("login called while another holds the lock")
		return pluggy.APIKey{}, nil
	})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestKeyStoreKeepsKeysSealed(t *testing.T) {
	rdb, _ := redistest.Client(t)
	prefix := uniquePrefix(t)
	ks := newKeyStore(t, rdb, prefix, "the-secret-1")
	ctx := context.Background()
	const key = "api-key-value-0123456789"
	var logins atomic.Int32
	login := func(context.Context) (pluggy.APIKey, error) {
		logins.Add(1)
		return pluggy.APIKey{Key: key, ExpiresAt: time.Now().Add(time.Hour), RenewAt: time.Now().Add(50 * time.Minute)}, nil
	}
	k, err := ks.Get(ctx, "", login)
	require.NoError(t, err)
	assert.Equal(t, key, k.Key)
	raw, err := rdb.Get(ctx, ks.key).Result()
	require.NoError(t, err)
	assert.NotContains(t, raw, key)
	assert.NotContains(t, raw, "the-secret-1")
	ttl, err := rdb.PTTL(ctx, ks.key).Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, 50*time.Minute, "record expires with the key")
	keys, err := rdb.Keys(ctx, prefix+"*").Result()
	require.NoError(t, err)
	for _, name := range keys {
		assert.NotContains(t, name, "the-secret-1")
		assert.Contains(t, name, "{"+pluggytest.DefaultClientID+"}")
	}
	// Same store: no second login. Another secret cannot read the record:
	// it logs in.
	_, err = newKeyStore(t, rdb, prefix, "the-secret-1").Get(ctx, "", login)
	require.NoError(t, err)
	assert.EqualValues(t, 1, logins.Load())
	k2, err := newKeyStore(t, rdb, prefix, "another-secret").Get(ctx, "", login)
	require.NoError(t, err)
	assert.Equal(t, key, k2.Key)
	assert.EqualValues(t, 2, logins.Load())
	for _, out := range []string{ks.String(), fmt.Sprintf("%v %+v %#v %s", ks, ks, ks, ks), fmt.Sprintf("%v %+v %#v", *ks, *ks, *ks)} {
		assert.NotContains(t, out, key)
		assert.NotContains(t, out, fmt.Sprint(ks.fpKey))
		assert.NotContains(t, out, fmt.Sprintf("%x", ks.fpKey))
	}
}

func TestKeyStoreSharesARefusedLogin(t *testing.T) {
	rdb, _ := redistest.Client(t)
	prefix := uniquePrefix(t)
	api := pluggytest.NewServer(pluggytest.WithoutRateLimit())
	defer api.Close()
	bad, err := pluggy.NewClient(api.ClientID, "wrong-secret", pluggy.WithBaseURL(api.URL),
		pluggy.WithKeyStore(newKeyStore(t, rdb, prefix, "wrong-secret")))
	require.NoError(t, err)
	_, err = bad.Connectors.Get(context.Background(), 0, nil)
	var authErr *pluggy.AuthError
	require.ErrorAs(t, err, &authErr)
	require.Len(t, api.RequestsTo("POST /auth"), 1)

	// Another process with the same (wrong) credentials fails at once.
	bad2, err := pluggy.NewClient(api.ClientID, "wrong-secret", pluggy.WithBaseURL(api.URL),
		pluggy.WithKeyStore(newKeyStore(t, rdb, prefix, "wrong-secret")))
	require.NoError(t, err)
	_, err = bad2.Connectors.Get(context.Background(), 0, nil)
	require.ErrorContains(t, err, "refused moments ago")
	assert.NotContains(t, err.Error(), "wrong-secret")
	assert.Len(t, api.RequestsTo("POST /auth"), 1)
}

// TestKeyStoreRedisDown: with redis-server stopped, clients log in on their
// own and calls go on; after a restart the store is used again.
func TestKeyStoreRedisDown(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	api := pluggytest.NewServer(pluggytest.WithoutRateLimit())
	defer api.Close()
	cs := fleet(t, api, srv, "p", 2)
	callAll(t, cs, 1)
	require.Len(t, api.RequestsTo("POST /auth"), 1)

	srv.Stop()
	api.ExpireKeys()
	callAll(t, cs, 3)
	assert.Len(t, api.RequestsTo("POST /auth"), 3, "each client logged in on its own")

	require.NoError(t, srv.Restart())
	api.ExpireKeys()
	callAll(t, cs, 3)
	assert.Len(t, api.RequestsTo("POST /auth"), 4, "one login for both again")
}

func TestKeyStoreOptions(t *testing.T) {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	for _, tc := range []struct{ id, secret, want string }{
		{"", "s", "empty client id"},
		{"app", " ", "empty client secret"},
	} {
		_, err := NewKeyStore(rdb, tc.id, tc.secret, nil)
		require.ErrorContains(t, err, tc.want)
	}
	_, err := NewKeyStore(nil, "app", "s", nil)
	require.Error(t, err)
	ks, err := NewKeyStore(rdb, "app", "s", nil)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(ks.key, "pluggy:{app}:"))
}
