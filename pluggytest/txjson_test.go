package pluggytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// txFixture is a server whose accounts hold every kind of transaction the
// JSON writer has a branch for: bank and card accounts, Open Finance or
// not, a business owner (CNPJ) with a name that needs escaping, category overrides and rules, deleted
// transactions, a later synchronisation, installments, bills and pending
// purchases.
type txFixture struct {
	h        *bankHarness
	accounts []string // bank, card of each item
	itau     string   // the item synchronised twice
	deleted  []string
	patched  []string
}

func newTxFixture(t *testing.T) *txFixture {
	t.Helper()
	h := newBankHarness(t, WithSeed(7), WithTransactionsPerAccount(1200), WithTransactionsPerSync(9))
	fx := &txFixture{h: h}
	for _, conn := range []int{ConnectorItau, ConnectorOpenFinance, ConnectorBusiness} {
		id, bank, card := h.connected(conn)
		if conn == ConnectorItau {
			fx.itau = id
		}
		fx.accounts = append(fx.accounts, bank, card)
	}
	// An owner whose name encoding/json escapes (no institution sends one,
	// but the writer must escape as encoding/json does).
	h.srv.withBank(func(b *bankState, _ time.Time) {
		b.accounts[fx.accounts[4]].owner = "Padaria <Pão> & \"Café\"\u2028\\ \x01Ltda\xff"
	})
	// Rules of every match type, some limited to a type or an account type;
	// the last created wins.
	for _, r := range []map[string]string{
		{"description": "uber", "categoryId": "08010000", "matchType": "contains"},
		{"description": "PIX RECEBIDO", "categoryId": "01000000", "matchType": "startsWith", "transactionType": "CREDIT"},
		{"description": "paulo", "categoryId": "18000000", "matchType": "endsWith"},
		{"description": "spotify", "categoryId": "09000000", "accountType": "CREDIT_CARD"},
		{"description": "Netflix.com", "categoryId": "09020000", "matchType": "exact", "accountType": "CHECKING_ACCOUNT"},
		{"description": "ifood", "categoryId": "11010000", "matchType": "contains", "transactionType": "DEBIT"},
		{"description": "ifood", "categoryId": "11000000", "matchType": "contains", "accountType": "CREDIT_CARD"},
	} {
		h.do("POST /categories/rules", nil, nil, r)
	}
	// A later synchronisation adds a batch created an hour later.
	h.srv.Advance(time.Hour)
	h.do("PATCH /items/{id}", []string{fx.itau}, nil, nil)
	h.drive(fx.itau, nil)
	// Overrides (one of them on a transaction a rule matches too), at two
	// times; deletions.
	for i, acc := range fx.accounts {
		all, _ := h.sweep(url.Values{"accountId": {acc}})
		require.Greater(t, len(all), 1100)
		for k, n := range []int{0, 5, 77, 400, 1100} {
			id := str(all[n], "id")
			if k%2 == 0 {
				cat := []string{"05000000", "17000000", "19050000"}[(i+k)%3]
				h.do("PATCH /transactions/{id}", []string{id}, nil, map[string]string{"categoryId": cat})
				fx.patched = append(fx.patched, id)
			} else {
				fx.deleted = append(fx.deleted, id)
			}
		}
		h.srv.Advance(time.Minute + 123*time.Millisecond)
	}
	require.NoError(t, h.srv.DeleteTransactions(fx.deleted...))
	return fx
}

// account returns the server's account of id.
func (fx *txFixture) account(id string) *account {
	return fx.h.srv.bank().accounts[id]
}

// TestTransactionJSONMatchesEncodingJSON writes every transaction of every
// account of the fixture by hand and compares the bytes with json.Marshal
// of the struct the old code built.
func TestTransactionJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	fx := newTxFixture(t)
	seen := map[string]int{}
	fx.h.srv.withBank(func(b *bankState, _ time.Time) {
		for _, accID := range fx.accounts {
			a := b.accounts[accID]
			w := b.txWriter(a)
			for j := a.total - 1; j >= 0; j-- {
				old := b.txJSON(a, j)
				want, err := json.Marshal(old)
				require.NoError(t, err)
				got := w.append(nil, j)
				if !bytes.Equal(want, got) {
					require.Equal(t, string(want), string(got), "account %s transaction %d", accID, j)
				}
				for k, ok := range map[string]bool{
					"card": a.credit, "bank": !a.credit, "openFinance": a.openFinance, "notOpenFinance": !a.openFinance,
					"override": b.txOverrides[old.ID] != txOverride{}, "pending": old.Status == "PENDING",
					"installments": old.CreditCardMetadata != nil && old.CreditCardMetadata.TotalInstallments != nil,
					"bill":         old.CreditCardMetadata != nil && old.CreditCardMetadata.BillID != nil,
					"merchant":     old.Merchant != nil, "paymentData": old.PaymentData != nil,
					"boleto":     old.PaymentData != nil && old.PaymentData.ReferenceNumber != nil,
					"cnpjHolder": old.PaymentData != nil && strings.HasPrefix(a.taxNumber, "**."),
					"deleted":    a.isDeleted(j), "laterBatch": len(a.batches) > 1 && j >= a.batches[1].start,
					"ruleCategory": old.CategoryID != nil && b.txOverrides[old.ID] == txOverride{} &&
						*old.CategoryID != a.pattern[j%int64(len(a.pattern))].t.category,
					"escaped": bytes.Contains(want, []byte(`\u`)), "notASCII": bytes.ContainsFunc(want, func(r rune) bool { return r >= utf8.RuneSelf }),
				} {
					if ok {
						seen[k]++
					}
				}
			}
		}
	})
	for _, k := range []string{"card", "bank", "openFinance", "notOpenFinance", "override", "pending", "installments", "bill",
		"merchant", "paymentData", "boleto", "cnpjHolder", "deleted", "laterBatch", "ruleCategory", "escaped", "notASCII"} {
		assert.Positive(t, seen[k], "no transaction of the fixture is %s: the comparison does not cover it", k)
	}
}

// serveBoth answers r with the current handler and with the old one and
// requires the same status, content type and body; it returns the body.
func serveBoth(t *testing.T, h, ref http.HandlerFunc, r *http.Request) []byte {
	t.Helper()
	got, want := httptest.NewRecorder(), httptest.NewRecorder()
	h(got, r)
	ref(want, r)
	require.Equal(t, want.Code, got.Code, r.URL.String())
	require.Equal(t, want.Header().Get("Content-Type"), got.Header().Get("Content-Type"), r.URL.String())
	if !bytes.Equal(want.Body.Bytes(), got.Body.Bytes()) {
		require.Equal(t, want.Body.String(), got.Body.String(), r.URL.String())
	}
	if cl := got.Header().Get("Content-Length"); cl != "" {
		require.Equal(t, fmt.Sprint(got.Body.Len()), cl)
	}
	return got.Body.Bytes()
}

func txRequest(path string, q url.Values) *http.Request {
	return httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil)
}

// TestTransactionAnswersMatchOldHandlers sends the same requests to the
// transaction handlers and to the old ones (struct and encoding/json) and
// compares the answers byte for byte: cursor sweeps with every filter, bad
// cursors, the page list, single transactions, and the PATCH answer.
func TestTransactionAnswersMatchOldHandlers(t *testing.T) {
	t.Parallel()
	fx := newTxFixture(t)
	s := fx.h.srv
	sweep := func(q url.Values) int {
		n := 0
		for pages := 0; ; pages++ {
			require.Less(t, pages, 100)
			body := serveBoth(t, s.listTransactionsCursor, s.refListTransactionsCursor, txRequest("/v2/transactions", q))
			var p txPage
			require.NoError(t, json.Unmarshal(body, &p))
			n += len(p.Results)
			if p.Next == nil {
				return n
			}
			r := httptest.NewRequest(http.MethodGet, "/v2/transactions"+*p.Next, nil)
			q = r.URL.Query()
			q.Set("after", rawQueryParam(r.URL.RawQuery, "after"))
		}
	}
	for _, accID := range fx.accounts {
		a := fx.account(accID)
		total := int(a.total) - len(a.deleted)
		require.Equal(t, total, sweep(url.Values{"accountId": {accID}}))
		first, last := fmtTime(a.dateOf(100)), fmtTime(a.dateOf(a.total-300))
		assert.Positive(t, sweep(url.Values{"accountId": {accID}, "dateFrom": {first}, "dateTo": {last}}))
		assert.Positive(t, sweep(url.Values{"accountId": {accID}, "dateFrom": {first[:10]}}))
		var ids []string
		for j := int64(0); j < a.total; j += 2 {
			ids = append(ids, s.bank().txID(a.ordinal, j))
		}
		ids = append(ids, fx.deleted...)
		sweep(url.Values{"accountId": {accID}, "ids": {strings.Join(ids[:500], ",")}})
		sweep(url.Values{"accountId": {accID}, "ids": {strings.Join(ids[len(ids)-300:], ",")}, "dateTo": {last}})
		sweep(url.Values{"accountId": {accID}, "createdAtFrom": {"2026-11-20T12:30:00.000Z"}})
		serveBoth(t, s.listTransactionsCursor, s.refListTransactionsCursor,
			txRequest("/v2/transactions", url.Values{"accountId": {accID}, "after": {"AQAAAZMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}))
		serveBoth(t, s.listTransactionsCursor, s.refListTransactionsCursor,
			txRequest("/v2/transactions", url.Values{"accountId": {accID}, "dateFrom": {first}, "createdAtFrom": {first}}))

		for _, q := range []url.Values{
			{}, {"page": {"3"}, "pageSize": {"500"}}, {"page": {"2"}, "pageSize": {"77"}}, {"page": {"1000"}},
			{"from": {first}, "to": {last}, "pageSize": {"250"}}, {"ids": {strings.Join(ids[:400], ",")}, "page": {"2"}, "pageSize": {"300"}},
		} {
			q.Set("accountId", accID)
			serveBoth(t, s.listTransactionsPage, s.refListTransactionsPage, txRequest("/transactions", q))
		}
		for _, bl := range a.bills {
			body := serveBoth(t, s.listTransactionsPage, s.refListTransactionsPage,
				txRequest("/transactions", url.Values{"accountId": {accID}, "billId": {bl.id}, "pageSize": {"500"}}))
			assert.Contains(t, string(body), bl.id)
		}

		for _, id := range append(append([]string{ids[0], ids[1], ids[len(ids)/3]}, fx.patched...), fx.deleted...) {
			r := httptest.NewRequest(http.MethodGet, "/transactions/"+id, nil)
			r.SetPathValue("id", id)
			serveBoth(t, s.getTransaction, s.refGetTransaction, r)
		}
	}
	serveBoth(t, s.listTransactionsCursor, s.refListTransactionsCursor,
		txRequest("/v2/transactions", url.Values{"accountId": {"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}}))
	serveBoth(t, s.listTransactionsPage, s.refListTransactionsPage,
		txRequest("/transactions", url.Values{"accountId": {"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}}))
	serveBoth(t, s.listTransactionsPage, s.refListTransactionsPage, txRequest("/transactions",
		url.Values{"accountId": {fx.accounts[0]}, "billId": {fx.account(fx.accounts[1]).bills[0].id}}))

	// The PATCH answer is the transaction as the old GET then answers it.
	a := fx.account(fx.accounts[3])
	id := s.bank().txID(a.ordinal, 17)
	patch := httptest.NewRequest(http.MethodPatch, "/transactions/"+id, strings.NewReader(`{"categoryId":"16000000"}`))
	patch.SetPathValue("id", id)
	rec := httptest.NewRecorder()
	s.updateTransaction(rec, patch)
	require.Equal(t, http.StatusOK, rec.Code)
	get := httptest.NewRequest(http.MethodGet, "/transactions/"+id, nil)
	get.SetPathValue("id", id)
	ref := httptest.NewRecorder()
	s.refGetTransaction(ref, get)
	assert.Equal(t, ref.Body.String(), rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"categoryId":"16000000"`)
}

// Without deletions too (the fixture above deletes in every account), the
// page-numbered list answers as the old handler did, past the end included.
func TestTransactionPagesMatchOldHandlerWithoutDeletions(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithTransactionsPerAccount(1200))
	_, bank, card := h.connected(ConnectorItau)
	s := h.srv
	for _, accID := range []string{bank, card} {
		require.Empty(t, s.bank().accounts[accID].deleted)
		for _, q := range []url.Values{
			{}, {"page": {"3"}, "pageSize": {"500"}}, {"page": {"2"}, "pageSize": {"77"}}, {"page": {"16"}, "pageSize": {"77"}},
			{"page": {"17"}, "pageSize": {"77"}}, {"page": {"1000"}}, {"pageSize": {"1"}},
		} {
			q.Set("accountId", accID)
			body := serveBoth(t, s.listTransactionsPage, s.refListTransactionsPage, txRequest("/transactions", q))
			assert.Contains(t, string(body), `"total":1200`, q)
		}
	}
}

// jsonTestAlphabet is what random strings are drawn from: plain text, every
// character encoding/json escapes, multi-byte UTF-8 (U+FFFD itself among
// it) and invalid UTF-8.
var jsonTestAlphabet = []string{"a", "Z", "0", " ", "~", "\x7f", "<", ">", "&", `"`, `\`, "/", "'", "\x00", "\x01", "\b", "\f",
	"\n", "\r", "\t", "\x1f", "é", "ç", "€", "\u2027", "\u2028", "\u2029", "\u202a", "\ufffd", "😀", "\U0010ffff", "\xff", "\xc3",
	"\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\x80"}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	check := func(s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		got := appendJSONString([]byte("prefix"), s)
		if string(got) != "prefix"+string(want) {
			require.Equal(t, "prefix"+string(want), string(got), "%q", s)
		}
	}
	for c := 0; c < 256; c++ {
		check(string([]byte{byte(c)}))
		check("ab" + string([]byte{byte(c)}) + "cd")
	}
	for _, s := range jsonTestAlphabet {
		check(s)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.IntN(24); n > 0; n-- {
			b.WriteString(jsonTestAlphabet[rng.IntN(len(jsonTestAlphabet))])
		}
		check(b.String())
		raw := make([]byte, rng.IntN(16))
		for k := range raw {
			raw[k] = byte(rng.Uint32())
		}
		check(string(raw))
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonTestAlphabet {
		f.Add(s + "x<y>&z" + s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(want, got) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

func TestAppendMoneyMatchesMarshalJSON(t *testing.T) {
	t.Parallel()
	vals := []int64{0, 1, -1, 9, -9, 10, -10, 99, -99, 100, -100, 101, -101, 12345, -12345, 1 << 40,
		math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 5000; i++ {
		vals = append(vals, rng.Int64N(1_000_000_000)-500_000_000, int64(rng.Uint64()))
	}
	for _, v := range vals {
		want, err := money(v).MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendMoney(nil, v)), "%d", v)
	}
}

func TestAppendTimeMatchesFmtTime(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("BRT", -3*3600)
	times := []time.Time{{}, time.Unix(0, 0), bankStart, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 22, 0, 0, 1, zone), time.Date(1999, 2, 28, 0, 0, 0, 999_999, time.UTC)}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 5000; i++ {
		times = append(times, time.Unix(rng.Int64N(1<<37)-1<<36, rng.Int64N(1e9)).In(zone),
			bankStart.Add(time.Duration(rng.Int64N(int64(3*365*24*time.Hour)))-2*365*24*time.Hour))
	}
	for _, tm := range times {
		assert.Equal(t, fmtTime(tm), string(appendTime(nil, tm)), "%v", tm)
	}
}

func TestTxIDMatchesReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 2000; i++ {
		b := &bankState{seed: rng.Uint64()}
		ord, j := rng.Uint32(), rng.Int64N(1<<40)
		if i%2 == 0 {
			ord, j = uint32(rng.IntN(10)), rng.Int64N(5_000_000)
		}
		require.Equal(t, b.refTxID(ord, j), b.txID(ord, j))
	}
}

// TestTxEncFollowsTheAccount checks that the per-account cache is rebuilt
// when what it was written from changes.
func TestTxEncFollowsTheAccount(t *testing.T) {
	t.Parallel()
	fx := newBankHarness(t, WithTransactionsPerAccount(200))
	_, bank, _ := fx.connected(ConnectorItau)
	fx.srv.withBank(func(b *bankState, _ time.Time) {
		a := b.accounts[bank]
		for _, j := range []int64{0, 45, 199} {
			before := string(b.txWriter(a).append(nil, j))
			a.owner, a.taxNumber = "Outra Pessoa <&>", "**.111.222/0001-**"
			want, err := json.Marshal(b.txJSON(a, j))
			require.NoError(t, err)
			assert.Equal(t, string(want), string(b.txWriter(a).append(nil, j)))
			if a.pattern[j%int64(len(a.pattern))].t.method != "" {
				assert.NotEqual(t, before, string(want), "transaction %d names its holder", j)
			}
			a.owner, a.taxNumber = "Maria Aparecida da Silva", "***.456.789-**"
			assert.Equal(t, before, string(b.txWriter(a).append(nil, j)))
		}
	})
}

// BenchmarkTransactionsPage compares producing one 500-transaction page of
// GET /v2/transactions the old way (a struct per transaction, then
// encoding/json) and the new (appended by hand into a reused buffer), on
// a bank and a credit card account, Open Finance.
func BenchmarkTransactionsPage(b *testing.B) {
	srv := NewServer(WithStartTime(bankStart), WithoutRateLimit(), WithTransactionsPerAccount(1_000_000))
	defer srv.Close()
	id, err := srv.AddConnectedItem(ConnectorOpenFinance)
	if err != nil {
		b.Fatal(err)
	}
	bk := srv.bank()
	for k, name := range []string{"bank", "card"} {
		a := bk.accounts[bk.items[id].accountIDs[k]]
		b.Run(name+"/old", func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				j := a.total - 1 - int64(i%1000)*cursorPageSize
				buf.Reset()
				bk.mu.Lock()
				out := cursorPageJSON{Results: []transactionJSON{}}
				for k := int64(0); k < cursorPageSize; k++ {
					out.Results = append(out.Results, bk.txJSON(a, j-k))
				}
				bk.mu.Unlock()
				if err := json.NewEncoder(&buf).Encode(out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes/page")
		})
		b.Run(name+"/new", func(b *testing.B) {
			var buf []byte
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				j := a.total - 1 - int64(i%1000)*cursorPageSize
				buf = append(buf[:0], `{"results":[`...)
				bk.mu.Lock()
				w := bk.txWriter(a)
				for k := int64(0); k < cursorPageSize; k++ {
					if k > 0 {
						buf = append(buf, ',')
					}
					buf = w.append(buf, j-k)
				}
				bk.mu.Unlock()
				buf = append(buf, `],"next":null}`+"\n"...)
			}
			b.ReportMetric(float64(len(buf)), "bytes/page")
		})
	}
}
