package pluggy

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMerchantsGetByCNPJ(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/merchants", fixtureResponder(t, 200, "merchants-get-by-cnpj", "200"))

	res, err := c.Merchants.GetByCNPJ(context.Background(), "14380200000121", "60.701.190/0001-04", "11222333000181", "12345678000100")
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/merchants", url.Values{
		"cnpjs": {"14380200000121,60.701.190/0001-04,11222333000181,12345678000100"},
	})
	require.Len(t, res.FoundMerchants, 2)
	ifood := res.FoundMerchants[0]
	assert.Equal(t, "iFood", *ifood.Name)
	assert.Equal(t, "IFOOD.COM AGENCIA DE RESTAURANTES ONLINE S.A.", *ifood.BusinessName)
	assert.Equal(t, "14380200000121", *ifood.CNPJ)
	assert.Equal(t, "7490104", *ifood.CNAE)
	assert.Equal(t, "Food delivery", *ifood.Category)
	assert.Equal(t, "6422100", *res.FoundMerchants[1].CNAE)
	assert.Equal(t, []string{"11222333000181"}, res.NotFoundMerchants)
	assert.Equal(t, []string{"12345678000100"}, res.InvalidCNPJs)
}

func TestMerchantsValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	_, err := c.Merchants.GetByCNPJ(context.Background())
	requireArgumentErr(t, err, "cnpjs")
	_, err = c.Merchants.GetByCNPJ(context.Background(), "14380200000121", "")
	requireArgumentErr(t, err, "cnpjs")
	_, err = c.Merchants.GetByCNPJ(context.Background(), "14380200000121,60701190000104")
	requireArgumentErr(t, err, "cnpjs")
	assertNothingSent(t, mock)
}

func TestMerchantsFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip[MerchantLookup](t, "merchants-get-by-cnpj", "200")
}
