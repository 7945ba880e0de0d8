package pluggytest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

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
	payGetRoute(s, "GET /payments/recipients/{id}", func(st *payState) *payStore[*fakeRecipient] { return st.recipients }, "payment recipient",
		(*payState).recipientJSON)
	s.payRoute("PATCH /payments/recipients/{id}", func(st *payState, now time.Time, w http.ResponseWriter, r *http.Request) {
		rc, ok := st.recipients.find(w, r.PathValue("id"), "payment recipient")
		if !ok {
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
		if !st.recipients.remove(w, r.PathValue("id"), "payment recipient") {
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
	payGetRoute(s, "GET /payments/recipients/institutions/{id}", func(st *payState) *payStore[*fakeInstitution] { return st.institutions }, "payment institution",
		func(_ *payState, in *fakeInstitution) map[string]any { return in.json() })
}
