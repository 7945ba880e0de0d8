package pluggytest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

// The Receita Federal's example of an alphanumeric CNPJ (IN RFB 2.229/2024).
const (
	alphaCNPJ      = "12.ABC.345/01DE-35"
	alphaCNPJClean = "12ABC34501DE35"
	alphaCNPJBad   = "12ABC34501DE36"
)

// The fake takes an alphanumeric CNPJ wherever it takes a CNPJ, and
// refuses one whose check digits are wrong even from a client that does not
// check (Client.Do skips the client's own checks).
func TestFakeAcceptsAlphanumericCNPJ(t *testing.T) {
	_, c, _ := newPayFake(t)
	ctx := context.Background()

	biz, err := c.Payments.Customers.Create(ctx, &pluggy.CreatePaymentCustomerParams{Type: pluggy.PaymentCustomerBusiness, Name: "Nova Ltda", CNPJ: alphaCNPJ})
	require.NoError(t, err)
	assert.Equal(t, alphaCNPJClean, *biz.CNPJ)
	page, err := c.Payments.Customers.List(ctx, &pluggy.PaymentCustomerListParams{CNPJ: "12.abc.345/01de-35"})
	require.NoError(t, err)
	require.Len(t, page.Results, 1)
	assert.Equal(t, biz.ID, page.Results[0].ID)

	rc, err := c.Payments.Recipients.Create(ctx, &pluggy.CreatePaymentRecipientParams{TaxNumber: alphaCNPJ, Name: "Nova Ltda",
		PaymentInstitutionID: itauInstID, Account: &pluggy.PaymentRecipientAccount{Branch: "0001", Number: "12345-6", Type: pluggy.RecipientAccountChecking}})
	require.NoError(t, err)
	assert.Equal(t, alphaCNPJClean, rc.TaxNumber)
	list, err := c.Payments.Recipients.List(ctx, &pluggy.PaymentRecipientListParams{TaxNumber: alphaCNPJ})
	require.NoError(t, err)
	require.Len(t, list.Results, 1)

	pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("99.90")})
	require.NoError(t, err)
	_, err = c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID,
		Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF, CNPJ: alphaCNPJ}})
	require.NoError(t, err)

	_, err = c.Payments.SmartTransfers.CreatePreauthorization(ctx, &pluggy.CreateSmartTransferPreauthorizationParams{ConnectorID: 601,
		Parameters: pluggy.SmartTransferPreauthorizationParameters{CPF: payerCPF, CNPJ: alphaCNPJ}, RecipientIDs: []string{rc.ID},
		CallbackURLs: &pluggy.SmartTransferCallbackURLs{Success: "https://app.example.com.br/ok"}})
	require.NoError(t, err)

	conn, err := c.Payments.Boletos.CreateConnection(ctx, &pluggy.CreateBoletoConnectionParams{ConnectorID: 225, Credentials: map[string]string{"clientId": "id", "clientSecret": "segredo"}})
	require.NoError(t, err)
	b, err := c.Payments.Boletos.Create(ctx, &pluggy.CreateBoletoParams{BoletoConnectionID: conn.ID, Boleto: pluggy.BoletoParams{
		SeuNumero: "NF-1", Amount: pluggy.MustDecimal("349.90"), DueDate: time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC),
		Payer: pluggy.BoletoPayerParams{TaxNumber: alphaCNPJ, Name: "Nova Ltda", AddressState: "SP", AddressZipCode: "01310-100"}}})
	require.NoError(t, err)
	assert.Equal(t, alphaCNPJClean, b.Payer.TaxNumber)

	// Merchants: a valid alphanumeric CNPJ is valid (not found), a wrong
	// one invalid.
	found, err := c.Merchants.GetByCNPJ(ctx, alphaCNPJ, alphaCNPJBad)
	require.NoError(t, err)
	assert.Equal(t, []string{alphaCNPJ}, found.NotFoundMerchants)
	assert.Equal(t, []string{alphaCNPJBad}, found.InvalidCNPJs)

	// Wrong check digits, sent past the client's checks: the fake says 400.
	pr2, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("10.00")})
	require.NoError(t, err)
	for _, tc := range []struct {
		route string
		body  map[string]any
	}{
		{"POST /payments/customers", map[string]any{"type": "BUSINESS", "name": "X", "cnpj": alphaCNPJBad}},
		{"POST /payments/recipients", map[string]any{"taxNumber": alphaCNPJBad, "name": "X", "paymentInstitutionId": itauInstID,
			"account": map[string]any{"branch": "0001", "number": "1", "type": "CHECKING_ACCOUNT"}}},
		{"POST /payments/intents", map[string]any{"paymentRequestId": pr2.ID, "parameters": map[string]any{"cpf": payerCPF, "cnpj": alphaCNPJBad}}},
		{"POST /smart-transfers/preauthorizations", map[string]any{"connectorId": 601, "parameters": map[string]any{"cpf": payerCPF, "cnpj": alphaCNPJBad},
			"recipientIds": []string{rc.ID}, "callbackUrls": map[string]any{"success": "https://app.example.com.br/ok"}}},
		{"POST /boletos", map[string]any{"boletoConnectionId": conn.ID, "boleto": map[string]any{"seuNumero": "NF-2", "amount": 10, "dueDate": "2026-12-10T12:00:00Z",
			"payer": map[string]any{"taxNumber": alphaCNPJBad, "name": "X", "addressState": "SP", "addressZipCode": "01310100"}}}},
	} {
		var out map[string]any
		err := c.Do(ctx, tc.route, nil, nil, tc.body, &out)
		var apiErr *pluggy.Error
		require.ErrorAs(t, err, &apiErr, tc.route)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode, tc.route)
		assert.Regexp(t, `(?i)cnpj|taxNumber`, apiErr.Message, tc.route)
	}
}
