package pluggytest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type connectorList struct {
	Page       int              `json:"page"`
	Total      int              `json:"total"`
	TotalPages int              `json:"totalPages"`
	Results    []map[string]any `json:"results"`
}

func (h *bankHarness) connectorIDs(q url.Values) []float64 {
	h.t.Helper()
	var l connectorList
	h.doInto("GET /connectors", nil, q, nil, &l)
	require.Equal(h.t, len(l.Results), l.Total)
	ids := []float64{}
	for _, c := range l.Results {
		ids = append(ids, c["id"].(float64))
	}
	return ids
}

func TestListConnectors(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	assert.Equal(t, []float64{201, 219}, h.connectorIDs(nil), "sandbox connectors only with sandbox=true")
	assert.Equal(t, []float64{0, 1, 2, 3, 4, 5, 6, 201, 219}, h.connectorIDs(url.Values{"sandbox": {"true"}}))
	assert.Equal(t, []float64{2}, h.connectorIDs(url.Values{"sandbox": {"true"}, "types": {"BUSINESS_BANK,INVESTMENT"}}))
	assert.Equal(t, []float64{201}, h.connectorIDs(url.Values{"name": {"itau"}}), "names match without accents")
	assert.Equal(t, []float64{3}, h.connectorIDs(url.Values{"name": {"CONJUNTA"}, "sandbox": {"true"}}))
	assert.Equal(t, []float64{6}, h.connectorIDs(url.Values{"sandbox": {"true"}, "isOpenFinance": {"true"}}))
	assert.Equal(t, []float64{6}, h.connectorIDs(url.Values{"sandbox": {"true"}, "supportsPaymentInitiation": {"true"}}))
	assert.Equal(t, []float64{6}, h.connectorIDs(url.Values{"sandbox": {"true"}, "supportsSmartTransfers": {"true"}}))
	assert.Equal(t, []float64{201, 219}, h.connectorIDs(url.Values{"supportsAutomaticPix": {"false"}, "countries": {"BR"}}))

	for _, q := range []url.Values{{"types": {"BANK"}}, {"countries": {"AR"}}, {"sandbox": {"talvez"}}} {
		e := h.fail("GET /connectors", nil, q, nil)
		assert.Equal(t, http.StatusBadRequest, e.StatusCode, q.Encode())
	}
}

func TestConnectorShapes(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	c := h.do("GET /connectors/{id}", []string{"0"}, nil, nil)
	assert.Equal(t, "Pluggy Bank", c["name"])
	assert.Equal(t, "PERSONAL_BANK", c["type"])
	assert.Equal(t, "BR", c["country"])
	assert.Equal(t, true, c["isSandbox"])
	assert.Equal(t, true, c["hasMFA"])
	assert.Equal(t, false, c["oauth"])
	assert.Equal(t, map[string]any{"status": "ONLINE", "stage": nil}, c["health"])
	creds := c["credentials"].([]any)
	require.Len(t, creds, 2)
	assert.Equal(t, "user", creds[0].(map[string]any)["name"])
	assert.Equal(t, "password", creds[1].(map[string]any)["type"])

	c = h.do("GET /connectors/{id}", []string{"1"}, nil, nil)
	token := c["credentials"].([]any)[2].(map[string]any)
	assert.Equal(t, true, token["mfa"], "one-step MFA: the token is a credential")
	assert.Equal(t, false, c["hasMFA"])

	c = h.do("GET /connectors/{id}", []string{"6"}, nil, nil)
	assert.Equal(t, true, c["oauth"])
	assert.Equal(t, true, c["isOpenFinance"])

	e := h.fail("GET /connectors/{id}", []string{"999"}, nil, nil)
	assert.Equal(t, http.StatusNotFound, e.StatusCode)
	assert.Equal(t, "CONNECTOR_NOT_FOUND", e.CodeDescription)
	e = h.fail("GET /connectors/{id}", []string{"itau"}, nil, nil)
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
}

func TestConnectorHealthDetails(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	c := h.do("GET /connectors/{id}", []string{"201"}, url.Values{"healthDetails": {"true"}}, nil)
	assert.Equal(t, map[string]any{"connectionRateLast6Hours": nil, "connectionsLast6Hours": float64(0)}, c["health"].(map[string]any)["details"])

	h.connected(ConnectorItau)
	id := str(h.createItem(ConnectorItau, map[string]string{"agency": "0001", "account": "12345-6", "password": SandboxPassword}), "id")
	h.drive(id, nil)
	c = h.do("GET /connectors/{id}", []string{"201"}, url.Values{"healthDetails": {"true"}}, nil)
	assert.Equal(t, map[string]any{"connectionRateLast6Hours": float64(100), "connectionsLast6Hours": float64(2)}, c["health"].(map[string]any)["details"])
	var l connectorList
	h.doInto("GET /connectors", nil, url.Values{"healthDetails": {"true"}}, nil, &l)
	assert.NotNil(t, l.Results[0]["health"].(map[string]any)["details"])
}

func TestValidateConnector(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	out := h.do("POST /connectors/{id}/validate", []string{"201"}, nil, map[string]string{"agency": "0001", "account": "12345-6", "password": "x"})
	assert.Equal(t, map[string]any{"parameters": map[string]any{"agency": "0001", "account": "12345-6", "password": "x"}, "errors": []any{}}, out)

	out = h.do("POST /connectors/{id}/validate", []string{"201"}, nil, map[string]string{"agency": "12"})
	assert.Equal(t, []any{
		map[string]any{"code": "002", "message": "A agência deve ter 4 números", "parameter": "agency"},
		map[string]any{"code": "001", "message": "account parameter is required", "parameter": "account"},
		map[string]any{"code": "001", "message": "password parameter is required", "parameter": "password"},
	}, out["errors"])

	e := h.fail("POST /connectors/{id}/validate", []string{"998"}, nil, map[string]string{})
	assert.Equal(t, http.StatusNotFound, e.StatusCode)
	e = h.fail("POST /connectors/{id}/validate", []string{"0"}, nil, []string{"x"})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
}
