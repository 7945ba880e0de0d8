package pluggy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallRawSendsQueryAsGiven(t *testing.T) {
	t.Parallel()
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

// cursorFixtureNext returns the next of a v2 fixture page, without its "?".
func cursorFixtureNext(t *testing.T, name string) string {
	t.Helper()
	var p struct{ Next string }
	require.NoError(t, json.Unmarshal(fixture(t, "transactions-list-by-cursor", name), &p))
	require.True(t, strings.HasPrefix(p.Next, "?"))
	return p.Next[1:]
}

// cursorServer answers GET /v2/transactions from the three fixture pages,
// choosing the page by the raw query: the first request (accountId only),
// then exactly page 1's next, then exactly page 2's next. Any other query is
// a 400, so a re-encoded cursor fails the test. page2 may replace the
// answer to page 1's next.
func cursorServer(t *testing.T, mock *httpmock.MockTransport, page2 httpmock.Responder) *recorder {
	t.Helper()
	first := url.Values{"accountId": {testAccountID}}.Encode()
	next1 := cursorFixtureNext(t, "200-page1")
	next2 := cursorFixtureNext(t, "200-page2")
	if page2 == nil {
		page2 = fixtureResponder(t, 200, "transactions-list-by-cursor", "200-page2")
	}
	p1 := fixtureResponder(t, 200, "transactions-list-by-cursor", "200-page1")
	last := fixtureResponder(t, 200, "transactions-cursor", "200-last")
	bad := fixtureResponder(t, 400, "transactions-list-by-cursor", "400")
	return on(mock, http.MethodGet, "/v2/transactions", func(r *http.Request) (*http.Response, error) {
		switch r.URL.RawQuery {
		case first:
			return p1(r)
		case next1:
			return page2(r)
		case next2:
			return last(r)
		}
		t.Errorf("unexpected query %q", r.URL.RawQuery)
		return bad(r)
	})
}

var cursorWalkIDs = []string{
	"8d3a61f0-2b7c-4e19-a5d4-6f0e9c1b2a37",
	"b27e4c19-5a8d-4f3b-9c61-0d2e7f8a4b95",
	"f06c2d8e-91b4-4a7f-83e2-5c4d3b2a1f09",
	"2c7a9f41-3e6b-4d58-b0a2-8e1f7c6d5b43",
	"94e1b3c7-0d2f-4a6e-8b5c-3f7a9d1e2c60",
	"61f8d2a4-7c3e-4b90-a1d5-2e6f8c9b0a74",
}

func ids(txs []Transaction) []string {
	out := make([]string, 0, len(txs))
	for _, tx := range txs {
		out = append(out, tx.ID)
	}
	return out
}

func TestTransactionsList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/v2/transactions", fixtureResponder(t, 200, "transactions-list-by-cursor", "200-page1"))

	page, err := c.Transactions.List(context.Background(), testAccountID, &TransactionListParams{
		IDs:      []string{cursorWalkIDs[0], cursorWalkIDs[1]},
		DateFrom: Date{2026, time.November, 1},
		DateTo:   Date{2026, time.November, 30},
	})
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/v2/transactions", url.Values{
		"accountId": {testAccountID},
		"ids":       {cursorWalkIDs[0] + "," + cursorWalkIDs[1]},
		"dateFrom":  {"2026-11-01"},
		"dateTo":    {"2026-11-30"},
	})

	require.Len(t, page.Results, 3)
	require.True(t, page.HasNext())
	assert.Equal(t, "?"+cursorFixtureNext(t, "200-page1"), *page.Next)

	pix := page.Results[0]
	assert.Equal(t, "Pix recebido - Joao Pedro Santos", pix.Description)
	assert.Equal(t, "PIX TRANSF  JOAO PE18/11", *pix.DescriptionRaw)
	assert.Equal(t, "350.00", pix.Amount.String())
	assert.Equal(t, TransactionTypeCredit, pix.Type)
	assert.Equal(t, TransactionStatusPosted, pix.Status)
	assert.Equal(t, ts("2026-11-18T14:22:00Z"), pix.Date)
	assert.Equal(t, "05070000", *pix.CategoryID)
	assert.Equal(t, 1, *pix.Order)
	assert.Equal(t, testAccountID, pix.AccountID)
	require.NotNil(t, pix.PaymentData)
	assert.Equal(t, PaymentMethodPix, pix.PaymentData.PaymentMethod)
	assert.Equal(t, "Racha do churrasco", *pix.PaymentData.Reason)
	assert.Equal(t, DocumentTypeCPF, pix.PaymentData.Payer.DocumentNumber.Type)
	assert.Equal(t, "***.318.447-**", *pix.PaymentData.Payer.DocumentNumber.Value)
	assert.Equal(t, "18236120", *pix.PaymentData.Payer.RoutingNumberISPB)
	assert.Equal(t, "MARIANA ALVES FERREIRA", *pix.PaymentData.Receiver.Name)
	assert.Nil(t, pix.PaymentData.ReceiverReferenceID)
	assert.Nil(t, pix.PaymentData.BoletoMetadata)
	assert.Nil(t, pix.CreditCardMetadata)
	assert.Nil(t, pix.Merchant)

	boleto := page.Results[1]
	assert.Equal(t, "-287.64", boleto.Amount.String())
	assert.Equal(t, -1, boleto.Amount.Sign())
	cents, err := boleto.Amount.Cents()
	require.NoError(t, err)
	assert.Equal(t, int64(-28764), cents)
	bm := boleto.PaymentData.BoletoMetadata
	require.NotNil(t, bm)
	assert.Equal(t, PaymentMethodBoleto, boleto.PaymentData.PaymentMethod)
	assert.Equal(t, "281.97", bm.BaseAmount.String())
	assert.Equal(t, "5.33", bm.PenaltyAmount.String())
	assert.Equal(t, "0", bm.DiscountAmount.String())
	require.NotNil(t, boleto.Merchant)
	assert.Equal(t, "Enel", *boleto.Merchant.Name)
	assert.Equal(t, "61695227000193", *boleto.Merchant.CNPJ)
	assert.Equal(t, "Electricity", *boleto.Merchant.Category)

	fee := page.Results[2]
	assert.Equal(t, "TARIFA_SERVICOS_AVULSOS", *fee.OperationType)
	assert.Equal(t, "Pacote de servicos mensal", *fee.OperationTypeAdditionalInfo)
	assert.Nil(t, fee.ProviderCode)
}

func TestTransactionsListCreatedAtFrom(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/v2/transactions", fixtureResponder(t, 200, "transactions-list-by-cursor", "200-page2"))
	_, err := c.Transactions.List(context.Background(), testAccountID, &TransactionListParams{
		CreatedAtFrom: time.Date(2026, 11, 18, 12, 0, 0, 0, time.FixedZone("BRT", -3*3600)),
		DateTo:        Date{2026, time.November, 30},
		After:         "MjAyNi0xMS0xOA==",
	})
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/v2/transactions", url.Values{
		"accountId":     {testAccountID},
		"createdAtFrom": {"2026-11-18T15:00:00Z"},
		"dateTo":        {"2026-11-30"},
		"after":         {"MjAyNi0xMS0xOA=="},
	})
}

func TestTransactionsListNextSendsTheCursorAsGiven(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := cursorServer(t, mock, nil)
	first, err := c.Transactions.List(context.Background(), testAccountID, nil)
	require.NoError(t, err)

	second, err := c.Transactions.ListNext(context.Background(), *first.Next)
	require.NoError(t, err)
	raw := rec.req(t, 1).URL.RawQuery
	assert.Equal(t, cursorFixtureNext(t, "200-page1"), raw)
	assert.Contains(t, raw, "+OTFiNA==", "a '+' and the '=' padding stay as the server wrote them")
	assert.Equal(t, []string{cursorWalkIDs[3], cursorWalkIDs[4]}, ids(second.Results))

	third, err := c.Transactions.ListNext(context.Background(), *second.Next)
	require.NoError(t, err)
	assert.Contains(t, rec.req(t, 2).URL.RawQuery, "+fDk0ZTFiM2M3/MGQyZg==")
	assert.False(t, third.HasNext())
	assert.Nil(t, third.Next)
	assert.Equal(t, 3, rec.n())
}

func TestTransactionsListNextStaysOnTheBaseURL(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/v2/transactions", fixtureResponder(t, 200, "transactions-cursor", "200-last"))
	for _, next := range []string{
		"https://elsewhere.example/v2/transactions?accountId=" + testAccountID + "&after=QUJD+RA==",
		"/v2/transactions?accountId=" + testAccountID + "&after=QUJD+RA==",
		"accountId=" + testAccountID + "&after=QUJD+RA==",
	} {
		_, err := c.Transactions.ListNext(context.Background(), next)
		require.NoError(t, err, next)
	}
	require.Equal(t, 3, rec.n(), "every form goes to the client's own base URL")
	for i := 0; i < 3; i++ {
		assert.Equal(t, "pluggy.test", rec.req(t, i).URL.Host)
		assert.Equal(t, "accountId="+testAccountID+"&after=QUJD+RA==", rec.req(t, i).URL.RawQuery)
	}
}

func TestTransactionsAllWalksTheCursor(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := cursorServer(t, mock, nil)

	seq := c.Transactions.All(context.Background(), testAccountID, nil)
	assert.Zero(t, rec.n(), "nothing is fetched before the loop starts")
	txs, errs := collect(seq)
	require.Empty(t, errs)
	assert.Equal(t, cursorWalkIDs, ids(txs), "every transaction, in order")
	assert.Equal(t, 3, rec.n(), "one request per page")
	assert.Equal(t, cursorFixtureNext(t, "200-page1"), rec.req(t, 1).URL.RawQuery)
	assert.Equal(t, cursorFixtureNext(t, "200-page2"), rec.req(t, 2).URL.RawQuery)
	assert.Equal(t, "0.83", txs[5].Amount.String())
}

func TestTransactionsAllEarlyBreakFetchesNoFurtherPage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		take, requests, ahead int
	}{
		{1, 1, 0}, // the first of page 1: page 2 is not asked for yet
		// The last of page 1: page 2 went out ahead while the loop took page
		// 1 (one request ahead at most), unless the break cancelled it
		// before it reached the server.
		{3, 1, 1},
		// The first of page 2: page 3 may have gone out while page 2 was
		// decoded (the loop had finished page 1), one request ahead.
		{4, 2, 1},
		{6, 3, 0}, // the last page: nothing further
	} {
		t.Run(fmt.Sprint(tc.take), func(t *testing.T) {
			c, mock := newTestClient(t)
			rec := cursorServer(t, mock, nil)
			var got []string
			for tx, err := range c.Transactions.All(context.Background(), testAccountID, nil) {
				require.NoError(t, err)
				got = append(got, tx.ID)
				if len(got) == tc.take {
					break
				}
			}
			assert.Equal(t, cursorWalkIDs[:tc.take], got)
			assert.GreaterOrEqual(t, rec.n(), tc.requests)
			assert.LessOrEqual(t, rec.n(), tc.requests+tc.ahead)
		})
	}
}

func TestTransactionsAllErrorOnPage2EndsTheWalk(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := cursorServer(t, mock, fixtureResponder(t, 400, "transactions-list-by-cursor", "400"))

	var got []string
	var errs []error
	for tx, err := range c.Transactions.All(context.Background(), testAccountID, nil) {
		if err != nil {
			errs = append(errs, err)
			continue // a well-behaved iterator ends on its own after an error
		}
		got = append(got, tx.ID)
	}
	assert.Equal(t, cursorWalkIDs[:3], got)
	require.Len(t, errs, 1, "the error is yielded once")
	requireAPIErr(t, errs[0], 400, "")
	assert.Equal(t, 2, rec.n(), "no request after the failed page")
}

func TestTransactionsAllWaitsOutA429(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	limited := 0
	rateLimited := func(r *http.Request) (*http.Response, error) {
		if limited == 0 {
			limited++
			resp, _ := fixtureResponder(t, 429, "errors", "429-rate-limited")(r)
			resp.Header.Set("Retry-After", "1")
			return resp, nil
		}
		return fixtureResponder(t, 200, "transactions-list-by-cursor", "200-page2")(r)
	}
	rec := cursorServer(t, mock, rateLimited)

	txs, errs := collect(c.Transactions.All(context.Background(), testAccountID, nil))
	require.Empty(t, errs, "the 429 is waited out, not surfaced")
	assert.Equal(t, cursorWalkIDs, ids(txs))
	assert.Equal(t, 4, rec.n(), "page 2 was asked twice: refused once, then answered")
	assert.Equal(t, rec.req(t, 1).URL.RawQuery, rec.req(t, 2).URL.RawQuery, "the retry sends the same cursor")
}

func TestTransactionsAllStopsOnARepeatedCursor(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	body := []byte(`{"results":[{"id":"0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6","description":"Pix","currencyCode":"BRL","amount":1.5,"date":"2026-11-01T00:00:00.000Z","accountId":"` + testAccountID + `","createdAt":"2026-11-01T00:00:00.000Z","updatedAt":"2026-11-01T00:00:00.000Z"}],"next":"?accountId=` + testAccountID + `&after=U0FNRQ=="}`)
	rec := on(mock, http.MethodGet, "/v2/transactions", jsonResponder(t, 200, body))
	txs, errs := collect(c.Transactions.All(context.Background(), testAccountID, nil))
	require.Len(t, errs, 1)
	var de *DecodeError
	require.ErrorAs(t, errs[0], &de)
	assert.Len(t, txs, 2, "page 1, then the page its next pointed to, which points to itself")
	assert.Equal(t, 2, rec.n())
}

func TestTransactionsRefusesAnUnusableNext(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	on(mock, http.MethodGet, "/v2/transactions", jsonResponder(t, 200, []byte(`{"results":[],"next":"?accountId=x&after=a b"}`)))
	_, err := c.Transactions.List(context.Background(), testAccountID, nil)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), "next")

	for _, next := range []string{"", "?", "https://pluggy.test/v2/transactions?", "?a=b#frag", "?a=\x00", "?a=é"} {
		_, err := c.Transactions.ListNext(context.Background(), next)
		requireArgumentErr(t, err, "next")
	}
	assert.Equal(t, 1, mock.GetCallCountInfo()["GET "+u("/v2/transactions")])
}

func TestTransactionsListPagedDeprecated(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/transactions", fixtureResponder(t, 200, "transactions-list", "200"))

	page, err := c.Transactions.ListPaged(context.Background(), testCardID, &TransactionPageParams{
		From:          Date{2026, time.November, 1},
		To:            Date{2026, time.November, 30},
		PageSize:      50,
		Page:          2,
		BillID:        "a3c5e7f9-1b2d-4e6f-8a0c-2d4f6b8e0a13",
		CreatedAtFrom: time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC),
		IDs:           []string{"d4a7e2b9-6c1f-4e83-b05a-9f2c8d7e6a51"},
	})
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/transactions", url.Values{
		"accountId":     {testCardID},
		"from":          {"2026-11-01"},
		"to":            {"2026-11-30"},
		"pageSize":      {"50"},
		"page":          {"2"},
		"billId":        {"a3c5e7f9-1b2d-4e6f-8a0c-2d4f6b8e0a13"},
		"createdAtFrom": {"2026-11-01T03:00:00Z"},
		"ids":           {"d4a7e2b9-6c1f-4e83-b05a-9f2c8d7e6a51"},
	})
	assert.Equal(t, 2, page.Total)
	require.Len(t, page.Results, 2)
	ifood := page.Results[0]
	assert.Equal(t, TransactionStatusPending, ifood.Status)
	assert.True(t, ifood.Balance.IsZero())
	assert.Equal(t, "2026-12", *ifood.CreditCardMetadata.BillForecastDate)
	assert.Equal(t, "5812", *ifood.CreditCardMetadata.PayeeMCC)
	installment := page.Results[1].CreditCardMetadata
	assert.Equal(t, 3, *installment.InstallmentNumber)
	assert.Equal(t, 10, *installment.TotalInstallments)
	assert.Equal(t, "1899.00", installment.TotalAmount.String())
	assert.Equal(t, ts("2026-09-03T00:00:00Z"), installment.PurchaseDate)
}

func TestTransactionsListPagedGone(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/transactions", fixtureResponder(t, 410, "errors", "410-endpoint-deprecated"))
	_, err := c.Transactions.ListPaged(context.Background(), testAccountID, nil)
	apiErr := requireAPIErr(t, err, 410, "ENDPOINT_DEPRECATED")
	assert.Equal(t, "GET /transactions", apiErr.Route)
	assert.ErrorIs(t, err, ErrDeprecated)
	assert.True(t, errors.Is(err, ErrDeprecated))
	assert.NotErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 1, rec.n(), "a 410 is not retried")

	c2, mock2 := newTestClient(t)
	on(mock2, http.MethodGet, "/transactions", fixtureResponder(t, 400, "transactions-list", "400"))
	_, err = c2.Transactions.ListPaged(context.Background(), testAccountID, nil)
	requireAPIErr(t, err, 400, "")
}

func TestTransactionsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	const id = "7e2f9a1c-8b4d-4c36-a5e0-1d9b7c3f6e28"
	const feeID = "4b8d1f6a-2c9e-4e73-b1a0-6f5d3c2b1a98"
	rec := on(mock, http.MethodGet, "/transactions/"+id, fixtureResponder(t, 200, "transactions-retrieve", "200"))
	on(mock, http.MethodGet, "/transactions/"+feeID, fixtureResponder(t, 200, "transactions-retrieve", "200-fee"))
	on(mock, http.MethodGet, "/transactions/"+cursorWalkIDs[0], fixtureResponder(t, 404, "transactions-retrieve", "404"))

	tx, err := c.Transactions.Get(context.Background(), id)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/transactions/"+id, nil)
	assert.Equal(t, "USD", tx.CurrencyCode)
	assert.Equal(t, "42.17", tx.Amount.String())
	assert.Equal(t, "236.80", tx.AmountInAccountCurrency.String())
	assert.Equal(t, "8840", *tx.CreditCardMetadata.CardNumber)
	assert.Equal(t, "a3c5e7f9-1b2d-4e6f-8a0c-2d4f6b8e0a13", *tx.CreditCardMetadata.BillID)
	assert.Equal(t, "Amazon", *tx.Merchant.Name)
	assert.Nil(t, tx.OperationType)
	assert.Equal(t, ts("2026-11-15T04:48:31.66Z"), tx.CreatedAt)

	fee, err := c.Transactions.Get(context.Background(), feeID)
	require.NoError(t, err)
	assert.Equal(t, CreditCardFeeOther, fee.CreditCardMetadata.FeeType)
	assert.Equal(t, CreditCardCreditOther, fee.CreditCardMetadata.OtherCreditsType)
	assert.Equal(t, "IOF sobre compras no exterior", *fee.CreditCardMetadata.FeeTypeAdditionalInfo)

	_, err = c.Transactions.Get(context.Background(), cursorWalkIDs[0])
	requireAPIErr(t, err, 404, "TRANSACTION_NOT_FOUND")
	assert.True(t, errors.Is(err, ErrNotFound))
}

func TestTransactionsUpdateCategory(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	const id = "d4a7e2b9-6c1f-4e83-b05a-9f2c8d7e6a51"
	var sent map[string]any
	answer := fixtureResponder(t, 200, "transactions-Update", "200")
	rec := on(mock, http.MethodPatch, "/transactions/"+id, func(r *http.Request) (*http.Response, error) {
		sent = requestBody(t, r)
		return answer(r)
	})

	tx, err := c.Transactions.UpdateCategory(context.Background(), id, "11010000")
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodPatch, "/transactions/"+id, nil)
	assert.Equal(t, "application/json", rec.req(t, 0).Header.Get("Content-Type"))
	assert.Equal(t, map[string]any{"categoryId": "11010000"}, sent)
	assert.Equal(t, "11010000", *tx.CategoryID)
	assert.Equal(t, "Restaurants", *tx.Category)
	assert.Equal(t, ts("2026-11-23T12:00:04.815Z"), tx.UpdatedAt)

	for _, tc := range []struct {
		status int
		name   string
		desc   string
	}{{400, "400", ""}, {404, "404", "CATEGORY_NOT_FOUND"}} {
		c, mock := newTestClient(t)
		rec := on(mock, http.MethodPatch, "/transactions/"+id, fixtureResponder(t, tc.status, "transactions-Update", tc.name))
		_, err := c.Transactions.UpdateCategory(context.Background(), id, "99990000")
		requireAPIErr(t, err, tc.status, tc.desc)
		assert.Equal(t, 1, rec.n())
	}
}

func TestTransactionsValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	tooMany := make([]string, MaxTransactionIDs+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	}
	nov := func(d int) Date { return Date{2026, time.November, d} }

	for _, tc := range []struct {
		name   string
		params *TransactionListParams
		param  string
	}{
		{"501 ids", &TransactionListParams{IDs: tooMany}, "ids"},
		{"empty id", &TransactionListParams{IDs: []string{cursorWalkIDs[0], " "}}, "ids"},
		{"id with a comma", &TransactionListParams{IDs: []string{"a,b"}}, "ids"},
		{"dateFrom with createdAtFrom", &TransactionListParams{DateFrom: nov(1), CreatedAtFrom: time.Now()}, "dateFrom"},
		{"dateFrom after dateTo", &TransactionListParams{DateFrom: nov(20), DateTo: nov(10)}, "dateFrom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Transactions.List(ctx, testAccountID, tc.params)
			requireArgumentErr(t, err, tc.param)
			_, errs := collect(c.Transactions.All(ctx, testAccountID, tc.params))
			require.Len(t, errs, 1)
			requireArgumentErr(t, errs[0], tc.param)
		})
	}
	_, err := c.Transactions.List(ctx, "", nil)
	requireArgumentErr(t, err, "accountId")
	_, errs := collect(c.Transactions.All(ctx, " ", nil))
	require.Len(t, errs, 1)
	requireArgumentErr(t, errs[0], "accountId")

	for _, tc := range []struct {
		name   string
		params *TransactionPageParams
		param  string
	}{
		{"pageSize 501", &TransactionPageParams{PageSize: 501}, "pageSize"},
		{"pageSize negative", &TransactionPageParams{PageSize: -1}, "pageSize"},
		{"page negative", &TransactionPageParams{Page: -2}, "page"},
		{"501 ids", &TransactionPageParams{IDs: tooMany}, "ids"},
		{"from after to", &TransactionPageParams{From: nov(2), To: nov(1)}, "from"},
	} {
		t.Run("v1 "+tc.name, func(t *testing.T) {
			_, err := c.Transactions.ListPaged(ctx, testAccountID, tc.params)
			requireArgumentErr(t, err, tc.param)
		})
	}
	_, err = c.Transactions.ListPaged(ctx, "", nil)
	requireArgumentErr(t, err, "accountId")
	_, err = c.Transactions.Get(ctx, "")
	requireArgumentErr(t, err, "id")
	_, err = c.Transactions.UpdateCategory(ctx, "", "11010000")
	requireArgumentErr(t, err, "id")
	_, err = c.Transactions.UpdateCategory(ctx, cursorWalkIDs[0], "")
	requireArgumentErr(t, err, "categoryId")
	assertNothingSent(t, mock)
}

func TestTransactionsValidationLimitsAreInclusive(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/v2/transactions", fixtureResponder(t, 200, "transactions-cursor", "200-last"))
	atLimit := make([]string, MaxTransactionIDs)
	for i := range atLimit {
		atLimit[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	}
	day := Date{2026, time.November, 5}
	_, err := c.Transactions.List(context.Background(), testAccountID, &TransactionListParams{IDs: atLimit, DateFrom: day, DateTo: day})
	require.NoError(t, err, "500 ids and a one-day range are allowed")
	q := rec.req(t, 0).URL.Query()
	assert.Len(t, strings.Split(q.Get("ids"), ","), MaxTransactionIDs)
	assert.Equal(t, "2026-11-05", q.Get("dateFrom"))
	assert.Equal(t, "2026-11-05", q.Get("dateTo"))
}

func TestTransactionsFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip[CursorPage[Transaction]](t, "transactions-list-by-cursor", "200-page1")
	roundTrip[CursorPage[Transaction]](t, "transactions-list-by-cursor", "200-page2")
	roundTrip[CursorPage[Transaction]](t, "transactions-cursor", "200-last")
	roundTrip[Page[Transaction]](t, "transactions-list", "200")
	roundTrip[Transaction](t, "transactions-retrieve", "200")
	roundTrip[Transaction](t, "transactions-retrieve", "200-fee")
	roundTrip[Transaction](t, "transactions-Update", "200")
}

func TestTransactionsUnknownEnumDecodes(t *testing.T) {
	t.Parallel()
	var tx Transaction
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","type":"REFUND","status":"SCHEDULED","paymentData":{"paymentMethod":"DREX"},"amount":"12.30"}`), &tx))
	assert.Equal(t, TransactionType("REFUND"), tx.Type)
	assert.Equal(t, TransactionStatus("SCHEDULED"), tx.Status)
	assert.Equal(t, PaymentMethod("DREX"), tx.PaymentData.PaymentMethod)
	assert.Equal(t, "12.30", tx.Amount.String())
}

// Every Decimal the decoders keep goes through splitNumber (checkDecimal),
// here through isJSONNumber; it must accept exactly what encoding/json
// accepts as one number.
func TestIsJSONNumberMatchesEncodingJSON(t *testing.T) {
	reference := func(s string) bool {
		if s == "" || len(s) > decimalMaxText {
			return false
		}
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var n json.Number
		if dec.Decode(&n) != nil {
			return false
		}
		return dec.InputOffset() == int64(len(s)) && string(n) == s
	}
	cases := []string{
		"0", "-0", "1", "-1", "10.10", "-287.64", "0.83", "1e2", "1E+2", "2.5e-3", "-0.0", "123456789012345678901234567890",
		"", "-", "+1", "01", "-01", "1.", ".5", "1.e3", "1e", "1e+", "--1", "1-", "0x10", "NaN", "Infinity", " 1", "1 ",
		"1,5", "1.2.3", "١", "1e2.5", "00", "0.", "-.5", `"1"`, "null", "true",
		strings.Repeat("9", 64), strings.Repeat("9", decimalMaxText), strings.Repeat("9", decimalMaxText+1),
	}
	for _, s := range cases {
		assert.Equal(t, reference(s), isJSONNumber(s), "%q", s)
	}
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = isJSONNumber("-12345.67e-8") }))
}
