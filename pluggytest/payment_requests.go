package pluggytest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

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

func (st *payState) setRequestStatusLocked(r *fakeRequest, status string, now time.Time) {
	if r.status == status {
		return
	}
	r.status, r.updated = status, now
	st.emitLocked(Event{Type: "payment_request/updated", Payload: map[string]any{
		"paymentRequestId": r.id, "data": map[string]any{"status": status}}})
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
	payGetRoute(s, "GET /payments/requests/{id}", func(st *payState) *payStore[*fakeRequest] { return st.requests }, "payment request",
		(*payState).requestJSON)
	s.payRoute("PATCH /payments/requests/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		pr, ok := st.requests.find(w, r.PathValue("id"), "payment request")
		if !ok {
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
		if !st.requests.remove(w, id, "payment request") {
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
