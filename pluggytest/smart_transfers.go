package pluggytest

import (
	"encoding/json"
	"math/big"
	"net/http"
	"time"
)

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
		p, ok := st.preauths.find(w, r.PathValue("id"), "preauthorization")
		if !ok {
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
		p, ok := st.stPayments.find(w, r.PathValue("id"), "smart transfer payment")
		if !ok {
			return
		}
		out := st.stPaymentJSON(p)
		if p.status == piPending {
			st.completeSTPaymentLocked(p, now)
		}
		writeJSON(w, http.StatusOK, out)
	})
}
