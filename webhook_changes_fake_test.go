package pluggy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// countingTransport counts the GET /v2/transactions requests and the ids
// each asked for.
type countingTransport struct {
	mu   sync.Mutex
	ids  []int // per request: how many ids (0: none)
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/v2/transactions" {
		n := 0
		if v := r.URL.Query().Get("ids"); v != "" {
			n = len(strings.Split(v, ","))
		}
		c.mu.Lock()
		c.ids = append(c.ids, n)
		c.mu.Unlock()
	}
	return c.next.RoundTrip(r)
}

func (c *countingTransport) take() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.ids
	c.ids = nil
	return out
}

// fakeWithReceiver starts the fake, a client that counts its transaction
// requests, and a synchronous receiver registered for every event.
func fakeWithReceiver(t *testing.T, opts ...pluggytest.Option) (*pluggytest.Server, *pluggy.Client, *countingTransport, func() []pluggy.Event) {
	t.Helper()
	srv := pluggytest.NewServer(append([]pluggytest.Option{pluggytest.WithoutRateLimit()}, opts...)...)
	t.Cleanup(srv.Close)
	ct := &countingTransport{next: http.DefaultTransport}
	client, err := srv.Client(pluggy.WithHTTPClient(&http.Client{Transport: ct}))
	require.NoError(t, err)
	var mu sync.Mutex
	var got []pluggy.Event
	secret := pluggy.NewWebhookSecret()
	hook, err := pluggy.NewWebhookHandler(func(_ context.Context, ev pluggy.Event) error {
		mu.Lock()
		got = append(got, ev)
		mu.Unlock()
		return nil
	}, pluggy.WithWebhookSecret("X-Webhook-Secret", secret), pluggy.WithWebhookSynchronous(0))
	require.NoError(t, err)
	rs := httptest.NewServer(hook)
	t.Cleanup(func() { rs.Close(); _ = hook.Close() })
	_, err = client.Webhooks.Create(context.Background(), &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventAll,
		URL: rs.URL, Headers: map[string]string{"X-Webhook-Secret": secret}})
	require.NoError(t, err)
	events := func() []pluggy.Event {
		srv.FlushWebhooks()
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
	return srv, client, ct, events
}

func eventsOf(evs []pluggy.Event, typ pluggy.WebhookEventType) []pluggy.Event {
	var out []pluggy.Event
	for _, ev := range evs {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

func collect(t *testing.T, seq func(func(pluggy.Transaction, error) bool)) []pluggy.Transaction {
	t.Helper()
	var out []pluggy.Transaction
	for tx, err := range seq {
		require.NoError(t, err)
		out = append(out, tx)
	}
	return out
}

func ids(txs []pluggy.Transaction) []string {
	out := make([]string, len(txs))
	for i, tx := range txs {
		out[i] = tx.ID
	}
	return out
}

// withoutFields re-parses ev's body without the given fields.
func withoutFields(t *testing.T, ev pluggy.Event, fields ...string) pluggy.Event {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(ev.Raw, &m))
	for _, f := range fields {
		delete(m, f)
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	out, err := pluggy.ParseWebhookEvent(b)
	require.NoError(t, err)
	return *out
}

func TestWhatChangedAgainstTheFake(t *testing.T) {
	srv, client, ct, events := fakeWithReceiver(t, pluggytest.WithTransactionsPerAccount(300),
		pluggytest.WithTransactionsPerSync(1100), pluggytest.WithStepDuration(time.Second))
	ctx := context.Background()
	itemID, err := srv.AddConnectedItem(pluggytest.ConnectorItau)
	require.NoError(t, err)
	accounts, err := client.Accounts.List(ctx, itemID, nil)
	require.NoError(t, err)
	bank := accounts.Results[0].ID

	// A daily sync adds 1,100 transactions to each account.
	srv.Advance(24*time.Hour + time.Minute)
	_, err = client.Items.Get(ctx, itemID)
	require.NoError(t, err)
	created := eventsOf(events(), pluggy.WebhookEventTransactionsCreated)
	require.Len(t, created, 2, "one per account")
	require.Equal(t, bank, created[0].Payload.(*pluggy.TransactionsCreatedEvent).AccountID)
	ct.take()

	// Created: exactly the new ones, every page (500 + 500 + 100).
	newTx := collect(t, client.Webhooks.CreatedTransactions(ctx, created[0]))
	assert.Len(t, newTx, 1100)
	assert.Equal(t, []int{0, 0, 0}, ct.take(), "three pages through the cursor")
	from := created[0].Payload.(*pluggy.TransactionsCreatedEvent).TransactionsCreatedAtFrom
	all := collect(t, client.Transactions.All(ctx, bank, nil))
	require.Len(t, all, 1400)
	var want []string
	for _, tx := range all {
		if !tx.CreatedAt.Before(from) {
			want = append(want, tx.ID)
		}
	}
	assert.Equal(t, want, ids(newTx), "the created ones and nothing else")
	// From the link alone, the same: its query is read, the URL is not followed.
	linkOnly := withoutFields(t, created[0], "accountId", "transactionsCreatedAtFrom")
	assert.Equal(t, want, ids(collect(t, client.Webhooks.CreatedTransactions(ctx, linkOnly))))
	ct.take()

	// Updated: 1,100 ids (one named twice) in chunks of at most 500.
	var named []string
	for _, tx := range all[:1100] {
		named = append(named, tx.ID)
	}
	upd, err := pluggy.ParseWebhookEvent([]byte(`{"event":"transactions/updated","eventId":"u-1","itemId":"` + itemID +
		`","accountId":"` + bank + `","transactionIds":["` + strings.Join(append(named, named[7]), `","`) + `"]}`))
	require.NoError(t, err)
	got := collect(t, client.Webhooks.UpdatedTransactions(ctx, *upd))
	assert.Equal(t, []int{500, 500, 100}, ct.take())
	assert.ElementsMatch(t, named, ids(got))

	// A recategorised transaction is announced, and read back as it is now.
	_, err = client.Transactions.UpdateCategory(ctx, all[5].ID, "10000000")
	require.NoError(t, err)
	updated := eventsOf(events(), pluggy.WebhookEventTransactionsUpdated)
	require.Len(t, updated, 1)
	got = collect(t, client.Webhooks.UpdatedTransactions(ctx, updated[0]))
	require.Len(t, got, 1)
	assert.Equal(t, all[5].ID, got[0].ID)
	require.NotNil(t, got[0].CategoryID)
	assert.Equal(t, "10000000", *got[0].CategoryID)

	// Deleted: the ids, and the API no longer has them.
	require.NoError(t, srv.DeleteTransactions(all[0].ID, all[1].ID, all[2].ID))
	deleted := eventsOf(events(), pluggy.WebhookEventTransactionsDeleted)
	require.Len(t, deleted, 1)
	gone, err := pluggy.DeletedTransactionIDs(deleted[0])
	require.NoError(t, err)
	assert.Equal(t, []string{all[0].ID, all[1].ID, all[2].ID}, gone)
	_, err = client.Transactions.Get(ctx, all[0].ID)
	assert.ErrorIs(t, err, pluggy.ErrNotFound)
	// An updated id deleted since is simply not yielded.
	assert.Len(t, collect(t, client.Webhooks.UpdatedTransactions(ctx, *upd)), 1097)

	// Item events: the item as it is now.
	itemEvents := eventsOf(events(), pluggy.WebhookEventItemUpdated)
	require.NotEmpty(t, itemEvents)
	it, err := client.Webhooks.EventItem(ctx, itemEvents[0])
	require.NoError(t, err)
	assert.Equal(t, itemID, it.ID)
}

// A synchronous receiver that reads what each transactions event says
// changed. Pluggy is answered 200 only once the function returned nil.
func ExampleWebhooksService_CreatedTransactions() {
	srv := pluggytest.NewServer(pluggytest.WithTransactionsPerSync(25), pluggytest.WithStepDuration(time.Second))
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		panic(err)
	}
	var mu sync.Mutex
	created := 0
	hook, err := pluggy.NewWebhookHandler(func(ctx context.Context, ev pluggy.Event) error {
		if ev.Type != pluggy.WebhookEventTransactionsCreated {
			return nil
		}
		for _, err := range client.Webhooks.CreatedTransactions(ctx, ev) {
			if err != nil {
				return err // 500: Pluggy delivers the event again
			}
			mu.Lock()
			created++
			mu.Unlock()
		}
		return nil
	}, pluggy.WithWebhookSecret("X-Webhook-Secret", "example-secret-do-not-use"), pluggy.WithWebhookSynchronous(5*time.Second))
	if err != nil {
		panic(err)
	}
	receiver := httptest.NewServer(hook)
	defer receiver.Close()
	ctx := context.Background()
	if _, err := client.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventTransactionsCreated,
		URL: receiver.URL, Headers: map[string]string{"X-Webhook-Secret": "example-secret-do-not-use"}}); err != nil {
		panic(err)
	}

	// An item syncs by itself a day later and finds 25 new transactions in
	// each of its two accounts.
	itemID, _ := srv.AddConnectedItem(pluggytest.ConnectorItau)
	srv.Advance(24*time.Hour + time.Minute)
	if _, err := client.Items.Get(ctx, itemID); err != nil {
		panic(err)
	}
	srv.FlushWebhooks()
	_ = hook.Shutdown(ctx)
	fmt.Println(created, "new transactions read")
	// Output: 50 new transactions read
}
