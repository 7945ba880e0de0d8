package pluggytest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// cursorPageSize is how many transactions a page of GET /v2/transactions
// holds.
const cursorPageSize = 500

// txTemplate is a kind of transaction: its description and how much it
// moves.
type txTemplate struct {
	desc         string // %s stands for a person's name
	credit       bool
	min, max     int64 // cents
	category     string
	merchant     int    // index in merchantTable, -1 for none
	method       string // payment rail of paymentData (PIX, TED, BOLETO), "" for none
	opType       string // Open Finance operationType
	mcc          string
	installments bool
}

// txEntry is one transaction of an account's pattern.
type txEntry struct {
	t           *txTemplate
	amount      int64
	person      int
	installment int // 1-based; 0 when not in installments
	of          int
}

var salaryTemplate = &txTemplate{desc: "Salário - Pluggy Tecnologia Ltda", credit: true, category: "01010000",
	merchant: -1, method: "TED", opType: "FOLHA_PAGAMENTO"}

var rentTemplate = &txTemplate{desc: "Aluguel - Imobiliária Lar Feliz", category: "17010000", merchant: -1,
	method: "BOLETO", opType: "BOLETO"}

var bankTemplates = []*txTemplate{
	{desc: "Pix enviado - %s", min: 1500, max: 65000, category: "05070000", merchant: -1, method: "PIX", opType: "PIX"},
	{desc: "Pagamento de boleto - Enel Distribuição São Paulo", min: 8900, max: 34000, category: "17020000", merchant: 7, method: "BOLETO", opType: "BOLETO"},
	{desc: "Compra no débito - Supermercado Pão de Açúcar", min: 3500, max: 48000, category: "10000000", merchant: 3, opType: "CARTAO", mcc: "5411"},
	{desc: "Uber *Viagem", min: 1190, max: 7800, category: "19010000", merchant: 0, opType: "CARTAO", mcc: "4121"},
	{desc: "iFood *Restaurante", min: 2490, max: 12500, category: "11020000", merchant: 1, opType: "CARTAO", mcc: "5812"},
	{desc: "Netflix.com", min: 3990, max: 5590, category: "09010000", merchant: 2, opType: "CARTAO", mcc: "4899"},
	{desc: "Tarifa pacote de serviços", min: 2990, max: 4990, category: "16000000", merchant: -1, opType: "PACOTE_TARIFA_SERVICOS"},
	{desc: "Saque Banco24Horas", min: 5000, max: 40000, category: "05010000", merchant: -1, opType: "SAQUE"},
	{desc: "Drogaria São Paulo", min: 1290, max: 18000, category: "18020000", merchant: 4, opType: "CARTAO", mcc: "5912"},
	{desc: "Posto Ipiranga - Combustível", min: 8000, max: 30000, category: "19050000", merchant: 5, opType: "CARTAO", mcc: "5541"},
	{desc: "Pix recebido - %s", credit: true, min: 2000, max: 90000, category: "05070000", merchant: -1, method: "PIX", opType: "PIX"},
	{desc: "TED recebida - %s", credit: true, min: 10000, max: 150000, category: "05100000", merchant: -1, method: "TED", opType: "TED"},
	{desc: "Rendimento da aplicação automática", credit: true, min: 150, max: 2500, category: "01050000", merchant: -1, opType: "RENDIMENTO_APLIC_FINANCEIRA"},
}

var cardPaymentTemplate = &txTemplate{desc: "Pagamento de fatura", credit: true, category: "05090000", merchant: -1,
	opType: "OUTROS"}

var cardTemplates = []*txTemplate{
	{desc: "Amazon Marketplace", min: 2990, max: 45000, category: "08010000", merchant: 6, opType: "CARTAO", mcc: "5942", installments: true},
	{desc: "Magazine Luiza", min: 9900, max: 280000, category: "08010000", merchant: 10, opType: "CARTAO", mcc: "5732", installments: true},
	{desc: "Spotify", min: 2190, max: 3490, category: "09020000", merchant: -1, opType: "CARTAO", mcc: "5815"},
	{desc: "Restaurante Coco Bambu", min: 8900, max: 42000, category: "11010000", merchant: -1, opType: "CARTAO", mcc: "5812"},
	{desc: "Uber *Trip", min: 1190, max: 7800, category: "19010000", merchant: 0, opType: "CARTAO", mcc: "4121"},
	{desc: "iFood *Pedido", min: 2490, max: 12500, category: "11020000", merchant: 1, opType: "CARTAO", mcc: "5812"},
	{desc: "Drogaria São Paulo", min: 1290, max: 18000, category: "18020000", merchant: 4, opType: "CARTAO", mcc: "5912"},
	{desc: "Posto Ipiranga", min: 8000, max: 30000, category: "19050000", merchant: 5, opType: "CARTAO", mcc: "5541"},
}

var people = []string{"João Pedro Oliveira", "Ana Beatriz Santos", "Carlos Eduardo Lima", "Fernanda Costa Ribeiro",
	"Lucas Almeida Souza", "Juliana Ferreira Gomes", "Rafael Martins Rocha", "Camila Barbosa Dias"}

func amountIn(rng *rand.Rand, t *txTemplate) int64 {
	return t.min + rng.Int64N(t.max-t.min+1)
}

// bankPattern draws the 90 transactions (a month, at three a day) a bank
// account repeats: a salary, mostly expenses, and the rent, sized so that
// the month ends slightly up and the balance stays positive however long
// the history.
func bankPattern(rng *rand.Rand) []txEntry {
	const rentAt = 45
	p := make([]txEntry, 90)
	var rest int64
	for i := 1; i < len(p); i++ {
		if i == rentAt {
			continue
		}
		var t *txTemplate
		if rng.IntN(8) == 0 {
			t = bankTemplates[10+rng.IntN(3)]
		} else {
			t = bankTemplates[rng.IntN(10)]
		}
		e := txEntry{t: t, amount: amountIn(rng, t), person: rng.IntN(len(people))}
		if !t.credit {
			e.amount = -e.amount
		}
		rest += e.amount
		p[i] = e
	}
	salary := 550000 + rng.Int64N(400000)
	margin := 5000 + rng.Int64N(30000)
	rent := max(salary+rest-margin, 80000)
	if sum := salary + rest - rent; sum < margin {
		salary += margin - sum
	}
	p[0] = txEntry{t: salaryTemplate, amount: salary}
	p[rentAt] = txEntry{t: rentTemplate, amount: -rent}
	return p
}

// cardPattern draws the 60 transactions a credit card repeats: purchases,
// some in installments, and the payment of the bill.
func cardPattern(rng *rand.Rand) []txEntry {
	p := make([]txEntry, 60)
	var spent int64
	for i := 0; i < len(p)-1; i++ {
		t := cardTemplates[rng.IntN(len(cardTemplates))]
		e := txEntry{t: t, amount: -amountIn(rng, t)}
		if t.installments && rng.IntN(3) == 0 {
			e.of = []int{2, 3, 6, 10}[rng.IntN(4)]
			e.installment = 1 + rng.IntN(e.of)
			e.amount = e.amount / int64(e.of)
			if e.amount == 0 {
				e.amount = -100
			}
		}
		spent += e.amount
		p[i] = e
	}
	p[len(p)-1] = txEntry{t: cardPaymentTemplate, amount: -spent}
	return p
}

// Transaction ids carry their account and index, so that any of millions
// of transactions is found without storing it: bytes 10-15 hold the index,
// scrambled under a mask drawn from the seed, and bytes 0-3 the account's
// ordinal under a mask drawn from the index; the rest is a hash, and an id
// is checked by building it again.

const (
	idMul   = 0x5DEECE66D // odd: invertible modulo 2^48
	mask48  = 1<<48 - 1
	version = 0x40
)

var idMulInv = func() uint64 {
	inv := uint64(idMul)
	for i := 0; i < 6; i++ {
		inv *= 2 - idMul*inv
	}
	return inv & mask48
}()

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// txID is the id of transaction j of the account with the given ordinal.
func (b *bankState) txID(ordinal uint32, j int64) string {
	return string(appendTxID(make([]byte, 0, 36), splitmix(b.seed), ordinal, j))
}

// findTx returns the account and index of the transaction with that id.
func (b *bankState) findTx(id string) (*account, int64, bool) {
	if !looksLikeUUID(id) {
		return nil, 0, false
	}
	raw, err := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
	if err != nil {
		return nil, 0, false
	}
	m := splitmix(b.seed)
	var x uint64
	for i := 10; i < 16; i++ {
		x = x<<8 | uint64(raw[i])
	}
	j := int64(((x ^ m>>16) & mask48) * idMulInv & mask48)
	ordinal := binary.BigEndian.Uint32(raw[0:4]) ^ uint32(splitmix(m^uint64(j)))
	a := b.byOrdinal[ordinal]
	if a == nil || j >= a.total || b.txID(ordinal, j) != strings.ToLower(id) {
		return nil, 0, false
	}
	return a, j, true
}

// Transaction JSON: txjson.go writes it by hand. The payment data is built
// as these structs, once per account and pattern entry, and written by
// appendPaymentData as encoding/json writes them with these tags.

type paymentDataJSON struct {
	Payer           *participantJSON `json:"payer"`
	Receiver        *participantJSON `json:"receiver"`
	Reason          *string          `json:"reason"`
	ReferenceNumber *string          `json:"referenceNumber"`
	PaymentMethod   string           `json:"paymentMethod"`
}

type participantJSON struct {
	DocumentNumber    documentJSON `json:"documentNumber"`
	Name              string       `json:"name"`
	AccountNumber     string       `json:"accountNumber"`
	BranchNumber      string       `json:"branchNumber"`
	RoutingNumber     string       `json:"routingNumber"`
	RoutingNumberISPB string       `json:"routingNumberISPB"`
}

type documentJSON struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

func paymentData(a *account, e txEntry, t *txTemplate, desc string) *paymentDataJSON {
	holder := &participantJSON{DocumentNumber: documentJSON{Type: "CPF", Value: a.taxNumber}, Name: a.owner,
		AccountNumber: strings.TrimPrefix(a.number, "0001/"), BranchNumber: "0001", RoutingNumber: "999", RoutingNumberISPB: "99999999"}
	if strings.HasPrefix(a.taxNumber, "**.") {
		holder.DocumentNumber.Type = "CNPJ"
	}
	other := &participantJSON{DocumentNumber: documentJSON{Type: "CPF", Value: fmt.Sprintf("***.%03d.%03d-**", 100+e.person*37, 200+e.person*53)},
		Name: people[e.person], AccountNumber: fmt.Sprintf("%06d-%d", 100000+e.person*7919, e.person),
		BranchNumber: fmt.Sprintf("%04d", 1000+e.person*11), RoutingNumber: "260", RoutingNumberISPB: "18236120"}
	switch {
	case t == salaryTemplate:
		other.Name, other.DocumentNumber = "Pluggy Tecnologia Ltda", documentJSON{Type: "CNPJ", Value: "**.482.935/0001-**"}
	case t == rentTemplate:
		other.Name, other.DocumentNumber = "Imobiliária Lar Feliz Ltda", documentJSON{Type: "CNPJ", Value: "**.876.543/0001-**"}
	case t.merchant >= 0:
		m := merchantTable[t.merchant]
		other.Name, other.DocumentNumber = m.businessName, documentJSON{Type: "CNPJ", Value: m.cnpj}
	}
	pd := &paymentDataJSON{PaymentMethod: t.method}
	if e.amount < 0 {
		pd.Payer, pd.Receiver = holder, other
	} else {
		pd.Payer, pd.Receiver = other, holder
	}
	if t.method == "PIX" {
		reason := "Transferência"
		pd.Reason = &reason
	}
	if t.method == "BOLETO" {
		ref := fmt.Sprintf("%011d", uint64(e.person+1)*7919*uint64(len(desc)))
		pd.ReferenceNumber = &ref
	}
	return pd
}

// txOverride is a category a client gave a transaction (PATCH
// /transactions/{id}).
type txOverride struct {
	categoryID string
	at         time.Time
}

// Handlers.

func setupTransactions(s *Server) {
	s.handle("GET /v2/transactions", s.listTransactionsCursor)
	s.handle("GET /transactions", s.listTransactionsPage)
	s.handle("GET /transactions/{id}", s.getTransaction)
	s.handle("PATCH /transactions/{id}", s.updateTransaction)
}

func init() { registerFeature(setupTransactions) }

// txFilter is the parsed filter of a transaction list.
type txFilter struct {
	accountID        string
	ids              []string
	from, to, cfrom  *time.Time
	rawFrom, rawTo   string
	rawCreatedAtFrom string
}

// parseTxFilter reads accountId, ids and the date filters named
// fromName/toName, answering 400 on a bad value.
func parseTxFilter(w http.ResponseWriter, q url.Values, fromName, toName string) (*txFilter, bool) {
	f := &txFilter{}
	var ok bool
	if f.accountID, ok = requireUUIDParam(w, q.Get("accountId"), "accountId"); !ok {
		return nil, false
	}
	for _, v := range q["ids"] {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				f.ids = append(f.ids, id)
			}
		}
	}
	if len(f.ids) > 500 {
		writeError(w, http.StatusBadRequest, "IDS_PARAMETER_EXCEEDS_MAX_LENGTH", "The ids parameter cannot have more than 500 transaction ids")
		return nil, false
	}
	for _, id := range f.ids {
		if !looksLikeUUID(id) {
			writeError(w, http.StatusBadRequest, "", "each value in ids must be a UUID")
			return nil, false
		}
	}
	for _, p := range []struct {
		name  string
		dst   **time.Time
		raw   *string
		endOf bool
	}{{fromName, &f.from, &f.rawFrom, false}, {toName, &f.to, &f.rawTo, true}, {"createdAtFrom", &f.cfrom, &f.rawCreatedAtFrom, false}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		t, err := parseQueryTime(v, p.endOf)
		if err != nil {
			writeError(w, http.StatusBadRequest, "", p.name+" must be a valid ISO 8601 date string")
			return nil, false
		}
		*p.dst, *p.raw = &t, v
	}
	return f, true
}

// parseQueryTime reads a date (YYYY-MM-DD; the end of that day when endOf)
// or a date-time.
func parseQueryTime(v string, endOf bool) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		if endOf {
			t = t.Add(24*time.Hour - time.Millisecond)
		}
		return t, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", v)
}

// window returns the range [lo, hi) of the transactions of a that the date
// filters of f keep.
func (f *txFilter) window(a *account) (lo, hi int64) {
	lo, hi = 0, a.total
	if f.from != nil {
		lo = max(lo, a.firstFrom(*f.from))
	}
	if f.cfrom != nil {
		lo = max(lo, a.firstCreatedFrom(*f.cfrom))
	}
	if f.to != nil {
		hi = min(hi, a.endAt(*f.to))
	}
	return lo, max(hi, lo)
}

// selected returns, newest first, the transactions of f.ids that belong to
// a and fall in [lo, hi).
func (f *txFilter) selected(b *bankState, a *account, lo, hi int64) []int64 {
	seen := map[int64]bool{}
	var js []int64
	for _, id := range f.ids {
		acc, j, ok := b.findTx(id)
		if ok && acc == a && j >= lo && j < hi && !seen[j] && !a.isDeleted(j) {
			seen[j] = true
			js = append(js, j)
		}
	}
	sort.Slice(js, func(x, y int) bool { return js[x] > js[y] })
	return js
}

func (s *Server) listTransactionsCursor(w http.ResponseWriter, r *http.Request) {
	f, ok := parseTxFilter(w, r.URL.Query(), "dateFrom", "dateTo")
	if !ok {
		return
	}
	if f.from != nil && f.cfrom != nil {
		writeError(w, http.StatusBadRequest, "INVALID_FILTERS", "dateFrom and createdAtFrom cannot be used together")
		return
	}
	after := rawQueryParam(r.URL.RawQuery, "after")
	buf := bodyPool.Get().(*[]byte)
	defer bodyPool.Put(buf)
	out := append((*buf)[:0], `{"results":[`...)
	var next string
	bad, more := false, false
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
			js = make([]int64, 0, cursorPageSize)
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
		tw := b.txWriter(a)
		for i, j := range js {
			if i > 0 {
				out = append(out, ',')
			}
			out = tw.append(out, j)
		}
		if more {
			next = f.nextQuery(b.cursor(a, js[len(js)-1]))
		}
	})
	if bad {
		*buf = out
		writeError(w, http.StatusBadRequest, "", "Invalid cursor")
		return
	}
	out = append(out, `],"next":`...)
	if more {
		out = appendJSONString(out, next)
	} else {
		out = append(out, "null"...)
	}
	out = append(out, "}\n"...)
	*buf = out
	writeRawJSON(w, http.StatusOK, out)
}

// nextQuery is the query string of the next page: the same filters and the
// cursor, which is written as it is (a "+" in it stays a "+").
func (f *txFilter) nextQuery(cursor string) string {
	v := url.Values{"accountId": {f.accountID}}
	if len(f.ids) > 0 {
		v.Set("ids", strings.Join(f.ids, ","))
	}
	if f.rawFrom != "" {
		v.Set("dateFrom", f.rawFrom)
	}
	if f.rawTo != "" {
		v.Set("dateTo", f.rawTo)
	}
	if f.rawCreatedAtFrom != "" {
		v.Set("createdAtFrom", f.rawCreatedAtFrom)
	}
	return "?" + v.Encode() + "&after=" + cursor
}

// cursor is the after value that continues past transaction j: the
// standard base64 of a version byte, the transaction's date (Unix
// milliseconds) and its id. Like Pluggy's, it may hold "+", "/" and "=".
func (b *bankState) cursor(a *account, j int64) string {
	raw := make([]byte, 25)
	raw[0] = 1
	binary.BigEndian.PutUint64(raw[1:9], uint64(a.dateOf(j).UnixMilli()))
	id, _ := hex.DecodeString(strings.ReplaceAll(b.txID(a.ordinal, j), "-", ""))
	copy(raw[9:], id)
	return base64.StdEncoding.EncodeToString(raw)
}

func (b *bankState) decodeCursor(a *account, c string) (int64, bool) {
	raw, err := base64.StdEncoding.DecodeString(c)
	if err != nil || len(raw) != 25 || raw[0] != 1 {
		return 0, false
	}
	h := hex.EncodeToString(raw[9:])
	id := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	acc, j, ok := b.findTx(id)
	if !ok || acc != a || a.dateOf(j).UnixMilli() != int64(binary.BigEndian.Uint64(raw[1:9])) {
		return 0, false
	}
	return j, true
}

// rawQueryParam returns the value of name in a raw query, unescaped
// without turning "+" into a space.
func rawQueryParam(raw, name string) string {
	for _, kv := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k != name {
			continue
		}
		if u, err := url.PathUnescape(v); err == nil {
			return u
		}
		return v
	}
	return ""
}

// pageParams reads page (from 1) and pageSize (1..500, def by default),
// answering 400 like Pluggy on a bad value.
func pageParams(w http.ResponseWriter, q url.Values, def int) (page, size int, ok bool) {
	page, size = 1, def
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &page, 1 << 30}, {"pageSize", &size, 500}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n != math.Trunc(n) || math.IsInf(n, 0) {
			writeError(w, http.StatusBadRequest, "", p.name+" must be a number conforming to the specified constraints")
			return 0, 0, false
		}
		if n < 1 {
			writeError(w, http.StatusBadRequest, "", p.name+" must not be less than 1")
			return 0, 0, false
		}
		if n > float64(p.max) {
			writeError(w, http.StatusBadRequest, "", fmt.Sprintf("%s must not be greater than %d", p.name, p.max))
			return 0, 0, false
		}
		*p.dst = int(n)
	}
	return page, size, true
}

func (s *Server) listTransactionsPage(w http.ResponseWriter, r *http.Request) {
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
	// The envelope is a map as encoding/json writes one: keys sorted.
	buf := bodyPool.Get().(*[]byte)
	defer bodyPool.Put(buf)
	out := append((*buf)[:0], `{"page":`...)
	out = strconv.AppendInt(out, int64(page), 10)
	out = append(out, `,"results":[`...)
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
		tw := b.txWriter(a)
		n := 0
		add := func(j int64) {
			if n > 0 {
				out = append(out, ',')
			}
			out = tw.append(out, j)
			n++
		}
		offset := int64(page-1) * int64(size)
		if len(f.ids) > 0 {
			js := f.selected(b, a, lo, hi)
			total = int64(len(js))
			for i := offset; i < total && i < offset+int64(size); i++ {
				add(js[i])
			}
			return
		}
		total = hi - lo - a.deletedIn(lo, hi)
		for j := a.nthFromTop(lo, hi, offset); j >= lo && n < size; j-- {
			if !a.isDeleted(j) {
				add(j)
			}
		}
	})
	pages := (total + int64(size) - 1) / int64(size)
	out = append(out, `],"total":`...)
	out = strconv.AppendInt(out, total, 10)
	out = append(out, `,"totalPages":`...)
	out = strconv.AppendInt(out, pages, 10)
	out = append(out, "}\n"...)
	*buf = out
	writeRawJSON(w, http.StatusOK, out)
}

// withTx runs f on the transaction of the request's {id}, answering 404
// when there is none; f returns the status and body to answer.
func (s *Server) withTx(w http.ResponseWriter, r *http.Request, f func(b *bankState, a *account, j int64, now time.Time) (int, rawJSON)) {
	status, out := http.StatusNotFound, rawJSON(nil)
	s.withBank(func(b *bankState, now time.Time) {
		if a, j, ok := b.findTx(r.PathValue("id")); ok && !a.isDeleted(j) {
			status, out = f(b, a, j, now)
		}
	})
	if out == nil {
		writeError(w, http.StatusNotFound, "TRANSACTION_NOT_FOUND", "transaction not found")
		return
	}
	writeRawJSON(w, status, out)
}

func (s *Server) getTransaction(w http.ResponseWriter, r *http.Request) {
	s.withTx(w, r, func(b *bankState, a *account, j int64, _ time.Time) (int, rawJSON) {
		return http.StatusOK, b.txBody(a, j)
	})
}

func (s *Server) updateTransaction(w http.ResponseWriter, r *http.Request) {
	var body struct {
		CategoryID *string `json:"categoryId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Body is not valid JSON: "+err.Error())
		return
	}
	if body.CategoryID == nil || strings.TrimSpace(*body.CategoryID) == "" {
		writeError(w, http.StatusBadRequest, "", "categoryId should not be empty, categoryId must be a string")
		return
	}
	if _, ok := categoryByID[*body.CategoryID]; !ok {
		writeError(w, http.StatusBadRequest, "CATEGORY_NOT_FOUND", "category "+*body.CategoryID+" not found")
		return
	}
	s.withTx(w, r, func(b *bankState, a *account, j int64, now time.Time) (int, rawJSON) {
		id := b.txID(a.ordinal, j)
		b.txOverrides[id] = txOverride{categoryID: *body.CategoryID, at: now}
		b.queue("transactions/updated", map[string]any{"itemId": a.itemID, "accountId": a.id, "transactionIds": []string{id}})
		return http.StatusOK, b.txBody(a, j)
	})
}
