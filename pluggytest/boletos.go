package pluggytest

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"time"
)

// PayBoleto marks an open boleto paid through origin ("PIX" or "BOLETO"), as
// its payer would, and emits boleto/updated. It fails for another origin, an
// unknown boleto or one that is not OPEN or OVERDUE. Like every payment
// request, it first moves the payments on to the server's time and emits
// what that produced.
func (s *Server) PayBoleto(id, origin string) error {
	if origin != "PIX" && origin != "BOLETO" {
		return fmt.Errorf("pluggytest: PayBoleto: origin %q is not PIX or BOLETO", origin)
	}
	var err error
	s.servePayments(func(st *payState, now time.Time) {
		b, ok := st.boletos.get(id)
		switch {
		case !ok:
			err = fmt.Errorf("pluggytest: PayBoleto: no boleto %q", id)
		case b.status != "OPEN" && b.status != "OVERDUE":
			err = fmt.Errorf("pluggytest: PayBoleto: boleto %s is %s; only OPEN or OVERDUE boletos can be paid", id, b.status)
		default:
			b.status, b.paidAt, b.amountPaid, b.origin = "PAID", now, b.amount, origin
			st.emitLocked(Event{Type: "boleto/updated", Payload: map[string]any{"boletoId": b.id, "status": b.status}})
		}
	})
	return err
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
			due: bo.DueDate.UTC(), payer: payer, created: now, nossoNumero: fmt.Sprintf("%011d", int64(len(st.boletos.order))+10234567890)}
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
		b, ok := st.boletos.find(w, r.PathValue("id"), "boleto")
		if !ok {
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
	payGetRoute(s, "GET /boletos/{id}", func(st *payState) *payStore[*fakeBoleto] { return st.boletos }, "boleto",
		func(_ *payState, b *fakeBoleto) map[string]any { return b.json() })
}
