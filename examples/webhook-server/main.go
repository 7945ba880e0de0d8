// Command webhook-server receives Pluggy's webhooks with pluggy's handler.
//
// Without credentials it runs against the built-in fake API (pluggytest):
// it serves the handler on a loopback port, registers a webhook for every
// event with a secret header (client.Webhooks.Create), connects an item at
// the sandbox bank (connector 0 "Pluggy Bank", user-ok / password-ok,
// answering the MFA token 123456), syncs it once more, then prints the
// events the item's executions sent to the webhook, and exits.
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
         pluggy.WithWebhookClientID(os.Getenv("PLUGGY_CLIENT_ID")))
     mux.Handle("POST /webhooks/pluggy", hook); defer hook.Shutdown(ctx)
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

	// The receiving side. The handler answers Pluggy at once and hands each
	// event on through its queue; one worker keeps them in delivery order.
	// A real service would re-fetch what changed here (client.Items.Get,
	// client.Transactions.List, ...) rather than trust the payload.
	secret := pluggy.NewWebhookSecret()
	var mu sync.Mutex
	var received []pluggy.Event
	hook, err := pluggy.NewWebhookHandler(func(_ context.Context, ev pluggy.Event) error {
		mu.Lock()
		received = append(received, ev)
		mu.Unlock()
		return nil
	},
		pluggy.WithWebhookSecret(secretHeader, secret),
		pluggy.WithWebhookClientID(srv.ClientID),
		pluggy.WithWebhookWorkers(1, 64),
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
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
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

	// Shutting the handler down waits until every queued event is handled.
	if err := hook.Shutdown(ctx); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(out, "the handler handed on %d events:\n", len(received))
	for _, ev := range received {
		fmt.Fprintln(out, " ", describe(ev))
	}
	if len(received) != len(ds) {
		return fmt.Errorf("handed on %d events for %d deliveries", len(received), len(ds))
	}

	if _, err := client.Webhooks.Delete(ctx, wh.ID); err != nil {
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
