package pluggytest

// The transaction answers as they were written before txjson.go: each
// transaction built as a struct (txJSON) and the answer encoded by
// encoding/json (writeJSON). Kept verbatim as the reference the hand-written
// bytes are compared with, byte for byte, in txjson_test.go.

import (
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// refTxID is the old txID: the id of transaction j of the account with the
// given ordinal.
func (b *bankState) refTxID(ordinal uint32, j int64) string {
	var raw [16]byte
	m := splitmix(b.seed)
	binary.BigEndian.PutUint32(raw[0:4], ordinal^uint32(splitmix(m^uint64(j))))
	var h [8]byte
	binary.BigEndian.PutUint64(h[:], splitmix(m^uint64(ordinal)<<32^uint64(j)))
	copy(raw[4:10], h[:6])
	x := (uint64(j)*idMul ^ m>>16) & mask48
	for i := 0; i < 6; i++ {
		raw[15-i] = byte(x >> (8 * i))
	}
	raw[6] = version | raw[6]&0x0f
	raw[8] = 0x80 | raw[8]&0x3f
	return fmt.Sprintf("%x-%x-%x-%x-%x", raw[0:4], raw[4:6], raw[6:8], raw[8:10], raw[10:16])
}

type transactionJSON struct {
	ID                          string           `json:"id"`
	Description                 string           `json:"description"`
	DescriptionRaw              *string          `json:"descriptionRaw"`
	CurrencyCode                string           `json:"currencyCode"`
	Amount                      money            `json:"amount"`
	Date                        string           `json:"date"`
	Type                        string           `json:"type"`
	Balance                     *money           `json:"balance"`
	ProviderCode                *string          `json:"providerCode"`
	Status                      string           `json:"status"`
	Category                    *string          `json:"category"`
	CategoryID                  *string          `json:"categoryId"`
	PaymentData                 *paymentDataJSON `json:"paymentData"`
	CreditCardMetadata          *cardMetaJSON    `json:"creditCardMetadata"`
	Merchant                    *merchantJSON    `json:"merchant,omitempty"`
	OperationType               *string          `json:"operationType"`
	OperationTypeAdditionalInfo *string          `json:"operationTypeAdditionalInfo"`
	ProviderID                  *string          `json:"providerId"`
	AccountID                   string           `json:"accountId"`
	CreatedAt                   string           `json:"createdAt"`
	UpdatedAt                   string           `json:"updatedAt"`
}

type cardMetaJSON struct {
	InstallmentNumber *int    `json:"installmentNumber,omitempty"`
	TotalInstallments *int    `json:"totalInstallments,omitempty"`
	TotalAmount       *money  `json:"totalAmount,omitempty"`
	PurchaseDate      string  `json:"purchaseDate"`
	PayeeMCC          string  `json:"payeeMCC,omitempty"`
	CardNumber        string  `json:"cardNumber"`
	BillID            *string `json:"billId"`
}

// txJSON builds transaction j of a.
func (b *bankState) txJSON(a *account, j int64) transactionJSON {
	e := a.pattern[j%int64(len(a.pattern))]
	t := e.t
	id := b.refTxID(a.ordinal, j)
	date := a.dateOf(j)
	bt := a.batchOf(j)
	desc := t.desc
	if strings.Contains(desc, "%s") {
		desc = fmt.Sprintf(desc, people[e.person])
	}
	raw := strings.ToUpper(foldAccents(strings.ToLower(desc)))
	out := transactionJSON{ID: id, Description: desc, DescriptionRaw: &raw, CurrencyCode: "BRL",
		Amount: money(e.amount), Date: fmtTime(date), Type: "DEBIT", Status: "POSTED", AccountID: a.id,
		CreatedAt: fmtTime(bt.createdAt), UpdatedAt: fmtTime(bt.createdAt)}
	if e.amount > 0 {
		out.Type = "CREDIT"
	}
	if !a.credit {
		out.Balance = moneyPtr(money(a.opening + a.sumTo(j)))
	}
	catID := t.category
	subtype := "CHECKING_ACCOUNT"
	if a.credit {
		subtype = "CREDIT_CARD"
	}
	if ov, ok := b.txOverrides[id]; ok {
		catID = ov.categoryID
		out.UpdatedAt = fmtTime(ov.at)
	} else if rule := b.ruleFor(desc, out.Type, subtype); rule != nil {
		catID = rule.categoryID
	}
	if c, ok := categoryByID[catID]; ok {
		out.Category, out.CategoryID = &c.Description, &c.ID
	}
	if t.merchant >= 0 {
		m := merchantTable[t.merchant].json()
		out.Merchant = &m
	}
	if t.method != "" {
		out.PaymentData = paymentData(a, e, t, desc)
	}
	if a.credit {
		meta := &cardMetaJSON{PurchaseDate: fmtTime(date), PayeeMCC: t.mcc, CardNumber: a.number}
		if e.of > 0 {
			n, of := e.installment, e.of
			meta.InstallmentNumber, meta.TotalInstallments = &n, &of
			meta.TotalAmount = moneyPtr(money(-e.amount * int64(e.of)))
		}
		if bl := a.billOf(date); bl != nil {
			meta.BillID = &bl.id
		} else if n := len(a.bills); n > 0 && date.After(a.bills[n-1].closeDate) {
			out.Status = "PENDING"
		}
		out.CreditCardMetadata = meta
	}
	if a.openFinance {
		op := t.opType
		pid := fmt.Sprintf("%x", splitmix(uint64(a.ordinal)<<40^uint64(j)))
		out.OperationType, out.ProviderID = &op, &pid
	}
	return out
}

type cursorPageJSON struct {
	Results []transactionJSON `json:"results"`
	Next    *string           `json:"next"`
}

func (s *Server) refListTransactionsCursor(w http.ResponseWriter, r *http.Request) {
	f, ok := parseTxFilter(w, r.URL.Query(), "dateFrom", "dateTo")
	if !ok {
		return
	}
	if f.from != nil && f.cfrom != nil {
		writeError(w, http.StatusBadRequest, "INVALID_FILTERS", "dateFrom and createdAtFrom cannot be used together")
		return
	}
	after := rawQueryParam(r.URL.RawQuery, "after")
	out := cursorPageJSON{Results: []transactionJSON{}}
	bad := false
	s.withBank(func(b *bankState, _ time.Time) {
		a := b.accounts[f.accountID]
		if a == nil {
			return
		}
		lo, hi := f.window(a)
		start := hi - 1
		if after != "" {
			j, ok := b.decodeCursor(a, after)
			if !ok {
				bad = true
				return
			}
			start = min(start, j-1)
		}
		var js []int64
		more := false
		if len(f.ids) > 0 {
			for _, j := range f.selected(b, a, lo, hi) {
				if j > start {
					continue
				}
				if len(js) == cursorPageSize {
					more = true
					break
				}
				js = append(js, j)
			}
		} else {
			for j := start; j >= lo && len(js) < cursorPageSize; j-- {
				if !a.isDeleted(j) {
					js = append(js, j)
				}
			}
			if len(js) > 0 {
				last := js[len(js)-1]
				more = last-lo > a.deletedIn(lo, last) // an undeleted one is left below
			}
		}
		for _, j := range js {
			out.Results = append(out.Results, b.txJSON(a, j))
		}
		if more {
			next := f.nextQuery(b.cursor(a, js[len(js)-1]))
			out.Next = &next
		}
	})
	if bad {
		writeError(w, http.StatusBadRequest, "", "Invalid cursor")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) refListTransactionsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, ok := parseTxFilter(w, q, "from", "to")
	if !ok {
		return
	}
	page, size, ok := pageParams(w, q, 20)
	if !ok {
		return
	}
	billID := strings.TrimSpace(q.Get("billId"))
	if billID != "" && !looksLikeUUID(billID) {
		writeError(w, http.StatusBadRequest, "", "billId must be a UUID")
		return
	}
	results := []transactionJSON{}
	var total int64
	s.withBank(func(b *bankState, _ time.Time) {
		a := b.accounts[f.accountID]
		if a == nil {
			return
		}
		lo, hi := f.window(a)
		if billID != "" {
			bl := b.bills[billID]
			if bl == nil || bl.accountID != a.id {
				return
			}
			lo, hi = max(lo, a.firstFrom(bl.openDate.Add(time.Millisecond))), min(hi, a.endAt(bl.closeDate))
			hi = max(hi, lo)
		}
		offset := int64(page-1) * int64(size)
		if len(f.ids) > 0 {
			js := f.selected(b, a, lo, hi)
			total = int64(len(js))
			for i := offset; i < total && i < offset+int64(size); i++ {
				results = append(results, b.txJSON(a, js[i]))
			}
			return
		}
		total = hi - lo - a.deletedIn(lo, hi)
		if len(a.deleted) == 0 {
			for j := hi - 1 - offset; j >= lo && j > hi-1-offset-int64(size); j-- {
				results = append(results, b.txJSON(a, j))
			}
			return
		}
		for j := a.nthFromTop(lo, hi, offset); j >= lo && len(results) < size; j-- {
			if !a.isDeleted(j) {
				results = append(results, b.txJSON(a, j))
			}
		}
	})
	pages := (total + int64(size) - 1) / int64(size)
	writeJSON(w, http.StatusOK, map[string]any{"page": page, "total": total, "totalPages": pages, "results": results})
}

// refWithTx runs f on the transaction of the request's {id}, answering 404
// when there is none; f returns the status and body to answer.
func (s *Server) refWithTx(w http.ResponseWriter, r *http.Request, f func(b *bankState, a *account, j int64, now time.Time) (int, any)) {
	status, out := http.StatusNotFound, any(nil)
	s.withBank(func(b *bankState, now time.Time) {
		if a, j, ok := b.findTx(r.PathValue("id")); ok && !a.isDeleted(j) {
			status, out = f(b, a, j, now)
		}
	})
	if out == nil {
		writeError(w, http.StatusNotFound, "TRANSACTION_NOT_FOUND", "transaction not found")
		return
	}
	writeJSON(w, status, out)
}

func (s *Server) refGetTransaction(w http.ResponseWriter, r *http.Request) {
	s.refWithTx(w, r, func(b *bankState, a *account, j int64, _ time.Time) (int, any) {
		return http.StatusOK, b.txJSON(a, j)
	})
}
