package pluggytest

import (
	"net/http"
	"strings"
	"time"
)

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
		pi, ok := st.intents.find(w, r.PathValue("id"), "payment intent")
		if !ok {
			return
		}
		pi.polls++
		st.moveIntentLocked(s, pi, now)
		writeJSON(w, http.StatusOK, st.intentJSON(pi))
	})
}
