package pluggytest

import (
	"net/http"
	"strings"
	"time"
)

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
	payGetRoute(s, "GET /payments/customers/{id}", func(st *payState) *payStore[*fakeCustomer] { return st.customers }, "payment customer",
		func(_ *payState, c *fakeCustomer) map[string]any { return c.json() })
	s.payRoute("PATCH /payments/customers/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		c, ok := st.customers.find(w, r.PathValue("id"), "payment customer")
		if !ok {
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
		if !st.customers.remove(w, r.PathValue("id"), "payment customer") {
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
