package pluggy_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// noWait polls an item without waiting: the fake used in these examples
// moves an item one step per read.
var noWait = pluggy.PollOptions{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}

// Creating a client. The id and secret are checked here; the first call
// fetches an API key, which the client keeps and renews by itself.
func ExampleNewClient() {
	_, err := pluggy.NewClient("", "")
	fmt.Println(err)

	client, err := pluggy.NewClient("my-client-id", "my-client-secret",
		pluggy.WithRetries(5),
		pluggy.WithTimeout(time.Minute),
		pluggy.WithUserAgent("my-app/1.0"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client) // never shows the secret
	// Output:
	// pluggy: NewClient: client id and client secret are empty
	// pluggy.Client{baseURL: https://api.pluggy.ai, clientID: my-client-id}
}

// Connecting an item and answering its MFA, here on the fake API's sandbox
// bank, which asks for a 6-digit token after the password.
func ExampleItemsService_Connect_fakeAPI() {
	srv := pluggytest.NewServer(pluggytest.WithStepDuration(0))
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	item, err := client.Items.Connect(ctx, &pluggy.CreateItemParams{
		ConnectorID: pluggytest.ConnectorPluggyBank,
		Parameters:  map[string]string{"user": "user-ok", "password": "password-ok"},
	}, &pluggy.ItemHandler{
		OnParameter: func(_ context.Context, _ *pluggy.Item, p *pluggy.Parameter) (map[string]string, error) {
			fmt.Printf("asked for %s (%s)\n", p.Name, p.Type)
			return map[string]string{p.Name: "123456"}, nil
		},
		Poll: noWait,
	})
	var itemErr *pluggy.ItemError
	if errors.As(err, &itemErr) {
		log.Fatalf("the bank refused: %s", itemErr.Code)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(item.Status, item.ExecutionStatus)
	// Output:
	// asked for token (number)
	// UPDATED SUCCESS
}

// Every transaction of an account, page after page. The next page is
// fetched only when the loop reaches it; breaking out stops the fetching.
func ExampleTransactionsService_All() {
	srv := pluggytest.NewServer(pluggytest.WithTransactionsPerAccount(1234))
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	itemID, err := srv.AddConnectedItem(pluggytest.ConnectorPluggyBank)
	if err != nil {
		log.Fatal(err)
	}
	accounts, err := client.Accounts.List(ctx, itemID, &pluggy.AccountListParams{Type: pluggy.AccountTypeBank})
	if err != nil {
		log.Fatal(err)
	}

	count, cents := 0, int64(0)
	for tx, err := range client.Transactions.All(ctx, accounts.Results[0].ID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		c, err := tx.Amount.Cents() // exact: no float rounding
		if err != nil {
			log.Fatal(err)
		}
		count++
		cents += c
	}
	fmt.Println(count, "transactions")
	fmt.Println(len(srv.RequestsTo("GET /v2/transactions")), "pages")
	fmt.Println("net:", pluggy.DecimalFromCents(cents))
	// Output:
	// 1234 transactions
	// 3 pages
	// net: 8088.72
}

// Telling errors apart.
func ExampleError() {
	srv := pluggytest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	_, err = client.Items.Get(ctx, "9f3c2a1e-0b4d-4e6f-8a7b-1c2d3e4f5a6b")
	var apiErr *pluggy.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, pluggy.ErrNotFound))
	}

	_, err = client.Items.Get(ctx, "")
	fmt.Println(errors.Is(err, pluggy.ErrInvalidArgument), err)
	// Output:
	// 404 true
	// true pluggy: invalid id: must not be empty
}
