package pluggy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnectorsList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	var got url.Values
	mock.RegisterResponder(http.MethodGet, u("/connectors"), func(r *http.Request) (*http.Response, error) {
		got = r.URL.Query()
		return fixtureResponder(t, 200, "connectors-list", "200")(r)
	})
	page, err := c.Connectors.List(context.Background(), &ConnectorListParams{
		Countries:                 []Country{CountryBR},
		Types:                     []ConnectorType{ConnectorTypePersonalBank, ConnectorTypeBusinessBank},
		Name:                      "Itaú",
		Sandbox:                   Ptr(true),
		HealthDetails:             Ptr(false),
		IsOpenFinance:             Ptr(false),
		SupportsPaymentInitiation: Ptr(true),
		SupportsSmartTransfers:    Ptr(false),
		SupportsAutomaticPix:      Ptr(true),
	})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"countries":                 {"BR"},
		"types":                     {"PERSONAL_BANK,BUSINESS_BANK"},
		"name":                      {"Itaú"},
		"sandbox":                   {"true"},
		"healthDetails":             {"false"},
		"isOpenFinance":             {"false"},
		"supportsPaymentInitiation": {"true"},
		"supportsSmartTransfers":    {"false"},
		"supportsAutomaticPix":      {"true"},
	}, got)

	require.Len(t, page.Results, 3)
	assert.Equal(t, 1, page.Page)
	assert.Equal(t, 3, page.Total)
	bank := page.Results[0]
	assert.Equal(t, 0, bank.ID)
	assert.Equal(t, "Pluggy Bank", *bank.Name)
	assert.True(t, *bank.IsSandbox)
	assert.True(t, *bank.HasMFA)
	assert.Equal(t, ConnectorTypePersonalBank, *bank.Type)
	assert.Equal(t, CountryBR, *bank.Country)
	assert.Equal(t, ConnectorOnline, *bank.Health.Status)
	assert.Nil(t, bank.Health.Stage)
	assert.Contains(t, bank.Products, ProductInvestmentsTransactions)
	pw, ok := bank.Credential("password")
	require.True(t, ok)
	assert.Equal(t, ParameterTypePassword, pw.Type)
	assert.Error(t, pw.Validate("123"))
	assert.NoError(t, pw.Validate("password-ok"))

	ailos := page.Results[2]
	coop, ok := ailos.Credential("cooperative")
	require.True(t, ok)
	assert.Equal(t, ParameterTypeSelect, coop.Type)
	assert.Len(t, coop.Options, 3)
	assert.Equal(t, "BETA", *ailos.Health.Stage)
	assert.Equal(t, ConnectorUnstable, *ailos.Health.Status)
	_, ok = ailos.Credential("token")
	assert.False(t, ok)
}

func TestConnectorsListNoParams(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/connectors"), func(r *http.Request) (*http.Response, error) {
		assert.Empty(t, r.URL.RawQuery)
		return fixtureResponder(t, 200, "connectors-list", "200")(r)
	})
	page, err := c.Connectors.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, page.Results, 3)
}

func TestConnectorsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponderWithQuery(http.MethodGet, u("/connectors/612"), "healthDetails=true",
		fixtureResponder(t, 200, "connector-retrieve", "200"))
	conn, err := c.Connectors.Get(context.Background(), 612, &ConnectorGetParams{HealthDetails: Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, 612, conn.ID)
	assert.Equal(t, "Nubank", *conn.Name)
	assert.True(t, *conn.IsOpenFinance)
	assert.True(t, *conn.OAuth)
	assert.True(t, *conn.SupportsAutomaticPix)
	require.NotNil(t, conn.Health.Details)
	assert.InDelta(t, 97.5, *conn.Health.Details.ConnectionRateLast6Hours, 1e-9)
	assert.Equal(t, 412, *conn.Health.Details.ConnectionsLast6Hours)
	assert.Equal(t, "2023-09-01T18:05:09.145Z", conn.CreatedAt.Format("2006-01-02T15:04:05.000Z"))
	cpf, _ := conn.Credential("cpf")
	assert.NoError(t, cpf.Validate("123.456.789-09"))
	assert.EqualError(t, cpf.Validate("1234"), "pluggy: invalid cpf: CPF deve ter 11 números.")
}

func TestConnectorsGetSandboxZeroAndNotFound(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/connectors/0"), func(r *http.Request) (*http.Response, error) {
		assert.Empty(t, r.URL.RawQuery)
		return fixtureResponder(t, 404, "connector-retrieve", "404")(r)
	})
	_, err := c.Connectors.Get(context.Background(), 0, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrNotFound))
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "CONNECTOR_NOT_FOUND", apiErr.CodeDescription)
	assert.Equal(t, "GET /connectors/{id}", apiErr.Route)
}

func TestConnectorsValidate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/connectors/0/validate"), func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, map[string]any{"user": "user-ok", "password": "1234"}, requestBody(t, r))
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		return fixtureResponder(t, 200, "connectors-validate", "200")(r)
	})
	v, err := c.Connectors.Validate(context.Background(), 0, map[string]string{"user": "user-ok", "password": "1234"})
	require.NoError(t, err)
	assert.False(t, v.Valid())
	require.Len(t, v.Errors, 1)
	assert.Equal(t, "password", v.Errors[0].Parameter)
	assert.Equal(t, "002", v.Errors[0].Code)
	assert.JSONEq(t, `{"min":6}`, string(v.Errors[0].Data))
	assert.Equal(t, "1234", v.Parameters["password"])

	mock.RegisterResponder(http.MethodPost, u("/connectors/0/validate"), fixtureResponder(t, 200, "connectors-validate", "200-valid"))
	v, err = c.Connectors.Validate(context.Background(), 0, map[string]string{"user": "user-ok", "password": "password-ok"})
	require.NoError(t, err)
	assert.True(t, v.Valid())
}

func TestConnectorsLocalValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	cases := map[string]struct {
		call  func() error
		param string
	}{
		"get negative id":        {func() error { _, err := c.Connectors.Get(ctx, -1, nil); return err }, "id"},
		"validate negative id":   {func() error { _, err := c.Connectors.Validate(ctx, -3, map[string]string{"a": "b"}); return err }, "id"},
		"validate no parameters": {func() error { _, err := c.Connectors.Validate(ctx, 201, nil); return err }, "parameters"},
		"list empty country": {func() error {
			_, err := c.Connectors.List(ctx, &ConnectorListParams{Countries: []Country{""}})
			return err
		}, "countries"},
		"list comma in type": {func() error {
			_, err := c.Connectors.List(ctx, &ConnectorListParams{Types: []ConnectorType{"PERSONAL_BANK,OTHER"}})
			return err
		}, "types"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := tc.call()
			var pe *ArgumentError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.param, pe.Param)
			assert.True(t, errors.Is(err, ErrInvalidArgument))
		})
	}
	assert.Empty(t, mock.GetCallCountInfo()["GET "+u("/connectors")])
	assertNothingSent(t, mock)
}

func TestConnectorFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	assertRoundTrip[Page[Connector]](t, fixture(t, "connectors-list", "200"))
	assertRoundTrip[Connector](t, fixture(t, "connector-retrieve", "200"))
	assertRoundTrip[ConnectorValidation](t, fixture(t, "connectors-validate", "200"))
	assertRoundTrip[ConnectorValidation](t, fixture(t, "connectors-validate", "200-valid"))
}

// TestConnectorValidationStringShowsData: a violation's Data prints as the
// JSON the server sent, not as the numbers of its bytes.
func TestConnectorValidationStringShowsData(t *testing.T) {
	v := ConnectorValidation{
		Errors: []FieldViolation{
			{Code: "001", Message: "too short", Parameter: "password", Data: json.RawMessage(`{"min":6}`)},
			{Code: "002", Message: "bad agency", Parameter: "agency"},
		},
		Parameters: map[string]string{"password": "hunter22", "agency": "0001"},
	}
	for _, out := range []string{v.String(), fmt.Sprint(v), fmt.Sprintf("%+v", v)} {
		assert.Contains(t, out, `{001 too short password {"min":6}} {002 bad agency agency}`)
		assert.NotContains(t, out, "123 34", "Data is not printed as bytes")
		assert.NotContains(t, out, "hunter22")
	}
}
