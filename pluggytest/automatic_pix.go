package pluggytest

import (
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"time"
)

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
	// autoPixPayment finds the automatic PIX request named by the path value
	// reqKey and its payment named by payKey, answering 404 for either.
	autoPixPayment := func(st *payState, w http.ResponseWriter, r *http.Request, reqKey, payKey string) (*fakeRequest, *fakeAutoPixPayment, bool) {
		pr, ok := autoPixRequest(st, w, r.PathValue(reqKey))
		if !ok {
			return nil, nil, false
		}
		id := r.PathValue(payKey)
		for _, p := range pr.autoPayments {
			if p.id == id {
				return pr, p, true
			}
		}
		payNotFound(w, "automatic pix payment")
		return nil, nil, false
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
		payWholePage(w, pr.autoPayments)
	})
	s.payRoute("GET /payments/requests/{requestId}/automatic-pix/schedules/{paymentId}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		_, p, ok := autoPixPayment(st, w, r, "requestId", "paymentId")
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
		pr, p, ok := autoPixPayment(st, w, r, "id", "scheduleId")
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
		pr, p, ok := autoPixPayment(st, w, r, "id", "scheduleId")
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
