// Command quickstart walks the first steps of a Pluggy integration: it
// authenticates, lists the sandbox connectors, connects an item on the
// sandbox bank "Pluggy Bank" (answering its MFA token), lists the item's
// accounts and sweeps every transaction of each.
//
// With PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET set it talks to the Pluggy
// API (sandbox connector 0, user-ok / password-ok, token 123456); without
// them it starts the built-in fake API, pluggytest, in-process. Its first
// line says which.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// The sandbox bank's credentials, the same on the real API and the fake.
const (
	sandboxConnector = 0
	sandboxUser      = "user-ok"
	sandboxPassword  = "password-ok"
	sandboxToken     = "123456"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	client, closeFake, err := newClient()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	defer closeFake()
	if err := run(ctx, client, pluggy.PollOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// newClient returns a client for the real API when credentials are in the
// environment, or for a fake API started here.
func newClient() (*pluggy.Client, func(), error) {
	id, secret := os.Getenv("PLUGGY_CLIENT_ID"), os.Getenv("PLUGGY_CLIENT_SECRET")
	if id != "" && secret != "" {
		fmt.Println("quickstart: using the Pluggy API at", pluggy.DefaultBaseURL, "(sandbox connector \"Pluggy Bank\")")
		c, err := pluggy.NewClient(id, secret, pluggy.WithUserAgent("pluggy-go-quickstart"))
		return c, func() {}, err
	}
	fmt.Println("quickstart: using the built-in fake Pluggy API (set PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET for the real one)")
	srv := pluggytest.NewServer(pluggytest.WithTransactionsPerAccount(1200), pluggytest.WithStepDuration(50*time.Millisecond))
	c, err := srv.Client(pluggy.WithUserAgent("pluggy-go-quickstart"))
	return c, srv.Close, err
}

// run does the walk-through; poll tunes how the item is polled.
func run(ctx context.Context, client *pluggy.Client, poll pluggy.PollOptions) error {
	// 1. The first call fetches an API key; the client keeps and renews it.
	connectors, err := client.Connectors.List(ctx, &pluggy.ConnectorListParams{Sandbox: pluggy.Ptr(true)})
	if err != nil {
		return fmt.Errorf("listing connectors: %w", err)
	}
	fmt.Printf("authenticated; %d connectors, among them:\n", connectors.Total)
	for i, c := range connectors.Results {
		if i == 5 {
			fmt.Printf("  ... and %d more\n", len(connectors.Results)-i)
			break
		}
		fmt.Printf("  %4d  %s (%s)\n", c.ID, pluggy.Deref(c.Name), pluggy.Deref(c.Type))
	}

	// 2. Connect an item: create it and drive it until it has synced,
	// answering the token the sandbox bank asks for.
	fmt.Printf("connecting an item on connector %d...\n", sandboxConnector)
	item, err := client.Items.Connect(ctx, &pluggy.CreateItemParams{
		ConnectorID: sandboxConnector,
		Parameters:  map[string]string{"user": sandboxUser, "password": sandboxPassword},
	}, &pluggy.ItemHandler{
		OnParameter: func(_ context.Context, _ *pluggy.Item, p *pluggy.Parameter) (map[string]string, error) {
			fmt.Printf("  the bank asks for %q (%s): answering %s\n", p.Label, p.Type, sandboxToken)
			return map[string]string{p.Name: sandboxToken}, nil
		},
		OnStatus: func(it *pluggy.Item) {
			fmt.Printf("  item %s: %s / %s\n", short(it.ID), it.Status, it.ExecutionStatus)
		},
		Poll: poll,
	})
	var itemErr *pluggy.ItemError
	if errors.As(err, &itemErr) {
		return fmt.Errorf("the item did not connect: %w", err)
	}
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer func() {
		// Leave no item behind on the sandbox.
		if err := client.Items.Delete(context.WithoutCancel(ctx), item.ID); err != nil {
			fmt.Fprintln(os.Stderr, "quickstart: deleting the item:", err)
		}
	}()
	fmt.Printf("connected: item %s is %s\n", item.ID, item.Status)

	// 3. Accounts, then every transaction of each, page after page.
	accounts, err := client.Accounts.List(ctx, item.ID, nil)
	if err != nil {
		return fmt.Errorf("listing accounts: %w", err)
	}
	for _, acc := range accounts.Results {
		fmt.Printf("account %s  %-14s %-20s balance %s %s\n", short(acc.ID), acc.Type, acc.Name, acc.CurrencyCode, acc.Balance)
		s, err := sweep(ctx, client, acc.ID)
		if err != nil {
			return fmt.Errorf("sweeping account %s: %w", acc.ID, err)
		}
		fmt.Printf("  %d transactions", s.count)
		if s.count > 0 {
			fmt.Printf(" from %s to %s: in %s, out %s",
				s.first.Format(time.DateOnly), s.last.Format(time.DateOnly), s.in.FloatString(2), s.out.FloatString(2))
		}
		fmt.Println()
	}
	return nil
}

// summary adds up an account's transactions exactly.
type summary struct {
	count       int
	in, out     *big.Rat
	first, last time.Time
}

func sweep(ctx context.Context, client *pluggy.Client, accountID string) (summary, error) {
	s := summary{in: new(big.Rat), out: new(big.Rat)}
	for tx, err := range client.Transactions.All(ctx, accountID, nil) {
		if err != nil {
			return s, err
		}
		s.count++
		if amount := tx.Amount.Rat(); amount != nil {
			if amount.Sign() >= 0 {
				s.in.Add(s.in, amount)
			} else {
				s.out.Add(s.out, amount)
			}
		}
		if s.first.IsZero() || tx.Date.Before(s.first) {
			s.first = tx.Date
		}
		if tx.Date.After(s.last) {
			s.last = tx.Date
		}
	}
	return s, nil
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
