package pluggytest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

// txPage is a page of transactions decoded loosely.
type txPage struct {
	Page       int              `json:"page"`
	Total      int              `json:"total"`
	TotalPages int              `json:"totalPages"`
	Results    []map[string]any `json:"results"`
	Next       *string          `json:"next"`
}

// sweep walks GET /v2/transactions from q, following next as given, and
// returns every transaction and the number of pages.
func (h *bankHarness) sweep(q url.Values) ([]map[string]any, int) {
	h.t.Helper()
	var all []map[string]any
	pages := 0
	for {
		var p txPage
		h.doInto("GET /v2/transactions", nil, q, nil, &p)
		pages++
		all = append(all, p.Results...)
		if p.Next == nil {
			return all, pages
		}
		require.True(h.t, strings.HasPrefix(*p.Next, "?accountId="), *p.Next)
		next, err := url.ParseQuery(strings.TrimPrefix(*p.Next, "?"))
		require.NoError(h.t, err)
		// A "+" of the cursor must reach the server as a "+": ParseQuery
		// made it a space, encoding puts it back.
		q = next
		require.Less(h.t, pages, 10000)
	}
}

func TestCursorSweep(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithTransactionsPerAccount(1234))
	_, bank, card := h.connected(ConnectorPluggyBank)
	for _, acc := range []string{bank, card} {
		all, pages := h.sweep(url.Values{"accountId": {acc}})
		assert.Len(t, all, 1234)
		assert.Equal(t, 3, pages, "500 a page")
		ids := map[string]bool{}
		var prev time.Time
		for i, tx := range all {
			require.False(t, ids[str(tx, "id")], "transaction %d repeated", i)
			ids[str(tx, "id")] = true
			d, err := time.Parse(TimeLayout, str(tx, "date"))
			require.NoError(t, err)
			if i > 0 {
				require.True(t, d.Before(prev), "newest first")
			}
			prev = d
			assert.Equal(t, acc, tx["accountId"])
		}
	}
	// The running balance of the bank account moves by each amount.
	all, _ := h.sweep(url.Values{"accountId": {bank}})
	for i := 0; i+1 < len(all); i++ {
		newer, older := all[i], all[i+1]
		assert.InDelta(t, newer["balance"].(float64)-newer["amount"].(float64), older["balance"].(float64), 0.001)
	}
	acc := h.do("GET /accounts/{id}", []string{bank}, nil, nil)
	assert.Equal(t, all[0]["balance"], acc["balance"], "the account balance is the newest transaction's")
}

func TestCursorKeepsPlusSigns(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithTransactionsPerAccount(3000))
	_, bank, _ := h.connected(ConnectorItau)
	// Find a cursor with a "+" (base64 of its position).
	b := h.srv.bank()
	b.mu.Lock()
	a := b.accounts[bank]
	var cursor string
	var after int64
	for j := a.total - 1; j > 0; j-- {
		if c := b.cursor(a, j); strings.Contains(c, "+") {
			cursor, after = c, j
			break
		}
	}
	b.mu.Unlock()
	require.NotEmpty(t, cursor)

	// Sent as Pluggy writes it (the "+" raw), the cursor continues after
	// its transaction; so it does when a client escapes it (%2B).
	key := h.do("POST /auth", nil, nil, map[string]string{"clientId": h.srv.ClientID, "clientSecret": h.srv.ClientSecret})["apiKey"].(string)
	for _, raw := range []string{cursor, url.QueryEscape(cursor)} {
		req, err := http.NewRequest(http.MethodGet, h.srv.URL+"/v2/transactions?accountId="+bank+"&after="+raw, nil)
		require.NoError(t, err)
		req.Header.Set("X-API-KEY", key)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var p txPage
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		b.mu.Lock()
		want := b.txID(a.ordinal, after-1)
		b.mu.Unlock()
		assert.Equal(t, want, p.Results[0]["id"], raw)
	}
	assert.Equal(t, "abc+def==", rawQueryParam("accountId=x&after=abc+def==", "after"))
	assert.Equal(t, "abc+def==", rawQueryParam("after=abc%2Bdef%3D%3D", "after"))

	// The next query string carries the cursor raw, as Pluggy's does.
	var p txPage
	h.doInto("GET /v2/transactions", nil, url.Values{"accountId": {bank}}, nil, &p)
	require.NotNil(t, p.Next)
	after64 := (*p.Next)[strings.Index(*p.Next, "&after=")+len("&after="):]
	_, err := base64.StdEncoding.DecodeString(after64)
	assert.NoError(t, err, "the cursor is not escaped")
}

func TestCursorFilters(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithTransactionsPerAccount(900), WithTransactionsPerSync(7))
	id, bank, _ := h.connected(ConnectorItau)
	all, _ := h.sweep(url.Values{"accountId": {bank}})
	require.Len(t, all, 900)

	// dateFrom / dateTo keep an inclusive range of dates.
	from, to := str(all[600], "date"), str(all[100], "date")
	got, _ := h.sweep(url.Values{"accountId": {bank}, "dateFrom": {from}, "dateTo": {to}})
	assert.Len(t, got, 501)
	assert.Equal(t, all[100]["id"], got[0]["id"])
	assert.Equal(t, all[600]["id"], got[500]["id"])
	// Days: dateTo is the whole day.
	day := str(all[0], "date")[:10]
	got, _ = h.sweep(url.Values{"accountId": {bank}, "dateFrom": {day}, "dateTo": {day}})
	assert.NotEmpty(t, got)
	for _, tx := range got {
		assert.True(t, strings.HasPrefix(str(tx, "date"), day))
	}

	// ids, with the other filters.
	ids := []string{str(all[3], "id"), str(all[700], "id"), str(all[42], "id")}
	got, _ = h.sweep(url.Values{"accountId": {bank}, "ids": {strings.Join(ids, ",")}})
	require.Len(t, got, 3)
	assert.Equal(t, []any{all[3]["id"], all[42]["id"], all[700]["id"]}, []any{got[0]["id"], got[1]["id"], got[2]["id"]})
	got, _ = h.sweep(url.Values{"accountId": {bank}, "ids": ids, "dateTo": {str(all[10], "date")}})
	assert.Len(t, got, 2, "ids may repeat the parameter; dateTo drops the newest")

	// createdAtFrom finds what a later synchronisation added.
	h.srv.Advance(time.Hour)
	h.do("PATCH /items/{id}", []string{id}, nil, nil)
	h.drive(id, nil)
	got, _ = h.sweep(url.Values{"accountId": {bank}, "createdAtFrom": {"2026-11-20T12:30:00.000Z"}})
	assert.Len(t, got, 7)
	for _, tx := range got {
		assert.Equal(t, "2026-11-20T13:00:00.000Z", tx["createdAt"])
	}
	all2, _ := h.sweep(url.Values{"accountId": {bank}})
	assert.Len(t, all2, 907)
	assert.Equal(t, all[0]["id"], all2[7]["id"], "older transactions keep their ids and order")

	// Another account's transaction is not in this one.
	_, other, _ := h.connected(ConnectorItau)
	got, _ = h.sweep(url.Values{"accountId": {other}, "ids": {str(all[0], "id")}})
	assert.Empty(t, got)
	var p txPage
	h.doInto("GET /v2/transactions", nil, url.Values{"accountId": {"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}}, nil, &p)
	assert.Empty(t, p.Results)
	assert.Nil(t, p.Next)
}

func TestCursorValidation(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithTransactionsPerAccount(600))
	_, bank, card := h.connected(ConnectorItau)
	many := make([]string, 501)
	for i := range many {
		many[i] = "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"
	}
	var p txPage
	h.doInto("GET /v2/transactions", nil, url.Values{"accountId": {bank}}, nil, &p)
	next, _ := url.ParseQuery(strings.TrimPrefix(*p.Next, "?"))
	foreign := next.Get("after")
	cases := []struct {
		name string
		q    url.Values
		desc string
		msg  string
	}{
		{"no accountId", url.Values{}, "", "accountId should not be null or undefined, accountId must be a UUID"},
		{"accountId not a UUID", url.Values{"accountId": {"123"}}, "", "accountId must be a UUID"},
		{"too many ids", url.Values{"accountId": {bank}, "ids": {strings.Join(many, ",")}}, "IDS_PARAMETER_EXCEEDS_MAX_LENGTH", "The ids parameter cannot have more than 500 transaction ids"},
		{"id not a UUID", url.Values{"accountId": {bank}, "ids": {"abc"}}, "", "each value in ids must be a UUID"},
		{"dateFrom with createdAtFrom", url.Values{"accountId": {bank}, "dateFrom": {"2026-01-01"}, "createdAtFrom": {"2026-01-01"}}, "INVALID_FILTERS", "dateFrom and createdAtFrom cannot be used together"},
		{"bad date", url.Values{"accountId": {bank}, "dateTo": {"ontem"}}, "", "dateTo must be a valid ISO 8601 date string"},
		{"garbage cursor", url.Values{"accountId": {bank}, "after": {"%%%"}}, "", "Invalid cursor"},
		{"cursor of another account", url.Values{"accountId": {card}, "after": {foreign}}, "", "Invalid cursor"},
	}
	for _, tc := range cases {
		e := h.fail("GET /v2/transactions", nil, tc.q, nil)
		assert.Equal(t, http.StatusBadRequest, e.StatusCode, tc.name)
		assert.Equal(t, tc.desc, e.CodeDescription, tc.name)
		assert.Equal(t, tc.msg, e.Message, tc.name)
	}
}

func TestPageList(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithTransactionsPerAccount(95))
	_, bank, card := h.connected(ConnectorPluggyBank)
	all, _ := h.sweep(url.Values{"accountId": {bank}})

	var p txPage
	h.doInto("GET /transactions", nil, url.Values{"accountId": {bank}}, nil, &p)
	assert.Equal(t, txPage{Page: 1, Total: 95, TotalPages: 5, Results: p.Results}, p, "20 a page by default")
	assert.Len(t, p.Results, 20)
	h.doInto("GET /transactions", nil, url.Values{"accountId": {bank}, "page": {"5"}, "pageSize": {"20"}}, nil, &p)
	require.Len(t, p.Results, 15)
	assert.Equal(t, all[80]["id"], p.Results[0]["id"])
	assert.Equal(t, all[94]["id"], p.Results[14]["id"])
	h.doInto("GET /transactions", nil, url.Values{"accountId": {bank}, "page": {"6"}}, nil, &p)
	assert.Empty(t, p.Results)
	assert.Equal(t, 6, p.Page)
	h.doInto("GET /transactions", nil, url.Values{"accountId": {bank}, "pageSize": {"500"}, "from": {str(all[9], "date")}}, nil, &p)
	assert.Equal(t, 10, p.Total)
	h.doInto("GET /transactions", nil, url.Values{"accountId": {bank}, "ids": {str(all[5], "id") + "," + str(all[1], "id")}}, nil, &p)
	assert.Equal(t, 2, p.Total)
	assert.Equal(t, all[1]["id"], p.Results[0]["id"])

	// billId keeps the purchases of one bill.
	bills := h.do("GET /bills", nil, url.Values{"accountId": {card}}, nil)["results"].([]any)
	require.Len(t, bills, 3)
	for _, b := range bills {
		bill := b.(map[string]any)
		h.doInto("GET /transactions", nil, url.Values{"accountId": {card}, "billId": {str(bill, "id")}, "pageSize": {"500"}}, nil, &p)
		var debits float64
		for _, tx := range p.Results {
			assert.Equal(t, bill["id"], tx["creditCardMetadata"].(map[string]any)["billId"])
			if tx["type"] == "DEBIT" {
				debits -= tx["amount"].(float64)
			}
		}
		assert.InDelta(t, bill["totalAmount"].(float64), debits, 0.001, "a bill totals its purchases")
	}

	for _, tc := range []struct {
		q   url.Values
		msg string
	}{
		{url.Values{"accountId": {bank}, "pageSize": {"501"}}, "pageSize must not be greater than 500"},
		{url.Values{"accountId": {bank}, "pageSize": {"0"}}, "pageSize must not be less than 1"},
		{url.Values{"accountId": {bank}, "page": {"0"}}, "page must not be less than 1"},
		{url.Values{"accountId": {bank}, "page": {"dois"}}, "page must be a number conforming to the specified constraints"},
		{url.Values{"accountId": {bank}, "billId": {"x"}}, "billId must be a UUID"},
		{url.Values{}, "accountId should not be null or undefined, accountId must be a UUID"},
	} {
		e := h.fail("GET /transactions", nil, tc.q, nil)
		assert.Equal(t, http.StatusBadRequest, e.StatusCode)
		assert.Equal(t, tc.msg, e.Message)
	}
}

func TestMillionsOfTransactions(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithTransactionsPerAccount(3_000_000))
	_, bank, _ := h.connected(ConnectorItau)
	var p txPage
	h.doInto("GET /transactions", nil, url.Values{"accountId": {bank}, "page": {"6000"}, "pageSize": {"500"}}, nil, &p)
	assert.Equal(t, 3_000_000, p.Total)
	assert.Equal(t, 6000, p.TotalPages)
	require.Len(t, p.Results, 500)
	oldest := p.Results[499]
	got := h.do("GET /transactions/{id}", []string{str(oldest, "id")}, nil, nil)
	assert.Equal(t, oldest, got, "any transaction is found by its id")
	first, err := time.Parse(TimeLayout, str(oldest, "date"))
	require.NoError(t, err)
	assert.True(t, first.After(bankStart.AddDate(-2, 0, -1)), "three million transactions fit two years: %s", first)

	// The cursor starts from any point and follows on.
	var p2 txPage
	h.doInto("GET /transactions", nil, url.Values{"accountId": {bank}, "page": {"5999"}, "pageSize": {"500"}}, nil, &p2)
	all, pages := h.sweep(url.Values{"accountId": {bank}, "dateTo": {str(p2.Results[0], "date")}})
	assert.Len(t, all, 1000)
	assert.Equal(t, 2, pages)
	assert.Equal(t, oldest["id"], all[999]["id"])
	assert.Greater(t, oldest["balance"].(float64), 0.0, "the balance stays positive")
}

func TestGetAndCategoriseTransaction(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	itemID, bank, card := h.connected(ConnectorOpenFinance)
	all, _ := h.sweep(url.Values{"accountId": {bank}})
	for _, tx := range all {
		assert.NotNil(t, tx["operationType"], "Open Finance transactions have an operation type")
		assert.NotNil(t, tx["providerId"])
	}
	tx := all[0]
	assert.Equal(t, tx, h.do("GET /transactions/{id}", []string{str(tx, "id")}, nil, nil))

	h.srv.Advance(time.Minute)
	var mu sync.Mutex
	var events []Event
	h.srv.onEvent(func(ev Event) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	})
	upd := h.do("PATCH /transactions/{id}", []string{str(tx, "id")}, nil, map[string]string{"categoryId": "10000000"})
	mu.Lock()
	require.Len(t, events, 1, "a recategorised transaction is announced")
	assert.Equal(t, Event{Type: "transactions/updated", Payload: map[string]any{
		"itemId": itemID, "accountId": bank, "transactionIds": []string{str(tx, "id")}}}, events[0])
	mu.Unlock()
	assert.Equal(t, "10000000", upd["categoryId"])
	assert.Equal(t, "Groceries", upd["category"])
	assert.Equal(t, "2026-11-20T12:01:00.000Z", upd["updatedAt"])
	assert.Equal(t, upd, h.do("GET /transactions/{id}", []string{str(tx, "id")}, nil, nil), "the category sticks")

	e := h.fail("PATCH /transactions/{id}", []string{str(tx, "id")}, nil, map[string]string{"categoryId": "99999999"})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	e = h.fail("PATCH /transactions/{id}", []string{str(tx, "id")}, nil, map[string]string{})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	e = h.fail("GET /transactions/{id}", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, nil)
	assert.Equal(t, "TRANSACTION_NOT_FOUND", e.CodeDescription)
	e = h.fail("PATCH /transactions/{id}", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, map[string]string{"categoryId": "10000000"})
	assert.Equal(t, http.StatusNotFound, e.StatusCode)
	mangled := []byte(str(tx, "id"))
	mangled[0] ^= 1
	e = h.fail("GET /transactions/{id}", []string{string(mangled)}, nil, nil)
	assert.Equal(t, http.StatusNotFound, e.StatusCode, "ids are checked, not only decoded")

	cardTx, _ := h.sweep(url.Values{"accountId": {card}})
	meta := cardTx[len(cardTx)-1]["creditCardMetadata"].(map[string]any)
	assert.NotEmpty(t, meta["cardNumber"])
	assert.Nil(t, cardTx[0]["balance"], "credit card transactions have no running balance")
}

func TestTransactionsAreDeterministic(t *testing.T) {
	t.Parallel()
	first := func() []map[string]any {
		h := newBankHarness(t, WithSeed(42))
		_, bank, _ := h.connected(ConnectorItau)
		all, _ := h.sweep(url.Values{"accountId": {bank}})
		return all
	}
	a, b := first(), first()
	assert.Equal(t, a, b, "the same seed gives the same data")
}

func BenchmarkCursorPageOverHTTP(b *testing.B) {
	srv := NewServer(WithStartTime(bankStart), WithoutRateLimit(), WithTransactionsPerAccount(1_000_000))
	defer srv.Close()
	id, err := srv.AddConnectedItem(ConnectorItau)
	if err != nil {
		b.Fatal(err)
	}
	c, err := srv.Client(pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithClock(srv))
	if err != nil {
		b.Fatal(err)
	}
	bk := srv.bank()
	q := url.Values{"accountId": {bk.items[id].accountIDs[0]}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var p txPage
		if err := c.Do(b.Context(), "GET /v2/transactions", nil, q, nil, &p); err != nil {
			b.Fatal(err)
		}
		if p.Next == nil {
			b.Fatal("no next page")
		}
		q, _ = url.ParseQuery(strings.TrimPrefix(*p.Next, "?"))
	}
}

func TestPageParamsBounds(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id, bank, _ := h.connected(ConnectorItau)
	for _, page := range []string{"1e300", "NaN", "Inf", "1.5", "1073741825"} {
		e := h.fail("GET /transactions", nil, url.Values{"accountId": {bank}, "page": {page}}, nil)
		assert.Equal(t, http.StatusBadRequest, e.StatusCode, page)
	}
	var p txPage
	h.doInto("GET /transactions", nil, url.Values{"accountId": {bank}, "page": {"1073741824"}, "pageSize": {"500"}}, nil, &p)
	assert.Empty(t, p.Results)
	assert.Equal(t, 100, p.Total)
	inv := h.do("GET /investments", nil, url.Values{"itemId": {id}, "page": {"1073741824"}, "pageSize": {"500"}}, nil)
	assert.Empty(t, inv["results"])
}
