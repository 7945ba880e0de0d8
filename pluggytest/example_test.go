package pluggytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// A fake Pluggy API for a test: the client it returns is already pointed at
// it with its credentials.
func ExampleNewServer() {
	srv := pluggytest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}

	conn, err := client.Connectors.Get(context.Background(), pluggytest.ConnectorPluggyBank, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*conn.Name)
	fmt.Println(len(srv.RequestsTo("POST /auth")), "API key fetched")
	// Output:
	// Pluggy Bank
	// 1 API key fetched
}

// noWait polls without sleeping: the fake moves an item on by one step each
// time it is read, so a test need not wait for its clock.
var noWait = pluggy.PollOptions{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}

// Connecting an item through its MFA, as code under test would: the sandbox
// bank asks for a 6-digit token (pluggytest.SandboxToken) after the password.
func ExampleServer_connectThroughMFA() {
	srv := pluggytest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}

	item, err := client.Items.Connect(context.Background(), &pluggy.CreateItemParams{
		ConnectorID: pluggytest.ConnectorPluggyBank,
		Parameters:  map[string]string{"user": "user-ok", "password": pluggytest.SandboxPassword},
	}, &pluggy.ItemHandler{
		OnParameter: func(_ context.Context, _ *pluggy.Item, p *pluggy.Parameter) (map[string]string, error) {
			fmt.Println("asked for", p.Name)
			return map[string]string{p.Name: pluggytest.SandboxToken}, nil
		},
		Poll: noWait,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(item.Status, item.ExecutionStatus)
	fmt.Println(len(srv.RequestsTo("POST /items/{id}/mfa")), "answer sent")
	// Output:
	// asked for token
	// UPDATED SUCCESS
	// 1 answer sent
}

// A frozen clock moved by hand: an MFA parameter left unanswered past its
// expiresAt ends the execution with USER_INPUT_TIMEOUT, without the test
// waiting five minutes.
func ExampleServer_Advance() {
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	srv := pluggytest.NewServer(pluggytest.WithStartTime(start), pluggytest.WithStepDuration(0))
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	item, err := client.Items.Create(ctx, &pluggy.CreateItemParams{
		ConnectorID: pluggytest.ConnectorPluggyBank,
		Parameters:  map[string]string{"user": "user-ok", "password": pluggytest.SandboxPassword},
	})
	if err != nil {
		log.Fatal(err)
	}
	// With WithStepDuration(0) only reads move the item on, one step each,
	// until it asks for the token.
	for i := 0; i < 10 && item.Status != pluggy.ItemStatusWaitingUserInput; i++ {
		if item, err = client.Items.Get(ctx, item.ID); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(item.Parameter.Name, "expires", item.Parameter.ExpiresAt.Sub(srv.Now()))

	srv.Advance(6 * time.Minute)
	if item, err = client.Items.Get(ctx, item.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Println(item.Status, item.ExecutionStatus)
	// Output:
	// token expires 5m0s
	// OUTDATED USER_INPUT_TIMEOUT
}

// Webhooks registered with the fake receive the events of what happens in
// it; here a receiver on a loopback port hears an item being connected.
func ExampleServer_Deliveries() {
	var mu sync.Mutex
	var events []string
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct{ Event string }
		body, _ := io.ReadAll(r.Body)
		if json.Unmarshal(body, &ev) == nil {
			mu.Lock()
			events = append(events, ev.Event)
			mu.Unlock()
		}
	}))
	defer receiver.Close()

	srv := pluggytest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventAll, URL: receiver.URL}); err != nil {
		log.Fatal(err)
	}
	_, err = client.Items.Connect(ctx, &pluggy.CreateItemParams{
		ConnectorID: pluggytest.ConnectorItau,
		Parameters:  map[string]string{"agency": "0001", "account": "12345-6", "password": pluggytest.SandboxPassword},
	}, &pluggy.ItemHandler{Poll: noWait})
	if err != nil {
		log.Fatal(err)
	}

	deliveries := srv.Deliveries() // waits for the deliveries in flight
	fmt.Println(len(deliveries), "deliveries, all answered 2xx:", allOK(deliveries))
	mu.Lock()
	defer mu.Unlock()
	for _, ev := range events {
		fmt.Println(ev)
	}
	// Output:
	// 3 deliveries, all answered 2xx: true
	// item/created
	// item/login_succeeded
	// item/updated
}

func allOK(ds []pluggytest.Delivery) bool {
	for _, d := range ds {
		if !d.OK() {
			return false
		}
	}
	return true
}

// Faults on demand: the next answer of a route is a 503, which the client
// retries.
func ExampleServer_Fail() {
	srv := pluggytest.NewServer()
	defer srv.Close()
	client, err := srv.Client(pluggy.WithRetryWait(time.Millisecond, time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}

	srv.Fail("GET /connectors/{id}", 1, pluggytest.Status(http.StatusServiceUnavailable))
	conn, err := client.Connectors.Get(context.Background(), pluggytest.ConnectorItau, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*conn.Name, "after", len(srv.RequestsTo("GET /connectors/{id}")), "attempts")
	// Output:
	// Itaú after 2 attempts
}

// API keys that expire: after ExpireKeys the client is refused once, fetches
// a new key and replays the call.
func ExampleServer_ExpireKeys() {
	srv := pluggytest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.Connectors.Get(ctx, pluggytest.ConnectorPluggyBank, nil); err != nil {
		log.Fatal(err)
	}

	srv.ExpireKeys()
	if _, err := client.Connectors.Get(ctx, pluggytest.ConnectorPluggyBank, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(srv.RequestsTo("POST /auth")), "keys fetched")
	// Output:
	// 2 keys fetched
}
