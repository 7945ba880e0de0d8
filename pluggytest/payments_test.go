package pluggytest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

var payStart = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) // 09:00 in Brasília

const (
	payerCPF   = "12345678909"
	itauInstID = "8f2b6c1d-3e4a-4b5c-9d6e-7f8a9b0c1d2e"
)

// payEvents collects the events a server emits.
type payEvents struct {
	mu  sync.Mutex
	got []Event
}

func (e *payEvents) types() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, len(e.got))
	for i, ev := range e.got {
		out[i] = ev.Type
	}
	return out
}

func (e *payEvents) of(typ string) []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Event
	for _, ev := range e.got {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// newPayFake starts a fake with a frozen clock and a client whose clock is
// the server's, and collects its events.
func newPayFake(t *testing.T, opts ...Option) (*Server, *pluggy.Client, *payEvents) {
	t.Helper()
	srv := NewServer(append([]Option{WithoutRateLimit(), WithStartTime(payStart)}, opts...)...)
	t.Cleanup(srv.Close)
	evs := &payEvents{}
	srv.onEvent(func(ev Event) {
		evs.mu.Lock()
		evs.got = append(evs.got, ev)
		evs.mu.Unlock()
	})
	c, err := srv.Client(pluggy.WithClock(srv), pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	return srv, c, evs
}

func payDate(t *testing.T, s string) pluggy.Date {
	d, err := pluggy.ParseDate(s)
	require.NoError(t, err)
	return d
}

func newRecipient(t *testing.T, c *pluggy.Client) *pluggy.PaymentRecipient {
	t.Helper()
	rc, err := c.Payments.Recipients.Create(context.Background(), &pluggy.CreatePaymentRecipientParams{
		TaxNumber: "12.345.678/0001-95", Name: "Padaria Pão de Mel Ltda", PaymentInstitutionID: itauInstID,
		Account: &pluggy.PaymentRecipientAccount{Branch: "0341", Number: "45678-9", Type: pluggy.RecipientAccountChecking},
	})
	require.NoError(t, err)
	return rc
}

func TestFakeInstitutionsAndRecipients(t *testing.T) {
	t.Parallel()
	_, c, _ := newPayFake(t)
	ctx := context.Background()

	var tradeNames []string
	for in, err := range c.Payments.Recipients.AllInstitutions(ctx, &pluggy.PaymentInstitutionListParams{PageSize: 3}) {
		require.NoError(t, err)
		tradeNames = append(tradeNames, in.TradeName)
	}
	assert.Len(t, tradeNames, 8)
	assert.Contains(t, tradeNames, "Nubank")
	page, err := c.Payments.Recipients.ListInstitutions(ctx, &pluggy.PaymentInstitutionListParams{Name: "itaú"})
	require.NoError(t, err)
	require.Len(t, page.Results, 1)
	assert.Equal(t, "60701190", page.Results[0].ISPB)
	in, err := c.Payments.Recipients.GetInstitution(ctx, itauInstID)
	require.NoError(t, err)
	assert.Equal(t, "341", *in.Compe)
	_, err = c.Payments.Recipients.GetInstitution(ctx, "00000000-0000-4000-8000-000000000000")
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	first := newRecipient(t, c)
	assert.Equal(t, "12345678000195", first.TaxNumber)
	assert.True(t, first.IsDefault, "the first recipient becomes the default")
	assert.Equal(t, "Itaú", first.PaymentInstitution.TradeName)
	byKey, err := c.Payments.Recipients.Create(ctx, &pluggy.CreatePaymentRecipientParams{PixKey: "mariana.ribeiro@exemplo.com.br", IsDefault: pluggy.Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, "mariana.ribeiro@exemplo.com.br", *byKey.PixKey)
	assert.True(t, byKey.IsDefault)

	got, err := c.Payments.Recipients.Get(ctx, first.ID)
	require.NoError(t, err)
	assert.False(t, got.IsDefault, "only one default recipient")

	list, err := c.Payments.Recipients.List(ctx, &pluggy.PaymentRecipientListParams{IsDefault: pluggy.Ptr(true)})
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	assert.Equal(t, byKey.ID, list.Results[0].ID)
	list, err = c.Payments.Recipients.List(ctx, &pluggy.PaymentRecipientListParams{TaxNumber: "12.345.678/0001-95"})
	require.NoError(t, err)
	require.Len(t, list.Results, 1)

	upd, err := c.Payments.Recipients.Update(ctx, first.ID, &pluggy.UpdatePaymentRecipientParams{Name: "Padaria Pão de Mel Filial", PaymentInstitutionID: "2c7d9e1f-5a6b-4c8d-8e9f-0a1b2c3d4e5f"})
	require.NoError(t, err)
	assert.Equal(t, "Padaria Pão de Mel Filial", upd.Name)
	assert.Equal(t, "18236120", upd.PaymentInstitution.ISPB)

	_, err = c.Payments.Recipients.Create(ctx, &pluggy.CreatePaymentRecipientParams{
		TaxNumber: "12345678909", Name: "X", PaymentInstitutionID: "00000000-0000-4000-8000-000000000000",
		Account: &pluggy.PaymentRecipientAccount{Branch: "1", Number: "2", Type: pluggy.RecipientAccountChecking},
	})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)

	require.NoError(t, c.Payments.Recipients.Delete(ctx, first.ID))
	_, err = c.Payments.Recipients.Get(ctx, first.ID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
	assert.True(t, errors.Is(c.Payments.Recipients.Delete(ctx, first.ID), pluggy.ErrNotFound))
}

func TestFakeCustomers(t *testing.T) {
	t.Parallel()
	srv, c, _ := newPayFake(t)
	ctx := context.Background()
	cu, err := c.Payments.Customers.Create(ctx, &pluggy.CreatePaymentCustomerParams{
		Type: pluggy.PaymentCustomerIndividual, Name: "João Pedro Almeida", Email: "joao.almeida@exemplo.com.br", CPF: "123.456.789-09", ConnectorID: pluggy.Ptr(612),
	})
	require.NoError(t, err)
	assert.Equal(t, payerCPF, *cu.CPF)
	assert.Equal(t, "Nubank", *cu.Connector.Name)
	var sent map[string]any
	require.NoError(t, json.Unmarshal(srv.RequestsTo("POST /payments/customers")[0].Body, &sent))
	assert.Equal(t, payerCPF, sent["cpf"], "the client sends digits")

	biz, err := c.Payments.Customers.Create(ctx, &pluggy.CreatePaymentCustomerParams{Type: pluggy.PaymentCustomerBusiness, Name: "Oficina Boa Viagem", CNPJ: "12.345.678/0001-95"})
	require.NoError(t, err)
	assert.Nil(t, biz.Connector)

	page, err := c.Payments.Customers.List(ctx, &pluggy.PaymentCustomerListParams{CPF: "123.456.789-09"})
	require.NoError(t, err)
	require.Len(t, page.Results, 1)
	assert.Equal(t, cu.ID, page.Results[0].ID)
	n := 0
	for _, err := range c.Payments.Customers.All(ctx, &pluggy.PaymentCustomerListParams{PageSize: 1}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)

	up, err := c.Payments.Customers.Update(ctx, cu.ID, &pluggy.UpdatePaymentCustomerParams{Email: "joao.pedro@exemplo.com.br"})
	require.NoError(t, err)
	assert.Equal(t, "joao.pedro@exemplo.com.br", *up.Email)
	assert.Equal(t, "João Pedro Almeida", up.Name)
	require.NoError(t, c.Payments.Customers.Delete(ctx, biz.ID))
	_, err = c.Payments.Customers.Get(ctx, biz.ID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
}

func TestFakePaymentIntentCompletesPerPoll(t *testing.T) {
	t.Parallel()
	_, c, evs := newPayFake(t)
	ctx := context.Background()
	rc := newRecipient(t, c)
	pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{
		Amount: pluggy.DecimalFromFloat(10.10), Description: "Pedido #4521", ClientPaymentID: "pedido-4521",
		CallbackURLs: &pluggy.PaymentCallbackURLs{Success: "https://loja.paodemel.com.br/ok"},
	})
	require.NoError(t, err)
	assert.Equal(t, "10.1", pr.Amount.String(), "10.10 through a float arrives as 10.1")
	assert.Equal(t, rc.ID, *pr.Recipient.ID, "the default recipient")
	assert.Equal(t, pluggy.PaymentRequestCreated, pr.Status)
	assert.Equal(t, "https://pay.pluggy.ai/"+pr.ID, pr.PaymentURL)

	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{
		PaymentRequestID: pr.ID, ConnectorID: pluggy.Ptr(601), Parameters: &pluggy.PaymentIntentParameters{CPF: "123.456.789-09", Name: "João"},
	})
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentStarted, pi.Status)
	assert.Equal(t, pluggy.PaymentRequestInProgress, pi.PaymentRequest.Status)
	assert.Equal(t, "Itaú", *pi.Connector.Name)

	var seen []pluggy.PaymentIntentStatus
	final, err := c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, func(p *pluggy.PaymentIntent) { seen = append(seen, p.Status) })
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentPaymentCompleted, final.Status)
	assert.Equal(t, []pluggy.PaymentIntentStatus{"CONSENT_AWAITING_AUTHORIZATION", "CONSENT_AUTHORIZED", "PAYMENT_PENDING", "PAYMENT_SETTLEMENT_PROCESSING", "PAYMENT_COMPLETED"}, seen)
	assert.Equal(t, pluggy.PaymentRequestCompleted, final.PaymentRequest.Status)
	assert.Equal(t, "***.456.789-**", *final.Debtor.TaxNumber)
	assert.NotEmpty(t, *final.ReferenceID)

	got, err := c.Payments.Requests.Get(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestCompleted, got.Status)
	list, err := c.Payments.Intents.List(ctx, pr.ID)
	require.NoError(t, err)
	require.Len(t, list.Results, 1)

	assert.Equal(t, []string{
		"payment_intent/created", "payment_request/updated",
		"payment_intent/waiting_payer_authorization", "payment_request/updated",
		"payment_request/updated",
		"payment_intent/completed", "payment_request/updated",
	}, evs.types())
	done := evs.of("payment_intent/completed")[0]
	assert.Equal(t, pi.ID, done.Payload["paymentIntentId"])
	assert.Equal(t, pr.ID, done.Payload["paymentRequestId"])
	last := evs.of("payment_request/updated")
	assert.Equal(t, map[string]any{"status": "COMPLETED"}, last[len(last)-1].Payload["data"])

	// A paid request takes no other intent.
	_, err = c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF}})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "PAYMENT_REQUEST_ALREADY_IN_PROGRESS", apiErr.CodeDescription)
}

func TestFakePaymentIntentMovesOnTheClock(t *testing.T) {
	t.Parallel()
	srv, c, _ := newPayFake(t, WithPaymentSteps(time.Second))
	ctx := context.Background()
	newRecipient(t, c)
	pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("250.00")})
	require.NoError(t, err)
	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF}})
	require.NoError(t, err)

	srv.Advance(1500 * time.Millisecond)
	got, err := c.Payments.Requests.Get(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestWaitingPayerAuthorization, got.Status)

	srv.Advance(time.Minute)
	list, err := c.Payments.Intents.List(ctx, pr.ID) // lists do not count as polls
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentPaymentCompleted, list.Results[0].Status)
	assert.Equal(t, pi.ID, list.Results[0].ID)
	assert.Equal(t, "250.00", list.Results[0].PaymentRequest.Amount.String(), "the amount keeps its digits")
}

// The clock alone moves payments on: Advance emits the events of the steps
// it passed, with no payment request read in between, as it does for items.
func TestFakePaymentsMoveOnAdvanceWithoutARead(t *testing.T) {
	t.Parallel()
	srv, c, evs := newPayFake(t, WithPaymentSteps(time.Second))
	ctx := context.Background()
	newRecipient(t, c)
	pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("250.00")})
	require.NoError(t, err)
	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF}})
	require.NoError(t, err)
	require.Empty(t, evs.of("payment_intent/completed"))

	srv.Advance(time.Minute)
	done := evs.of("payment_intent/completed")
	require.Len(t, done, 1, "the intent completed on the clock and said so")
	assert.Equal(t, pi.ID, done[0].Payload["paymentIntentId"])
	assert.Equal(t, pr.ID, done[0].Payload["paymentRequestId"])

	got, err := c.Payments.Requests.Get(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestCompleted, got.Status)
	assert.Len(t, evs.of("payment_intent/completed"), 1, "the read that follows announces nothing twice")
}

func TestFakePaymentIntentRejections(t *testing.T) {
	t.Parallel()
	srv, c, evs := newPayFake(t)
	ctx := context.Background()
	newRecipient(t, c)
	srv.RejectPayments(payerCPF, "SALDO_INSUFICIENTE")
	srv.RejectPayments("98765432100", "REJEITADO_USUARIO")

	run := func(cpf string) *pluggy.PaymentIntent {
		pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("99.90")})
		require.NoError(t, err)
		pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: cpf}})
		require.NoError(t, err)
		final, err := c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, nil)
		require.NoError(t, err)
		return final
	}
	pi := run(payerCPF)
	assert.Equal(t, pluggy.PaymentIntentPaymentRejected, pi.Status)
	assert.True(t, pi.Status.IsFailure())
	assert.Equal(t, pluggy.PaymentIntentErrInsufficientBalance, pi.ErrorDetail.Code)
	assert.Equal(t, pluggy.PaymentRequestError, pi.PaymentRequest.Status)
	assert.Equal(t, "SALDO_INSUFICIENTE", *pi.PaymentRequest.ErrorDetail.Code)
	errEv := evs.of("payment_intent/error")
	require.Len(t, errEv, 1)
	assert.Equal(t, pi.ID, errEv[0].Payload["paymentIntentId"])

	pi = run("98765432100")
	assert.Equal(t, pluggy.PaymentIntentConsentRejected, pi.Status)
	assert.Equal(t, pluggy.PaymentIntentErrRejectedByUser, pi.ErrorDetail.Code)

	// A failed request can be tried again by another payer.
	srv.RejectPayments(payerCPF, "")
	next, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pi.PaymentRequest.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF}})
	require.NoError(t, err)
	final, err := c.Payments.Intents.Wait(ctx, next.ID, time.Millisecond, nil)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentPaymentCompleted, final.Status)
}

func TestFakePixQRPaymentRequest(t *testing.T) {
	t.Parallel()
	_, c, _ := newPayFake(t)
	ctx := context.Background()
	qr := payPixQR("150.00", "Padaria Pao de Mel", "b3c0f6a2-4d1e-4f7a-9c2b-8e5d7a1f3c64")
	pr, err := c.Payments.Requests.CreatePixQR(ctx, &pluggy.CreatePixQRPaymentRequestParams{PixQRCode: qr, IsSandbox: pluggy.Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, "150.00", pr.Amount.String())
	assert.Equal(t, pluggy.RecipientTypePixQRCode, pr.Recipient.Type)
	assert.Equal(t, "Padaria Pao de Mel", *pr.Recipient.Name)
	assert.Equal(t, qr, *pr.PixQRCode)

	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, PaymentMethod: pluggy.PaymentIntentMethodPIX})
	require.NoError(t, err)
	assert.Equal(t, qr, pi.PixData.Value)
	final, err := c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, nil)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentPaymentCompleted, final.Status)

	_, err = c.Payments.Requests.CreatePixQR(ctx, &pluggy.CreatePixQRPaymentRequestParams{PixQRCode: qr[:len(qr)-1] + "0"})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "INVALID_PIX_QR_CODE", apiErr.CodeDescription)
}

func TestFakeRequestsListUpdateDelete(t *testing.T) {
	t.Parallel()
	_, c, _ := newPayFake(t)
	ctx := context.Background()
	newRecipient(t, c)
	cu, err := c.Payments.Customers.Create(ctx, &pluggy.CreatePaymentCustomerParams{Type: pluggy.PaymentCustomerIndividual, Name: "Ana", CPF: payerCPF, Email: "ana@exemplo.com.br"})
	require.NoError(t, err)
	var ids []string
	for i := 0; i < 3; i++ {
		pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.DecimalFromCents(int64(1000 + i)), CustomerID: cu.ID})
		require.NoError(t, err)
		ids = append(ids, pr.ID)
	}
	_, err = c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("5")})
	require.NoError(t, err)

	var got []string
	for pr, err := range c.Payments.Requests.All(ctx, &pluggy.PaymentRequestListParams{PageSize: 2, Customer: "ana@exemplo.com.br", From: payDate(t, "2026-11-23"), Status: pluggy.PaymentRequestCreated}) {
		require.NoError(t, err)
		got = append(got, pr.ID)
	}
	assert.Equal(t, ids, got)
	page, err := c.Payments.Requests.List(ctx, &pluggy.PaymentRequestListParams{To: payDate(t, "2026-11-22")})
	require.NoError(t, err)
	assert.Empty(t, page.Results)

	up, err := c.Payments.Requests.Update(ctx, ids[0], &pluggy.UpdatePaymentRequestParams{Amount: pluggy.MustDecimal("175.30"), Description: "Com entrega"})
	require.NoError(t, err)
	assert.Equal(t, "175.30", up.Amount.String())
	assert.Equal(t, "Com entrega", *up.Description)

	require.NoError(t, c.Payments.Requests.Delete(ctx, ids[0]))
	_, err = c.Payments.Requests.Get(ctx, ids[0])
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
}

func TestFakeScheduledPayments(t *testing.T) {
	t.Parallel()
	srv, c, evs := newPayFake(t)
	ctx := context.Background()
	newRecipient(t, c)
	pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{
		Amount: pluggy.MustDecimal("89.90"), Description: "Mensalidade academia",
		Schedule: &pluggy.MonthlySchedule{StartDate: payDate(t, "2026-12-01"), DayOfMonth: 10, Occurrences: 3},
	})
	require.NoError(t, err)
	m, ok := pr.Schedule.(*pluggy.MonthlySchedule)
	require.True(t, ok)
	assert.Equal(t, 10, m.DayOfMonth)

	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF}})
	require.NoError(t, err)
	final, err := c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, nil)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentConsentAuthorized, final.Status, "a scheduled request's intent stops at the consent")
	assert.Equal(t, pluggy.PaymentRequestScheduled, final.PaymentRequest.Status)

	sched, err := c.Payments.Schedules.List(ctx, pr.ID)
	require.NoError(t, err)
	require.Len(t, sched.Results, 3)
	var dates []string
	for _, sp := range sched.Results {
		dates = append(dates, sp.ScheduledDate.String())
		assert.Equal(t, pluggy.SchedulePaymentScheduled, sp.Status)
	}
	assert.Equal(t, []string{"2026-12-10", "2027-01-10", "2027-02-10"}, dates)
	assert.Len(t, evs.of("scheduled_payment/created"), 3)
	assert.Len(t, evs.of("scheduled_payment/all_created"), 1)
	assert.Equal(t, sched.Results[0].ID, evs.of("scheduled_payment/created")[0].Payload["scheduledPaymentId"])

	require.NoError(t, c.Payments.Schedules.Cancel(ctx, pr.ID, sched.Results[1].ID))
	canceled := evs.of("scheduled_payment/canceled")
	require.Len(t, canceled, 1)
	assert.Equal(t, sched.Results[1].ID, canceled[0].Payload["scheduledPaymentId"])
	err = c.Payments.Schedules.Cancel(ctx, pr.ID, sched.Results[1].ID)
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)

	srv.Advance(20 * 24 * time.Hour) // 2026-12-13
	sched, err = c.Payments.Schedules.List(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.SchedulePaymentCompleted, sched.Results[0].Status)
	assert.NotEmpty(t, *sched.Results[0].EndToEndID)
	assert.Equal(t, pluggy.SchedulePaymentCanceled, sched.Results[1].Status)
	assert.Equal(t, pluggy.SchedulePaymentScheduled, sched.Results[2].Status)
	assert.Equal(t, sched.Results[0].ID, evs.of("scheduled_payment/completed")[0].Payload["scheduledPaymentId"])

	require.NoError(t, c.Payments.Schedules.CancelAll(ctx, pr.ID))
	got, err := c.Payments.Requests.Get(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestCanceled, got.Status)
	assert.Len(t, evs.of("scheduled_payment/canceled"), 2)
	require.ErrorAs(t, c.Payments.Schedules.CancelAll(ctx, pr.ID), &apiErr)
}

func TestFakeScheduledPaymentsAllComplete(t *testing.T) {
	t.Parallel()
	srv, c, evs := newPayFake(t)
	ctx := context.Background()
	newRecipient(t, c)
	pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{
		Amount:   pluggy.MustDecimal("30"),
		Schedule: &pluggy.CustomSchedule{PaymentDates: []pluggy.Date{payDate(t, "2026-11-24"), payDate(t, "2026-11-25")}},
	})
	require.NoError(t, err)
	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF}})
	require.NoError(t, err)
	_, err = c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, nil)
	require.NoError(t, err)
	srv.Advance(3 * 24 * time.Hour)
	got, err := c.Payments.Requests.Get(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestCompleted, got.Status)
	assert.Len(t, evs.of("scheduled_payment/completed"), 2)
	assert.Len(t, evs.of("scheduled_payment/all_completed"), 1)
}

// The consent's amounts: each must be a number above 0, fixedAmount goes
// alone, and the request echoes the ones sent, digits kept.
func TestFakeAutomaticPixAmounts(t *testing.T) {
	t.Parallel()
	_, c, _ := newPayFake(t)
	ctx := context.Background()
	rc := newRecipient(t, c)
	base := func(amounts map[string]any) map[string]any {
		body := map[string]any{"recipientId": rc.ID, "interval": "MONTHLY", "startDate": "2026-12-10"}
		for k, v := range amounts {
			body[k] = v
		}
		return body
	}
	for _, tc := range []struct {
		amounts map[string]any
		want    string
	}{
		{map[string]any{"fixedAmount": 0}, "fixedAmount must be greater than 0"},
		{map[string]any{"minimumVariableAmount": -1}, "minimumVariableAmount must be greater than 0"},
		{map[string]any{"minimumVariableAmount": 5, "maximumVariableAmount": 0}, "maximumVariableAmount must be greater than 0"},
		{map[string]any{"fixedAmount": 10, "maximumVariableAmount": 20}, "fixedAmount cannot be sent with minimumVariableAmount or maximumVariableAmount"},
	} {
		var out map[string]any
		err := c.Do(ctx, "POST /payments/requests/automatic-pix", nil, nil, base(tc.amounts), &out)
		var apiErr *pluggy.Error
		require.ErrorAs(t, err, &apiErr, tc.amounts)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode, tc.amounts)
		assert.Equal(t, "INVALID_AUTOMATIC_PIX", apiErr.CodeDescription, tc.amounts)
		assert.Equal(t, tc.want, apiErr.Message, tc.amounts)
	}

	var out struct {
		AutomaticPix map[string]json.RawMessage `json:"automaticPix"`
	}
	require.NoError(t, c.Do(ctx, "POST /payments/requests/automatic-pix", nil, nil,
		base(map[string]any{"minimumVariableAmount": json.Number("10.50"), "maximumVariableAmount": json.Number("99.90")}), &out))
	assert.Equal(t, "10.50", string(out.AutomaticPix["minimumVariableAmount"]))
	assert.Equal(t, "99.90", string(out.AutomaticPix["maximumVariableAmount"]))
	assert.NotContains(t, out.AutomaticPix, "fixedAmount")
}

func TestFakeAutomaticPix(t *testing.T) {
	t.Parallel()
	srv, c, evs := newPayFake(t)
	ctx := context.Background()
	rc := newRecipient(t, c)
	pr, err := c.Payments.AutomaticPix.Create(ctx, &pluggy.CreateAutomaticPixParams{
		FixedAmount: pluggy.MustDecimal("59.90"), Description: "Plano Família", StartDate: payDate(t, "2026-12-10"),
		IsRetryAccepted: pluggy.Ptr(true), Interval: pluggy.AutomaticPixMonthly, RecipientID: rc.ID,
		FirstPayment: &pluggy.AutomaticPixFirstPaymentParams{Amount: pluggy.MustDecimal("59.90"), Description: "Primeira mensalidade"},
	})
	require.NoError(t, err)
	assert.True(t, pr.Amount.IsZero())
	require.NotNil(t, pr.AutomaticPix)
	assert.Equal(t, "59.90", pr.AutomaticPix.FixedAmount.String())
	assert.Equal(t, time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), pr.AutomaticPix.StartDate)

	_, err = c.Payments.AutomaticPix.SchedulePayment(ctx, pr.ID, &pluggy.ScheduleAutomaticPixParams{Amount: pluggy.MustDecimal("59.90"), Date: payDate(t, "2026-11-26")})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "AUTOMATIC_PIX_NOT_AUTHORIZED", apiErr.CodeDescription)

	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF, Name: "João Pedro Almeida"}})
	require.NoError(t, err)
	final, err := c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, nil)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentConsentAuthorized, final.Status)
	assert.Equal(t, pluggy.PaymentRequestAuthorized, final.PaymentRequest.Status)

	list, err := c.Payments.AutomaticPix.ListPayments(ctx, pr.ID)
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	first := list.Results[0]
	assert.True(t, *first.IsFirstPayment)
	assert.Equal(t, pluggy.AutomaticPixPaymentCompleted, first.Status)
	assert.Equal(t, pluggy.AutomaticPixAttemptCompleted, first.Attempts[0].Status)

	_, err = c.Payments.AutomaticPix.SchedulePayment(ctx, pr.ID, &pluggy.ScheduleAutomaticPixParams{Amount: pluggy.MustDecimal("60.00"), Date: payDate(t, "2026-11-26")})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "PAGAMENTO_DIVERGENTE_CONSENTIMENTO", apiErr.CodeDescription)
	_, err = c.Payments.AutomaticPix.SchedulePayment(ctx, pr.ID, &pluggy.ScheduleAutomaticPixParams{Amount: pluggy.MustDecimal("59.90"), Date: payDate(t, "2026-11-24")})
	require.ErrorAs(t, err, &apiErr, "D+1 is too soon")

	p1, err := c.Payments.AutomaticPix.SchedulePayment(ctx, pr.ID, &pluggy.ScheduleAutomaticPixParams{Amount: pluggy.MustDecimal("59.90"), Date: payDate(t, "2026-11-26"), Description: "Mensalidade dezembro"})
	require.NoError(t, err)
	assert.Equal(t, pluggy.AutomaticPixPaymentCreated, p1.Status)
	p2, err := c.Payments.AutomaticPix.SchedulePayment(ctx, pr.ID, &pluggy.ScheduleAutomaticPixParams{Amount: pluggy.MustDecimal("59.90"), Date: payDate(t, "2026-12-01")})
	require.NoError(t, err)
	detail, err := c.Payments.AutomaticPix.GetPayment(ctx, pr.ID, p1.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.AutomaticPixPaymentScheduled, detail.Status)
	assert.True(t, detail.ScheduledStatusReached)

	require.NoError(t, c.Payments.AutomaticPix.CancelPayment(ctx, pr.ID, p2.ID))
	require.ErrorAs(t, c.Payments.AutomaticPix.CancelPayment(ctx, pr.ID, p2.ID), &apiErr)

	// The payer's balance runs out: the payment fails on its date, and is retried.
	srv.RejectPayments(payerCPF, "SALDO_INSUFICIENTE")
	srv.Advance(3 * 24 * time.Hour) // 2026-11-26
	detail, err = c.Payments.AutomaticPix.GetPayment(ctx, pr.ID, p1.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.AutomaticPixPaymentError, detail.Status)
	assert.Equal(t, pluggy.AutomaticPixErrInsufficientBalance, detail.ErrorDetail.Code)
	assert.Len(t, evs.of("automatic_pix_payment/error"), 1)

	srv.RejectPayments(payerCPF, "")
	require.ErrorAs(t, c.Payments.AutomaticPix.RetryPayment(ctx, pr.ID, p1.ID, payDate(t, "2026-12-10")), &apiErr, "outside the 7-day window")
	require.NoError(t, c.Payments.AutomaticPix.RetryPayment(ctx, pr.ID, p1.ID, payDate(t, "2026-11-28")))
	srv.Advance(2 * 24 * time.Hour)
	detail, err = c.Payments.AutomaticPix.GetPayment(ctx, pr.ID, p1.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.AutomaticPixPaymentCompleted, detail.Status)
	require.Len(t, detail.Attempts, 2)
	assert.Equal(t, pluggy.AutomaticPixAttemptError, detail.Attempts[0].Status)
	assert.Equal(t, pluggy.AutomaticPixAttemptCompleted, detail.Attempts[1].Status)
	done := evs.of("automatic_pix_payment/completed")
	assert.Equal(t, p1.ID, done[len(done)-1].Payload["automaticPixPaymentId"])

	require.NoError(t, c.Payments.AutomaticPix.CancelAuthorization(ctx, pr.ID))
	got, err := c.Payments.Requests.Get(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestCanceled, got.Status)
	require.ErrorAs(t, c.Payments.AutomaticPix.CancelAuthorization(ctx, pr.ID), &apiErr)
}

func TestFakeSmartTransfers(t *testing.T) {
	t.Parallel()
	_, c, evs := newPayFake(t)
	ctx := context.Background()
	rc := newRecipient(t, c)
	other, err := c.Payments.Recipients.Create(ctx, &pluggy.CreatePaymentRecipientParams{PixKey: "motorista@exemplo.com.br"})
	require.NoError(t, err)

	pa, err := c.Payments.SmartTransfers.CreatePreauthorization(ctx, &pluggy.CreateSmartTransferPreauthorizationParams{
		ConnectorID: 601, Parameters: pluggy.SmartTransferPreauthorizationParameters{CPF: "123.456.789-09"},
		RecipientIDs: []string{rc.ID}, ClientPreauthorizationID: "repasse-2026",
		Configuration: &pluggy.SmartTransferConfiguration{TransactionLimit: pluggy.MustDecimal("2500.00")},
	})
	require.NoError(t, err)
	assert.Equal(t, pluggy.SmartTransferPreauthorizationCreated, pa.Status)
	assert.Equal(t, "2500.00", pa.Configuration.TransactionLimit.String())
	assert.Len(t, pa.Recipients, 1)

	pay := &pluggy.CreateSmartTransferPaymentParams{PreauthorizationID: pa.ID, RecipientID: rc.ID, Amount: pluggy.MustDecimal("1250.35")}
	_, err = c.Payments.SmartTransfers.CreatePayment(ctx, pay)
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "PREAUTHORIZATION_NOT_COMPLETED", apiErr.CodeDescription)

	_, err = c.Payments.SmartTransfers.GetPreauthorization(ctx, pa.ID)
	require.NoError(t, err)
	pa, err = c.Payments.SmartTransfers.GetPreauthorization(ctx, pa.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.SmartTransferPreauthorizationCompleted, pa.Status)
	assert.Len(t, evs.of("smart_transfer_preauthorization/completed"), 1)

	_, err = c.Payments.SmartTransfers.CreatePayment(ctx, &pluggy.CreateSmartTransferPaymentParams{PreauthorizationID: pa.ID, RecipientID: other.ID, Amount: pluggy.MustDecimal("10")})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "RECIPIENT_NOT_PREAUTHORIZED", apiErr.CodeDescription)
	_, err = c.Payments.SmartTransfers.CreatePayment(ctx, &pluggy.CreateSmartTransferPaymentParams{PreauthorizationID: pa.ID, RecipientID: rc.ID, Amount: pluggy.MustDecimal("2500.01")})
	require.ErrorAs(t, err, &apiErr)

	p, err := c.Payments.SmartTransfers.CreatePayment(ctx, pay)
	require.NoError(t, err)
	assert.Equal(t, pluggy.SmartTransferPaymentPending, p.Status)
	assert.Equal(t, "1250.35", p.Amount.String())
	_, err = c.Payments.SmartTransfers.GetPayment(ctx, p.ID)
	require.NoError(t, err)
	p, err = c.Payments.SmartTransfers.GetPayment(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.SmartTransferPaymentCompleted, p.Status)
	assert.Equal(t, p.ID, evs.of("smart_transfer_payment/completed")[0].Payload["smartTransferPaymentId"])

	n := 0
	for sp, err := range c.Payments.SmartTransfers.AllPayments(ctx, pa.ID, &pluggy.SmartTransferPaymentListParams{From: payDate(t, "2026-11-23")}) {
		require.NoError(t, err)
		assert.Equal(t, pa.ID, sp.PreauthorizationID)
		n++
	}
	assert.Equal(t, 1, n)
	pages, err := c.Payments.SmartTransfers.ListPreauthorizations(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, pages.Total)
}

func TestFakeBoletos(t *testing.T) {
	t.Parallel()
	srv, c, evs := newPayFake(t)
	ctx := context.Background()
	conn, err := c.Payments.Boletos.CreateConnection(ctx, &pluggy.CreateBoletoConnectionParams{ConnectorID: 225, Credentials: map[string]string{"clientId": "id", "clientSecret": "segredo"}})
	require.NoError(t, err)
	assert.Equal(t, 225, conn.ConnectorID)
	fromItem, err := c.Payments.Boletos.CreateConnectionFromItem(ctx, "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40")
	require.NoError(t, err)
	assert.NotEqual(t, conn.ID, fromItem.ID)

	params := func() *pluggy.CreateBoletoParams {
		return &pluggy.CreateBoletoParams{BoletoConnectionID: conn.ID, Boleto: pluggy.BoletoParams{
			SeuNumero: "NF-10234", Amount: pluggy.MustDecimal("349.90"), DueDate: time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC),
			Payer: pluggy.BoletoPayerParams{TaxNumber: "123.456.789-09", Name: "João Pedro Almeida", AddressState: "RJ", AddressZipCode: "22240-003"},
			Fine:  &pluggy.BoletoFine{Value: pluggy.MustDecimal("2"), Type: pluggy.BoletoFinePercentage},
		}}
	}
	b, err := c.Payments.Boletos.Create(ctx, params())
	require.NoError(t, err)
	assert.Equal(t, pluggy.IssuedBoletoOpen, b.Status)
	assert.Equal(t, "349.90", b.Amount.String())
	assert.Equal(t, "12345678909", b.Payer.TaxNumber)
	assert.Equal(t, "22240003", b.Payer.AddressZipCode)
	assert.NotEmpty(t, b.DigitableLine)
	assert.NotEmpty(t, b.Barcode)
	_, ok := payParsePixQR(*b.PixQR)
	assert.True(t, ok, "the boleto's PIX QR is a valid BR Code")

	require.NoError(t, srv.PayBoleto(b.ID, "PIX"))
	got, err := c.Payments.Boletos.Get(ctx, b.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.IssuedBoletoPaid, got.Status)
	assert.Equal(t, "349.90", got.AmountPaid.String())
	assert.Equal(t, pluggy.BoletoPaidByPix, *got.PaymentOrigin)
	_, err = c.Payments.Boletos.Cancel(ctx, b.ID)
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "BOLETO_NOT_CANCELABLE", apiErr.CodeDescription)

	b2, err := c.Payments.Boletos.Create(ctx, params())
	require.NoError(t, err)
	canceled, err := c.Payments.Boletos.Cancel(ctx, b2.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.IssuedBoletoCancelled, canceled.Status)

	b3, err := c.Payments.Boletos.Create(ctx, params())
	require.NoError(t, err)
	srv.Advance(30 * 24 * time.Hour)
	got, err = c.Payments.Boletos.Get(ctx, b3.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.IssuedBoletoOverdue, got.Status)
	assert.Len(t, evs.of("boleto/updated"), 3)
	assert.Error(t, srv.PayBoleto(b2.ID, "PIX"))
	assert.Error(t, srv.PayBoleto("nope", "PIX"))
	err = srv.PayBoleto(b3.ID, "pix")
	require.Error(t, err, "an origin Pluggy does not send")
	assert.Contains(t, err.Error(), `"pix" is not PIX or BOLETO`)
	got, err = c.Payments.Boletos.Get(ctx, b3.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.IssuedBoletoOverdue, got.Status, "a refused origin pays nothing")
	require.NoError(t, srv.PayBoleto(b3.ID, "BOLETO"))
}

// PayBoleto moves the payments on to the server's time first, as every
// payment request does, and emits what that move produced even when it then
// refuses the boleto.
func TestFakePayBoletoEmitsWhatTheClockMoved(t *testing.T) {
	t.Parallel()
	srv, c, evs := newPayFake(t)
	ctx := context.Background()
	conn, err := c.Payments.Boletos.CreateConnection(ctx, &pluggy.CreateBoletoConnectionParams{ConnectorID: 225, Credentials: map[string]string{"clientId": "id", "clientSecret": "segredo"}})
	require.NoError(t, err)
	params := &pluggy.CreateBoletoParams{BoletoConnectionID: conn.ID, Boleto: pluggy.BoletoParams{
		SeuNumero: "NF-1", Amount: pluggy.MustDecimal("10.00"), DueDate: payStart.AddDate(0, 0, 3),
		Payer: pluggy.BoletoPayerParams{TaxNumber: payerCPF, Name: "João", AddressState: "RJ", AddressZipCode: "22240-003"}}}
	open, err := c.Payments.Boletos.Create(ctx, params)
	require.NoError(t, err)
	canceled, err := c.Payments.Boletos.Create(ctx, params)
	require.NoError(t, err)
	_, err = c.Payments.Boletos.Cancel(ctx, canceled.ID)
	require.NoError(t, err)

	srv.Advance(10 * 24 * time.Hour) // past the open one's due date
	err = srv.PayBoleto(canceled.ID, "PIX")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "CANCELLED")
	assert.Contains(t, err.Error(), "OPEN or OVERDUE", "the error says which boletos can be paid")
	var overdue []any
	for _, ev := range evs.of("boleto/updated") {
		if ev.Payload["boletoId"] == open.ID {
			overdue = append(overdue, ev.Payload["status"])
		}
	}
	assert.Equal(t, []any{"OVERDUE"}, overdue, "the open boleto's move to OVERDUE is announced without another request")
}

// A handler that panics under the payments' or the bank's lock (net/http
// recovers it) leaves the lock released: the fake goes on answering.
func TestFakeLocksSurviveAPanickingHandler(t *testing.T) {
	t.Parallel()
	srv, c, _ := newPayFake(t)
	srv.payRoute("GET /pluggytest/panic-in-payments", func(*payState, time.Time, http.ResponseWriter, *http.Request) {
		panic("a bug in a payments handler")
	})
	srv.handle("GET /pluggytest/panic-in-bank", func(http.ResponseWriter, *http.Request) {
		srv.withBank(func(*bankState, time.Time) { panic("a bug in a bank handler") })
	})
	noRetry, err := srv.Client(pluggy.WithClock(srv), pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithRetries(0))
	require.NoError(t, err)
	for _, route := range []string{"GET /pluggytest/panic-in-payments", "GET /pluggytest/panic-in-bank"} {
		var out map[string]any
		assert.Error(t, noRetry.Do(context.Background(), route, nil, nil, nil, &out), route)
	}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := c.Payments.Customers.List(ctx, nil); err != nil {
			done <- err
			return
		}
		_, err := c.Accounts.List(ctx, "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40", nil)
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err, "the payments and the bank still answer")
	case <-time.After(30 * time.Second):
		t.Fatal("the fake's locks stayed held after a handler panicked")
	}
}

// A page number far past the end is an empty page, whatever its size:
// page × pageSize overflowing int neither panics nor leaves the payments
// locked for the requests after it.
func TestFakePaymentListPageFarPastTheEnd(t *testing.T) {
	t.Parallel()
	_, c, _ := newPayFake(t)
	_, err := c.Payments.Customers.Create(context.Background(), &pluggy.CreatePaymentCustomerParams{Type: pluggy.PaymentCustomerIndividual, Name: "Ana", CPF: payerCPF})
	require.NoError(t, err)
	for _, page := range []string{"18446744073709553", "9223372036854775807", "2"} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var out struct {
			Page    int              `json:"page"`
			Total   int              `json:"total"`
			Results []map[string]any `json:"results"`
		}
		err := c.Do(ctx, "GET /payments/customers", nil, map[string][]string{"page": {page}}, nil, &out)
		cancel()
		require.NoError(t, err, "page %s", page)
		assert.Equal(t, 1, out.Total, "page %s", page)
		assert.Empty(t, out.Results, "page %s", page)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := c.Payments.Customers.List(ctx, nil)
	require.NoError(t, err, "the payments still answer")
	assert.Len(t, list.Results, 1)
}

func TestFakePaymentRetryPolicy(t *testing.T) {
	t.Parallel()
	srv, c, _ := newPayFake(t)
	ctx := context.Background()
	newRecipient(t, c)

	// A 5xx on a creating POST is not replayed: the server may have acted.
	srv.Fail("POST /payments/requests", 1, Status(http.StatusBadGateway))
	_, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("10")})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
	assert.Len(t, srv.RequestsTo("POST /payments/requests"), 1)

	// A dropped connection on a cancel is not replayed either.
	srv.Fail("POST /payments/requests/{id}/schedules/cancel", 1, Reset())
	err = c.Payments.Schedules.CancelAll(ctx, "d1b2c3a4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")
	var reqErr *pluggy.RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Len(t, srv.RequestsTo("POST /payments/requests/{id}/schedules/cancel"), 1)

	// A 429 means the server did not act: the POST is retried.
	srv.Fail("POST /payments/requests", 1, TooManyRequests(0))
	pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("10")})
	require.NoError(t, err)
	assert.Len(t, srv.RequestsTo("POST /payments/requests"), 3)
	page, err := c.Payments.Requests.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, page.Total, "one request created in all")

	// A 5xx on a GET is retried.
	srv.Fail("GET /payments/requests/{id}", 2, Status(http.StatusServiceUnavailable))
	got, err := c.Payments.Requests.Get(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pr.ID, got.ID)
	assert.Len(t, srv.RequestsTo("GET /payments/requests/{id}"), 3)
}

func TestFakePaymentValidation(t *testing.T) {
	t.Parallel()
	srv, c, _ := newPayFake(t)
	ctx := context.Background()
	// No recipient at all: Pluggy needs a default one.
	_, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("10")})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "PAYMENT_RECIPIENT_REQUIRED", apiErr.CodeDescription)
	_, err = c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: "00000000-0000-4000-8000-000000000000", Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF}})
	require.ErrorAs(t, err, &apiErr)
	_, err = c.Payments.Intents.Get(ctx, "00000000-0000-4000-8000-000000000000")
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
	// What the client refuses never reaches the server.
	_, err = c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("-1")})
	assert.ErrorIs(t, err, pluggy.ErrInvalidArgument)
	assert.Len(t, srv.RequestsTo("POST /payments/requests"), 1)
}

func TestPayScheduleDatesMatchTheClient(t *testing.T) {
	t.Parallel()
	for _, s := range []pluggy.Schedule{
		&pluggy.SingleSchedule{Date: payDate(t, "2026-12-15")},
		&pluggy.DailySchedule{StartDate: payDate(t, "2026-12-30"), Occurrences: 4},
		&pluggy.WeeklySchedule{StartDate: payDate(t, "2026-12-01"), DayOfWeek: pluggy.DayOfWeekFriday, Occurrences: 5},
		&pluggy.MonthlySchedule{StartDate: payDate(t, "2027-01-31"), DayOfMonth: 30, Occurrences: 4},
		&pluggy.CustomSchedule{PaymentDates: []pluggy.Date{payDate(t, "2026-12-05"), payDate(t, "2027-01-05")}},
	} {
		raw, err := json.Marshal(s)
		require.NoError(t, err)
		got, err := payScheduleDates(raw)
		require.NoError(t, err)
		var want []string
		for _, d := range s.Dates() {
			want = append(want, d.String())
		}
		assert.Equal(t, want, got, string(raw))
	}
	_, err := payScheduleDates(json.RawMessage(`{"type":"HOURLY"}`))
	assert.Error(t, err)
}
