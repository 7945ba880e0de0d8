// Command sweepbench measures a whole-process sweep of one account's
// transactions: a pluggytest server in one process (rate limits off), and a
// client in another that reads every transaction, either with the SDK
// (Transactions.All with NoLimit) or with a plain sequential net/http +
// encoding/json loop into {id, amount}.
//
//	sweepbench serve -n 1000000          # prints "URL ACCOUNT_ID", serves until stdin closes
//	sweepbench sdk   -url URL -account ID -n 1000000
//	sweepbench plain -url URL -account ID -n 1000000
//	sweepbench compare -n 1000000 -runs 3  # all of the above, alternating, with a table
//
// compare starts the server, then runs plain and sdk in turn (plain, sdk,
// plain, sdk, ...) as child processes and prints, for each, min/median/max of
// wall time, client CPU (user+sys) and peak RSS, as the kernel accounts them
// for the finished child (getrusage), and the ratios sdk/plain pair by pair.
// The same figures can be taken from outside with /usr/bin/time -v on the
// sdk and plain commands against a running serve.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sweepbench serve|sdk|plain|compare [flags]")
		os.Exit(2)
	}
	if err := runCommand(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "sweepbench:", err)
		os.Exit(1)
	}
}

// runCommand runs one command, with a CPU profile of it when asked; a panic
// still fails the process.
func runCommand(command string, args []string) error {
	fs := flag.NewFlagSet(command, flag.ExitOnError)
	n := fs.Int("n", 1_000_000, "transactions in the account")
	base := fs.String("url", "", "base URL of the server (sdk, plain)")
	account := fs.String("account", "", "account id (sdk, plain)")
	runs := fs.Int("runs", 3, "counted runs of each client (compare)")
	warmup := fs.Int("warmup", 1, "uncounted runs of each client first (compare)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of this process to the file")
	_ = fs.Parse(args)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch command {
	case "serve":
		return serve(*n)
	case "sdk":
		return sweepSDK(*base, *account, *n)
	case "plain":
		return sweepPlain(*base, *account, *n)
	case "compare":
		return compare(*n, *runs, *warmup)
	}
	return fmt.Errorf("unknown command %q", command)
}

// serve runs a pluggytest server with one connected item whose bank account
// holds n transactions, prints "URL ACCOUNT_ID" and serves until stdin
// reaches its end.
func serve(n int) error {
	srv := pluggytest.NewServer(pluggytest.WithoutRateLimit(), pluggytest.WithTransactionsPerAccount(n), pluggytest.WithSeed(14))
	defer srv.Close()
	itemID, err := srv.AddConnectedItem(201)
	if err != nil {
		return err
	}
	c, err := srv.Client(pluggy.WithLimiter(pluggy.NoLimit))
	if err != nil {
		return err
	}
	accounts, err := c.Accounts.List(context.Background(), itemID, &pluggy.AccountListParams{Type: pluggy.AccountTypeBank})
	if err != nil {
		return err
	}
	if len(accounts.Results) == 0 {
		return errors.New("the item has no bank account")
	}
	fmt.Println(srv.URL, accounts.Results[0].ID)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// sweepSDK reads every transaction with the SDK's iterator.
func sweepSDK(base, account string, want int) error {
	c, err := pluggy.NewClient(pluggytest.DefaultClientID, pluggytest.DefaultClientSecret,
		pluggy.WithBaseURL(base), pluggy.WithLimiter(pluggy.NoLimit))
	if err != nil {
		return err
	}
	n, digits := 0, 0
	for tx, err := range c.Transactions.All(context.Background(), account, nil) {
		if err != nil {
			return err
		}
		if tx.ID == "" || tx.Amount.IsZero() {
			return fmt.Errorf("transaction %d has no id or amount", n)
		}
		digits += len(tx.Amount.String())
		n++
	}
	return report("sdk", n, digits, want)
}

// sweepPlain is what a user would write without the SDK: one page after the
// other with net/http, each decoded by encoding/json into {id, amount}.
func sweepPlain(base, account string, want int) error {
	hc := &http.Client{}
	body, _ := json.Marshal(map[string]string{"clientId": pluggytest.DefaultClientID, "clientSecret": pluggytest.DefaultClientSecret})
	resp, err := hc.Post(base+"/auth", "application/json", strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	var auth struct {
		APIKey string `json:"apiKey"`
	}
	err = json.NewDecoder(resp.Body).Decode(&auth)
	resp.Body.Close()
	if err != nil {
		return err
	}
	type page struct {
		Results []struct {
			ID     string      `json:"id"`
			Amount json.Number `json:"amount"`
		} `json:"results"`
		Next *string `json:"next"`
	}
	query := "accountId=" + url.QueryEscape(account)
	n, digits := 0, 0
	for {
		req, err := http.NewRequest(http.MethodGet, base+"/v2/transactions?"+query, nil)
		if err != nil {
			return err
		}
		req.Header.Set("X-API-KEY", auth.APIKey)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		var p page
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d: %.200s", resp.StatusCode, raw)
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			return err
		}
		for _, r := range p.Results {
			if r.ID == "" || r.Amount == "" {
				return fmt.Errorf("transaction %d has no id or amount", n)
			}
			digits += len(r.Amount)
			n++
		}
		if p.Next == nil || *p.Next == "" {
			break
		}
		query = strings.TrimPrefix(*p.Next, "?")
	}
	return report("plain", n, digits, want)
}

func report(name string, n, digits, want int) error {
	if n != want {
		return fmt.Errorf("%s: swept %d transactions, want %d", name, n, want)
	}
	fmt.Printf("%s: %d transactions (%d amount digits)\n", name, n, digits)
	return nil
}

// run is one finished client process.
type run struct {
	wall, cpu time.Duration
	rssKB     int64
}

func compare(n, runs, warmup int) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	server := exec.Command(self, "serve", "-n", fmt.Sprint(n))
	stdin, err := server.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := server.StdoutPipe()
	if err != nil {
		return err
	}
	server.Stderr = os.Stderr
	if err := server.Start(); err != nil {
		return err
	}
	defer func() {
		stdin.Close()
		_ = server.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	base, account, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok {
		return fmt.Errorf("server said %q", line)
	}
	fmt.Printf("server %s, account %s, %d transactions, %d runs after %d warm-up\n", base, account, n, runs, warmup)

	one := func(kind string) (run, error) {
		cmd := exec.Command(self, kind, "-url", base, "-account", account, "-n", fmt.Sprint(n))
		cmd.Stderr = os.Stderr
		start := time.Now()
		out, err := cmd.Output()
		wall := time.Since(start)
		if err != nil {
			return run{}, fmt.Errorf("%s: %w", kind, err)
		}
		if !strings.Contains(string(out), "transactions") {
			return run{}, fmt.Errorf("%s said %q", kind, out)
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		return run{wall: wall, cpu: cpu, rssKB: ru.Maxrss}, nil
	}
	var plain, sdk []run
	for i := 0; i < warmup+runs; i++ {
		p, err := one("plain")
		if err != nil {
			return err
		}
		s, err := one("sdk")
		if err != nil {
			return err
		}
		if i >= warmup {
			plain, sdk = append(plain, p), append(sdk, s)
		}
	}
	fmt.Printf("%-34s %-26s %-26s %-26s\n", "", "wall s (min/med/max)", "client CPU s", "peak RSS MB")
	row := func(name string, rs []run) {
		fmt.Printf("%-34s %-26s %-26s %-26s\n", name,
			stats(rs, func(r run) float64 { return r.wall.Seconds() }),
			stats(rs, func(r run) float64 { return r.cpu.Seconds() }),
			stats(rs, func(r run) float64 { return float64(r.rssKB) / 1024 }))
	}
	row("plain net/http + encoding/json", plain)
	row("SDK Transactions.All, NoLimit", sdk)
	ratio := make([]run, len(sdk))
	for i := range sdk {
		// Ratios pair by pair, in the run fields scaled so that row
		// prints them as they are (wall and cpu by 1e9 for Seconds,
		// rssKB by 1024 for the MB column).
		ratio[i] = run{
			wall:  time.Duration(float64(sdk[i].wall) / float64(plain[i].wall) * 1e9),
			cpu:   time.Duration(float64(sdk[i].cpu) / float64(plain[i].cpu) * 1e9),
			rssKB: int64(float64(sdk[i].rssKB) / float64(plain[i].rssKB) * 1024),
		}
	}
	row("ratio sdk/plain (pair by pair)", ratio)
	return nil
}

// stats formats min/median/max of f over rs.
func stats(rs []run, f func(run) float64) string {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f/%.2f/%.2f", v[0], v[len(v)/2], v[len(v)-1])
}
