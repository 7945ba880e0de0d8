// Command pluggy-fake serves pluggytest, the stateful in-memory fake of the
// Pluggy API, on an address of your choice, so that services written in any
// language can be tested against it:
//
//	go run github.com/pluggy-go/pluggy/cmd/pluggy-fake@latest
//
// It prints its base URL, client id and client secret, as environment
// variables that Pluggy's SDKs read (PLUGGY_API_URL), and serves until
// interrupted (SIGINT or SIGTERM), then stops gracefully. The secret it
// prints is the fake's own test credential ("pluggytest-secret" unless
// -client-secret says otherwise, in which case it is not printed): it
// unlocks nothing but this process.
//
// Items move through their MFA timelines on real time (-step per step),
// API keys expire after -key-ttl, Pluggy's rate limits are enforced unless
// -rate-limits=false, and the sandbox connectors, users and tokens are those
// of pluggytest (connector 0 "Pluggy Bank": user-ok / password-ok, MFA token
// 123456). GET /pluggytest/oauth/{itemId} plays the user approving an OAuth
// consent or an app's notification. State lives in memory and is gone when
// the process ends.
//
// Flags:
//
//	-addr host:port            where to listen (127.0.0.1:8787; :0 picks a free port)
//	-client-id, -client-secret the credentials POST /auth accepts
//	-transactions n            transactions per account of a connected item (100)
//	-transactions-per-sync n   new transactions per account on each later sync (5)
//	-step d                    duration of each in-progress step of an item (250ms)
//	-parameter-timeout d       how long an item waits for an MFA answer (5m)
//	-payment-step d            duration of each step of a payment intent (2s)
//	-key-ttl d                 lifetime of the API keys POST /auth issues (2h)
//	-rate-limits=false         turn off Pluggy's rate limits (20/min on PATCH /items/{id}, 360/min elsewhere)
//	-seed n                    seed of generated ids and data (1)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pluggy-go/pluggy/pluggytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pluggy-fake:", err)
		os.Exit(1)
	}
}

// shutdownGrace is how long requests in progress get to finish once the
// fake is told to stop.
const shutdownGrace = 5 * time.Second

// config is what the flags say.
type config struct {
	addr, clientID, clientSecret string
	txPerAccount, txPerSync      int
	step, paramTimeout, payStep  time.Duration
	keyTTL                       time.Duration
	rateLimits                   bool
	seed                         uint64
	secretGiven                  bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("pluggy-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8787", "`host:port` to listen on (port 0 picks a free one)")
	fs.StringVar(&c.clientID, "client-id", pluggytest.DefaultClientID, "client id POST /auth accepts")
	fs.StringVar(&c.clientSecret, "client-secret", pluggytest.DefaultClientSecret, "client secret POST /auth accepts (not printed when given)")
	fs.IntVar(&c.txPerAccount, "transactions", 100, "transactions per account of a connected item (generated on the fly: millions are fine)")
	fs.IntVar(&c.txPerSync, "transactions-per-sync", 5, "new transactions per account on each later synchronisation")
	fs.DurationVar(&c.step, "step", 250*time.Millisecond, "duration of each in-progress step of an item's execution (0: reads alone move items on)")
	fs.DurationVar(&c.paramTimeout, "parameter-timeout", 5*time.Minute, "how long an item waits for an MFA answer or a user action")
	fs.DurationVar(&c.payStep, "payment-step", 2*time.Second, "duration of each step of a payment intent (0: reads alone move intents on)")
	fs.DurationVar(&c.keyTTL, "key-ttl", 2*time.Hour, "lifetime of the API keys POST /auth issues")
	fs.BoolVar(&c.rateLimits, "rate-limits", true, "enforce Pluggy's rate limits (20 a minute on PATCH /items/{id}, 360 elsewhere), answering 429 past them")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the generated ids and data")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: pluggy-fake [flags]\n\nServes a stateful fake of the Pluggy API until interrupted.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (flags only; -h lists them)", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { c.secretGiven = c.secretGiven || f.Name == "client-secret" })
	switch {
	case c.clientID == "":
		return c, errors.New("-client-id is empty")
	case c.clientSecret == "":
		return c, errors.New("-client-secret is empty")
	case c.txPerAccount < 0:
		return c, fmt.Errorf("-transactions %d is negative", c.txPerAccount)
	case c.txPerSync < 0:
		return c, fmt.Errorf("-transactions-per-sync %d is negative", c.txPerSync)
	case c.step < 0:
		return c, fmt.Errorf("-step %v is negative", c.step)
	case c.paramTimeout <= 0:
		return c, fmt.Errorf("-parameter-timeout %v is not positive", c.paramTimeout)
	case c.payStep < 0:
		return c, fmt.Errorf("-payment-step %v is negative", c.payStep)
	case c.keyTTL <= 0:
		return c, fmt.Errorf("-key-ttl %v is not positive", c.keyTTL)
	}
	return c, nil
}

// run serves the fake until ctx ends, then shuts it down gracefully. It
// writes the fake's URL and credentials to stdout once it is listening.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on -addr %s: %w", c.addr, err)
	}
	opts := []pluggytest.Option{
		pluggytest.WithListener(l),
		pluggytest.WithCredentials(c.clientID, c.clientSecret),
		pluggytest.WithSeed(c.seed),
		pluggytest.WithTransactionsPerAccount(c.txPerAccount),
		pluggytest.WithTransactionsPerSync(c.txPerSync),
		pluggytest.WithStepDuration(c.step),
		pluggytest.WithParameterTimeout(c.paramTimeout),
		pluggytest.WithPaymentSteps(c.payStep),
		pluggytest.WithKeyTTL(c.keyTTL),
	}
	if !c.rateLimits {
		opts = append(opts, pluggytest.WithoutRateLimit())
	}
	srv := pluggytest.NewServer(opts...)

	secret := c.clientSecret
	if c.secretGiven {
		secret = "(the value of -client-secret)"
	}
	fmt.Fprintf(stdout, "pluggy-fake: a fake Pluggy API (state in memory) is serving on %s\n", srv.URL)
	fmt.Fprintf(stdout, "PLUGGY_API_URL=%s\n", srv.URL)
	fmt.Fprintf(stdout, "PLUGGY_CLIENT_ID=%s\n", c.clientID)
	fmt.Fprintf(stdout, "PLUGGY_CLIENT_SECRET=%s\n", secret)
	if !c.secretGiven {
		fmt.Fprintln(stdout, "# That secret is the fake's own test credential, printed on purpose: it unlocks nothing but this process.")
	}
	if ip, ok := hostIP(l.Addr()); ok && !ip.IsLoopback() {
		fmt.Fprintln(stdout, "# Warning: listening beyond loopback; anyone who reaches this address can use these credentials.")
	}
	fmt.Fprintln(stdout, "# Sandbox connector 0 \"Pluggy Bank\": user-ok / password-ok, MFA token 123456. Ctrl-C stops.")

	<-ctx.Done()
	fmt.Fprintln(stdout, "pluggy-fake: stopping")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("requests still in progress after %v were cut off: %w", shutdownGrace, err)
	}
	return nil
}

func hostIP(a net.Addr) (net.IP, bool) {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return nil, false
	}
	return ta.IP, true
}
