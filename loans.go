package pluggy

import (
	"context"
	"iter"
	"time"
)

// LoanKind is the credit-operation family of a loan contract (Loan.kind).
type LoanKind string

// The loan kinds.
const (
	LoanKindLoan                       LoanKind = "LOAN"
	LoanKindFinancing                  LoanKind = "FINANCING"
	LoanKindInvoiceFinancing           LoanKind = "INVOICE_FINANCING"
	LoanKindUnarrangedAccountOverdraft LoanKind = "UNARRANGED_ACCOUNT_OVERDRAFT"
)

// LoanInstallmentPeriodicity is how often a loan's regular installments
// fall due (Loan.installmentPeriodicity).
type LoanInstallmentPeriodicity string

// The installment periodicities.
const (
	LoanInstallmentsIrregular   LoanInstallmentPeriodicity = "WITHOUT_REGULAR_PERIODICITY"
	LoanInstallmentsWeekly      LoanInstallmentPeriodicity = "WEEKLY"
	LoanInstallmentsFortnightly LoanInstallmentPeriodicity = "FORTNIGHTLY"
	LoanInstallmentsMonthly     LoanInstallmentPeriodicity = "MONTHLY"
	LoanInstallmentsBimonthly   LoanInstallmentPeriodicity = "BIMONTHLY"
	LoanInstallmentsQuarterly   LoanInstallmentPeriodicity = "QUARTERLY"
	LoanInstallmentsSemesterly  LoanInstallmentPeriodicity = "SEMESTERLY"
	LoanInstallmentsYearly      LoanInstallmentPeriodicity = "YEARLY"
	LoanInstallmentsOthers      LoanInstallmentPeriodicity = "OTHERS"
)

// LoanAmortizationSystem is a loan's amortization system
// (Loan.amortizationScheduled).
type LoanAmortizationSystem string

// The amortization systems.
const (
	LoanAmortizationSAC                LoanAmortizationSystem = "SAC"
	LoanAmortizationPrice              LoanAmortizationSystem = "PRICE"
	LoanAmortizationSAM                LoanAmortizationSystem = "SAM"
	LoanAmortizationWithoutAmortSystem LoanAmortizationSystem = "WITHOUT_AMORTIZATION_SYSTEM"
	LoanAmortizationOthers             LoanAmortizationSystem = "OTHERS"
)

// LoanTaxType is the kind of an interest rate (LoanInterestRate.taxType).
type LoanTaxType string

// The interest rate kinds.
const (
	LoanTaxNominal   LoanTaxType = "NOMINAL"
	LoanTaxEffective LoanTaxType = "EFFECTIVE"
)

// LoanInterestRateType is how interest accrues (LoanInterestRate.interestRateType).
type LoanInterestRateType string

// The interest accrual types.
const (
	LoanInterestSimple   LoanInterestRateType = "SIMPLE"
	LoanInterestCompound LoanInterestRateType = "COMPOUND"
)

// LoanTaxPeriodicity is the period of an interest rate
// (LoanInterestRate.taxPeriodicity).
type LoanTaxPeriodicity string

// The interest rate periods.
const (
	LoanTaxMonthly LoanTaxPeriodicity = "MONTHLY"
	LoanTaxYearly  LoanTaxPeriodicity = "YEARLY"
)

// LoanFeeChargeType says whether a contracted fee is charged once or per
// installment (LoanContractedFee.chargeType).
type LoanFeeChargeType string

// The fee charge types.
const (
	LoanFeeUnique        LoanFeeChargeType = "UNIQUE"
	LoanFeeByInstallment LoanFeeChargeType = "BY_INSTALLMENT"
)

// LoanFeeCharge is how a contracted fee is billed (LoanContractedFee.charge).
type LoanFeeCharge string

// The fee billing methods.
const (
	LoanFeeMinimum    LoanFeeCharge = "MINIMUM"
	LoanFeeMaximum    LoanFeeCharge = "MAXIMUM"
	LoanFeeFixed      LoanFeeCharge = "FIXED"
	LoanFeePercentage LoanFeeCharge = "PERCENTAGE"
)

// LoanTermUnit is the unit of a loan's total or remaining term
// (LoanInstallments.typeNumberOfInstallments and typeContractRemaining;
// WITHOUT_REMAINING_PERIOD only appears in the latter).
type LoanTermUnit string

// The loan term units.
const (
	LoanTermDay                    LoanTermUnit = "DAY"
	LoanTermWeek                   LoanTermUnit = "WEEK"
	LoanTermMonth                  LoanTermUnit = "MONTH"
	LoanTermYear                   LoanTermUnit = "YEAR"
	LoanTermWithoutTotalPeriod     LoanTermUnit = "WITHOUT_TOTAL_PERIOD"
	LoanTermWithoutRemainingPeriod LoanTermUnit = "WITHOUT_REMAINING_PERIOD"
)

// Loan is a loan or financing contract of an item (Loan), as read by
// GET /loans and GET /loans/{id}. Its fields follow Brazil's Open Finance
// loans API.
type Loan struct {
	// ID is the loan's primary identifier.
	ID string `json:"id"`
	// ItemID is the item the loan belongs to.
	ItemID string `json:"itemId"`
	// ContractNumber is the institution's contract number.
	ContractNumber *string `json:"contractNumber,omitempty"`
	// IpocCode is the standard contract number (IPOC).
	IpocCode *string `json:"ipocCode,omitempty"`
	// ProductName is the product's name as offered to the customer.
	ProductName string `json:"productName"`
	// Type is the Open Finance loan subtype ("CREDITO_PESSOAL_COM_CONSIGNACAO", ...).
	Type *string `json:"type,omitempty"`
	// Kind is the credit-operation family.
	Kind LoanKind `json:"kind"`
	// Date is when the loan data was collected.
	Date time.Time `json:"date"`
	// ContractDate is when the loan was contracted.
	ContractDate time.Time `json:"contractDate,omitzero"`
	// DisbursementDates are the days the contracted amount was paid out.
	DisbursementDates []Date `json:"disbursementDates,omitempty"`
	// SettlementDate is the loan's settlement date.
	SettlementDate time.Time `json:"settlementDate,omitzero"`
	// ContractAmount is the contracted amount.
	ContractAmount Decimal `json:"contractAmount,omitzero"`
	// CurrencyCode is the loan's currency ("BRL").
	CurrencyCode string `json:"currencyCode"`
	// DueDate is the loan's final due date.
	DueDate time.Time `json:"dueDate,omitzero"`
	// InstallmentPeriodicity is how often regular installments fall due.
	InstallmentPeriodicity LoanInstallmentPeriodicity `json:"installmentPeriodicity,omitempty"`
	// InstallmentPeriodicityAdditionalInfo describes it when it is OTHERS.
	InstallmentPeriodicityAdditionalInfo *string `json:"installmentPeriodicityAdditionalInfo,omitempty"`
	// FirstInstallmentDueDate is when the first installment is due.
	FirstInstallmentDueDate time.Time `json:"firstInstallmentDueDate,omitzero"`
	// CET is the total effective cost (Custo Efetivo Total), a yearly rate.
	CET Decimal `json:"CET,omitzero"`
	// AmortizationScheduled is the amortization system.
	AmortizationScheduled LoanAmortizationSystem `json:"amortizationScheduled,omitempty"`
	// AmortizationScheduledAdditionalInfo describes it when it is OTHERS.
	AmortizationScheduledAdditionalInfo *string `json:"amortizationScheduledAdditionalInfo,omitempty"`
	// CNPJConsignee is the CNPJ of the payroll-deduction consignor.
	CNPJConsignee *string `json:"cnpjConsignee,omitempty"`
	// InterestRates make up the contract's remunerative interest.
	InterestRates []LoanInterestRate `json:"interestRates,omitempty"`
	// ContractedFees are the tariffs agreed in the contract.
	ContractedFees []LoanContractedFee `json:"contractedFees,omitempty"`
	// ContractedFinanceCharges are the charges agreed in the contract.
	ContractedFinanceCharges []LoanContractedFinanceCharge `json:"contractedFinanceCharges,omitempty"`
	// Warranties guarantee the contract.
	Warranties []LoanWarranty `json:"warranties,omitempty"`
	// Installments describe the contract's term and installments.
	Installments *LoanInstallments `json:"installments,omitempty"`
	// Payments are the contract's payment data.
	Payments *LoanPayments `json:"payments,omitempty"`
}

// UnmarshalJSON also accepts date and contractDate and settlementDate and dueDate and firstInstallmentDueDate written without a time zone, as Pluggy's
// reference shows them, reading them as UTC.
func (v *Loan) UnmarshalJSON(b []byte) error {
	type plain Loan
	return decodeFast(lenientTimes(b, "date", "contractDate", "settlementDate", "dueDate", "firstInstallmentDueDate"), (*plain)(v))
}

// LoanInterestRate is one component of a loan's interest (LoanInterestRate).
type LoanInterestRate struct {
	// TaxType is NOMINAL or EFFECTIVE.
	TaxType LoanTaxType `json:"taxType,omitempty"`
	// InterestRateType is SIMPLE or COMPOUND.
	InterestRateType LoanInterestRateType `json:"interestRateType,omitempty"`
	// TaxPeriodicity is MONTHLY or YEARLY.
	TaxPeriodicity LoanTaxPeriodicity `json:"taxPeriodicity,omitempty"`
	// Calculation is the day-count basis ("21/252", "30/360").
	Calculation *string `json:"calculation,omitempty"`
	// ReferentialRateIndexerType is the Open Finance indexer type ("PRE_FIXADO", ...).
	ReferentialRateIndexerType *string `json:"referentialRateIndexerType,omitempty"`
	// ReferentialRateIndexerSubType is the indexer subtype ("TJLP", ...).
	ReferentialRateIndexerSubType *string `json:"referentialRateIndexerSubType,omitempty"`
	// ReferentialRateIndexerAdditionalInfo complements the indexer.
	ReferentialRateIndexerAdditionalInfo *string `json:"referentialRateIndexerAdditionalInfo,omitempty"`
	// PreFixedRate is the fixed rate (1 is 100%).
	PreFixedRate Decimal `json:"preFixedRate,omitzero"`
	// PostFixedRate is the post-fixed rate (1 is 100%).
	PostFixedRate Decimal `json:"postFixedRate,omitzero"`
	// AdditionalInfo complements the composition of the rate.
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
}

// LoanContractedFee is a tariff agreed in a loan contract (LoanContractedFee).
type LoanContractedFee struct {
	// Name is the tariff's name.
	Name *string `json:"name,omitempty"`
	// Code is the tariff's acronym.
	Code *string `json:"code,omitempty"`
	// ChargeType is UNIQUE or BY_INSTALLMENT.
	ChargeType LoanFeeChargeType `json:"chargeType,omitempty"`
	// Charge is MINIMUM, MAXIMUM, FIXED or PERCENTAGE.
	Charge LoanFeeCharge `json:"charge,omitempty"`
	// Amount is the tariff's amount.
	Amount Decimal `json:"amount,omitzero"`
	// Rate is the tariff's rate.
	Rate Decimal `json:"rate,omitzero"`
}

// LoanContractedFinanceCharge is a charge agreed in a loan contract
// (LoanContractedFinanceCharge).
type LoanContractedFinanceCharge struct {
	// Type is the Open Finance charge type ("JUROS_REMUNERATORIOS_POR_ATRASO", ...).
	Type *string `json:"type,omitempty"`
	// AdditionalInfo complements the charge.
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
	// Rate is the charge's rate.
	Rate Decimal `json:"rate,omitzero"`
}

// LoanWarranty is a guarantee of a loan (LoanWarranty).
type LoanWarranty struct {
	// CurrencyCode is the currency of Amount.
	CurrencyCode *string `json:"currencyCode,omitempty"`
	// Type is the Open Finance warranty type ("CESSAO_DIREITOS_CREDITORIOS", ...).
	Type *string `json:"type,omitempty"`
	// Subtype is the Open Finance warranty subtype.
	Subtype *string `json:"subtype,omitempty"`
	// Amount is the warranty's original value.
	Amount Decimal `json:"amount,omitzero"`
}

// LoanInstallments describe a loan's term and installments (LoanInstallments).
type LoanInstallments struct {
	// TypeNumberOfInstallments is the unit of the total term.
	TypeNumberOfInstallments LoanTermUnit `json:"typeNumberOfInstallments,omitempty"`
	// TotalNumberOfInstallments is the total term, in that unit.
	TotalNumberOfInstallments *int `json:"totalNumberOfInstallments,omitempty"`
	// TypeContractRemaining is the unit of the remaining term.
	TypeContractRemaining LoanTermUnit `json:"typeContractRemaining,omitempty"`
	// ContractRemainingNumber is the remaining term, in that unit.
	ContractRemainingNumber *int `json:"contractRemainingNumber,omitempty"`
	// PaidInstallments is the number of installments paid.
	PaidInstallments *int `json:"paidInstallments,omitempty"`
	// DueInstallments is the number of installments still to fall due.
	DueInstallments *int `json:"dueInstallments,omitempty"`
	// PastDueInstallments is the number of overdue installments.
	PastDueInstallments *int `json:"pastDueInstallments,omitempty"`
	// BalloonPayments are the non-regular installments.
	BalloonPayments []LoanBalloonPayment `json:"balloonPayments,omitempty"`
}

// LoanBalloonPayment is a non-regular installment of a loan
// (LoanInstallmentBalloonPayment).
type LoanBalloonPayment struct {
	// DueDate is when it falls due.
	DueDate time.Time `json:"dueDate,omitzero"`
	// Amount is its value.
	Amount *LoanBalloonPaymentAmount `json:"amount,omitempty"`
}

// UnmarshalJSON also accepts dueDate written without a time zone, as Pluggy's
// reference shows them, reading them as UTC.
func (v *LoanBalloonPayment) UnmarshalJSON(b []byte) error {
	type plain LoanBalloonPayment
	return decodeFast(lenientTimes(b, "dueDate"), (*plain)(v))
}

// LoanBalloonPaymentAmount is the value of a non-regular installment
// (LoanInstallmentBalloonPaymentAmount).
type LoanBalloonPaymentAmount struct {
	// Value is the amount.
	Value Decimal `json:"value,omitzero"`
	// CurrencyCode is its currency.
	CurrencyCode *string `json:"currencyCode,omitempty"`
}

// LoanPayments are a loan's payment data (LoanPayments).
type LoanPayments struct {
	// ContractOutstandingBalance is what it takes to settle the debt now.
	ContractOutstandingBalance Decimal `json:"contractOutstandingBalance,omitzero"`
	// Releases are the payments made.
	Releases []LoanPaymentRelease `json:"releases,omitempty"`
}

// LoanPaymentRelease is a payment made on a loan (LoanPaymentRelease).
type LoanPaymentRelease struct {
	// IsOverParcelPayment is true for a one-time payment, false for an agreed installment.
	IsOverParcelPayment *bool `json:"isOverParcelPayment,omitempty"`
	// InstallmentID is the institution's installment identifier.
	InstallmentID *string `json:"installmentId,omitempty"`
	// PaidDate is when it was paid.
	PaidDate time.Time `json:"paidDate,omitzero"`
	// CurrencyCode is the currency of PaidAmount.
	CurrencyCode *string `json:"currencyCode,omitempty"`
	// PaidAmount is the amount paid.
	PaidAmount Decimal `json:"paidAmount,omitzero"`
	// OverParcel lists fees and charges paid outside the installment.
	OverParcel *LoanOverParcel `json:"overParcel,omitempty"`
}

// UnmarshalJSON also accepts paidDate written without a time zone, as Pluggy's
// reference shows them, reading them as UTC.
func (v *LoanPaymentRelease) UnmarshalJSON(b []byte) error {
	type plain LoanPaymentRelease
	return decodeFast(lenientTimes(b, "paidDate"), (*plain)(v))
}

// LoanOverParcel are fees and charges paid outside an installment
// (LoanPaymentReleaseOverParcel).
type LoanOverParcel struct {
	// Fees paid outside the installment (single payments only).
	Fees []LoanOverParcelFee `json:"fees,omitempty"`
	// Charges paid outside the installment.
	Charges []LoanOverParcelCharge `json:"charges,omitempty"`
}

// LoanOverParcelFee is a fee paid outside an installment
// (LoanPaymentReleaseOverParcelFee).
type LoanOverParcelFee struct {
	// Name is the tariff's name.
	Name *string `json:"name,omitempty"`
	// Code is the tariff's acronym.
	Code *string `json:"code,omitempty"`
	// Amount is the amount paid.
	Amount Decimal `json:"amount,omitzero"`
}

// LoanOverParcelCharge is a charge paid outside an installment
// (LoanPaymentReleaseOverParcelCharge).
type LoanOverParcelCharge struct {
	// Type is the Open Finance charge type.
	Type *string `json:"type,omitempty"`
	// AdditionalInfo complements the charge.
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
	// Amount is the amount paid.
	Amount Decimal `json:"amount,omitzero"`
}

// List returns the loans of an item (GET /loans). The API does not page this
// list: every loan comes in the one answer. It returns an *ArgumentError without
// sending anything when itemID is empty.
func (s *LoansService) List(ctx context.Context, itemID string, opts ...RequestOption) (*Page[Loan], error) {
	if err := requireID("itemId", itemID); err != nil {
		return nil, err
	}
	var q query
	q.str("itemId", itemID)
	return callFor[Page[Loan]](ctx, s.client, "GET /loans", nil, q.values(), nil, opts...)
}

// All yields every loan of an item (GET /loans, one request, made when the
// loop starts). An error is yielded once and ends the loop.
func (s *LoansService) All(ctx context.Context, itemID string, opts ...RequestOption) iter.Seq2[Loan, error] {
	return allOf(func() ([]Loan, error) {
		p, err := s.List(ctx, itemID, opts...)
		if err != nil {
			return nil, err
		}
		return p.Results, nil
	})
}

// Get returns one loan (GET /loans/{id}). A missing one is an *Error
// matching ErrNotFound.
func (s *LoansService) Get(ctx context.Context, id string, opts ...RequestOption) (*Loan, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Loan](ctx, s.client, "GET /loans/{id}", []string{id}, nil, nil, opts...)
}
