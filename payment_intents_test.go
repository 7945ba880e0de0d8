package pluggy

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const intentID = "9b0c1d2e-3f4a-4b5c-8d6e-7f8a9b0c1d2e"

func TestPaymentIntentsCreate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/payments/intents", 200, fixture(t, "payment-intent-create", "200"))
	got, err := c.Payments.Intents.Create(context.Background(), &CreatePaymentIntentParams{
		PaymentRequestID: requestID,
		Parameters:       &PaymentIntentParameters{CPF: "123.456.789-09", CNPJ: "12.345.678/0001-95", Name: "João Pedro Almeida"},
		ConnectorID:      Ptr(601),
		PaymentMethod:    PaymentIntentMethodPIS,
	})
	require.NoError(t, err)
	r, _ := cap.one(t)
	assert.Equal(t, "/api/payments/intents", r.URL.Path)
	assert.JSONEq(t, `{"paymentRequestId":"`+requestID+`","parameters":{"cpf":"12345678909","cnpj":"12345678000195","name":"João Pedro Almeida"},"connectorId":601,"paymentMethod":"PIS"}`, cap.body(t))
	assert.Equal(t, intentID, got.ID)
	assert.Equal(t, PaymentIntentConsentAwaitingAuthorization, got.Status)
	assert.False(t, got.Settled())
	assert.Contains(t, *got.ConsentURL, "https://auth.itau.com.br/")
	assert.Equal(t, PaymentRequestInProgress, got.PaymentRequest.Status)
	assert.Equal(t, 601, got.Connector.ID)
	assert.True(t, *got.Connector.SupportsPaymentInitiation)
	require.NotNil(t, got.Connector.Health)
	assert.Equal(t, ConnectorOnline, *got.Connector.Health.Status)
	assert.Equal(t, ConnectorTypePersonalBank, *got.Connector.Type)
	assert.Equal(t, []Product{ProductPaymentData}, got.Connector.Products)
	cpf, ok := got.Connector.Credential("cpf")
	require.True(t, ok)
	assert.Equal(t, ParameterTypeNumber, cpf.Type)
	assert.Equal(t, "O CPF deve ter 11 dígitos", *cpf.ValidationMessage)
}

func TestPaymentIntentsCreateChecks(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	for _, tc := range []struct {
		p     *CreatePaymentIntentParams
		param string
	}{
		{nil, "params"},
		{&CreatePaymentIntentParams{Parameters: &PaymentIntentParameters{CPF: "12345678909"}}, "paymentRequestId"},
		{&CreatePaymentIntentParams{PaymentRequestID: requestID}, "parameters"},
		{&CreatePaymentIntentParams{PaymentRequestID: requestID, Parameters: &PaymentIntentParameters{}}, "parameters.cpf"},
		{&CreatePaymentIntentParams{PaymentRequestID: requestID, Parameters: &PaymentIntentParameters{CPF: "123.456.789"}}, "parameters.cpf"},
		{&CreatePaymentIntentParams{PaymentRequestID: requestID, Parameters: &PaymentIntentParameters{CPF: "12345678909", CNPJ: "12345678909"}}, "parameters.cnpj"},
		{&CreatePaymentIntentParams{PaymentRequestID: requestID, Parameters: &PaymentIntentParameters{CPF: "12345678909"}, ConnectorID: Ptr(-3)}, "connectorId"},
		{&CreatePaymentIntentParams{PaymentRequestID: requestID, Parameters: &PaymentIntentParameters{CPF: "12345678909"}, PaymentMethod: "TED"}, "paymentMethod"},
		{&CreatePaymentIntentParams{PaymentRequestID: requestID, Parameters: &PaymentIntentParameters{CPF: "12345678909"}, IsDynamicPix: Ptr(true)}, "isDynamicPix"},
	} {
		_, err := c.Payments.Intents.Create(ctx, tc.p)
		requireArgumentErr(t, err, tc.param)
	}
	assertNothingSent(t, mock)

	// The PIX method needs no payer parameters.
	cap := onRoute(t, mock, http.MethodPost, "/payments/intents", 200, fixture(t, "payment-intent-retrieve", "200-pix"))
	got, err := c.Payments.Intents.Create(ctx, &CreatePaymentIntentParams{PaymentRequestID: requestID, PaymentMethod: PaymentIntentMethodPIX, IsDynamicPix: Ptr(true)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"paymentRequestId":"`+requestID+`","paymentMethod":"PIX","isDynamicPix":true}`, cap.body(t))
	assert.Equal(t, PaymentIntentMethodPIX, *got.PaymentMethod)
	assert.Equal(t, samplePix, got.PixData.Value)
	assert.Nil(t, got.Debtor)
}

func TestPaymentIntentsList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/intents", 200, fixture(t, "payment-intents-list", "200"))
	page, err := c.Payments.Intents.List(context.Background(), requestID)
	require.NoError(t, err)
	assert.Equal(t, "paymentRequestId="+requestID, cap.query(t).Encode())
	require.Len(t, page.Results, 2)
	assert.Equal(t, PaymentIntentPaymentRejected, page.Results[0].Status)
	assert.True(t, page.Results[0].Status.IsFailure())
	assert.Equal(t, PaymentIntentPaymentCompleted, page.Results[1].Status)
	_, err = c.Payments.Intents.List(context.Background(), "")
	requireArgumentErr(t, err, "paymentRequestId")
}

func TestPaymentIntentsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/intents/"+intentID, 200, fixture(t, "payment-intent-retrieve", "200"))
	onRoute(t, mock, http.MethodGet, "/payments/intents/rejected", 200, fixture(t, "payment-intent-retrieve", "200-rejected"))
	got, err := c.Payments.Intents.Get(context.Background(), intentID)
	require.NoError(t, err)
	cap.one(t)
	assert.Equal(t, PaymentIntentPaymentCompleted, got.Status)
	assert.True(t, got.Settled())
	assert.False(t, got.Status.IsFailure())
	assert.Equal(t, "João Pedro Almeida", *got.Debtor.Name)
	assert.Equal(t, "0341", *got.Debtor.BankAccount.Agency)
	assert.Equal(t, "E60701190202611231203s1a2b3c4d5e6", *got.ReferenceID)
	assert.Equal(t, time.Date(2026, 11, 23, 12, 3, 27, 905000000, time.UTC), got.UpdatedAt)

	got, err = c.Payments.Intents.Get(context.Background(), "rejected")
	require.NoError(t, err)
	assert.Equal(t, PaymentIntentErrInsufficientBalance, got.ErrorDetail.Code)
	assert.Equal(t, "Saldo insuficiente", got.ErrorDetail.ProviderTitle)
	assert.Equal(t, PaymentRequestError, got.PaymentRequest.Status)

	_, err = c.Payments.Intents.Get(context.Background(), "")
	requireArgumentErr(t, err, "id")
}

func TestPaymentIntentStatuses(t *testing.T) {
	t.Parallel()
	all := []PaymentIntentStatus{
		PaymentIntentStarted, PaymentIntentEnqueued, PaymentIntentConsentAwaitingAuthorization, PaymentIntentConsentAuthorized,
		PaymentIntentConsentRejected, PaymentIntentPaymentPending, PaymentIntentPaymentPartiallyAccepted,
		PaymentIntentPaymentSettlementProcessing, PaymentIntentPaymentSettlementDebtorAccount, PaymentIntentPaymentCompleted,
		PaymentIntentPaymentRejected, PaymentIntentRejected, PaymentIntentError, PaymentIntentCanceled, PaymentIntentRevoked,
		PaymentIntentConsumed,
	}
	final := 0
	for _, s := range all {
		if s.IsFinal() {
			final++
		}
	}
	assert.Len(t, all, 16)
	assert.Equal(t, 8, final)
	assert.False(t, PaymentIntentStatus("SOMETHING_NEW").IsFinal())

	// A consent authorised for a scheduled request is where the intent stops.
	pi := &PaymentIntent{Status: PaymentIntentConsentAuthorized, PaymentRequest: &PaymentRequest{Status: PaymentRequestScheduled}}
	assert.True(t, pi.Settled())
	pi.PaymentRequest.Status = PaymentRequestInProgress
	assert.False(t, pi.Settled())
	assert.False(t, (*PaymentIntent)(nil).Settled())
}

func TestPaymentIntentsWait(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	steps := []string{"CONSENT_AWAITING_AUTHORIZATION", "CONSENT_AWAITING_AUTHORIZATION", "CONSENT_AUTHORIZED", "PAYMENT_PENDING", "PAYMENT_COMPLETED"}
	n := 0
	mock.RegisterResponder(http.MethodGet, u("/payments/intents/"+intentID), func(r *http.Request) (*http.Response, error) {
		s := steps[min(n, len(steps)-1)]
		n++
		return httpmock.NewStringResponse(200, `{"id":"`+intentID+`","status":"`+s+`","createdAt":"2026-11-23T11:59:12.128Z","updatedAt":"2026-11-23T11:59:12.128Z"}`), nil
	})
	var seen []PaymentIntentStatus
	got, err := c.Payments.Intents.Wait(context.Background(), intentID, time.Millisecond, func(pi *PaymentIntent) { seen = append(seen, pi.Status) })
	require.NoError(t, err)
	assert.Equal(t, PaymentIntentPaymentCompleted, got.Status)
	assert.Equal(t, []PaymentIntentStatus{"CONSENT_AWAITING_AUTHORIZATION", "CONSENT_AUTHORIZED", "PAYMENT_PENDING", "PAYMENT_COMPLETED"}, seen)
	assert.Equal(t, 5, n)

	_, err = c.Payments.Intents.Wait(context.Background(), intentID, -time.Second, nil)
	requireArgumentErr(t, err, "interval")
	_, err = c.Payments.Intents.Wait(context.Background(), "", 0, nil)
	requireArgumentErr(t, err, "id")
}

func TestPaymentIntentsWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	reads := 0
	mock.RegisterResponder(http.MethodGet, u("/payments/intents/"+intentID), func(r *http.Request) (*http.Response, error) {
		reads++
		if reads == 2 {
			cancel()
		}
		return httpmock.NewBytesResponse(200, fixture(t, "payment-intent-create", "200")), nil
	})
	got, err := c.Payments.Intents.Wait(ctx, intentID, time.Millisecond, nil)
	require.ErrorIs(t, err, context.Canceled)
	if got != nil {
		assert.Equal(t, PaymentIntentConsentAwaitingAuthorization, got.Status)
	}
	assert.LessOrEqual(t, reads, 3)

	// A failed read ends the wait with that error.
	onRoute(t, mock, http.MethodGet, "/payments/intents/missing", 404, fixture(t, "payment-intent-retrieve", "404"))
	_, err = c.Payments.Intents.Wait(context.Background(), "missing", time.Millisecond, nil)
	assert.True(t, errors.Is(err, ErrNotFound))
}
