package pluggy

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	boletoID     = "c7d8e9f0-a1b2-4c3d-8e4f-5a6b7c8d9e0f"
	boletoConnID = "a5b6c7d8-e9f0-4a1b-8c2d-3e4f5a6b7c8d"
)

func validBoletoParams() *CreateBoletoParams {
	return &CreateBoletoParams{
		BoletoConnectionID: boletoConnID,
		Boleto: BoletoParams{
			SeuNumero: "NF-10234",
			Amount:    MustDecimal("349.90"),
			DueDate:   time.Date(2026, 12, 10, 0, 0, 0, 0, brasilia),
			Payer: BoletoPayerParams{
				TaxNumber: "123.456.789-09", Name: "João Pedro Almeida", AddressStreet: "Rua das Laranjeiras, 120",
				AddressCity: "Rio de Janeiro", AddressState: "rj", AddressZipCode: "22240-003",
			},
			Fine:     &BoletoFine{Value: MustDecimal("2"), Type: BoletoFinePercentage},
			Interest: &BoletoInterest{Value: MustDecimal("1"), Type: BoletoInterestPercentage},
		},
	}
}

func TestBoletosCreateConnection(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/boleto-connections", 200, fixture(t, "boleto-connection-create", "200"))
	params := &CreateBoletoConnectionParams{ConnectorID: 225, Credentials: map[string]string{
		"clientId": "inter-client-7d1e", "clientSecret": "s3cr3t-boleto-9f8e", "certificate": "LS0tLS1CRUdJTg==", "privateKey": "LS0tLS1QUklWQVRF",
	}}
	got, err := c.Payments.Boletos.CreateConnection(context.Background(), params)
	require.NoError(t, err)
	assert.JSONEq(t, `{"connectorId":225,"credentials":{"clientId":"inter-client-7d1e","clientSecret":"s3cr3t-boleto-9f8e","certificate":"LS0tLS1CRUdJTg==","privateKey":"LS0tLS1QUklWQVRF"}}`, cap.body(t))
	assert.Equal(t, boletoConnID, got.ID)
	assert.Equal(t, 225, got.ConnectorID)

	// The credentials never show when the params are printed.
	for _, s := range []string{fmt.Sprint(params), fmt.Sprintf("%+v", *params), fmt.Sprintf("%#v", params), fmt.Sprintf("%s", params)} {
		assert.NotContains(t, s, "s3cr3t-boleto-9f8e")
		assert.NotContains(t, s, "LS0tLS1QUklWQVRF")
		assert.Contains(t, s, "clientSecret")
	}
}

func TestBoletosCreateConnectionSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	c, mock := newTestClient(t, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	onRoute(t, mock, http.MethodPost, "/boleto-connections", 400, fixture(t, "boleto-connection-create", "400"))
	_, err := c.Payments.Boletos.CreateConnection(context.Background(), &CreateBoletoConnectionParams{ConnectorID: 225, Credentials: map[string]string{"clientSecret": "s3cr3t-boleto-9f8e"}})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t-boleto-9f8e")
	assert.NotContains(t, logs.String(), "s3cr3t-boleto-9f8e")
	_, err = c.Payments.Boletos.CreateConnection(context.Background(), &CreateBoletoConnectionParams{ConnectorID: 225, Credentials: map[string]string{"clientSecret": ""}})
	requireArgumentErr(t, err, "credentials.clientSecret")
	assert.NotContains(t, err.Error(), "s3cr3t")
}

func TestBoletosCreateConnectionChecks(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	for _, tc := range []struct {
		p     *CreateBoletoConnectionParams
		param string
	}{
		{nil, "params"},
		{&CreateBoletoConnectionParams{Credentials: map[string]string{"a": "b"}}, "connectorId"},
		{&CreateBoletoConnectionParams{ConnectorID: 225}, "credentials"},
		{&CreateBoletoConnectionParams{ConnectorID: 225, Credentials: map[string]string{" ": "b"}}, "credentials"},
	} {
		_, err := c.Payments.Boletos.CreateConnection(context.Background(), tc.p)
		requireArgumentErr(t, err, tc.param)
	}
	assertNothingSent(t, mock)
}

func TestBoletosCreateConnectionFromItem(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/boleto-connections/from-item", 200, fixture(t, "boleto-connection-create-from-item", "200"))
	got, err := c.Payments.Boletos.CreateConnectionFromItem(context.Background(), "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40")
	require.NoError(t, err)
	assert.JSONEq(t, `{"itemId":"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}`, cap.body(t))
	assert.Equal(t, "b6c7d8e9-f0a1-4b2c-9d3e-4f5a6b7c8d9e", got.ID)
	_, err = c.Payments.Boletos.CreateConnectionFromItem(context.Background(), "")
	requireArgumentErr(t, err, "itemId")
}

func TestBoletosCreate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/boletos", 200, fixture(t, "boleto-create", "200"))
	got, err := c.Payments.Boletos.Create(context.Background(), validBoletoParams())
	require.NoError(t, err)
	assert.JSONEq(t, `{"boletoConnectionId":"`+boletoConnID+`","boleto":{"seuNumero":"NF-10234","amount":349.90,"dueDate":"2026-12-10T00:00:00-03:00",
		"payer":{"taxNumber":"12345678909","name":"João Pedro Almeida","addressStreet":"Rua das Laranjeiras, 120","addressCity":"Rio de Janeiro","addressState":"RJ","addressZipCode":"22240003"},
		"fine":{"value":2,"type":"PERCENTAGE"},"interest":{"value":1,"type":"PERCENTAGE"}}}`, cap.body(t))
	assert.Equal(t, boletoID, got.ID)
	assert.Equal(t, IssuedBoletoOpen, got.Status)
	assert.Equal(t, "349.9", got.Amount.String())
	assert.True(t, got.AmountPaid.IsZero())
	assert.Nil(t, got.PaymentOrigin)
	assert.Equal(t, "RJ", got.Payer.AddressState)
	assert.Equal(t, BoletoFinePercentage, got.Fine.Type)
	assert.Equal(t, samplePix, *got.PixQR)
}

func TestBoletosCreateChecks(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	for _, tc := range []struct {
		edit  func(p *CreateBoletoParams)
		param string
	}{
		{func(p *CreateBoletoParams) { p.BoletoConnectionID = "" }, "boletoConnectionId"},
		{func(p *CreateBoletoParams) { p.Boleto.SeuNumero = "" }, "boleto.seuNumero"},
		{func(p *CreateBoletoParams) { p.Boleto.SeuNumero = "NF-1023456789" }, "boleto.seuNumero"},
		{func(p *CreateBoletoParams) { p.Boleto.Amount = Decimal{} }, "boleto.amount"},
		{func(p *CreateBoletoParams) { p.Boleto.Amount = MustDecimal("2.49") }, "boleto.amount"},
		{func(p *CreateBoletoParams) { p.Boleto.DueDate = time.Time{} }, "boleto.dueDate"},
		{func(p *CreateBoletoParams) { p.Boleto.DueDate = time.Date(2026, 11, 22, 23, 0, 0, 0, brasilia) }, "boleto.dueDate"},
		{func(p *CreateBoletoParams) { p.Boleto.Payer.TaxNumber = "123" }, "boleto.payer.taxNumber"},
		{func(p *CreateBoletoParams) { p.Boleto.Payer.Name = "" }, "boleto.payer.name"},
		{func(p *CreateBoletoParams) { p.Boleto.Payer.AddressState = "Rio" }, "boleto.payer.addressState"},
		{func(p *CreateBoletoParams) { p.Boleto.Payer.AddressZipCode = "2224-003" }, "boleto.payer.addressZipCode"},
		{func(p *CreateBoletoParams) { p.Boleto.Fine.Value = MustDecimal("-1") }, "boleto.fine.value"},
		{func(p *CreateBoletoParams) { p.Boleto.Fine.Type = "DAILY" }, "boleto.fine.type"},
		{func(p *CreateBoletoParams) { p.Boleto.Interest.Type = BoletoInterestType(BoletoFineFixed) }, "boleto.interest.type"},
	} {
		p := validBoletoParams()
		tc.edit(p)
		_, err := c.Payments.Boletos.Create(context.Background(), p)
		requireArgumentErr(t, err, tc.param)
	}
	_, err := c.Payments.Boletos.Create(context.Background(), nil)
	requireArgumentErr(t, err, "params")
	assertNothingSent(t, mock)

	// Due today in Brasília is fine (09:00 there by the test clock).
	cap := onRoute(t, mock, http.MethodPost, "/boletos", 200, fixture(t, "boleto-create", "200"))
	p := validBoletoParams()
	p.Boleto.DueDate = time.Date(2026, 11, 23, 23, 59, 0, 0, brasilia)
	_, err = c.Payments.Boletos.Create(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, 1, cap.n())
}

func TestBoletosCancelAndGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cancel := onRoute(t, mock, http.MethodPost, "/boletos/"+boletoID+"/cancel", 200, fixture(t, "boleto-cancel", "200"))
	get := onRoute(t, mock, http.MethodGet, "/boletos/"+boletoID, 200, fixture(t, "boleto-get", "200"))
	ctx := context.Background()

	got, err := c.Payments.Boletos.Cancel(ctx, boletoID)
	require.NoError(t, err)
	r, b := cancel.one(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Empty(t, b)
	assert.Equal(t, IssuedBoletoCancelled, got.Status)

	got, err = c.Payments.Boletos.Get(ctx, boletoID)
	require.NoError(t, err)
	get.one(t)
	assert.Equal(t, IssuedBoletoPaid, got.Status)
	assert.Equal(t, "349.9", got.AmountPaid.String())
	assert.Equal(t, BoletoPaidByPix, *got.PaymentOrigin)
	assert.Equal(t, time.Date(2026, 12, 2, 15, 47, 21, 339000000, time.UTC), *got.PaidAt)

	_, err = c.Payments.Boletos.Cancel(ctx, "")
	requireArgumentErr(t, err, "id")
	_, err = c.Payments.Boletos.Get(ctx, "")
	requireArgumentErr(t, err, "id")
}
