package pluggy

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Receita Federal's example of an alphanumeric CNPJ (IN RFB
// 2.229/2024), in its mask, in lower case, and with a wrong check digit.
const (
	alphaCNPJ      = "12.ABC.345/01DE-35"
	alphaCNPJLower = "12.abc.345/01de-35"
	alphaCNPJClean = "12ABC34501DE35"
	alphaCNPJBad   = "12.ABC.345/01DE-36"
)

func TestTaxDigitsAlphanumericCNPJ(t *testing.T) {
	for _, tc := range []struct {
		in      string
		lengths []int
		want    string
		errPart string
	}{
		{alphaCNPJ, []int{cnpjLen}, alphaCNPJClean, ""},
		{alphaCNPJClean, []int{cnpjLen}, alphaCNPJClean, ""},
		{alphaCNPJLower, []int{cnpjLen}, alphaCNPJClean, ""},
		{alphaCNPJ, []int{cpfLen, cnpjLen}, alphaCNPJClean, ""},
		{"12.345.678/0001-95", []int{cnpjLen}, "12345678000195", ""}, // the classic form, as before
		{"11.111.111/1111-11", []int{cnpjLen}, "11111111111111", ""}, // numeric check digits stay Pluggy's to check
		{alphaCNPJBad, []int{cnpjLen}, "", "check digits do not match"},
		{"12.ABC.345/01DE-3X", []int{cnpjLen}, "", "ends with 2 check digits"},
		{"12.ABC.345/01D-35", []int{cnpjLen}, "", "an alphanumeric CNPJ has 14 characters"},
		{alphaCNPJ, []int{cpfLen}, "", "only digits"}, // a CPF stays 11 digits
		{"123.456.789-0A", []int{cpfLen, cnpjLen}, "", "an alphanumeric CNPJ has 14 characters"},
		{"12.ÁBC.345/01DE-35", []int{cnpjLen}, "", "letters A-Z"},
	} {
		got, err := taxDigits("cnpj", tc.in, tc.lengths...)
		if tc.errPart == "" {
			require.NoError(t, err, tc.in)
			assert.Equal(t, tc.want, got, tc.in)
			continue
		}
		requireArgumentErr(t, err, "cnpj")
		assert.Contains(t, err.Error(), tc.errPart, tc.in)
	}
}

// Every call that checks a CNPJ accepts an alphanumeric one, sends it
// without its mask, and refuses one whose check digits are wrong before
// sending anything.
func TestAlphanumericCNPJEverywhere(t *testing.T) {
	ctx := context.Background()
	acct := &PaymentRecipientAccount{Branch: "0001", Number: "12345-6", Type: RecipientAccountChecking}
	boleto := func(tax string) *CreateBoletoParams {
		p := validBoletoParams()
		p.Boleto.Payer.TaxNumber = tax
		return p
	}
	cases := []struct {
		name, method, path, fixtureOp, param string
		call                                 func(c *Client, cnpj string) error
	}{
		{"customer create", http.MethodPost, "/payments/customers", "payment-customer-create", "cnpj", func(c *Client, v string) error {
			_, err := c.Payments.Customers.Create(ctx, &CreatePaymentCustomerParams{Type: PaymentCustomerBusiness, Name: "Oficina", CNPJ: v})
			return err
		}},
		{"customer update", http.MethodPatch, "/payments/customers/" + customerID, "payment-customer-update", "cnpj", func(c *Client, v string) error {
			_, err := c.Payments.Customers.Update(ctx, customerID, &UpdatePaymentCustomerParams{CNPJ: v})
			return err
		}},
		{"customer list", http.MethodGet, "/payments/customers", "payment-customers-list", "cnpj", func(c *Client, v string) error {
			_, err := c.Payments.Customers.List(ctx, &PaymentCustomerListParams{CNPJ: v})
			return err
		}},
		{"recipient create", http.MethodPost, "/payments/recipients", "payment-recipient-create", "taxNumber", func(c *Client, v string) error {
			_, err := c.Payments.Recipients.Create(ctx, &CreatePaymentRecipientParams{TaxNumber: v, Name: "Padaria", PaymentInstitutionID: institutionID, Account: acct})
			return err
		}},
		{"recipient update", http.MethodPatch, "/payments/recipients/" + recipientID, "payment-recipient-update", "taxNumber", func(c *Client, v string) error {
			_, err := c.Payments.Recipients.Update(ctx, recipientID, &UpdatePaymentRecipientParams{TaxNumber: v})
			return err
		}},
		{"recipient list", http.MethodGet, "/payments/recipients", "payment-recipients-list", "taxNumber", func(c *Client, v string) error {
			_, err := c.Payments.Recipients.List(ctx, &PaymentRecipientListParams{TaxNumber: v})
			return err
		}},
		{"intent create", http.MethodPost, "/payments/intents", "payment-intent-create", "parameters.cnpj", func(c *Client, v string) error {
			_, err := c.Payments.Intents.Create(ctx, &CreatePaymentIntentParams{PaymentRequestID: requestID,
				Parameters: &PaymentIntentParameters{CPF: "123.456.789-09", CNPJ: v}})
			return err
		}},
		{"smart transfer preauthorization", http.MethodPost, "/smart-transfers/preauthorizations", "smart-transfer-preauthorization-create", "parameters.cnpj", func(c *Client, v string) error {
			_, err := c.Payments.SmartTransfers.CreatePreauthorization(ctx, &CreateSmartTransferPreauthorizationParams{ConnectorID: 601,
				Parameters: SmartTransferPreauthorizationParameters{CPF: "123.456.789-09", CNPJ: v}, RecipientIDs: []string{recipientID},
				CallbackURLs: &SmartTransferCallbackURLs{Success: "https://app.example.com.br/ok"}})
			return err
		}},
		{"boleto create", http.MethodPost, "/boletos", "boleto-create", "boleto.payer.taxNumber", func(c *Client, v string) error {
			_, err := c.Payments.Boletos.Create(ctx, boleto(v))
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mock := newTestClient(t)
			c.clock = newFakeClock(ts("2026-11-23T12:00:00Z"))
			cap := onRoute(t, mock, tc.method, tc.path, 200, fixture(t, tc.fixtureOp, "200"))
			require.NoError(t, tc.call(c, alphaCNPJLower))
			r, body := cap.one(t)
			sent := r.URL.RawQuery + string(body)
			assert.Contains(t, sent, alphaCNPJClean, "sent without its mask, in upper case")
			assert.NotContains(t, strings.ToUpper(sent), "ABC.345", "no mask")

			err := tc.call(c, alphaCNPJBad)
			requireArgumentErr(t, err, tc.param)
			assert.Contains(t, err.Error(), "check digits")
			assert.Equal(t, 1, cap.n(), "nothing sent for a wrong CNPJ")
		})
	}
}
