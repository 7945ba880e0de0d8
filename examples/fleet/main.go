// Command fleet runs three replicas of one application, in one process for
// the demonstration, wired as a fleet on Redis: a shared rate limiter, one
// API key for all, and webhooks received by any replica, deduplicated
// across them and queued durably on a Redis stream.
//
// It needs a Redis server: REDIS_URL (redis://127.0.0.1:6379 by default),
// or, when nothing answers there and redis-server is on PATH, one it starts
// on a free loopback port in a temporary directory. With PLUGGY_CLIENT_ID
// and PLUGGY_CLIENT_SECRET set it talks to the Pluggy API; without them to
// the built-in fake API, pluggytest, in-process. Its first lines say which.
//
//	go run .
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
	pluggyredis "github.com/pluggy-go/pluggy/redis"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := run(ctx, existingRedis(ctx)); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

// result is what run saw, for its test.
type result struct {
	logins               int // POST /auth on the fake API (0 on the real one)
	events, once, repeat int
}

// run runs the demonstration on the Redis server at redisURL, or, when it
// is empty, on one it starts from PATH.
func run(ctx context.Context, redisURL string) (res result, err error) {
	if redisURL == "" {
		url, stopRedis, err := startRedis(ctx)
		if err != nil {
			return res, err
		}
		defer stopRedis()
		redisURL = url
	} else {
		fmt.Println("Redis:", redisURL)
	}

	clientID, secret := os.Getenv("PLUGGY_CLIENT_ID"), os.Getenv("PLUGGY_CLIENT_SECRET")
	var baseURL string
	var fake *pluggytest.Server
	if clientID == "" || secret == "" {
		fake = pluggytest.NewServer()
		defer fake.Close()
		clientID, secret, baseURL = fake.ClientID, fake.ClientSecret, fake.URL
		fmt.Println("Pluggy: the built-in fake API (set PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET for the real one)")
	} else {
		fmt.Println("Pluggy: the real API")
	}

	// Each replica builds the same pieces from its own Redis connection.
	webhookSecret := pluggy.NewWebhookSecret()
	var handled sync.Map // eventId -> *atomic.Int32, the replicas' "work"
	var replicas []*replica
	for i := range 3 {
		r, err := newReplica(i+1, redisURL, baseURL, clientID, secret, webhookSecret, &handled)
		if err != nil {
			return res, err
		}
		defer r.close()
		replicas = append(replicas, r)
	}

	// 1. Calls from every replica share one budget and one API key.
	var wg sync.WaitGroup
	errs := make(chan error, len(replicas))
	for _, r := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if _, err := r.client.Connectors.List(ctx, &pluggy.ConnectorListParams{Sandbox: pluggy.Ptr(true)}); err != nil {
					errs <- fmt.Errorf("replica %d: %w", r.n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return res, err
	}
	fmt.Printf("3 replicas × 5 calls: done, sharing the Redis limiter\n")
	if fake != nil {
		res.logins = len(fake.RequestsTo("POST /auth"))
		fmt.Printf("POST /auth: %d (one API key for the fleet)\n", res.logins)
	}

	// 2. Webhooks: Pluggy delivers each event to one replica behind a load
	// balancer, and sometimes delivers it again to another.
	hc := &http.Client{Timeout: 5 * time.Second}
	const events = 20
	deliveries := 0
	run := time.Now().UnixNano()
	for i := range events {
		// Event ids are unique per run: a Redis kept between runs
		// remembers the ids it has seen for a day.
		body := fmt.Sprintf(`{"event":"item/updated","eventId":"evt-%d-%d","itemId":"item-1","triggeredBy":"SYNC"}`, run, i)
		copies := 1
		if i%4 == 0 {
			copies = 2
		}
		for k := range copies {
			target := replicas[(i+k)%len(replicas)]
			if err := deliver(ctx, hc, target.webhookURL, webhookSecret, body); err != nil {
				return res, err
			}
			deliveries++
		}
	}
	// Wait until the queue is drained by the replicas' workers.
	for {
		n, err := replicas[0].queue.Len(ctx)
		if err != nil {
			return res, err
		}
		if n == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	once, more := 0, 0
	handled.Range(func(_, v any) bool {
		if v.(*atomic.Int32).Load() == 1 {
			once++
		} else {
			more++
		}
		return true
	})
	fmt.Printf("webhooks: %d events in %d deliveries across 3 replicas: %d handled once, %d more than once\n", events, deliveries, once, more)
	return result{logins: res.logins, events: events, once: once, repeat: more}, nil
}

// replica is what one process of the application holds.
type replica struct {
	n          int
	rdb        *goredis.Client
	client     *pluggy.Client
	queue      *pluggyredis.Queue
	hook       *pluggy.WebhookHandler
	srv        *httptest.Server
	webhookURL string
}

func newReplica(n int, redisURL, baseURL, clientID, secret, webhookSecret string, handled *sync.Map) (*replica, error) {
	opt, err := goredis.ParseURL(redisURL)
	if err != nil {
		return nil, err
	}
	rdb := goredis.NewClient(opt)
	// The rate budget of the application, shared; while Redis is down each
	// replica falls back to a third of it.
	limiter, err := pluggyredis.NewLimiter(rdb, clientID, &pluggyredis.LimiterOptions{Fallback: pluggyredis.LocalShare(3)})
	if err != nil {
		return nil, err
	}
	// One API key for the fleet, kept encrypted in Redis.
	keys, err := pluggyredis.NewKeyStore(rdb, clientID, secret, nil)
	if err != nil {
		return nil, err
	}
	opts := []pluggy.Option{pluggy.WithLimiter(limiter), pluggy.WithKeyStore(keys)}
	if baseURL != "" {
		opts = append(opts, pluggy.WithBaseURL(baseURL))
	}
	client, err := pluggy.NewClient(clientID, secret, opts...)
	if err != nil {
		return nil, err
	}
	// Webhooks: deduplicated across replicas, queued durably, handled by
	// any replica's workers, acknowledged after the function succeeded.
	store, err := pluggyredis.NewDedupeStore(rdb, clientID, nil)
	if err != nil {
		return nil, err
	}
	queue, err := pluggyredis.NewQueue(rdb, clientID, &pluggyredis.QueueOptions{Visibility: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	hook, err := pluggy.NewWebhookHandler(func(ctx context.Context, ev pluggy.Event) error {
		v, _ := handled.LoadOrStore(ev.EventID, new(atomic.Int32))
		v.(*atomic.Int32).Add(1)
		return nil
	},
		pluggy.WithWebhookSecret("X-Webhook-Secret", webhookSecret),
		pluggy.WithWebhookDedupeStore(store),
		pluggy.WithWebhookQueue(queue),
		pluggy.WithWebhookEventTimeout(10*time.Second),
		pluggy.WithWebhookMaxAttempts(5, time.Second),
		pluggy.WithWebhookDeadLetter(queue.AddDeadLetter),
	)
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(hook)
	return &replica{n: n, rdb: rdb, client: client, queue: queue, hook: hook, srv: srv, webhookURL: srv.URL}, nil
}

func (r *replica) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r.srv.Close()
	_ = r.hook.Shutdown(ctx)
	_ = r.rdb.Close()
}

// deliver POSTs body as Pluggy does, again after a non-2xx answer.
func deliver(ctx context.Context, hc *http.Client, url, secret, body string) error {
	for try := 0; try < 20; try++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("X-Webhook-Secret", secret)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("a webhook delivery was refused 20 times")
}

// defaultRedis is where the command looks for Redis without REDIS_URL.
const defaultRedis = "redis://127.0.0.1:6379"

// existingRedis returns REDIS_URL, or the default local one, when it
// answers a PING within a second, else "".
func existingRedis(ctx context.Context) string {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = defaultRedis
	}
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return ""
	}
	// Nothing listening is the usual case without a local Redis: look
	// before go-redis dials, which logs every dial it gives up on.
	conn, err := net.DialTimeout(opt.Network, opt.Addr, time.Second)
	if err != nil {
		return ""
	}
	_ = conn.Close()
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if rdb.Ping(pctx).Err() != nil {
		return ""
	}
	return url
}

// startRedis starts a redis-server from PATH on a free loopback port in a
// temporary directory, returning its URL and a func that stops it.
func startRedis(ctx context.Context) (string, func(), error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, errors.New("no Redis answered at REDIS_URL (default " + defaultRedis + ") and no redis-server is on PATH: start one or set REDIS_URL")
	}
	dir, err := os.MkdirTemp("", "pluggy-fleet")
	if err != nil {
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes")
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); _ = os.RemoveAll(dir) }
	url := "redis://127.0.0.1:" + strconv.Itoa(port)
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port)})
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if rdb.Ping(ctx).Err() == nil {
			break
		}
		if ctx.Err() != nil {
			stop()
			return "", nil, ctx.Err()
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, errors.New("the redis-server started here did not answer")
		}
	}
	fmt.Println("Redis: a redis-server started here on", url)
	return url, stop, nil
}
