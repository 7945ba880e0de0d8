package pluggy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testOFItemID = "3d81f5c2-6a4e-4b97-9e0d-8c2b7a1f6e43"

func TestConsentsList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponderWithQuery(http.MethodGet, u("/consents"), url.Values{"itemId": {testOFItemID}},
		fixtureResponder(t, 200, "consents-list", "200"))
	page, err := c.Consents.List(context.Background(), testOFItemID, nil)
	require.NoError(t, err)
	require.Len(t, page.Results, 2)
	assert.False(t, page.HasNext())
	first := page.Results[0]
	assert.Equal(t, "71996b6d-8991-450c-8542-ae59069d1a9d", first.ID)
	assert.Equal(t, testOFItemID, first.ItemID)
	assert.Equal(t, []OpenFinancePermission{PermissionAccountsAll, PermissionCreditCardsAll, PermissionRegistrationAll}, first.OpenFinancePermissionsGranted)
	assert.Nil(t, first.RevokedAt)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	assert.True(t, first.Active(now))
	assert.False(t, first.Active(first.ExpiresAt.Add(time.Millisecond)))
	second := page.Results[1]
	assert.Equal(t, time.Date(2025, 11, 20, 10, 41, 33, 624e6, time.UTC), *second.RevokedAt)
	assert.False(t, second.Active(now))
}

func TestConsentsListBadItem(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/consents"), fixtureResponder(t, 400, "consents-list", "400"))
	_, err := c.Consents.List(context.Background(), "not-a-uuid", nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "itemId must be a UUID")
	_, err = c.Consents.List(context.Background(), testOFItemID, &ConsentListParams{Page: -1})
	var pe *ArgumentError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "page", pe.Param)
	assert.Equal(t, 1, mock.GetCallCountInfo()["GET "+u("/consents")])
}

// consentPages serves totalPages pages of two consents each and records the
// page numbers asked for ("" for the first).
func consentPages(t *testing.T, totalPages int, fail map[string]int) (http.HandlerFunc, *[]string) {
	var asked []string
	return func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, testOFItemID, r.URL.Query().Get("itemId"))
		p := r.URL.Query().Get("page")
		asked = append(asked, p)
		if st := fail[p]; st != 0 {
			w.WriteHeader(st)
			_, _ = w.Write([]byte(`{"code":500,"message":"Internal Server Error"}`))
			return
		}
		n := 1
		if p != "" {
			_, _ = fmt.Sscan(p, &n)
		}
		res := []Consent{}
		for i := range 2 {
			res = append(res, Consent{ID: fmt.Sprintf("c-%d-%d", n, i), ItemID: testOFItemID, Products: []Product{ProductAccounts},
				CreatedAt: time.Date(2026, 1, n, 9, 0, 0, 0, time.UTC)})
		}
		_ = json.NewEncoder(w).Encode(Page[Consent]{Page: n, Total: 2 * totalPages, TotalPages: totalPages, Results: res})
	}, &asked
}

// serveConsents answers GET /consents with h.
func serveConsents(mock *httpmock.MockTransport, h http.HandlerFunc) {
	mock.RegisterResponder(http.MethodGet, u("/consents"), func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		h(rec, r)
		return rec.Result(), nil
	})
}

func TestConsentsAll(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	h, asked := consentPages(t, 3, nil)
	serveConsents(mock, h)
	var ids []string
	for cs, err := range c.Consents.All(context.Background(), testOFItemID) {
		require.NoError(t, err)
		ids = append(ids, cs.ID)
	}
	assert.Equal(t, []string{"c-1-0", "c-1-1", "c-2-0", "c-2-1", "c-3-0", "c-3-1"}, ids)
	assert.Equal(t, []string{"", "2", "3"}, *asked)
}

func TestConsentsAllEarlyBreakAndError(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	h, asked := consentPages(t, 3, nil)
	serveConsents(mock, h)
	n := 0
	for _, err := range c.Consents.All(context.Background(), testOFItemID) {
		require.NoError(t, err)
		if n++; n == 2 {
			break
		}
	}
	// Page 2 may have gone out ahead once the loop took page 1's first
	// consent (one request ahead at most); nothing beyond it.
	assert.Contains(t, [][]string{{""}, {"", "2"}}, *asked, "breaking on page 1 fetches at most the page ahead")

	c2, mock2 := newTestClient(t, WithRetries(0))
	h2, asked2 := consentPages(t, 3, map[string]int{"2": 500})
	serveConsents(mock2, h2)
	var errs, items int
	for _, err := range c2.Consents.All(context.Background(), testOFItemID) {
		if err != nil {
			errs++
			continue
		}
		items++
	}
	assert.Equal(t, 1, errs)
	assert.Equal(t, 2, items)
	assert.Equal(t, []string{"", "2"}, *asked2)
}

func TestConsentsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	const id = "71996b6d-8991-450c-8542-ae59069d1a9d"
	mock.RegisterResponder(http.MethodGet, u("/consents/"+id), fixtureResponder(t, 200, "consent-retrieve", "200"))
	cs, err := c.Consents.Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, id, cs.ID)
	assert.Equal(t, []Product{ProductAccounts, ProductCreditCards, ProductTransactions, ProductIdentity}, cs.Products)
	assert.Equal(t, time.Date(2027, 5, 14, 13, 22, 47, 381e6, time.UTC), *cs.ExpiresAt)

	mock.RegisterResponder(http.MethodGet, u("/consents/"+id), fixtureResponder(t, 404, "consent-retrieve", "404"))
	_, err = c.Consents.Get(context.Background(), id)
	assert.True(t, errors.Is(err, ErrNotFound))
	_, err = c.Consents.Get(context.Background(), "")
	var pe *ArgumentError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 2, mock.GetTotalCallCount()-mock.GetCallCountInfo()["POST "+u("/auth")])
}

func TestConsentFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	assertRoundTrip[Page[Consent]](t, fixture(t, "consents-list", "200"))
	assertRoundTrip[Consent](t, fixture(t, "consent-retrieve", "200"))
}
