package pluggy

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"time"
)

// MaxTransactionIDs is the most transaction ids one list call may filter on.
const MaxTransactionIDs = 500

// TransactionType is the direction of a transaction from the account
// holder's side (Transaction.type). For credit cards Pluggy normalises it:
// purchases are DEBIT, bill payments CREDIT.
type TransactionType string

// The transaction types.
const (
	// TransactionTypeDebit is money that left the account.
	TransactionTypeDebit TransactionType = "DEBIT"
	// TransactionTypeCredit is money that entered the account.
	TransactionTypeCredit TransactionType = "CREDIT"
)

// TransactionStatus is the settlement status of a transaction (Transaction.status).
type TransactionStatus string

// The transaction statuses.
const (
	// TransactionStatusPosted is a settled transaction.
	TransactionStatusPosted TransactionStatus = "POSTED"
	// TransactionStatusPending is authorised but not settled yet (typical of
	// card purchases not yet on a closed bill).
	TransactionStatusPending TransactionStatus = "PENDING"
)

// PaymentMethod is the payment rail of a transfer (PaymentData.paymentMethod).
type PaymentMethod string

// The payment rails the spec names.
const (
	// PaymentMethodPix is an instant Pix transfer.
	PaymentMethodPix PaymentMethod = "PIX"
	// PaymentMethodTED is a same-day inter-bank transfer.
	PaymentMethodTED PaymentMethod = "TED"
	// PaymentMethodDOC is a next-day inter-bank transfer (retired by the Central Bank).
	PaymentMethodDOC PaymentMethod = "DOC"
	// PaymentMethodTEV is a transfer between accounts of the same institution.
	PaymentMethodTEV PaymentMethod = "TEV"
	// PaymentMethodBoleto is a bank slip payment.
	PaymentMethodBoleto PaymentMethod = "BOLETO"
)

// DocumentType is the kind of a Brazilian tax document (Document.type).
type DocumentType string

// The document types.
const (
	DocumentTypeCPF  DocumentType = "CPF"
	DocumentTypeCNPJ DocumentType = "CNPJ"
)

// CreditCardFeeType is the kind of fee a card transaction charges
// (CreditCardMetadata.feeType).
type CreditCardFeeType string

// The credit card fee types.
const (
	CreditCardFeeAnnual                     CreditCardFeeType = "ANNUAL_FEE"
	CreditCardFeeATMWithdrawalDomestic      CreditCardFeeType = "ATM_WITHDRAWAL_DOMESTIC"
	CreditCardFeeATMWithdrawalInternational CreditCardFeeType = "ATM_WITHDRAWAL_INTERNATIONAL"
	CreditCardFeeEmergencyCreditEvaluation  CreditCardFeeType = "EMERGENCY_CREDIT_EVALUATION"
	CreditCardFeeCardReissue                CreditCardFeeType = "CARD_REISSUE"
	CreditCardFeeBillPayment                CreditCardFeeType = "BILL_PAYMENT_FEE"
	CreditCardFeeSMS                        CreditCardFeeType = "SMS"
	CreditCardFeeOther                      CreditCardFeeType = "OTHER"
)

// CreditCardOtherCreditsType is the kind of credit contracted on a card
// (CreditCardMetadata.otherCreditsType).
type CreditCardOtherCreditsType string

// The kinds of credit contracted on a card.
const (
	CreditCardCreditRevolving       CreditCardOtherCreditsType = "REVOLVING_CREDIT"
	CreditCardCreditBillInstallment CreditCardOtherCreditsType = "BILL_INSTALLMENT"
	CreditCardCreditLoan            CreditCardOtherCreditsType = "LOAN"
	CreditCardCreditOther           CreditCardOtherCreditsType = "OTHER"
)

// Transaction is a movement of an account (Transaction), as read by
// GET /v2/transactions, GET /transactions/{id} and PATCH /transactions/{id}.
type Transaction struct {
	// ID is the transaction's primary identifier.
	ID string `json:"id"`
	// Description is the cleaned-up description.
	Description string `json:"description"`
	// DescriptionRaw is the description as the institution sent it.
	DescriptionRaw *string `json:"descriptionRaw,omitempty"`
	// CurrencyCode is the currency of Amount ("BRL").
	CurrencyCode string `json:"currencyCode"`
	// Amount is the transaction's amount (negative for a debit of a bank account).
	Amount Decimal `json:"amount"`
	// AmountInAccountCurrency is Amount converted to the account's currency,
	// present when the two differ.
	AmountInAccountCurrency Decimal `json:"amountInAccountCurrency,omitzero"`
	// Date is when the transaction was made.
	Date time.Time `json:"date"`
	// Type is DEBIT or CREDIT.
	Type TransactionType `json:"type,omitempty"`
	// Balance is the account's balance right after the transaction, when
	// the institution tells.
	Balance Decimal `json:"balance,omitzero"`
	// ProviderCode is the institution's code for the transaction (NSU, ...).
	ProviderCode *string `json:"providerCode,omitempty"`
	// Status is POSTED or PENDING.
	Status TransactionStatus `json:"status,omitempty"`
	// Category is the category's description ("Restaurants").
	Category *string `json:"category,omitempty"`
	// CategoryID is the category's id (see client.Categories).
	CategoryID *string `json:"categoryId,omitempty"`
	// PaymentData describes the parties of a transfer or payment.
	PaymentData *PaymentData `json:"paymentData,omitempty"`
	// CreditCardMetadata holds the fields of a card transaction.
	CreditCardMetadata *CreditCardMetadata `json:"creditCardMetadata,omitempty"`
	// Merchant is the merchant Pluggy recognised in the transaction.
	Merchant *Merchant `json:"merchant,omitempty"`
	// OperationType is the institution's classification (Open Finance only).
	OperationType *string `json:"operationType,omitempty"`
	// OperationTypeAdditionalInfo complements OperationType (Open Finance only).
	OperationTypeAdditionalInfo *string `json:"operationTypeAdditionalInfo,omitempty"`
	// ProviderID is the institution's id of the transaction (Open Finance only).
	ProviderID *string `json:"providerId,omitempty"`
	// AccountID is the account the transaction belongs to.
	AccountID string `json:"accountId"`
	// Order is the transaction's position among those of the same day.
	Order *int `json:"order,omitempty"`
	// CreatedAt is when Pluggy first collected the transaction.
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when the transaction data last changed.
	UpdatedAt time.Time `json:"updatedAt"`
}

// PaymentData describes the parties of a transfer or payment (PaymentData).
type PaymentData struct {
	// Payer is who sent the money.
	Payer *PaymentDataParticipant `json:"payer,omitempty"`
	// Receiver is who received it.
	Receiver *PaymentDataParticipant `json:"receiver,omitempty"`
	// Reason is the motive the user gave.
	Reason *string `json:"reason,omitempty"`
	// ReferenceNumber is the transfer's reference number.
	ReferenceNumber *string `json:"referenceNumber,omitempty"`
	// ReceiverReferenceID is the receiver's own reference of the payment request.
	ReceiverReferenceID *string `json:"receiverReferenceId,omitempty"`
	// PaymentMethod is the rail: PIX, TED, DOC, TEV or BOLETO.
	PaymentMethod PaymentMethod `json:"paymentMethod,omitempty"`
	// BoletoMetadata describes the boleto paid, if one was.
	BoletoMetadata *PaymentDataBoletoMetadata `json:"boletoMetadata,omitempty"`
}

// PaymentDataParticipant is a party of a transfer (PaymentDataParticipant).
type PaymentDataParticipant struct {
	// DocumentNumber is the party's CPF or CNPJ.
	DocumentNumber *Document `json:"documentNumber,omitempty"`
	// Name is the party's full name.
	Name *string `json:"name,omitempty"`
	// AccountNumber is the party's account number at the branch.
	AccountNumber *string `json:"accountNumber,omitempty"`
	// BranchNumber is the agency number.
	BranchNumber *string `json:"branchNumber,omitempty"`
	// RoutingNumber is the bank's COMPE number ("341").
	RoutingNumber *string `json:"routingNumber,omitempty"`
	// RoutingNumberISPB is the bank's ISPB number.
	RoutingNumberISPB *string `json:"routingNumberISPB,omitempty"`
}

// Document is a tax document, type and formatted value (Document).
type Document struct {
	// Type is CPF or CNPJ.
	Type DocumentType `json:"type,omitempty"`
	// Value is the formatted number.
	Value *string `json:"value,omitempty"`
}

// PaymentDataBoletoMetadata describes a boleto paid by a transaction
// (PaymentDataBoletoMetadata).
type PaymentDataBoletoMetadata struct {
	// DigitableLine is the boleto's linha digitável.
	DigitableLine *string `json:"digitableLine,omitempty"`
	// Barcode is the boleto's barcode number.
	Barcode *string `json:"barcode,omitempty"`
	// BaseAmount is the original amount, before penalties, interest and discounts.
	BaseAmount Decimal `json:"baseAmount,omitzero"`
	// InterestAmount is the interest charged.
	InterestAmount Decimal `json:"interestAmount,omitzero"`
	// PenaltyAmount is the penalty charged.
	PenaltyAmount Decimal `json:"penaltyAmount,omitzero"`
	// DiscountAmount is the discount given.
	DiscountAmount Decimal `json:"discountAmount,omitzero"`
}

// CreditCardMetadata are the fields of a credit card transaction
// (CreditCardMetadata).
type CreditCardMetadata struct {
	// InstallmentNumber is this installment's number.
	InstallmentNumber *int `json:"installmentNumber,omitempty"`
	// TotalInstallments is the purchase's number of installments.
	TotalInstallments *int `json:"totalInstallments,omitempty"`
	// TotalAmount is the purchase's total amount.
	TotalAmount Decimal `json:"totalAmount,omitzero"`
	// FeeType is the kind of fee, when the transaction is a fee (tarifa).
	FeeType CreditCardFeeType `json:"feeType,omitempty"`
	// FeeTypeAdditionalInfo describes the fee when FeeType is OTHER.
	FeeTypeAdditionalInfo *string `json:"feeTypeAdditionalInfo,omitempty"`
	// OtherCreditsType is the kind of credit, when the transaction is a
	// contracted credit operation.
	OtherCreditsType CreditCardOtherCreditsType `json:"otherCreditsType,omitempty"`
	// OtherCreditsAdditionalInfo describes the credit when OtherCreditsType is OTHER.
	OtherCreditsAdditionalInfo *string `json:"otherCreditsAdditionalInfo,omitempty"`
	// PurchaseDate is the date of the original purchase.
	PurchaseDate time.Time `json:"purchaseDate,omitzero"`
	// PayeeMCC is the merchant category code.
	PayeeMCC *string `json:"payeeMCC,omitempty"`
	// CardNumber is the (masked) card used, which may be an additional or
	// virtual card.
	CardNumber *string `json:"cardNumber,omitempty"`
	// BillID is the bill the transaction is on (see client.Bills).
	BillID *string `json:"billId,omitempty"`
	// BillForecastDate is the bill period ("YYYY-MM") the transaction is
	// expected on, also for pending ones (Open Finance only).
	BillForecastDate *string `json:"billForecastDate,omitempty"`
}

// CursorPage is one page of a cursor-paged list: GET /v2/transactions
// ({results, next}).
type CursorPage[T any] struct {
	// Results are this page's results.
	Results []T `json:"results"`
	// Next is the query string of the next page ("?accountId=…&after=…"),
	// nil on the last page. Pass it to ListNext as it is.
	Next *string `json:"next"`
}

// HasNext reports whether a page follows this one.
func (p *CursorPage[T]) HasNext() bool { return p != nil && p.Next != nil && *p.Next != "" }

// TransactionListParams filters GET /v2/transactions.
type TransactionListParams struct {
	// IDs keeps only these transactions (at most 500).
	IDs []string
	// DateFrom keeps transactions dated on or after this day. It cannot be
	// combined with CreatedAtFrom.
	DateFrom Date
	// DateTo keeps transactions dated on or before this day.
	DateTo Date
	// CreatedAtFrom keeps transactions Pluggy collected at or after this
	// time (for incremental syncs, e.g. after a transactions/created webhook).
	CreatedAtFrom time.Time
	// After is a cursor value to start after. To continue from a page, pass
	// its Next to ListNext instead, which sends the server's query as given.
	After string
}

// TransactionPageParams filters the deprecated GET /transactions.
type TransactionPageParams struct {
	// IDs keeps only these transactions (at most 500); the API then ignores
	// From and To.
	IDs []string
	// From keeps transactions dated on or after this day.
	From Date
	// To keeps transactions dated on or before this day.
	To Date
	// PageSize is the number of results per page, 1 to 500 (the API's
	// default when zero).
	PageSize int
	// Page is the page number, from 1 (1 when zero).
	Page int
	// BillID keeps the transactions of this credit card bill.
	BillID string
	// CreatedAtFrom keeps transactions Pluggy collected at or after this time.
	CreatedAtFrom time.Time
}

const routeTransactionsV2 = "GET /v2/transactions"

// List returns the first page of an account's transactions
// (GET /v2/transactions, cursor-paged). Follow page.Next with ListNext, or
// use All to walk every page.
//
// It returns an *ArgumentError without sending anything when accountID is
// empty, when there are more than 500 ids or an empty one, when DateFrom is
// combined with CreatedAtFrom, or when DateFrom is after DateTo.
func (s *TransactionsService) List(ctx context.Context, accountID string, params *TransactionListParams, opts ...RequestOption) (*CursorPage[Transaction], error) {
	if err := requireID("accountId", accountID); err != nil {
		return nil, err
	}
	var q query
	q.str("accountId", accountID)
	if p := params; p != nil {
		if err := checkIDList("ids", p.IDs); err != nil {
			return nil, err
		}
		if !p.DateFrom.IsZero() && !p.CreatedAtFrom.IsZero() {
			return nil, paramErr("dateFrom", "cannot be combined with createdAtFrom")
		}
		if !p.DateFrom.IsZero() && !p.DateTo.IsZero() && p.DateTo.Before(p.DateFrom) {
			return nil, paramErr("dateFrom", "%s is after dateTo %s", p.DateFrom, p.DateTo)
		}
		q.csv("ids", p.IDs)
		q.date("dateFrom", p.DateFrom)
		q.date("dateTo", p.DateTo)
		q.time("createdAtFrom", p.CreatedAtFrom)
		q.str("after", p.After)
	}
	var out CursorPage[Transaction]
	if err := s.client.call(ctx, routeTransactionsV2, nil, q.values(), nil, &out, opts...); err != nil {
		return nil, err
	}
	return checkCursorPage(&out)
}

// ListNext returns the page a CursorPage's Next points to
// (GET /v2/transactions). next is sent exactly as the server wrote it,
// without decoding or re-encoding, so that its cursor reaches the server
// intact. An *ArgumentError says next is empty or not a query string.
func (s *TransactionsService) ListNext(ctx context.Context, next string, opts ...RequestOption) (*CursorPage[Transaction], error) {
	raw, err := nextQuery(next)
	if err != nil {
		return nil, &ArgumentError{Param: "next", Problem: err.Error()}
	}
	var out CursorPage[Transaction]
	if err := s.client.callRaw(ctx, routeTransactionsV2, nil, raw, nil, &out, opts...); err != nil {
		return nil, err
	}
	return checkCursorPage(&out)
}

// All yields every transaction of an account, walking GET /v2/transactions
// page by page through its cursor. The first page is requested when the
// loop starts; each next page once the loop has taken the first
// transaction of the page before it, or, when the loop has already finished
// that page, as soon as its answer arrives (its next cursor is read before
// the page is decoded), so that requests travel while the client decodes and
// the loop works: at most one request ahead, at most two pages in memory,
// every request inside the rate limiter. Breaking out, or the end of ctx,
// cancels the request ahead and waits for it, leaving nothing running.
//
// An error (an *ArgumentError from the parameters, an *Error from the API, ...)
// is yielded once, after every transaction before it, and ends the loop.
// So does a broken cursor: a next already followed in this sweep (A→B→A),
// or a page with no transactions that still points to a next page, each a
// *DecodeError.
func (s *TransactionsService) All(ctx context.Context, accountID string, params *TransactionListParams, opts ...RequestOption) iter.Seq2[Transaction, error] {
	return func(yield func(Transaction, error) bool) {
		s.sweepTransactions(ctx, accountID, params, opts, yield)
	}
}

// ListPaged returns one page of an account's transactions from the
// page-numbered GET /transactions.
//
// Deprecated: GET /transactions is sunset on 2026-12-31, and Pluggy already
// answers some keys with 410 ENDPOINT_DEPRECATED, an *Error matching
// ErrDeprecated. Use List, ListNext and All (GET /v2/transactions).
func (s *TransactionsService) ListPaged(ctx context.Context, accountID string, params *TransactionPageParams, opts ...RequestOption) (*Page[Transaction], error) {
	if err := requireID("accountId", accountID); err != nil {
		return nil, err
	}
	var q query
	q.str("accountId", accountID)
	if p := params; p != nil {
		if err := checkIDList("ids", p.IDs); err != nil {
			return nil, err
		}
		if err := checkPage(p.Page, p.PageSize); err != nil {
			return nil, err
		}
		if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
			return nil, paramErr("from", "%s is after to %s", p.From, p.To)
		}
		q.csv("ids", p.IDs)
		q.date("from", p.From)
		q.date("to", p.To)
		q.int("pageSize", p.PageSize)
		q.int("page", p.Page)
		q.str("billId", p.BillID)
		q.time("createdAtFrom", p.CreatedAtFrom)
	}
	return callFor[Page[Transaction]](ctx, s.client, "GET /transactions", nil, q.values(), nil, opts...)
}

// Get returns one transaction (GET /transactions/{id}). A missing one is an
// *Error matching ErrNotFound.
func (s *TransactionsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Transaction, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Transaction](ctx, s.client, "GET /transactions/{id}", []string{id}, nil, nil, opts...)
}

// UpdateCategory recategorises a transaction and returns it updated
// (PATCH /transactions/{id} with {categoryId}). categoryID is a category's
// id from client.Categories. An unknown transaction is an *Error matching
// ErrNotFound; a refused category a 400 *Error.
func (s *TransactionsService) UpdateCategory(ctx context.Context, id, categoryID string, opts ...RequestOption) (*Transaction, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("categoryId", categoryID); err != nil {
		return nil, err
	}
	body := struct {
		CategoryID string `json:"categoryId"`
	}{categoryID}
	return callFor[Transaction](ctx, s.client, "PATCH /transactions/{id}", []string{id}, nil, body, opts...)
}

// checkIDList validates a list of ids sent comma-joined: at most
// MaxTransactionIDs, none empty, none holding a comma.
func checkIDList(param string, ids []string) error {
	if len(ids) > MaxTransactionIDs {
		return paramErr(param, "at most %d ids per request, got %d", MaxTransactionIDs, len(ids))
	}
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			return paramErr(param, "id #%d is empty", i+1)
		}
		if strings.Contains(id, ",") {
			return paramErr(param, "id #%d contains a comma", i+1)
		}
	}
	return nil
}

// checkCursorPage refuses a page whose next is not a usable query string,
// before anyone follows it.
func checkCursorPage(p *CursorPage[Transaction]) (*CursorPage[Transaction], error) {
	if p.HasNext() {
		if _, err := nextQuery(*p.Next); err != nil {
			return nil, &DecodeError{Route: routeTransactionsV2, StatusCode: http.StatusOK, Err: fmt.Errorf("next: %w", err)}
		}
	}
	return p, nil
}

// nextQuery returns the raw query of a next link: "?a=b&c=d" or "a=b&c=d"
// as it is (without the "?"); a path or URL ending in a query is cut to the
// query, so that a next always goes to the client's own base URL. It fails
// on what cannot go in a request line as given (spaces, control
// characters, non-ASCII bytes, '#').
func nextQuery(next string) (string, error) {
	if i := strings.IndexByte(next, '?'); i >= 0 && !strings.ContainsAny(next[:i], "=&") {
		next = next[i+1:]
	}
	if next == "" {
		return "", errors.New("is empty")
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return "", fmt.Errorf("byte %d (%#x) cannot be sent in a query string as is", i, c)
		}
	}
	return next, nil
}
