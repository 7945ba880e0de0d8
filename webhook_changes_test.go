package pluggy

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustEvent(t *testing.T, body string) Event {
	t.Helper()
	ev, err := ParseWebhookEvent([]byte(body))
	require.NoError(t, err)
	return *ev
}

func TestEventPaymentReadsTheEntity(t *testing.T) {
	c, mock := newTestClient(t)
	const rid, pid = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"
	routes := map[string][]byte{
		"/payments/intents/" + pid:                                      fixture(t, "payment-intent-retrieve", "200"),
		"/payments/requests/" + rid:                                     fixture(t, "payment-request-retrieve", "200"),
		"/payments/requests/" + rid + "/schedules":                      fixture(t, "payment-schedules-list", "200"),
		"/boletos/" + pid:                                               fixture(t, "boleto-get", "200"),
		"/payments/requests/" + rid + "/automatic-pix/schedules/" + pid: fixture(t, "payment-request-get-automatic-pix-schedule", "200"),
		"/smart-transfers/preauthorizations/" + pid:                     fixture(t, "smart-transfer-preauthorization-retrieve", "200"),
		"/smart-transfers/payments/" + pid:                              fixture(t, "smart-transfer-paymentretrieve", "200"),
	}
	for path, body := range routes {
		mock.RegisterResponder(http.MethodGet, u(path), jsonResponder(t, 200, body))
	}
	ctx := context.Background()
	cases := []struct {
		body  string
		check func(*EventPayment) bool
	}{
		{`{"event":"payment_intent/completed","eventId":"e1","paymentIntentId":"` + pid + `","paymentRequestId":"` + rid + `"}`,
			func(p *EventPayment) bool { return p.Intent != nil && p.Intent.ID != "" }},
		{`{"event":"payment_request/updated","eventId":"e2","paymentRequestId":"` + rid + `","data":{"status":"COMPLETED"}}`,
			func(p *EventPayment) bool { return p.Request != nil && p.Request.ID != "" }},
		{`{"event":"scheduled_payment/completed","eventId":"e3","paymentRequestId":"` + rid + `","scheduledPaymentId":"6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b"}`,
			func(p *EventPayment) bool {
				return p.Scheduled != nil && p.Scheduled.ID == "6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b"
			}},
		{`{"event":"scheduled_payment/all_completed","eventId":"e4","paymentRequestId":"` + rid + `"}`,
			func(p *EventPayment) bool { return p.Request != nil }},
		{`{"event":"boleto/updated","eventId":"e5","id":"` + pid + `","status":"PAID"}`,
			func(p *EventPayment) bool { return p.Boleto != nil }},
		{`{"event":"automatic_pix_payment/completed","eventId":"e6","automaticPixPaymentId":"` + pid + `","paymentRequestId":"` + rid + `"}`,
			func(p *EventPayment) bool { return p.AutomaticPix != nil }},
		{`{"event":"smart_transfer_preauthorization/completed","eventId":"e7","smartTransferPreauthorizationId":"` + pid + `"}`,
			func(p *EventPayment) bool { return p.Preauthorization != nil }},
		{`{"event":"smart_transfer_payment/completed","eventId":"e8","smartTransferPaymentId":"` + pid + `"}`,
			func(p *EventPayment) bool { return p.SmartTransfer != nil }},
	}
	for _, tc := range cases {
		ev := mustEvent(t, tc.body)
		p, err := c.Webhooks.EventPayment(ctx, ev)
		require.NoError(t, err, ev.Type)
		assert.True(t, tc.check(p), "%s: %+v", ev.Type, p)
		set := 0
		for _, f := range []bool{p.Intent != nil, p.Request != nil, p.Scheduled != nil, p.Boleto != nil,
			p.AutomaticPix != nil, p.Preauthorization != nil, p.SmartTransfer != nil} {
			if f {
				set++
			}
		}
		assert.Equal(t, 1, set, "%s: exactly one entity", ev.Type)
	}

	_, err := c.Webhooks.EventPayment(ctx, mustEvent(t, `{"event":"scheduled_payment/error","eventId":"e9","paymentRequestId":"`+rid+`","scheduledPaymentId":"0f0f0f0f-0c1d-4e2f-9a3b-4c5d6e7f8a9b"}`))
	assert.ErrorIs(t, err, ErrNotFound, "a scheduled payment its schedule does not list")

	before := mock.GetTotalCallCount()
	for _, body := range []string{
		`{"event":"item/updated","eventId":"x","itemId":"i"}`,
		`{"event":"payment_intent/created","eventId":"x"}`,
		`{"event":"automatic_pix_payment/created","eventId":"x","automaticPixPaymentId":"p"}`,
		`{"event":"new/thing","eventId":"x"}`,
	} {
		_, err := c.Webhooks.EventPayment(ctx, mustEvent(t, body))
		var pe *ArgumentError
		assert.True(t, errors.As(err, &pe), "%s: %v", body, err)
	}
	assert.Equal(t, before, mock.GetTotalCallCount(), "refused before any request")
}

func TestWhatChangedRefusesTheWrongEvent(t *testing.T) {
	c, mock := newTestClient(t)
	ctx := context.Background()
	item := mustEvent(t, `{"event":"item/updated","eventId":"x","itemId":"i"}`)
	created := mustEvent(t, `{"event":"transactions/created","eventId":"x","itemId":"i"}`)
	updatedNoAccount := mustEvent(t, `{"event":"transactions/updated","eventId":"x","itemId":"i","transactionIds":["a"]}`)
	deletedEmptyID := mustEvent(t, `{"event":"transactions/deleted","eventId":"x","itemId":"i","accountId":"a","transactionIds":["a",""]}`)
	badLink := mustEvent(t, `{"event":"transactions/created","eventId":"x","accountId":"a","createdTransactionsLink":"https://api.pluggy.ai/transactions?createdAtFrom=yesterday"}`)
	isParam := func(err error) bool {
		var pe *ArgumentError
		return errors.As(err, &pe)
	}
	first := func(seq func(func(Transaction, error) bool)) error {
		var got error
		seq(func(_ Transaction, err error) bool { got = err; return false })
		return got
	}
	assert.True(t, isParam(first(c.Webhooks.CreatedTransactions(ctx, item))))
	assert.True(t, isParam(first(c.Webhooks.CreatedTransactions(ctx, created))), "no account, no start")
	assert.True(t, isParam(first(c.Webhooks.CreatedTransactions(ctx, badLink))))
	assert.True(t, isParam(first(c.Webhooks.UpdatedTransactions(ctx, item))))
	assert.True(t, isParam(first(c.Webhooks.UpdatedTransactions(ctx, updatedNoAccount))))
	_, err := DeletedTransactionIDs(item)
	assert.True(t, isParam(err))
	_, err = DeletedTransactionIDs(deletedEmptyID)
	assert.True(t, isParam(err))
	_, err = c.Webhooks.EventItem(ctx, created)
	assert.True(t, isParam(err))
	_, err = c.Webhooks.EventItem(ctx, mustEvent(t, `{"event":"item/deleted","eventId":"x","itemId":"i"}`))
	assert.ErrorIs(t, err, ErrItemDeleted)
	_, err = c.Webhooks.EventItem(ctx, mustEvent(t, `{"event":"item/updated","eventId":"x"}`))
	assert.True(t, isParam(err), "no item id")
	assert.Zero(t, mock.GetTotalCallCount(), "nothing was requested")
}

func TestWhatChangedPassesRequestOptions(t *testing.T) {
	c, mock := newTestClient(t)
	const id = "9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37"
	var got string
	mock.RegisterResponder(http.MethodGet, u("/items/"+id), func(r *http.Request) (*http.Response, error) {
		got = r.Header.Get("X-Trace")
		return jsonResponder(t, 200, fixture(t, "items-retrieve", "200"))(r)
	})
	_, err := c.Webhooks.EventItem(context.Background(), mustEvent(t, `{"event":"item/updated","eventId":"x","itemId":"`+id+`"}`),
		WithHeader("X-Trace", "abc"))
	require.NoError(t, err)
	assert.Equal(t, "abc", got, "the per-call option reached the request")
}

// The account and start missing from a transactions/created event are
// read from its createdTransactionsLink, whose createdAtFrom may be a
// date-time or a date.
func TestCreatedQueryReadsTheLink(t *testing.T) {
	for from, want := range map[string]time.Time{
		"2026-11-23T11:58:42.117Z":  time.Date(2026, 11, 23, 11, 58, 42, 117e6, time.UTC),
		"2026-11-23T08:58:42-03:00": time.Date(2026, 11, 23, 11, 58, 42, 0, time.UTC),
		"2026-11-23":                time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
	} {
		ev := mustEvent(t, `{"event":"transactions/created","eventId":"x","itemId":"i",`+
			`"createdTransactionsLink":"https://api.pluggy.ai/transactions?accountId=acc-1&createdAtFrom=`+url.QueryEscape(from)+`"}`)
		account, got, err := createdQuery(ev)
		require.NoError(t, err, from)
		assert.Equal(t, "acc-1", account, from)
		assert.True(t, want.Equal(got), "%s: got %s", from, got)
	}
	ev := mustEvent(t, `{"event":"transactions/created","eventId":"x","accountId":"acc-2","transactionsCreatedAtFrom":"2026-11-20",`+
		`"createdTransactionsLink":"https://api.pluggy.ai/transactions?accountId=acc-1&createdAtFrom=2026-11-23"}`)
	account, got, err := createdQuery(ev)
	require.NoError(t, err)
	assert.Equal(t, "acc-2", account, "the event's own fields come first")
	assert.True(t, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC).Equal(got), got)
}
