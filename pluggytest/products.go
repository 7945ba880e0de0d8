package pluggytest

import (
	"net/http"
	"time"
)

// The products of a connected item besides accounts and transactions:
// bills, investments and their transactions, identity, loans and consents.

// bill is a closed credit card bill: the purchases dated in (openDate,
// closeDate].
type bill struct {
	id, itemID, accountID        string
	openDate, closeDate, dueDate time.Time
	total                        int64
	paid                         bool
	chargeID, paymentID          string
}

// addBills closes the last three monthly bills of a credit card (closing
// on the 5th, due on the 15th).
func (s *Server) addBills(b *bankState, a *account, at time.Time) {
	month := time.Date(at.Year(), at.Month(), 5, 0, 0, 0, 0, time.UTC)
	if month.After(at) {
		month = month.AddDate(0, -1, 0)
	}
	for k := 2; k >= 0; k-- {
		closeDate := month.AddDate(0, -k, 0)
		bl := &bill{id: s.newID(), itemID: a.itemID, accountID: a.id, openDate: closeDate.AddDate(0, -1, 0),
			closeDate: closeDate, dueDate: closeDate.AddDate(0, 0, 10), chargeID: s.newID(), paymentID: s.newID()}
		lo, hi := a.firstFrom(bl.openDate.Add(time.Millisecond)), a.endAt(bl.closeDate)
		if hi > lo {
			bl.total = -(a.debitsTo(hi-1) - a.debitsTo(lo-1))
		}
		bl.paid = !bl.dueDate.After(at)
		b.bills[bl.id] = bl
		a.bills = append(a.bills, bl)
	}
}

// billOf returns the bill a purchase dated t belongs to, nil when none.
func (a *account) billOf(t time.Time) *bill {
	for _, bl := range a.bills {
		if t.After(bl.openDate) && !t.After(bl.closeDate) {
			return bl
		}
	}
	return nil
}

type billJSON struct {
	ID                      string              `json:"id"`
	AccountID               string              `json:"accountId"`
	DueDate                 string              `json:"dueDate"`
	BillClosingDate         *string             `json:"billClosingDate"`
	TotalAmount             money               `json:"totalAmount"`
	TotalAmountCurrencyCode string              `json:"totalAmountCurrencyCode"`
	MinimumPaymentAmount    money               `json:"minimumPaymentAmount"`
	AllowsInstallments      bool                `json:"allowsInstallments"`
	FinanceCharges          []financeChargeJSON `json:"financeCharges"`
	Payments                []billPaymentJSON   `json:"payments"`
}

type financeChargeJSON struct {
	ID               string `json:"id"`
	CreditCardBillID string `json:"creditCardBillId"`
	Type             string `json:"type"`
	Amount           money  `json:"amount"`
	CurrencyCode     string `json:"currencyCode"`
	AdditionalInfo   string `json:"additionalInfo,omitempty"`
}

type billPaymentJSON struct {
	ID           string `json:"id"`
	ValueType    string `json:"valueType"`
	PaymentDate  string `json:"paymentDate"`
	PaymentMode  string `json:"paymentMode"`
	Amount       money  `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

func (bl *bill) json() billJSON {
	out := billJSON{ID: bl.id, AccountID: bl.accountID, DueDate: fmtTime(bl.dueDate), BillClosingDate: timePtr(&bl.closeDate),
		TotalAmount: money(bl.total), TotalAmountCurrencyCode: "BRL", MinimumPaymentAmount: money(bl.total * 15 / 100),
		AllowsInstallments: bl.total >= 10000,
		FinanceCharges: []financeChargeJSON{{ID: bl.chargeID, CreditCardBillID: bl.id, Type: "IOF", Amount: money(bl.total * 38 / 10000),
			CurrencyCode: "BRL", AdditionalInfo: "IOF sobre compras parceladas"}},
		Payments: []billPaymentJSON{}}
	if bl.paid {
		out.Payments = append(out.Payments, billPaymentJSON{ID: bl.paymentID, ValueType: "FULL_PAYMENT",
			PaymentDate: fmtTime(bl.dueDate.AddDate(0, 0, -2)), PaymentMode: "PIX", Amount: money(bl.total), CurrencyCode: "BRL"})
	}
	return out
}

// investment is one investment of an item, with its transactions.
type investment struct {
	id, itemID string
	body       investmentJSON
	txs        []investmentTxJSON
}

type investmentJSON struct {
	ID                   string   `json:"id"`
	ItemID               string   `json:"itemId"`
	Type                 string   `json:"type"`
	Subtype              string   `json:"subtype"`
	Number               *string  `json:"number"`
	Balance              money    `json:"balance"`
	Name                 string   `json:"name"`
	LastMonthRate        *float64 `json:"lastMonthRate,omitempty"`
	LastTwelveMonthsRate *float64 `json:"lastTwelveMonthsRate,omitempty"`
	AnnualRate           *float64 `json:"annualRate,omitempty"`
	CurrencyCode         string   `json:"currencyCode"`
	Code                 *string  `json:"code"`
	ISIN                 *string  `json:"isin,omitempty"`
	Value                *float64 `json:"value,omitempty"`
	Quantity             *float64 `json:"quantity,omitempty"`
	Amount               money    `json:"amount"`
	Taxes                *money   `json:"taxes"`
	Taxes2               *money   `json:"taxes2"`
	Date                 string   `json:"date"`
	Owner                string   `json:"owner"`
	AmountProfit         *money   `json:"amountProfit"`
	AmountWithdrawal     *money   `json:"amountWithdrawal"`
	AmountOriginal       *money   `json:"amountOriginal"`
	DueDate              *string  `json:"dueDate,omitempty"`
	Issuer               *string  `json:"issuer,omitempty"`
	IssuerCNPJ           *string  `json:"issuerCNPJ,omitempty"`
	IssueDate            *string  `json:"issueDate,omitempty"`
	PurchaseDate         *string  `json:"purchaseDate,omitempty"`
	Rate                 *float64 `json:"rate,omitempty"`
	RateType             *string  `json:"rateType,omitempty"`
	FixedAnnualRate      *float64 `json:"fixedAnnualRate,omitempty"`
	TaxExempt            *bool    `json:"taxExempt,omitempty"`
	Status               string   `json:"status"`
}

type investmentTxJSON struct {
	ID           string        `json:"id"`
	Type         string        `json:"type"`
	MovementType string        `json:"movementType"`
	Quantity     *float64      `json:"quantity,omitempty"`
	Value        *float64      `json:"value,omitempty"`
	Amount       money         `json:"amount"`
	Date         string        `json:"date"`
	TradeDate    string        `json:"tradeDate"`
	Expenses     *expensesJSON `json:"expenses,omitempty"`
}

type expensesJSON struct {
	BrokerageFee     money `json:"brokerageFee"`
	IncomeTax        money `json:"incomeTax"`
	SettlementFee    money `json:"settlementFee"`
	StockExchangeFee money `json:"stockExchangeFee"`
}

func fptr(f float64) *float64 { return &f }
func sptr(s string) *string   { return &s }
func bptr(v bool) *bool       { return &v }

// addInvestments gives an item a CDB, a treasury bond, a fund and a stock,
// each with its transactions.
func (s *Server) addInvestments(b *bankState, it *itemState, at time.Time) {
	day := func(y int, m time.Month, d int) *string {
		return sptr(fmtTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)))
	}
	bought := at.AddDate(-2, 0, 0).Truncate(24 * time.Hour)
	owner := "Maria Aparecida da Silva"
	invs := []investmentJSON{
		{Type: "FIXED_INCOME", Subtype: "CDB", Number: sptr("CDB-0001234"), Name: "CDB Pluggy Bank 110% CDI - Venc. 05/2028",
			Balance: 1523456, Amount: 1523456, Taxes: moneyPtr(34444), Taxes2: moneyPtr(0), AmountOriginal: moneyPtr(1300000),
			AmountProfit: moneyPtr(223456), AmountWithdrawal: moneyPtr(1489012), Code: sptr("CDB224A1B2C"),
			LastMonthRate: fptr(0.98), LastTwelveMonthsRate: fptr(12.1), AnnualRate: fptr(12.1),
			DueDate: day(2028, 5, 15), Issuer: sptr("Pluggy Bank S.A."), IssuerCNPJ: sptr(formatCNPJ(merchantTable[8].cnpj)),
			IssueDate: sptr(fmtTime(bought)), PurchaseDate: sptr(fmtTime(bought)), Rate: fptr(110), RateType: sptr("CDI"),
			TaxExempt: bptr(false)},
		{Type: "FIXED_INCOME", Subtype: "TREASURY", Number: nil, Name: "Tesouro IPCA+ 2035", Code: sptr("NTN-B 2035"),
			Quantity: fptr(1.52), Value: fptr(2981.4), Balance: 453173, Amount: 453173, Taxes: moneyPtr(8120), Taxes2: moneyPtr(0),
			AmountOriginal: moneyPtr(400000), AmountProfit: moneyPtr(53173), AmountWithdrawal: moneyPtr(445053),
			DueDate: day(2035, 5, 15), Issuer: sptr("Tesouro Nacional"), PurchaseDate: sptr(fmtTime(bought.AddDate(0, 3, 0))),
			RateType: sptr("IPCA"), FixedAnnualRate: fptr(6.12), TaxExempt: bptr(false), AnnualRate: fptr(10.4)},
		{Type: "MUTUAL_FUND", Subtype: "MULTIMARKET_FUND", Number: nil, Name: "Pluggy Multimercado FIC FIM",
			Code: sptr(formatCNPJ(merchantTable[9].cnpj)), Quantity: fptr(1234.56789), Value: fptr(4.123456),
			Balance: 509063, Amount: 509063, Taxes: moneyPtr(2310), Taxes2: moneyPtr(0), AmountOriginal: moneyPtr(480000),
			AmountProfit: moneyPtr(29063), AmountWithdrawal: moneyPtr(506753), LastMonthRate: fptr(0.87),
			LastTwelveMonthsRate: fptr(11.2), AnnualRate: fptr(11.2)},
		{Type: "EQUITY", Subtype: "STOCK", Number: nil, Name: "PETROBRAS PN", Code: sptr("PETR4"), ISIN: sptr("BRPETRACNPR6"),
			Quantity: fptr(200), Value: fptr(38.45), Balance: 769000, Amount: 769000, Taxes: nil, Taxes2: nil,
			AmountOriginal: moneyPtr(652000), AmountProfit: moneyPtr(117000), AmountWithdrawal: nil},
	}
	for _, body := range invs {
		inv := &investment{id: s.newID(), itemID: it.id}
		body.ID, body.ItemID, body.CurrencyCode, body.Owner, body.Status = inv.id, it.id, "BRL", owner, "ACTIVE"
		body.Date = fmtTime(at)
		inv.body = body
		if contains(it.products, "INVESTMENTS_TRANSACTIONS") {
			inv.txs = s.investmentTransactions(body, bought)
		}
		b.investments[inv.id] = inv
	}
}

// investmentTransactions are the purchases, income and taxes of an
// investment: a buy, then a monthly movement for a year.
func (s *Server) investmentTransactions(inv investmentJSON, bought time.Time) []investmentTxJSON {
	orig := int64(0)
	if inv.AmountOriginal != nil {
		orig = int64(*inv.AmountOriginal)
	}
	txs := []investmentTxJSON{{ID: s.newID(), Type: "BUY", MovementType: "CREDIT", Amount: money(orig),
		Date: fmtTime(bought), TradeDate: fmtTime(bought.AddDate(0, 0, 2))}}
	if inv.Quantity != nil && inv.Value != nil {
		txs[0].Quantity, txs[0].Value = inv.Quantity, fptr(float64(orig)/100 / *inv.Quantity)
	}
	if inv.Type == "EQUITY" {
		txs[0].Expenses = &expensesJSON{BrokerageFee: 490, SettlementFee: 163, StockExchangeFee: 32}
	}
	for m := 1; m <= 12; m++ {
		d := bought.AddDate(0, 2*m, 0)
		tx := investmentTxJSON{ID: s.newID(), Type: "INTEREST", MovementType: "CREDIT",
			Amount: money(orig * int64(80+m) / 10000), Date: fmtTime(d), TradeDate: fmtTime(d)}
		if m%4 == 0 {
			tx.Type, tx.MovementType = "TAX", "DEBIT"
			tx.Amount = money(orig * 15 / 10000)
			tx.Expenses = &expensesJSON{IncomeTax: tx.Amount}
		}
		txs = append(txs, tx)
	}
	return txs
}

// identity is the owner of an item.
type identity struct {
	id, itemID string
	business   bool
}

func (id *identity) json() map[string]any {
	out := map[string]any{
		"id": id.id, "itemId": id.itemID,
		"phoneNumbers": []map[string]any{{"type": "Personal", "value": "+55 11 98765-4321", "countryCallingCode": "55", "areaCode": "11"}},
		"emails":       []map[string]any{{"type": "Personal", "value": "maria.silva@exemplo.com.br"}},
		"addresses": []map[string]any{{"fullAddress": "Rua das Laranjeiras, 123, Apto 45, Laranjeiras, Rio de Janeiro - RJ, 22240-003",
			"primaryAddress": "Rua das Laranjeiras, 123", "city": "Rio de Janeiro", "postalCode": "22240-003", "state": "RJ",
			"country": "Brasil", "type": "Personal", "additionalInfo": "Apto 45", "district": "Laranjeiras",
			"ibgeTownCode": "3304557", "countryCode": "BRA"}},
		"relations": []map[string]any{{"type": "Mother", "name": "Ana Lúcia da Silva"}, {"type": "Spouse", "name": "José Carlos da Silva"}},
	}
	if id.business {
		out["fullName"] = "Padaria Pão Dourado LTDA"
		out["companyName"] = "Padaria Pão Dourado LTDA"
		out["document"] = "**.293.017/0001-**"
		out["documentType"] = "CNPJ"
		out["taxNumber"] = "**.293.017/0001-**"
		out["incorporationDate"] = fmtTime(time.Date(2012, 3, 14, 0, 0, 0, 0, time.UTC))
		out["parties"] = []map[string]any{{"type": "PARTNER", "personType": "NATURAL_PERSON", "documentType": "CPF",
			"documentNumber": "***.456.789-**", "civilName": "Maria Aparecida da Silva", "shareholding": 0.6}}
		return out
	}
	out["fullName"] = "Maria Aparecida da Silva"
	out["document"] = "***.456.789-**"
	out["documentType"] = "CPF"
	out["birthDate"] = fmtTime(time.Date(1988, 7, 21, 0, 0, 0, 0, time.UTC))
	out["jobTitle"] = "Analista de Sistemas"
	out["investorProfile"] = "Moderate"
	out["sex"] = "FEMALE"
	out["maritalStatus"] = map[string]any{"code": "MARRIED"}
	out["nationality"] = map[string]any{"hasBrazilianNationality": true}
	return out
}

// loan is a payroll loan of an item.
type loan struct {
	id, itemID   string
	contractDate time.Time
}

func (l *loan) json(now time.Time) map[string]any {
	first := l.contractDate.AddDate(0, 1, 0)
	paid := 0
	for d := first; !d.After(now) && paid < 48; d = d.AddDate(0, 1, 0) {
		paid++
	}
	return map[string]any{
		"id": l.id, "itemId": l.itemID, "contractNumber": "000000721792794", "ipocCode": "92792126019929279212650822221989319252576",
		"productName": "Crédito Pessoal Consignado", "type": "CREDITO_PESSOAL_COM_CONSIGNACAO", "kind": "LOAN",
		"date": fmtTime(now), "contractDate": fmtTime(l.contractDate),
		"disbursementDates": []string{l.contractDate.AddDate(0, 0, 2).Format(time.DateOnly)},
		"settlementDate":    fmtTime(l.contractDate.AddDate(0, 0, 2)), "contractAmount": money(2000000), "currencyCode": "BRL",
		"dueDate": fmtTime(first.AddDate(0, 47, 0)), "installmentPeriodicity": "MONTHLY",
		"firstInstallmentDueDate": fmtTime(first), "CET": 0.2915, "amortizationScheduled": "PRICE",
		"cnpjConsignee": formatCNPJ(merchantTable[9].cnpj),
		"interestRates": []map[string]any{{"taxType": "EFFECTIVE", "interestRateType": "COMPOUND", "taxPeriodicity": "YEARLY",
			"calculation": "21/252", "referentialRateIndexerType": "PRE_FIXADO", "preFixedRate": 0.2189, "postFixedRate": 0}},
		"contractedFees": []map[string]any{{"name": "Tarifa de cadastro", "code": "CADASTRO", "chargeType": "UNIQUE",
			"charge": "FIXED", "amount": money(45000)}},
		"contractedFinanceCharges": []map[string]any{{"type": "JUROS_REMUNERATORIOS_POR_ATRASO", "rate": 0.01}},
		"warranties":               []map[string]any{},
		"installments": map[string]any{"typeNumberOfInstallments": "MONTH", "totalNumberOfInstallments": 48,
			"typeContractRemaining": "MONTH", "contractRemainingNumber": 48 - paid, "paidInstallments": paid,
			"dueInstallments": 48 - paid, "pastDueInstallments": 0},
		"payments": map[string]any{"contractOutstandingBalance": money(int64(48-paid) * 64500), "releases": []map[string]any{}},
	}
}

// consent is the Open Finance consent of an item.
type consent struct {
	id, itemID           string
	products             []string
	createdAt, expiresAt time.Time
	revokedAt            *time.Time
}

func (c *consent) json() map[string]any {
	return map[string]any{"id": c.id, "itemId": c.itemID, "products": c.products,
		"openFinancePermissionsGranted": []string{"REGISTRATION_ALL", "ACCOUNTS_ALL", "CREDIT_CARDS_ALL",
			"CREDIT_OPERATIONS_ALL", "INVESTMENTS_ALL"},
		"createdAt": fmtTime(c.createdAt), "expiresAt": fmtTime(c.expiresAt), "revokedAt": timePtr(c.revokedAt)}
}

// Handlers.

func setupProducts(s *Server) {
	s.handle("GET /bills", s.listBills)
	s.handle("GET /bills/{id}", s.getBill)
	s.handle("GET /investments", s.listInvestments)
	s.handle("GET /investments/{id}", s.getInvestment)
	s.handle("GET /investments/{id}/transactions", s.listInvestmentTransactions)
	s.handle("GET /identity", s.findIdentity)
	s.handle("GET /identity/{id}", s.getIdentity)
	s.handle("GET /loans", s.listLoans)
	s.handle("GET /loans/{id}", s.getLoan)
	s.handle("GET /consents", s.listConsents)
	s.handle("GET /consents/{id}", s.getConsent)
}

func init() { registerFeature(setupProducts) }

// getOne answers what find returns for the request's {id}, or a 404 with
// codeDescription notFound ("<what> not found") when it returns nil.
func (s *Server) getOne(w http.ResponseWriter, r *http.Request, notFound, what string, find func(b *bankState, id string, now time.Time) any) {
	var out any
	s.withBank(func(b *bankState, now time.Time) { out = find(b, r.PathValue("id"), now) })
	if out == nil {
		writeError(w, http.StatusNotFound, notFound, what+" not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listBills(w http.ResponseWriter, r *http.Request) {
	accountID, ok := requireUUIDParam(w, r.URL.Query().Get("accountId"), "accountId")
	if !ok {
		return
	}
	results := []billJSON{}
	s.withBank(func(b *bankState, _ time.Time) {
		if a := b.accounts[accountID]; a != nil {
			for i := len(a.bills) - 1; i >= 0; i-- {
				results = append(results, a.bills[i].json())
			}
		}
	})
	writePage(w, results, 1, len(results), 1)
}

func (s *Server) getBill(w http.ResponseWriter, r *http.Request) {
	s.getOne(w, r, "BILL_NOT_FOUND", "bill", func(b *bankState, id string, _ time.Time) any {
		if bl := b.bills[id]; bl != nil {
			return bl.json()
		}
		return nil
	})
}

var investmentTypes = []string{"COE", "EQUITY", "ETF", "FIXED_INCOME", "MUTUAL_FUND", "SECURITY", "OTHER"}

func (s *Server) listInvestments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	itemID, ok := requireUUIDParam(w, q.Get("itemId"), "itemId")
	if !ok {
		return
	}
	typ := q.Get("type")
	if typ != "" && !contains(investmentTypes, typ) {
		writeError(w, http.StatusBadRequest, "", "type must be one of the following values: COE, EQUITY, ETF, FIXED_INCOME, MUTUAL_FUND, SECURITY, OTHER")
		return
	}
	page, size, ok := pageParams(w, q, 20)
	if !ok {
		return
	}
	var all []investmentJSON
	s.withBank(func(b *bankState, _ time.Time) {
		for _, inv := range b.investments {
			if inv.itemID == itemID && (typ == "" || inv.body.Type == typ) {
				all = append(all, inv.body)
			}
		}
	})
	sortBy(all, func(v investmentJSON) string { return v.Name })
	writePaged(w, all, page, size)
}

func (s *Server) getInvestment(w http.ResponseWriter, r *http.Request) {
	s.getOne(w, r, "INVESTMENT_NOT_FOUND", "investment", func(b *bankState, id string, _ time.Time) any {
		if inv := b.investments[id]; inv != nil {
			return inv.body
		}
		return nil
	})
}

func (s *Server) listInvestmentTransactions(w http.ResponseWriter, r *http.Request) {
	page, size, ok := pageParams(w, r.URL.Query(), 20)
	if !ok {
		return
	}
	var txs []investmentTxJSON
	found := false
	s.withBank(func(b *bankState, _ time.Time) {
		if inv := b.investments[r.PathValue("id")]; inv != nil {
			found = true
			txs = append(txs, inv.txs...)
		}
	})
	if !found {
		writeError(w, http.StatusNotFound, "INVESTMENT_NOT_FOUND", "investment not found")
		return
	}
	// Newest first.
	for i, j := 0, len(txs)-1; i < j; i, j = i+1, j-1 {
		txs[i], txs[j] = txs[j], txs[i]
	}
	writePaged(w, txs, page, size)
}

// writePaged answers page of all, size a page.
func writePaged[T any](w http.ResponseWriter, all []T, page, size int) {
	total := len(all)
	from := min((page-1)*size, total)
	to := min(from+size, total)
	writePage(w, all[from:to], page, total, (total+size-1)/size)
}

func (s *Server) findIdentity(w http.ResponseWriter, r *http.Request) {
	itemID, ok := requireUUIDParam(w, r.URL.Query().Get("itemId"), "itemId")
	if !ok {
		return
	}
	var out any
	s.withBank(func(b *bankState, _ time.Time) {
		for _, id := range b.identities {
			if id.itemID == itemID {
				out = id.json()
			}
		}
	})
	if out == nil {
		writeError(w, http.StatusNotFound, "IDENTITY_NOT_FOUND", "identity not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getIdentity(w http.ResponseWriter, r *http.Request) {
	s.getOne(w, r, "IDENTITY_NOT_FOUND", "identity", func(b *bankState, id string, _ time.Time) any {
		if idn := b.identities[id]; idn != nil {
			return idn.json()
		}
		return nil
	})
}

func (s *Server) listLoans(w http.ResponseWriter, r *http.Request) {
	itemID, ok := requireUUIDParam(w, r.URL.Query().Get("itemId"), "itemId")
	if !ok {
		return
	}
	results := []map[string]any{}
	s.withBank(func(b *bankState, now time.Time) {
		for _, l := range b.loans {
			if l.itemID == itemID {
				results = append(results, l.json(now))
			}
		}
	})
	writePage(w, results, 1, len(results), 1)
}

func (s *Server) getLoan(w http.ResponseWriter, r *http.Request) {
	s.getOne(w, r, "LOAN_NOT_FOUND", "loan", func(b *bankState, id string, now time.Time) any {
		if l := b.loans[id]; l != nil {
			return l.json(now)
		}
		return nil
	})
}

func (s *Server) listConsents(w http.ResponseWriter, r *http.Request) {
	itemID, ok := requireUUIDParam(w, r.URL.Query().Get("itemId"), "itemId")
	if !ok {
		return
	}
	results := []map[string]any{}
	s.withBank(func(b *bankState, _ time.Time) {
		for _, c := range b.consents {
			if c.itemID == itemID {
				results = append(results, c.json())
			}
		}
	})
	writePage(w, results, 1, len(results), 1)
}

func (s *Server) getConsent(w http.ResponseWriter, r *http.Request) {
	s.getOne(w, r, "CONSENT_NOT_FOUND", "consent", func(b *bankState, id string, _ time.Time) any {
		if c := b.consents[id]; c != nil {
			return c.json()
		}
		return nil
	})
}
