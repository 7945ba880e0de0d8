package pluggy

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testItemID     = "7a1d2c3e-4b5f-4a6b-8c7d-9e0f1a2b3c4d"
	testAccountID  = "3f9b6c2a-1d4e-4f8a-9b7c-2e5d8a1f6c30"
	testCardID     = "c81e4a7b-52d9-4c3f-a6e1-0b9d7f2c4e85"
	testSavingsID  = "5d2a9e71-8c3b-4f6d-b1a4-7e0c9d3f2b16"
	testStatements = "/accounts/" + testAccountID + "/statements"
)

func TestAccountsList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/accounts", fixtureResponder(t, 200, "accounts-list", "200"))

	page, err := c.Accounts.List(context.Background(), testItemID, &AccountListParams{Type: AccountTypeBank})
	require.NoError(t, err)
	require.Equal(t, 1, rec.n())
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/accounts", url.Values{"itemId": {testItemID}, "type": {"BANK"}})

	assert.Equal(t, 1, page.Page)
	assert.Equal(t, 3, page.Total)
	assert.Equal(t, 1, page.TotalPages)
	assert.False(t, page.HasNext())
	require.Len(t, page.Results, 3)

	checking := page.Results[0]
	assert.Equal(t, testAccountID, checking.ID)
	assert.Equal(t, AccountTypeBank, checking.Type)
	assert.Equal(t, AccountSubtypeChecking, checking.Subtype)
	assert.Equal(t, "4827.53", checking.Balance.String())
	assert.Equal(t, "***.456.789-**", *checking.TaxNumber)
	assert.Equal(t, ts("2026-11-23T09:15:42.107Z"), checking.UpdatedAt)
	require.NotNil(t, checking.BankData)
	assert.Nil(t, checking.CreditData)
	assert.Equal(t, "1500.00", checking.BankData.AutomaticallyInvestedBalance.String(), "money keeps the digits the API sent")
	assert.True(t, *checking.BankData.HasReservedBalance)
	require.Len(t, checking.BankData.ReservedBalances, 1)
	rb := checking.BankData.ReservedBalances[0]
	assert.Equal(t, "Caixinha Viagem Nordeste", *rb.Name)
	assert.Equal(t, "3250.40", rb.AvailableAmounts[0].Amount.String())
	assert.Equal(t, "CDI", *rb.AvailableAmounts[0].Remuneration.Indexer)

	savings := page.Results[1]
	assert.Equal(t, AccountSubtypeSavings, savings.Subtype)
	assert.Nil(t, savings.MarketingName)
	assert.True(t, savings.BankData.AutomaticallyInvestedBalance.IsZero(), "null money decodes to the zero Decimal")

	card := page.Results[2]
	assert.Equal(t, AccountTypeCredit, card.Type)
	require.NotNil(t, card.CreditData)
	cd := card.CreditData
	assert.Equal(t, CreditCardStatusActive, cd.Status)
	assert.Equal(t, CreditCardHolderMain, cd.HolderType)
	assert.Equal(t, ts("2026-12-10T00:00:00Z"), cd.BalanceDueDate)
	assert.Equal(t, "25000.00", cd.CreditLimit.String())
	require.Len(t, cd.DisaggregatedCreditLimits, 2)
	assert.Equal(t, CreditLineCashPurchase, cd.DisaggregatedCreditLimits[0].LineName)
	assert.Equal(t, CreditLineWithdrawalBrazil, cd.DisaggregatedCreditLimits[1].LineName)
	assert.Equal(t, []AdditionalCard{{Number: "8840"}}, cd.AdditionalCards)
}

func TestAccountsListWithoutFilter(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/accounts", fixtureResponder(t, 200, "accounts-list", "200"))
	_, err := c.Accounts.List(context.Background(), testItemID, nil)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/accounts", url.Values{"itemId": {testItemID}})
}

func TestAccountsAll(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/accounts", fixtureResponder(t, 200, "accounts-list", "200"))

	seq := c.Accounts.All(context.Background(), testItemID, nil)
	assert.Zero(t, rec.n(), "nothing is fetched before the loop starts")
	accounts, errs := collect(seq)
	require.Empty(t, errs)
	var ids []string
	for _, a := range accounts {
		ids = append(ids, a.ID)
	}
	assert.Equal(t, []string{testAccountID, testSavingsID, testCardID}, ids)
	assert.Equal(t, 1, rec.n(), "the list is not paged: one request")

	for range c.Accounts.All(context.Background(), testItemID, nil) {
		break
	}
	assert.Equal(t, 2, rec.n())
}

func TestAccountsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	bank := on(mock, http.MethodGet, "/accounts/"+testAccountID, fixtureResponder(t, 200, "accounts-retrieve", "200-bank"))
	card := on(mock, http.MethodGet, "/accounts/"+testCardID, fixtureResponder(t, 200, "accounts-retrieve", "200-credit"))
	on(mock, http.MethodGet, "/accounts/0b1c2d3e-0000-4000-8000-000000000000", fixtureResponder(t, 404, "accounts-retrieve", "404"))

	a, err := c.Accounts.Get(context.Background(), testAccountID)
	require.NoError(t, err)
	assertRequest(t, bank.req(t, 0), http.MethodGet, "/accounts/"+testAccountID, nil)
	assert.Equal(t, "Conta Corrente", a.Name)
	assert.Equal(t, "0341/45821-7", *a.BankData.TransferNumber)
	assert.Equal(t, "2000.00", a.BankData.OverdraftContractedLimit.String())
	assert.Equal(t, "0", a.BankData.OverdraftUsedLimit.String(), "a zero amount is a number, not absent")
	assert.Nil(t, a.BankData.HasReservedBalance)

	cc, err := c.Accounts.Get(context.Background(), testCardID)
	require.NoError(t, err)
	assert.Equal(t, 1, card.n())
	assert.Equal(t, "Nubank Mastercard Platinum", cc.Name)
	assert.Equal(t, "PLATINUM", *cc.CreditData.Level)
	assert.Equal(t, "42.17", cc.CreditData.BalanceForeignCurrency.String())
	assert.Equal(t, ts("2026-12-01T03:00:00Z"), cc.CreditData.BalanceCloseDate)

	_, err = c.Accounts.Get(context.Background(), "0b1c2d3e-0000-4000-8000-000000000000")
	requireAPIErr(t, err, 404, "ACCOUNT_NOT_FOUND")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Contains(t, err.Error(), "GET /accounts/{id}")
}

func TestAccountsGetBalance(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/accounts/"+testAccountID+"/balance", fixtureResponder(t, 200, "account-balance-get", "200"))

	b, err := c.Accounts.GetBalance(context.Background(), testAccountID)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/accounts/"+testAccountID+"/balance", nil)
	assert.Equal(t, "4827.53", b.Balance.String())
	assert.Equal(t, "150.00", b.BlockedBalance.String())
	assert.Equal(t, "1500.00", b.AutomaticallyInvestedBalance.String())
	assert.Equal(t, "BRL", b.CurrencyCode)
	assert.Equal(t, ts("2026-11-23T11:58:07Z"), b.UpdateDateTime)
}

func TestAccountsGetBalanceErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status   int
		codeDesc string
		sentinel error
		attempts int
	}{
		{400, "BALANCE_INVALID_REQUEST", nil, 1},
		{403, "BALANCE_CONSENT_ERROR", ErrForbidden, 1},
		{404, "BALANCE_NOT_FOUND", ErrNotFound, 1},
		{429, "BALANCE_OPEN_FINANCE_RATE_LIMIT", ErrRateLimited, 1 + DefaultRetries},
		{502, "BALANCE_CONNECTOR_UNAVAILABLE", nil, 1 + DefaultRetries},
	} {
		t.Run(tc.codeDesc, func(t *testing.T) {
			c, mock := newTestClient(t)
			name := []byte{byte('0' + tc.status/100), byte('0' + tc.status/10%10), byte('0' + tc.status%10)}
			rec := on(mock, http.MethodGet, "/accounts/"+testAccountID+"/balance", fixtureResponder(t, tc.status, "account-balance-get", string(name)))
			_, err := c.Accounts.GetBalance(context.Background(), testAccountID)
			requireAPIErr(t, err, tc.status, tc.codeDesc)
			if tc.sentinel != nil {
				assert.ErrorIs(t, err, tc.sentinel)
			}
			assert.NotErrorIs(t, err, ErrExpiredKey, "a 403 with a codeDescription is a denial, not an expired key")
			assert.Equal(t, tc.attempts, rec.n(), "GET is retried on 429 and 5xx only")
			assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/auth")], "no re-authentication on a real denial")
		})
	}
}

func TestAccountsStatements(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, testStatements, fixtureResponder(t, 200, "account-statements-list", "200"))

	page, err := c.Accounts.ListStatements(context.Background(), testAccountID)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, testStatements, nil)
	require.Len(t, page.Results, 3)
	assert.Equal(t, 3, page.Total)
	assert.Equal(t, "08-2026", page.Results[0].MonthYear)
	assert.Equal(t, "e4b7a1c2-9d3f-4e8a-b5c6-1f2a3b4c5d6e", page.Results[0].ID)
	assert.Contains(t, page.Results[2].URL, "2026-10.pdf")

	var months []string
	for s, err := range c.Accounts.AllStatements(context.Background(), testAccountID) {
		require.NoError(t, err)
		months = append(months, s.MonthYear)
	}
	assert.Equal(t, []string{"08-2026", "09-2026", "10-2026"}, months)
	assert.Equal(t, 2, rec.n())

	c2, mock2 := newTestClient(t)
	on(mock2, http.MethodGet, testStatements, fixtureResponder(t, 400, "account-statements-list", "400"))
	_, errs := collect(c2.Accounts.AllStatements(context.Background(), testAccountID))
	require.Len(t, errs, 1)
	requireAPIErr(t, errs[0], 400, "")
}

func TestAccountsValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	_, err := c.Accounts.List(ctx, "", nil)
	requireArgumentErr(t, err, "itemId")
	_, err = c.Accounts.List(ctx, "   ", &AccountListParams{Type: AccountTypeCredit})
	requireArgumentErr(t, err, "itemId")
	_, err = c.Accounts.Get(ctx, "")
	requireArgumentErr(t, err, "id")
	_, err = c.Accounts.GetBalance(ctx, "")
	requireArgumentErr(t, err, "id")
	_, err = c.Accounts.ListStatements(ctx, "")
	requireArgumentErr(t, err, "id")
	_, errs := collect(c.Accounts.All(ctx, "", nil))
	require.Len(t, errs, 1)
	requireArgumentErr(t, errs[0], "itemId")
	_, errs = collect(c.Accounts.AllStatements(ctx, ""))
	require.Len(t, errs, 1)
	requireArgumentErr(t, errs[0], "id")
	assertNothingSent(t, mock)
}

func TestAccountsFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip[Page[Account]](t, "accounts-list", "200")
	roundTrip[Account](t, "accounts-retrieve", "200-bank")
	roundTrip[Account](t, "accounts-retrieve", "200-credit")
	roundTrip[AccountBalance](t, "account-balance-get", "200")
	roundTrip[Page[AccountStatement]](t, "account-statements-list", "200")
}

func TestAccountsCancelledContext(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	on(mock, http.MethodGet, "/accounts", fixtureResponder(t, 200, "accounts-list", "200"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Accounts.List(ctx, testItemID, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled))
}
