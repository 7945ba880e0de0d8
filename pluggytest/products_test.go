package pluggytest

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccounts(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id, bank, card := h.connected(ConnectorPluggyBank)
	accs := h.do("GET /accounts", nil, url.Values{"itemId": {id}, "type": {"CREDIT"}}, nil)
	assert.EqualValues(t, 1, accs["total"])
	cc := accs["results"].([]any)[0].(map[string]any)
	assert.Equal(t, card, cc["id"])
	assert.Equal(t, "CREDIT_CARD", cc["subtype"])
	assert.Nil(t, cc["bankData"])
	cd := cc["creditData"].(map[string]any)
	assert.Equal(t, "2026-11-05T00:00:00.000Z", cd["balanceCloseDate"])
	assert.Equal(t, "2026-11-15T00:00:00.000Z", cd["balanceDueDate"])
	assert.InDelta(t, cd["creditLimit"].(float64)-cc["balance"].(float64), cd["availableCreditLimit"].(float64), 0.001)

	a := h.do("GET /accounts/{id}", []string{bank}, nil, nil)
	assert.Equal(t, "BANK", a["type"])
	assert.Equal(t, "CHECKING_ACCOUNT", a["subtype"])
	assert.Equal(t, id, a["itemId"])
	assert.Equal(t, "***.456.789-**", a["taxNumber"])
	assert.Equal(t, "BRL", a["currencyCode"])
	assert.Equal(t, a["balance"], a["bankData"].(map[string]any)["closingBalance"])

	bal := h.do("GET /accounts/{id}/balance", []string{bank}, nil, nil)
	assert.Equal(t, map[string]any{"balance": a["balance"], "currencyCode": "BRL", "updateDateTime": "2026-11-20T12:00:00.000Z"}, bal)

	st := h.do("GET /accounts/{id}/statements", []string{bank}, nil, nil)
	assert.EqualValues(t, 3, st["total"])
	months := []any{}
	for _, s := range st["results"].([]any) {
		months = append(months, s.(map[string]any)["monthYear"])
		assert.Contains(t, s.(map[string]any)["url"], h.srv.URL)
	}
	assert.Equal(t, []any{"08-2026", "09-2026", "10-2026"}, months)

	e := h.fail("GET /accounts/{id}", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, nil)
	assert.Equal(t, "ACCOUNT_NOT_FOUND", e.CodeDescription)
	for _, route := range []string{"GET /accounts/{id}/balance", "GET /accounts/{id}/statements"} {
		assert.Equal(t, http.StatusNotFound, h.fail(route, []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, nil).StatusCode)
	}
	assert.Equal(t, http.StatusBadRequest, h.fail("GET /accounts", nil, url.Values{"itemId": {id}, "type": {"SAVINGS"}}, nil).StatusCode)
	e = h.fail("GET /accounts", nil, nil, nil)
	assert.Equal(t, "itemId should not be null or undefined, itemId must be a UUID", e.Message)
	assert.Equal(t, "", e.CodeDescription)
	assert.EqualValues(t, 0, h.do("GET /accounts", nil, url.Values{"itemId": {"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}}, nil)["total"])
}

func TestBills(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	_, bank, card := h.connected(ConnectorPluggyBank)
	bills := h.do("GET /bills", nil, url.Values{"accountId": {card}}, nil)
	require.EqualValues(t, 3, bills["total"])
	latest := bills["results"].([]any)[0].(map[string]any)
	assert.Equal(t, "2026-11-15T00:00:00.000Z", latest["dueDate"])
	assert.Equal(t, "2026-11-05T00:00:00.000Z", latest["billClosingDate"])
	assert.Equal(t, card, latest["accountId"])
	assert.Equal(t, "BRL", latest["totalAmountCurrencyCode"])
	assert.Len(t, latest["payments"], 1, "paid on its due date, before now")
	charge := latest["financeCharges"].([]any)[0].(map[string]any)
	assert.Equal(t, latest["id"], charge["creditCardBillId"])
	assert.Equal(t, "IOF", charge["type"])

	got := h.do("GET /bills/{id}", []string{str(latest, "id")}, nil, nil)
	assert.Equal(t, latest, got)
	assert.EqualValues(t, 0, h.do("GET /bills", nil, url.Values{"accountId": {bank}}, nil)["total"], "bank accounts have no bills")
	assert.Equal(t, "BILL_NOT_FOUND", h.fail("GET /bills/{id}", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, nil).CodeDescription)
	assert.Equal(t, http.StatusBadRequest, h.fail("GET /bills", nil, url.Values{}, nil).StatusCode)
}

func TestInvestments(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id, _, _ := h.connected(ConnectorPluggyBank)
	list := h.do("GET /investments", nil, url.Values{"itemId": {id}}, nil)
	require.EqualValues(t, 4, list["total"])
	fixed := h.do("GET /investments", nil, url.Values{"itemId": {id}, "type": {"FIXED_INCOME"}}, nil)
	require.EqualValues(t, 2, fixed["total"])
	page := h.do("GET /investments", nil, url.Values{"itemId": {id}, "pageSize": {"3"}, "page": {"2"}}, nil)
	assert.EqualValues(t, 2, page["totalPages"])
	assert.Len(t, page["results"], 1)

	cdb := fixed["results"].([]any)[0].(map[string]any)
	assert.Equal(t, "CDB", cdb["subtype"])
	assert.Equal(t, id, cdb["itemId"])
	assert.Equal(t, "2026-11-20T12:00:00.000Z", cdb["date"])
	assert.Equal(t, cdb, h.do("GET /investments/{id}", []string{str(cdb, "id")}, nil, nil))

	txs := h.do("GET /investments/{id}/transactions", []string{str(cdb, "id")}, url.Values{"pageSize": {"5"}}, nil)
	assert.EqualValues(t, 13, txs["total"])
	assert.EqualValues(t, 3, txs["totalPages"])
	assert.Len(t, txs["results"], 5)
	last := h.do("GET /investments/{id}/transactions", []string{str(cdb, "id")}, url.Values{"pageSize": {"5"}, "page": {"3"}}, nil)
	buy := last["results"].([]any)[2].(map[string]any)
	assert.Equal(t, "BUY", buy["type"])
	assert.Equal(t, "CREDIT", buy["movementType"])

	assert.Equal(t, "INVESTMENT_NOT_FOUND", h.fail("GET /investments/{id}", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, nil).CodeDescription)
	assert.Equal(t, http.StatusNotFound, h.fail("GET /investments/{id}/transactions", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, nil).StatusCode)
	assert.Equal(t, http.StatusBadRequest, h.fail("GET /investments", nil, url.Values{"itemId": {id}, "type": {"CRYPTO"}}, nil).StatusCode)
	assert.Equal(t, http.StatusBadRequest, h.fail("GET /investments/{id}/transactions", []string{str(cdb, "id")}, url.Values{"pageSize": {"600"}}, nil).StatusCode)
}

func TestIdentityLoansConsents(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id, _, _ := h.connected(ConnectorOpenFinance)
	idn := h.do("GET /identity", nil, url.Values{"itemId": {id}}, nil)
	assert.Equal(t, id, idn["itemId"])
	assert.Equal(t, "Maria Aparecida da Silva", idn["fullName"])
	assert.Equal(t, "CPF", idn["documentType"])
	assert.Equal(t, idn, h.do("GET /identity/{id}", []string{str(idn, "id")}, nil, nil))
	assert.Equal(t, "IDENTITY_NOT_FOUND", h.fail("GET /identity/{id}", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, nil).CodeDescription)
	assert.Equal(t, http.StatusNotFound, h.fail("GET /identity", nil, url.Values{"itemId": {"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}}, nil).StatusCode)

	biz, _, _ := h.connected(ConnectorBusiness)
	bidn := h.do("GET /identity", nil, url.Values{"itemId": {biz}}, nil)
	assert.Equal(t, "CNPJ", bidn["documentType"])
	assert.Equal(t, "Padaria Pão Dourado LTDA", bidn["companyName"])

	loans := h.do("GET /loans", nil, url.Values{"itemId": {id}}, nil)
	require.EqualValues(t, 1, loans["total"])
	loan := loans["results"].([]any)[0].(map[string]any)
	assert.Equal(t, "LOAN", loan["kind"])
	assert.Equal(t, "BRL", loan["currencyCode"])
	inst := loan["installments"].(map[string]any)
	assert.EqualValues(t, 48, inst["paidInstallments"].(float64)+inst["dueInstallments"].(float64))
	assert.Equal(t, loan, h.do("GET /loans/{id}", []string{str(loan, "id")}, nil, nil))
	assert.Equal(t, "LOAN_NOT_FOUND", h.fail("GET /loans/{id}", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, nil).CodeDescription)

	cons := h.do("GET /consents", nil, url.Values{"itemId": {id}}, nil)
	require.EqualValues(t, 1, cons["total"])
	c := cons["results"].([]any)[0].(map[string]any)
	assert.Equal(t, id, c["itemId"])
	assert.Equal(t, "2027-11-20T12:00:00.000Z", c["expiresAt"])
	assert.Nil(t, c["revokedAt"])
	assert.Contains(t, c["openFinancePermissionsGranted"], "ACCOUNTS_ALL")
	assert.Equal(t, c, h.do("GET /consents/{id}", []string{str(c, "id")}, nil, nil))
	assert.Equal(t, "2027-11-20T12:00:00.000Z", h.item(id)["consentExpiresAt"])
	assert.Equal(t, "CONSENT_NOT_FOUND", h.fail("GET /consents/{id}", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, nil).CodeDescription)
	assert.EqualValues(t, 0, h.do("GET /consents", nil, url.Values{"itemId": {biz}}, nil)["total"], "only Open Finance items have consents")
	assert.Equal(t, http.StatusBadRequest, h.fail("GET /consents", nil, nil, nil).StatusCode)
}

func TestCategories(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	var cats []map[string]any
	h.doInto("GET /categories", nil, nil, nil, &cats)
	assert.Len(t, cats, len(categoryTable))
	h.doInto("GET /categories", nil, url.Values{"parentId": {"19000000"}}, nil, &cats)
	assert.Equal(t, []map[string]any{
		{"id": "19010000", "description": "Taxi and ride-hailing", "descriptionTranslated": "Táxi e transporte por aplicativo", "parentId": "19000000", "parentDescription": "Transportation"},
		{"id": "19050000", "description": "Gas stations", "descriptionTranslated": "Postos de combustível", "parentId": "19000000", "parentDescription": "Transportation"},
	}, cats)
	assert.Equal(t, map[string]any{"id": "05000000", "description": "Transfers", "descriptionTranslated": "Transferências"},
		h.do("GET /categories/{id}", []string{"05000000"}, nil, nil))
	assert.Equal(t, "CATEGORY_NOT_FOUND", h.fail("GET /categories/{id}", []string{"99000000"}, nil, nil).CodeDescription)
}

func TestCategoryRules(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	_, bank, _ := h.connected(ConnectorItau)
	rule := h.do("POST /categories/rules", nil, nil, map[string]string{"description": "uber", "categoryId": "19000000",
		"transactionType": "DEBIT", "accountType": "CHECKING_ACCOUNT", "matchType": "startsWith"})
	assert.Equal(t, map[string]any{"id": rule["id"], "description": "uber", "categoryId": "19000000", "category": "Transportation",
		"clientId": h.srv.ClientID, "transactionType": "DEBIT", "accountType": "CHECKING_ACCOUNT"}, rule)

	var rules []map[string]any
	h.doInto("GET /categories/rules", nil, nil, nil, &rules)
	require.Len(t, rules, 1, "an array holding one page, as the reference declares")
	assert.EqualValues(t, 1, rules[0]["total"])
	assert.Equal(t, []any{rule}, rules[0]["results"])

	all, _ := h.sweep(url.Values{"accountId": {bank}})
	uber := 0
	for _, tx := range all {
		if str(tx, "description") == "Uber *Viagem" {
			uber++
			assert.Equal(t, "19000000", tx["categoryId"], "the rule categorises matching transactions")
		} else {
			assert.NotEqual(t, "19000000", tx["categoryId"])
		}
	}
	assert.Positive(t, uber)

	h.doInto("DELETE /categories/rules/{id}", []string{str(rule, "id")}, nil, nil, nil)
	h.doInto("GET /categories/rules", nil, nil, nil, &rules)
	assert.EqualValues(t, 0, rules[0]["total"])
	assert.Equal(t, "CATEGORY_RULE_NOT_FOUND", h.fail("DELETE /categories/rules/{id}", []string{str(rule, "id")}, nil, nil).CodeDescription)

	assert.Equal(t, "CATEGORY_NOT_FOUND", h.fail("POST /categories/rules", nil, nil, map[string]string{"description": "x", "categoryId": "99000000"}).CodeDescription)
	for _, body := range []map[string]string{
		{"categoryId": "19000000"},
		{"description": "x"},
		{"description": "x", "categoryId": "19000000", "transactionType": "SAIDA"},
		{"description": "x", "categoryId": "19000000", "accountType": "POUPANCA"},
		{"description": "x", "categoryId": "19000000", "matchType": "regex"},
	} {
		assert.Equal(t, http.StatusBadRequest, h.fail("POST /categories/rules", nil, nil, body).StatusCode, body)
	}
}

func TestMerchants(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	uber := merchantTable[0]
	out := h.do("GET /merchants", nil, url.Values{"cnpjs": {formatCNPJ(uber.cnpj) + ",11222333000181,12345678000100"}}, nil)
	assert.Equal(t, map[string]any{
		"foundMerchants": []any{map[string]any{"name": "Uber", "businessName": uber.businessName, "cnpj": uber.cnpj, "cnae": uber.cnae,
			"category": "Taxi and ride-hailing"}},
		"notFoundMerchants": []any{"11222333000181"},
		"invalidCnpjs":      []any{"12345678000100"},
	}, out)
	assert.Equal(t, map[string]any{"foundMerchants": []any{}, "notFoundMerchants": []any{}, "invalidCnpjs": []any{}},
		h.do("GET /merchants", nil, nil, nil))
	for _, m := range merchantTable {
		assert.True(t, validCNPJ(m.cnpj), m.name)
	}
	assert.False(t, validCNPJ("11111111111111"))
}

func TestDataFollowsTheClock(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id, _, _ := h.connected(ConnectorPluggyBank)
	loan := h.do("GET /loans", nil, url.Values{"itemId": {id}}, nil)["results"].([]any)[0].(map[string]any)
	paid := loan["installments"].(map[string]any)["paidInstallments"].(float64)
	h.srv.Advance(31 * 24 * time.Hour)
	loan = h.do("GET /loans", nil, url.Values{"itemId": {id}}, nil)["results"].([]any)[0].(map[string]any)
	assert.Equal(t, paid+1, loan["installments"].(map[string]any)["paidInstallments"])
	assert.Equal(t, "2026-12-21T12:00:00.000Z", loan["date"])
}
