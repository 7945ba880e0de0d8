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
//     redelivers) POSTed over HTTP to -consumers processes, each serving a
//     pluggy.WebhookHandler in queued mode on the Redis Queue with the Redis
//     DedupeStore; this process plays Pluggy, redelivering to another
//     replica after a non-2xx or no answer. One consumer is killed with
//     SIGKILL while its workers handle events. Reported: events lost
//     (goal: none) and handled more than once (goal: none; the effect is
//     idempotent per eventId, as the Queue's documentation asks), and how
//     many times the function itself ran again (a kill between its end and
//     its Ack makes a redelivery run it again: at least once).
//
// It uses redis-server from PATH on a free loopback port, or -redis URL.
// The real window: go run ./cmd/fleet-bench (-window 60s -duration 3m). A
// quick run compresses time: -window 2s -margin 200ms -duration 20s. The
// margin must cover the scheduling jitter between a grant and the request's
// arrival, which does not shrink with the window: the default (window/120)
// is 500 ms for a minute but 16 ms for 2 s, too little on a loaded machine.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
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
	spacing := flag.Duration("spacing", 0, "the limiter's Spacing (0: the library's default; negative: none)")
	procs := flag.Int("procs", 4, "client processes")
	goroutines := flag.Int("goroutines", 50, "goroutines per client process")
	consumers := flag.Int("consumers", 3, "webhook consumer processes")
	events := flag.Int("events", 1000, "webhook events")
	redisURL := flag.String("redis", "", "Redis URL (default: start redis-server from PATH)")
	api := flag.String("api", "", "internal: the pluggytest URL")
	item := flag.String("item", "", "internal: the item id")
	prefix := flag.String("prefix", "bench", "internal: the key prefix")
	skipWebhooks := flag.Bool("skip-webhooks", false, "run the rate limit phase only")
	skipLimits := flag.Bool("skip-limits", false, "run the webhook phase only")
	flag.Parse()
	log.SetFlags(0)
	switch *mode {
	case "worker":
		worker(*api, *redisURL, *item, *prefix, *window, *margin, *spacing, *duration, *goroutines)
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
	if !*skipLimits {
		limits(url, "bench-"+runID, *window, *margin, *spacing, *duration, *procs, *goroutines)
	}
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

func limits(url, prefix string, window, margin, spacing, duration time.Duration, procs, goroutines int) {
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
			"-window", window.String(), "-margin", margin.String(), "-spacing", spacing.String(), "-duration", duration.String(), "-goroutines", strconv.Itoa(goroutines))
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

func worker(api, url, item, prefix string, window, margin, spacing, duration time.Duration, goroutines int) {
	id, secret := os.Getenv("PLUGGY_CLIENT_ID"), os.Getenv("PLUGGY_CLIENT_SECRET")
	opt, err := goredis.ParseURL(url)
	if err != nil {
		log.Fatal(err)
	}
	opt.PoolSize = goroutines + 10
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	lim, err := pluggyredis.NewLimiter(rdb, id, &pluggyredis.LimiterOptions{Window: window, Margin: margin, Spacing: spacing, Prefix: prefix})
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

// The webhook phase: consumer processes each serve a pluggy.WebhookHandler
// in queued mode on the Redis Queue with the Redis DedupeStore; this
// process plays Pluggy, POSTing each event to one of them and, on anything
// but a 2xx (or no answer), to the next, as Pluggy redelivers.

const (
	handledKey    = "handled" // a hash eventId -> times handled, under the prefix
	webhookHeader = "X-Bench-Secret"
)

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
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	secret := pluggy.NewWebhookSecret()
	start := time.Now()
	var cmds []*exec.Cmd
	var addrs []string
	var wg sync.WaitGroup
	for range consumers {
		cmd := exec.Command(self, "-mode", "consumer", "-redis", url, "-prefix", prefix)
		cmd.Env = append(os.Environ(), "BENCH_WEBHOOK_SECRET="+secret)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			log.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		if !sc.Scan() {
			log.Fatal("fleet-bench: a consumer did not print its address")
		}
		addrs = append(addrs, strings.TrimSpace(sc.Text()))
		cmds = append(cmds, cmd)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sc.Scan() {
			}
			_ = cmd.Wait()
		}()
	}
	hkey := prefix + ":" + handledKey
	var alive atomic.Int64
	alive.Store(int64(consumers))
	dead := make([]atomic.Bool, consumers)
	killed := make(chan int, 1)
	var inflight atomic.Int64
	go func() {
		// Kill the first consumer once a third of the events are handled,
		// at a random instant of the next 20 ms: its workers are in the
		// middle of events (each takes 15 to 25 ms).
		for {
			n, err := rdb.HLen(ctx, hkey).Result()
			if err == nil && n >= int64(events/3) {
				time.Sleep(rand.N(20 * time.Millisecond))
				dead[0].Store(true)
				_ = cmds[0].Process.Signal(syscall.SIGKILL)
				killed <- int(n)
				// What it held: received, not acknowledged.
				stream := prefix + ":{" + pluggytest.DefaultClientID + "}:queue:webhooks"
				if p, err := rdb.XPending(ctx, stream, "pluggy").Result(); err == nil {
					for name, k := range p.Consumers {
						if strings.Contains(name, "-"+strconv.Itoa(cmds[0].Process.Pid)+"-") {
							inflight.Store(k)
						}
					}
				}
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	hc := &http.Client{Timeout: 5 * time.Second}
	var refused atomic.Int64
	deliver := func(i, first int, body []byte) (redelivered int) {
		// Like Pluggy, keep redelivering (here for up to a minute).
		wait := 50 * time.Millisecond
		for try, end := 0, time.Now().Add(time.Minute); time.Now().Before(end); try++ {
			c := (first + try) % consumers
			if dead[c].Load() {
				continue
			}
			req, _ := http.NewRequest(http.MethodPost, "http://"+addrs[c]+"/", strings.NewReader(string(body)))
			req.Header.Set(webhookHeader, secret)
			req.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					return redelivered
				}
			}
			redelivered++
			time.Sleep(wait)
			wait = min(2*wait, time.Second)
		}
		refused.Add(1)
		return redelivered
	}
	var sent sync.WaitGroup
	var redeliveries atomic.Int64
	sem := make(chan struct{}, 16)
	dups := 0
	for i := range events {
		body := fmt.Appendf(nil, `{"event":"item/updated","eventId":"ev-%d","itemId":"i-1","triggeredBy":"SYNC","clientId":%q}`, i, pluggytest.DefaultClientID)
		copies := 1
		if i%10 == 0 {
			copies = 2 // Pluggy delivers it again, to another replica
			dups++
		}
		for k := range copies {
			sem <- struct{}{}
			sent.Add(1)
			go func() {
				defer sent.Done()
				defer func() { <-sem }()
				redeliveries.Add(int64(deliver(i, i+k, body)))
			}()
		}
	}
	sent.Wait()
	var handledAtKill int
	select {
	case handledAtKill = <-killed:
	case <-time.After(time.Minute):
		log.Print("fleet-bench: the kill did not happen")
	}
	// Wait for the queue to drain (the killed consumer's events come back
	// after the visibility timeout).
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		left, err := q.Len(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if left == 0 {
			break
		}
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
	runs, err := rdb.HGetAll(ctx, hkey+":runs").Result()
	if err != nil {
		log.Fatal(err)
	}
	lost, twice, reran := 0, 0, 0
	for i := range events {
		id := "ev-" + strconv.Itoa(i)
		n, _ := strconv.Atoi(counts[id])
		switch {
		case n == 0:
			lost++
		case n > 1:
			twice++
		}
		if r, _ := strconv.Atoi(runs[id]); r > 1 {
			reran++
		}
	}
	deadLetters, err := q.DeadLetters(ctx, "", 1000)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("webhooks: %d events (+%d duplicate deliveries, %d redeliveries after a non-2xx or no answer) to %d consumer processes; "+
		"consumer 1 SIGKILLed after %d events were handled; drained in %s\n",
		events, dups, redeliveries.Load(), consumers, handledAtKill, elapsed.Round(time.Millisecond))
	fmt.Printf("  the killed consumer held %d received, unacknowledged events (taken over after the visibility timeout)\n", inflight.Load())
	fmt.Printf("  never accepted within a minute of redeliveries: %d\n", refused.Load())
	fmt.Printf("  lost: %d, handled more than once: %d, dead letters: %d\n", lost, twice, len(deadLetters))
	fmt.Printf("  (the function ran more than once for %d events: a kill between its end and its Ack; its effect is\n"+
		"  applied once per eventId, atomically with a marker, as an idempotent function does)\n", reran)
}

// consumer serves a WebhookHandler in queued mode on the Redis queue and
// dedupe store until SIGTERM, printing its address first. Its EventFunc
// takes 15 to 25 ms, then records the event (effect).
// effect records a run of the function and, the first time for an
// eventId, its effect. KEYS: effects, runs, the eventId's marker. ARGV:
// eventId.
var effect = goredis.NewScript(`
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
if redis.call('SET', KEYS[3], '1', 'NX', 'EX', 3600) then
  redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
end
return 1
`)

func consumer(url, prefix string) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		log.Fatal(err)
	}
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	q, err := pluggyredis.NewQueue(rdb, pluggytest.DefaultClientID, &pluggyredis.QueueOptions{Prefix: prefix, Visibility: 10 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	store, err := pluggyredis.NewDedupeStore(rdb, pluggytest.DefaultClientID, &pluggyredis.DedupeStoreOptions{Prefix: prefix})
	if err != nil {
		log.Fatal(err)
	}
	hkey := prefix + ":" + handledKey
	h, err := pluggy.NewWebhookHandler(func(ctx context.Context, ev pluggy.Event) error {
		time.Sleep(15*time.Millisecond + rand.N(10*time.Millisecond)) // the work
		// The effect, idempotent: applied once per eventId, atomically
		// with its marker; every run is counted too.
		return effect.Run(ctx, rdb, []string{hkey, hkey + ":runs", hkey + ":done:" + ev.EventID}, ev.EventID).Err()
	},
		pluggy.WithWebhookSecret(webhookHeader, os.Getenv("BENCH_WEBHOOK_SECRET")),
		pluggy.WithWebhookClientID(pluggytest.DefaultClientID),
		pluggy.WithWebhookQueue(q),
		pluggy.WithWebhookDedupeStore(store),
		pluggy.WithWebhookLease(2*time.Second),
		pluggy.WithWebhookWorkers(4, 0),
		pluggy.WithWebhookEventTimeout(5*time.Second), // inside the visibility timeout
		pluggy.WithWebhookMaxAttempts(5, 50*time.Millisecond),
		pluggy.WithWebhookDeadLetter(q.AddDeadLetter),
	)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr().String())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 2 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, os.Interrupt)
	<-ch
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	_ = h.Shutdown(ctx)
}
