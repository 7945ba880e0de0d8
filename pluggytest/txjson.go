package pluggytest

import (
	"encoding/binary"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Transaction JSON, written by hand.
//
// A page of GET /v2/transactions holds 500 transactions; building each as a
// struct and encoding the page with encoding/json cost the server about as
// much CPU as a client spends decoding it. So a transaction is appended as
// bytes: what depends only on the account and the pattern entry
// (descriptions, amount, type, payment data, merchant, the card's
// installments, the operation type) is written once per account and entry
// and copied; what depends on the transaction or on the server's state (id,
// date, running balance, status and bill, category after overrides and
// rules, provider id, creation and update times) is written each time.
//
// The bytes are exactly those encoding/json wrote for the struct this
// replaces (kept in txref_test.go, compared with these in txjson_test.go):
// the fields in the same order, null for a nil pointer, a merchant only when
// there is one, strings escaped as encoding/json does (<, >, & and U+2028,
// U+2029 as \u escapes, invalid UTF-8 as \ufffd), amounts as money's
// MarshalJSON writes them, and the newline json.Encoder ends a value with.

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it by default (with HTML escaping).
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default: // other control characters, <, > and &
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// jsonPlain tells the ASCII bytes a JSON string holds as they are.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendMoney appends an amount in cents as money's MarshalJSON writes it.
func appendMoney(dst []byte, cents int64) []byte {
	v := cents
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	dst = strconv.AppendInt(dst, v/100, 10)
	dst = append(dst, '.')
	r := v % 100
	if r >= 0 && r < 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, r, 10) // r < 0 only for math.MinInt64, as "%02d" writes it
}

// appendTime appends t as fmtTime writes it.
func appendTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(dst, TimeLayout)
	}
	hh, mm, ss := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+mo/10), byte('0'+mo%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+hh/10), byte('0'+hh%10), ':', byte('0'+mm/10), byte('0'+mm%10), ':', byte('0'+ss/10), byte('0'+ss%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// appendTxID appends the id of transaction j of the account with the given
// ordinal, m being splitmix of the server's seed (see txID).
func appendTxID(dst []byte, m uint64, ordinal uint32, j int64) []byte {
	var raw [16]byte
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
	for i, c := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}

// txEnc holds the parts of an account's transactions that never change,
// per pattern entry, already written as JSON.
type txEnc struct {
	// What the parts were written from: the cache is rebuilt when one of
	// these no longer matches the account.
	id, owner, taxNumber, number string
	credit, openFinance          bool
	pattern                      *txEntry
	patternLen                   int

	subtype string
	tail    []byte // `,"accountId":"…","createdAt":"`
	entries []txEntryEnc
}

// txEntryEnc is one pattern entry's parts, in the order they are written:
//
//	{"id":"ID"  head  DATE  typeBalance  [BALANCE]  ,"providerCode":null,"status":"STATUS"
//	category  mid  [DATE  cardMid  BILL  }]  ops  [PROVIDER ID]  tail  CREATED  ","updatedAt":"  UPDATED  "}
type txEntryEnc struct {
	desc, typ   string // what a category rule is matched against
	head        []byte // `,"description":…,"amount":…,"date":"`
	typeBalance []byte // `","type":"DEBIT","balance":` (null included for a card)
	category    []byte // `,"category":…,"categoryId":…` without override or rule
	mid         []byte // `,"paymentData":…,"creditCardMetadata":` then null, or a card's metadata up to `"purchaseDate":"`
	cardMid     []byte // `","payeeMCC":…,"cardNumber":…,"billId":`
	ops         []byte // `,"merchant":…` when there is one, `,"operationType":…,"providerId":` (null included when not Open Finance)
}

// txEncOf returns the cache of a, building it when it is missing or stale.
// The bank must be locked.
func (a *account) txEncOf() *txEnc {
	c := a.enc
	var p0 *txEntry
	if len(a.pattern) > 0 {
		p0 = &a.pattern[0]
	}
	if c != nil && c.id == a.id && c.owner == a.owner && c.taxNumber == a.taxNumber && c.number == a.number &&
		c.credit == a.credit && c.openFinance == a.openFinance && c.pattern == p0 && c.patternLen == len(a.pattern) {
		return c
	}
	c = &txEnc{id: a.id, owner: a.owner, taxNumber: a.taxNumber, number: a.number, credit: a.credit,
		openFinance: a.openFinance, pattern: p0, patternLen: len(a.pattern), subtype: "CHECKING_ACCOUNT"}
	if a.credit {
		c.subtype = "CREDIT_CARD"
	}
	c.tail = appendJSONString(append([]byte(nil), `,"accountId":`...), a.id)
	c.tail = append(c.tail, `,"createdAt":"`...)
	c.entries = make([]txEntryEnc, len(a.pattern))
	for i, e := range a.pattern {
		c.entries[i] = a.entryEnc(e)
	}
	a.enc = c
	return c
}

func (a *account) entryEnc(e txEntry) txEntryEnc {
	t := e.t
	desc := t.desc
	if strings.Contains(desc, "%s") {
		desc = fmt.Sprintf(desc, people[e.person])
	}
	raw := strings.ToUpper(foldAccents(strings.ToLower(desc)))
	x := txEntryEnc{desc: desc, typ: "DEBIT"}
	if e.amount > 0 {
		x.typ = "CREDIT"
	}
	var b []byte
	b = append(b, `,"description":`...)
	b = appendJSONString(b, desc)
	b = append(b, `,"descriptionRaw":`...)
	b = appendJSONString(b, raw)
	b = append(b, `,"currencyCode":"BRL","amount":`...)
	b = appendMoney(b, e.amount)
	x.head = append(b, `,"date":"`...)

	b = append([]byte(nil), `","type":`...)
	b = appendJSONString(b, x.typ)
	b = append(b, `,"balance":`...)
	if a.credit {
		b = append(b, "null"...)
	}
	x.typeBalance = b

	x.category = categorySegment(t.category)

	b = append([]byte(nil), `,"paymentData":`...)
	if t.method != "" {
		b = appendPaymentData(b, paymentData(a, e, t, desc))
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"creditCardMetadata":`...)
	if a.credit {
		b = append(b, '{')
		if e.of > 0 {
			b = append(b, `"installmentNumber":`...)
			b = strconv.AppendInt(b, int64(e.installment), 10)
			b = append(b, `,"totalInstallments":`...)
			b = strconv.AppendInt(b, int64(e.of), 10)
			b = append(b, `,"totalAmount":`...)
			b = appendMoney(b, -e.amount*int64(e.of))
			b = append(b, ',')
		}
		b = append(b, `"purchaseDate":"`...)
		cm := []byte{'"'}
		if t.mcc != "" {
			cm = append(cm, `,"payeeMCC":`...)
			cm = appendJSONString(cm, t.mcc)
		}
		cm = append(cm, `,"cardNumber":`...)
		cm = appendJSONString(cm, a.number)
		x.cardMid = append(cm, `,"billId":`...)
	} else {
		b = append(b, "null"...)
	}
	x.mid = b

	b = nil
	if t.merchant >= 0 {
		m := merchantTable[t.merchant]
		b = append(b, `,"merchant":{"name":`...)
		b = appendJSONString(b, m.name)
		b = append(b, `,"businessName":`...)
		b = appendJSONString(b, m.businessName)
		b = append(b, `,"cnpj":`...)
		b = appendJSONString(b, m.cnpj)
		b = append(b, `,"cnae":`...)
		b = appendJSONString(b, m.cnae)
		b = append(b, `,"category":`...)
		b = appendJSONString(b, m.category)
		b = append(b, '}')
	}
	b = append(b, `,"operationType":`...)
	if a.openFinance {
		b = appendJSONString(b, t.opType)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"operationTypeAdditionalInfo":null,"providerId":`...)
	if !a.openFinance {
		b = append(b, "null"...)
	}
	x.ops = b
	return x
}

func appendPaymentData(b []byte, pd *paymentDataJSON) []byte {
	b = append(b, `{"payer":`...)
	b = appendParticipant(b, pd.Payer)
	b = append(b, `,"receiver":`...)
	b = appendParticipant(b, pd.Receiver)
	b = append(b, `,"reason":`...)
	b = appendStringPtr(b, pd.Reason)
	b = append(b, `,"referenceNumber":`...)
	b = appendStringPtr(b, pd.ReferenceNumber)
	b = append(b, `,"paymentMethod":`...)
	b = appendJSONString(b, pd.PaymentMethod)
	return append(b, '}')
}

func appendParticipant(b []byte, p *participantJSON) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"documentNumber":{"type":`...)
	b = appendJSONString(b, p.DocumentNumber.Type)
	b = append(b, `,"value":`...)
	b = appendJSONString(b, p.DocumentNumber.Value)
	b = append(b, `},"name":`...)
	b = appendJSONString(b, p.Name)
	b = append(b, `,"accountNumber":`...)
	b = appendJSONString(b, p.AccountNumber)
	b = append(b, `,"branchNumber":`...)
	b = appendJSONString(b, p.BranchNumber)
	b = append(b, `,"routingNumber":`...)
	b = appendJSONString(b, p.RoutingNumber)
	b = append(b, `,"routingNumberISPB":`...)
	b = appendJSONString(b, p.RoutingNumberISPB)
	return append(b, '}')
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

// categorySegments holds `,"category":…,"categoryId":…` for each category.
var categorySegments = sync.OnceValue(func() map[string][]byte {
	m := make(map[string][]byte, len(categoryByID))
	for id, c := range categoryByID {
		b := append([]byte(nil), `,"category":`...)
		b = appendJSONString(b, c.Description)
		b = append(b, `,"categoryId":`...)
		m[id] = appendJSONString(b, c.ID)
	}
	return m
})

const nullCategory = `,"category":null,"categoryId":null`

// categorySegment is the category part of a transaction in category id
// (both null for an id the server does not know).
func categorySegment(id string) []byte {
	if b, ok := categorySegments()[id]; ok {
		return b
	}
	return []byte(nullCategory)
}

// txWriter appends transactions of one account; it lives for one answer,
// while the bank is locked, so that the rules it memoises cannot change
// under it.
type txWriter struct {
	b     *bankState
	a     *account
	enc   *txEnc
	seedM uint64
	rules [][]byte // per pattern entry, the category part a rule gives (nil: not looked up yet)

	batch   *txBatch // the batch created holds the creation time of
	created []byte
}

func (b *bankState) txWriter(a *account) *txWriter {
	return &txWriter{b: b, a: a, enc: a.txEncOf(), seedM: splitmix(b.seed), created: make([]byte, 0, len(TimeLayout))}
}

// ruleCategory is the category part of entry k when no override applies.
func (w *txWriter) ruleCategory(k int) []byte {
	x := &w.enc.entries[k]
	if len(w.b.rules) == 0 {
		return x.category
	}
	if w.rules == nil {
		w.rules = make([][]byte, len(w.enc.entries))
	}
	if w.rules[k] == nil {
		w.rules[k] = x.category
		if rule := w.b.ruleFor(x.desc, x.typ, w.enc.subtype); rule != nil {
			w.rules[k] = categorySegment(rule.categoryID)
		}
	}
	return w.rules[k]
}

// append appends transaction j of the account.
func (w *txWriter) append(dst []byte, j int64) []byte {
	a, b := w.a, w.b
	k := int(j % int64(len(a.pattern)))
	x := &w.enc.entries[k]
	bt := a.batchOf(j)
	date := bt.first.Add(time.Duration(j-bt.start) * bt.step)
	if bt != w.batch {
		w.batch, w.created = bt, appendTime(w.created[:0], bt.createdAt)
	}

	var idb [36]byte
	id := appendTxID(idb[:0], w.seedM, a.ordinal, j)
	var dateb [32]byte
	ds := appendTime(dateb[:0], date)

	dst = append(dst, `{"id":"`...)
	dst = append(dst, id...)
	dst = append(dst, '"')
	dst = append(dst, x.head...)
	dst = append(dst, ds...)
	dst = append(dst, x.typeBalance...)
	if !a.credit {
		dst = appendMoney(dst, a.opening+a.sumTo(j))
	}
	var bill *bill
	status := "POSTED"
	if a.credit {
		if bill = a.billOf(date); bill == nil {
			if n := len(a.bills); n > 0 && date.After(a.bills[n-1].closeDate) {
				status = "PENDING"
			}
		}
	}
	dst = append(dst, `,"providerCode":null,"status":"`...)
	dst = append(dst, status...)
	dst = append(dst, '"')

	category := x.category
	var updated []byte
	var updb [32]byte
	if len(b.txOverrides) > 0 {
		if ov, ok := b.txOverrides[string(id)]; ok {
			category = categorySegment(ov.categoryID)
			updated = appendTime(updb[:0], ov.at)
		}
	}
	if updated == nil {
		category = w.ruleCategory(k)
		updated = w.created
	}
	dst = append(dst, category...)
	dst = append(dst, x.mid...)
	if a.credit {
		dst = append(dst, ds...)
		dst = append(dst, x.cardMid...)
		if bill != nil {
			dst = appendJSONString(dst, bill.id)
		} else {
			dst = append(dst, "null"...)
		}
		dst = append(dst, '}')
	}
	dst = append(dst, x.ops...)
	if a.openFinance {
		dst = append(dst, '"')
		dst = strconv.AppendUint(dst, splitmix(uint64(a.ordinal)<<40^uint64(j)), 16)
		dst = append(dst, '"')
	}
	dst = append(dst, w.enc.tail...)
	dst = append(dst, w.created...)
	dst = append(dst, `","updatedAt":"`...)
	dst = append(dst, updated...)
	return append(dst, `"}`...)
}

// txBody is a transaction's answer: its JSON and a newline.
func (b *bankState) txBody(a *account, j int64) rawJSON {
	return append(b.txWriter(a).append(nil, j), '\n')
}

// rawJSON is an answer already written, newline included.
type rawJSON []byte

// bodyPool holds the buffers the pages are written into.
var bodyPool = sync.Pool{New: func() any { return new([]byte) }}

// writeRawJSON answers status with body, JSON already written.
func writeRawJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
