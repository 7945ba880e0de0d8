package pluggy

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	preauthID = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"
	stPayID   = "e3f4a5b6-c7d8-4e9f-8a0b-1c2d3e4f5a6b"
)

func TestSmartTransferPreauthorizationsListAndAll(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/smart-transfers/preauthorizations", 200, fixture(t, "smart-tranfers-preauthorizations-list", "200"))
	page, err := c.Payments.SmartTransfers.ListPreauthorizations(context.Background(), &SmartTransferListParams{Page: 1, PageSize: 100})
	require.NoError(t, err)
	assert.Equal(t, "page=1&pageSize=100", cap.query(t).Encode())
	require.Len(t, page.Results, 2)
	p := page.Results[0]
	assert.Equal(t, SmartTransferPreauthorizationCompleted, p.Status)
	assert.Len(t, p.Recipients, 2)
	assert.Equal(t, 601, p.Connector.ID)
	assert.Equal(t, ConnectorOnline, *p.Connector.Health.Status)
	assert.True(t, *p.Connector.SupportsSmartTransfers)
	assert.Equal(t, "50000", p.Configuration.TotalAllowedAmount.String())
	assert.Equal(t, "2500.75", p.Configuration.TransactionLimit.String())
	assert.Equal(t, 10, *p.Configuration.PeriodicLimits.Day.QuantityLimit)
	assert.Nil(t, p.Configuration.PeriodicLimits.Week)
	assert.Equal(t, SmartTransferPreauthorizationError, page.Results[1].Status)
	assert.Equal(t, "CONSENT_TIMEOUT", *page.Results[1].ErrorDetail.Code)

	n := 0
	for p, err := range c.Payments.SmartTransfers.AllPreauthorizations(context.Background(), nil) {
		require.NoError(t, err)
		assert.NotEmpty(t, p.ID)
		n++
	}
	assert.Equal(t, 2, n)
	_, err = c.Payments.SmartTransfers.ListPreauthorizations(context.Background(), &SmartTransferListParams{PageSize: 600})
	requireArgumentErr(t, err, "pageSize")
}

func TestSmartTransferCreatePreauthorization(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/smart-transfers/preauthorizations", 200, fixture(t, "smart-transfer-preauthorization-create", "200"))
	got, err := c.Payments.SmartTransfers.CreatePreauthorization(context.Background(), &CreateSmartTransferPreauthorizationParams{
		ConnectorID:              601,
		Parameters:               SmartTransferPreauthorizationParameters{CPF: "123.456.789-09", CNPJ: "12.345.678/0001-95"},
		RecipientIDs:             []string{recipientID, "c9e8d7f6-1a2b-4c3d-9e4f-5a6b7c8d9e0f"},
		CallbackURLs:             &SmartTransferCallbackURLs{Success: "https://app.frotaexpress.com.br/preautorizacao/ok"},
		ClientPreauthorizationID: "repasse-motoristas-2026",
		Configuration: &SmartTransferConfiguration{
			TotalAllowedAmount: MustDecimal("50000.00"), TransactionLimit: DecimalFromFloat(2500.75),
			PeriodicLimits: &SmartTransferPeriodicLimits{Day: &SmartTransferPeriodicLimit{QuantityLimit: Ptr(10), TransactionLimit: MustDecimal("5000")}},
		},
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"connectorId":601,"parameters":{"cpf":"12345678909","cnpj":"12345678000195"},
		"recipientIds":["`+recipientID+`","c9e8d7f6-1a2b-4c3d-9e4f-5a6b7c8d9e0f"],
		"callbackUrls":{"success":"https://app.frotaexpress.com.br/preautorizacao/ok"},
		"clientPreauthorizationId":"repasse-motoristas-2026",
		"configuration":{"totalAllowedAmount":50000.00,"transactionLimit":2500.75,"periodicLimits":{"day":{"quantityLimit":10,"transactionLimit":5000}}}}`, cap.body(t))
	assert.Equal(t, SmartTransferPreauthorizationCreated, got.Status)
	assert.Equal(t, "repasse-motoristas-2026", *got.ClientPreauthorizationID)
}

func TestSmartTransferCreatePreauthorizationChecks(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	valid := func() *CreateSmartTransferPreauthorizationParams {
		return &CreateSmartTransferPreauthorizationParams{ConnectorID: 601, Parameters: SmartTransferPreauthorizationParameters{CPF: "12345678909"}, RecipientIDs: []string{recipientID}}
	}
	for _, tc := range []struct {
		edit  func(p *CreateSmartTransferPreauthorizationParams)
		param string
	}{
		{func(p *CreateSmartTransferPreauthorizationParams) { p.ConnectorID = -1 }, "connectorId"},
		{func(p *CreateSmartTransferPreauthorizationParams) { p.Parameters.CPF = "" }, "parameters.cpf"},
		{func(p *CreateSmartTransferPreauthorizationParams) { p.Parameters.CNPJ = "1" }, "parameters.cnpj"},
		{func(p *CreateSmartTransferPreauthorizationParams) { p.RecipientIDs = nil }, "recipientIds"},
		{func(p *CreateSmartTransferPreauthorizationParams) { p.RecipientIDs = []string{recipientID, ""} }, "recipientIds[1]"},
		{func(p *CreateSmartTransferPreauthorizationParams) {
			p.CallbackURLs = &SmartTransferCallbackURLs{Error: "x"}
		}, "callbackUrls.error"},
		{func(p *CreateSmartTransferPreauthorizationParams) {
			p.Configuration = &SmartTransferConfiguration{TransactionLimit: MustDecimal("-1")}
		}, "configuration.transactionLimit"},
		{func(p *CreateSmartTransferPreauthorizationParams) {
			p.Configuration = &SmartTransferConfiguration{PeriodicLimits: &SmartTransferPeriodicLimits{Month: &SmartTransferPeriodicLimit{}}}
		}, "configuration.periodicLimits.month"},
		{func(p *CreateSmartTransferPreauthorizationParams) {
			p.Configuration = &SmartTransferConfiguration{PeriodicLimits: &SmartTransferPeriodicLimits{Year: &SmartTransferPeriodicLimit{QuantityLimit: Ptr(0)}}}
		}, "configuration.periodicLimits.year.quantityLimit"},
	} {
		p := valid()
		tc.edit(p)
		_, err := c.Payments.SmartTransfers.CreatePreauthorization(context.Background(), p)
		requireArgumentErr(t, err, tc.param)
	}
	_, err := c.Payments.SmartTransfers.CreatePreauthorization(context.Background(), nil)
	requireArgumentErr(t, err, "params")
	assertNothingSent(t, mock)
}

func TestSmartTransferGetPreauthorization(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/smart-transfers/preauthorizations/"+preauthID, 200, fixture(t, "smart-transfer-preauthorization-retrieve", "200"))
	got, err := c.Payments.SmartTransfers.GetPreauthorization(context.Background(), preauthID)
	require.NoError(t, err)
	cap.one(t)
	assert.Equal(t, "https://app.frotaexpress.com.br/preautorizacao/erro", got.CallbackURLs.Error)
	assert.Equal(t, "Padaria Pão de Mel Ltda", got.Recipients[0].Name)

	onRoute(t, mock, http.MethodGet, "/smart-transfers/preauthorizations/none", 404, fixture(t, "smart-transfer-preauthorization-retrieve", "404"))
	_, err = c.Payments.SmartTransfers.GetPreauthorization(context.Background(), "none")
	assert.True(t, errors.Is(err, ErrNotFound))
	_, err = c.Payments.SmartTransfers.GetPreauthorization(context.Background(), "")
	requireArgumentErr(t, err, "id")
}

func TestSmartTransferPaymentsListAndAll(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	var queries []string
	mock.RegisterResponder(http.MethodGet, u("/smart-transfers/preauthorizations/"+preauthID+"/payments"), func(r *http.Request) (*http.Response, error) {
		queries = append(queries, r.URL.RawQuery)
		return httpmock.NewBytesResponse(200, fixture(t, "smart-transfer-preauthorization-payments-list", "200")), nil
	})
	ctx := context.Background()
	params := &SmartTransferPaymentListParams{From: mustDate(t, "2026-11-01"), To: mustDate(t, "2026-11-30"), PageSize: 50}
	page, err := c.Payments.SmartTransfers.ListPayments(ctx, preauthID, params)
	require.NoError(t, err)
	assert.Equal(t, "from=2026-11-01&pageSize=50&to=2026-11-30", queries[0])
	require.Len(t, page.Results, 2)
	rejected := page.Results[0]
	assert.Equal(t, SmartTransferPaymentRejected, rejected.Status)
	assert.True(t, rejected.Status.IsFinal())
	assert.Nil(t, rejected.Recipient)
	assert.Equal(t, SmartTransferErrPaymentRejectedByHolder, *rejected.ErrorDetail.Code)
	assert.Equal(t, "1250.35", page.Results[1].Amount.String())

	var ids []string
	for p, err := range c.Payments.SmartTransfers.AllPayments(ctx, preauthID, params) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	assert.Len(t, ids, 2)
	assert.Equal(t, "from=2026-11-01&page=1&pageSize=50&to=2026-11-30", queries[1])

	_, err = c.Payments.SmartTransfers.ListPayments(ctx, "", nil)
	requireArgumentErr(t, err, "preauthorizationId")
	_, err = c.Payments.SmartTransfers.ListPayments(ctx, preauthID, &SmartTransferPaymentListParams{From: mustDate(t, "2026-12-01"), To: mustDate(t, "2026-11-01")})
	requireArgumentErr(t, err, "from")
	for _, err := range c.Payments.SmartTransfers.AllPayments(ctx, "", nil) {
		requireArgumentErr(t, err, "preauthorizationId")
	}
}

func TestSmartTransferCreatePayment(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/smart-transfers/payments", 200, fixture(t, "smart-transfer-payment-create", "200"))
	got, err := c.Payments.SmartTransfers.CreatePayment(context.Background(), &CreateSmartTransferPaymentParams{
		PreauthorizationID: preauthID, RecipientID: "c9e8d7f6-1a2b-4c3d-9e4f-5a6b7c8d9e0f",
		Amount: DecimalFromFloat(1250.35), Description: "Repasse semanal motorista", ClientPaymentID: "repasse-2026-47-0912",
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"preauthorizationId":"`+preauthID+`","recipientId":"c9e8d7f6-1a2b-4c3d-9e4f-5a6b7c8d9e0f","amount":1250.35,"description":"Repasse semanal motorista","clientPaymentId":"repasse-2026-47-0912"}`, cap.body(t))
	assert.Equal(t, SmartTransferPaymentPending, got.Status)
	assert.False(t, got.Status.IsFinal())
	assert.Equal(t, preauthID, got.PreauthorizationID)

	for _, tc := range []struct {
		p     *CreateSmartTransferPaymentParams
		param string
	}{
		{nil, "params"},
		{&CreateSmartTransferPaymentParams{RecipientID: "r", Amount: MustDecimal("1")}, "preauthorizationId"},
		{&CreateSmartTransferPaymentParams{PreauthorizationID: "p", Amount: MustDecimal("1")}, "recipientId"},
		{&CreateSmartTransferPaymentParams{PreauthorizationID: "p", RecipientID: "r"}, "amount"},
		{&CreateSmartTransferPaymentParams{PreauthorizationID: "p", RecipientID: "r", Amount: MustDecimal("0.001")}, "amount"},
	} {
		_, err := c.Payments.SmartTransfers.CreatePayment(context.Background(), tc.p)
		requireArgumentErr(t, err, tc.param)
	}
	assert.Equal(t, 1, cap.n())

	onRoute(t, mock, http.MethodPost, "/smart-transfers/payments", 400, fixture(t, "smart-transfer-payment-create", "400"))
	_, err = c.Payments.SmartTransfers.CreatePayment(context.Background(), &CreateSmartTransferPaymentParams{PreauthorizationID: "p", RecipientID: "r", Amount: MustDecimal("1")})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "PREAUTHORIZATION_NOT_COMPLETED", apiErr.CodeDescription)
}

func TestSmartTransferGetPayment(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/smart-transfers/payments/"+stPayID, 200, fixture(t, "smart-transfer-paymentretrieve", "200"))
	got, err := c.Payments.SmartTransfers.GetPayment(context.Background(), stPayID)
	require.NoError(t, err)
	r, _ := cap.one(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, SmartTransferPaymentCompleted, got.Status)
	assert.Equal(t, "Mariana Costa Ribeiro", got.Recipient.Name)
	_, err = c.Payments.SmartTransfers.GetPayment(context.Background(), "")
	requireArgumentErr(t, err, "id")
}
