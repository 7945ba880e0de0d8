package pluggy

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallRawSendsQueryAsGiven(t *testing.T) {
	c, mock := newTestClient(t)
	var gotRaw string
	mock.RegisterResponder(http.MethodGet, u("/v2/transactions"), func(r *http.Request) (*http.Response, error) {
		gotRaw = r.URL.RawQuery
		return jsonResponder(t, 200, []byte(`{"results":[],"next":null}`))(r)
	})
	var out struct{}
	raw := "?accountId=0f5c1d7e-8a3b-4c2d-9e6f-1a2b3c4d5e6f&after=MjAyNi0xMS0yMFQxMDowMDowMC4wMDBa+fQ%3D%3D"
	require.NoError(t, c.callRaw(context.Background(), "GET /v2/transactions", nil, raw, nil, &out))
	assert.Equal(t, raw[1:], gotRaw, "the query must reach the server byte for byte")
	assert.Equal(t, 1, mock.GetCallCountInfo()["GET "+u("/v2/transactions")])
}
