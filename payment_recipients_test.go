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
	recipientID   = "a4f1c2d3-5b6e-4f70-8a9b-0c1d2e3f4a5b"
	institutionID = "8f2b6c1d-3e4a-4b5c-9d6e-7f8a9b0c1d2e"
)

func TestPaymentRecipientsList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/recipients", 200, fixture(t, "payment-recipients-list", "200"))
	page, err := c.Payments.Recipients.List(context.Background(), &PaymentRecipientListParams{
		PageSize: 20, IsDefault: Ptr(false), PixKey: "financeiro@paodemel.com.br", Name: "Padaria", TaxNumber: "12.345.678/0001-95",
	})
	require.NoError(t, err)
	r, _ := cap.one(t)
	assert.Equal(t, "isDefault=false&name=Padaria&pageSize=20&pixKey=financeiro%40paodemel.com.br&taxNumber=12345678000195", r.URL.RawQuery)
	require.Len(t, page.Results, 2)
	first := page.Results[0]
	assert.Equal(t, RecipientTypeBankAccount, first.Type)
	assert.True(t, first.IsDefault)
	assert.Equal(t, "60701190", first.PaymentInstitution.ISPB)
	assert.Equal(t, "341", *first.PaymentInstitution.Compe)
	assert.Equal(t, RecipientAccountChecking, first.Account.Type)
	assert.Equal(t, "45678-9", first.Account.Number)
	assert.Nil(t, page.Results[1].PixKey)

	_, err = c.Payments.Recipients.List(context.Background(), &PaymentRecipientListParams{TaxNumber: "123"})
	requireArgumentErr(t, err, "taxNumber")
}

func TestPaymentRecipientsAll(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/recipients", 200, fixture(t, "payment-recipients-list", "200"))
	n := 0
	for r, err := range c.Payments.Recipients.All(context.Background(), &PaymentRecipientListParams{Name: "Padaria"}) {
		require.NoError(t, err)
		assert.NotEmpty(t, r.ID)
		n++
	}
	assert.Equal(t, 2, n)
	assert.Equal(t, "Padaria", cap.query(t).Get("name"))
}

func TestPaymentRecipientsCreateForms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		params *CreatePaymentRecipientParams
		body   string
	}{
		{"bank account", &CreatePaymentRecipientParams{
			TaxNumber: "123.456.789-09", Name: "Mariana Costa Ribeiro", PaymentInstitutionID: "2c7d9e1f-5a6b-4c8d-8e9f-0a1b2c3d4e5f",
			Account: &PaymentRecipientAccount{Branch: "0001", Number: "9876543-2", Type: RecipientAccountChecking},
		}, `{"taxNumber":"12345678909","name":"Mariana Costa Ribeiro","paymentInstitutionId":"2c7d9e1f-5a6b-4c8d-8e9f-0a1b2c3d4e5f","account":{"branch":"0001","number":"9876543-2","type":"CHECKING_ACCOUNT"}}`},
		{"pix key", &CreatePaymentRecipientParams{PixKey: "mariana.ribeiro@exemplo.com.br", IsDefault: Ptr(true)},
			`{"pixKey":"mariana.ribeiro@exemplo.com.br","isDefault":true}`},
		{"smart account", &CreatePaymentRecipientParams{SmartAccountID: "4d6f8a0c-2e4a-4c6e-8a0c-2e4f6a8c0e2a"},
			`{"smartAccountId":"4d6f8a0c-2e4a-4c6e-8a0c-2e4f6a8c0e2a"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mock := newTestClient(t)
			cap := onRoute(t, mock, http.MethodPost, "/payments/recipients", 200, fixture(t, "payment-recipient-create", "200"))
			got, err := c.Payments.Recipients.Create(ctx, tc.params)
			require.NoError(t, err)
			assert.JSONEq(t, tc.body, cap.body(t))
			assert.Equal(t, "c9e8d7f6-1a2b-4c3d-9e4f-5a6b7c8d9e0f", got.ID)
			assert.Equal(t, "Nubank", got.PaymentInstitution.TradeName)
		})
	}
}

func TestPaymentRecipientsCreateChecks(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	acct := &PaymentRecipientAccount{Branch: "0001", Number: "123", Type: RecipientAccountSavings}
	for _, tc := range []struct {
		p     *CreatePaymentRecipientParams
		param string
	}{
		{nil, "params"},
		{&CreatePaymentRecipientParams{}, "recipient"},
		{&CreatePaymentRecipientParams{IsDefault: Ptr(true)}, "recipient"},
		{&CreatePaymentRecipientParams{PixKey: "a@b.com", Name: "X"}, "recipient"},
		{&CreatePaymentRecipientParams{PixKey: "a@b.com", SmartAccountID: "s"}, "recipient"},
		{&CreatePaymentRecipientParams{PixKey: "  "}, "pixKey"},
		{&CreatePaymentRecipientParams{SmartAccountID: " "}, "smartAccountId"},
		{&CreatePaymentRecipientParams{Name: "X", PaymentInstitutionID: institutionID, Account: acct}, "taxNumber"},
		{&CreatePaymentRecipientParams{TaxNumber: "1234567890123", Name: "X", PaymentInstitutionID: institutionID, Account: acct}, "taxNumber"},
		{&CreatePaymentRecipientParams{TaxNumber: "12345678909", PaymentInstitutionID: institutionID, Account: acct}, "name"},
		{&CreatePaymentRecipientParams{TaxNumber: "12345678909", Name: "X", Account: acct}, "paymentInstitutionId"},
		{&CreatePaymentRecipientParams{TaxNumber: "12345678909", Name: "X", PaymentInstitutionID: institutionID}, "account"},
		{&CreatePaymentRecipientParams{TaxNumber: "12345678909", Name: "X", PaymentInstitutionID: institutionID, Account: &PaymentRecipientAccount{Number: "1", Type: "CHECKING_ACCOUNT"}}, "account.branch"},
		{&CreatePaymentRecipientParams{TaxNumber: "12345678909", Name: "X", PaymentInstitutionID: institutionID, Account: &PaymentRecipientAccount{Branch: "1", Type: "CHECKING_ACCOUNT"}}, "account.number"},
		{&CreatePaymentRecipientParams{TaxNumber: "12345678909", Name: "X", PaymentInstitutionID: institutionID, Account: &PaymentRecipientAccount{Branch: "1", Number: "2"}}, "account.type"},
	} {
		_, err := c.Payments.Recipients.Create(ctx, tc.p)
		requireArgumentErr(t, err, tc.param)
	}
	assert.Zero(t, mock.GetTotalCallCount(), "nothing sent")
}

func TestPaymentRecipientsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/recipients/"+recipientID, 200, fixture(t, "payment-recipient-retrieve", "200"))
	got, err := c.Payments.Recipients.Get(context.Background(), recipientID)
	require.NoError(t, err)
	r, _ := cap.one(t)
	assert.Equal(t, "/api/payments/recipients/"+recipientID, r.URL.Path)
	assert.Equal(t, "Padaria Pão de Mel Ltda", got.Name)
	assert.Equal(t, "financeiro@paodemel.com.br", *got.PixKey)

	onRoute(t, mock, http.MethodGet, "/payments/recipients/gone", 404, fixture(t, "payment-recipient-retrieve", "404"))
	_, err = c.Payments.Recipients.Get(context.Background(), "gone")
	assert.True(t, errors.Is(err, ErrNotFound))
	_, err = c.Payments.Recipients.Get(context.Background(), "")
	requireArgumentErr(t, err, "id")
}

func TestPaymentRecipientsPathIsEscaped(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, `=~.*`, func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "/api/payments/recipients/a%2F..%2Fb", r.URL.EscapedPath())
		return httpmock.NewBytesResponse(200, fixture(t, "payment-recipient-retrieve", "200")), nil
	})
	_, err := c.Payments.Recipients.Get(context.Background(), "a/../b")
	require.NoError(t, err)
}

func TestPaymentRecipientsUpdate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	id := "c9e8d7f6-1a2b-4c3d-9e4f-5a6b7c8d9e0f"
	cap := onRoute(t, mock, http.MethodPatch, "/payments/recipients/"+id, 200, fixture(t, "payment-recipient-update", "200"))
	got, err := c.Payments.Recipients.Update(context.Background(), id, &UpdatePaymentRecipientParams{
		Name: "Mariana Costa Ribeiro Alves", TaxNumber: "123.456.789-09",
		Account: &PaymentRecipientAccount{Branch: "0001", Number: "9876543-2", Type: RecipientAccountChecking},
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"Mariana Costa Ribeiro Alves","taxNumber":"12345678909","account":{"branch":"0001","number":"9876543-2","type":"CHECKING_ACCOUNT"}}`, cap.body(t))
	assert.Equal(t, "Mariana Costa Ribeiro Alves", got.Name)

	_, err = c.Payments.Recipients.Update(context.Background(), id, &UpdatePaymentRecipientParams{})
	requireArgumentErr(t, err, "params")
	_, err = c.Payments.Recipients.Update(context.Background(), id, &UpdatePaymentRecipientParams{TaxNumber: "1"})
	requireArgumentErr(t, err, "taxNumber")
	_, err = c.Payments.Recipients.Update(context.Background(), id, &UpdatePaymentRecipientParams{Account: &PaymentRecipientAccount{}})
	requireArgumentErr(t, err, "account.branch")
	_, err = c.Payments.Recipients.Update(context.Background(), id, nil)
	requireArgumentErr(t, err, "params")
}

func TestPaymentRecipientsDelete(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodDelete, "/payments/recipients/"+recipientID, 200, []byte(`{}`))
	require.NoError(t, c.Payments.Recipients.Delete(context.Background(), recipientID))
	r, _ := cap.one(t)
	assert.Equal(t, http.MethodDelete, r.Method)
	requireArgumentErr(t, c.Payments.Recipients.Delete(context.Background(), ""), "id")
}

func TestPaymentInstitutionsListAndAll(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	page1 := fixture(t, "payment-recipients-institution-list", "200")
	page2 := fixture(t, "payment-recipients-institution-list", "200-page2")
	var pages []string
	mock.RegisterResponder(http.MethodGet, u("/payments/recipients/institutions"), func(r *http.Request) (*http.Response, error) {
		pages = append(pages, r.URL.Query().Get("page"))
		assert.Equal(t, "2", r.URL.Query().Get("pageSize"))
		assert.Equal(t, "Banco", r.URL.Query().Get("name"))
		if r.URL.Query().Get("page") == "2" {
			return httpmock.NewBytesResponse(200, page2), nil
		}
		return httpmock.NewBytesResponse(200, page1), nil
	})
	ctx := context.Background()
	p, err := c.Payments.Recipients.ListInstitutions(ctx, &PaymentInstitutionListParams{PageSize: 2, Name: " Banco "})
	require.NoError(t, err)
	assert.True(t, p.HasNext())
	assert.Equal(t, "Itaú", p.Results[0].TradeName)

	var ispbs []string
	for inst, err := range c.Payments.Recipients.AllInstitutions(ctx, &PaymentInstitutionListParams{PageSize: 2, Name: "Banco"}) {
		require.NoError(t, err)
		ispbs = append(ispbs, inst.ISPB)
	}
	assert.Equal(t, []string{"60701190", "18236120", "00416968", "37880206"}, ispbs)
	assert.Equal(t, []string{"", "1", "2"}, pages)

	// Breaking out of the loop stops the fetching.
	pages = nil
	for range c.Payments.Recipients.AllInstitutions(ctx, &PaymentInstitutionListParams{PageSize: 2, Name: "Banco"}) {
		break
	}
	assert.Equal(t, []string{"1"}, pages)

	_, err = c.Payments.Recipients.ListInstitutions(ctx, &PaymentInstitutionListParams{Page: -1})
	requireArgumentErr(t, err, "page")
}

func TestPaymentInstitutionsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	id := "7a3c5e9b-1d2f-4a6c-8e0b-2f4d6a8c0e1b"
	cap := onRoute(t, mock, http.MethodGet, "/payments/recipients/institutions/"+id, 200, fixture(t, "payment-recipient-institutions-retrieve", "200"))
	got, err := c.Payments.Recipients.GetInstitution(context.Background(), id)
	require.NoError(t, err)
	cap.one(t)
	assert.Equal(t, "37880206", got.ISPB)
	assert.Nil(t, got.Compe)
	_, err = c.Payments.Recipients.GetInstitution(context.Background(), "")
	requireArgumentErr(t, err, "id")
}
