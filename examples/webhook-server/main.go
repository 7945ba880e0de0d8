// Command webhook-server receives Pluggy's webhooks with pluggy's handler.
//
// Without credentials it runs against the built-in fake API (pluggytest):
// it serves the handler on a loopback port, registers a webhook with a
// secret header, makes the fake report an item's sync, prints the events
// it receives, and exits.
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
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

const secretHeader = "X-Webhook-Secret"

func main() {
	if os.Getenv("PLUGGY_CLIENT_ID") != "" && os.Getenv("PLUGGY_CLIENT_SECRET") != "" {
		fmt.Println("webhook-server: using the Pluggy API (PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET are set).")
		fmt.Print(realInstructions)
		return
	}
	fmt.Println("webhook-server: using the built-in fake Pluggy API (set PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET for the real one).")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := runWithFake(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "webhook-server:", err)
		os.Exit(1)
	}
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

func runWithFake(ctx context.Context) error {
	srv := pluggytest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		return err
	}

	// The receiving side: one worker, so that events print in the order
	// they were delivered.
	secret := pluggy.NewWebhookSecret()
	received := make(chan pluggy.Event, 16)
	hook, err := pluggy.NewWebhookHandler(func(_ context.Context, ev pluggy.Event) error {
		received <- ev
		return nil
	},
		pluggy.WithWebhookSecret(secretHeader, secret),
		pluggy.WithWebhookClientID(srv.ClientID),
		pluggy.WithWebhookWorkers(1, 16),
	)
	if err != nil {
		return err
	}
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
		_ = hs.Shutdown(ctx)
		_ = hook.Shutdown(ctx)
	}()
	url := "http://" + ln.Addr().String() + "/webhooks/pluggy"
	fmt.Println("listening on", url)

	// Register the webhook with the secret header Pluggy will send back.
	wh, err := client.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{
		Event: pluggy.WebhookEventAll, URL: url, Headers: map[string]string{secretHeader: secret},
	})
	if err != nil {
		return err
	}
	fmt.Printf("registered webhook %s for %q\n", wh.ID, wh.Event)

	// Someone without the secret is turned away.
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"event":"item/deleted","eventId":"forged","itemId":"x"}`))
	if err != nil {
		return err
	}
	resp.Body.Close()
	fmt.Println("a request without the secret header gets", resp.Status)

	// An item syncs and the fake reports it. (Pluggy sends these as the
	// item moves through its execution.)
	const itemID = "9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37"
	const accountID = "3a7f1e5c-8b2d-4c69-a0e4-6d1b9f3c7e28"
	srv.SendWebhookEvent("item/created", map[string]any{"itemId": itemID, "triggeredBy": "USER"})
	srv.SendWebhookEvent("item/login_succeeded", map[string]any{"itemId": itemID, "triggeredBy": "USER"})
	from := srv.Now().Add(-time.Minute).UTC().Format(pluggytest.TimeLayout)
	srv.SendWebhookEvent("transactions/created", map[string]any{
		"itemId": itemID, "accountId": accountID, "transactionsCreatedAtFrom": from,
		"createdTransactionsLink": "https://api.pluggy.ai/transactions?accountId=" + accountID + "&createdAtFrom=" + from,
	})
	updated := srv.SendWebhookEvent("item/updated", map[string]any{"itemId": itemID, "triggeredBy": "USER"})
	// Pluggy may deliver an event twice; the handler hands it on once.
	srv.SendWebhookEvent("item/updated", map[string]any{"eventId": updated, "itemId": itemID, "triggeredBy": "USER"})

	const want = 4
	for n := 0; n < want; n++ {
		select {
		case ev := <-received:
			fmt.Println("received", describe(ev))
		case <-ctx.Done():
			return fmt.Errorf("received %d of %d events: %w", n, want, ctx.Err())
		}
	}
	ds := srv.Deliveries()
	fmt.Printf("the fake made %d deliveries; the duplicate was acknowledged and dropped\n", len(ds))

	if _, err := client.Webhooks.Delete(ctx, wh.ID); err != nil {
		return err
	}
	fmt.Println("webhook deleted; done")
	return nil
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
