package pluggy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const webhookTestSecret = "whsec-Q2hhdmUgc2VjcmV0YSBkYSBQbHVnZ3k"

func TestWebhooksCreate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodPost, "/webhooks", fixtureResponder(t, http.StatusCreated, "webhooks-create", "201"))

	wh, err := c.Webhooks.Create(context.Background(), &CreateWebhookParams{
		Event:   WebhookEventItemUpdated,
		URL:     "https://api.lojadamaria.com.br/pluggy/notificacoes",
		Headers: map[string]string{"X-Webhook-Secret": webhookTestSecret},
	})
	require.NoError(t, err)
	req, _ := rec.one(t)
	assertRequest(t, req, http.MethodPost, "/webhooks", nil)
	assert.JSONEq(t, `{
		"event":   "item/updated",
		"url":     "https://api.lojadamaria.com.br/pluggy/notificacoes",
		"headers": {"X-Webhook-Secret": "`+webhookTestSecret+`"}
	}`, rec.body(t))
	assert.Equal(t, "5b1e7c2a-94d3-4f0e-8a61-3c9d2f7b0e45", wh.ID)
	assert.Equal(t, WebhookEventItemUpdated, wh.Event)
	assert.True(t, wh.Enabled())
	assert.Equal(t, time.Date(2026, 11, 23, 12, 0, 1, 512e6, time.UTC), wh.CreatedAt)
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/webhooks")])
}

func TestWebhooksCreateWithoutHeadersOmitsThem(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodPost, "/webhooks", fixtureResponder(t, http.StatusCreated, "webhooks-create", "201"))
	_, err := c.Webhooks.Create(context.Background(), &CreateWebhookParams{Event: WebhookEventAll, URL: "http://127.0.0.1:8080/hook"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"event": "all", "url": "http://127.0.0.1:8080/hook"}`, rec.body(t))
}

func TestWebhooksCreateIsNotReplayedOn5xx(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/webhooks"), jsonResponder(t, 500, []byte(`{"code":500,"codeDescription":"INTERNAL_SERVER_ERROR","message":"Internal Server Error"}`)))
	_, err := c.Webhooks.Create(context.Background(), &CreateWebhookParams{Event: WebhookEventAll, URL: "https://example.com.br/h"})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/webhooks")], "a create that may have reached Pluggy is not replayed")
}

func TestWebhooksCreateIsReplayedOn429(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/webhooks"), httpmock.ResponderFromMultipleResponses([]*http.Response{
		httpmock.NewStringResponse(429, `{"code":429,"message":"Too Many Requests"}`),
		httpmock.NewStringResponse(201, string(fixture(t, "webhooks-create", "201"))),
	}))
	wh, err := c.Webhooks.Create(context.Background(), &CreateWebhookParams{Event: WebhookEventItemUpdated, URL: "https://example.com.br/h"})
	require.NoError(t, err)
	assert.Equal(t, "5b1e7c2a-94d3-4f0e-8a61-3c9d2f7b0e45", wh.ID)
	assert.Equal(t, 2, mock.GetCallCountInfo()["POST "+u("/webhooks")])
}

func TestWebhooksCreateRefused(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/webhooks"), fixtureResponder(t, 400, "webhooks-create", "400-exists"))
	_, err := c.Webhooks.Create(context.Background(), &CreateWebhookParams{Event: WebhookEventItemUpdated, URL: "https://api.lojadamaria.com.br/pluggy/notificacoes"})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "already exists")
	assert.Equal(t, "POST /webhooks", apiErr.Route)
}

func TestWebhooksCreateValidation(t *testing.T) {
	t.Parallel()
	ok := CreateWebhookParams{Event: WebhookEventItemUpdated, URL: "https://example.com.br/h"}
	with := func(f func(p *CreateWebhookParams)) *CreateWebhookParams { p := ok; f(&p); return &p }
	cases := []struct {
		name   string
		params *CreateWebhookParams
		param  string
	}{
		{"nil", nil, "params"},
		{"no event", with(func(p *CreateWebhookParams) { p.Event = "" }), "event"},
		{"malformed event", with(func(p *CreateWebhookParams) { p.Event = "Item Updated" }), "event"},
		{"event without name", with(func(p *CreateWebhookParams) { p.Event = "item/" }), "event"},
		{"no url", with(func(p *CreateWebhookParams) { p.URL = "" }), "url"},
		{"relative url", with(func(p *CreateWebhookParams) { p.URL = "/hooks" }), "url"},
		{"http url", with(func(p *CreateWebhookParams) { p.URL = "http://example.com.br/h" }), "url"},
		{"ftp url", with(func(p *CreateWebhookParams) { p.URL = "ftp://example.com.br/h" }), "url"},
		{"credentials in url", with(func(p *CreateWebhookParams) { p.URL = "https://user:" + webhookTestSecret + "@example.com.br/h" }), "url"},
		{"bad header name", with(func(p *CreateWebhookParams) { p.Headers = map[string]string{"X Secret": "v"} }), "headers"},
		{"empty header name", with(func(p *CreateWebhookParams) { p.Headers = map[string]string{"": "v"} }), "headers"},
		{"header value with newline", with(func(p *CreateWebhookParams) {
			p.Headers = map[string]string{"X-Secret": webhookTestSecret + "\r\nX-Evil: 1"}
		}), "headers"},
	}
	c, mock := newTestClient(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Webhooks.Create(context.Background(), tc.params)
			var pe *ArgumentError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.param, pe.Param)
			assert.ErrorIs(t, err, ErrInvalidArgument)
			assert.NotContains(t, err.Error(), webhookTestSecret, "no secret in errors")
		})
	}
	assert.Zero(t, mock.GetTotalCallCount(), "nothing is sent when the params are refused")
}

func TestWebhookURLRules(t *testing.T) {
	t.Parallel()
	accepted := []string{
		"https://example.com.br/hooks/pluggy",
		"https://example.com.br:8443/h?x=1",
		"HTTPS://EXAMPLE.COM.BR/h",
		"http://localhost:8080/h",
		"http://127.0.0.1:43117/webhooks",
		"http://[::1]:9000/h",
	}
	for _, raw := range accepted {
		assert.NoError(t, checkWebhookURL("url", raw, true), raw)
	}
	refused := []string{"http://example.com.br/h", "https:///h", "example.com.br/h", "https:example.com.br", "mailto:ops@example.com.br", "http://10.0.0.1/h", "https://u:p@example.com.br/h", "%zz"}
	for _, raw := range refused {
		assert.Error(t, checkWebhookURL("url", raw, true), raw)
	}
}

func TestWebhookEventRules(t *testing.T) {
	t.Parallel()
	for _, e := range WebhookEvents() {
		assert.NoError(t, checkWebhookEvent("event", e, true), e)
	}
	// A well-formed type this version does not know is let through.
	assert.NoError(t, checkWebhookEvent("event", "payment_refund/completed", true))
	for _, e := range []WebhookEventType{"ALL", "item", "item/Updated", "/updated", "item/updated/x", "item/up-dated", "item/ updated"} {
		assert.Error(t, checkWebhookEvent("event", e, true), e)
	}
	assert.NoError(t, checkWebhookEvent("event", "", false))
}

func TestWebhooksList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/webhooks"), fixtureResponder(t, 200, "webhooks-list", "200"))
	page, err := c.Webhooks.List(context.Background())
	require.NoError(t, err)
	require.Len(t, page.Results, 3)
	assert.Equal(t, 3, page.Total)
	assert.False(t, page.HasNext())
	assert.Equal(t, WebhookEventAll, page.Results[1].Event)
	assert.True(t, page.Results[1].Enabled())
	disabled := page.Results[2]
	assert.False(t, disabled.Enabled())
	require.NotNil(t, disabled.DisabledAt)
	assert.Equal(t, time.Date(2026, 11, 20, 3, 12, 9, 447e6, time.UTC), *disabled.DisabledAt)

	assertRoundTrip[Page[Webhook]](t, fixture(t, "webhooks-list", "200"))
	assertRoundTrip[Webhook](t, fixture(t, "webhooks-retrieve", "200"))
}

func TestWebhooksListEmptyAnswers204(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/webhooks"), httpmock.NewStringResponder(http.StatusNoContent, ""))
	page, err := c.Webhooks.List(context.Background())
	require.NoError(t, err)
	require.NotNil(t, page)
	assert.Empty(t, page.Results)
	assert.NotNil(t, page.Results, "an empty list, not nil")
	assert.False(t, page.HasNext())
}

func TestWebhooksGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/webhooks/c8f03d19-6a2b-4e7d-b5c4-81e9a0f6d273"), fixtureResponder(t, 200, "webhooks-retrieve", "200"))
	mock.RegisterResponder(http.MethodGet, u("/webhooks/0b0e0e0e-0000-4000-8000-000000000000"), fixtureResponder(t, 404, "webhooks-retrieve", "404"))

	wh, err := c.Webhooks.Get(context.Background(), "c8f03d19-6a2b-4e7d-b5c4-81e9a0f6d273")
	require.NoError(t, err)
	assert.Equal(t, "https://financeiro.contabilsantos.com.br/webhooks/pluggy", wh.URL)
	assert.Equal(t, time.Date(2026, 11, 1, 18, 40, 55, 301e6, time.UTC), wh.UpdatedAt)

	_, err = c.Webhooks.Get(context.Background(), "0b0e0e0e-0000-4000-8000-000000000000")
	assert.ErrorIs(t, err, ErrNotFound)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "WEBHOOK_NOT_FOUND", apiErr.CodeDescription)

	_, err = c.Webhooks.Get(context.Background(), " ")
	assert.ErrorIs(t, err, ErrInvalidArgument)
}

func TestWebhooksUpdate(t *testing.T) {
	t.Parallel()
	const id = "0e4a6b8d-2c1f-4a3e-9d7b-f5c2e8a1b604"
	cases := []struct {
		name   string
		params *UpdateWebhookParams
		want   string
	}{
		{"url and enable", &UpdateWebhookParams{URL: "https://pagamentos.padariapaulista.com.br/hooks/pix-v2", Enabled: Ptr(true)},
			`{"url":"https://pagamentos.padariapaulista.com.br/hooks/pix-v2","enabled":true}`},
		{"rotate secret", &UpdateWebhookParams{Headers: map[string]string{"X-Webhook-Secret": webhookTestSecret}},
			`{"headers":{"X-Webhook-Secret":"` + webhookTestSecret + `"}}`},
		{"clear headers", &UpdateWebhookParams{ClearHeaders: true}, `{"headers":null}`},
		{"event and disable", &UpdateWebhookParams{Event: WebhookEventAll, Enabled: Ptr(false)}, `{"event":"all","enabled":false}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mock := newTestClient(t)
			rec := on(mock, http.MethodPatch, "/webhooks/"+id, fixtureResponder(t, 200, "webhooks-update", "200"))
			wh, err := c.Webhooks.Update(context.Background(), id, tc.params)
			require.NoError(t, err)
			req, _ := rec.one(t)
			assertRequest(t, req, http.MethodPatch, "/webhooks/"+id, nil)
			assert.JSONEq(t, tc.want, rec.body(t))
			assert.Equal(t, "https://pagamentos.padariapaulista.com.br/hooks/pix-v2", wh.URL)
			assert.True(t, wh.Enabled())
		})
	}
}

func TestWebhooksUpdateErrors(t *testing.T) {
	t.Parallel()
	const id = "0e4a6b8d-2c1f-4a3e-9d7b-f5c2e8a1b604"
	c, mock := newTestClient(t)
	for _, tc := range []struct {
		id     string
		params *UpdateWebhookParams
		param  string
	}{
		{"", &UpdateWebhookParams{Enabled: Ptr(true)}, "id"},
		{id, nil, "params"},
		{id, &UpdateWebhookParams{}, "params"},
		{id, &UpdateWebhookParams{Headers: map[string]string{"X-A": "b"}, ClearHeaders: true}, "headers"},
		{id, &UpdateWebhookParams{URL: "http://example.com.br/h"}, "url"},
		{id, &UpdateWebhookParams{Event: "nope"}, "event"},
	} {
		_, err := c.Webhooks.Update(context.Background(), tc.id, tc.params)
		var pe *ArgumentError
		require.ErrorAs(t, err, &pe, "%v", tc.params)
		assert.Equal(t, tc.param, pe.Param)
	}
	assertNothingSent(t, mock)

	mock.RegisterResponder(http.MethodPatch, u("/webhooks/"+id), fixtureResponder(t, 400, "webhooks-update", "400"))
	_, err := c.Webhooks.Update(context.Background(), id, &UpdateWebhookParams{Event: WebhookEventPaymentRequestUpdated})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "maximum of 5 webhooks")

	mock.RegisterResponder(http.MethodPatch, u("/webhooks/missing"), fixtureResponder(t, 404, "webhooks-update", "404"))
	_, err = c.Webhooks.Update(context.Background(), "missing", &UpdateWebhookParams{Enabled: Ptr(true)})
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestWebhooksDelete(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodDelete, u("/webhooks/5b1e7c2a-94d3-4f0e-8a61-3c9d2f7b0e45"), fixtureResponder(t, 200, "webhooks-delete", "200"))
	mock.RegisterResponder(http.MethodDelete, u("/webhooks/gone"), fixtureResponder(t, 404, "webhooks-delete", "404"))
	err := c.Webhooks.Delete(context.Background(), "5b1e7c2a-94d3-4f0e-8a61-3c9d2f7b0e45")
	require.NoError(t, err)
	err = c.Webhooks.Delete(context.Background(), "gone")
	assert.ErrorIs(t, err, ErrNotFound)
	err = c.Webhooks.Delete(context.Background(), "")
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Equal(t, 2, mock.GetTotalCallCount()-mock.GetCallCountInfo()["POST "+u("/auth")])
}

func TestWebhookParamsHideHeaderValues(t *testing.T) {
	t.Parallel()
	create := CreateWebhookParams{Event: WebhookEventAll, URL: "https://example.com.br/h", Headers: map[string]string{"X-Webhook-Secret": webhookTestSecret}}
	update := UpdateWebhookParams{Headers: map[string]string{"X-Webhook-Secret": webhookTestSecret}, Enabled: Ptr(true)}
	for _, v := range []any{create, &create, update, &update} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, webhookTestSecret, verb)
			assert.Contains(t, out, "X-Webhook-Secret", verb)
		}
	}
}

// ----- Events -----

func TestWebhookEventsMatchTheSpec(t *testing.T) {
	t.Parallel()
	all := WebhookEvents()
	require.Len(t, all, 32)
	seen := map[WebhookEventType]bool{}
	for _, e := range all {
		assert.False(t, seen[e], "duplicate %s", e)
		seen[e] = true
		assert.True(t, e.Known())
	}
	assert.Equal(t, WebhookEventAll, all[0])
	assert.False(t, WebhookEventType("payment_refund/completed").Known())
	assert.Equal(t, "smart_transfer_payment", WebhookEventSmartTransferPaymentError.Topic())
	all[0] = "changed"
	assert.Equal(t, WebhookEventAll, WebhookEvents()[0], "WebhookEvents returns a copy")
}

// TestParseWebhookEventFixtures parses the fixture of every event type and
// checks the fields of its payload.
func TestParseWebhookEventFixtures(t *testing.T) {
	t.Parallel()
	const (
		clientID = "6f1c2a9e-3b7d-4c8e-9a15-2d4f6b8c0e13"
		itemID   = "9d2b4f61-7c3e-4a8b-b1d5-0e6f2a9c8d37"
		account  = "3a7f1e5c-8b2d-4c69-a0e4-6d1b9f3c7e28"
		request  = "e1c94b27-5d8a-4f3b-9e60-2a7d4c1b8f95"
		intent   = "47b0d3e8-1f6c-4a92-8d5e-c3a9b7f2e014"
		schedule = "b6e2a8f4-3d7c-4915-a0b8-5c1e9d4f2a63"
		autoPix  = "2f8c5e1a-9b4d-4e73-8a6f-d0c3b7e5a129"
		preauth  = "8a3d6f0b-2e9c-4b57-9f1a-e4c7b2d5a806"
		transfer = "d5f1b9c3-6a2e-4d08-b7c4-1e8a3f6d9b52"
		boleto   = "71c4e9a2-5f3b-4d86-a1e7-b9d2c6f0e438"
	)
	item := func(by TriggeredBy) func(*testing.T, EventPayload) {
		return func(t *testing.T, p EventPayload) {
			assert.Equal(t, &ItemEvent{ItemID: itemID, TriggeredBy: by}, p)
		}
	}
	intentEv := func(t *testing.T, p EventPayload) {
		assert.Equal(t, &PaymentIntentEvent{PaymentIntentID: intent, PaymentRequestID: request}, p)
	}
	scheduled := func(t *testing.T, p EventPayload) {
		assert.Equal(t, &ScheduledPaymentEvent{PaymentRequestID: request, ScheduledPaymentID: schedule}, p)
	}
	wholeSchedule := func(t *testing.T, p EventPayload) {
		assert.Equal(t, &ScheduledPaymentEvent{PaymentRequestID: request}, p)
	}
	pixEv := func(t *testing.T, p EventPayload) {
		assert.Equal(t, &AutomaticPixPaymentEvent{AutomaticPixPaymentID: autoPix, PaymentRequestID: request}, p)
	}
	checks := map[WebhookEventType]func(*testing.T, EventPayload){
		WebhookEventItemCreated: item(TriggeredByUser),
		WebhookEventItemUpdated: item(TriggeredBySync),
		WebhookEventItemError: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &ItemEvent{ItemID: itemID, TriggeredBy: TriggeredByClient, Error: &EventError{
				Code: "INVALID_CREDENTIALS", Message: "Usuário ou senha inválidos. Verifique suas credenciais do Banco do Brasil."}}, p)
		},
		WebhookEventItemDeleted:           item(TriggeredByClient),
		WebhookEventItemWaitingUserInput:  item(TriggeredByUser),
		WebhookEventItemWaitingUserAction: item(TriggeredByUser),
		WebhookEventItemLoginSucceeded:    item(TriggeredByInternal),
		WebhookEventConnectorStatusUpdated: func(t *testing.T, p EventPayload) {
			c, ok := p.(*ConnectorStatusEvent)
			require.True(t, ok)
			assert.Equal(t, ConnectorUnstable, c.Data.Status)
		},
		WebhookEventTransactionsCreated: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &TransactionsCreatedEvent{
				ItemID: itemID, AccountID: account,
				TransactionsCreatedAtFrom: time.Date(2026, 11, 23, 11, 58, 42, 117e6, time.UTC),
				CreatedTransactionsLink:   "https://api.pluggy.ai/transactions?accountId=" + account + "&createdAtFrom=2026-11-23T11:58:42.117Z",
			}, p)
		},
		WebhookEventTransactionsUpdated: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &TransactionsChangedEvent{ItemID: itemID, AccountID: account,
				TransactionIDs: []string{"0c3f8a1e-6b2d-4e95-a7c1-d9f4b2e6a830", "58e2b7d4-9a1c-4f63-b0e8-3c6d1f9a2b47"}}, p)
		},
		WebhookEventTransactionsDeleted: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &TransactionsChangedEvent{ItemID: itemID, AccountID: account,
				TransactionIDs: []string{"b41d7e3a-5f9c-4a28-8e6b-2d0c9f5a1e74"}}, p)
		},
		WebhookEventPaymentIntentCreated:                   intentEv,
		WebhookEventPaymentIntentCompleted:                 intentEv,
		WebhookEventPaymentIntentWaitingPayerAuthorization: intentEv,
		WebhookEventPaymentIntentError: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &PaymentIntentEvent{PaymentIntentID: intent, PaymentRequestID: request,
				Error: &EventError{Code: "PAYMENT_REJECTED", Message: "Pagamento rejeitado pela instituição: saldo insuficiente."}}, p)
		},
		WebhookEventPaymentRequestUpdated: func(t *testing.T, p EventPayload) {
			r, ok := p.(*PaymentRequestEvent)
			require.True(t, ok)
			assert.Equal(t, request, r.PaymentRequestID)
			assert.Equal(t, PaymentRequestCompleted, r.Data.Status)
		},
		WebhookEventScheduledPaymentCreated:   scheduled,
		WebhookEventScheduledPaymentCompleted: scheduled,
		WebhookEventScheduledPaymentError: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &ScheduledPaymentEvent{PaymentRequestID: request, ScheduledPaymentID: schedule,
				Error: &EventError{Code: "INSUFFICIENT_FUNDS", Message: "Saldo insuficiente na data agendada (05/12/2026)."}}, p)
		},
		WebhookEventScheduledPaymentCanceled:     scheduled,
		WebhookEventScheduledPaymentAllCompleted: wholeSchedule,
		WebhookEventScheduledPaymentAllCreated:   wholeSchedule,
		WebhookEventBoletoUpdated: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &BoletoEvent{BoletoID: boleto, Status: IssuedBoletoPaid}, p)
		},
		WebhookEventAutomaticPixPaymentCreated: pixEv,
		WebhookEventAutomaticPixPaymentCompleted: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &AutomaticPixPaymentEvent{AutomaticPixPaymentID: autoPix, PaymentRequestID: request,
				EndToEndID: "E60701190202611231200Xk3p9Qa7Lm2"}, p)
		},
		WebhookEventAutomaticPixPaymentError: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &AutomaticPixPaymentEvent{AutomaticPixPaymentID: autoPix, PaymentRequestID: request,
				Error: &EventError{Code: "PAYMENT_REJECTED", Message: "Pagamento recusado pelo banco do pagador."}}, p)
		},
		WebhookEventAutomaticPixPaymentCanceled: pixEv,
		WebhookEventSmartTransferPreauthorizationCompleted: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &SmartTransferPreauthorizationEvent{SmartTransferPreauthorizationID: preauth, Status: SmartTransferPreauthorizationCompleted}, p)
		},
		WebhookEventSmartTransferPreauthorizationError: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &SmartTransferPreauthorizationEvent{SmartTransferPreauthorizationID: preauth, Status: SmartTransferPreauthorizationError,
				Error: &EventError{Code: "CONSENT_REJECTED", Description: "O pagador recusou o consentimento",
					Detail: "Consentimento recusado no aplicativo do Itaú."}}, p)
		},
		WebhookEventSmartTransferPaymentCompleted: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &SmartTransferPaymentEvent{SmartTransferPaymentID: transfer, SmartTransferPreauthorizationID: preauth,
				Status: SmartTransferPaymentCompleted}, p)
		},
		WebhookEventSmartTransferPaymentError: func(t *testing.T, p EventPayload) {
			assert.Equal(t, &SmartTransferPaymentEvent{SmartTransferPaymentID: transfer, SmartTransferPreauthorizationID: preauth,
				Status: SmartTransferPaymentError, Error: &EventError{Code: "PAYMENT_REJECTED", Description: "Pagamento rejeitado",
					Detail: "Limite diário de transferências excedido na conta de origem."}}, p)
		},
	}
	entities := map[string]string{"item": itemID, "transactions": itemID, "payment_intent": intent, "payment_request": request,
		"automatic_pix_payment": autoPix, "smart_transfer_preauthorization": preauth, "smart_transfer_payment": transfer,
		"boleto": boleto, "connector": "201"}

	for _, typ := range WebhookEvents()[1:] {
		t.Run(string(typ), func(t *testing.T) {
			check, ok := checks[typ]
			require.True(t, ok, "no check for %s", typ)
			raw := webhookFixture(t, string(typ))
			ev, err := ParseWebhookEvent(raw)
			require.NoError(t, err)
			assert.Equal(t, typ, ev.Type)
			assert.Len(t, ev.EventID, 36)
			if typ != WebhookEventConnectorStatusUpdated {
				assert.Equal(t, clientID, ev.ClientID)
			}
			if want, ok := entities[typ.Topic()]; ok {
				assert.Equal(t, want, ev.ID)
			}
			assert.JSONEq(t, string(raw), string(ev.Raw))
			check(t, ev.Payload)
			assert.IsType(t, newEventPayload(typ), ev.Payload)
		})
	}
	assert.Len(t, checks, 31)

	// Every fixture is an event type this test knows (or the unknown one).
	files, err := filepath.Glob(filepath.Join("testdata", "webhooks", "*.json"))
	require.NoError(t, err)
	assert.Len(t, files, 32)
}

func TestParseWebhookEventUnknownType(t *testing.T) {
	t.Parallel()
	raw := webhookFixture(t, "unknown_type")
	ev, err := ParseWebhookEvent(raw)
	require.NoError(t, err)
	assert.Equal(t, WebhookEventType("payment_refund/completed"), ev.Type)
	assert.False(t, ev.Type.Known())
	assert.Equal(t, "4d0a6c2e-8f3b-4b71-9e5d-a1c7e3f9b608", ev.EventID)
	assert.Equal(t, "e7b3d9f5-2a8c-4e14-b6f0-3c9e5a1d7b42", ev.ID)
	u, ok := ev.Payload.(*UnknownEvent)
	require.True(t, ok)
	assert.JSONEq(t, `"e7b3d9f5-2a8c-4e14-b6f0-3c9e5a1d7b42"`, string(u.Fields["paymentRefundId"]))

	var own struct {
		PaymentRefundID  string `json:"paymentRefundId"`
		PaymentRequestID string `json:"paymentRequestId"`
	}
	require.NoError(t, ev.Decode(&own))
	assert.Equal(t, "e7b3d9f5-2a8c-4e14-b6f0-3c9e5a1d7b42", own.PaymentRefundID)
	assert.Equal(t, "payment_refund/completed (eventId 4d0a6c2e-8f3b-4b71-9e5d-a1c7e3f9b608)", ev.String())
}

// TestParseWebhookEventStatusesAreTyped: the statuses of event payloads
// are the enum types of the entities they report, and a value this version
// does not list still decodes, as is.
func TestParseWebhookEventStatusesAreTyped(t *testing.T) {
	t.Parallel()
	parse := func(body string) EventPayload {
		t.Helper()
		ev, err := ParseWebhookEvent([]byte(body))
		require.NoError(t, err)
		return ev.Payload
	}
	c := parse(`{"event":"connector/status_updated","eventId":"e1","id":"0","data":{"status":"OFFLINE"}}`).(*ConnectorStatusEvent)
	assert.Equal(t, ConnectorOffline, c.Data.Status)
	c = parse(`{"event":"connector/status_updated","eventId":"e2","id":"0","data":{"status":"MAINTENANCE"}}`).(*ConnectorStatusEvent)
	assert.Equal(t, ConnectorHealthStatus("MAINTENANCE"), c.Data.Status)

	r := parse(`{"event":"payment_request/updated","eventId":"e3","paymentRequestId":"r","data":{"status":"WAITING_PAYER_AUTHORIZATION"}}`).(*PaymentRequestEvent)
	assert.Equal(t, PaymentRequestWaitingPayerAuthorization, r.Data.Status)
	r = parse(`{"event":"payment_request/updated","eventId":"e4","paymentRequestId":"r","data":{"status":"PARTIALLY_REFUNDED"}}`).(*PaymentRequestEvent)
	assert.Equal(t, PaymentRequestStatus("PARTIALLY_REFUNDED"), r.Data.Status)

	b := parse(`{"event":"boleto/updated","eventId":"e5","boletoId":"b","status":"OVERDUE"}`).(*BoletoEvent)
	assert.Equal(t, IssuedBoletoOverdue, b.Status)
	b = parse(`{"event":"boleto/updated","eventId":"e6","boletoId":"b","status":"PARTIALLY_PAID"}`).(*BoletoEvent)
	assert.Equal(t, IssuedBoletoStatus("PARTIALLY_PAID"), b.Status)

	pa := parse(`{"event":"smart_transfer_preauthorization/error","eventId":"e7","smartTransferPreauthorizationId":"p","status":"REJECTED"}`).(*SmartTransferPreauthorizationEvent)
	assert.Equal(t, SmartTransferPreauthorizationRejected, pa.Status)
	pa = parse(`{"event":"smart_transfer_preauthorization/completed","eventId":"e8","smartTransferPreauthorizationId":"p","status":"SUSPENDED"}`).(*SmartTransferPreauthorizationEvent)
	assert.Equal(t, SmartTransferPreauthorizationStatus("SUSPENDED"), pa.Status)

	py := parse(`{"event":"smart_transfer_payment/error","eventId":"e9","smartTransferPaymentId":"s","status":"PAYMENT_REJECTED"}`).(*SmartTransferPaymentEvent)
	assert.Equal(t, SmartTransferPaymentRejected, py.Status)
	assert.True(t, py.Status.IsFinal())
	py = parse(`{"event":"smart_transfer_payment/completed","eventId":"e10","smartTransferPaymentId":"s","status":"PAYMENT_RETURNED"}`).(*SmartTransferPaymentEvent)
	assert.Equal(t, SmartTransferPaymentStatus("PAYMENT_RETURNED"), py.Status)
	assert.False(t, py.Status.IsFinal())

	// A missing status stays the zero value.
	b = parse(`{"event":"boleto/updated","eventId":"e11","boletoId":"b"}`).(*BoletoEvent)
	assert.Empty(t, b.Status)
}

func TestParseWebhookEventKeepsItsOwnCopy(t *testing.T) {
	t.Parallel()
	raw := append([]byte(nil), webhookFixture(t, "item/updated")...)
	ev, err := ParseWebhookEvent(raw)
	require.NoError(t, err)
	for i := range raw {
		raw[i] = 'x'
	}
	assert.True(t, json.Valid(ev.Raw))
	assert.Contains(t, string(ev.Raw), "item/updated")
}

func TestParseWebhookEventLenientValues(t *testing.T) {
	t.Parallel()
	ev, err := ParseWebhookEvent([]byte(`{"event":"transactions/created","eventId":"e","itemId":"i","accountId":"a","transactionsCreatedAtFrom":"2026-11-23"}`))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), ev.Payload.(*TransactionsCreatedEvent).TransactionsCreatedAtFrom)

	// null where a string is expected, and fields this version does not model.
	ev, err = ParseWebhookEvent([]byte(` {"event":"item/updated","eventId":"e","clientId":null,"itemId":"i","triggeredBy":null,"error":null,"extra":{"a":[1,2]}} `))
	require.NoError(t, err)
	assert.Equal(t, &ItemEvent{ItemID: "i"}, ev.Payload)
	assert.Empty(t, ev.ClientID)

	// An event without eventId still parses (the handler then cannot dedupe it).
	ev, err = ParseWebhookEvent([]byte(`{"event":"connector/status_updated","id":"0","data":{"status":"ONLINE"}}`))
	require.NoError(t, err)
	assert.Empty(t, ev.EventID)
}

func TestParseWebhookEventErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		``, ` `, `null`, `[]`, `"item/updated"`, `42`, `{`, `{"event":"item/updated"`,
		`{}`, `{"eventId":"e"}`, `{"event":""}`, `{"event":"  "}`, `{"event":null}`, `{"event":7}`,
		`{"event":"item/updated","eventId":12}`,
		`{"event":"item/updated","clientId":{"a":1}}`,
		`{"event":"item/updated","id":["x"]}`,
		`{"event":"item/updated","itemId":12}`,
		`{"event":"item/error","itemId":"i","error":"boom"}`,
		`{"event":"transactions/deleted","transactionIds":"t1,t2"}`,
		`{"event":"transactions/created","transactionsCreatedAtFrom":"ontem"}`,
		`{"event":"transactions/created","transactionsCreatedAtFrom":17}`,
		`{"event":"connector/status_updated","data":"ONLINE"}`,
		`{"event":"item/updated"} trailing`,
		`{"event":"item/updated"}{"event":"item/updated"}`,
		"{\"event\":\"item/updated\",\"itemId\":\"\xff\"",
	} {
		ev, err := ParseWebhookEvent([]byte(body))
		assert.ErrorIs(t, err, ErrInvalidEvent, "%q", body)
		assert.Nil(t, ev, "%q", body)
	}
}

// FuzzParseWebhookEvent checks that no body makes the parser panic and that
// what it accepts is consistent. Its seeds (every fixture under
// testdata/webhooks plus the cases below) run in plain go test; `make fuzz`
// explores further.
func FuzzParseWebhookEvent(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "webhooks", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed fixtures: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		``, `{}`, `null`, `{"event":"all"}`, `{"event":"item/error","error":{"code":1}}`,
		`{"event":"transactions/created","transactionsCreatedAtFrom":"2026-02-30"}`,
		`{"event":"x","event":"item/updated","itemId":"\u0000"}`,
		`{"event":"payment_request/updated","data":null}`,
		`{"event":"transactions/updated","transactionIds":[null,"a"]}`,
		"{\"event\":\"\xc3\x28\"}",
		`{"event":"item/updated","itemId":"` + strings.Repeat("9", 4096) + `"}`,
		strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseWebhookEvent(body)
		if err != nil {
			if !errors.Is(err, ErrInvalidEvent) || ev != nil {
				t.Fatalf("error %v does not match ErrInvalidEvent, or came with an event", err)
			}
			return
		}
		if ev.Type == "" || ev.Payload == nil {
			t.Fatalf("accepted event without type or payload: %+v", ev)
		}
		if !bytes.Equal(ev.Raw, bytes.TrimSpace(body)) {
			t.Fatal("Raw is not the body")
		}
		want := newEventPayload(ev.Type)
		if want == nil {
			want = &UnknownEvent{}
		}
		if reflect.TypeOf(ev.Payload) != reflect.TypeOf(want) {
			t.Fatalf("payload %T for %q", ev.Payload, ev.Type)
		}
		_ = ev.String()
	})
}

func BenchmarkParseWebhookEvent(b *testing.B) {
	raw := webhookFixture(b, "transactions/updated")
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ParseWebhookEvent(raw); err != nil {
			b.Fatal(err)
		}
	}
}
