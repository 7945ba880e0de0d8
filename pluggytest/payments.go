package pluggytest

// The fake's payment initiation: customers, recipients and institutions,
// payment requests (PIX QR and automatic PIX included), payment intents,
// scheduled payments, smart transfers and boletos — the 42 routes of the
// payment tags.
//
// Payment intents move on by themselves, as Pluggy's do when the payer
// authorises at the bank: each read of GET /payments/intents/{id} moves an
// intent one step on, and so does each WithPaymentSteps interval of the
// server's clock (Advance, or a request to any route, moves them on and
// emits their events, without a read of the payment). The steps are
//
//	STARTED → CONSENT_AWAITING_AUTHORIZATION → CONSENT_AUTHORIZED →
//	PAYMENT_PENDING → PAYMENT_SETTLEMENT_PROCESSING → PAYMENT_COMPLETED
//
// and the payment request follows (IN_PROGRESS, WAITING_PAYER_AUTHORIZATION,
// COMPLETED). A scheduled request stops at CONSENT_AUTHORIZED with its
// payments SCHEDULED, each completing when the server's date reaches it; an
// automatic PIX request stops there too, AUTHORIZED. RejectPayments makes a
// payer's payments fail instead. Every change is emitted as Pluggy's webhook
// events (payment_intent/*, payment_request/updated, scheduled_payment/*,
// automatic_pix_payment/*, smart_transfer_*/*, boleto/updated).
//
// This file holds what the payment tags share: the state, its clock, the
// stores and the helpers. Each tag's entities and routes live in a file of
// their own, named as in the client package: payment_customers.go,
// payment_recipients.go, payment_requests.go, automatic_pix.go,
// payment_schedules.go, payment_intents.go, smart_transfers.go, boletos.go.

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pluggy-go/pluggy/internal/taxid"
)

func init() { registerFeature(setupPayments) }

// Intent statuses and the other status literals the fake uses.
const (
	piStarted           = "STARTED"
	piAwaiting          = "CONSENT_AWAITING_AUTHORIZATION"
	piAuthorized        = "CONSENT_AUTHORIZED"
	piConsentRejected   = "CONSENT_REJECTED"
	piPending           = "PAYMENT_PENDING"
	piSettling          = "PAYMENT_SETTLEMENT_PROCESSING"
	piCompleted         = "PAYMENT_COMPLETED"
	piPaymentRejected   = "PAYMENT_REJECTED"
	prCreated           = "CREATED"
	prInProgress        = "IN_PROGRESS"
	prWaiting           = "WAITING_PAYER_AUTHORIZATION"
	prAuthorized        = "AUTHORIZED"
	prScheduled         = "SCHEDULED"
	prCompleted         = "COMPLETED"
	prError             = "ERROR"
	prCanceled          = "CANCELED"
	kindPIS             = "PIS"
	kindPixQR           = "PIX_QR"
	kindAutomaticPix    = "AUTOMATIC_PIX"
	defaultPaymentSteps = 2 * time.Second
)

// payConsentFailures are the error codes that end an intent at
// CONSENT_REJECTED; any other code rejects the payment after consent.
var payConsentFailures = map[string]bool{
	"REJEITADO_USUARIO": true, "TEMPO_EXPIRADO_AUTORIZACAO": true, "TIMEOUT_CONSENTIMENTO": true,
	"CONSENTIMENTO_PENDENTE_AUTORIZACAO": true,
}

// payBRT is the calendar payment dates follow.
var payBRT = time.FixedZone("BRT", -3*60*60)

// WithPaymentSteps sets how much of the server's clock each step of a
// payment intent (and the confirmation of a smart transfer) takes: 2 seconds
// by default. 0 leaves only reads to move intents on. Reads always move an
// intent one step.
func WithPaymentSteps(every time.Duration) Option {
	return func(s *Server) {
		st := s.payments()
		st.mu.Lock()
		st.step = max(every, 0)
		st.mu.Unlock()
	}
}

// RejectPayments makes the payments of the payer whose CPF is cpf (digits
// only) fail with code, a PaymentIntentErrorDetail code such as
// SALDO_INSUFICIENTE (the payment is PAYMENT_REJECTED after the consent) or
// REJEITADO_USUARIO (the consent is CONSENT_REJECTED). Their automatic PIX
// payments fail with the same code when due. An empty code clears the rule.
func (s *Server) RejectPayments(cpf, code string) {
	st := s.payments()
	st.mu.Lock()
	defer st.mu.Unlock()
	if code == "" {
		delete(st.reject, cpf)
		return
	}
	st.reject[cpf] = code
}

// payStore keeps entities by id in creation order.
type payStore[T any] struct {
	byID  map[string]T
	order []string
}

func newPayStore[T any]() *payStore[T] { return &payStore[T]{byID: map[string]T{}} }

func (st *payStore[T]) put(id string, v T) {
	if _, ok := st.byID[id]; !ok {
		st.order = append(st.order, id)
	}
	st.byID[id] = v
}

func (st *payStore[T]) get(id string) (T, bool) {
	v, ok := st.byID[id]
	return v, ok
}

func (st *payStore[T]) del(id string) bool {
	if _, ok := st.byID[id]; !ok {
		return false
	}
	delete(st.byID, id)
	for i, o := range st.order {
		if o == id {
			st.order = append(st.order[:i], st.order[i+1:]...)
			break
		}
	}
	return true
}

// find is get for a handler: when id is unknown it answers 404 naming what
// was looked up (a "payment customer", ...) and reports false.
func (st *payStore[T]) find(w http.ResponseWriter, id, what string) (T, bool) {
	v, ok := st.byID[id]
	if !ok {
		payNotFound(w, what)
	}
	return v, ok
}

// remove is del for a handler: when id is unknown it answers 404 naming what
// was looked up and reports false.
func (st *payStore[T]) remove(w http.ResponseWriter, id, what string) bool {
	if !st.del(id) {
		payNotFound(w, what)
		return false
	}
	return true
}

func (st *payStore[T]) list() []T {
	out := make([]T, 0, len(st.order))
	for _, id := range st.order {
		out = append(out, st.byID[id])
	}
	return out
}

type payState struct {
	mu     sync.Mutex
	step   time.Duration
	reject map[string]string
	events []Event

	institutions *payStore[*fakeInstitution]
	customers    *payStore[*fakeCustomer]
	recipients   *payStore[*fakeRecipient]
	requests     *payStore[*fakeRequest]
	intents      *payStore[*fakeIntent]
	preauths     *payStore[*fakePreauth]
	stPayments   *payStore[*fakeSTPayment]
	connections  *payStore[*fakeBoletoConnection]
	boletos      *payStore[*fakeBoleto]
}

func (s *Server) payments() *payState {
	return s.feature("payments", func() any {
		st := &payState{
			step: defaultPaymentSteps, reject: map[string]string{},
			institutions: newPayStore[*fakeInstitution](), customers: newPayStore[*fakeCustomer](),
			recipients: newPayStore[*fakeRecipient](), requests: newPayStore[*fakeRequest](),
			intents: newPayStore[*fakeIntent](), preauths: newPayStore[*fakePreauth](),
			stPayments: newPayStore[*fakeSTPayment](), connections: newPayStore[*fakeBoletoConnection](),
			boletos: newPayStore[*fakeBoleto](),
		}
		seeded := time.Date(2023, 3, 14, 18, 2, 11, 284000000, time.UTC)
		for _, in := range seedInstitutions {
			in := in
			in.created = seeded
			st.institutions.put(in.id, &in)
		}
		return st
	}).(*payState)
}

func (st *payState) emitLocked(ev Event) { st.events = append(st.events, ev) }

func (st *payState) takeEvents() []Event {
	evs := st.events
	st.events = nil
	return evs
}

// servePayments runs f under the payments lock, after moving the state on to
// the server's current time, then emits the events f and the move produced.
// A panic in f (net/http recovers it) leaves the lock released.
func (s *Server) servePayments(f func(st *payState, now time.Time)) {
	st := s.payments()
	now := s.Now()
	evs := func() []Event {
		st.mu.Lock()
		defer st.mu.Unlock()
		st.advanceLocked(s, now)
		f(st, now)
		return st.takeEvents()
	}()
	for _, ev := range evs {
		s.emit(ev)
	}
}

func payToday(now time.Time) string { return now.In(payBRT).Format(time.DateOnly) }

// ---------------------------------------------------------------- entities

// payConnectors are the institutions the fake's payers pay from.
var payConnectors = map[int][2]string{
	0: {"Pluggy Bank", "00FF00"}, 601: {"Itaú", "EC7000"}, 602: {"Bradesco", "CC092F"},
	603: {"Banco do Brasil", "FCFC30"}, 604: {"Caixa", "1C60AB"}, 605: {"Santander", "EC0000"},
	612: {"Nubank", "820AD1"}, 615: {"Inter", "FF7A00"}, 225: {"Inter Empresas", "FF7A00"},
}

func payConnectorJSON(id int) map[string]any {
	c, ok := payConnectors[id]
	if !ok {
		c = [2]string{fmt.Sprintf("Banco %d", id), "333333"}
	}
	return map[string]any{
		"id": id, "name": c[0], "primaryColor": c[1], "type": "PERSONAL_BANK", "country": "BR",
		"imageUrl":      fmt.Sprintf("https://cdn.pluggy.ai/assets/connector-icons/%d.svg", id),
		"isOpenFinance": true, "supportsPaymentInitiation": true, "supportsScheduledPayments": true,
		"supportsSmartTransfers": true, "supportsAutomaticPix": true, "supportsBoletoManagement": id == 225,
		"isSandbox": id == 0,
	}
}

// ------------------------------------------------------------- state moves

// advanceLocked moves every intent, scheduled payment, automatic PIX payment,
// smart transfer and boleto on to now.
func (st *payState) advanceLocked(s *Server, now time.Time) {
	for _, pi := range st.intents.list() {
		st.moveIntentLocked(s, pi, now)
	}
	today := payToday(now)
	for _, r := range st.requests.list() {
		st.settleSchedulesLocked(s, r, today, now)
		st.settleAutoPixLocked(s, r, today, now)
	}
	for _, p := range st.preauths.list() {
		if p.status == "CREATED" && st.step > 0 && now.Sub(p.created) >= st.step {
			st.completePreauthLocked(p, now)
		}
	}
	for _, p := range st.stPayments.list() {
		if p.status == piPending && st.step > 0 && now.Sub(p.created) >= st.step {
			st.completeSTPaymentLocked(p, now)
		}
	}
	for _, b := range st.boletos.list() {
		if b.status == "OPEN" && payToday(b.due) < today {
			b.status = "OVERDUE"
			st.emitLocked(Event{Type: "boleto/updated", Payload: map[string]any{"boletoId": b.id, "status": b.status}})
		}
	}
}

// ------------------------------------------------------------------ helpers

// payEndToEnd builds a PIX end-to-end id: E + ISPB + yyyyMMddHHmm + 11 chars.
func payEndToEnd(ispb string, t time.Time, seed string) string {
	tail := strings.ReplaceAll(seed, "-", "")
	if len(tail) > 11 {
		tail = tail[:11]
	}
	return "E" + ispb + t.UTC().Format("200601021504") + tail
}

func payMaskCPF(cpf string) string {
	if len(cpf) != 11 {
		return "***.***.***-**"
	}
	return "***." + cpf[3:6] + "." + cpf[6:9] + "-**"
}

// payPixQR builds a static PIX QR payload (EMV BR Code) with its CRC.
func payPixQR(amount, merchant, key string) string {
	field := func(id, v string) string { return fmt.Sprintf("%s%02d%s", id, len(v), v) }
	if len(merchant) > 25 {
		merchant = merchant[:25]
	}
	gui := field("00", "br.gov.bcb.pix") + field("01", key)
	s := field("00", "01") + field("26", gui) + field("52", "0000") + field("53", "986")
	if amount != "" {
		s += field("54", amount)
	}
	s += field("58", "BR") + field("59", merchant) + field("60", "SAO PAULO") + field("62", field("05", "***")) + "6304"
	return s + pixCRC16(s)
}

func pixCRC16(s string) string {
	crc := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for b := 0; b < 8; b++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return fmt.Sprintf("%04X", crc)
}

// payParsePixQR reads a PIX QR payload's top-level fields; ok is false when it
// is not an EMV BR Code.
func payParsePixQR(s string) (fields map[string]string, ok bool) {
	if !strings.HasPrefix(s, "000201") {
		return nil, false
	}
	fields = map[string]string{}
	for i := 0; i < len(s); {
		if i+4 > len(s) {
			return nil, false
		}
		n, err := strconv.Atoi(s[i+2 : i+4])
		if err != nil || i+4+n > len(s) {
			return nil, false
		}
		fields[s[i:i+2]] = s[i+4 : i+4+n]
		i += 4 + n
	}
	if len(s) < 4 || fields["63"] == "" || pixCRC16(s[:len(s)-4]) != strings.ToUpper(s[len(s)-4:]) {
		return nil, false
	}
	return fields, true
}

// payTax cleans a CPF or CNPJ as Pluggy reads one: punctuation removed,
// the letters of an alphanumeric CNPJ upper-cased. Anything else gives a
// value no check accepts.
func payTax(v string) string {
	s, ok := taxid.Clean(v, true)
	if !ok {
		return "\x00invalid"
	}
	return s
}

// payIsCPF reports whether a cleaned tax number is a CPF: 11 digits.
func payIsCPF(s string) bool { return taxid.ValidCPFLength(s) }

// payIsCNPJ reports whether a cleaned tax number is a CNPJ: 14 digits, or
// an alphanumeric CNPJ (IN RFB 2.229/2024) whose check digits match. Like
// the client, the fake leaves the check digits of a numeric one alone.
func payIsCNPJ(s string) bool {
	if len(s) != taxid.CNPJLen {
		return false
	}
	if !taxid.HasLetters(s) {
		return strings.Trim(s, "0123456789") == ""
	}
	return taxid.ValidCNPJ(s)
}

// payDigits keeps the digits of v (a PIX key that may be a CPF or CNPJ).
func payDigits(v string) string {
	var b strings.Builder
	for _, r := range v {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// payAmount parses a JSON number as an exact amount > 0.
func payAmount(n json.Number) (*big.Rat, bool) {
	if n == "" {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || r.Sign() <= 0 {
		return nil, false
	}
	return r, true
}

// payPage answers a page of items by the page and pageSize query parameters.
func payPage[T any](w http.ResponseWriter, r *http.Request, items []T) {
	page, size := 1, 500
	if v := r.URL.Query().Get("page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			page = n
		}
	}
	if v := r.URL.Query().Get("pageSize"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n <= 500 {
			size = n
		} else {
			writeError(w, http.StatusBadRequest, "INVALID_PAGE_SIZE", "pageSize must be between 1 and 500")
			return
		}
	}
	total := len(items)
	pages := (total + size - 1) / size
	if pages == 0 {
		pages = 1
	}
	lo := total // past the end; (page-1)*size could overflow there
	if page <= pages {
		lo = (page - 1) * size
	}
	hi := min(lo+size, total)
	writePage(w, items[lo:hi], page, total, pages)
}

func payNotFound(w http.ResponseWriter, what string) {
	code := strings.ToUpper(strings.ReplaceAll(what, " ", "_")) + "_NOT_FOUND"
	writeError(w, http.StatusNotFound, code, strings.ToUpper(what[:1])+what[1:]+" not found")
}

func payBadRequest(w http.ResponseWriter, code, msg string) {
	writeError(w, http.StatusBadRequest, code, msg)
}

func payNoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// payDecode reads a JSON body keeping numbers exact; it answers 400 when
// it cannot.
func payDecode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		payBadRequest(w, "INVALID_REQUEST", "Body is not valid JSON: "+err.Error())
		return false
	}
	return true
}

// ------------------------------------------------------------------- routes

func setupPayments(s *Server) {
	// The clock moves payments on even when nobody reads them: Advance and
	// a request to any route emit what the steps since produced.
	s.onTick(func() { s.servePayments(func(*payState, time.Time) {}) })
	s.setupPaymentCustomers()
	s.setupPaymentRecipients()
	s.setupPaymentRequests()
	s.setupAutomaticPix()
	s.setupPaymentSchedules()
	s.setupPaymentIntents()
	s.setupSmartTransfers()
	s.setupBoletos()
}

// payGetRoute registers route as a plain read of one payment object: the
// {id} is looked up in the store chosen by table (404 naming what when
// unknown) and answered as render makes it.
func payGetRoute[T any](s *Server, route string, table func(st *payState) *payStore[T], what string, render func(st *payState, v T) map[string]any) {
	s.payRoute(route, func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		v, ok := table(st).find(w, r.PathValue("id"), what)
		if !ok {
			return
		}
		writeJSON(w, http.StatusOK, render(st, v))
	})
}

// payWholePage answers xs, each as its json, as the one page of a listing.
func payWholePage[T interface{ json() map[string]any }](w http.ResponseWriter, xs []T) {
	out := []map[string]any{}
	for _, x := range xs {
		out = append(out, x.json())
	}
	writePage(w, out, 1, len(out), 1)
}

// payRoute registers h on route; h runs under the payments lock with the
// state moved on to the server's time.
func (s *Server) payRoute(route string, h func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request)) {
	s.handle(route, func(w http.ResponseWriter, r *http.Request) {
		s.servePayments(func(st *payState, now time.Time) { h(st, now, w, r) })
	})
}
