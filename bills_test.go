package pluggy

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testBillID = "a3c5e7f9-1b2d-4e6f-8a0c-2d4f6b8e0a13"

func TestBillsList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/bills", fixtureResponder(t, 200, "bills-list", "200"))

	page, err := c.Bills.List(context.Background(), testCardID)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/bills", url.Values{"accountId": {testCardID}})
	require.Len(t, page.Results, 2)
	nov, oct := page.Results[0], page.Results[1]
	assert.Equal(t, testBillID, nov.ID)
	assert.Equal(t, testCardID, nov.AccountID)
	assert.Equal(t, "3184.66", nov.TotalAmount.String())
	assert.Equal(t, "477.7", nov.MinimumPaymentAmount.String())
	assert.True(t, *nov.AllowsInstallments)
	require.NotNil(t, nov.BillClosingDate)
	assert.Equal(t, ts("2026-11-03T03:00:00Z"), *nov.BillClosingDate)
	assert.Equal(t, BillChargeIOF, nov.FinanceCharges[0].Type)
	assert.Equal(t, BillPaidByPix, nov.Payments[0].PaymentMode)
	assert.Equal(t, BillPaymentFull, nov.Payments[0].ValueType)

	assert.Nil(t, oct.BillClosingDate)
	assert.Equal(t, BillChargeLatePaymentInterest, oct.FinanceCharges[0].Type)
	assert.Equal(t, BillChargeOther, oct.FinanceCharges[1].Type)
	assert.Equal(t, "Seguro fatura protegida", *oct.FinanceCharges[1].AdditionalInfo)
	assert.Equal(t, BillPaymentInstallment, oct.Payments[0].ValueType)
	assert.Equal(t, BillPaidByDebitAccount, oct.Payments[0].PaymentMode)
	assert.Equal(t, BillPaymentMode(""), oct.Payments[1].PaymentMode, "a null payment mode is empty")

	var got []string
	for b, err := range c.Bills.All(context.Background(), testCardID) {
		require.NoError(t, err)
		got = append(got, b.ID)
	}
	assert.Equal(t, []string{testBillID, "5b7d9f1a-3c4e-4a6b-9d8f-1e3a5c7e9b20"}, got)
	assert.Equal(t, 2, rec.n())
}

func TestBillsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/bills/"+testBillID, fixtureResponder(t, 200, "bills-retrieve", "200"))
	on(mock, http.MethodGet, "/bills/5b7d9f1a-3c4e-4a6b-9d8f-1e3a5c7e9b20", fixtureResponder(t, 404, "bills-retrieve", "404"))

	b, err := c.Bills.Get(context.Background(), testBillID)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/bills/"+testBillID, nil)
	assert.Equal(t, ts("2026-11-10T03:00:00Z"), b.DueDate)
	assert.Equal(t, "BRL", b.TotalAmountCurrencyCode)
	require.Len(t, b.FinanceCharges, 3)
	assert.Equal(t, testBillID, b.FinanceCharges[0].CreditCardBillID)
	assert.Equal(t, BillChargeLatePaymentRemunerativeInterest, b.FinanceCharges[1].Type)
	assert.Equal(t, BillChargeLatePaymentFee, b.FinanceCharges[2].Type)
	assert.Equal(t, "0", b.FinanceCharges[2].Amount.String())
	assert.Equal(t, BillPaidByBankSlip, b.Payments[0].PaymentMode)
	assert.Equal(t, BillPaidByPayrollDeduction, b.Payments[1].PaymentMode)
	assert.Equal(t, BillPaymentOther, b.Payments[1].ValueType)
	assert.Equal(t, "0.01", b.Payments[1].Amount.String())

	_, err = c.Bills.Get(context.Background(), "5b7d9f1a-3c4e-4a6b-9d8f-1e3a5c7e9b20")
	requireAPIErr(t, err, 404, "CREDIT_CARD_BILL_NOT_FOUND")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestBillsValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	_, err := c.Bills.List(context.Background(), "")
	requireArgumentErr(t, err, "accountId")
	_, err = c.Bills.Get(context.Background(), "")
	requireArgumentErr(t, err, "id")
	_, errs := collect(c.Bills.All(context.Background(), "\t"))
	require.Len(t, errs, 1)
	requireArgumentErr(t, errs[0], "accountId")
	assertNothingSent(t, mock)
}

func TestBillsFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip[Page[Bill]](t, "bills-list", "200")
	roundTrip[Bill](t, "bills-retrieve", "200")
}
