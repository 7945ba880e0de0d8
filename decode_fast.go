package pluggy

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// decodeFast decodes a 2xx answer into out. The hot shapes (a page of
// GET /v2/transactions, one Transaction) go through a hand-written decoder,
// about 4x faster than encoding/json with a tenth of its allocations, the
// other types through their plans (decode_plan.go). Whatever these do not
// handle exactly as encoding/json would (escapes in keys, a key differing
// only in case, a repeated key, a type mismatch, a syntax error, a nil
// pointer, a value already holding data, which encoding/json merges into:
// absent fields kept, nested objects decoded into the ones pointed to, ...)
// goes to encoding/json, so that results and errors stay those of
// encoding/json. TestFastDecoderMatchesEncodingJSON and
// TestPlanDecoderMatchesEncodingJSON hold them to that on every fixture and
// on mutations of them.
func decodeFast(b []byte, out any) error {
	switch o := out.(type) {
	case *rawBody:
		o.b = b
		return nil
	case *CursorPage[Transaction]:
		if o == nil || o.Results != nil || o.Next != nil {
			break
		}
		var d fastDecoder
		if d.init(b) && d.cursorPage(o) && d.end() {
			return nil
		}
		*o = CursorPage[Transaction]{}
	case *Transaction:
		if o == nil || *o != (Transaction{}) {
			break
		}
		var d fastDecoder
		if d.init(b) && d.transaction(o) && d.end() {
			return nil
		}
		*o = Transaction{}
	default:
		if decodePlanned(b, out) {
			return nil
		}
	}
	return json.Unmarshal(b, out)
}

// fastDecoder reads one JSON text. Every method returns false on anything
// it does not handle exactly as encoding/json does; the caller then starts
// over with encoding/json.
//
// Allocation: the strings are copied into arrays shared by many of them
// (reserve), which the fields view (flush); *string, *int and the nested
// structs come from small blocks shared by the transactions of a page, so
// that a transaction costs a fraction of an allocation instead of thirty.
type fastDecoder struct {
	b []byte
	i int

	buf     []byte    // the string bytes not yet handed out (see flush)
	pending []pending // where they go
	strs    []string  // blocks for *string, *int and nested structs
	ints    []int
	pds     []PaymentData
	parts   []PaymentDataParticipant
	docs    []Document
	boletos []PaymentDataBoletoMetadata
	cards   []CreditCardMetadata
	mers    []Merchant

	times  []time.Time // blocks for the plan decoder's *time.Time, *bool, *Decimal, *float64
	bools  []bool
	decs   []Decimal
	floats []float64

	blocks [nBlocks]int // the size of the last block of each kind
	depth  int          // nesting of self-holding types in the plan decoder
}

// The kinds of blocks.
const (
	blockStrs = iota
	blockInts
	blockTimes
	blockBools
	blockDecs
	blockFloats
	nBlocks
)

// nextBlock is the size of the next block of a kind: 4 values at first,
// for a single object, doubling up to limit, for a page.
func (d *fastDecoder) nextBlock(kind, limit int) int {
	d.blocks[kind] = min(limit, max(4, 2*d.blocks[kind]))
	return d.blocks[kind]
}

type pending struct {
	dst  *string
	a, b int
}

func (d *fastDecoder) init(b []byte) bool {
	d.b = b
	d.ws()
	return d.i < len(d.b) && d.b[d.i] == '{'
}

// end succeeds when only whitespace follows the value.
func (d *fastDecoder) end() bool {
	d.ws()
	return d.i == len(d.b)
}

func (d *fastDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// null consumes a null literal when one is next.
func (d *fastDecoder) null() bool { return d.literal("null") }

// literal consumes lit when it is next.
func (d *fastDecoder) literal(lit string) bool {
	if len(d.b)-d.i >= len(lit) && string(d.b[d.i:d.i+len(lit)]) == lit {
		d.i += len(lit)
		return true
	}
	return false
}

// object reads an object whose '{' is next, calling field for each key
// with the decoder on the value; field must consume the value.
func (d *fastDecoder) object(field func(key string) bool) bool {
	if d.peek() != '{' {
		return false
	}
	d.i++
	d.ws()
	if d.peek() == '}' {
		d.i++
		return true
	}
	for {
		key, ok := d.key()
		if !ok {
			return false
		}
		d.ws()
		if d.peek() != ':' {
			return false
		}
		d.i++
		d.ws()
		if !field(key) {
			return false
		}
		d.ws()
		switch d.peek() {
		case ',':
			d.i++
			d.ws()
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// key reads an object key. Only plain ASCII keys without escapes are
// handled: anything else may match a field the way encoding/json folds
// names, so it is left to encoding/json.
func (d *fastDecoder) key() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	start := d.i + 1
	for j := start; j < len(d.b); j++ {
		c := d.b[j]
		switch {
		case c == '"':
			d.i = j + 1
			return unsafeKey(d.b[start:j]), true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false
		}
	}
	return "", false
}

// unsafeKey views b as a string without copying it. A key is only compared
// (the switch of each field function, strings.EqualFold) while the answer's
// bytes are alive and unchanged, and never kept: a copy would cost one
// allocation per key, twenty per transaction.
func unsafeKey(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// seen marks field bit of an object as read, failing on a repeated key
// (encoding/json merges those; the fast path leaves them to it).
func seen(mask *uint64, bit uint) bool {
	if *mask&(1<<bit) != 0 {
		return false
	}
	*mask |= 1 << bit
	return true
}

// unknown skips the value of a key that names no field, unless the key
// matches one of names case-insensitively, as encoding/json would.
func (d *fastDecoder) unknown(key string, names []string) bool {
	for _, n := range names {
		if strings.EqualFold(key, n) {
			return false
		}
	}
	return d.skip(0)
}

// rawString reads a string token and returns its content; plain reports
// that it holds no escape and only valid UTF-8, so that its bytes are the
// decoded string.
func (d *fastDecoder) rawString() (content []byte, plain, ok bool) {
	if d.peek() != '"' {
		return nil, false, false
	}
	start := d.i + 1
	plain, ascii := true, true
	for j := start; j < len(d.b); j++ {
		c := d.b[j]
		switch {
		case c == '"':
			d.i = j + 1
			content = d.b[start:j]
			if !ascii && !utf8.Valid(content) {
				plain = false
			}
			return content, plain, true
		case c == '\\':
			plain = false
			j++
			if j >= len(d.b) {
				return nil, false, false
			}
			switch d.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(d.b) || hex4(d.b[j+1:]) < 0 {
					return nil, false, false
				}
				j += 4
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false, false
}

// appendUnquoted appends the string whose quoted content (escapes checked
// by rawString) is s, unescaped exactly as encoding/json does: \uXXXX
// pairs joined, a lone surrogate and each byte of invalid UTF-8 made
// U+FFFD.
func appendUnquoted(dst, s []byte) ([]byte, bool) {
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			r++
			if r >= len(s) {
				return dst, false
			}
			switch s[r] {
			case '"', '\\', '/':
				dst = append(dst, s[r])
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := hex4(s[r+1:])
				if rr < 0 {
					return dst, false
				}
				r += 4
				if utf16.IsSurrogate(rr) {
					if r+6 < len(s) && s[r+1] == '\\' && s[r+2] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(s[r+3:])); dec != unicode.ReplacementChar {
							dst = utf8.AppendRune(dst, dec)
							r += 7
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
			default:
				return dst, false
			}
			r++
		case c == '"' || c < ' ':
			return dst, false
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			dst = utf8.AppendRune(dst, rr)
		}
	}
	return dst, true
}

// hex4 reads four hex digits at the start of s, -1 if there are not.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// str reads a string into *dst (set at the next flush, which ends each
// object of a list and the whole answer); null leaves *dst as it is, like
// encoding/json.
func (d *fastDecoder) str(dst *string) bool {
	if d.null() {
		return true
	}
	content, plain, ok := d.rawString()
	if !ok {
		return false
	}
	// Unescaping never lengthens a string but for a byte of invalid UTF-8
	// (U+FFFD, 3 bytes): append makes the rare extra room.
	d.reserve(len(content))
	a := len(d.buf)
	if plain {
		d.buf = append(d.buf, content...)
	} else if d.buf, ok = appendUnquoted(d.buf, content); !ok {
		d.buf = d.buf[:a]
		return false
	}
	d.pending = append(d.pending, pending{dst: dst, a: a, b: len(d.buf)})
	return true
}

// strPtr reads a string into a new *string; null sets nil.
func (d *fastDecoder) strPtr(dst **string) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if len(d.strs) == 0 {
		d.strs = make([]string, d.nextBlock(blockStrs, 256))
	}
	p := &d.strs[0]
	d.strs = d.strs[1:]
	*dst = p
	return d.str(p)
}

// maxIntDigits is the most digits intPtr reads itself: any number of them
// fits an int (18 where int has 64 bits, 9 where it has 32).
const maxIntDigits = 9 + 9*(strconv.IntSize/64)

// intPtr reads a plain integer into a new *int; null sets nil.
func (d *fastDecoder) intPtr(dst **int) bool {
	if d.null() {
		*dst = nil
		return true
	}
	j, neg := d.i, false
	if j < len(d.b) && d.b[j] == '-' {
		neg = true
		j++
	}
	start, v := j, 0
	for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
		v = v*10 + int(d.b[j]-'0')
		j++
	}
	n := j - start
	// Leading zeros, fractions, exponents and numbers that might not fit an
	// int go to encoding/json.
	if n == 0 || n > maxIntDigits || (n > 1 && d.b[start] == '0') {
		return false
	}
	if j < len(d.b) && (d.b[j] == '.' || d.b[j] == 'e' || d.b[j] == 'E') {
		return false
	}
	d.i = j
	if neg {
		v = -v
	}
	if len(d.ints) == 0 {
		d.ints = make([]int, d.nextBlock(blockInts, 64))
	}
	p := &d.ints[0]
	d.ints = d.ints[1:]
	*p = v
	*dst = p
	return true
}

// decimal reads a Decimal. A short plain number is kept as its text, like
// Decimal.UnmarshalJSON; anything else (a number in a string, an exponent,
// a long number, null) goes through Decimal.UnmarshalJSON itself.
func (d *fastDecoder) decimal(dst *Decimal) bool {
	start := d.i
	if c := d.peek(); c == '-' || c >= '0' && c <= '9' {
		if !d.number() {
			return false
		}
		tok := d.b[start:d.i]
		if len(tok) <= 20 && !hasExponent(tok) {
			d.reserve(len(tok))
			a := len(d.buf)
			d.buf = append(d.buf, tok...)
			d.pending = append(d.pending, pending{dst: &dst.s, a: a, b: len(d.buf)})
			return true
		}
	} else if !d.skip(0) {
		return false
	}
	return dst.UnmarshalJSON(d.b[start:d.i]) == nil
}

func hasExponent(tok []byte) bool {
	for _, c := range tok {
		if c == 'e' || c == 'E' {
			return true
		}
	}
	return false
}

// timestamp reads a time.Time with time.Time's own UnmarshalJSON, given the
// raw token as encoding/json would give it; null leaves it as it is.
func (d *fastDecoder) timestamp(dst *time.Time) bool {
	if d.null() {
		return true
	}
	start := d.i
	if _, _, ok := d.rawString(); !ok {
		return false
	}
	return dst.UnmarshalJSON(d.b[start:d.i]) == nil
}

// number consumes a JSON number, checking its grammar.
func (d *fastDecoder) number() bool {
	j := d.i
	if j < len(d.b) && d.b[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
			j++
		}
		return j - k
	}
	switch {
	case j < len(d.b) && d.b[j] == '0':
		j++
	case digits() == 0:
		return false
	}
	if j < len(d.b) && d.b[j] == '.' {
		j++
		if digits() == 0 {
			return false
		}
	}
	if j < len(d.b) && (d.b[j] == 'e' || d.b[j] == 'E') {
		j++
		if j < len(d.b) && (d.b[j] == '+' || d.b[j] == '-') {
			j++
		}
		if digits() == 0 {
			return false
		}
	}
	d.i = j
	return true
}

// arrayNext reads what follows an array's element: a ',' (more) or its
// closing ']' (not more); ok is false on anything else.
func (d *fastDecoder) arrayNext() (more, ok bool) {
	d.ws()
	switch d.peek() {
	case ',':
		d.i++
		d.ws()
		return true, true
	case ']':
		d.i++
		return false, true
	}
	return false, false
}

// maxSkipDepth bounds the nesting of a skipped value, as encoding/json
// bounds its own (10000); deeper values go to encoding/json.
const maxSkipDepth = 1000

// skip consumes any JSON value, checking its syntax.
func (d *fastDecoder) skip(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	switch c := d.peek(); {
	case c == '"':
		_, _, ok := d.rawString()
		return ok
	case c == '{':
		return d.object(func(string) bool { return d.skip(depth + 1) })
	case c == '[':
		d.i++
		d.ws()
		if d.peek() == ']' {
			d.i++
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			if more, ok := d.arrayNext(); !ok || !more {
				return ok
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	default:
		return d.literal("null") || d.literal("true") || d.literal("false")
	}
}

// flush hands the pending strings out, as views of d.buf: no copy, no
// allocation. The bytes handed out are never written again: d.buf goes on
// after them, and when its array is full, append moves only the bytes not
// yet handed out to a new one.
func (d *fastDecoder) flush() {
	if len(d.pending) == 0 {
		return
	}
	s := unsafe.String(unsafe.SliceData(d.buf), len(d.buf))
	for _, p := range d.pending {
		*p.dst = s[p.a:p.b]
	}
	d.buf = d.buf[len(d.buf):]
	clear(d.pending)
	d.pending = d.pending[:0]
}

// reserve makes room for n more string bytes in d.buf, in arrays of a size
// that suits the answer: its own size for a small one (one array for all
// its strings), up to 16 KiB for a page (a few dozen transactions' strings
// to an array instead of one allocation each). A new array holds the bytes
// not yet handed out and n more, and at least doubles them (so that an
// object with many strings copies each only a few times), but a single
// large string gets just its own room: a server may send one as large as
// the body cap.
func (d *fastDecoder) reserve(n int) {
	if cap(d.buf)-len(d.buf) >= n {
		return
	}
	size := max(min(len(d.b), 16<<10), len(d.buf)+n, 2*len(d.buf))
	nb := make([]byte, len(d.buf), size)
	copy(nb, d.buf)
	d.buf = nb
}

var cursorPageFields = []string{"results", "next"}

func (d *fastDecoder) cursorPage(p *CursorPage[Transaction]) bool {
	var mask uint64
	return d.object(func(key string) bool {
		switch key {
		case "results":
			if !seen(&mask, 0) {
				return false
			}
			if d.null() {
				p.Results = nil
				return true
			}
			return d.transactions(&p.Results)
		case "next":
			if !seen(&mask, 1) {
				return false
			}
			ok := d.strPtr(&p.Next)
			d.flush()
			return ok
		}
		return d.unknown(key, cursorPageFields)
	})
}

// transactions reads an array of transactions.
func (d *fastDecoder) transactions(dst *[]Transaction) bool {
	if d.peek() != '[' {
		return false
	}
	d.i++
	d.ws()
	// Pluggy's pages hold up to 500; size the slice from a cheap guess so
	// that it rarely grows: about one transaction per 600 bytes.
	out := make([]Transaction, 0, min(MaxPageSize, 1+len(d.b)/600))
	if d.peek() == ']' {
		d.i++
		*dst = out
		return true
	}
	for {
		out = append(out, Transaction{})
		tx := &out[len(out)-1]
		if !d.null() && !d.transaction(tx) {
			return false
		}
		d.flush()
		if more, ok := d.arrayNext(); !ok || !more {
			*dst = out
			return ok
		}
	}
}

// transactionFields are the JSON names of Transaction's fields;
// TestFastDecoderKnowsEveryField checks them against the struct tags.
var transactionFields = []string{"id", "description", "descriptionRaw", "currencyCode", "amount",
	"amountInAccountCurrency", "date", "type", "balance", "providerCode", "status", "category",
	"categoryId", "paymentData", "creditCardMetadata", "merchant", "operationType",
	"operationTypeAdditionalInfo", "providerId", "accountId", "order", "createdAt", "updatedAt"}

func (d *fastDecoder) transaction(t *Transaction) bool {
	var mask uint64
	ok := d.object(func(key string) bool {
		switch key {
		case "id":
			return seen(&mask, 0) && d.str(&t.ID)
		case "description":
			return seen(&mask, 1) && d.str(&t.Description)
		case "descriptionRaw":
			return seen(&mask, 2) && d.strPtr(&t.DescriptionRaw)
		case "currencyCode":
			return seen(&mask, 3) && d.str(&t.CurrencyCode)
		case "amount":
			return seen(&mask, 4) && d.decimal(&t.Amount)
		case "amountInAccountCurrency":
			return seen(&mask, 5) && d.decimal(&t.AmountInAccountCurrency)
		case "date":
			return seen(&mask, 6) && d.timestamp(&t.Date)
		case "type":
			return seen(&mask, 7) && d.str((*string)(&t.Type))
		case "balance":
			return seen(&mask, 8) && d.decimal(&t.Balance)
		case "providerCode":
			return seen(&mask, 9) && d.strPtr(&t.ProviderCode)
		case "status":
			return seen(&mask, 10) && d.str((*string)(&t.Status))
		case "category":
			return seen(&mask, 11) && d.strPtr(&t.Category)
		case "categoryId":
			return seen(&mask, 12) && d.strPtr(&t.CategoryID)
		case "paymentData":
			return seen(&mask, 13) && d.paymentData(&t.PaymentData)
		case "creditCardMetadata":
			return seen(&mask, 14) && d.creditCard(&t.CreditCardMetadata)
		case "merchant":
			return seen(&mask, 15) && d.merchant(&t.Merchant)
		case "operationType":
			return seen(&mask, 16) && d.strPtr(&t.OperationType)
		case "operationTypeAdditionalInfo":
			return seen(&mask, 17) && d.strPtr(&t.OperationTypeAdditionalInfo)
		case "providerId":
			return seen(&mask, 18) && d.strPtr(&t.ProviderID)
		case "accountId":
			return seen(&mask, 19) && d.str(&t.AccountID)
		case "order":
			return seen(&mask, 20) && d.intPtr(&t.Order)
		case "createdAt":
			return seen(&mask, 21) && d.timestamp(&t.CreatedAt)
		case "updatedAt":
			return seen(&mask, 22) && d.timestamp(&t.UpdatedAt)
		}
		return d.unknown(key, transactionFields)
	})
	d.flush()
	return ok
}

// slabObject begins an optional object bound for *dst. null sets *dst to nil
// and gives p nil, ok true; an object gets the next element of *slab
// (refilled n at a time) as p and *dst, to be filled by the caller; any
// other value gives p nil, ok false.
func slabObject[T any](d *fastDecoder, slab *[]T, n int, dst **T) (p *T, ok bool) {
	if d.null() {
		*dst = nil
		return nil, true
	}
	if d.peek() != '{' {
		return nil, false
	}
	if len(*slab) == 0 {
		*slab = make([]T, n)
	}
	p = &(*slab)[0]
	*slab = (*slab)[1:]
	*dst = p
	return p, true
}

var paymentDataFields = []string{"payer", "receiver", "reason", "referenceNumber", "receiverReferenceId",
	"paymentMethod", "boletoMetadata"}

func (d *fastDecoder) paymentData(dst **PaymentData) bool {
	p, ok := slabObject(d, &d.pds, 32, dst)
	if p == nil {
		return ok
	}
	var mask uint64
	return d.object(func(key string) bool {
		switch key {
		case "payer":
			return seen(&mask, 0) && d.participant(&p.Payer)
		case "receiver":
			return seen(&mask, 1) && d.participant(&p.Receiver)
		case "reason":
			return seen(&mask, 2) && d.strPtr(&p.Reason)
		case "referenceNumber":
			return seen(&mask, 3) && d.strPtr(&p.ReferenceNumber)
		case "receiverReferenceId":
			return seen(&mask, 4) && d.strPtr(&p.ReceiverReferenceID)
		case "paymentMethod":
			return seen(&mask, 5) && d.str((*string)(&p.PaymentMethod))
		case "boletoMetadata":
			return seen(&mask, 6) && d.boleto(&p.BoletoMetadata)
		}
		return d.unknown(key, paymentDataFields)
	})
}

var participantFields = []string{"documentNumber", "name", "accountNumber", "branchNumber", "routingNumber", "routingNumberISPB"}

func (d *fastDecoder) participant(dst **PaymentDataParticipant) bool {
	p, ok := slabObject(d, &d.parts, 64, dst)
	if p == nil {
		return ok
	}
	var mask uint64
	return d.object(func(key string) bool {
		switch key {
		case "documentNumber":
			return seen(&mask, 0) && d.document(&p.DocumentNumber)
		case "name":
			return seen(&mask, 1) && d.strPtr(&p.Name)
		case "accountNumber":
			return seen(&mask, 2) && d.strPtr(&p.AccountNumber)
		case "branchNumber":
			return seen(&mask, 3) && d.strPtr(&p.BranchNumber)
		case "routingNumber":
			return seen(&mask, 4) && d.strPtr(&p.RoutingNumber)
		case "routingNumberISPB":
			return seen(&mask, 5) && d.strPtr(&p.RoutingNumberISPB)
		}
		return d.unknown(key, participantFields)
	})
}

var documentFields = []string{"type", "value"}

func (d *fastDecoder) document(dst **Document) bool {
	p, ok := slabObject(d, &d.docs, 64, dst)
	if p == nil {
		return ok
	}
	var mask uint64
	return d.object(func(key string) bool {
		switch key {
		case "type":
			return seen(&mask, 0) && d.str((*string)(&p.Type))
		case "value":
			return seen(&mask, 1) && d.strPtr(&p.Value)
		}
		return d.unknown(key, documentFields)
	})
}

var boletoFields = []string{"digitableLine", "barcode", "baseAmount", "interestAmount", "penaltyAmount", "discountAmount"}

func (d *fastDecoder) boleto(dst **PaymentDataBoletoMetadata) bool {
	p, ok := slabObject(d, &d.boletos, 16, dst)
	if p == nil {
		return ok
	}
	var mask uint64
	return d.object(func(key string) bool {
		switch key {
		case "digitableLine":
			return seen(&mask, 0) && d.strPtr(&p.DigitableLine)
		case "barcode":
			return seen(&mask, 1) && d.strPtr(&p.Barcode)
		case "baseAmount":
			return seen(&mask, 2) && d.decimal(&p.BaseAmount)
		case "interestAmount":
			return seen(&mask, 3) && d.decimal(&p.InterestAmount)
		case "penaltyAmount":
			return seen(&mask, 4) && d.decimal(&p.PenaltyAmount)
		case "discountAmount":
			return seen(&mask, 5) && d.decimal(&p.DiscountAmount)
		}
		return d.unknown(key, boletoFields)
	})
}

var creditCardFields = []string{"installmentNumber", "totalInstallments", "totalAmount", "feeType",
	"feeTypeAdditionalInfo", "otherCreditsType", "otherCreditsAdditionalInfo", "purchaseDate", "payeeMCC",
	"cardNumber", "billId", "billForecastDate"}

func (d *fastDecoder) creditCard(dst **CreditCardMetadata) bool {
	p, ok := slabObject(d, &d.cards, 32, dst)
	if p == nil {
		return ok
	}
	var mask uint64
	return d.object(func(key string) bool {
		switch key {
		case "installmentNumber":
			return seen(&mask, 0) && d.intPtr(&p.InstallmentNumber)
		case "totalInstallments":
			return seen(&mask, 1) && d.intPtr(&p.TotalInstallments)
		case "totalAmount":
			return seen(&mask, 2) && d.decimal(&p.TotalAmount)
		case "feeType":
			return seen(&mask, 3) && d.str((*string)(&p.FeeType))
		case "feeTypeAdditionalInfo":
			return seen(&mask, 4) && d.strPtr(&p.FeeTypeAdditionalInfo)
		case "otherCreditsType":
			return seen(&mask, 5) && d.str((*string)(&p.OtherCreditsType))
		case "otherCreditsAdditionalInfo":
			return seen(&mask, 6) && d.strPtr(&p.OtherCreditsAdditionalInfo)
		case "purchaseDate":
			return seen(&mask, 7) && d.timestamp(&p.PurchaseDate)
		case "payeeMCC":
			return seen(&mask, 8) && d.strPtr(&p.PayeeMCC)
		case "cardNumber":
			return seen(&mask, 9) && d.strPtr(&p.CardNumber)
		case "billId":
			return seen(&mask, 10) && d.strPtr(&p.BillID)
		case "billForecastDate":
			return seen(&mask, 11) && d.strPtr(&p.BillForecastDate)
		}
		return d.unknown(key, creditCardFields)
	})
}

var merchantFields = []string{"name", "businessName", "cnpj", "cnae", "category"}

func (d *fastDecoder) merchant(dst **Merchant) bool {
	p, ok := slabObject(d, &d.mers, 32, dst)
	if p == nil {
		return ok
	}
	var mask uint64
	return d.object(func(key string) bool {
		switch key {
		case "name":
			return seen(&mask, 0) && d.strPtr(&p.Name)
		case "businessName":
			return seen(&mask, 1) && d.strPtr(&p.BusinessName)
		case "cnpj":
			return seen(&mask, 2) && d.strPtr(&p.CNPJ)
		case "cnae":
			return seen(&mask, 3) && d.strPtr(&p.CNAE)
		case "category":
			return seen(&mask, 4) && d.strPtr(&p.Category)
		}
		return d.unknown(key, merchantFields)
	})
}
