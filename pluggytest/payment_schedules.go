package pluggytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"
)

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
		pr, ok := st.requests.find(w, r.PathValue("id"), "payment request")
		if !ok {
			return
		}
		payWholePage(w, pr.schedulePayments)
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
