// Command fleet-bench measures fleet mode on Redis the way a user of many
// replicas sees it, with real OS processes:
//
//  1. Rate limits: -procs processes × -goroutines goroutines, each process
//     with its own pluggy.Client sharing the Redis Limiter and KeyStore,
//     call PATCH /items/{id}, GET /items/{id} and GET /accounts as fast as
//     they are let for -duration against a pluggytest server enforcing
//     Pluggy's limits over a sliding -window. Reported: the 429s the server
//     answered (goal 0), per route the requests sent, the most in any
//     sliding window against the limit, and the steady rate as a share of
//     the budget; and the POST /auth count (goal 1).
//  2. Webhooks: -events events (a tenth of them delivered twice, as Pluggy
//     redelivers) enqueued on the Redis Queue, consumed by -consumers
//     processes with the Redis DedupeStore; one is killed with SIGKILL while
//     it handles an event. Reported: events lost (goal 0) and handled more
//     than once (goal 0).
//
// It uses redis-server from PATH on a free loopback port, or -redis URL.
// A quick run: go run ./cmd/fleet-bench -window 2s -duration 20s. The real
// window: -window 60s -duration 3m.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
	pluggyredis "github.com/pluggy-go/pluggy/redis"
	"github.com/pluggy-go/pluggy/redis/internal/redistest"
)

var routes = []string{"PATCH /items/{id}", "GET /items/{id}", "GET /accounts"}

func limitOf(route string) int {
	if route == "PATCH /items/{id}" {
		return pluggy.ItemUpdateLimit
	}
	return pluggy.DefaultRouteLimit
}

func main() {
	mode := flag.String("mode", "", "internal: worker or consumer (a child process)")
	window := flag.Duration("window", time.Minute, "the rate limit window (Pluggy's is 60s; shorter compresses time)")
	duration := flag.Duration("duration", 3*time.Minute, "how long the rate limit phase runs")
	margin := flag.Duration("margin", 0, "the limiter's Margin (default window/120, as the library's)")
	procs := flag.Int("procs", 4, "client processes")
	goroutines := flag.Int("goroutines", 50, "goroutines per client process")
	consumers := flag.Int("consumers", 3, "webhook consumer processes")
	events := flag.Int("events", 1000, "webhook events")
	redisURL := flag.String("redis", "", "Redis URL (default: start redis-server from PATH)")
	api := flag.String("api", "", "internal: the pluggytest URL")
	item := flag.String("item", "", "internal: the item id")
	prefix := flag.String("prefix", "bench", "internal: the key prefix")
	skipWebhooks := flag.Bool("skip-webhooks", false, "run the rate limit phase only")
	flag.Parse()
	log.SetFlags(0)
	switch *mode {
	case "worker":
		worker(*api, *redisURL, *item, *prefix, *window, *margin, *duration, *goroutines)
		return
	case "consumer":
		consumer(*redisURL, *prefix)
		return
	}

	url := *redisURL
	if url == "" {
		bin, err := exec.LookPath("redis-server")
		if err != nil {
			log.Fatal("fleet-bench: redis-server is not on PATH; install it or pass -redis")
		}
		dir, err := os.MkdirTemp("", "fleet-bench")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
		srv, err := redistest.StartServer(bin, dir, redistest.Options{Persist: true})
		if err != nil {
			log.Fatal(err)
		}
		defer srv.Stop()
		url = srv.URL
	}
	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	m := *margin
	if m == 0 {
		m = *window / 120
	}
	fmt.Printf("fleet-bench: redis %s, window %s, margin %s (steady share %.1f%%), %d processes × %d goroutines for %s\n",
		url, *window, m, 100*float64(*window)/float64(*window+m), *procs, *goroutines, *duration)
	limits(url, "bench-"+runID, *window, *margin, *duration, *procs, *goroutines)
	if !*skipWebhooks {
		webhooks(url, "bench-"+runID, *consumers, *events)
	}
}

// workerReport is what a worker process prints at its end.
type workerReport struct {
	OK       map[string]int `json:"ok"`
	Errors   map[string]int `json:"errors"`
	Seen429  int            `json:"seen429"`
	Limiter  pluggyredis.LimiterStats
	FirstErr string `json:"firstErr,omitempty"`
}

func limits(url, prefix string, window, margin, duration time.Duration, procs, goroutines int) {
	srv := pluggytest.NewServer(pluggytest.WithRateLimitWindow(window))
	defer srv.Close()
	item, err := srv.AddConnectedItem(201)
	if err != nil {
		log.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	reports := make([]workerReport, procs)
	for p := range procs {
		cmd := exec.Command(self, "-mode", "worker", "-api", srv.URL, "-redis", url, "-item", item, "-prefix", prefix,
			"-window", window.String(), "-margin", margin.String(), "-duration", duration.String(), "-goroutines", strconv.Itoa(goroutines))
		cmd.Env = append(os.Environ(), "PLUGGY_CLIENT_ID="+srv.ClientID, "PLUGGY_CLIENT_SECRET="+srv.ClientSecret)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			log.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := json.NewDecoder(out).Decode(&reports[p]); err != nil {
				log.Printf("worker %d: no report: %v", p, err)
			}
			_ = cmd.Wait()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	byRoute := map[string][]time.Time{}
	auths := 0
	for _, r := range srv.Requests() {
		if r.Route == "POST /auth" {
			auths++
			continue
		}
		byRoute[r.Route] = append(byRoute[r.Route], r.At)
	}
	seen429, failed := 0, 0
	var stats pluggyredis.LimiterStats
	for _, r := range reports {
		seen429 += r.Seen429
		stats.Granted += r.Limiter.Granted
		stats.Voided += r.Limiter.Voided
		stats.Degraded += r.Limiter.Degraded
		for _, n := range r.Errors {
			failed += n
		}
		if r.FirstErr != "" {
			fmt.Printf("  a worker's first error: %s\n", r.FirstErr)
		}
	}
	fmt.Printf("rate limits: %s elapsed\n", elapsed.Round(time.Millisecond))
	fmt.Printf("  429s answered by the server: %d (seen by the clients: %d); calls failed: %d\n", srv.RateLimited(), seen429, failed)
	fmt.Printf("  POST /auth: %d\n", auths)
	fmt.Printf("  limiter: %d grants, %d voided (late by more than Margin/2, given back), %d without Redis\n", stats.Granted, stats.Voided, stats.Degraded)
	for _, route := range routes {
		times := byRoute[route]
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		limit := limitOf(route)
		fmt.Printf("  %-18s limit %3d/window: sent %6d, most in any %s window %3d, %s\n",
			route, limit, len(times), window, maxInWindow(times, window), utilization(times, window, limit))
	}
}

// maxInWindow is the most times in any half-open window [t, t+window).
func maxInWindow(times []time.Time, window time.Duration) int {
	best, j := 0, 0
	for i := range times {
		for j < len(times) && times[j].Sub(times[i]) < window {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// utilization is the requests sent against the budget of the windows
// they span, from the first to the last (whole windows).
func utilization(times []time.Time, window time.Duration, limit int) string {
	if len(times) == 0 {
		return "none sent"
	}
	windows := int(times[len(times)-1].Sub(times[0])/window) + 1
	return fmt.Sprintf("%.1f%% of the budget of the %d windows spanned (%.1f per window)",
		100*float64(len(times))/float64(windows*limit), windows, float64(len(times))/float64(windows))
}

// counting counts 429 answers.
type counting struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.n.Add(1)
	}
	return resp, err
}

func worker(api, url, item, prefix string, window, margin, duration time.Duration, goroutines int) {
	id, secret := os.Getenv("PLUGGY_CLIENT_ID"), os.Getenv("PLUGGY_CLIENT_SECRET")
	opt, err := goredis.ParseURL(url)
	if err != nil {
		log.Fatal(err)
	}
	opt.PoolSize = goroutines + 10
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	lim, err := pluggyredis.NewLimiter(rdb, id, &pluggyredis.LimiterOptions{Window: window, Margin: margin, Prefix: prefix})
	if err != nil {
		log.Fatal(err)
	}
	ks, err := pluggyredis.NewKeyStore(rdb, id, secret, &pluggyredis.KeyStoreOptions{Prefix: prefix})
	if err != nil {
		log.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = goroutines
	ct := &counting{base: tr}
	c, err := pluggy.NewClient(id, secret, pluggy.WithBaseURL(api), pluggy.WithLimiter(lim), pluggy.WithKeyStore(ks),
		pluggy.WithHTTPClient(&http.Client{Transport: ct}))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var mu sync.Mutex
	rep := workerReport{OK: map[string]int{}, Errors: map[string]int{}}
	var wg sync.WaitGroup
	for g := range goroutines {
		route := routes[g%len(routes)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				var err error
				switch route {
				case "PATCH /items/{id}":
					_, err = c.Items.Update(ctx, item, nil)
				case "GET /items/{id}":
					_, err = c.Items.Get(ctx, item)
				default:
					_, err = c.Accounts.List(ctx, item, nil)
				}
				if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
					return // the run's end
				}
				mu.Lock()
				if err != nil {
					rep.Errors[route]++
					if rep.FirstErr == "" {
						rep.FirstErr = err.Error()
					}
				} else {
					rep.OK[route]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rep.Seen429 = int(ct.n.Load())
	rep.Limiter = lim.Stats()
	_ = json.NewEncoder(os.Stdout).Encode(rep)
}

// The webhook phase.

const handledKey = "handled" // a hash eventId -> times handled, under the prefix

func webhooks(url, prefix string, consumers, events int) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		log.Fatal(err)
	}
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	q, err := pluggyredis.NewQueue(rdb, pluggytest.DefaultClientID, &pluggyredis.QueueOptions{Prefix: prefix})
	if err != nil {
		log.Fatal(err)
	}
	dups := 0
	for i := range events {
		ev, err := pluggy.ParseWebhookEvent(fmt.Appendf(nil, `{"event":"item/updated","eventId":"ev-%d","itemId":"i-1","triggeredBy":"SYNC"}`, i))
		if err != nil {
			log.Fatal(err)
		}
		if err := q.Enqueue(ctx, *ev); err != nil {
			log.Fatal(err)
		}
		if i%10 == 0 {
			// Pluggy delivers it again (to another replica, say).
			if err := q.Enqueue(ctx, *ev); err != nil {
				log.Fatal(err)
			}
			dups++
		}
	}
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	var cmds []*exec.Cmd
	var wg sync.WaitGroup
	for range consumers {
		cmd := exec.Command(self, "-mode", "consumer", "-redis", url, "-prefix", prefix)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			log.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		cmds = append(cmds, cmd)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(out)
			for sc.Scan() {
			}
			_ = cmd.Wait()
		}()
	}
	hkey := prefix + ":" + handledKey
	// Kill the first consumer once a third of the events are handled: it
	// is in the middle of one (each takes 20 ms, its 4 workers are busy).
	killed := false
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		n, err := rdb.HLen(ctx, hkey).Result()
		if err != nil {
			log.Fatal(err)
		}
		if !killed && n >= int64(events/3) {
			if err := cmds[0].Process.Signal(syscall.SIGKILL); err != nil {
				log.Fatal(err)
			}
			killed = true
			fmt.Printf("webhooks: SIGKILL to consumer 1 (pid %d) after %d events handled\n", cmds[0].Process.Pid, n)
		}
		left, err := q.Len(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if killed && left == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	for _, c := range cmds[1:] {
		_ = c.Process.Signal(syscall.SIGTERM)
	}
	wg.Wait()
	counts, err := rdb.HGetAll(ctx, hkey).Result()
	if err != nil {
		log.Fatal(err)
	}
	lost, twice := 0, 0
	for i := range events {
		n, _ := strconv.Atoi(counts["ev-"+strconv.Itoa(i)])
		switch {
		case n == 0:
			lost++
		case n > 1:
			twice++
		}
	}
	dead, err := q.DeadLetters(ctx, "", 1000)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("webhooks: %d events (+%d duplicate deliveries) across %d consumer processes, one killed: %s\n",
		events, dups, consumers, elapsed.Round(time.Millisecond))
	fmt.Printf("  lost: %d, handled more than once: %d, dead letters: %d\n", lost, twice, len(dead))
	if !killed {
		fmt.Println("  (the kill did not happen: the events were handled before a third was reached)")
	}
}

// consumer handles events from the queue with the dedupe store until
// SIGTERM: each takes 20 ms, then is recorded (HINCRBY) and completed.
func consumer(url, prefix string) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		log.Fatal(err)
	}
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	q, err := pluggyredis.NewQueue(rdb, pluggytest.DefaultClientID, &pluggyredis.QueueOptions{Prefix: prefix, Visibility: 2 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	store, err := pluggyredis.NewDedupeStore(rdb, pluggytest.DefaultClientID, &pluggyredis.DedupeStoreOptions{Prefix: prefix})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	go func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGTERM, os.Interrupt)
		<-ch
		stop()
	}()
	hkey := prefix + ":" + handledKey
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				d, err := q.Receive(ctx)
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						log.Printf("consumer: receive: %v", err)
						time.Sleep(100 * time.Millisecond)
					}
					continue
				}
				if err := handle(ctx, rdb, store, q, d, hkey); err != nil && ctx.Err() == nil {
					log.Printf("consumer: %v", err)
				}
			}
		}()
	}
	wg.Wait()
}

func handle(ctx context.Context, rdb *goredis.Client, store *pluggyredis.DedupeStore, q *pluggyredis.Queue, d *pluggy.Delivery, hkey string) error {
	id := d.Event.EventID
	r, err := store.Claim(ctx, id, 2*time.Second)
	if err != nil {
		return q.Nack(ctx, d, 100*time.Millisecond)
	}
	switch r.Status {
	case pluggy.ClaimCompleted:
		return q.Ack(ctx, d)
	case pluggy.ClaimInProgress:
		return q.Nack(ctx, d, max(r.Left, 50*time.Millisecond))
	}
	time.Sleep(20 * time.Millisecond) // the work
	if err := rdb.HIncrBy(ctx, hkey, id, 1).Err(); err != nil {
		_ = store.Release(context.WithoutCancel(ctx), id, r.Token)
		return q.Nack(context.WithoutCancel(ctx), d, 0)
	}
	if err := store.Complete(context.WithoutCancel(ctx), id, time.Hour); err != nil {
		return err
	}
	return q.Ack(context.WithoutCancel(ctx), d)
}
