package pluggy

import (
	"context"
	"iter"
	"time"
)

// AccountType is the top-level category of an account (Account.type).
type AccountType string

// The account types.
const (
	// AccountTypeBank is a deposit account (checking, savings); BankData is set.
	AccountTypeBank AccountType = "BANK"
	// AccountTypeCredit is a credit card account; CreditData is set.
	AccountTypeCredit AccountType = "CREDIT"
)

// AccountSubtype is the kind of account within its type (Account.subtype).
type AccountSubtype string

// The account subtypes.
const (
	// AccountSubtypeSavings is a conta poupança (type BANK).
	AccountSubtypeSavings AccountSubtype = "SAVINGS_ACCOUNT"
	// AccountSubtypeChecking is a conta corrente (type BANK).
	AccountSubtypeChecking AccountSubtype = "CHECKING_ACCOUNT"
	// AccountSubtypeCreditCard is a credit card (type CREDIT); its number is
	// masked to the last four digits.
	AccountSubtypeCreditCard AccountSubtype = "CREDIT_CARD"
)

// CreditCardStatus is the status of a credit card (CreditData.status).
type CreditCardStatus string

// The credit card statuses.
const (
	CreditCardStatusActive    CreditCardStatus = "ACTIVE"
	CreditCardStatusBlocked   CreditCardStatus = "BLOCKED"
	CreditCardStatusCancelled CreditCardStatus = "CANCELLED"
)

// CreditCardHolderType says whether the card is the main or an additional one
// (CreditData.holderType).
type CreditCardHolderType string

// The credit card holder types.
const (
	CreditCardHolderMain       CreditCardHolderType = "MAIN"
	CreditCardHolderAdditional CreditCardHolderType = "ADDITIONAL"
)

// CreditLineName names a credit limit line of a card
// (DisaggregatedCreditLimit.lineName).
type CreditLineName string

// The credit limit lines.
const (
	CreditLineCashPurchase     CreditLineName = "CREDITO_A_VISTA"
	CreditLineInstallments     CreditLineName = "CREDITO_PARCELADO"
	CreditLineWithdrawalBrazil CreditLineName = "SAQUE_CREDITO_BRASIL"
	CreditLineWithdrawalAbroad CreditLineName = "SAQUE_CREDITO_EXTERIOR"
	CreditLinePayrollCardLoan  CreditLineName = "EMPRESTIMO_CARTAO_CONSIGNADO"
	CreditLineOther            CreditLineName = "OUTROS"
)

// Account is a bank account or a credit card of an item (Account), as read by
// GET /accounts and GET /accounts/{id}.
type Account struct {
	// ID is the account's primary identifier.
	ID string `json:"id"`
	// Type is BANK or CREDIT.
	Type AccountType `json:"type"`
	// Subtype is CHECKING_ACCOUNT, SAVINGS_ACCOUNT or CREDIT_CARD.
	Subtype AccountSubtype `json:"subtype"`
	// Number is the institution's number of the account ("0001/12345-0");
	// masked for credit cards.
	Number string `json:"number"`
	// Name is the account's descriptive name.
	Name string `json:"name"`
	// MarketingName is the name the institution markets the account under.
	MarketingName *string `json:"marketingName,omitempty"`
	// Balance is the account's funds as the institution reports them.
	Balance Decimal `json:"balance"`
	// ItemID is the item the account belongs to.
	ItemID string `json:"itemId"`
	// TaxNumber is the owner's tax id (CPF or CNPJ), as the institution formats it.
	TaxNumber *string `json:"taxNumber,omitempty"`
	// Owner is the owner's name.
	Owner *string `json:"owner,omitempty"`
	// CurrencyCode is the currency of the balance ("BRL").
	CurrencyCode string `json:"currencyCode"`
	// BankData holds the fields of a BANK account.
	BankData *BankData `json:"bankData,omitempty"`
	// CreditData holds the fields of a CREDIT account.
	CreditData *CreditData `json:"creditData,omitempty"`
	// CreatedAt is when Pluggy first collected the account.
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when the account data last changed.
	UpdatedAt time.Time `json:"updatedAt"`
}

// BankData are the fields of a bank account (BankData).
type BankData struct {
	// TransferNumber is the complete number for transfers (agency / account).
	TransferNumber *string `json:"transferNumber,omitempty"`
	// ClosingBalance is the balance including transactions not yet posted.
	ClosingBalance Decimal `json:"closingBalance,omitzero"`
	// AutomaticallyInvestedBalance is the part the institution invests automatically.
	AutomaticallyInvestedBalance Decimal `json:"automaticallyInvestedBalance,omitzero"`
	// OverdraftContractedLimit is the contracted overdraft limit (cheque especial).
	OverdraftContractedLimit Decimal `json:"overdraftContractedLimit,omitzero"`
	// OverdraftUsedLimit is the part of the overdraft limit in use.
	OverdraftUsedLimit Decimal `json:"overdraftUsedLimit,omitzero"`
	// UnarrangedOverdraftAmount is the emergency credit granted beyond the
	// contracted limit.
	UnarrangedOverdraftAmount Decimal `json:"unarrangedOverdraftAmount,omitzero"`
	// HasReservedBalance tells whether part of the funds is reserved
	// (caixinhas, judicial holds).
	HasReservedBalance *bool `json:"hasReservedBalance,omitempty"`
	// ReservedBalances lists the reserved funds, when the institution tells.
	ReservedBalances []ReservedBalance `json:"reservedBalances,omitempty"`
}

// ReservedBalance is money set aside on a bank account (ReservedBalance).
type ReservedBalance struct {
	// Name is the user's name for the reservation ("Caixinha Para Férias").
	Name *string `json:"name,omitempty"`
	// Identification is the reservation's unique identifier.
	Identification string `json:"identification"`
	// AvailableAmounts are the amounts, one per remuneration band.
	AvailableAmounts []ReservedBalanceAmount `json:"availableAmounts"`
}

// ReservedBalanceAmount is one amount of a reservation (ReservedBalanceAmount).
type ReservedBalanceAmount struct {
	// Amount is the reserved amount.
	Amount Decimal `json:"amount"`
	// CurrencyCode is its currency ("BRL").
	CurrencyCode string `json:"currencyCode"`
	// Remuneration is how the amount earns, if it does.
	Remuneration *ReservedBalanceRemuneration `json:"remuneration,omitempty"`
}

// ReservedBalanceRemuneration is how a reserved amount earns
// (ReservedBalanceRemuneration).
type ReservedBalanceRemuneration struct {
	// PreFixedRate is the fixed rate as a fraction (0.3 is 30%).
	PreFixedRate Decimal `json:"preFixedRate,omitzero"`
	// PostFixedIndexerPercentage is the share of the indexer (1.1 is 110%).
	PostFixedIndexerPercentage Decimal `json:"postFixedIndexerPercentage,omitzero"`
	// RateType is LINEAR or EXPONENCIAL.
	RateType *string `json:"rateType,omitempty"`
	// Indexer is the reference (CDI, IPCA, SELIC, ...).
	Indexer *string `json:"indexer,omitempty"`
	// Calculation is DIAS_UTEIS or DIAS_CORRIDOS.
	Calculation *string `json:"calculation,omitempty"`
	// RatePeriodicity is MENSAL, ANUAL, DIARIO or SEMESTRAL.
	RatePeriodicity *string `json:"ratePeriodicity,omitempty"`
	// IndexerAdditionalInfo describes the indexer when it is OUTROS.
	IndexerAdditionalInfo *string `json:"indexerAdditionalInfo,omitempty"`
}

// CreditData are the fields of a credit card account (CreditData).
type CreditData struct {
	// Level is the card level ("BLACK", "PLATINUM").
	Level *string `json:"level,omitempty"`
	// Brand is the card brand ("VISA", "MASTERCARD", "ELO").
	Brand *string `json:"brand,omitempty"`
	// BrandAdditionalInfo describes the brand when it is OTHER.
	BrandAdditionalInfo *string `json:"brandAdditionalInfo,omitempty"`
	// BalanceCloseDate is when the current bill closes.
	BalanceCloseDate time.Time `json:"balanceCloseDate,omitzero"`
	// BalanceDueDate is when the current bill is due.
	BalanceDueDate time.Time `json:"balanceDueDate,omitzero"`
	// AvailableCreditLimit is the limit left to spend.
	AvailableCreditLimit Decimal `json:"availableCreditLimit,omitzero"`
	// BalanceForeignCurrency is the balance in USD.
	BalanceForeignCurrency Decimal `json:"balanceForeignCurrency,omitzero"`
	// MinimumPayment is the minimum payment due.
	MinimumPayment Decimal `json:"minimumPayment,omitzero"`
	// CreditLimit is the most that can be spent.
	CreditLimit Decimal `json:"creditLimit,omitzero"`
	// IsLimitFlexible tells whether the limit can be raised on request.
	IsLimitFlexible *bool `json:"isLimitFlexible,omitempty"`
	// Status is ACTIVE, BLOCKED or CANCELLED.
	Status CreditCardStatus `json:"status,omitempty"`
	// HolderType is MAIN or ADDITIONAL.
	HolderType CreditCardHolderType `json:"holderType,omitempty"`
	// DisaggregatedCreditLimits breaks the limit down by credit line.
	DisaggregatedCreditLimits []DisaggregatedCreditLimit `json:"disaggregatedCreditLimits,omitempty"`
	// AdditionalCards lists the additional cards of this one.
	AdditionalCards []AdditionalCard `json:"additionalCards,omitempty"`
}

// UnmarshalJSON also accepts balanceCloseDate and balanceDueDate written without a time zone, as Pluggy's
// reference shows them, reading them as UTC.
func (v *CreditData) UnmarshalJSON(b []byte) error {
	type plain CreditData
	return decodeFast(lenientTimes(b, "balanceCloseDate", "balanceDueDate"), (*plain)(v))
}

// DisaggregatedCreditLimit is the limit of one credit line of a card
// (DisaggregatedCreditLimit).
type DisaggregatedCreditLimit struct {
	// CreditLineLimitType is LIMITE_CREDITO_TOTAL or LIMITE_CREDITO_MODALIDADE_OPERACAO.
	CreditLineLimitType string `json:"creditLineLimitType"`
	// ConsolidationType says whether the limit is consolidated or individual.
	ConsolidationType string `json:"consolidationType"`
	// IdentificationNumber identifies the (additional) card.
	IdentificationNumber string `json:"identificationNumber"`
	// IsLimitFlexible tells whether the limit is flexible.
	IsLimitFlexible bool `json:"isLimitFlexible"`
	// UsedAmount is the amount in use.
	UsedAmount Decimal `json:"usedAmount"`
	// UsedAmountCurrencyCode is its currency.
	UsedAmountCurrencyCode string `json:"usedAmountCurrencyCode"`
	// LineName names the credit line.
	LineName CreditLineName `json:"lineName,omitempty"`
	// LineNameAdditionalInfo describes the line when it is OUTROS.
	LineNameAdditionalInfo *string `json:"lineNameAdditionalInfo,omitempty"`
	// LimitAmount is the line's limit.
	LimitAmount Decimal `json:"limitAmount,omitzero"`
	// LimitAmountCurrencyCode is its currency.
	LimitAmountCurrencyCode *string `json:"limitAmountCurrencyCode,omitempty"`
	// LimitAmountReason says why the limit is zero, when it is.
	LimitAmountReason *string `json:"limitAmountReason,omitempty"`
	// CustomizedLimitAmount is the limit the customer set.
	CustomizedLimitAmount Decimal `json:"customizedLimitAmount,omitzero"`
	// CustomizedLimitAmountCurrencyCode is its currency.
	CustomizedLimitAmountCurrencyCode *string `json:"customizedLimitAmountCurrencyCode,omitempty"`
	// AvailableAmount is the amount left on the line.
	AvailableAmount Decimal `json:"availableAmount,omitzero"`
	// AvailableAmountCurrencyCode is its currency.
	AvailableAmountCurrencyCode *string `json:"availableAmountCurrencyCode,omitempty"`
}

// AdditionalCard is an additional card of a credit card account (AdditionalCard).
type AdditionalCard struct {
	// Number is the additional card's (masked) number.
	Number string `json:"number"`
}

// AccountBalance is the real-time balance of an account, read from the
// institution by GET /accounts/{id}/balance.
type AccountBalance struct {
	// Balance is the available balance, as Account.Balance.
	Balance Decimal `json:"balance"`
	// CurrencyCode is its currency ("BRL").
	CurrencyCode string `json:"currencyCode"`
	// UpdateDateTime is when the institution last updated the balance.
	UpdateDateTime time.Time `json:"updateDateTime"`
	// BlockedBalance is the blocked part of the funds (sent by the live API;
	// not in the spec's schema).
	BlockedBalance Decimal `json:"blockedBalance,omitzero"`
	// AutomaticallyInvestedBalance is the automatically invested part (sent
	// by the live API; not in the spec's schema).
	AutomaticallyInvestedBalance Decimal `json:"automaticallyInvestedBalance,omitzero"`
}

// AccountStatement is a monthly statement file of an account
// (GET /accounts/{id}/statements).
type AccountStatement struct {
	// ID is the statement's identifier.
	ID string `json:"id"`
	// MonthYear is the statement's month, "MM-YYYY".
	MonthYear string `json:"monthYear"`
	// URL is a signed link to the file, valid for 30 minutes.
	URL string `json:"url"`
}

// AccountListParams filters GET /accounts.
type AccountListParams struct {
	// Type keeps only BANK or only CREDIT accounts; empty keeps both.
	Type AccountType
}

// List returns the accounts of an item (GET /accounts). The API does not
// page this list: every account comes in the one answer.
//
// It returns an *ArgumentError without sending anything when itemID is empty.
func (s *AccountsService) List(ctx context.Context, itemID string, params *AccountListParams, opts ...RequestOption) (*Page[Account], error) {
	if err := requireID("itemId", itemID); err != nil {
		return nil, err
	}
	var q query
	q.str("itemId", itemID)
	if params != nil {
		q.str("type", string(params.Type))
	}
	return callFor[Page[Account]](ctx, s.client, "GET /accounts", nil, q.values(), nil, opts...)
}

// All yields every account of an item (GET /accounts, one request, made
// when the loop starts). An error is yielded once and ends the loop.
func (s *AccountsService) All(ctx context.Context, itemID string, params *AccountListParams, opts ...RequestOption) iter.Seq2[Account, error] {
	return allOf(func() ([]Account, error) {
		p, err := s.List(ctx, itemID, params, opts...)
		if err != nil {
			return nil, err
		}
		return p.Results, nil
	})
}

// Get returns one account (GET /accounts/{id}). A missing account is an
// *Error matching ErrNotFound.
func (s *AccountsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Account, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Account](ctx, s.client, "GET /accounts/{id}", []string{id}, nil, nil, opts...)
}

// GetBalance reads the account's balance from the institution now, without
// a full item sync (GET /accounts/{id}/balance). Beyond the usual errors the
// institution may refuse it: 403 BALANCE_CONSENT_ERROR (consent expired or
// lacking the permission), 404 BALANCE_NOT_FOUND, 429
// BALANCE_OPEN_FINANCE_RATE_LIMIT, 502 BALANCE_CONNECTOR_UNAVAILABLE.
func (s *AccountsService) GetBalance(ctx context.Context, id string, opts ...RequestOption) (*AccountBalance, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[AccountBalance](ctx, s.client, "GET /accounts/{id}/balance", []string{id}, nil, nil, opts...)
}

// ListStatements returns the monthly statement files of an account
// (GET /accounts/{id}/statements). The API does not page this list. Each
// URL is valid for 30 minutes.
func (s *AccountsService) ListStatements(ctx context.Context, id string, opts ...RequestOption) (*Page[AccountStatement], error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Page[AccountStatement]](ctx, s.client, "GET /accounts/{id}/statements", []string{id}, nil, nil, opts...)
}

// AllStatements yields every statement file of an account
// (GET /accounts/{id}/statements, one request, made when the loop starts).
func (s *AccountsService) AllStatements(ctx context.Context, id string, opts ...RequestOption) iter.Seq2[AccountStatement, error] {
	return allOf(func() ([]AccountStatement, error) {
		p, err := s.ListStatements(ctx, id, opts...)
		if err != nil {
			return nil, err
		}
		return p.Results, nil
	})
}

// allOf is the iterator of a list the API answers in one go: fetch runs
// when the loop starts (not before), its results are yielded in order, and
// an error is yielded once and ends the loop.
func allOf[T any](fetch func() ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		results, err := fetch()
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, r := range results {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// errSeq is an iterator that yields err once: the All twin of a call whose
// parameters were refused before any request.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
