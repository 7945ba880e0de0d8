package pluggy

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	requestID = "d1b2c3a4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
	samplePix = "00020126580014br.gov.bcb.pix0136b3c0f6a2-4d1e-4f7a-9c2b-8e5d7a1f3c645204000053039865406150.005802BR5918Padaria Pao de Mel6009SAO PAULO62070503***6304A3BC"
)

func TestPaymentRequestsCreate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/payments/requests", 200, fixture(t, "payment-request-create", "200"))
	got, err := c.Payments.Requests.Create(context.Background(), &CreatePaymentRequestParams{
		Amount:      MustDecimal("150.00"),
		Description: "Pedido #4521 - Padaria Pão de Mel",
		CallbackURLs: &PaymentCallbackURLs{
			Success: "https://loja.paodemel.com.br/pagamento/sucesso",
			Error:   "https://loja.paodemel.com.br/pagamento/erro",
		},
		RecipientID: recipientID, CustomerID: customerID, ClientPaymentID: "pedido-4521", IsSandbox: Ptr(false),
	})
	require.NoError(t, err)
	r, _ := cap.one(t)
	assert.Equal(t, "/api/payments/requests", r.URL.Path)
	assert.JSONEq(t, `{"amount":150.00,"description":"Pedido #4521 - Padaria Pão de Mel",
		"callbackUrls":{"success":"https://loja.paodemel.com.br/pagamento/sucesso","error":"https://loja.paodemel.com.br/pagamento/erro"},
		"recipientId":"`+recipientID+`","customerId":"`+customerID+`","clientPaymentId":"pedido-4521","isSandbox":false}`, cap.body(t))
	assert.Contains(t, cap.body(t), `"amount":150.00`, "the amount keeps its digits")
	assert.Equal(t, requestID, got.ID)
	assert.Equal(t, PaymentRequestCreated, got.Status)
	assert.Equal(t, "150", got.Amount.String())
	assert.Equal(t, "0.99", got.Fees.String())
	assert.Equal(t, "https://pay.pluggy.ai/"+requestID, got.PaymentURL)
	require.NotNil(t, got.Recipient)
	bank, ok := got.Recipient.BankAccount()
	require.True(t, ok)
	assert.Equal(t, recipientID, bank.ID)
	assert.Equal(t, "60701190", bank.PaymentInstitution.ISPB)
	assert.True(t, bank.IsDefault)
	assert.Equal(t, customerID, got.Customer.ID)
	assert.Nil(t, got.Schedule)
	assert.False(t, got.Status.IsFinal())
}

func TestPaymentRequestsCreateScheduled(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/payments/requests", 200, fixture(t, "payment-request-create", "200-scheduled"))
	got, err := c.Payments.Requests.Create(context.Background(), &CreatePaymentRequestParams{
		Amount:      DecimalFromFloat(89.9),
		Description: "Mensalidade academia Corpo em Forma",
		Schedule:    &MonthlySchedule{StartDate: mustDate(t, "2026-12-01"), DayOfMonth: 10, Occurrences: 12},
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"amount":89.9,"description":"Mensalidade academia Corpo em Forma","schedule":{"type":"MONTHLY","startDate":"2026-12-01","dayOfMonth":10,"occurrences":12}}`, cap.body(t))
	m, ok := got.Schedule.(*MonthlySchedule)
	require.True(t, ok, "%T", got.Schedule)
	assert.Equal(t, 10, m.DayOfMonth)
	assert.Equal(t, 12, m.Occurrences)
	assert.Len(t, m.Dates(), 12)
	assert.Equal(t, mustDate(t, "2026-12-10"), m.Dates()[0])
}

func TestPaymentRequestsCreateChecks(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	for _, tc := range []struct {
		p     *CreatePaymentRequestParams
		param string
	}{
		{nil, "params"},
		{&CreatePaymentRequestParams{}, "amount"},
		{&CreatePaymentRequestParams{Amount: MustDecimal("0")}, "amount"},
		{&CreatePaymentRequestParams{Amount: MustDecimal("-10.00")}, "amount"},
		{&CreatePaymentRequestParams{Amount: MustDecimal("10.005")}, "amount"},
		{&CreatePaymentRequestParams{Amount: MustDecimal("10"), CallbackURLs: &PaymentCallbackURLs{Pending: "loja/pendente"}}, "callbackUrls.pending"},
		{&CreatePaymentRequestParams{Amount: MustDecimal("10"), Schedule: &SingleSchedule{Date: mustDate(t, "2026-11-01")}}, "schedule.date"},
		{&CreatePaymentRequestParams{Amount: MustDecimal("10"), Schedule: &DailySchedule{StartDate: mustDate(t, "2026-12-01"), Occurrences: 100}}, "schedule.occurrences"},
	} {
		_, err := c.Payments.Requests.Create(ctx, tc.p)
		requireArgumentErr(t, err, tc.param)
	}
	assertNothingSent(t, mock)
}

func TestPaymentRequestsCreatePixQR(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/payments/requests/pix-qr", 200, fixture(t, "payment-request-create-pix-qr", "200"))
	got, err := c.Payments.Requests.CreatePixQR(context.Background(), &CreatePixQRPaymentRequestParams{
		PixQRCode: " " + samplePix + "\n", CustomerID: customerID, IsSandbox: Ptr(true),
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"pixQrCode":"`+samplePix+`","customerId":"`+customerID+`","isSandbox":true}`, cap.body(t))
	assert.Equal(t, samplePix, *got.PixQRCode)
	assert.Equal(t, RecipientTypePixQRCode, got.Recipient.Type)
	assert.Equal(t, "Padaria Pao de Mel", *got.Recipient.Name)
	_, ok := got.Recipient.BankAccount()
	assert.False(t, ok)

	for _, p := range []*CreatePixQRPaymentRequestParams{nil, {}, {PixQRCode: " \t"}} {
		_, err := c.Payments.Requests.CreatePixQR(context.Background(), p)
		var pe *ArgumentError
		require.ErrorAs(t, err, &pe)
	}
	_, err = c.Payments.Requests.CreatePixQR(context.Background(), &CreatePixQRPaymentRequestParams{})
	requireArgumentErr(t, err, "pixQrCode")
	_, err = c.Payments.Requests.CreatePixQR(context.Background(), &CreatePixQRPaymentRequestParams{PixQRCode: samplePix, CallbackURLs: &PaymentCallbackURLs{Success: "nope"}})
	requireArgumentErr(t, err, "callbackUrls.success")
	assert.Equal(t, 1, cap.n())
}

func TestPaymentRequestsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/requests/"+requestID, 200, fixture(t, "payment-request-retrieve", "200"))
	got, err := c.Payments.Requests.Get(context.Background(), requestID)
	require.NoError(t, err)
	r, _ := cap.one(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, PaymentRequestCompleted, got.Status)
	assert.True(t, got.Status.IsFinal())
	require.NotNil(t, got.SmartAccount)
	assert.Equal(t, SmartAccountChecking, got.SmartAccount.Type)
	assert.Equal(t, "8", got.SmartAccount.VerifyingDigit)
}

func TestPaymentRequestsGetBoletoAndError(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	onRoute(t, mock, http.MethodGet, "/payments/requests/b", 200, fixture(t, "payment-request-retrieve", "200-boleto"))
	onRoute(t, mock, http.MethodGet, "/payments/requests/e", 200, fixture(t, "payment-request-retrieve", "200-error"))
	got, err := c.Payments.Requests.Get(context.Background(), "b")
	require.NoError(t, err)
	assert.Equal(t, RecipientTypeBoleto, got.Recipient.Type)
	assert.Equal(t, "**.272.508/0001-**", *got.Recipient.TaxNumber)
	require.NotNil(t, got.Boleto)
	assert.Equal(t, "312.47", got.Boleto.TotalAmount.String())
	assert.Equal(t, "0", got.Boleto.PenaltyAmount.String())
	assert.Equal(t, "Companhia Paulista de Força e Luz", got.Boleto.Recipient.Name)
	assert.Equal(t, 2026, got.Boleto.DueDate.Year())

	got, err = c.Payments.Requests.Get(context.Background(), "e")
	require.NoError(t, err)
	assert.Equal(t, PaymentRequestError, got.Status)
	assert.Equal(t, "SALDO_INSUFICIENTE", *got.ErrorDetail.Code)
	assert.Contains(t, *got.ErrorDetail.ProviderMessage, "Saldo insuficiente")
}

func TestPaymentRequestsListAndAll(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	var queries []string
	mock.RegisterResponder(http.MethodGet, u("/payments/requests"), func(r *http.Request) (*http.Response, error) {
		queries = append(queries, r.URL.RawQuery)
		if r.URL.Query().Get("page") == "2" {
			return httpmock.NewBytesResponse(200, fixture(t, "payment-requests-list", "200-page2")), nil
		}
		return httpmock.NewBytesResponse(200, fixture(t, "payment-requests-list", "200")), nil
	})
	ctx := context.Background()
	params := &PaymentRequestListParams{
		PageSize: 3, From: mustDate(t, "2026-11-01"), To: mustDate(t, "2026-11-30"),
		Customer: "joao.almeida@exemplo.com.br", PixKey: "financeiro@paodemel.com.br", Status: PaymentRequestScheduled,
	}
	page, err := c.Payments.Requests.List(ctx, params)
	require.NoError(t, err)
	assert.Equal(t, "customer=joao.almeida%40exemplo.com.br&from=2026-11-01&pageSize=3&pixKey=financeiro%40paodemel.com.br&status=SCHEDULED&to=2026-11-30", queries[0])
	assert.Equal(t, 2, page.TotalPages)

	var kinds []string
	for pr, err := range c.Payments.Requests.All(ctx, params) {
		require.NoError(t, err)
		if pr.Schedule != nil {
			kinds = append(kinds, string(pr.Schedule.ScheduleType()))
		} else {
			kinds = append(kinds, "-")
		}
	}
	assert.Equal(t, []string{"-", "DAILY", "WEEKLY", "SINGLE", "CUSTOM", "-"}, kinds)
	assert.Len(t, queries, 3)

	for _, tc := range []struct {
		p     *PaymentRequestListParams
		param string
	}{
		{&PaymentRequestListParams{From: mustDate(t, "2026-11-30"), To: mustDate(t, "2026-11-01")}, "from"},
		{&PaymentRequestListParams{Status: PaymentRequestRefunded}, "status"},
		{&PaymentRequestListParams{PageSize: -1}, "pageSize"},
	} {
		_, err := c.Payments.Requests.List(ctx, tc.p)
		requireArgumentErr(t, err, tc.param)
	}
	assert.Len(t, queries, 3)
}

func TestPaymentRequestsUpdate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPatch, "/payments/requests/"+requestID, 200, fixture(t, "payment-request-update", "200"))
	got, err := c.Payments.Requests.Update(context.Background(), requestID, &UpdatePaymentRequestParams{
		Amount: MustDecimal("175.30"), Description: "Pedido #4521 - com entrega",
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"amount":175.30,"description":"Pedido #4521 - com entrega"}`, cap.body(t))
	assert.Equal(t, "175.3", got.Amount.String())
	assert.Equal(t, "Pedido #4521 - com entrega", *got.Description)

	_, err = c.Payments.Requests.Update(context.Background(), requestID, &UpdatePaymentRequestParams{})
	requireArgumentErr(t, err, "params")
	_, err = c.Payments.Requests.Update(context.Background(), requestID, &UpdatePaymentRequestParams{Amount: MustDecimal("-1")})
	requireArgumentErr(t, err, "amount")
	_, err = c.Payments.Requests.Update(context.Background(), "", &UpdatePaymentRequestParams{Description: "x"})
	requireArgumentErr(t, err, "id")
	assert.Equal(t, 1, cap.n())
}

func TestPaymentRequestsDelete(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodDelete, "/payments/requests/"+requestID, 200, nil)
	require.NoError(t, c.Payments.Requests.Delete(context.Background(), requestID))
	r, b := cap.one(t)
	assert.Equal(t, http.MethodDelete, r.Method)
	assert.Empty(t, b)
	requireArgumentErr(t, c.Payments.Requests.Delete(context.Background(), ""), "id")
}
