package pluggytest

// The fake's payment initiation: customers, recipients and institutions,
// payment requests (PIX QR and automatic PIX included), payment intents,
// scheduled payments, smart transfers and boletos — the 42 routes of the
// payment tags.
//
// Payment intents move on by themselves, as Pluggy's do when the payer
// authorises at the bank: each read of GET /payments/intents/{id} moves an
// intent one step on, and so does each WithPaymentSteps interval of the
// server's clock. The steps are
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

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"sort"
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

// PayBoleto marks an open boleto paid through origin ("PIX" or "BOLETO"), as
// its payer would, and emits boleto/updated. It fails for an unknown boleto
// or one that is not OPEN or OVERDUE.
func (s *Server) PayBoleto(id, origin string) error {
	st := s.payments()
	now := s.Now()
	st.mu.Lock()
	b, ok := st.boletos.get(id)
	if !ok {
		st.mu.Unlock()
		return fmt.Errorf("pluggytest: no boleto %q", id)
	}
	st.advanceLocked(s, now)
	if b.status != "OPEN" && b.status != "OVERDUE" {
		st.mu.Unlock()
		return fmt.Errorf("pluggytest: boleto %s is %s", id, b.status)
	}
	b.status, b.paidAt, b.amountPaid, b.origin = "PAID", now, b.amount, origin
	st.emitLocked(Event{Type: "boleto/updated", Payload: map[string]any{"boletoId": b.id, "status": b.status}})
	evs := st.takeEvents()
	st.mu.Unlock()
	for _, ev := range evs {
		s.emit(ev)
	}
	return nil
}

// store keeps entities by id in creation order.
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

// serve runs f under the payments lock, after moving the state on to the
// server's current time, then emits the events f and the move produced.
func (s *Server) servePayments(f func(st *payState, now time.Time)) {
	st := s.payments()
	now := s.Now()
	st.mu.Lock()
	st.advanceLocked(s, now)
	f(st, now)
	evs := st.takeEvents()
	st.mu.Unlock()
	for _, ev := range evs {
		s.emit(ev)
	}
}

func payToday(now time.Time) string { return now.In(payBRT).Format(time.DateOnly) }

// ---------------------------------------------------------------- entities

type fakeInstitution struct {
	id, name, tradeName, ispb, compe string
	created                          time.Time
}

var seedInstitutions = []fakeInstitution{
	{id: "8f2b6c1d-3e4a-4b5c-9d6e-7f8a9b0c1d2e", name: "ITAÚ UNIBANCO S.A.", tradeName: "Itaú", ispb: "60701190", compe: "341"},
	{id: "0b4d6f8a-1c3e-4a5b-8c7d-9e0f1a2b3c4d", name: "BANCO DO BRASIL S.A.", tradeName: "Banco do Brasil", ispb: "00000000", compe: "001"},
	{id: "3c5e7a9b-2d4f-4b6c-9d8e-0f1a2b3c4d5e", name: "BANCO BRADESCO S.A.", tradeName: "Bradesco", ispb: "60746948", compe: "237"},
	{id: "4d6f8b0c-3e5a-4c7d-8e9f-1a2b3c4d5e6f", name: "CAIXA ECONOMICA FEDERAL", tradeName: "Caixa", ispb: "00360305", compe: "104"},
	{id: "6f8b0d2e-5a7c-4e9f-8b1c-3d4e5f6a7b8c", name: "BANCO SANTANDER (BRASIL) S.A.", tradeName: "Santander", ispb: "90400888", compe: "033"},
	{id: "2c7d9e1f-5a6b-4c8d-8e9f-0a1b2c3d4e5f", name: "NU PAGAMENTOS S.A. - INSTITUIÇÃO DE PAGAMENTO", tradeName: "Nubank", ispb: "18236120", compe: "260"},
	{id: "5e1a7b3c-9d2f-4e6a-b8c1-3d5f7a9b1c2e", name: "BANCO INTER S.A.", tradeName: "Inter", ispb: "00416968", compe: "077"},
	{id: "7a3c5e9b-1d2f-4a6c-8e0b-2f4d6a8c0e1b", name: "CORA SOCIEDADE DE CRÉDITO DIRETO S.A.", tradeName: "Cora", ispb: "37880206"},
}

func (in *fakeInstitution) json() map[string]any {
	m := map[string]any{"id": in.id, "name": in.name, "tradeName": in.tradeName, "ispb": in.ispb,
		"createdAt": fmtTime(in.created), "updatedAt": fmtTime(in.created)}
	if in.compe != "" {
		m["compe"] = in.compe
	}
	return m
}

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

type fakeCustomer struct {
	id, typ, name, email, cpf, cnpj string
	connectorID                     *int
	created, updated                time.Time
}

func (c *fakeCustomer) json() map[string]any {
	m := map[string]any{"id": c.id, "type": c.typ, "name": c.name,
		"createdAt": fmtTime(c.created), "updatedAt": fmtTime(c.updated)}
	for k, v := range map[string]string{"email": c.email, "cpf": c.cpf, "cnpj": c.cnpj} {
		if v != "" {
			m[k] = v
		}
	}
	if c.connectorID != nil {
		m["connector"] = payConnectorJSON(*c.connectorID)
	}
	return m
}

type fakeRecipient struct {
	id, taxNumber, name, institutionID, pixKey string
	isDefault                                  bool
	account                                    map[string]any
	created, updated                           time.Time
}

func (st *payState) recipientJSON(r *fakeRecipient) map[string]any {
	m := map[string]any{"type": "BANK_ACCOUNT", "id": r.id, "taxNumber": r.taxNumber, "name": r.name,
		"isDefault": r.isDefault, "account": r.account, "createdAt": fmtTime(r.created), "updatedAt": fmtTime(r.updated)}
	if in, ok := st.institutions.get(r.institutionID); ok {
		m["paymentInstitution"] = in.json()
	}
	if r.pixKey != "" {
		m["pixKey"] = r.pixKey
	}
	return m
}

type fakeSchedulePayment struct {
	id, description, status, date, e2e string
	errorDetail                        map[string]any
}

func (p *fakeSchedulePayment) json() map[string]any {
	m := map[string]any{"id": p.id, "description": p.description, "status": p.status, "scheduledDate": p.date}
	if p.e2e != "" {
		m["endToEndId"] = p.e2e
	}
	if p.errorDetail != nil {
		m["errorDetail"] = p.errorDetail
	}
	return m
}

type fakeAutoPixPayment struct {
	id, status, amount, description, date, e2e, clientPaymentID, recipientID string
	first                                                                    bool
	attempts                                                                 []map[string]any
	errorDetail                                                              map[string]any
}

func (p *fakeAutoPixPayment) json() map[string]any {
	m := map[string]any{"id": p.id, "status": p.status, "amount": json.Number(p.amount), "date": p.date,
		"recipientId": p.recipientID, "isFirstPayment": p.first, "attempts": p.attempts}
	for k, v := range map[string]string{"description": p.description, "endToEndId": p.e2e, "clientPaymentId": p.clientPaymentID} {
		if v != "" {
			m[k] = v
		}
	}
	if p.errorDetail != nil {
		m["errorDetail"] = p.errorDetail
	}
	return m
}

type fakeRequest struct {
	id, kind, status, amount, description, clientPaymentID string
	recipientID, customerID, pixQR, qrMerchant             string
	callbackURLs                                           map[string]any
	schedule                                               json.RawMessage
	automaticPix                                           map[string]any
	autoPix                                                *autoPixTerms
	sandbox                                                bool
	errorDetail                                            map[string]any
	payerCPF                                               string
	schedulePayments                                       []*fakeSchedulePayment
	autoPayments                                           []*fakeAutoPixPayment
	created, updated                                       time.Time
}

// autoPixTerms are the parts of an automatic PIX consent the fake enforces.
type autoPixTerms struct {
	fixed, min, max *big.Rat
	retry           bool
	first           *struct {
		Amount      json.Number `json:"amount"`
		Date        string      `json:"date"`
		Description string      `json:"description"`
	}
}

func (st *payState) requestJSON(r *fakeRequest) map[string]any {
	m := map[string]any{"id": r.id, "status": r.status, "createdAt": fmtTime(r.created), "updatedAt": fmtTime(r.updated),
		"paymentUrl": "https://pay.pluggy.ai/" + r.id, "isSandbox": r.sandbox}
	if r.amount != "" {
		m["amount"] = json.Number(r.amount)
		m["fees"] = 0
	}
	for k, v := range map[string]string{"description": r.description, "clientPaymentId": r.clientPaymentID, "pixQrCode": r.pixQR} {
		if v != "" {
			m[k] = v
		}
	}
	if r.callbackURLs != nil {
		m["callbackUrls"] = r.callbackURLs
	}
	switch {
	case r.kind == kindPixQR:
		m["recipient"] = map[string]any{"type": "PIX_QR_CODE", "name": r.qrMerchant}
	default:
		if rc, ok := st.recipients.get(r.recipientID); ok {
			m["recipient"] = st.recipientJSON(rc)
		}
	}
	if c, ok := st.customers.get(r.customerID); ok {
		m["customer"] = c.json()
	}
	if len(r.schedule) > 0 {
		m["schedule"] = r.schedule
	}
	if r.automaticPix != nil {
		m["automaticPix"] = r.automaticPix
	}
	if r.errorDetail != nil {
		m["errorDetail"] = r.errorDetail
	}
	return m
}

type fakeIntent struct {
	id, requestID, method, payerCPF, payerCNPJ, payerName string
	connectorID                                           int
	path                                                  []string
	at                                                    int // index in path
	polls                                                 int
	errCode                                               string
	dynamic                                               bool
	created, updated                                      time.Time
}

func (pi *fakeIntent) status() string { return pi.path[pi.at] }

func (st *payState) intentJSON(pi *fakeIntent) map[string]any {
	m := map[string]any{"id": pi.id, "status": pi.status(), "createdAt": fmtTime(pi.created), "updatedAt": fmtTime(pi.updated),
		"paymentMethod": pi.method, "connector": payConnectorJSON(pi.connectorID),
		"consentUrl": "https://consent.pluggy.test/authorize?intent=" + pi.id}
	if r, ok := st.requests.get(pi.requestID); ok {
		m["paymentRequest"] = st.requestJSON(r)
		if pi.method == "PIX" {
			qr := r.pixQR
			if qr == "" {
				qr = payPixQR(r.amount, "PLUGGY PAGAMENTOS", pi.id)
			}
			m["pixData"] = map[string]any{"value": qr, "qr": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}
		}
	}
	switch pi.status() {
	case piCompleted:
		m["referenceId"] = payEndToEnd("60701190", pi.updated, pi.id)
		name := pi.payerName
		if name == "" {
			name = "Pagador Pluggy Sandbox"
		}
		m["debtor"] = map[string]any{"name": name, "taxNumber": payMaskCPF(pi.payerCPF),
			"bankAccount": map[string]any{"agency": "0001", "account": "12345-6", "name": payConnectorJSON(pi.connectorID)["name"]}}
	case piConsentRejected, piPaymentRejected:
		m["errorDetail"] = map[string]any{"code": pi.errCode, "providerCode": pi.errCode,
			"providerTitle": "Pagamento não realizado", "providerDetail": "A instituição recusou o pagamento (" + pi.errCode + ")"}
	}
	return m
}

type fakePreauth struct {
	id, status, cpf, cnpj, clientID string
	connectorID                     int
	recipientIDs                    []string
	callbackURLs                    map[string]any
	configuration                   json.RawMessage
	created, updated                time.Time
}

func (st *payState) preauthJSON(p *fakePreauth) map[string]any {
	recips := []map[string]any{}
	for _, id := range p.recipientIDs {
		if r, ok := st.recipients.get(id); ok {
			recips = append(recips, st.recipientJSON(r))
		}
	}
	m := map[string]any{"id": p.id, "status": p.status, "recipients": recips, "connector": payConnectorJSON(p.connectorID),
		"consentUrl": "https://consent.pluggy.test/authorize?preauthorization=" + p.id,
		"createdAt":  fmtTime(p.created), "updatedAt": fmtTime(p.updated)}
	if p.clientID != "" {
		m["clientPreauthorizationId"] = p.clientID
	}
	if p.callbackURLs != nil {
		m["callbackUrls"] = p.callbackURLs
	}
	if len(p.configuration) > 0 {
		m["configuration"] = p.configuration
	}
	return m
}

type fakeSTPayment struct {
	id, preauthID, status, amount, description, recipientID, clientPaymentID string
	created, updated                                                         time.Time
}

func (st *payState) stPaymentJSON(p *fakeSTPayment) map[string]any {
	m := map[string]any{"id": p.id, "preauthorizationId": p.preauthID, "status": p.status, "amount": json.Number(p.amount),
		"createdAt": fmtTime(p.created), "updatedAt": fmtTime(p.updated)}
	if r, ok := st.recipients.get(p.recipientID); ok {
		m["recipient"] = st.recipientJSON(r)
	}
	if p.description != "" {
		m["description"] = p.description
	}
	if p.clientPaymentID != "" {
		m["clientPaymentId"] = p.clientPaymentID
	}
	return m
}

type fakeBoletoConnection struct {
	id          string
	connectorID int
	created     time.Time
}

func (c *fakeBoletoConnection) json() map[string]any {
	return map[string]any{"id": c.id, "connectorId": c.connectorID, "createdAt": fmtTime(c.created), "updatedAt": fmtTime(c.created)}
}

type fakeBoleto struct {
	id, connectionID, status, amount, amountPaid, seuNumero, origin, nossoNumero string
	due                                                                          time.Time
	payer                                                                        map[string]any
	fine, interest                                                               json.RawMessage
	created, paidAt                                                              time.Time
}

func (b *fakeBoleto) json() map[string]any {
	digits := fmt.Sprintf("%010d", payBoletoCents(b.amount))
	m := map[string]any{"id": b.id, "amount": json.Number(b.amount), "status": b.status, "seuNumero": b.seuNumero,
		"dueDate": fmtTime(b.due), "payer": b.payer, "nossoNumero": b.nossoNumero,
		"digitableLine":      "07790.00116 " + b.nossoNumero[:5] + "." + b.nossoNumero[5:] + " 00000.000000 1 9999" + digits,
		"barcode":            "0779" + "1" + "9999" + digits + "0001" + b.nossoNumero + "000000",
		"pixQr":              payPixQR(b.amount, "BOLETO "+b.seuNumero, b.id),
		"boletoConnectionId": b.connectionID, "createdAt": fmtTime(b.created),
		"amountPaid": nil, "paymentOrigin": nil}
	if len(b.fine) > 0 {
		m["fine"] = b.fine
	}
	if len(b.interest) > 0 {
		m["interest"] = b.interest
	}
	if b.status == "PAID" {
		m["amountPaid"] = json.Number(b.amountPaid)
		m["paymentOrigin"] = b.origin
		m["paidAt"] = fmtTime(b.paidAt)
	}
	return m
}

func payBoletoCents(amount string) int64 {
	r, ok := new(big.Rat).SetString(amount)
	if !ok {
		return 0
	}
	r.Mul(r, big.NewRat(100, 1))
	f, _ := r.Float64()
	return int64(f + 0.5)
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

// moveIntentLocked brings an intent to the step its reads and its age
// allow, applying each step's effects in order.
func (st *payState) moveIntentLocked(s *Server, pi *fakeIntent, now time.Time) {
	target := pi.polls
	if st.step > 0 {
		target = max(target, int(now.Sub(pi.created)/st.step))
	}
	target = min(target, len(pi.path)-1)
	for pi.at < target {
		pi.at++
		pi.updated = now
		st.enterLocked(s, pi, now)
	}
}

func (st *payState) setRequestStatusLocked(r *fakeRequest, status string, now time.Time) {
	if r.status == status {
		return
	}
	r.status, r.updated = status, now
	st.emitLocked(Event{Type: "payment_request/updated", Payload: map[string]any{
		"paymentRequestId": r.id, "data": map[string]any{"status": status}}})
}

// enterLocked applies the effects of the intent's new status.
func (st *payState) enterLocked(s *Server, pi *fakeIntent, now time.Time) {
	r, ok := st.requests.get(pi.requestID)
	if !ok {
		return
	}
	ids := map[string]any{"paymentIntentId": pi.id, "paymentRequestId": r.id}
	switch pi.status() {
	case piAwaiting:
		st.emitLocked(Event{Type: "payment_intent/waiting_payer_authorization", Payload: ids})
		st.setRequestStatusLocked(r, prWaiting, now)
	case piAuthorized:
		r.payerCPF = pi.payerCPF
		switch {
		case len(r.schedule) > 0:
			st.scheduleLocked(s, r, now)
		case r.kind == kindAutomaticPix:
			st.setRequestStatusLocked(r, prAuthorized, now)
			st.firstAutoPixLocked(s, r, now)
		default:
			st.setRequestStatusLocked(r, prInProgress, now)
		}
	case piCompleted:
		st.emitLocked(Event{Type: "payment_intent/completed", Payload: ids})
		st.setRequestStatusLocked(r, prCompleted, now)
	case piConsentRejected, piPaymentRejected:
		st.emitLocked(Event{Type: "payment_intent/error", Payload: map[string]any{
			"paymentIntentId": pi.id, "paymentRequestId": r.id,
			"error": map[string]any{"code": pi.errCode, "message": "Pagamento recusado: " + pi.errCode}}})
		r.errorDetail = map[string]any{"code": pi.errCode, "providerMessage": "A instituição recusou o pagamento"}
		st.setRequestStatusLocked(r, prError, now)
	}
}

// scheduleLocked creates the payments of a scheduled request once its
// consent is authorised.
func (st *payState) scheduleLocked(s *Server, r *fakeRequest, now time.Time) {
	dates, err := payScheduleDates(r.schedule)
	if err != nil || len(dates) == 0 {
		return
	}
	for _, d := range dates {
		sp := &fakeSchedulePayment{id: s.newID(), description: r.description, status: "SCHEDULED", date: d}
		if sp.description == "" {
			sp.description = "Pagamento agendado"
		}
		r.schedulePayments = append(r.schedulePayments, sp)
		st.emitLocked(Event{Type: "scheduled_payment/created", Payload: map[string]any{"paymentRequestId": r.id, "scheduledPaymentId": sp.id}})
	}
	st.emitLocked(Event{Type: "scheduled_payment/all_created", Payload: map[string]any{"paymentRequestId": r.id}})
	st.setRequestStatusLocked(r, prScheduled, now)
}

// settleSchedulesLocked pays the scheduled payments whose date has come.
func (st *payState) settleSchedulesLocked(s *Server, r *fakeRequest, today string, now time.Time) {
	if len(r.schedulePayments) == 0 || r.status != prScheduled {
		return
	}
	code := st.reject[r.payerCPF]
	pending := 0
	for _, sp := range r.schedulePayments {
		if sp.status != "SCHEDULED" {
			continue
		}
		if sp.date > today {
			pending++
			continue
		}
		ids := map[string]any{"paymentRequestId": r.id, "scheduledPaymentId": sp.id}
		if code != "" {
			sp.status = "ERROR"
			sp.errorDetail = map[string]any{"code": code, "description": "Pagamento agendado não realizado", "detail": "A instituição recusou o pagamento"}
			ids["error"] = map[string]any{"code": code, "message": "Pagamento agendado não realizado"}
			st.emitLocked(Event{Type: "scheduled_payment/error", Payload: ids})
			continue
		}
		sp.status = "COMPLETED"
		sp.e2e = payEndToEnd("18236120", now, sp.id)
		st.emitLocked(Event{Type: "scheduled_payment/completed", Payload: ids})
	}
	if pending == 0 {
		st.emitLocked(Event{Type: "scheduled_payment/all_completed", Payload: map[string]any{"paymentRequestId": r.id}})
		st.setRequestStatusLocked(r, prCompleted, now)
	}
}

// firstAutoPixLocked makes the enrolment payment of an authorised automatic
// PIX consent.
func (st *payState) firstAutoPixLocked(s *Server, r *fakeRequest, now time.Time) {
	if r.autoPix == nil || r.autoPix.first == nil {
		return
	}
	f := r.autoPix.first
	date := payToday(now)
	if f.Date != "" && len(f.Date) >= 10 && f.Date[:10] > date {
		date = f.Date[:10]
	}
	p := &fakeAutoPixPayment{id: s.newID(), status: "SCHEDULED", amount: f.Amount.String(), description: f.Description,
		date: date, recipientID: r.recipientID, first: true, attempts: []map[string]any{}}
	r.autoPayments = append(r.autoPayments, p)
	st.emitLocked(Event{Type: "automatic_pix_payment/created", Payload: map[string]any{"automaticPixPaymentId": p.id, "paymentRequestId": r.id}})
	st.settleAutoPixLocked(s, r, payToday(now), now)
}

// settleAutoPixLocked moves automatic PIX payments on: CREATED becomes
// SCHEDULED, and a due one completes (or fails for a rejected payer).
func (st *payState) settleAutoPixLocked(s *Server, r *fakeRequest, today string, now time.Time) {
	code := st.reject[r.payerCPF]
	for _, p := range r.autoPayments {
		if p.status == "CREATED" {
			p.status = "SCHEDULED"
		}
		if p.status != "SCHEDULED" {
			continue
		}
		due := p.date
		if n := len(p.attempts); n > 0 {
			due, _ = p.attempts[n-1]["date"].(string)
		}
		if due > today {
			continue
		}
		attempt := map[string]any{"id": s.newID(), "date": due}
		if n := len(p.attempts); n > 0 && p.attempts[n-1]["status"] == "IN_PROGRESS" {
			attempt = p.attempts[n-1]
			p.attempts = p.attempts[:n-1]
		}
		ids := map[string]any{"automaticPixPaymentId": p.id, "paymentRequestId": r.id}
		if code != "" {
			detail := map[string]any{"code": code, "detail": "A instituição recusou o pagamento"}
			p.status, p.errorDetail = "ERROR", detail
			attempt["status"], attempt["errorDetail"] = "ERROR", detail
			p.attempts = append(p.attempts, attempt)
			ids["error"] = map[string]any{"code": code, "message": "Pagamento não realizado"}
			st.emitLocked(Event{Type: "automatic_pix_payment/error", Payload: ids})
			continue
		}
		p.status, p.errorDetail = "COMPLETED", nil
		p.e2e = payEndToEnd("60701190", now, p.id)
		attempt["status"], attempt["endToEndId"] = "COMPLETED", p.e2e
		delete(attempt, "errorDetail")
		p.attempts = append(p.attempts, attempt)
		ids["endToEndId"] = p.e2e
		st.emitLocked(Event{Type: "automatic_pix_payment/completed", Payload: ids})
	}
}

func (st *payState) completePreauthLocked(p *fakePreauth, now time.Time) {
	p.status, p.updated = "COMPLETED", now
	if code := st.reject[p.cpf]; code != "" {
		p.status = "REJECTED"
		st.emitLocked(Event{Type: "smart_transfer_preauthorization/error", Payload: map[string]any{
			"smartTransferPreauthorizationId": p.id, "status": p.status,
			"error": map[string]any{"code": code, "description": "Consentimento recusado", "detail": code}}})
		return
	}
	st.emitLocked(Event{Type: "smart_transfer_preauthorization/completed", Payload: map[string]any{
		"smartTransferPreauthorizationId": p.id, "status": p.status}})
}

func (st *payState) completeSTPaymentLocked(p *fakeSTPayment, now time.Time) {
	p.status, p.updated = piCompleted, now
	st.emitLocked(Event{Type: "smart_transfer_payment/completed", Payload: map[string]any{
		"smartTransferPaymentId": p.id, "smartTransferPreauthorizationId": p.preauthID, "status": p.status}})
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

// payScheduleDates computes the payment dates of a schedule object, as Pluggy
// does.
func payScheduleDates(raw json.RawMessage) ([]string, error) {
	var sc struct {
		Type        string   `json:"type"`
		Date        string   `json:"date"`
		StartDate   string   `json:"startDate"`
		Occurrences int      `json:"occurrences"`
		DayOfWeek   string   `json:"dayOfWeek"`
		DayOfMonth  int      `json:"dayOfMonth"`
		Dates       []string `json:"dates"`
	}
	if err := json.Unmarshal(raw, &sc); err != nil {
		return nil, err
	}
	parse := func(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }
	var out []string
	switch sc.Type {
	case "SINGLE":
		if _, err := parse(sc.Date); err != nil {
			return nil, err
		}
		return []string{sc.Date}, nil
	case "CUSTOM":
		for _, d := range sc.Dates {
			if _, err := parse(d); err != nil {
				return nil, err
			}
		}
		out = append(out, sc.Dates...)
		sort.Strings(out)
		return out, nil
	}
	start, err := parse(sc.StartDate)
	if err != nil {
		return nil, err
	}
	if sc.Occurrences < 1 || sc.Occurrences > 59 {
		return nil, fmt.Errorf("occurrences %d", sc.Occurrences)
	}
	switch sc.Type {
	case "DAILY":
		for i := 0; i < sc.Occurrences; i++ {
			out = append(out, start.AddDate(0, 0, i).Format(time.DateOnly))
		}
	case "WEEKLY":
		days := map[string]time.Weekday{"SUNDAY": 0, "MONDAY": 1, "TUESDAY": 2, "WEDNESDAY": 3, "THURSDAY": 4, "FRIDAY": 5, "SATURDAY": 6}
		wd, ok := days[sc.DayOfWeek]
		if !ok {
			return nil, fmt.Errorf("dayOfWeek %q", sc.DayOfWeek)
		}
		first := start.AddDate(0, 0, (int(wd)-int(start.Weekday())+7)%7)
		for i := 0; i < sc.Occurrences; i++ {
			out = append(out, first.AddDate(0, 0, 7*i).Format(time.DateOnly))
		}
	case "MONTHLY":
		if sc.DayOfMonth < 1 || sc.DayOfMonth > 30 {
			return nil, fmt.Errorf("dayOfMonth %d", sc.DayOfMonth)
		}
		y, m := start.Year(), start.Month()
		dayIn := func(y int, m time.Month) int {
			return min(sc.DayOfMonth, time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day())
		}
		if start.Day() > dayIn(y, m) {
			m++
		}
		for i := 0; i < sc.Occurrences; i++ {
			t := time.Date(y, m+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
			out = append(out, time.Date(t.Year(), t.Month(), dayIn(t.Year(), t.Month()), 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
		}
	default:
		return nil, fmt.Errorf("type %q", sc.Type)
	}
	return out, nil
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
	lo := min((page-1)*size, total)
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
	s.setupPaymentCustomers()
	s.setupPaymentRecipients()
	s.setupPaymentRequests()
	s.setupAutomaticPix()
	s.setupPaymentSchedules()
	s.setupPaymentIntents()
	s.setupSmartTransfers()
	s.setupBoletos()
}

// payRoute registers h on route; h runs under the payments lock with the
// state moved on to the server's time.
func (s *Server) payRoute(route string, h func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request)) {
	s.handle(route, func(w http.ResponseWriter, r *http.Request) {
		s.servePayments(func(st *payState, now time.Time) { h(st, now, w, r) })
	})
}

type customerBody struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	CPF         string `json:"cpf"`
	CNPJ        string `json:"cnpj"`
	ConnectorID *int   `json:"connectorId"`
}

func (b *customerBody) problem(create bool) string {
	if create || b.Type != "" {
		if b.Type != "INDIVIDUAL" && b.Type != "BUSINESS" {
			return "type must be one of INDIVIDUAL, BUSINESS"
		}
	}
	if create && strings.TrimSpace(b.Name) == "" {
		return "name is required"
	}
	if create && b.Type == "INDIVIDUAL" && b.CPF == "" {
		return "cpf is required for INDIVIDUAL customers"
	}
	if create && b.Type == "BUSINESS" && b.CNPJ == "" {
		return "cnpj is required for BUSINESS customers"
	}
	if b.CPF != "" && !payIsCPF(payTax(b.CPF)) {
		return "cpf must have 11 digits"
	}
	if b.CNPJ != "" && !payIsCNPJ(payTax(b.CNPJ)) {
		return "cnpj must have 14 digits, or be an alphanumeric CNPJ with valid check digits"
	}
	return ""
}

func (s *Server) setupPaymentCustomers() {
	s.payRoute("GET /payments/customers", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var out []map[string]any
		for _, c := range st.customers.list() {
			if v := q.Get("name"); v != "" && !strings.Contains(strings.ToLower(c.name), strings.ToLower(v)) {
				continue
			}
			if v := q.Get("email"); v != "" && c.email != v {
				continue
			}
			if v := q.Get("cpf"); v != "" && c.cpf != payTax(v) {
				continue
			}
			if v := q.Get("cnpj"); v != "" && c.cnpj != payTax(v) {
				continue
			}
			out = append(out, c.json())
		}
		payPage(w, r, out)
	})
	s.payRoute("POST /payments/customers", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b customerBody
		if !payDecode(w, r, &b) {
			return
		}
		if msg := b.problem(true); msg != "" {
			payBadRequest(w, "INVALID_PAYMENT_CUSTOMER", msg)
			return
		}
		c := &fakeCustomer{id: s.newID(), typ: b.Type, name: b.Name, email: b.Email, cpf: payTax(b.CPF), cnpj: payTax(b.CNPJ),
			connectorID: b.ConnectorID, created: now, updated: now}
		st.customers.put(c.id, c)
		writeJSON(w, http.StatusOK, c.json())
	})
	s.payRoute("GET /payments/customers/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		c, ok := st.customers.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "payment customer")
			return
		}
		writeJSON(w, http.StatusOK, c.json())
	})
	s.payRoute("PATCH /payments/customers/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		c, ok := st.customers.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "payment customer")
			return
		}
		var b customerBody
		if !payDecode(w, r, &b) {
			return
		}
		if msg := b.problem(false); msg != "" {
			payBadRequest(w, "INVALID_PAYMENT_CUSTOMER", msg)
			return
		}
		for dst, v := range map[*string]string{&c.typ: b.Type, &c.name: b.Name, &c.email: b.Email, &c.cpf: payTax(b.CPF), &c.cnpj: payTax(b.CNPJ)} {
			if v != "" {
				*dst = v
			}
		}
		c.updated = now
		writeJSON(w, http.StatusOK, c.json())
	})
	s.payRoute("DELETE /payments/customers/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		if !st.customers.del(r.PathValue("id")) {
			payNotFound(w, "payment customer")
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

type recipientBody struct {
	TaxNumber            string         `json:"taxNumber"`
	Name                 string         `json:"name"`
	PaymentInstitutionID string         `json:"paymentInstitutionId"`
	Account              map[string]any `json:"account"`
	PixKey               string         `json:"pixKey"`
	SmartAccountID       string         `json:"smartAccountId"`
	IsDefault            *bool          `json:"isDefault"`
}

func accountProblem(a map[string]any) string {
	for _, k := range []string{"branch", "number", "type"} {
		if v, _ := a[k].(string); strings.TrimSpace(v) == "" {
			return "account." + k + " is required"
		}
	}
	switch a["type"] {
	case "CHECKING_ACCOUNT", "SAVINGS_ACCOUNT", "GUARANTEED_ACCOUNT":
		return ""
	}
	return "account.type must be one of CHECKING_ACCOUNT, SAVINGS_ACCOUNT, GUARANTEED_ACCOUNT"
}

func (st *payState) setDefaultRecipientLocked(id string) {
	for _, o := range st.recipients.list() {
		o.isDefault = o.id == id
	}
}

func (s *Server) setupPaymentRecipients() {
	s.payRoute("GET /payments/recipients", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var out []map[string]any
		for _, rc := range st.recipients.list() {
			if v := q.Get("isDefault"); v != "" && strconv.FormatBool(rc.isDefault) != v {
				continue
			}
			if v := q.Get("pixKey"); v != "" && rc.pixKey != v {
				continue
			}
			if v := q.Get("name"); v != "" && !strings.Contains(strings.ToLower(rc.name), strings.ToLower(v)) {
				continue
			}
			if v := q.Get("taxNumber"); v != "" && rc.taxNumber != payTax(v) {
				continue
			}
			out = append(out, st.recipientJSON(rc))
		}
		payPage(w, r, out)
	})
	s.payRoute("POST /payments/recipients", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b recipientBody
		if !payDecode(w, r, &b) {
			return
		}
		rc := &fakeRecipient{id: s.newID(), created: now, updated: now}
		switch {
		case b.PixKey != "":
			// The fake resolves every PIX key to an account at Itaú.
			tax := payDigits(b.PixKey)
			if len(tax) != 11 && len(tax) != 14 {
				tax = "12345678909"
			}
			rc.taxNumber, rc.name, rc.pixKey, rc.institutionID = tax, "Titular da chave "+b.PixKey, b.PixKey, seedInstitutions[0].id
			rc.account = map[string]any{"branch": "0001", "number": "12345-6", "type": "CHECKING_ACCOUNT"}
		case b.SmartAccountID != "":
			rc.taxNumber, rc.name, rc.institutionID = "12345678000195", "Conta Inteligente Pluggy", seedInstitutions[0].id
			rc.account = map[string]any{"branch": "0001", "number": "7654321-0", "type": "CHECKING_ACCOUNT"}
		default:
			tax := payTax(b.TaxNumber)
			switch {
			case !payIsCPF(tax) && !payIsCNPJ(tax):
				payBadRequest(w, "INVALID_PAYMENT_RECIPIENT", "taxNumber must be a CPF or a CNPJ")
				return
			case strings.TrimSpace(b.Name) == "":
				payBadRequest(w, "INVALID_PAYMENT_RECIPIENT", "name is required")
				return
			case b.Account == nil:
				payBadRequest(w, "INVALID_PAYMENT_RECIPIENT", "account is required")
				return
			}
			if msg := accountProblem(b.Account); msg != "" {
				payBadRequest(w, "INVALID_PAYMENT_RECIPIENT", msg)
				return
			}
			if _, ok := st.institutions.get(b.PaymentInstitutionID); !ok {
				payBadRequest(w, "INVALID_PAYMENT_RECIPIENT", "paymentInstitutionId does not match any institution")
				return
			}
			rc.taxNumber, rc.name, rc.institutionID, rc.account = tax, b.Name, b.PaymentInstitutionID, b.Account
		}
		st.recipients.put(rc.id, rc)
		if (b.IsDefault != nil && *b.IsDefault) || len(st.recipients.order) == 1 {
			st.setDefaultRecipientLocked(rc.id)
		}
		writeJSON(w, http.StatusOK, st.recipientJSON(rc))
	})
	s.payRoute("GET /payments/recipients/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		rc, ok := st.recipients.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "payment recipient")
			return
		}
		writeJSON(w, http.StatusOK, st.recipientJSON(rc))
	})
	s.payRoute("PATCH /payments/recipients/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		rc, ok := st.recipients.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "payment recipient")
			return
		}
		var b recipientBody
		if !payDecode(w, r, &b) {
			return
		}
		if b.TaxNumber != "" {
			tax := payTax(b.TaxNumber)
			if !payIsCPF(tax) && !payIsCNPJ(tax) {
				payBadRequest(w, "INVALID_PAYMENT_RECIPIENT", "taxNumber must be a CPF or a CNPJ")
				return
			}
			rc.taxNumber = tax
		}
		if b.PaymentInstitutionID != "" {
			if _, ok := st.institutions.get(b.PaymentInstitutionID); !ok {
				payBadRequest(w, "INVALID_PAYMENT_RECIPIENT", "paymentInstitutionId does not match any institution")
				return
			}
			rc.institutionID = b.PaymentInstitutionID
		}
		if b.Account != nil {
			if msg := accountProblem(b.Account); msg != "" {
				payBadRequest(w, "INVALID_PAYMENT_RECIPIENT", msg)
				return
			}
			rc.account = b.Account
		}
		if b.Name != "" {
			rc.name = b.Name
		}
		if b.IsDefault != nil && *b.IsDefault {
			st.setDefaultRecipientLocked(rc.id)
		} else if b.IsDefault != nil {
			rc.isDefault = false
		}
		rc.updated = now
		writeJSON(w, http.StatusOK, st.recipientJSON(rc))
	})
	s.payRoute("DELETE /payments/recipients/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		if !st.recipients.del(r.PathValue("id")) {
			payNotFound(w, "payment recipient")
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	s.payRoute("GET /payments/recipients/institutions", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		name := strings.ToLower(r.URL.Query().Get("name"))
		var out []map[string]any
		for _, in := range st.institutions.list() {
			if name == "" || strings.Contains(strings.ToLower(in.name), name) || strings.Contains(strings.ToLower(in.tradeName), name) {
				out = append(out, in.json())
			}
		}
		payPage(w, r, out)
	})
	s.payRoute("GET /payments/recipients/institutions/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		in, ok := st.institutions.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "payment institution")
			return
		}
		writeJSON(w, http.StatusOK, in.json())
	})
}

type requestBody struct {
	Amount          json.Number     `json:"amount"`
	Description     *string         `json:"description"`
	CallbackURLs    map[string]any  `json:"callbackUrls"`
	RecipientID     string          `json:"recipientId"`
	CustomerID      string          `json:"customerId"`
	ClientPaymentID string          `json:"clientPaymentId"`
	Schedule        json.RawMessage `json:"schedule"`
	IsSandbox       *bool           `json:"isSandbox"`
	PixQRCode       string          `json:"pixQrCode"`
}

// defaultRecipientLocked returns the default recipient's id, or "".
func (st *payState) defaultRecipientLocked() string {
	for _, rc := range st.recipients.list() {
		if rc.isDefault {
			return rc.id
		}
	}
	return ""
}

// checkRefsLocked answers 400 when a referenced recipient or customer does
// not exist.
func (st *payState) checkRefsLocked(w http.ResponseWriter, recipientID, customerID string) bool {
	if recipientID != "" {
		if _, ok := st.recipients.get(recipientID); !ok {
			payBadRequest(w, "PAYMENT_RECIPIENT_NOT_FOUND", "recipientId does not match any payment recipient")
			return false
		}
	}
	if customerID != "" {
		if _, ok := st.customers.get(customerID); !ok {
			payBadRequest(w, "PAYMENT_CUSTOMER_NOT_FOUND", "customerId does not match any payment customer")
			return false
		}
	}
	return true
}

func (s *Server) setupPaymentRequests() {
	s.payRoute("GET /payments/requests", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var out []map[string]any
		for _, pr := range st.requests.list() {
			day := payToday(pr.created)
			if v := q.Get("from"); v != "" && day < v {
				continue
			}
			if v := q.Get("to"); v != "" && day > v {
				continue
			}
			if v := q.Get("status"); v != "" && pr.status != v {
				continue
			}
			if v := q.Get("pixKey"); v != "" {
				rc, ok := st.recipients.get(pr.recipientID)
				if !ok || rc.pixKey != v {
					continue
				}
			}
			if v := q.Get("customer"); v != "" {
				c, ok := st.customers.get(pr.customerID)
				if !ok || (c.name != v && c.email != v && c.cpf != payTax(v) && c.cnpj != payTax(v)) {
					continue
				}
			}
			out = append(out, st.requestJSON(pr))
		}
		payPage(w, r, out)
	})
	s.payRoute("POST /payments/requests", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b requestBody
		if !payDecode(w, r, &b) {
			return
		}
		if _, ok := payAmount(b.Amount); !ok {
			payBadRequest(w, "INVALID_PAYMENT_REQUEST", "amount must be a number greater than 0")
			return
		}
		if b.RecipientID == "" {
			b.RecipientID = st.defaultRecipientLocked()
			if b.RecipientID == "" {
				payBadRequest(w, "PAYMENT_RECIPIENT_REQUIRED", "recipientId is required when there is no default recipient")
				return
			}
		}
		if !st.checkRefsLocked(w, b.RecipientID, b.CustomerID) {
			return
		}
		pr := &fakeRequest{id: s.newID(), kind: kindPIS, status: prCreated, amount: b.Amount.String(), recipientID: b.RecipientID,
			customerID: b.CustomerID, clientPaymentID: b.ClientPaymentID, callbackURLs: b.CallbackURLs, created: now, updated: now}
		if b.Description != nil {
			pr.description = *b.Description
		}
		if b.IsSandbox != nil {
			pr.sandbox = *b.IsSandbox
		}
		if len(b.Schedule) > 0 && string(b.Schedule) != "null" {
			dates, err := payScheduleDates(b.Schedule)
			if err != nil || len(dates) == 0 {
				payBadRequest(w, "INVALID_SCHEDULE", "schedule is not valid")
				return
			}
			if dates[0] < payToday(now) {
				payBadRequest(w, "INVALID_SCHEDULE", "schedule dates must not be in the past")
				return
			}
			pr.schedule = b.Schedule
		}
		st.requests.put(pr.id, pr)
		writeJSON(w, http.StatusOK, st.requestJSON(pr))
	})
	s.payRoute("POST /payments/requests/pix-qr", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b requestBody
		if !payDecode(w, r, &b) {
			return
		}
		fields, ok := payParsePixQR(strings.TrimSpace(b.PixQRCode))
		if !ok {
			payBadRequest(w, "INVALID_PIX_QR_CODE", "pixQrCode is not a valid PIX QR code")
			return
		}
		if !st.checkRefsLocked(w, "", b.CustomerID) {
			return
		}
		pr := &fakeRequest{id: s.newID(), kind: kindPixQR, status: prCreated, amount: fields["54"], pixQR: strings.TrimSpace(b.PixQRCode),
			qrMerchant: fields["59"], customerID: b.CustomerID, callbackURLs: b.CallbackURLs, created: now, updated: now}
		if b.IsSandbox != nil {
			pr.sandbox = *b.IsSandbox
		}
		st.requests.put(pr.id, pr)
		writeJSON(w, http.StatusOK, st.requestJSON(pr))
	})
	s.payRoute("GET /payments/requests/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := st.requests.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "payment request")
			return
		}
		writeJSON(w, http.StatusOK, st.requestJSON(pr))
	})
	s.payRoute("PATCH /payments/requests/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := st.requests.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "payment request")
			return
		}
		if pr.status != prCreated {
			payBadRequest(w, "PAYMENT_REQUEST_NOT_UPDATABLE", "Only payment requests in status CREATED can be updated")
			return
		}
		var b requestBody
		if !payDecode(w, r, &b) {
			return
		}
		if b.Amount != "" {
			if _, ok := payAmount(b.Amount); !ok {
				payBadRequest(w, "INVALID_PAYMENT_REQUEST", "amount must be a number greater than 0")
				return
			}
			pr.amount = b.Amount.String()
		}
		if !st.checkRefsLocked(w, b.RecipientID, b.CustomerID) {
			return
		}
		if b.Description != nil {
			pr.description = *b.Description
		}
		if b.CallbackURLs != nil {
			pr.callbackURLs = b.CallbackURLs
		}
		for dst, v := range map[*string]string{&pr.recipientID: b.RecipientID, &pr.customerID: b.CustomerID, &pr.clientPaymentID: b.ClientPaymentID} {
			if v != "" {
				*dst = v
			}
		}
		if b.IsSandbox != nil {
			pr.sandbox = *b.IsSandbox
		}
		pr.updated = now
		writeJSON(w, http.StatusOK, st.requestJSON(pr))
	})
	s.payRoute("DELETE /payments/requests/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !st.requests.del(id) {
			payNotFound(w, "payment request")
			return
		}
		for _, pi := range st.intents.list() {
			if pi.requestID == id {
				st.intents.del(pi.id)
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}

type autoPixBody struct {
	FixedAmount            json.Number     `json:"fixedAmount"`
	MinimumVariableAmount  json.Number     `json:"minimumVariableAmount"`
	MaximumVariableAmount  json.Number     `json:"maximumVariableAmount"`
	Description            string          `json:"description"`
	StartDate              string          `json:"startDate"`
	ExpiresAt              string          `json:"expiresAt"`
	IsRetryAccepted        *bool           `json:"isRetryAccepted"`
	FirstPayment           json.RawMessage `json:"firstPayment"`
	Interval               string          `json:"interval"`
	RetriesConfiguration   json.RawMessage `json:"automaticRetriesConfiguration"`
	SchedulerConfiguration json.RawMessage `json:"schedulerConfiguration"`
	CallbackURLs           map[string]any  `json:"callbackUrls"`
	RecipientID            string          `json:"recipientId"`
	ClientPaymentID        string          `json:"clientPaymentId"`
	CustomerID             string          `json:"customerId"`
}

// dateTime writes a YYYY-MM-DD date as Pluggy writes a date-time.
func dateTime(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return fmtTime(t)
}

func (s *Server) setupAutomaticPix() {
	s.payRoute("POST /payments/requests/automatic-pix", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b autoPixBody
		if !payDecode(w, r, &b) {
			return
		}
		const code = "INVALID_AUTOMATIC_PIX"
		terms := &autoPixTerms{retry: b.IsRetryAccepted != nil && *b.IsRetryAccepted}
		var ok bool
		switch {
		case b.RecipientID == "":
			payBadRequest(w, code, "recipientId is required")
			return
		case b.Interval != "WEEKLY" && b.Interval != "MONTHLY" && b.Interval != "QUARTERLY" && b.Interval != "SEMESTER" && b.Interval != "YEARLY":
			payBadRequest(w, code, "interval must be one of WEEKLY, MONTHLY, QUARTERLY, SEMESTER, YEARLY")
			return
		case b.StartDate == "" || b.StartDate < payToday(now):
			payBadRequest(w, code, "startDate must be today or later")
			return
		case b.FixedAmount != "" && (b.MinimumVariableAmount != "" || b.MaximumVariableAmount != ""):
			payBadRequest(w, code, "fixedAmount cannot be sent with minimumVariableAmount or maximumVariableAmount")
			return
		}
		if b.FixedAmount != "" {
			if terms.fixed, ok = payAmount(b.FixedAmount); !ok {
				payBadRequest(w, code, "fixedAmount must be greater than 0")
				return
			}
		}
		if b.MinimumVariableAmount != "" {
			if terms.min, ok = payAmount(b.MinimumVariableAmount); !ok {
				payBadRequest(w, code, "minimumVariableAmount must be greater than 0")
				return
			}
		}
		if b.MaximumVariableAmount != "" {
			if terms.max, ok = payAmount(b.MaximumVariableAmount); !ok {
				payBadRequest(w, code, "maximumVariableAmount must be greater than 0")
				return
			}
		}
		if !st.checkRefsLocked(w, b.RecipientID, b.CustomerID) {
			return
		}
		ap := map[string]any{"startDate": dateTime(b.StartDate), "interval": b.Interval}
		for k, v := range map[string]json.Number{"fixedAmount": b.FixedAmount, "minimumVariableAmount": b.MinimumVariableAmount, "maximumVariableAmount": b.MaximumVariableAmount} {
			if v != "" {
				ap[k] = v
			}
		}
		if b.ExpiresAt != "" {
			ap["expiresAt"] = dateTime(b.ExpiresAt)
		}
		if b.IsRetryAccepted != nil {
			ap["isRetryAccepted"] = *b.IsRetryAccepted
		}
		if len(b.FirstPayment) > 0 && string(b.FirstPayment) != "null" {
			dec := json.NewDecoder(strings.NewReader(string(b.FirstPayment)))
			dec.UseNumber()
			if err := dec.Decode(&terms.first); err != nil {
				payBadRequest(w, code, "firstPayment is not valid")
				return
			}
			if _, ok := payAmount(terms.first.Amount); !ok {
				payBadRequest(w, code, "firstPayment.amount must be greater than 0")
				return
			}
			fp := map[string]any{"amount": terms.first.Amount}
			if terms.first.Date != "" {
				fp["date"] = dateTime(terms.first.Date)
			}
			if terms.first.Description != "" {
				fp["description"] = terms.first.Description
			}
			ap["firstPayment"] = fp
		}
		if len(b.RetriesConfiguration) > 0 && string(b.RetriesConfiguration) != "null" {
			ap["automaticRetriesConfiguration"] = b.RetriesConfiguration
		}
		if len(b.SchedulerConfiguration) > 0 && string(b.SchedulerConfiguration) != "null" {
			ap["schedulerConfiguration"] = b.SchedulerConfiguration
		}
		pr := &fakeRequest{id: s.newID(), kind: kindAutomaticPix, status: prCreated, description: b.Description, recipientID: b.RecipientID,
			customerID: b.CustomerID, clientPaymentID: b.ClientPaymentID, callbackURLs: b.CallbackURLs, automaticPix: ap, autoPix: terms,
			created: now, updated: now}
		st.requests.put(pr.id, pr)
		writeJSON(w, http.StatusOK, st.requestJSON(pr))
	})
	autoPixRequest := func(st *payState, w http.ResponseWriter, id string) (*fakeRequest, bool) {
		pr, ok := st.requests.get(id)
		if !ok || pr.kind != kindAutomaticPix {
			payNotFound(w, "payment request")
			return nil, false
		}
		return pr, true
	}
	autoPixPayment := func(w http.ResponseWriter, pr *fakeRequest, id string) (*fakeAutoPixPayment, bool) {
		for _, p := range pr.autoPayments {
			if p.id == id {
				return p, true
			}
		}
		payNotFound(w, "automatic pix payment")
		return nil, false
	}
	s.payRoute("POST /payments/requests/{id}/automatic-pix/schedule", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := autoPixRequest(st, w, r.PathValue("id"))
		if !ok {
			return
		}
		var b struct {
			Amount          json.Number `json:"amount"`
			Description     string      `json:"description"`
			Date            string      `json:"date"`
			ClientPaymentID string      `json:"clientPaymentId"`
			RecipientID     string      `json:"recipientId"`
		}
		if !payDecode(w, r, &b) {
			return
		}
		if pr.status != prAuthorized {
			payBadRequest(w, "AUTOMATIC_PIX_NOT_AUTHORIZED", "The automatic PIX consent is not authorized")
			return
		}
		amount, ok := payAmount(b.Amount)
		if !ok {
			payBadRequest(w, "INVALID_AUTOMATIC_PIX_PAYMENT", "amount must be greater than 0")
			return
		}
		t := pr.autoPix
		if (t.fixed != nil && amount.Cmp(t.fixed) != 0) || (t.min != nil && amount.Cmp(t.min) < 0) || (t.max != nil && amount.Cmp(t.max) > 0) {
			payBadRequest(w, "PAGAMENTO_DIVERGENTE_CONSENTIMENTO", "amount does not match the automatic PIX consent")
			return
		}
		today, _ := time.Parse(time.DateOnly, payToday(now))
		lo, hi := today.AddDate(0, 0, 2).Format(time.DateOnly), today.AddDate(0, 0, 10).Format(time.DateOnly)
		if _, err := time.Parse(time.DateOnly, b.Date); err != nil || b.Date < lo || b.Date > hi {
			payBadRequest(w, "INVALID_AUTOMATIC_PIX_PAYMENT", "date must be between D+2 ("+lo+") and D+10 ("+hi+")")
			return
		}
		recipient := pr.recipientID
		if b.RecipientID != "" {
			if !st.checkRefsLocked(w, b.RecipientID, "") {
				return
			}
			recipient = b.RecipientID
		}
		p := &fakeAutoPixPayment{id: s.newID(), status: "CREATED", amount: b.Amount.String(), description: b.Description, date: b.Date,
			clientPaymentID: b.ClientPaymentID, recipientID: recipient, attempts: []map[string]any{}}
		pr.autoPayments = append(pr.autoPayments, p)
		st.emitLocked(Event{Type: "automatic_pix_payment/created", Payload: map[string]any{"automaticPixPaymentId": p.id, "paymentRequestId": pr.id}})
		writeJSON(w, http.StatusOK, p.json())
	})
	s.payRoute("GET /payments/requests/{id}/automatic-pix/schedules", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := autoPixRequest(st, w, r.PathValue("id"))
		if !ok {
			return
		}
		out := []map[string]any{}
		for _, p := range pr.autoPayments {
			out = append(out, p.json())
		}
		writePage(w, out, 1, len(out), 1)
	})
	s.payRoute("GET /payments/requests/{requestId}/automatic-pix/schedules/{paymentId}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := autoPixRequest(st, w, r.PathValue("requestId"))
		if !ok {
			return
		}
		p, ok := autoPixPayment(w, pr, r.PathValue("paymentId"))
		if !ok {
			return
		}
		m := p.json()
		m["scheduledStatusReached"] = p.status != "CREATED"
		writeJSON(w, http.StatusOK, m)
	})
	s.payRoute("POST /payments/requests/{id}/automatic-pix/cancel", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := autoPixRequest(st, w, r.PathValue("id"))
		if !ok {
			return
		}
		if pr.status == prCanceled {
			payBadRequest(w, "AUTOMATIC_PIX_ALREADY_CANCELED", "The automatic PIX consent is already canceled")
			return
		}
		for _, p := range pr.autoPayments {
			if p.status == "CREATED" || p.status == "SCHEDULED" {
				p.status = "CANCELED"
				st.emitLocked(Event{Type: "automatic_pix_payment/canceled", Payload: map[string]any{"automaticPixPaymentId": p.id, "paymentRequestId": pr.id}})
			}
		}
		st.setRequestStatusLocked(pr, prCanceled, now)
		payNoContent(w)
	})
	s.payRoute("POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/cancel", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := autoPixRequest(st, w, r.PathValue("id"))
		if !ok {
			return
		}
		p, ok := autoPixPayment(w, pr, r.PathValue("scheduleId"))
		if !ok {
			return
		}
		if p.status != "CREATED" && p.status != "SCHEDULED" {
			payBadRequest(w, "AUTOMATIC_PIX_PAYMENT_NOT_CANCELABLE", "Only CREATED or SCHEDULED payments can be canceled, this one is "+p.status)
			return
		}
		p.status = "CANCELED"
		st.emitLocked(Event{Type: "automatic_pix_payment/canceled", Payload: map[string]any{"automaticPixPaymentId": p.id, "paymentRequestId": pr.id}})
		payNoContent(w)
	})
	s.payRoute("POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/retry", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := autoPixRequest(st, w, r.PathValue("id"))
		if !ok {
			return
		}
		p, ok := autoPixPayment(w, pr, r.PathValue("scheduleId"))
		if !ok {
			return
		}
		var b struct {
			Date string `json:"date"`
		}
		if !payDecode(w, r, &b) {
			return
		}
		orig, _ := time.Parse(time.DateOnly, p.date)
		switch {
		case p.status != "ERROR":
			payBadRequest(w, "AUTOMATIC_PIX_PAYMENT_NOT_RETRYABLE", "Only payments in ERROR can be retried, this one is "+p.status)
		case !pr.autoPix.retry:
			payBadRequest(w, "AUTOMATIC_PIX_RETRY_NOT_ACCEPTED", "The consent does not accept retries")
		case len(p.attempts) > 3:
			payBadRequest(w, "LIMITE_TENTATIVAS_EXCEDIDO", "The payment was already retried 3 times")
		case b.Date <= payToday(now) || b.Date > orig.AddDate(0, 0, 7).Format(time.DateOnly):
			payBadRequest(w, "FORA_PRAZO_PERMITIDO", "date must be after today and within 7 days of the payment's date")
		default:
			p.status = "SCHEDULED"
			p.attempts = append(p.attempts, map[string]any{"id": s.newID(), "status": "IN_PROGRESS", "date": b.Date})
			payNoContent(w)
		}
	})
}

func (s *Server) setupPaymentSchedules() {
	scheduled := func(st *payState, w http.ResponseWriter, id string) (*fakeRequest, bool) {
		pr, ok := st.requests.get(id)
		if !ok {
			payNotFound(w, "payment request")
			return nil, false
		}
		if len(pr.schedule) == 0 {
			payBadRequest(w, "PAYMENT_REQUEST_NOT_SCHEDULED", "The payment request has no schedule")
			return nil, false
		}
		return pr, true
	}
	cancel := func(st *payState, pr *fakeRequest, sp *fakeSchedulePayment) {
		sp.status = "CANCELED"
		st.emitLocked(Event{Type: "scheduled_payment/canceled", Payload: map[string]any{"paymentRequestId": pr.id, "scheduledPaymentId": sp.id}})
	}
	s.payRoute("GET /payments/requests/{id}/schedules", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := st.requests.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "payment request")
			return
		}
		out := []map[string]any{}
		for _, sp := range pr.schedulePayments {
			out = append(out, sp.json())
		}
		writePage(w, out, 1, len(out), 1)
	})
	s.payRoute("POST /payments/requests/{id}/schedules/cancel", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := scheduled(st, w, r.PathValue("id"))
		if !ok {
			return
		}
		if pr.status == prCanceled || pr.status == prCompleted {
			payBadRequest(w, "PAYMENT_SCHEDULE_NOT_CANCELABLE", "The schedule is "+pr.status)
			return
		}
		for _, sp := range pr.schedulePayments {
			if sp.status == "SCHEDULED" {
				cancel(st, pr, sp)
			}
		}
		st.setRequestStatusLocked(pr, prCanceled, now)
		payNoContent(w)
	})
	s.payRoute("POST /payments/requests/{id}/schedules/{scheduleId}/cancel", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := scheduled(st, w, r.PathValue("id"))
		if !ok {
			return
		}
		for _, sp := range pr.schedulePayments {
			if sp.id != r.PathValue("scheduleId") {
				continue
			}
			if sp.status != "SCHEDULED" {
				payBadRequest(w, "PAYMENT_SCHEDULE_NOT_CANCELABLE", "Only SCHEDULED payments can be canceled, this one is "+sp.status)
				return
			}
			cancel(st, pr, sp)
			st.settleSchedulesLocked(s, pr, payToday(now), now)
			payNoContent(w)
			return
		}
		payNotFound(w, "scheduled payment")
	})
}

func (s *Server) setupPaymentIntents() {
	s.payRoute("POST /payments/intents", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b struct {
			PaymentRequestID string `json:"paymentRequestId"`
			Parameters       *struct {
				CPF  string `json:"cpf"`
				CNPJ string `json:"cnpj"`
				Name string `json:"name"`
			} `json:"parameters"`
			ConnectorID   *int   `json:"connectorId"`
			PaymentMethod string `json:"paymentMethod"`
			IsDynamicPix  bool   `json:"isDynamicPix"`
		}
		if !payDecode(w, r, &b) {
			return
		}
		pr, ok := st.requests.get(b.PaymentRequestID)
		if !ok {
			payBadRequest(w, "PAYMENT_REQUEST_NOT_FOUND", "paymentRequestId does not match any payment request")
			return
		}
		if pr.status != prCreated && pr.status != prError {
			payBadRequest(w, "PAYMENT_REQUEST_ALREADY_IN_PROGRESS", "The payment request is "+pr.status)
			return
		}
		method := b.PaymentMethod
		if method == "" {
			method = "PIS"
		}
		pi := &fakeIntent{id: s.newID(), requestID: pr.id, method: method, dynamic: b.IsDynamicPix, created: now, updated: now, connectorID: 0}
		if b.ConnectorID != nil {
			pi.connectorID = *b.ConnectorID
		}
		if b.Parameters != nil {
			pi.payerCPF, pi.payerCNPJ, pi.payerName = payTax(b.Parameters.CPF), payTax(b.Parameters.CNPJ), b.Parameters.Name
		}
		switch {
		case method != "PIS" && method != "PIX":
			payBadRequest(w, "INVALID_PAYMENT_INTENT", "paymentMethod must be PIS or PIX")
			return
		case method == "PIS" && !payIsCPF(pi.payerCPF):
			payBadRequest(w, "PAYMENT_INTENT_INVALID_CPF", "parameters.cpf must be a CPF")
			return
		case pi.payerCNPJ != "" && !payIsCNPJ(pi.payerCNPJ):
			payBadRequest(w, "PAYMENT_INTENT_INVALID_CNPJ", "parameters.cnpj must be a CNPJ")
			return
		case pr.kind == kindAutomaticPix && strings.TrimSpace(pi.payerName) == "":
			payBadRequest(w, "INVALID_PAYMENT_INTENT", "parameters.name is required for automatic PIX")
			return
		}
		pi.errCode = st.reject[pi.payerCPF]
		switch {
		case method == "PIX":
			pi.path = []string{piStarted, piPending, piCompleted}
		case pi.errCode != "" && payConsentFailures[pi.errCode]:
			pi.path = []string{piStarted, piAwaiting, piConsentRejected}
		case len(pr.schedule) > 0 || pr.kind == kindAutomaticPix:
			pi.path = []string{piStarted, piAwaiting, piAuthorized}
		case pi.errCode != "":
			pi.path = []string{piStarted, piAwaiting, piAuthorized, piPending, piPaymentRejected}
		default:
			pi.path = []string{piStarted, piAwaiting, piAuthorized, piPending, piSettling, piCompleted}
		}
		if pi.errCode != "" && (len(pr.schedule) > 0 || pr.kind == kindAutomaticPix) && !payConsentFailures[pi.errCode] {
			// Scheduled and recurring payments fail on their dates instead.
			pi.path = []string{piStarted, piAwaiting, piAuthorized}
		}
		pr.errorDetail = nil
		st.intents.put(pi.id, pi)
		st.emitLocked(Event{Type: "payment_intent/created", Payload: map[string]any{"paymentIntentId": pi.id, "paymentRequestId": pr.id}})
		st.setRequestStatusLocked(pr, prInProgress, now)
		writeJSON(w, http.StatusOK, st.intentJSON(pi))
	})
	s.payRoute("GET /payments/intents", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("paymentRequestId")
		if id == "" {
			payBadRequest(w, "INVALID_REQUEST", "paymentRequestId is required")
			return
		}
		out := []map[string]any{}
		for _, pi := range st.intents.list() {
			if pi.requestID == id {
				out = append(out, st.intentJSON(pi))
			}
		}
		writePage(w, out, 1, len(out), 1)
	})
	s.payRoute("GET /payments/intents/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pi, ok := st.intents.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "payment intent")
			return
		}
		pi.polls++
		st.moveIntentLocked(s, pi, now)
		writeJSON(w, http.StatusOK, st.intentJSON(pi))
	})
}

func (s *Server) setupSmartTransfers() {
	s.payRoute("GET /smart-transfers/preauthorizations", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var out []map[string]any
		for _, p := range st.preauths.list() {
			out = append(out, st.preauthJSON(p))
		}
		payPage(w, r, out)
	})
	s.payRoute("POST /smart-transfers/preauthorizations", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b struct {
			ConnectorID *int `json:"connectorId"`
			Parameters  struct {
				CPF  string `json:"cpf"`
				CNPJ string `json:"cnpj"`
			} `json:"parameters"`
			RecipientIDs             []string        `json:"recipientIds"`
			CallbackURLs             map[string]any  `json:"callbackUrls"`
			ClientPreauthorizationID string          `json:"clientPreauthorizationId"`
			Configuration            json.RawMessage `json:"configuration"`
		}
		if !payDecode(w, r, &b) {
			return
		}
		const code = "INVALID_PREAUTHORIZATION"
		switch {
		case b.ConnectorID == nil:
			payBadRequest(w, code, "connectorId is required")
			return
		case !payIsCPF(payTax(b.Parameters.CPF)):
			payBadRequest(w, code, "parameters.cpf must be a CPF")
			return
		case b.Parameters.CNPJ != "" && !payIsCNPJ(payTax(b.Parameters.CNPJ)):
			payBadRequest(w, code, "parameters.cnpj must be a CNPJ")
			return
		case len(b.RecipientIDs) == 0:
			payBadRequest(w, code, "recipientIds must not be empty")
			return
		}
		for _, id := range b.RecipientIDs {
			if !st.checkRefsLocked(w, id, "") {
				return
			}
		}
		p := &fakePreauth{id: s.newID(), status: "CREATED", cpf: payTax(b.Parameters.CPF), cnpj: payTax(b.Parameters.CNPJ),
			clientID: b.ClientPreauthorizationID, connectorID: *b.ConnectorID, recipientIDs: b.RecipientIDs, callbackURLs: b.CallbackURLs,
			created: now, updated: now}
		if len(b.Configuration) > 0 && string(b.Configuration) != "null" {
			p.configuration = b.Configuration
		}
		st.preauths.put(p.id, p)
		writeJSON(w, http.StatusOK, st.preauthJSON(p))
	})
	s.payRoute("GET /smart-transfers/preauthorizations/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		p, ok := st.preauths.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "preauthorization")
			return
		}
		out := st.preauthJSON(p)
		if p.status == "CREATED" {
			// The payer authorises after the first look.
			st.completePreauthLocked(p, now)
		}
		writeJSON(w, http.StatusOK, out)
	})
	s.payRoute("GET /smart-transfers/preauthorizations/{id}/payments", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if _, ok := st.preauths.get(id); !ok {
			payNotFound(w, "preauthorization")
			return
		}
		q := r.URL.Query()
		var out []map[string]any
		list := st.stPayments.list()
		for i := len(list) - 1; i >= 0; i-- { // newest first
			p := list[i]
			day := payToday(p.created)
			if p.preauthID != id || (q.Get("from") != "" && day < q.Get("from")) || (q.Get("to") != "" && day > q.Get("to")) {
				continue
			}
			out = append(out, st.stPaymentJSON(p))
		}
		payPage(w, r, out)
	})
	s.payRoute("POST /smart-transfers/payments", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b struct {
			PreauthorizationID string      `json:"preauthorizationId"`
			RecipientID        string      `json:"recipientId"`
			Amount             json.Number `json:"amount"`
			Description        string      `json:"description"`
			ClientPaymentID    string      `json:"clientPaymentId"`
		}
		if !payDecode(w, r, &b) {
			return
		}
		p, ok := st.preauths.get(b.PreauthorizationID)
		if !ok {
			payBadRequest(w, "PREAUTHORIZATION_NOT_FOUND", "preauthorizationId does not match any preauthorization")
			return
		}
		if p.status != "COMPLETED" {
			payBadRequest(w, "PREAUTHORIZATION_NOT_COMPLETED", "The preauthorization is "+p.status)
			return
		}
		allowed := false
		for _, id := range p.recipientIDs {
			allowed = allowed || id == b.RecipientID
		}
		if !allowed {
			payBadRequest(w, "RECIPIENT_NOT_PREAUTHORIZED", "recipientId is not one of the preauthorization's recipients")
			return
		}
		amount, ok := payAmount(b.Amount)
		if !ok {
			payBadRequest(w, "INVALID_SMART_TRANSFER_PAYMENT", "amount must be greater than 0")
			return
		}
		var cfg struct {
			TransactionLimit json.Number `json:"transactionLimit"`
		}
		if len(p.configuration) > 0 && json.Unmarshal(p.configuration, &cfg) == nil && cfg.TransactionLimit != "" {
			if limit, ok := new(big.Rat).SetString(cfg.TransactionLimit.String()); ok && amount.Cmp(limit) > 0 {
				payBadRequest(w, "LIMITE_VALOR_TRANSACAO_CONSENTIMENTO_EXCEDIDO", "amount is above the preauthorization's transactionLimit")
				return
			}
		}
		pay := &fakeSTPayment{id: s.newID(), preauthID: p.id, status: piPending, amount: b.Amount.String(), description: b.Description,
			recipientID: b.RecipientID, clientPaymentID: b.ClientPaymentID, created: now, updated: now}
		st.stPayments.put(pay.id, pay)
		writeJSON(w, http.StatusOK, st.stPaymentJSON(pay))
	})
	s.payRoute("GET /smart-transfers/payments/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		p, ok := st.stPayments.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "smart transfer payment")
			return
		}
		out := st.stPaymentJSON(p)
		if p.status == piPending {
			st.completeSTPaymentLocked(p, now)
		}
		writeJSON(w, http.StatusOK, out)
	})
}

func (s *Server) setupBoletos() {
	s.payRoute("POST /boleto-connections", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b struct {
			ConnectorID int               `json:"connectorId"`
			Credentials map[string]string `json:"credentials"`
		}
		if !payDecode(w, r, &b) {
			return
		}
		if b.ConnectorID < 1 || len(b.Credentials) == 0 {
			payBadRequest(w, "INVALID_BOLETO_CONNECTION", "connectorId and credentials are required")
			return
		}
		c := &fakeBoletoConnection{id: s.newID(), connectorID: b.ConnectorID, created: now}
		st.connections.put(c.id, c)
		writeJSON(w, http.StatusOK, c.json())
	})
	s.payRoute("POST /boleto-connections/from-item", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b struct {
			ItemID string `json:"itemId"`
		}
		if !payDecode(w, r, &b) {
			return
		}
		if b.ItemID == "" {
			payBadRequest(w, "INVALID_BOLETO_CONNECTION", "itemId is required")
			return
		}
		c := &fakeBoletoConnection{id: s.newID(), connectorID: 225, created: now}
		st.connections.put(c.id, c)
		writeJSON(w, http.StatusOK, c.json())
	})
	s.payRoute("POST /boletos", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		var b struct {
			BoletoConnectionID string `json:"boletoConnectionId"`
			Boleto             struct {
				SeuNumero string          `json:"seuNumero"`
				Amount    json.Number     `json:"amount"`
				DueDate   time.Time       `json:"dueDate"`
				Payer     map[string]any  `json:"payer"`
				Fine      json.RawMessage `json:"fine"`
				Interest  json.RawMessage `json:"interest"`
			} `json:"boleto"`
		}
		if !payDecode(w, r, &b) {
			return
		}
		const code = "INVALID_BOLETO"
		if _, ok := st.connections.get(b.BoletoConnectionID); !ok {
			payBadRequest(w, "BOLETO_CONNECTION_NOT_FOUND", "boletoConnectionId does not match any boleto connection")
			return
		}
		bo := b.Boleto
		amount, ok := payAmount(bo.Amount)
		switch {
		case !ok || amount.Cmp(big.NewRat(5, 2)) < 0:
			payBadRequest(w, code, "boleto.amount must be at least 2.50")
			return
		case bo.SeuNumero == "" || len([]rune(bo.SeuNumero)) > 10:
			payBadRequest(w, code, "boleto.seuNumero must have 1 to 10 characters")
			return
		case bo.DueDate.IsZero() || payToday(bo.DueDate) < payToday(now):
			payBadRequest(w, code, "boleto.dueDate must be today or later")
			return
		}
		for _, k := range []string{"taxNumber", "name", "addressState", "addressZipCode"} {
			if v, _ := bo.Payer[k].(string); v == "" {
				payBadRequest(w, code, "boleto.payer."+k+" is required")
				return
			}
		}
		payer := map[string]any{}
		for k, v := range bo.Payer {
			payer[k] = v
		}
		tax := payTax(payer["taxNumber"].(string))
		if !payIsCPF(tax) && !payIsCNPJ(tax) {
			payBadRequest(w, code, "boleto.payer.taxNumber must be a CPF or a CNPJ")
			return
		}
		payer["taxNumber"] = tax
		payer["personType"] = map[bool]string{true: "FISICA", false: "JURIDICA"}[len(tax) == 11]
		bol := &fakeBoleto{id: s.newID(), connectionID: b.BoletoConnectionID, status: "OPEN", amount: bo.Amount.String(), seuNumero: bo.SeuNumero,
			due: bo.DueDate.UTC(), payer: payer, created: now, nossoNumero: fmt.Sprintf("%011d", len(st.boletos.order)+10234567890)}
		if len(bo.Fine) > 0 && string(bo.Fine) != "null" {
			bol.fine = bo.Fine
		}
		if len(bo.Interest) > 0 && string(bo.Interest) != "null" {
			bol.interest = bo.Interest
		}
		st.boletos.put(bol.id, bol)
		writeJSON(w, http.StatusOK, bol.json())
	})
	s.payRoute("POST /boletos/{id}/cancel", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		b, ok := st.boletos.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "boleto")
			return
		}
		if b.status != "OPEN" && b.status != "OVERDUE" {
			payBadRequest(w, "BOLETO_NOT_CANCELABLE", "The boleto is "+b.status)
			return
		}
		b.status = "CANCELLED"
		st.emitLocked(Event{Type: "boleto/updated", Payload: map[string]any{"boletoId": b.id, "status": b.status}})
		writeJSON(w, http.StatusOK, b.json())
	})
	s.payRoute("GET /boletos/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		b, ok := st.boletos.get(r.PathValue("id"))
		if !ok {
			payNotFound(w, "boleto")
			return
		}
		writeJSON(w, http.StatusOK, b.json())
	})
}
