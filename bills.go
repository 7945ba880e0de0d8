package pluggy

import (
	"context"
	"iter"
	"time"
)

// BillFinanceChargeType is the kind of a charge on a credit card bill
// (BillFinanceCharge.type).
type BillFinanceChargeType string

// The bill charge types.
const (
	BillChargeLatePaymentRemunerativeInterest BillFinanceChargeType = "LATE_PAYMENT_REMUNERATIVE_INTEREST"
	BillChargeLatePaymentFee                  BillFinanceChargeType = "LATE_PAYMENT_FEE"
	BillChargeLatePaymentInterest             BillFinanceChargeType = "LATE_PAYMENT_INTEREST"
	BillChargeIOF                             BillFinanceChargeType = "IOF"
	BillChargeOther                           BillFinanceChargeType = "OTHER"
)

// BillPaymentValueType classifies a bill payment (BillPayment.valueType).
type BillPaymentValueType string

// The bill payment value types.
const (
	BillPaymentInstallment BillPaymentValueType = "INSTALLMENT_PAYMENT"
	BillPaymentFull        BillPaymentValueType = "FULL_PAYMENT"
	BillPaymentOther       BillPaymentValueType = "OTHER_PAYMENT"
)

// BillPaymentMode is how a bill was paid (BillPayment.paymentMode).
type BillPaymentMode string

// The bill payment modes.
const (
	BillPaidByDebitAccount     BillPaymentMode = "DEBIT_ACCOUNT"
	BillPaidByBankSlip         BillPaymentMode = "BANK_SLIP"
	BillPaidByPayrollDeduction BillPaymentMode = "PAYROLL_DEDUCTION"
	BillPaidByPix              BillPaymentMode = "PIX"
)

// Bill is a credit card bill (Bill), as read by GET /bills and GET /bills/{id}.
type Bill struct {
	// ID is the bill's primary identifier.
	ID string `json:"id"`
	// AccountID is the credit card account of the bill.
	AccountID string `json:"accountId"`
	// DueDate is when the bill is due.
	DueDate time.Time `json:"dueDate"`
	// BillClosingDate is when the bill closed.
	BillClosingDate *time.Time `json:"billClosingDate,omitempty"`
	// TotalAmount is the bill's total.
	TotalAmount Decimal `json:"totalAmount"`
	// TotalAmountCurrencyCode is its currency ("BRL").
	TotalAmountCurrencyCode string `json:"totalAmountCurrencyCode"`
	// MinimumPaymentAmount is the minimum payment.
	MinimumPaymentAmount Decimal `json:"minimumPaymentAmount,omitzero"`
	// AllowsInstallments tells whether the bill may be paid in installments.
	AllowsInstallments *bool `json:"allowsInstallments,omitempty"`
	// FinanceCharges are the charges on the bill.
	FinanceCharges []BillFinanceCharge `json:"financeCharges"`
	// Payments are the payments made to the bill.
	Payments []BillPayment `json:"payments"`
}

// UnmarshalJSON also accepts dueDate and billClosingDate written without a time zone, as Pluggy's
// reference shows them, reading them as UTC.
func (v *Bill) UnmarshalJSON(b []byte) error {
	type plain Bill
	return decodeFast(lenientTimes(b, "dueDate", "billClosingDate"), (*plain)(v))
}

// BillFinanceCharge is a charge on a credit card bill (BillFinanceCharge).
type BillFinanceCharge struct {
	// ID is the charge's primary identifier.
	ID string `json:"id"`
	// CreditCardBillID is the bill the charge is on.
	CreditCardBillID string `json:"creditCardBillId"`
	// Type is the kind of charge.
	Type BillFinanceChargeType `json:"type"`
	// Amount is the charge.
	Amount Decimal `json:"amount"`
	// CurrencyCode is its currency.
	CurrencyCode string `json:"currencyCode"`
	// AdditionalInfo describes the charge; required when Type is OTHER.
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
}

// BillPayment is a payment made to a credit card bill (BillPayment).
type BillPayment struct {
	// ID is the payment's primary identifier.
	ID string `json:"id"`
	// ValueType is INSTALLMENT_PAYMENT, FULL_PAYMENT or OTHER_PAYMENT.
	ValueType BillPaymentValueType `json:"valueType"`
	// PaymentDate is when it was paid.
	PaymentDate time.Time `json:"paymentDate"`
	// PaymentMode is how it was paid, when known.
	PaymentMode BillPaymentMode `json:"paymentMode,omitempty"`
	// Amount is the amount paid.
	Amount Decimal `json:"amount"`
	// CurrencyCode is its currency.
	CurrencyCode string `json:"currencyCode"`
}

// List returns the bills of a credit card account (GET /bills). The API does
// not page this list: every bill comes in the one answer. It returns a
// *ArgumentError without sending anything when accountID is empty.
func (s *BillsService) List(ctx context.Context, accountID string, opts ...RequestOption) (*Page[Bill], error) {
	if err := requireID("accountId", accountID); err != nil {
		return nil, err
	}
	var q query
	q.str("accountId", accountID)
	return callFor[Page[Bill]](ctx, s.client, "GET /bills", nil, q.values(), nil, opts...)
}

// All yields every bill of a credit card account (GET /bills, one request,
// made when the loop starts). An error is yielded once and ends the loop.
func (s *BillsService) All(ctx context.Context, accountID string, opts ...RequestOption) iter.Seq2[Bill, error] {
	return allOf(func() ([]Bill, error) {
		p, err := s.List(ctx, accountID, opts...)
		if err != nil {
			return nil, err
		}
		return p.Results, nil
	})
}

// Get returns one bill (GET /bills/{id}). A missing one is an *Error
// matching ErrNotFound (CREDIT_CARD_BILL_NOT_FOUND).
func (s *BillsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Bill, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Bill](ctx, s.client, "GET /bills/{id}", []string{id}, nil, nil, opts...)
}
