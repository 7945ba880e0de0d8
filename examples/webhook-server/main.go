// Command webhook-server receives Pluggy's webhooks with pluggy's handler,
// in synchronous mode, and keeps a copy of an item's transactions up to
// date from them.
//
// Without credentials it runs against the built-in fake API (pluggytest):
// it serves the handler on a loopback port behind an http.Server with the
// timeouts a production receiver needs, registers a webhook for every
// event with a secret header (client.Webhooks.Create), connects an item at
// the sandbox bank (connector 0 "Pluggy Bank", user-ok / password-ok,
// answering the MFA token 123456), syncs it once more, and prints the
// events the item's executions sent to the webhook. Meanwhile the handler
// keeps an in-memory mirror of the item's transactions from the events
// (transactions/created, /updated, /deleted, read with the client's "what
// changed" helpers); after a recategorisation and three deletions it
// prints the mirror's count and sum next to a full sweep of the API, which
// agree, and exits.
//
// With PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET set it only explains what
// a real deployment needs, since Pluggy delivers to public https URLs only.
//
//	go run ./examples/webhook-server
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

const secretHeader = "X-Webhook-Secret"

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Poll the fake's item quickly: its steps last a quarter of a second.
	if err := run(ctx, os.Getenv, os.Stdout, 50*time.Millisecond); err != nil {
		fmt.Fprintln(os.Stderr, "webhook-server:", err)
		os.Exit(1)
	}
}

// run prints which API it uses, then explains the real set-up or runs the
// demonstration against the fake, polling items every poll.
func run(ctx context.Context, getenv func(string) string, out io.Writer, poll time.Duration) error {
	if getenv("PLUGGY_CLIENT_ID") != "" && getenv("PLUGGY_CLIENT_SECRET") != "" {
		fmt.Fprintln(out, "webhook-server: using the Pluggy API (PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET are set).")
		fmt.Fprint(out, realInstructions)
		return nil
	}
	fmt.Fprintln(out, "webhook-server: using the built-in fake Pluggy API (set PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET for the real one).")
	return runWithFake(ctx, out, poll)
}

const realInstructions = `Pluggy delivers webhooks to public https URLs only, so this example does not
serve against the real API. In your service:
  1. secret := pluggy.NewWebhookSecret()   (keep it in your secret store)
  2. hook, _ := pluggy.NewWebhookHandler(handle,
         pluggy.WithWebhookSecret("X-Webhook-Secret", secret),
         pluggy.WithWebhookClientID(os.Getenv("PLUGGY_CLIENT_ID")),
         pluggy.WithWebhookSynchronous(5*time.Second))
     mux.Handle("POST /webhooks/pluggy", hook); defer hook.Shutdown(ctx)
     Serve it with an http.Server that sets ReadHeaderTimeout, ReadTimeout,
     WriteTimeout, IdleTimeout and MaxHeaderBytes.
  3. client.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{
         Event: pluggy.WebhookEventAll, URL: "https://your.domain/webhooks/pluggy",
         Headers: map[string]string{"X-Webhook-Secret": secret}})
While developing, expose a local port through an https tunnel (ngrok, cloudflared).
`

func runWithFake(ctx context.Context, out io.Writer, poll time.Duration) error {
	srv := pluggytest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		return err
	}

	// The receiving side, in synchronous mode: Pluggy is answered 200 only
	// after the function below returned nil, and 5xx otherwise, so that it
	// delivers the event again. The function keeps the mirror up to date
	// with the "what changed" helpers, re-reading from the API what each
	// event announces rather than trusting the payload.
	secret := pluggy.NewWebhookSecret()
	m := newMirror(client)
	var mu sync.Mutex
	var received []pluggy.Event
	hook, err := pluggy.NewWebhookHandler(func(ctx context.Context, ev pluggy.Event) error {
		if err := m.apply(ctx, ev); err != nil {
			return err // 500: Pluggy delivers it again
		}
		mu.Lock()
		received = append(received, ev)
		mu.Unlock()
		return nil
	},
		pluggy.WithWebhookSecret(secretHeader, secret),
		pluggy.WithWebhookClientID(srv.ClientID),
		pluggy.WithWebhookSynchronous(5*time.Second),
	)
	if err != nil {
		return err
	}
	defer hook.Close()
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/pluggy", hook)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := newServer(mux)
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "webhook-server: serve:", err)
		}
	}()
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(stop)
	}()
	url := "http://" + ln.Addr().String() + "/webhooks/pluggy"
	fmt.Fprintln(out, "listening on", url)

	// Register the webhook with the secret header Pluggy will send back.
	wh, err := client.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{
		Event: pluggy.WebhookEventAll, URL: url, Headers: map[string]string{secretHeader: secret},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "registered webhook %s for %q\n", wh.ID, wh.Event)

	// Someone without the secret is turned away.
	status, err := post(ctx, url, `{"event":"item/deleted","eventId":"forged","itemId":"x"}`, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "a request without the secret header gets", status)

	// Connect an item at the sandbox bank; it asks for an MFA token after
	// the login. Each step of its execution is a webhook event.
	answer := &pluggy.ItemHandler{
		Poll: pluggy.PollOptions{Interval: poll, MaxInterval: 4 * poll, InputInterval: poll},
		OnParameter: func(_ context.Context, _ *pluggy.Item, p *pluggy.Parameter) (map[string]string, error) {
			fmt.Fprintf(out, "  the bank asks for %q (%s): answering with the sandbox token\n", p.Label, p.Name)
			return map[string]string{p.Name: pluggytest.SandboxToken}, nil
		},
	}
	fmt.Fprintf(out, "connecting an item at Pluggy Bank (connector %d) as %s\n", pluggytest.ConnectorPluggyBank, pluggytest.SandboxUser)
	item, err := client.Items.Connect(ctx, &pluggy.CreateItemParams{
		ConnectorID: pluggytest.ConnectorPluggyBank,
		Parameters:  map[string]string{"user": pluggytest.SandboxUser, "password": pluggytest.SandboxPassword},
	}, answer)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	fmt.Fprintf(out, "item %s connected: %s (%s)\n", item.ID, item.Status, item.ExecutionStatus)

	// Sync it again (PATCH /items/{id}): the new transactions it finds are
	// announced with transactions/created, one event per account.
	fmt.Fprintln(out, "syncing the item again")
	item, err = client.Items.Refresh(ctx, item.ID, nil, answer)
	if err != nil {
		return fmt.Errorf("syncing: %w", err)
	}
	fmt.Fprintf(out, "item %s synced: %s (%s)\n", item.ID, item.Status, item.ExecutionStatus)

	// Wait for the fake to deliver everything the item's executions sent.
	ds := srv.Deliveries()
	var redeliver []byte
	for _, d := range ds {
		if !d.OK() {
			return fmt.Errorf("delivery of %s %s: status %d %s", d.Event, d.EventID, d.StatusCode, d.Err)
		}
		if redeliver == nil && d.Event == string(pluggy.WebhookEventItemUpdated) {
			redeliver = d.Body
		}
	}
	fmt.Fprintf(out, "the fake made %d deliveries to the webhook, each answered 2xx\n", len(ds))

	// Pluggy may deliver an event twice: the handler acknowledges the copy
	// and does not hand it on.
	if redeliver != nil {
		status, err := post(ctx, url, string(redeliver), map[string]string{secretHeader: secret})
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "a second delivery of an item/updated event gets", status, "and is dropped")
	}

	mu.Lock()
	fmt.Fprintf(out, "the handler handed on %d events:\n", len(received))
	for _, ev := range received {
		fmt.Fprintln(out, " ", describe(ev))
	}
	n := len(received)
	mu.Unlock()
	if n != len(ds) {
		return fmt.Errorf("handed on %d events for %d deliveries", n, len(ds))
	}

	before, _, _ := m.totals("")
	fmt.Fprintf(out, "mirror after the sync: %d transactions\n", before)

	// More changes at the bank: a transaction recategorised (PATCH
	// /transactions/{id} sends transactions/updated) and three removed by
	// the institution (the fake's DeleteTransactions sends
	// transactions/deleted, as Pluggy does after a sync that drops them).
	accounts, err := client.Accounts.List(ctx, item.ID, nil)
	if err != nil {
		return err
	}
	bank := accounts.Results[0].ID
	var first []string
	for tx, err := range client.Transactions.All(ctx, bank, nil) {
		if err != nil {
			return err
		}
		if first = append(first, tx.ID); len(first) == 4 {
			break
		}
	}
	if _, err := client.Transactions.UpdateCategory(ctx, first[3], "10000000"); err != nil {
		return err
	}
	if err := srv.DeleteTransactions(first[:3]...); err != nil {
		return err
	}
	srv.FlushWebhooks()
	fmt.Fprintln(out, "recategorised 1 transaction and deleted 3 at the bank; the webhook was told")

	// The mirror, kept from the events only, against a full sweep of the API.
	mCount, mSum, mCategory := m.totals(first[3])
	var sCount int
	sSum := new(big.Rat)
	sCategory := ""
	for _, a := range accounts.Results {
		for tx, err := range client.Transactions.All(ctx, a.ID, nil) {
			if err != nil {
				return err
			}
			sCount++
			sSum.Add(sSum, tx.Amount.Rat())
			if tx.ID == first[3] && tx.CategoryID != nil {
				sCategory = *tx.CategoryID
			}
		}
	}
	fmt.Fprintf(out, "mirror from the events: %d transactions, sum %s, recategorised one in %s\n", mCount, mSum.FloatString(2), mCategory)
	fmt.Fprintf(out, "full sweep of the API:  %d transactions, sum %s, recategorised one in %s\n", sCount, sSum.FloatString(2), sCategory)
	if mCount != sCount || mSum.Cmp(sSum) != 0 || mCategory != sCategory {
		return errors.New("the mirror and the API disagree")
	}
	fmt.Fprintln(out, "the mirror and the API agree")

	// Shutdown answers 503 to new deliveries at once and returns when the
	// running ones are done (or when its context ends).
	if err := hook.Shutdown(ctx); err != nil {
		return err
	}

	if err := client.Webhooks.Delete(ctx, wh.ID); err != nil {
		return err
	}
	fmt.Fprintln(out, "webhook deleted; done")
	return nil
}

// post POSTs body to url with headers and returns the answer's status.
func post(ctx context.Context, url, body string, headers map[string]string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return resp.Status, nil
}

// describe says what an event means, from its typed payload.
func describe(ev pluggy.Event) string {
	switch p := ev.Payload.(type) {
	case *pluggy.ItemEvent:
		s := fmt.Sprintf("%s: item %s", ev.Type, p.ItemID)
		if p.TriggeredBy != "" {
			s += fmt.Sprintf(" (triggered by %s)", p.TriggeredBy)
		}
		if p.Error != nil {
			s += fmt.Sprintf(": %s %s", p.Error.Code, p.Error.Message)
		}
		return s
	case *pluggy.TransactionsCreatedEvent:
		return fmt.Sprintf("%s: new transactions in account %s since %s", ev.Type, p.AccountID,
			p.TransactionsCreatedAtFrom.Format(time.RFC3339))
	case *pluggy.TransactionsChangedEvent:
		return fmt.Sprintf("%s: %d transactions of account %s", ev.Type, len(p.TransactionIDs), p.AccountID)
	case *pluggy.PaymentRequestEvent:
		return fmt.Sprintf("%s: payment request %s is %s", ev.Type, p.PaymentRequestID, p.Data.Status)
	default:
		return ev.String()
	}
}

// newServer returns the http.Server of the receiver, with the timeouts a
// receiver exposed to the Internet needs: a client that trickles its
// headers or body, never reads the answer, keeps an idle connection open or
// sends huge headers is cut off.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second, // more than the handler's 5 s
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// mirror is an in-memory copy of the transactions of the items the
// webhook announces, kept up to date from the events alone.
type mirror struct {
	client *pluggy.Client
	mu     sync.Mutex
	items  map[string]bool
	txs    map[string]pluggy.Transaction
}

func newMirror(c *pluggy.Client) *mirror {
	return &mirror{client: c, items: map[string]bool{}, txs: map[string]pluggy.Transaction{}}
}

// apply brings the mirror up to date with one event. The EventFunc runs
// once per delivery that is not a duplicate; an error makes Pluggy deliver
// the event again, so apply must be safe to repeat, which it is: it stores
// what the API says now.
func (m *mirror) apply(ctx context.Context, ev pluggy.Event) error {
	wh := m.client.Webhooks
	switch ev.Type {
	case pluggy.WebhookEventItemUpdated:
		// A newly connected item: load its transactions once; later
		// changes arrive as transactions/* events.
		item, err := wh.EventItem(ctx, ev)
		if err != nil {
			return err
		}
		m.mu.Lock()
		known := m.items[item.ID]
		m.mu.Unlock()
		if known {
			return nil
		}
		accounts, err := m.client.Accounts.List(ctx, item.ID, nil)
		if err != nil {
			return err
		}
		loaded := map[string]pluggy.Transaction{}
		for _, a := range accounts.Results {
			for tx, err := range m.client.Transactions.All(ctx, a.ID, nil) {
				if err != nil {
					return err
				}
				loaded[tx.ID] = tx
			}
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		m.items[item.ID] = true
		for id, tx := range loaded {
			m.txs[id] = tx
		}
	case pluggy.WebhookEventTransactionsCreated:
		return m.put(wh.CreatedTransactions(ctx, ev))
	case pluggy.WebhookEventTransactionsUpdated:
		return m.put(wh.UpdatedTransactions(ctx, ev))
	case pluggy.WebhookEventTransactionsDeleted:
		ids, err := pluggy.DeletedTransactionIDs(ev)
		if err != nil {
			return err
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, id := range ids {
			delete(m.txs, id)
		}
	}
	return nil
}

// put stores every transaction seq yields, or none when it fails.
func (m *mirror) put(seq func(func(pluggy.Transaction, error) bool)) error {
	var got []pluggy.Transaction
	for tx, err := range seq {
		if err != nil {
			return err
		}
		got = append(got, tx)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, tx := range got {
		m.txs[tx.ID] = tx
	}
	return nil
}

// totals returns how many transactions the mirror holds, the sum of their
// amounts (exact) and the category of the transaction id.
func (m *mirror) totals(id string) (int, *big.Rat, string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sum := new(big.Rat)
	for _, tx := range m.txs {
		sum.Add(sum, tx.Amount.Rat())
	}
	category := ""
	if tx, ok := m.txs[id]; ok && tx.CategoryID != nil {
		category = *tx.CategoryID
	}
	return len(m.txs), sum, category
}
