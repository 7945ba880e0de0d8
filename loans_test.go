package pluggy

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testLoanID = "6a3d9f1c-4e8b-4b27-a0d5-9c2e7f1b3a64"

func TestLoansList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/loans", fixtureResponder(t, 200, "loans-list", "200"))

	page, err := c.Loans.List(context.Background(), testItemID)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/loans", url.Values{"itemId": {testItemID}})
	require.Len(t, page.Results, 2)
	consignado, overdraft := page.Results[0], page.Results[1]
	assert.Equal(t, LoanKindLoan, consignado.Kind)
	assert.Equal(t, "CREDITO_PESSOAL_COM_CONSIGNACAO", *consignado.Type)
	assert.Equal(t, []Date{{2024, time.August, 16}}, consignado.DisbursementDates)
	assert.Equal(t, 60, *consignado.Installments.TotalNumberOfInstallments)
	assert.Equal(t, 0, *consignado.Installments.PastDueInstallments, "a zero count is a number, not absent")
	assert.Equal(t, "11243.87", consignado.Payments.ContractOutstandingBalance.String())
	assert.Equal(t, LoanKindUnarrangedAccountOverdraft, overdraft.Kind)
	assert.Equal(t, LoanInstallmentsIrregular, overdraft.InstallmentPeriodicity)
	assert.Equal(t, LoanAmortizationWithoutAmortSystem, overdraft.AmortizationScheduled)
	assert.Equal(t, LoanTermWithoutTotalPeriod, overdraft.Installments.TypeNumberOfInstallments)
	assert.Equal(t, LoanTermWithoutRemainingPeriod, overdraft.Installments.TypeContractRemaining)
	assert.Nil(t, overdraft.Installments.TotalNumberOfInstallments)
	assert.Equal(t, LoanTaxNominal, overdraft.InterestRates[0].TaxType)
	assert.Equal(t, LoanInterestSimple, overdraft.InterestRates[0].InterestRateType)
	assert.Equal(t, LoanTaxMonthly, overdraft.InterestRates[0].TaxPeriodicity)

	var got []string
	for l, err := range c.Loans.All(context.Background(), testItemID) {
		require.NoError(t, err)
		got = append(got, l.ID)
	}
	assert.Equal(t, []string{testLoanID, "f2b7c4e9-1a6d-4f38-95c0-4e8a2d7b1c53"}, got)
	for range c.Loans.All(context.Background(), testItemID) {
		break
	}
	assert.Equal(t, 3, rec.n(), "one request per call: the list is not paged")
}

func TestLoansGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/loans/"+testLoanID, fixtureResponder(t, 200, "loans-retrieve", "200"))
	on(mock, http.MethodGet, "/loans/f2b7c4e9-1a6d-4f38-95c0-4e8a2d7b1c53", fixtureResponder(t, 404, "loans-retrieve", "404"))

	l, err := c.Loans.Get(context.Background(), testLoanID)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/loans/"+testLoanID, nil)
	assert.Equal(t, "Crédito Pessoal Consignado INSS", l.ProductName)
	assert.Equal(t, "000000721792794", *l.ContractNumber)
	assert.Equal(t, "18000.00", l.ContractAmount.String())
	assert.Equal(t, "0.2471", l.CET.String())
	assert.Equal(t, ts("2024-09-15T00:00:00Z"), l.FirstInstallmentDueDate)
	assert.Equal(t, LoanInstallmentsMonthly, l.InstallmentPeriodicity)
	assert.Equal(t, "", *l.InstallmentPeriodicityAdditionalInfo, "an empty string stays distinct from absent")
	assert.Equal(t, LoanAmortizationPrice, l.AmortizationScheduled)
	assert.Equal(t, "29.979.036/0001-40", *l.CNPJConsignee)

	ir := l.InterestRates[0]
	assert.Equal(t, LoanTaxEffective, ir.TaxType)
	assert.Equal(t, LoanInterestCompound, ir.InterestRateType)
	assert.Equal(t, LoanTaxYearly, ir.TaxPeriodicity)
	assert.Equal(t, "0.2196", ir.PreFixedRate.String())
	assert.Equal(t, "PRE_FIXADO", *ir.ReferentialRateIndexerType)

	fee := l.ContractedFees[0]
	assert.Equal(t, LoanFeeUnique, fee.ChargeType)
	assert.Equal(t, LoanFeeFixed, fee.Charge)
	assert.Equal(t, "450.00", fee.Amount.String())
	require.Len(t, l.ContractedFinanceCharges, 2)
	assert.Equal(t, "0.02", l.ContractedFinanceCharges[1].Rate.String())
	assert.Equal(t, "CESSAO_DIREITOS_CREDITORIOS", *l.Warranties[0].Type)

	inst := l.Installments
	assert.Equal(t, LoanTermMonth, inst.TypeNumberOfInstallments)
	assert.Equal(t, 33, *inst.ContractRemainingNumber)
	assert.Equal(t, 27, *inst.PaidInstallments)
	require.Len(t, inst.BalloonPayments, 1)
	assert.Equal(t, ts("2027-12-15T00:00:00Z"), inst.BalloonPayments[0].DueDate)
	assert.Equal(t, "1500.00", inst.BalloonPayments[0].Amount.Value.String())

	require.Len(t, l.Payments.Releases, 2)
	regular, extra := l.Payments.Releases[0], l.Payments.Releases[1]
	assert.False(t, *regular.IsOverParcelPayment)
	assert.Nil(t, regular.OverParcel)
	assert.Equal(t, "498.62", regular.PaidAmount.String())
	assert.True(t, *extra.IsOverParcelPayment)
	assert.Equal(t, "AVAL_BEM", *extra.OverParcel.Fees[0].Code)
	assert.Equal(t, "6.35", extra.OverParcel.Charges[0].Amount.String())

	_, err = c.Loans.Get(context.Background(), "f2b7c4e9-1a6d-4f38-95c0-4e8a2d7b1c53")
	requireAPIErr(t, err, 404, "LOAN_NOT_FOUND")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestLoansValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	_, err := c.Loans.List(context.Background(), "")
	requireArgumentErr(t, err, "itemId")
	_, err = c.Loans.Get(context.Background(), "")
	requireArgumentErr(t, err, "id")
	_, errs := collect(c.Loans.All(context.Background(), ""))
	require.Len(t, errs, 1)
	requireArgumentErr(t, errs[0], "itemId")
	assertNothingSent(t, mock)
}

func TestLoansFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip[Page[Loan]](t, "loans-list", "200")
	roundTrip[Loan](t, "loans-retrieve", "200")
}
