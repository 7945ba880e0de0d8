package pluggytest

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

func TestDeleteTransactions(t *testing.T) {
	h := newBankHarness(t, WithTransactionsPerAccount(700))
	itemID, bank, card := h.connected(ConnectorOpenFinance)
	before, _ := h.sweep(url.Values{"accountId": {bank}})
	require.Len(t, before, 700)
	// Around the cursor's page boundary (500), the first and the last.
	var gone []string
	for _, i := range []int{0, 499, 500, 501, 577, 699} {
		gone = append(gone, str(before[i], "id"))
	}
	cardTx, _ := h.sweep(url.Values{"accountId": {card}})
	gone = append(gone, str(cardTx[3], "id"))

	require.NoError(t, h.srv.DeleteTransactions(append(gone, gone[0])...))
	evs := h.eventsOf("transactions/deleted")
	require.Len(t, evs, 2, "one event per account")
	assert.Equal(t, map[string]any{"itemId": itemID, "accountId": bank, "transactionIds": gone[:6]}, evs[0].Payload)
	assert.Equal(t, map[string]any{"itemId": itemID, "accountId": card, "transactionIds": gone[6:]}, evs[1].Payload)

	deleted := map[string]bool{}
	for _, id := range gone {
		deleted[id] = true
	}
	var want []map[string]any
	for _, tx := range before {
		if !deleted[str(tx, "id")] {
			want = append(want, tx)
		}
	}
	after, pages := h.sweep(url.Values{"accountId": {bank}})
	assert.Equal(t, want, after, "the cursor skips deleted transactions and nothing else")
	assert.Equal(t, 2, pages)

	// The page-numbered list agrees: totals and every page.
	var paged []map[string]any
	for page := 1; ; page++ {
		var p txPage
		h.doInto("GET /transactions", nil, url.Values{"accountId": {bank}, "pageSize": {"100"}, "page": {strconv.Itoa(page)}}, nil, &p)
		assert.Equal(t, 694, p.Total)
		assert.Equal(t, 7, p.TotalPages)
		paged = append(paged, p.Results...)
		if page >= p.TotalPages {
			break
		}
	}
	assert.Equal(t, want, paged)

	e := h.fail("GET /transactions/{id}", []string{gone[1]}, nil, nil)
	assert.Equal(t, http.StatusNotFound, e.StatusCode)
	var byIDs txPage
	h.doInto("GET /v2/transactions", nil, url.Values{"accountId": {bank}, "ids": {gone[1] + "," + str(before[2], "id")}}, nil, &byIDs)
	require.Len(t, byIDs.Results, 1, "a deleted id is not listed by ids either")
	assert.Equal(t, str(before[2], "id"), str(byIDs.Results[0], "id"))

	assert.Error(t, h.srv.DeleteTransactions("0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"), "an unknown id")
	assert.Error(t, h.srv.DeleteTransactions())
	require.NoError(t, h.srv.DeleteTransactions(gone[0]))
	assert.Len(t, h.eventsOf("transactions/deleted"), 2, "deleting a deleted transaction announces nothing")
}

func TestSetConnectorStatus(t *testing.T) {
	srv, c := newFake(t)
	rc := newReceiver(t, srv)
	_, err := c.Webhooks.Create(context.Background(), &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventConnectorStatusUpdated,
		URL: rc.URL, Headers: map[string]string{testHookHeader: testHookSecret}})
	require.NoError(t, err)
	require.NoError(t, srv.SetConnectorStatus(ConnectorOpenFinance, ConnectorUnstable))
	assert.Error(t, srv.SetConnectorStatus(ConnectorOpenFinance, "DOWN"))
	assert.Error(t, srv.SetConnectorStatus(987654, ConnectorOffline))

	conn, err := c.Connectors.Get(context.Background(), ConnectorOpenFinance, nil)
	require.NoError(t, err)
	require.NotNil(t, conn.Health)
	require.NotNil(t, conn.Health.Status)
	assert.Equal(t, pluggy.ConnectorHealthStatus("UNSTABLE"), *conn.Health.Status)

	srv.FlushWebhooks() // deliveries are asynchronous
	evs := rc.events(t)
	require.Len(t, evs, 1)
	assert.Equal(t, pluggy.WebhookEventConnectorStatusUpdated, evs[0].Type)
	assert.Empty(t, evs[0].ClientID, "Pluggy sends it without a clientId")
	assert.Equal(t, strconv.Itoa(ConnectorOpenFinance), evs[0].ID)
	assert.Equal(t, pluggy.ConnectorHealthStatus("UNSTABLE"), evs[0].Payload.(*pluggy.ConnectorStatusEvent).Data.Status)
}
