package pluggy

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testInvestmentID = "0b6e3f2a-9c1d-4a87-b4e5-7d2f1c8a9e36"

var investmentWalkIDs = []string{
	"0b6e3f2a-9c1d-4a87-b4e5-7d2f1c8a9e36",
	"9f4c7b1e-2d8a-4e63-a0c5-1b7e9d3f5a82",
	"3a8d5e2f-6b1c-4f94-87a3-0e9c2d4b6f17",
	"c7e1a9d3-5f2b-4c68-9d40-8a6b3e1f2c95",
	"e5b2c8f1-7a3d-4b96-a2e4-6c9f0d1b3a58",
}

// investmentPages answers GET /investments with the fixture page named by
// the request's page parameter (1 when absent); override replaces page 2.
func investmentPages(t *testing.T, mock *httpmock.MockTransport, page2 httpmock.Responder) *recorder {
	t.Helper()
	pages := map[string]httpmock.Responder{
		"1": fixtureResponder(t, 200, "investments-list", "200-page1"),
		"2": fixtureResponder(t, 200, "investments-list", "200-page2"),
		"3": fixtureResponder(t, 200, "investments-list", "200-page3"),
	}
	if page2 != nil {
		pages["2"] = page2
	}
	return on(mock, http.MethodGet, "/investments", func(r *http.Request) (*http.Response, error) {
		p := r.URL.Query().Get("page")
		if p == "" {
			p = "1"
		}
		resp, ok := pages[p]
		if !ok {
			t.Errorf("unexpected page %q", p)
			return httpmock.NewStringResponse(400, `{"code":400,"message":"bad page"}`), nil
		}
		return resp(r)
	})
}

func investmentIDs(invs []Investment) []string {
	out := make([]string, 0, len(invs))
	for _, i := range invs {
		out = append(out, i.ID)
	}
	return out
}

func TestInvestmentsList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/investments", fixtureResponder(t, 200, "investments-list", "200-page1"))

	page, err := c.Investments.List(context.Background(), testItemID, &InvestmentListParams{Type: InvestmentTypeFixedIncome, PageSize: 2, Page: 1})
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/investments", url.Values{
		"itemId": {testItemID}, "type": {"FIXED_INCOME"}, "pageSize": {"2"}, "page": {"1"},
	})
	assert.Equal(t, 3, page.TotalPages)
	assert.True(t, page.HasNext())
	require.Len(t, page.Results, 2)

	cdb := page.Results[0]
	assert.Equal(t, InvestmentTypeFixedIncome, cdb.Type)
	assert.Equal(t, InvestmentSubtypeCDB, cdb.Subtype)
	assert.Equal(t, "10874.22", cdb.Balance.String())
	assert.Equal(t, "1087.422", cdb.Value.String())
	assert.Equal(t, "10000.00", cdb.AmountOriginal.String())
	assert.Equal(t, "BRBINTCDB0Q4", *cdb.ISIN)
	assert.Equal(t, "00.416.968/0001-01", *cdb.IssuerCNPJ)
	assert.Equal(t, ts("2028-03-15T00:00:00Z"), cdb.DueDate)
	assert.Nil(t, cdb.GracePeriodDate)
	assert.False(t, *cdb.TaxExempt)
	assert.Equal(t, InvestmentStatusActive, cdb.Status)

	tesouro := page.Results[1]
	assert.Equal(t, InvestmentSubtypeTreasury, tesouro.Subtype)
	assert.Equal(t, "1.5", tesouro.Quantity.String())
	require.NotNil(t, tesouro.CouponPayment)
	assert.True(t, *tesouro.CouponPayment.HasCoupon)
	assert.Equal(t, "SEMESTRAL", *tesouro.CouponPayment.Periodicity)
}

func TestInvestmentsListDefaults(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/investments", fixtureResponder(t, 200, "investments-list", "200-page3"))
	page, err := c.Investments.List(context.Background(), testItemID, nil)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/investments", url.Values{"itemId": {testItemID}})
	prev := page.Results[0]
	assert.Equal(t, InvestmentSubtypeRetirement, prev.Subtype)
	assert.Equal(t, "Regressivo", *prev.Metadata.TaxRegime)
	assert.Equal(t, "27.665.207/0001-31", *prev.Metadata.Insurer.CNPJ)
	assert.False(t, page.HasNext())
}

func TestInvestmentsAllWalksThreePages(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := investmentPages(t, mock, nil)

	seq := c.Investments.All(context.Background(), testItemID, &InvestmentListParams{PageSize: 2})
	assert.Zero(t, rec.n(), "nothing is fetched before the loop starts")
	invs, errs := collect(seq)
	require.Empty(t, errs)
	assert.Equal(t, investmentWalkIDs, investmentIDs(invs))
	require.Equal(t, 3, rec.n())
	for i := 0; i < 3; i++ {
		assertRequest(t, rec.req(t, i), http.MethodGet, "/investments", url.Values{
			"itemId": {testItemID}, "pageSize": {"2"}, "page": {fmt.Sprint(i + 1)},
		})
	}
	assert.Equal(t, "XPML11", *invs[3].Code)
	assert.Equal(t, "XP INVESTIMENTOS CCTVM S/A", *invs[3].Institution.Name)
	assert.Equal(t, "2849.85710", invs[2].Quantity.String())
}

func TestInvestmentsAllStartsAtTheGivenPage(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := investmentPages(t, mock, nil)
	invs, errs := collect(c.Investments.All(context.Background(), testItemID, &InvestmentListParams{Page: 2, Type: InvestmentTypeMutualFund}))
	require.Empty(t, errs)
	assert.Equal(t, investmentWalkIDs[2:], investmentIDs(invs))
	assert.Equal(t, 2, rec.n())
	assert.Equal(t, "MUTUAL_FUND", rec.req(t, 1).URL.Query().Get("type"), "filters are kept on every page")
}

func TestInvestmentsAllEarlyBreak(t *testing.T) {
	t.Parallel()
	// Pages hold two investments. Once the loop has taken the first result
	// of a page, the next page may already be on its way (one request
	// ahead at most), unless the break cancelled it before it reached the
	// server; nothing beyond that one is ever asked for.
	for _, tc := range []struct{ take, requests, ahead int }{{1, 1, 1}, {2, 1, 1}, {3, 2, 1}, {5, 3, 0}} {
		t.Run(fmt.Sprint(tc.take), func(t *testing.T) {
			c, mock := newTestClient(t)
			rec := investmentPages(t, mock, nil)
			n := 0
			for inv, err := range c.Investments.All(context.Background(), testItemID, nil) {
				require.NoError(t, err)
				assert.Equal(t, investmentWalkIDs[n], inv.ID)
				n++
				if n == tc.take {
					break
				}
			}
			assert.Equal(t, tc.take, n)
			assert.GreaterOrEqual(t, rec.n(), tc.requests)
			assert.LessOrEqual(t, rec.n(), tc.requests+tc.ahead, "no page beyond the one ahead of where the loop stopped")
		})
	}
}

func TestInvestmentsAllErrorOnPage2(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t, WithRetries(0))
	rec := investmentPages(t, mock, fixtureResponder(t, 500, "errors", "500-internal"))
	var got []string
	var errs []error
	for inv, err := range c.Investments.All(context.Background(), testItemID, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, inv.ID)
	}
	assert.Equal(t, investmentWalkIDs[:2], got)
	require.Len(t, errs, 1, "the error is yielded once")
	requireAPIErr(t, errs[0], 500, "INTERNAL_SERVER_ERROR")
	assert.Equal(t, 2, rec.n(), "page 3 is never asked for")
}

func TestInvestmentsAllWaitsOutA429(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	refused := false
	page2 := func(r *http.Request) (*http.Response, error) {
		if !refused {
			refused = true
			resp, _ := fixtureResponder(t, 429, "errors", "429-rate-limited")(r)
			resp.Header.Set("Retry-After", "1")
			return resp, nil
		}
		return fixtureResponder(t, 200, "investments-list", "200-page2")(r)
	}
	rec := investmentPages(t, mock, page2)
	invs, errs := collect(c.Investments.All(context.Background(), testItemID, nil))
	require.Empty(t, errs)
	assert.Equal(t, investmentWalkIDs, investmentIDs(invs))
	assert.Equal(t, 4, rec.n(), "page 2 twice: refused, then answered")
}

func TestInvestmentsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	const id = "4d7f1a3c-8e2b-4c59-b6a1-9f0e3d2c7b84"
	rec := on(mock, http.MethodGet, "/investments/"+id, fixtureResponder(t, 200, "investments-retrieve", "200"))
	on(mock, http.MethodGet, "/investments/"+testInvestmentID, fixtureResponder(t, 404, "investments-retrieve", "404"))

	inv, err := c.Investments.Get(context.Background(), id)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/investments/"+id, nil)
	assert.Equal(t, InvestmentSubtypeCRA, inv.Subtype)
	assert.Equal(t, "Raizen S.A.", *inv.Debtor.Name)
	require.NotNil(t, inv.GracePeriodDate)
	assert.Equal(t, ts("2026-06-17T00:00:00Z"), *inv.GracePeriodDate)
	assert.True(t, *inv.TaxExempt)
	assert.Equal(t, "6.9", inv.FixedAnnualRate.String())
	assert.Equal(t, "YEARLY", *inv.RatePeriodicity)
	assert.Equal(t, "1", inv.PriceFactor.String())

	_, err = c.Investments.Get(context.Background(), testInvestmentID)
	requireAPIErr(t, err, 404, "INVESTMENT_NOT_FOUND")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestInvestmentsTransactions(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	path := "/investments/" + testInvestmentID + "/transactions"
	rec := on(mock, http.MethodGet, path, fixtureResponder(t, 200, "investment-transactions-list", "200"))

	page, err := c.Investments.ListTransactions(context.Background(), testInvestmentID, &InvestmentTransactionListParams{PageSize: 100, Page: 1})
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, path, url.Values{"pageSize": {"100"}, "page": {"1"}})
	require.Len(t, page.Results, 3)
	buy, tax, sell := page.Results[0], page.Results[1], page.Results[2]
	assert.Equal(t, InvestmentTransactionBuy, buy.Type)
	assert.Equal(t, InvestmentMovementCredit, buy.MovementType)
	assert.Equal(t, "1.12", buy.IndexerPercentage.String())
	assert.True(t, buy.AgreedRate.IsZero())
	assert.Equal(t, "Aplicacao CDB Banco Inter", *buy.Description)
	require.NotNil(t, buy.Expenses)
	assert.Equal(t, InvestmentTransactionTax, tax.Type)
	assert.Equal(t, "31.45", tax.Expenses.IncomeTax.String())
	assert.Equal(t, InvestmentTransactionSell, sell.Type)
	assert.Equal(t, "2.07", sell.Expenses.OperatingFee.String())
	assert.Equal(t, "0.52", sell.Expenses.SettlementFee.String())
	assert.Equal(t, "884120", *sell.BrokerageNumber)
	assert.Equal(t, "2094.21", sell.NetAmount.String())

	var n int
	for tr, err := range c.Investments.AllTransactions(context.Background(), testInvestmentID, nil) {
		require.NoError(t, err)
		assert.NotEmpty(t, tr.ID)
		n++
	}
	assert.Equal(t, 3, n)
	assert.Equal(t, 2, rec.n(), "totalPages is 1: one more request for the walk")
	assertRequest(t, rec.req(t, 1), http.MethodGet, path, url.Values{"page": {"1"}})

	c2, mock2 := newTestClient(t, WithRetries(0))
	on(mock2, http.MethodGet, path, fixtureResponder(t, 500, "errors", "500-internal"))
	_, err = c2.Investments.ListTransactions(context.Background(), testInvestmentID, nil)
	requireAPIErr(t, err, 500, "INTERNAL_SERVER_ERROR")
}

func TestInvestmentsValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	_, err := c.Investments.List(ctx, "", nil)
	requireArgumentErr(t, err, "itemId")
	_, err = c.Investments.List(ctx, testItemID, &InvestmentListParams{PageSize: 501})
	requireArgumentErr(t, err, "pageSize")
	_, err = c.Investments.List(ctx, testItemID, &InvestmentListParams{PageSize: -5})
	requireArgumentErr(t, err, "pageSize")
	_, err = c.Investments.List(ctx, testItemID, &InvestmentListParams{Page: -1})
	requireArgumentErr(t, err, "page")
	_, err = c.Investments.Get(ctx, "")
	requireArgumentErr(t, err, "id")
	_, err = c.Investments.ListTransactions(ctx, "", nil)
	requireArgumentErr(t, err, "id")
	_, err = c.Investments.ListTransactions(ctx, testInvestmentID, &InvestmentTransactionListParams{PageSize: 1000})
	requireArgumentErr(t, err, "pageSize")

	for _, tc := range []struct {
		seq   func(func(Investment, error) bool)
		param string
	}{
		{c.Investments.All(ctx, "", nil), "itemId"},
		{c.Investments.All(ctx, testItemID, &InvestmentListParams{Page: -3}), "page"},
		{c.Investments.All(ctx, testItemID, &InvestmentListParams{PageSize: 501}), "pageSize"},
	} {
		_, errs := collect(tc.seq)
		require.Len(t, errs, 1)
		requireArgumentErr(t, errs[0], tc.param)
	}
	_, errs := collect(c.Investments.AllTransactions(ctx, testInvestmentID, &InvestmentTransactionListParams{Page: -1}))
	require.Len(t, errs, 1)
	requireArgumentErr(t, errs[0], "page")
	assertNothingSent(t, mock)
}

func TestInvestmentsFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip[Page[Investment]](t, "investments-list", "200-page1")
	roundTrip[Page[Investment]](t, "investments-list", "200-page2")
	roundTrip[Page[Investment]](t, "investments-list", "200-page3")
	roundTrip[Investment](t, "investments-retrieve", "200")
	roundTrip[Page[InvestmentTransaction]](t, "investment-transactions-list", "200")
}
