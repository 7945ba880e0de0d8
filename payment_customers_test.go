package pluggy

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const customerID = "e2d4f6a8-0b1c-4d3e-9f5a-6b7c8d9e0f1a"

func TestPaymentCustomersList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/customers", 200, fixture(t, "payment-customers-list", "200"))
	page, err := c.Payments.Customers.List(context.Background(), &PaymentCustomerListParams{
		Page: 1, PageSize: 50, Name: "João", Email: "joao.almeida@exemplo.com.br", CPF: "123.456.789-09",
	})
	require.NoError(t, err)
	r, _ := cap.one(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/api/payments/customers", r.URL.Path)
	assert.Equal(t, "cpf=12345678909&email=joao.almeida%40exemplo.com.br&name=Jo%C3%A3o&page=1&pageSize=50", r.URL.RawQuery)
	q := cap.query(t)
	assert.Equal(t, "12345678909", q.Get("cpf"))
	assert.Equal(t, "João", q.Get("name"))
	assert.Equal(t, "50", q.Get("pageSize"))
	assert.Empty(t, q.Get("cnpj"))
	require.Len(t, page.Results, 2)
	assert.Equal(t, 2, page.Total)
	assert.Equal(t, PaymentCustomerIndividual, page.Results[0].Type)
	assert.Equal(t, "***.456.789-**", *page.Results[0].CPF)
	require.NotNil(t, page.Results[0].Connector)
	assert.Equal(t, 612, page.Results[0].Connector.ID)
	assert.Equal(t, ConnectorTypePersonalBank, *page.Results[0].Connector.Type)
	assert.Equal(t, CountryBR, *page.Results[0].Connector.Country)
	assert.Equal(t, PaymentCustomerBusiness, page.Results[1].Type)
	assert.Equal(t, "**.987.654/0001-**", *page.Results[1].CNPJ)

	_, err = c.Payments.Customers.List(context.Background(), &PaymentCustomerListParams{CNPJ: "123"})
	requireArgumentErr(t, err, "cnpj")
	_, err = c.Payments.Customers.List(context.Background(), &PaymentCustomerListParams{PageSize: 501})
	requireArgumentErr(t, err, "pageSize")
}

func TestPaymentCustomersAll(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/customers", 200, fixture(t, "payment-customers-list", "200"))
	var names []string
	for cu, err := range c.Payments.Customers.All(context.Background(), nil) {
		require.NoError(t, err)
		names = append(names, cu.Name)
	}
	assert.Equal(t, []string{"João Pedro Almeida", "Oficina Mecânica Boa Viagem ME"}, names)
	assert.Equal(t, "1", cap.query(t).Get("page"))
}

func TestPaymentCustomersCreate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/payments/customers", 200, fixture(t, "payment-customer-create", "200"))
	got, err := c.Payments.Customers.Create(context.Background(), &CreatePaymentCustomerParams{
		Type: PaymentCustomerIndividual, Name: "João Pedro Almeida", Email: "joao.almeida@exemplo.com.br",
		CPF: "123.456.789-09", ConnectorID: Ptr(612),
	})
	require.NoError(t, err)
	r, _ := cap.one(t)
	assert.Equal(t, "/api/payments/customers", r.URL.Path)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"type":"INDIVIDUAL","name":"João Pedro Almeida","email":"joao.almeida@exemplo.com.br","cpf":"12345678909","connectorId":612}`, cap.body(t))
	assert.Equal(t, customerID, got.ID)
	assert.Equal(t, "João Pedro Almeida", got.Name)
	assert.Nil(t, got.Connector)
	assert.Equal(t, 2026, got.CreatedAt.Year())
}

func TestPaymentCustomersCreateChecks(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	for _, tc := range []struct {
		p     *CreatePaymentCustomerParams
		param string
	}{
		{nil, "params"},
		{&CreatePaymentCustomerParams{Name: "João", CPF: "12345678909"}, "type"},
		{&CreatePaymentCustomerParams{Type: "PERSON", Name: "João", CPF: "12345678909"}, "type"},
		{&CreatePaymentCustomerParams{Type: PaymentCustomerIndividual, CPF: "12345678909"}, "name"},
		{&CreatePaymentCustomerParams{Type: PaymentCustomerIndividual, Name: "  "}, "name"},
		{&CreatePaymentCustomerParams{Type: PaymentCustomerIndividual, Name: "João"}, "cpf"},
		{&CreatePaymentCustomerParams{Type: PaymentCustomerIndividual, Name: "João", CPF: "1234567890"}, "cpf"},
		{&CreatePaymentCustomerParams{Type: PaymentCustomerBusiness, Name: "Oficina", CPF: "12345678909"}, "cnpj"},
		{&CreatePaymentCustomerParams{Type: PaymentCustomerBusiness, Name: "Oficina", CNPJ: "12.345.678/0001"}, "cnpj"},
		{&CreatePaymentCustomerParams{Type: PaymentCustomerIndividual, Name: "João", CPF: "12345678909", Email: "joao"}, "email"},
		{&CreatePaymentCustomerParams{Type: PaymentCustomerIndividual, Name: "João", CPF: "12345678909", ConnectorID: Ptr(-1)}, "connectorId"},
	} {
		_, err := c.Payments.Customers.Create(ctx, tc.p)
		requireArgumentErr(t, err, tc.param)
	}
	assert.Empty(t, mock.GetCallCountInfo()["POST "+u("/payments/customers")], "nothing sent")
	// A business with a punctuated CNPJ is fine and sent as digits.
	cap := onRoute(t, mock, http.MethodPost, "/payments/customers", 200, fixture(t, "payment-customer-create", "200"))
	_, err := c.Payments.Customers.Create(ctx, &CreatePaymentCustomerParams{Type: PaymentCustomerBusiness, Name: "Oficina", CNPJ: "12.345.678/0001-95"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"BUSINESS","name":"Oficina","cnpj":"12345678000195"}`, cap.body(t))
}

func TestPaymentCustomersGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/customers/"+customerID, 200, fixture(t, "payment-customer-retrieve", "200"))
	got, err := c.Payments.Customers.Get(context.Background(), customerID)
	require.NoError(t, err)
	r, b := cap.one(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Empty(t, b)
	assert.Equal(t, "joao.almeida@exemplo.com.br", *got.Email)
	assert.Equal(t, "Nubank", *got.Connector.Name)
	_, err = c.Payments.Customers.Get(context.Background(), " ")
	requireArgumentErr(t, err, "id")

	onRoute(t, mock, http.MethodGet, "/payments/customers/missing", 404, fixture(t, "payment-customer-retrieve", "404"))
	_, err = c.Payments.Customers.Get(context.Background(), "missing")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestPaymentCustomersUpdate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPatch, "/payments/customers/"+customerID, 200, fixture(t, "payment-customer-update", "200"))
	got, err := c.Payments.Customers.Update(context.Background(), customerID, &UpdatePaymentCustomerParams{Email: "joao.pedro@exemplo.com.br", CPF: "123.456.789-09"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"email":"joao.pedro@exemplo.com.br","cpf":"12345678909"}`, cap.body(t))
	assert.Equal(t, "joao.pedro@exemplo.com.br", *got.Email)

	_, err = c.Payments.Customers.Update(context.Background(), customerID, &UpdatePaymentCustomerParams{})
	requireArgumentErr(t, err, "params")
	_, err = c.Payments.Customers.Update(context.Background(), customerID, &UpdatePaymentCustomerParams{Type: "X"})
	requireArgumentErr(t, err, "type")
	_, err = c.Payments.Customers.Update(context.Background(), "", &UpdatePaymentCustomerParams{Name: "X"})
	requireArgumentErr(t, err, "id")
	assert.Equal(t, 1, cap.n())
}

func TestPaymentCustomersDelete(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodDelete, "/payments/customers/"+customerID, 200, nil)
	require.NoError(t, c.Payments.Customers.Delete(context.Background(), customerID))
	r, _ := cap.one(t)
	assert.Equal(t, http.MethodDelete, r.Method)
	requireArgumentErr(t, c.Payments.Customers.Delete(context.Background(), ""), "id")
}
