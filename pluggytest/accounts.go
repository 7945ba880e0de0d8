package pluggytest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"time"
)

// money is an amount in cents, written as a JSON number with two decimals.
type money int64

func (m money) MarshalJSON() ([]byte, error) {
	sign, v := "", int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return []byte(fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)), nil
}

func moneyPtr(m money) *money { return &m }

// account is a bank or credit card account of a connected item. Its
// transactions are not stored: transaction j (0 the oldest) is computed from
// j and the account's pattern, a cycle of entries whose running sums are
// kept, so that any transaction, balance or sum over a range of them costs
// O(1) (O(batches) for dates).
type account struct {
	id, itemID   string
	ordinal      uint32
	credit       bool
	openFinance  bool
	createdAt    time.Time
	updatedAt    time.Time
	owner        string
	taxNumber    string
	number       string
	pattern      []txEntry
	prefix       []int64 // prefix[i]: sum of the amounts of pattern[0..i]
	prefixDebit  []int64 // the same over the debits only
	cycleSum     int64
	cycleDebit   int64
	opening      int64
	batches      []txBatch
	total        int64
	bills        []*bill // oldest first
	creditLimit  int64
	statementIDs []string
	deleted      []int64 // indices of deleted transactions, ascending
	enc          *txEnc  // the parts of its transactions' JSON that never change (txEncOf)
}

// txBatch is a run of transactions created by one synchronisation.
type txBatch struct {
	start, count int64
	first        time.Time
	step         time.Duration
	createdAt    time.Time
}

// addBatch appends n transactions created at `at`, dated from first on,
// step apart.
func (a *account) addBatch(n int64, first time.Time, step time.Duration, at time.Time) {
	if n <= 0 {
		return
	}
	a.batches = append(a.batches, txBatch{start: a.total, count: n, first: first.Truncate(time.Millisecond),
		step: step, createdAt: at.Truncate(time.Millisecond)})
	a.total += n
}

func (a *account) batchOf(j int64) *txBatch {
	i := sort.Search(len(a.batches), func(i int) bool { return a.batches[i].start+a.batches[i].count > j })
	return &a.batches[i]
}

// dateOf is the date of transaction j.
func (a *account) dateOf(j int64) time.Time {
	bt := a.batchOf(j)
	return bt.first.Add(time.Duration(j-bt.start) * bt.step)
}

// lastDate is the date of the newest transaction (zero when none).
func (a *account) lastDate() time.Time {
	if a.total == 0 {
		return time.Time{}
	}
	return a.dateOf(a.total - 1)
}

// firstFrom returns the first transaction dated at or after t.
func (a *account) firstFrom(t time.Time) int64 {
	for _, bt := range a.batches {
		last := bt.first.Add(time.Duration(bt.count-1) * bt.step)
		if last.Before(t) {
			continue
		}
		if !t.After(bt.first) {
			return bt.start
		}
		k := int64((t.Sub(bt.first) + bt.step - 1) / bt.step)
		return bt.start + k
	}
	return a.total
}

// endAt returns one past the last transaction dated at or before t.
func (a *account) endAt(t time.Time) int64 {
	for i := len(a.batches) - 1; i >= 0; i-- {
		bt := a.batches[i]
		if bt.first.After(t) {
			continue
		}
		k := int64(t.Sub(bt.first)/bt.step) + 1
		return bt.start + min(k, bt.count)
	}
	return 0
}

// firstCreatedFrom returns the first transaction created at or after t.
func (a *account) firstCreatedFrom(t time.Time) int64 {
	for _, bt := range a.batches {
		if !bt.createdAt.Before(t) {
			return bt.start
		}
	}
	return a.total
}

// sumTo is the sum of the amounts of transactions 0..j (0 for j < 0).
func (a *account) sumTo(j int64) int64 {
	if j < 0 {
		return 0
	}
	p := int64(len(a.pattern))
	return (j/p)*a.cycleSum + a.prefix[j%p]
}

// debitsTo is sumTo over the debits only.
func (a *account) debitsTo(j int64) int64 {
	if j < 0 {
		return 0
	}
	p := int64(len(a.pattern))
	return (j/p)*a.cycleDebit + a.prefixDebit[j%p]
}

// balance is the balance of the account: after the newest transaction for
// a bank account, the open bill for a credit card.
func (a *account) balance() int64 {
	if !a.credit {
		return a.opening + a.sumTo(a.total-1)
	}
	from := int64(0)
	if n := len(a.bills); n > 0 {
		from = a.endAt(a.bills[n-1].closeDate)
	}
	return -(a.debitsTo(a.total-1) - a.debitsTo(from-1))
}

// newAccount creates an account of it with a pattern drawn from the
// server's seed and the account's ordinal.
func (b *bankState) newAccount(id string, it *itemState, credit bool, at time.Time) *account {
	b.nextOrdinal++
	a := &account{id: id, itemID: it.id, ordinal: b.nextOrdinal, credit: credit, openFinance: it.conn.openFinance,
		createdAt: at, updatedAt: at}
	rng := rand.New(rand.NewPCG(b.seed, uint64(a.ordinal)*0x9e3779b97f4a7c15+1))
	if credit {
		a.pattern = cardPattern(rng)
		a.number = fmt.Sprintf("%04d", 1000+rng.IntN(9000))
		a.creditLimit = int64(800000 + 100000*rng.IntN(20))
	} else {
		a.pattern = bankPattern(rng)
		a.number = fmt.Sprintf("0001/%05d-%d", 10000+rng.IntN(90000), rng.IntN(10))
	}
	a.prefix = make([]int64, len(a.pattern))
	a.prefixDebit = make([]int64, len(a.pattern))
	var sum, debit, low int64
	for i, e := range a.pattern {
		sum += e.amount
		if e.amount < 0 {
			debit += e.amount
		}
		a.prefix[i], a.prefixDebit[i] = sum, debit
		low = min(low, sum)
	}
	a.cycleSum, a.cycleDebit = sum, debit
	a.opening = 250000 - low
	b.accounts[id] = a
	b.byOrdinal[a.ordinal] = a
	it.accountIDs = append(it.accountIDs, id)
	return a
}

// initialBatch gives a new account its first n transactions, the newest
// just before `at`: three a day for a bank account (spread over two years at
// most), over the last 90 days for a credit card.
func (a *account) initialBatch(n int64, at time.Time) {
	if n <= 0 {
		return
	}
	var step time.Duration
	if a.credit {
		step = 90 * 24 * time.Hour / time.Duration(n)
		step = min(step, 24*time.Hour)
	} else {
		step = 2 * 365 * 24 * time.Hour / time.Duration(n)
		step = min(step, 8*time.Hour)
	}
	step = max(step.Truncate(time.Millisecond), time.Millisecond)
	last := at.Add(-time.Hour).Truncate(time.Millisecond)
	a.addBatch(n, last.Add(-time.Duration(n-1)*step), step, at)
}

// laterBatch adds the n transactions a later synchronisation at `at` finds,
// a minute apart, after the newest ones.
func (a *account) laterBatch(n int64, at time.Time) {
	if n <= 0 {
		return
	}
	first := at.Add(-time.Duration(n) * time.Minute).Truncate(time.Millisecond)
	if a.total > 0 {
		if floor := a.lastDate().Add(time.Second); first.Before(floor) {
			first = floor
		}
	}
	a.addBatch(n, first, time.Minute, at)
	a.updatedAt = at
}

// Account JSON.

type accountJSON struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	Subtype       string          `json:"subtype"`
	Number        string          `json:"number"`
	Name          string          `json:"name"`
	MarketingName string          `json:"marketingName"`
	Balance       money           `json:"balance"`
	ItemID        string          `json:"itemId"`
	TaxNumber     string          `json:"taxNumber"`
	Owner         string          `json:"owner"`
	CurrencyCode  string          `json:"currencyCode"`
	BankData      *bankDataJSON   `json:"bankData"`
	CreditData    *creditDataJSON `json:"creditData"`
	CreatedAt     string          `json:"createdAt"`
	UpdatedAt     string          `json:"updatedAt"`
}

type bankDataJSON struct {
	TransferNumber               string `json:"transferNumber"`
	ClosingBalance               money  `json:"closingBalance"`
	AutomaticallyInvestedBalance money  `json:"automaticallyInvestedBalance"`
	OverdraftContractedLimit     money  `json:"overdraftContractedLimit"`
	OverdraftUsedLimit           money  `json:"overdraftUsedLimit"`
	UnarrangedOverdraftAmount    money  `json:"unarrangedOverdraftAmount"`
}

type creditDataJSON struct {
	Level                  string  `json:"level"`
	Brand                  string  `json:"brand"`
	BalanceCloseDate       *string `json:"balanceCloseDate"`
	BalanceDueDate         *string `json:"balanceDueDate"`
	AvailableCreditLimit   money   `json:"availableCreditLimit"`
	BalanceForeignCurrency money   `json:"balanceForeignCurrency"`
	MinimumPayment         money   `json:"minimumPayment"`
	CreditLimit            money   `json:"creditLimit"`
	IsLimitFlexible        bool    `json:"isLimitFlexible"`
	Status                 string  `json:"status"`
	HolderType             string  `json:"holderType"`
}

func (a *account) json() accountJSON {
	out := accountJSON{ID: a.id, Number: a.number, Balance: money(a.balance()), ItemID: a.itemID,
		TaxNumber: a.taxNumber, Owner: a.owner, CurrencyCode: "BRL",
		CreatedAt: fmtTime(a.createdAt), UpdatedAt: fmtTime(a.updatedAt)}
	if !a.credit {
		out.Type, out.Subtype, out.Name, out.MarketingName = "BANK", "CHECKING_ACCOUNT", "Conta Corrente", "Conta Corrente Pluggy Digital"
		out.BankData = &bankDataJSON{TransferNumber: a.number, ClosingBalance: out.Balance,
			OverdraftContractedLimit: 200000}
		return out
	}
	out.Type, out.Subtype, out.Name, out.MarketingName = "CREDIT", "CREDIT_CARD", "Mastercard Black", "PLUGGY MASTERCARD BLACK"
	cd := &creditDataJSON{Level: "BLACK", Brand: "MASTERCARD", CreditLimit: money(a.creditLimit),
		AvailableCreditLimit: money(a.creditLimit - a.balance()), Status: "ACTIVE", HolderType: "MAIN"}
	if n := len(a.bills); n > 0 {
		last := a.bills[n-1]
		cd.BalanceCloseDate = timePtr(&last.closeDate)
		cd.BalanceDueDate = timePtr(&last.dueDate)
		cd.MinimumPayment = money(last.total * 15 / 100)
	}
	out.CreditData = cd
	return out
}

// connect creates the data of an item's first successful execution.
func (s *Server) connect(b *bankState, it *itemState, at time.Time) {
	it.connected = true
	owner, tax := "Maria Aparecida da Silva", "***.456.789-**"
	if it.conn.kind == "BUSINESS_BANK" {
		owner, tax = "Padaria Pão Dourado LTDA", "**.293.017/0001-**"
	}
	n := int64(0)
	if contains(it.products, "TRANSACTIONS") {
		n = int64(s.txPerAccount)
	}
	if contains(it.products, "ACCOUNTS") || !contains(it.products, "CREDIT_CARDS") {
		a := b.newAccount(s.newID(), it, false, at)
		a.owner, a.taxNumber = owner, tax
		a.initialBatch(n, at)
		for k := 3; k >= 1; k-- {
			month := time.Date(at.Year(), at.Month()-time.Month(k), 1, 0, 0, 0, 0, time.UTC)
			st := &statement{id: s.newID(), itemID: it.id, accountID: a.id, month: month}
			b.statements[st.id] = st
			a.statementIDs = append(a.statementIDs, st.id)
		}
	}
	if contains(it.products, "CREDIT_CARDS") {
		a := b.newAccount(s.newID(), it, true, at)
		a.owner, a.taxNumber = owner, tax
		a.initialBatch(n, at)
		s.addBills(b, a, at)
	}
	if contains(it.products, "INVESTMENTS") {
		s.addInvestments(b, it, at)
	}
	if contains(it.products, "IDENTITY") {
		id := &identity{id: s.newID(), itemID: it.id, business: it.conn.kind == "BUSINESS_BANK"}
		b.identities[id.id] = id
	}
	if contains(it.products, "LOANS") {
		l := &loan{id: s.newID(), itemID: it.id, contractDate: at.AddDate(-1, -2, 0).Truncate(24 * time.Hour)}
		b.loans[l.id] = l
	}
	if it.conn.openFinance {
		c := &consent{id: s.newID(), itemID: it.id, products: append([]string(nil), it.products...),
			createdAt: at, expiresAt: at.AddDate(1, 0, 0)}
		b.consents[c.id] = c
	}
}

// syncData adds what a later successful execution finds: new transactions
// on each account, announced with transactions/created.
func (s *Server) syncData(b *bankState, it *itemState, at time.Time) {
	if !contains(it.products, "TRANSACTIONS") || s.txPerSync <= 0 {
		return
	}
	for _, id := range it.accountIDs {
		a := b.accounts[id]
		a.laterBatch(int64(s.txPerSync), at)
		from := fmtTime(a.batches[len(a.batches)-1].createdAt)
		link := s.URL + "/v2/transactions?accountId=" + a.id + "&createdAtFrom=" + from
		b.queue("transactions/created", map[string]any{"itemId": it.id, "accountId": a.id,
			"transactionsCreatedAtFrom": from, "createdTransactionsLink": link})
	}
}

// Handlers.

func setupAccounts(s *Server) {
	s.handle("GET /accounts", s.listAccounts)
	s.handle("GET /accounts/{id}", s.getAccount)
	s.handle("GET /accounts/{id}/balance", s.getBalance)
	s.handle("GET /accounts/{id}/statements", s.listStatements)
}

func init() { registerFeature(setupAccounts) }

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	itemID, ok := requireUUIDParam(w, q.Get("itemId"), "itemId")
	if !ok {
		return
	}
	typ := q.Get("type")
	if typ != "" && typ != "BANK" && typ != "CREDIT" {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "type must be one of the following values: BANK, CREDIT")
		return
	}
	results := []accountJSON{}
	s.withBank(func(b *bankState, _ time.Time) {
		it := b.items[itemID]
		if it == nil {
			return
		}
		for _, id := range it.accountIDs {
			a := b.accounts[id]
			if typ == "" || (typ == "CREDIT") == a.credit {
				results = append(results, a.json())
			}
		}
	})
	writePage(w, results, 1, len(results), 1)
}

// withAccount runs f on the account of the request's {id}, answering 404
// when there is none.
func (s *Server) withAccount(w http.ResponseWriter, r *http.Request, f func(b *bankState, a *account, now time.Time) any) {
	var out any
	s.withBank(func(b *bankState, now time.Time) {
		if a := b.accounts[r.PathValue("id")]; a != nil {
			out = f(b, a, now)
		}
	})
	if out == nil {
		writeError(w, http.StatusNotFound, "ACCOUNT_NOT_FOUND", "account not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) {
	s.withAccount(w, r, func(_ *bankState, a *account, _ time.Time) any { return a.json() })
}

func (s *Server) getBalance(w http.ResponseWriter, r *http.Request) {
	s.withAccount(w, r, func(_ *bankState, a *account, now time.Time) any {
		return map[string]any{"balance": money(a.balance()), "currencyCode": "BRL", "updateDateTime": fmtTime(now)}
	})
}

// statement is a monthly statement file of a bank account.
type statement struct {
	id, itemID, accountID string
	month                 time.Time
}

func (s *Server) listStatements(w http.ResponseWriter, r *http.Request) {
	var results []map[string]any
	s.withAccount(w, r, func(b *bankState, a *account, now time.Time) any {
		results = []map[string]any{}
		for _, id := range a.statementIDs {
			st := b.statements[id]
			results = append(results, map[string]any{"id": st.id, "monthYear": st.month.Format("01-2006"),
				"url": fmt.Sprintf("%s/pluggytest/statements/%s.pdf?expires=%d", s.URL, st.id, now.Add(30*time.Minute).Unix())})
		}
		return map[string]any{"total": len(results), "totalPages": 1, "page": 1, "results": results}
	})
}

// requireUUIDParam checks a required query parameter that must be a UUID,
// answering 400 like Pluggy when it is missing or malformed.
func requireUUIDParam(w http.ResponseWriter, v, name string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		writeError(w, http.StatusBadRequest, "", name+" should not be null or undefined, "+name+" must be a UUID")
		return "", false
	}
	if !looksLikeUUID(v) {
		writeError(w, http.StatusBadRequest, "", name+" must be a UUID")
		return "", false
	}
	return v, true
}

// looksLikeUUID reports whether v is written as a UUID (8-4-4-4-12 hex).
func looksLikeUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i, c := range v {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}
