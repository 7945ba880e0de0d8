package pluggytest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

const (
	testHookHeader = "X-Webhook-Secret"
	testHookSecret = "pt-7Qm2Vx9Lk4Rz8Nw1Jc6Hb3Ty5Fd0Gs"
	testItemID     = "9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37"
)

// receiver is a local endpoint running pluggy's webhook handler.
type receiver struct {
	*httptest.Server
	hook *pluggy.WebhookHandler
	mu   sync.Mutex
	got  []pluggy.Event
}

func newReceiver(t *testing.T, srv *Server) *receiver {
	t.Helper()
	rc := &receiver{}
	hook, err := pluggy.NewWebhookHandler(func(_ context.Context, ev pluggy.Event) error {
		rc.mu.Lock()
		rc.got = append(rc.got, ev)
		rc.mu.Unlock()
		return nil
	}, pluggy.WithWebhookSecret(testHookHeader, testHookSecret), pluggy.WithWebhookClientID(srv.ClientID))
	require.NoError(t, err)
	rc.hook = hook
	rc.Server = httptest.NewServer(hook)
	t.Cleanup(func() { rc.Server.Close(); _ = hook.Close() })
	return rc
}

// events closes the handler (handling everything queued) and returns what
// it handed on.
func (rc *receiver) events(t *testing.T) []pluggy.Event {
	require.NoError(t, rc.hook.Close())
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]pluggy.Event(nil), rc.got...)
}

func newFake(t *testing.T, opts ...Option) (*Server, *pluggy.Client) {
	t.Helper()
	srv := NewServer(append([]Option{WithoutRateLimit()}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	return srv, c
}

func TestFakeWebhooksCRUD(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, WithStartTime(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)))
	ctx := context.Background()

	page, err := c.Webhooks.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, page.Results, "an empty list answers 204")

	wh, err := c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{
		Event: pluggy.WebhookEventItemUpdated, URL: "https://api.lojadamaria.com.br/pluggy",
		Headers: map[string]string{testHookHeader: testHookSecret},
	})
	require.NoError(t, err)
	assert.Len(t, wh.ID, 36)
	assert.Equal(t, pluggy.WebhookEventItemUpdated, wh.Event)
	assert.True(t, wh.Enabled())
	assert.Equal(t, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), wh.CreatedAt)

	got, err := c.Webhooks.Get(ctx, wh.ID)
	require.NoError(t, err)
	assert.Equal(t, wh, got)

	srv.Advance(time.Minute)
	up, err := c.Webhooks.Update(ctx, wh.ID, &pluggy.UpdateWebhookParams{URL: "https://api.lojadamaria.com.br/pluggy/v2", Enabled: pluggy.Ptr(false)})
	require.NoError(t, err)
	assert.Equal(t, "https://api.lojadamaria.com.br/pluggy/v2", up.URL)
	assert.False(t, up.Enabled())
	assert.Equal(t, wh.CreatedAt.Add(time.Minute), up.UpdatedAt)
	up, err = c.Webhooks.Update(ctx, wh.ID, &pluggy.UpdateWebhookParams{Enabled: pluggy.Ptr(true), ClearHeaders: true})
	require.NoError(t, err)
	assert.True(t, up.Enabled())

	page, err = c.Webhooks.List(ctx)
	require.NoError(t, err)
	require.Len(t, page.Results, 1)
	assert.Equal(t, 1, page.Total)

	err = c.Webhooks.Delete(ctx, wh.ID)
	require.NoError(t, err)
	_, err = c.Webhooks.Get(ctx, wh.ID)
	assert.ErrorIs(t, err, pluggy.ErrNotFound)
	err = c.Webhooks.Delete(ctx, wh.ID)
	assert.ErrorIs(t, err, pluggy.ErrNotFound)
	_, err = c.Webhooks.Update(ctx, wh.ID, &pluggy.UpdateWebhookParams{Enabled: pluggy.Ptr(true)})
	assert.ErrorIs(t, err, pluggy.ErrNotFound)

	require.Len(t, srv.RequestsTo("POST /webhooks"), 1)
	assert.JSONEq(t, `{"event":"item/updated","url":"https://api.lojadamaria.com.br/pluggy","headers":{"X-Webhook-Secret":"`+testHookSecret+`"}}`,
		string(srv.RequestsTo("POST /webhooks")[0].Body))
	assert.JSONEq(t, `{"headers":null,"enabled":true}`, string(srv.RequestsTo("PATCH /webhooks/{id}")[1].Body))
}

func TestFakeWebhooksRefuse(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	ctx := context.Background()
	create := func(event pluggy.WebhookEventType, url string) error {
		_, err := c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: event, URL: url})
		return err
	}
	apiMessage := func(err error) string {
		var apiErr *pluggy.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		return apiErr.Message
	}
	assert.Equal(t, "Invalid event type 'payment_refund/completed' for webhook", apiMessage(create("payment_refund/completed", "https://a.com.br/h")))

	require.NoError(t, create(pluggy.WebhookEventBoletoUpdated, "https://a.com.br/h"))
	assert.Contains(t, apiMessage(create(pluggy.WebhookEventBoletoUpdated, "https://a.com.br/h")), "already exists")
	for _, u := range []string{"https://b.com.br/h", "https://c.com.br/h", "https://d.com.br/h", "https://e.com.br/h"} {
		require.NoError(t, create(pluggy.WebhookEventBoletoUpdated, u))
	}
	assert.Contains(t, apiMessage(create(pluggy.WebhookEventBoletoUpdated, "https://f.com.br/h")), "maximum of 5 webhooks")
	require.NoError(t, create(pluggy.WebhookEventAll, "https://f.com.br/h"), "the limit is per event")

	// A raw request past the client's own checks.
	err := c.Do(ctx, "POST /webhooks", nil, nil, map[string]any{"event": "item/updated", "url": "not a url"}, nil)
	assert.Contains(t, apiMessage(err), "must be valid URL")
}

func TestFakeDeliversToRegisteredWebhooks(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	rc := newReceiver(t, srv)
	headers := map[string]string{testHookHeader: testHookSecret}
	all, err := c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventAll, URL: rc.URL + "/all", Headers: headers})
	require.NoError(t, err)
	_, err = c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventItemError, URL: rc.URL + "/errors", Headers: headers})
	require.NoError(t, err)
	disabled, err := c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventItemUpdated, URL: rc.URL + "/off", Headers: headers})
	require.NoError(t, err)
	_, err = c.Webhooks.Update(ctx, disabled.ID, &pluggy.UpdateWebhookParams{Enabled: pluggy.Ptr(false)})
	require.NoError(t, err)

	id1 := srv.SendWebhookEvent("item/updated", map[string]any{"itemId": testItemID, "triggeredBy": "SYNC"})
	srv.emit(Event{Type: "item/error", Payload: map[string]any{"itemId": testItemID, "triggeredBy": "USER",
		"error": map[string]any{"code": "INVALID_CREDENTIALS", "message": "Senha incorreta"}}})

	ds := srv.Deliveries()
	require.Len(t, ds, 3, "item/updated to 'all'; item/error to 'all' and to 'item/error'; nothing to the disabled one")
	for _, d := range ds {
		assert.True(t, d.OK(), "%+v", d)
		assert.Equal(t, 1, d.Attempts)
	}
	assert.Equal(t, all.ID, ds[0].WebhookID)
	assert.Equal(t, id1, ds[0].EventID)
	assert.Equal(t, ds[1].EventID, ds[2].EventID, "one event, one eventId, whatever the webhook")
	assert.NotEqual(t, id1, ds[1].EventID)

	var body map[string]any
	require.NoError(t, json.Unmarshal(ds[0].Body, &body))
	assert.Equal(t, map[string]any{"event": "item/updated", "eventId": id1, "clientId": srv.ClientID, "id": testItemID,
		"itemId": testItemID, "triggeredBy": "SYNC"}, body)

	evs := rc.events(t)
	require.Len(t, evs, 2, "the receiver drops the second copy of the item/error event")
	assert.Equal(t, pluggy.WebhookEventItemUpdated, evs[0].Type)
	assert.Equal(t, &pluggy.ItemEvent{ItemID: testItemID, TriggeredBy: pluggy.TriggeredBySync}, evs[0].Payload)
	assert.Equal(t, pluggy.WebhookEventItemError, evs[1].Type)
	assert.Equal(t, "INVALID_CREDENTIALS", evs[1].Payload.(*pluggy.ItemEvent).Error.Code)
}

func TestFakeRedeliveryKeepsTheEventID(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	rc := newReceiver(t, srv)
	_, err := c.Webhooks.Create(context.Background(), &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventTransactionsCreated,
		URL: rc.URL, Headers: map[string]string{testHookHeader: testHookSecret}})
	require.NoError(t, err)
	payload := map[string]any{"itemId": testItemID, "accountId": "3a7f1e5c-8b2d-4c69-a0e4-6d1b9f3c7e28",
		"transactionsCreatedAtFrom": "2026-11-23T11:58:42.117Z", "createdTransactionsLink": "https://api.pluggy.ai/transactions?accountId=3a7f1e5c-8b2d-4c69-a0e4-6d1b9f3c7e28"}
	id := srv.SendWebhookEvent("transactions/created", payload)
	payload["eventId"] = id
	assert.Equal(t, id, srv.SendWebhookEvent("transactions/created", payload))
	ds := srv.Deliveries()
	require.Len(t, ds, 2)
	assert.True(t, ds[0].OK() && ds[1].OK())
	assert.Len(t, rc.events(t), 1)
}

func TestFakeDeliveryRetries(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, WithWebhookDelivery(time.Second, 3, 0))
	var calls atomic.Int32
	statuses := []int{http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusOK}
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.WriteHeader(statuses[min(int(n), len(statuses))-1])
	}))
	defer flaky.Close()
	var denied atomic.Int32
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		denied.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer refusing.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close()

	ctx := context.Background()
	for _, u := range []string{flaky.URL, refusing.URL, goneURL} {
		_, err := c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventConnectorStatusUpdated, URL: u})
		require.NoError(t, err)
	}
	srv.SendWebhookEvent("connector/status_updated", map[string]any{"data": map[string]any{"status": "OFFLINE"}})
	ds := srv.Deliveries()
	require.Len(t, ds, 3)
	assert.Equal(t, 3, ds[0].Attempts, "retried on 5xx until it worked")
	assert.True(t, ds[0].OK())
	assert.Equal(t, 1, ds[1].Attempts, "a 401 is not retried")
	assert.Equal(t, http.StatusUnauthorized, ds[1].StatusCode)
	assert.Equal(t, int32(1), denied.Load())
	assert.Equal(t, 3, ds[2].Attempts, "a dead URL is tried 3 times")
	assert.Zero(t, ds[2].StatusCode)
	assert.NotEmpty(t, ds[2].Err)
}

func TestFakeDeliveryOfABadPayload(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	id := srv.SendWebhookEvent("item/updated", map[string]any{"itemId": make(chan int)})
	ds := srv.Deliveries()
	require.Len(t, ds, 1)
	assert.Equal(t, id, ds[0].EventID)
	assert.Contains(t, ds[0].Err, "not JSON")
}

func TestFakeFlushWithNothingPending(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	srv.FlushWebhooks()
	assert.Empty(t, srv.Deliveries())
	srv.SendWebhookEvent("item/updated", map[string]any{"itemId": testItemID})
	assert.Empty(t, srv.Deliveries(), "no webhook registered, nothing delivered")
}

func TestFakeDeliversItemEventsToTheItemsWebhookURL(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, WithStepDuration(0))
	ctx := context.Background()
	var mu sync.Mutex
	var got []map[string]any
	var secretHeaders int
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		got = append(got, body)
		if r.Header.Get(testHookHeader) != "" {
			secretHeaders++
		}
		mu.Unlock()
	}))
	defer recv.Close()

	item, err := c.Items.Create(ctx, &pluggy.CreateItemParams{
		ConnectorID: ConnectorMFAOneStep, WebhookURL: recv.URL + "/item-hook",
		Parameters: map[string]string{"user": SandboxUser, "password": SandboxPassword, "token": SandboxToken},
	})
	require.NoError(t, err)
	for i := 0; i < 20; i++ {
		it, err := c.Items.Get(ctx, item.ID)
		require.NoError(t, err)
		if it.Status == pluggy.ItemStatusUpdated {
			break
		}
	}
	srv.FlushWebhooks()

	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, got, "the item's own events reach its webhookUrl")
	types := map[any]bool{}
	for _, b := range got {
		assert.Equal(t, item.ID, b["itemId"])
		assert.NotEmpty(t, b["eventId"])
		types[b["event"]] = true
	}
	assert.True(t, types["item/created"], "%v", types)
	assert.True(t, types["item/updated"], "%v", types)
	assert.Zero(t, secretHeaders, "an item's webhookUrl gets no custom headers")
	for _, d := range srv.Deliveries() {
		assert.Empty(t, d.WebhookID, "no registered webhook was involved")
		assert.Equal(t, recv.URL+"/item-hook", d.URL)
	}
}

func TestFakeNeverDeliversOffThisMachine(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	_, err := c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventAll, URL: "https://api.loja.com.br/webhooks/pluggy"})
	require.NoError(t, err)
	srv.SendWebhookEvent("item/updated", map[string]any{"itemId": testItemID, "triggeredBy": "SYNC"})
	srv.FlushWebhooks()
	ds := srv.Deliveries()
	require.Len(t, ds, 1)
	assert.Zero(t, ds[0].Attempts, "nothing was sent")
	assert.Contains(t, ds[0].Err, "loopback")
	assert.True(t, isLoopbackURL("http://127.0.0.1:8080/x"))
	assert.True(t, isLoopbackURL("http://localhost/x"))
	assert.True(t, isLoopbackURL("http://[::1]:9/x"))
	assert.False(t, isLoopbackURL("https://10.0.0.1/x"))
	assert.False(t, isLoopbackURL("ftp://127.0.0.1/x"))
}
