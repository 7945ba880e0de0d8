package pluggy

import (
	"context"
	"iter"
	"time"
)

// InvestmentType is the asset class of an investment (Investment.type).
type InvestmentType string

// The investment types.
const (
	// InvestmentTypeCOE is a Certificado de Operações Estruturadas.
	InvestmentTypeCOE InvestmentType = "COE"
	// InvestmentTypeEquity is stocks and equity-like assets.
	InvestmentTypeEquity InvestmentType = "EQUITY"
	// InvestmentTypeETF is an exchange traded fund.
	InvestmentTypeETF InvestmentType = "ETF"
	// InvestmentTypeFixedIncome is CDB, LCI, LCA, debentures, Tesouro Direto, ...
	InvestmentTypeFixedIncome InvestmentType = "FIXED_INCOME"
	// InvestmentTypeMutualFund is a pooled investment fund (FIM, FIA, FIC).
	InvestmentTypeMutualFund InvestmentType = "MUTUAL_FUND"
	// InvestmentTypeSecurity is a private pension product (PGBL, VGBL).
	InvestmentTypeSecurity InvestmentType = "SECURITY"
	// InvestmentTypeOther is anything else.
	InvestmentTypeOther InvestmentType = "OTHER"
)

// InvestmentSubtype is the instrument within an investment type
// (Investment.subtype).
type InvestmentSubtype string

// The investment subtypes.
const (
	InvestmentSubtypeStructuredNote  InvestmentSubtype = "STRUCTURED_NOTE"
	InvestmentSubtypeStock           InvestmentSubtype = "STOCK"
	InvestmentSubtypeETF             InvestmentSubtype = "ETF"
	InvestmentSubtypeRealEstateFund  InvestmentSubtype = "REAL_ESTATE_FUND"
	InvestmentSubtypeBDR             InvestmentSubtype = "BDR"
	InvestmentSubtypeDerivatives     InvestmentSubtype = "DERIVATIVES"
	InvestmentSubtypeOption          InvestmentSubtype = "OPTION"
	InvestmentSubtypeTreasury        InvestmentSubtype = "TREASURY"
	InvestmentSubtypeLCI             InvestmentSubtype = "LCI"
	InvestmentSubtypeLCA             InvestmentSubtype = "LCA"
	InvestmentSubtypeLF              InvestmentSubtype = "LF"
	InvestmentSubtypeCDB             InvestmentSubtype = "CDB"
	InvestmentSubtypeCRI             InvestmentSubtype = "CRI"
	InvestmentSubtypeCRA             InvestmentSubtype = "CRA"
	InvestmentSubtypeCorporateDebt   InvestmentSubtype = "CORPORATE_DEBT"
	InvestmentSubtypeLC              InvestmentSubtype = "LC"
	InvestmentSubtypeDebentures      InvestmentSubtype = "DEBENTURES"
	InvestmentSubtypeInvestmentFund  InvestmentSubtype = "INVESTMENT_FUND"
	InvestmentSubtypeMultimarketFund InvestmentSubtype = "MULTIMARKET_FUND"
	InvestmentSubtypeFixedIncomeFund InvestmentSubtype = "FIXED_INCOME_FUND"
	InvestmentSubtypeStockFund       InvestmentSubtype = "STOCK_FUND"
	InvestmentSubtypeETFFund         InvestmentSubtype = "ETF_FUND"
	InvestmentSubtypeOffshoreFund    InvestmentSubtype = "OFFSHORE_FUND"
	InvestmentSubtypeFIPFund         InvestmentSubtype = "FIP_FUND"
	InvestmentSubtypeExchangeFund    InvestmentSubtype = "EXCHANGE_FUND"
	InvestmentSubtypeFIInfra         InvestmentSubtype = "FI_INFRA"
	InvestmentSubtypeFIAgro          InvestmentSubtype = "FI_AGRO"
	InvestmentSubtypeRetirement      InvestmentSubtype = "RETIREMENT"
	InvestmentSubtypeOther           InvestmentSubtype = "OTHER"
)

// InvestmentStatus is the lifecycle status of an investment (Investment.status).
type InvestmentStatus string

// The investment statuses.
const (
	// InvestmentStatusActive is a position currently held.
	InvestmentStatusActive InvestmentStatus = "ACTIVE"
	// InvestmentStatusPending is an operation requested but not settled.
	InvestmentStatusPending InvestmentStatus = "PENDING"
	// InvestmentStatusTotalWithdrawal is a position fully redeemed.
	InvestmentStatusTotalWithdrawal InvestmentStatus = "TOTAL_WITHDRAWAL"
)

// InvestmentTransactionType is the operation an investment transaction
// performed (InvestmentTransaction.type).
type InvestmentTransactionType string

// The investment transaction types.
const (
	// InvestmentTransactionBuy is a subscription or purchase of quotas.
	InvestmentTransactionBuy InvestmentTransactionType = "BUY"
	// InvestmentTransactionSell is a redemption or sale of quotas.
	InvestmentTransactionSell InvestmentTransactionType = "SELL"
	// InvestmentTransactionTax is a tax withholding (IR, IOF).
	InvestmentTransactionTax InvestmentTransactionType = "TAX"
	// InvestmentTransactionTransfer is a portability or internal transfer;
	// its Amount may be absent.
	InvestmentTransactionTransfer InvestmentTransactionType = "TRANSFER"
	// InvestmentTransactionInterest is interest or yield credited.
	InvestmentTransactionInterest InvestmentTransactionType = "INTEREST"
	// InvestmentTransactionAmortization is a principal repayment.
	InvestmentTransactionAmortization InvestmentTransactionType = "AMORTIZATION"
)

// InvestmentMovementType is the cash-flow direction of an investment
// transaction (InvestmentTransaction.movementType).
type InvestmentMovementType string

// The investment movement types.
const (
	// InvestmentMovementCredit is money into the position.
	InvestmentMovementCredit InvestmentMovementType = "CREDIT"
	// InvestmentMovementDebit is money out of the position.
	InvestmentMovementDebit InvestmentMovementType = "DEBIT"
)

// Investment is one asset held through an item (Investment), as read by
// GET /investments and GET /investments/{id}.
type Investment struct {
	// ID is the investment's primary identifier.
	ID string `json:"id"`
	// ItemID is the item the investment belongs to.
	ItemID string `json:"itemId"`
	// Type is the asset class.
	Type InvestmentType `json:"type"`
	// Subtype is the instrument within Type.
	Subtype InvestmentSubtype `json:"subtype,omitempty"`
	// Number is the holder's reference number of the asset.
	Number *string `json:"number,omitempty"`
	// Balance is the current net balance.
	Balance Decimal `json:"balance"`
	// Name is the asset's name at the institution.
	Name string `json:"name"`
	// LastMonthRate is the performance of the last month.
	LastMonthRate Decimal `json:"lastMonthRate,omitzero"`
	// LastTwelveMonthsRate is the performance of the last 12 months.
	LastTwelveMonthsRate Decimal `json:"lastTwelveMonthsRate,omitzero"`
	// AnnualRate is the performance of the last year.
	AnnualRate Decimal `json:"annualRate,omitzero"`
	// CurrencyCode is the currency of the amounts ("BRL").
	CurrencyCode string `json:"currencyCode"`
	// Code is the asset's code (a fund's CNPJ, a ticker, ...).
	Code *string `json:"code,omitempty"`
	// ISIN is the 12-character international identifier.
	ISIN *string `json:"isin,omitempty"`
	// Value is the quota's value at Date.
	Value Decimal `json:"value,omitzero"`
	// Quantity is the number of quotas held.
	Quantity Decimal `json:"quantity,omitzero"`
	// Amount is the gross amount.
	Amount Decimal `json:"amount,omitzero"`
	// Taxes is the income tax applied.
	Taxes Decimal `json:"taxes,omitzero"`
	// Taxes2 is the financial tax applied (IOF).
	Taxes2 Decimal `json:"taxes2,omitzero"`
	// Date is the date of the quota value.
	Date time.Time `json:"date"`
	// Owner is the owner or beneficiary.
	Owner *string `json:"owner,omitempty"`
	// AmountProfit is the profit or loss to date.
	AmountProfit Decimal `json:"amountProfit,omitzero"`
	// AmountWithdrawal is the amount available to withdraw.
	AmountWithdrawal Decimal `json:"amountWithdrawal,omitzero"`
	// AmountOriginal is the amount originally invested.
	AmountOriginal Decimal `json:"amountOriginal,omitzero"`
	// Metadata holds pension (previdência) and fund details.
	Metadata *InvestmentMetadata `json:"metadata,omitempty"`
	// DueDate is the expiration date.
	DueDate time.Time `json:"dueDate,omitzero"`
	// Issuer is the entity that issued the asset.
	Issuer *string `json:"issuer,omitempty"`
	// IssuerCNPJ is the issuer's CNPJ.
	IssuerCNPJ *string `json:"issuerCNPJ,omitempty"`
	// IssueDate is when the asset was issued.
	IssueDate time.Time `json:"issueDate,omitzero"`
	// PurchaseDate is when the asset was bought.
	PurchaseDate time.Time `json:"purchaseDate,omitzero"`
	// GracePeriodDate is when the grace period ends (fixed income only).
	GracePeriodDate *time.Time `json:"gracePeriodDate,omitempty"`
	// Rate is the fixed rate percentage applied.
	Rate Decimal `json:"rate,omitzero"`
	// RateType is the indexer of Rate ("CDI", "IPCA").
	RateType *string `json:"rateType,omitempty"`
	// FixedAnnualRate is the fixed annual rate.
	FixedAnnualRate Decimal `json:"fixedAnnualRate,omitzero"`
	// TaxExempt tells whether the product is tax-exempt (LCI, LCA, CRI, CRA, ...).
	TaxExempt *bool `json:"taxExempt,omitempty"`
	// RatePeriodicity is DAILY, MONTHLY, SEMESTERLY or YEARLY.
	RatePeriodicity *string `json:"ratePeriodicity,omitempty"`
	// IndexerAdditionalInfo describes a non-standard indexer.
	IndexerAdditionalInfo *string `json:"indexerAdditionalInfo,omitempty"`
	// PriceFactor is B3's lot/price conversion factor (variable income).
	PriceFactor Decimal `json:"priceFactor,omitzero"`
	// Debtor is the underlying debtor of receivables-backed paper (CRI, CRA).
	Debtor *InvestmentDebtor `json:"debtor,omitempty"`
	// CouponPayment is the coupon schedule of coupon-bearing bonds.
	CouponPayment *InvestmentCouponPayment `json:"couponPayment,omitempty"`
	// Status is ACTIVE, PENDING or TOTAL_WITHDRAWAL.
	Status InvestmentStatus `json:"status,omitempty"`
	// Institution is the institution holding the asset (sent by the live
	// API; not in the spec's schema).
	Institution *InvestmentInstitution `json:"institution,omitempty"`
	// Transactions are movements some answers embed (not in the spec's
	// schema); use ListTransactions for the full list.
	Transactions []InvestmentTransaction `json:"transactions,omitempty"`
}

// InvestmentDebtor is the debtor behind a CRI or CRA (Investment.debtor).
type InvestmentDebtor struct {
	// Name is the debtor's name.
	Name *string `json:"name,omitempty"`
}

// InvestmentCouponPayment is the coupon schedule of a bond
// (Investment.couponPayment).
type InvestmentCouponPayment struct {
	// HasCoupon tells whether the bond pays coupons.
	HasCoupon *bool `json:"hasCoupon,omitempty"`
	// Periodicity is how often it pays them.
	Periodicity *string `json:"periodicity,omitempty"`
	// AdditionalInfo complements Periodicity.
	AdditionalInfo *string `json:"additionalInfo,omitempty"`
}

// InvestmentInstitution is the institution of an investment, as some live
// answers carry it.
type InvestmentInstitution struct {
	// Name is the institution's name.
	Name *string `json:"name,omitempty"`
	// Number is its CNPJ, digits only.
	Number *string `json:"number,omitempty"`
}

// InvestmentMetadata holds pension (previdência) and fund details
// (InvestmentMetadata).
type InvestmentMetadata struct {
	// TaxRegime is the pension's tax regime.
	TaxRegime *string `json:"taxRegime,omitempty"`
	// ProposalNumber is the pension's proposal number.
	ProposalNumber *string `json:"proposalNumber,omitempty"`
	// ProcessNumber is the pension's process number.
	ProcessNumber *string `json:"processNumber,omitempty"`
	// FundName is the fund behind the pension.
	FundName *string `json:"fundName,omitempty"`
	// Insurer is the pension's insurer.
	Insurer *Company `json:"insurer,omitempty"`
	// AnbimaClass is the fund's Anbima class (CVM 175).
	AnbimaClass *string `json:"anbimaClass,omitempty"`
	// AnbimaSubclass is the fund's Anbima subclass (CVM 175).
	AnbimaSubclass *string `json:"anbimaSubclass,omitempty"`
	// AnbimaCategory is the legacy Anbima category (FIXED_INCOME, STOCK,
	// MULTIMARKET, EXCHANGE).
	AnbimaCategory *string `json:"anbimaCategory,omitempty"`
}

// Company is a company's name and CNPJ (Company).
type Company struct {
	// Name is the company's name.
	Name *string `json:"name,omitempty"`
	// CNPJ is its CNPJ.
	CNPJ *string `json:"cnpj,omitempty"`
}

// InvestmentTransaction is a movement of an investment (InvestmentTransaction),
// as read by GET /investments/{id}/transactions.
type InvestmentTransaction struct {
	// ID is the movement's primary identifier.
	ID string `json:"id"`
	// Type is the operation (BUY, SELL, TAX, TRANSFER, INTEREST, AMORTIZATION).
	Type InvestmentTransactionType `json:"type"`
	// MovementType is the cash-flow direction (CREDIT or DEBIT).
	MovementType InvestmentMovementType `json:"movementType,omitempty"`
	// Quantity is the number of quotas moved.
	Quantity Decimal `json:"quantity,omitzero"`
	// Value is the quota value on Date.
	Value Decimal `json:"value,omitzero"`
	// Amount is the gross amount (absent only for some TRANSFERs).
	Amount Decimal `json:"amount,omitzero"`
	// AgreedRate is the agreed rate of a treasury purchase.
	AgreedRate Decimal `json:"agreedRate,omitzero"`
	// IndexerPercentage is the agreed share of the indexer (1.1 is 110% of CDI).
	IndexerPercentage Decimal `json:"indexerPercentage,omitzero"`
	// PriceFactor is B3's lot/price conversion factor.
	PriceFactor Decimal `json:"priceFactor,omitzero"`
	// Date is when the movement was made.
	Date time.Time `json:"date"`
	// TradeDate is when it was confirmed.
	TradeDate time.Time `json:"tradeDate,omitzero"`
	// Expenses are the taxes and fees it paid.
	Expenses *InvestmentExpenses `json:"expenses,omitempty"`
	// Description describes the movement (sent by the live API; not in the
	// spec's schema).
	Description *string `json:"description,omitempty"`
	// NetAmount is the amount net of expenses (live API; not in the schema).
	NetAmount Decimal `json:"netAmount,omitzero"`
	// BrokerageNumber is the brokerage note number (live API; not in the schema).
	BrokerageNumber *string `json:"brokerageNumber,omitempty"`
}

// InvestmentExpenses are the taxes and fees of an investment transaction
// (InvestmentExpenses).
type InvestmentExpenses struct {
	// ServiceTax is the ISS.
	ServiceTax Decimal `json:"serviceTax,omitzero"`
	// BrokerageFee is the broker's commission.
	BrokerageFee Decimal `json:"brokerageFee,omitzero"`
	// IncomeTax is the IRRF withheld.
	IncomeTax Decimal `json:"incomeTax,omitzero"`
	// TradingAssetsNoticeFee is the ANA fee.
	TradingAssetsNoticeFee Decimal `json:"tradingAssetsNoticeFee,omitzero"`
	// MaintenanceFee is B3's fee on forwards and options.
	MaintenanceFee Decimal `json:"maintenanceFee,omitzero"`
	// SettlementFee is the settlement fee.
	SettlementFee Decimal `json:"settlementFee,omitzero"`
	// ClearingFee is the registration fee.
	ClearingFee Decimal `json:"clearingFee,omitzero"`
	// StockExchangeFee is B3's emolumentos.
	StockExchangeFee Decimal `json:"stockExchangeFee,omitzero"`
	// CustodyFee is the broker's custody fee.
	CustodyFee Decimal `json:"custodyFee,omitzero"`
	// OperatingFee is the operator's intermediation fee.
	OperatingFee Decimal `json:"operatingFee,omitzero"`
	// Other is the sum of other expenses.
	Other Decimal `json:"other,omitzero"`
	// IOF is the tax on financial operations.
	IOF Decimal `json:"iof,omitzero"`
	// IOFProvision is IOF accrued but not yet paid.
	IOFProvision Decimal `json:"iofProvision,omitzero"`
}

// InvestmentListParams filters and pages GET /investments.
type InvestmentListParams struct {
	// Type keeps only investments of this asset class.
	Type InvestmentType
	// PageSize is the number of results per page, 1 to 500 (the API's
	// default when zero).
	PageSize int
	// Page is the page number, from 1 (1 when zero). All starts there.
	Page int
}

// InvestmentTransactionListParams pages GET /investments/{id}/transactions.
type InvestmentTransactionListParams struct {
	// PageSize is the number of results per page, 1 to 500 (the API's
	// default when zero).
	PageSize int
	// Page is the page number, from 1 (1 when zero). AllTransactions starts there.
	Page int
}

// List returns one page of an item's investments (GET /investments).
// It returns an *ArgumentError without sending anything when itemID is empty or
// the page or pageSize is out of range.
func (s *InvestmentsService) List(ctx context.Context, itemID string, params *InvestmentListParams, opts ...RequestOption) (*Page[Investment], error) {
	if err := requireID("itemId", itemID); err != nil {
		return nil, err
	}
	var p InvestmentListParams
	if params != nil {
		p = *params
	}
	if err := checkPage(p.Page, p.PageSize); err != nil {
		return nil, err
	}
	var q query
	q.str("itemId", itemID)
	q.str("type", string(p.Type))
	q.int("pageSize", p.PageSize)
	q.int("page", p.Page)
	return callFor[Page[Investment]](ctx, s.client, "GET /investments", nil, q.values(), nil, opts...)
}

// All yields every investment of an item, fetching page after page of
// GET /investments only as the loop asks for more. Breaking out stops the
// fetching; an error is yielded once and ends the loop.
func (s *InvestmentsService) All(ctx context.Context, itemID string, params *InvestmentListParams, opts ...RequestOption) iter.Seq2[Investment, error] {
	var p InvestmentListParams
	if params != nil {
		p = *params
	}
	if err := checkPage(p.Page, p.PageSize); err != nil {
		return errSeq[Investment](err)
	}
	return allPages(ctx, "GET /investments", p.Page, func(ctx context.Context, page int) (*Page[Investment], error) {
		pp := p
		pp.Page = page
		return s.List(ctx, itemID, &pp, opts...)
	})
}

// Get returns one investment (GET /investments/{id}). A missing one is an
// *Error matching ErrNotFound.
func (s *InvestmentsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Investment, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Investment](ctx, s.client, "GET /investments/{id}", []string{id}, nil, nil, opts...)
}

// ListTransactions returns one page of an investment's movements
// (GET /investments/{id}/transactions). It returns an *ArgumentError without
// sending anything when id is empty or the page or pageSize is out of range.
func (s *InvestmentsService) ListTransactions(ctx context.Context, id string, params *InvestmentTransactionListParams, opts ...RequestOption) (*Page[InvestmentTransaction], error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	var p InvestmentTransactionListParams
	if params != nil {
		p = *params
	}
	if err := checkPage(p.Page, p.PageSize); err != nil {
		return nil, err
	}
	var q query
	q.int("pageSize", p.PageSize)
	q.int("page", p.Page)
	return callFor[Page[InvestmentTransaction]](ctx, s.client, "GET /investments/{id}/transactions", []string{id}, q.values(), nil, opts...)
}

// AllTransactions yields every movement of an investment, fetching page
// after page of GET /investments/{id}/transactions only as the loop asks.
func (s *InvestmentsService) AllTransactions(ctx context.Context, id string, params *InvestmentTransactionListParams, opts ...RequestOption) iter.Seq2[InvestmentTransaction, error] {
	var p InvestmentTransactionListParams
	if params != nil {
		p = *params
	}
	if err := checkPage(p.Page, p.PageSize); err != nil {
		return errSeq[InvestmentTransaction](err)
	}
	return allPages(ctx, "GET /investments/{id}/transactions", p.Page, func(ctx context.Context, page int) (*Page[InvestmentTransaction], error) {
		pp := p
		pp.Page = page
		return s.ListTransactions(ctx, id, &pp, opts...)
	})
}
