package pluggy

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// SmartTransferPreauthorizationStatus is the lifecycle of a smart transfer
// preauthorization (SmartTransferPreauthorization status).
type SmartTransferPreauthorizationStatus string

// The preauthorization statuses the API lists.
const (
	// SmartTransferPreauthorizationCreated: waiting for the payer's consent
	// (see ConsentURL).
	SmartTransferPreauthorizationCreated SmartTransferPreauthorizationStatus = "CREATED"
	// SmartTransferPreauthorizationCompleted: authorised; payments may be
	// made under it.
	SmartTransferPreauthorizationCompleted SmartTransferPreauthorizationStatus = "COMPLETED"
	// SmartTransferPreauthorizationRevoked: revoked after authorisation.
	SmartTransferPreauthorizationRevoked SmartTransferPreauthorizationStatus = "REVOKED"
	// SmartTransferPreauthorizationRejected: the payer rejected it.
	SmartTransferPreauthorizationRejected SmartTransferPreauthorizationStatus = "REJECTED"
	// SmartTransferPreauthorizationError: the flow failed (see ErrorDetail).
	SmartTransferPreauthorizationError SmartTransferPreauthorizationStatus = "ERROR"
)

// SmartTransferPaymentStatus is the lifecycle of a smart transfer payment
// (SmartTransferPaymentStatus).
type SmartTransferPaymentStatus string

// The smart transfer payment statuses the API lists.
const (
	SmartTransferConsentAuthorized              SmartTransferPaymentStatus = "CONSENT_AUTHORIZED"
	SmartTransferConsentRejected                SmartTransferPaymentStatus = "CONSENT_REJECTED"
	SmartTransferPaymentPending                 SmartTransferPaymentStatus = "PAYMENT_PENDING"
	SmartTransferPaymentPartiallyAccepted       SmartTransferPaymentStatus = "PAYMENT_PARTIALLY_ACCEPTED"
	SmartTransferPaymentSettlementProcessing    SmartTransferPaymentStatus = "PAYMENT_SETTLEMENT_PROCESSING"
	SmartTransferPaymentSettlementDebtorAccount SmartTransferPaymentStatus = "PAYMENT_SETTLEMENT_DEBTOR_ACCOUNT"
	SmartTransferPaymentCompleted               SmartTransferPaymentStatus = "PAYMENT_COMPLETED"
	SmartTransferPaymentRejected                SmartTransferPaymentStatus = "PAYMENT_REJECTED"
	SmartTransferPaymentError                   SmartTransferPaymentStatus = "ERROR"
	SmartTransferPaymentCanceled                SmartTransferPaymentStatus = "CANCELED"
)

// IsFinal reports whether a smart transfer payment in status s will not
// change any more.
func (s SmartTransferPaymentStatus) IsFinal() bool {
	switch s {
	case SmartTransferConsentRejected, SmartTransferPaymentCompleted, SmartTransferPaymentRejected,
		SmartTransferPaymentError, SmartTransferPaymentCanceled:
		return true
	}
	return false
}

// SmartTransferPaymentErrorCode names why a smart transfer payment failed
// (SmartTransferPayment errorDetail code).
type SmartTransferPaymentErrorCode string

// The smart transfer payment error codes the API lists.
const (
	SmartTransferErrInfrastructureFailure       SmartTransferPaymentErrorCode = "INFRASTRUCTURE_FAILURE"
	SmartTransferErrPaymentDifferentFromConsent SmartTransferPaymentErrorCode = "PAYMENT_DIFFERENT_FROM_CONSENT"
	SmartTransferErrUnknown                     SmartTransferPaymentErrorCode = "UNKNOWN_ERROR"
	SmartTransferErrInvalidPaymentDetail        SmartTransferPaymentErrorCode = "INVALID_PAYMENT_DETAIL"
	SmartTransferErrPaymentRejectedByHolder     SmartTransferPaymentErrorCode = "PAYMENT_REJECTED_BY_HOLDER"
	SmartTransferErrPaymentRejectedBySPI        SmartTransferPaymentErrorCode = "PAYMENT_REJECTED_BY_SPI"
)

// SmartTransferCallbackURLs are the pages the payer returns to after the
// preauthorization flow (SmartTransferCallbackUrls).
type SmartTransferCallbackURLs struct {
	// Success is used after the payer authorised (success).
	Success string `json:"success,omitempty"`
	// Error is used after the flow failed (error).
	Error string `json:"error,omitempty"`
}

func (u *SmartTransferCallbackURLs) check(param string) error {
	if u == nil {
		return nil
	}
	if err := checkHTTPURL(param+".success", u.Success); err != nil {
		return err
	}
	return checkHTTPURL(param+".error", u.Error)
}

// SmartTransferPeriodicLimit limits the payments of one period
// (SmartTransferPreauthorizationConfigurationPeriodicLimit); set at least
// one field.
type SmartTransferPeriodicLimit struct {
	// QuantityLimit is the most payments in the period (quantityLimit).
	QuantityLimit *int `json:"quantityLimit,omitempty"`
	// TransactionLimit is the most money in the period (transactionLimit).
	TransactionLimit Decimal `json:"transactionLimit,omitzero"`
}

// SmartTransferPeriodicLimits are the payer's limits by period
// (SmartTransferPreauthorizationConfigurationPeriodicLimits).
type SmartTransferPeriodicLimits struct {
	// Day limits each day (day).
	Day *SmartTransferPeriodicLimit `json:"day,omitempty"`
	// Week limits each week (week).
	Week *SmartTransferPeriodicLimit `json:"week,omitempty"`
	// Month limits each month (month).
	Month *SmartTransferPeriodicLimit `json:"month,omitempty"`
	// Year limits each year (year).
	Year *SmartTransferPeriodicLimit `json:"year,omitempty"`
}

// SmartTransferConfiguration limits what may be paid under a
// preauthorization (SmartTransferPreauthorizationConfiguration).
type SmartTransferConfiguration struct {
	// TotalAllowedAmount caps the sum of every payment (totalAllowedAmount).
	TotalAllowedAmount Decimal `json:"totalAllowedAmount,omitzero"`
	// TransactionLimit caps each payment (transactionLimit).
	TransactionLimit Decimal `json:"transactionLimit,omitzero"`
	// PeriodicLimits cap each period (periodicLimits).
	PeriodicLimits *SmartTransferPeriodicLimits `json:"periodicLimits,omitempty"`
}

func (c *SmartTransferConfiguration) check(param string) error {
	if c == nil {
		return nil
	}
	if err := checkOptionalAmount(param+".totalAllowedAmount", c.TotalAllowedAmount); err != nil {
		return err
	}
	if err := checkOptionalAmount(param+".transactionLimit", c.TransactionLimit); err != nil {
		return err
	}
	if c.PeriodicLimits == nil {
		return nil
	}
	for _, l := range []struct {
		name string
		v    *SmartTransferPeriodicLimit
	}{{"day", c.PeriodicLimits.Day}, {"week", c.PeriodicLimits.Week}, {"month", c.PeriodicLimits.Month}, {"year", c.PeriodicLimits.Year}} {
		if l.v == nil {
			continue
		}
		name := fmt.Sprintf("%s.periodicLimits.%s", param, l.name)
		if l.v.QuantityLimit == nil && l.v.TransactionLimit.IsZero() {
			return paramErr(name, "set quantityLimit or transactionLimit")
		}
		if l.v.QuantityLimit != nil && *l.v.QuantityLimit < 1 {
			return paramErr(name+".quantityLimit", "must be at least 1, got %d", *l.v.QuantityLimit)
		}
		if err := checkOptionalAmount(name+".transactionLimit", l.v.TransactionLimit); err != nil {
			return err
		}
	}
	return nil
}

// SmartTransferErrorDetail says why a preauthorization failed
// (SmartTransferPreauthorization errorDetail).
type SmartTransferErrorDetail struct {
	// Code is the error code (code).
	Code *string `json:"code,omitempty"`
	// Description explains it (description).
	Description *string `json:"description,omitempty"`
	// Detail is the institution's own words (detail).
	Detail *string `json:"detail,omitempty"`
}

// SmartTransferPreauthorization is a payer's standing consent for payments
// to a set of recipients (SmartTransferPreauthorization).
type SmartTransferPreauthorization struct {
	// ID is the preauthorization's identifier (id).
	ID string `json:"id"`
	// Status is CREATED, COMPLETED, REVOKED, REJECTED or ERROR (status).
	Status SmartTransferPreauthorizationStatus `json:"status"`
	// ConsentURL is where the payer authorises (consentUrl).
	ConsentURL *string `json:"consentUrl,omitempty"`
	// ClientPreauthorizationID is your own identifier
	// (clientPreauthorizationId).
	ClientPreauthorizationID *string `json:"clientPreauthorizationId,omitempty"`
	// CallbackURLs are where the payer returns to (callbackUrls).
	CallbackURLs *SmartTransferCallbackURLs `json:"callbackUrls,omitempty"`
	// Recipients may be paid under it (recipients).
	Recipients []PaymentRecipient `json:"recipients"`
	// Connector is the payer's institution (connector).
	Connector Connector `json:"connector"`
	// CreatedAt is when it was created (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt"`
	// Configuration holds its limits (configuration).
	Configuration *SmartTransferConfiguration `json:"configuration,omitempty"`
	// ErrorDetail says why it failed (errorDetail).
	ErrorDetail *SmartTransferErrorDetail `json:"errorDetail,omitempty"`
}

// SmartTransferPaymentErrorDetail says why a smart transfer payment failed
// (SmartTransferPayment errorDetail).
type SmartTransferPaymentErrorDetail struct {
	// Code is the error code (code).
	Code *SmartTransferPaymentErrorCode `json:"code,omitempty"`
	// Description explains it (description).
	Description *string `json:"description,omitempty"`
	// Detail is the institution's own words (detail).
	Detail *string `json:"detail,omitempty"`
}

// SmartTransferPayment is a payment made under a preauthorization
// (SmartTransferPayment).
type SmartTransferPayment struct {
	// ID is the payment's identifier (id).
	ID string `json:"id"`
	// PreauthorizationID is the preauthorization it uses
	// (preauthorizationId).
	PreauthorizationID string `json:"preauthorizationId"`
	// Status is where the payment is in its lifecycle (status).
	Status SmartTransferPaymentStatus `json:"status"`
	// Amount is the amount (amount).
	Amount Decimal `json:"amount"`
	// Description is its description (description).
	Description *string `json:"description,omitempty"`
	// Recipient is who is paid; nil until known (recipient).
	Recipient *PaymentRecipient `json:"recipient,omitempty"`
	// ClientPaymentID is your own identifier (clientPaymentId).
	ClientPaymentID *string `json:"clientPaymentId,omitempty"`
	// CreatedAt is when it was created (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt"`
	// ErrorDetail says why it failed (errorDetail).
	ErrorDetail *SmartTransferPaymentErrorDetail `json:"errorDetail,omitempty"`
}

// SmartTransferPreauthorizationParameters identify the payer
// (SmartTransferPreauthorizationParameter).
type SmartTransferPreauthorizationParameters struct {
	// CPF is the payer's CPF, with or without punctuation; required (cpf).
	CPF string `json:"cpf"`
	// CNPJ is the paying company's CNPJ (cnpj).
	CNPJ string `json:"cnpj,omitempty"`
}

// CreateSmartTransferPreauthorizationParams asks a payer for a standing
// consent (CreateSmartTransferPreauthorization).
type CreateSmartTransferPreauthorizationParams struct {
	// ConnectorID is the payer's institution; required (connectorId).
	ConnectorID int `json:"connectorId"`
	// Parameters identify the payer; required (parameters).
	Parameters SmartTransferPreauthorizationParameters `json:"parameters"`
	// RecipientIDs may be paid under it; at least one (recipientIds).
	RecipientIDs []string `json:"recipientIds"`
	// CallbackURLs are where the payer returns to (callbackUrls).
	CallbackURLs *SmartTransferCallbackURLs `json:"callbackUrls,omitempty"`
	// ClientPreauthorizationID is your own identifier
	// (clientPreauthorizationId).
	ClientPreauthorizationID string `json:"clientPreauthorizationId,omitempty"`
	// Configuration holds the limits (configuration).
	Configuration *SmartTransferConfiguration `json:"configuration,omitempty"`
}

func (p *CreateSmartTransferPreauthorizationParams) body() (*CreateSmartTransferPreauthorizationParams, error) {
	if p == nil {
		return nil, paramErr("params", "must not be nil")
	}
	out := *p
	if p.ConnectorID < 0 {
		return nil, paramErr("connectorId", "must not be negative, got %d", p.ConnectorID)
	}
	var err error
	if out.Parameters.CPF, err = taxDigits("parameters.cpf", p.Parameters.CPF, cpfLen); err != nil {
		return nil, err
	}
	if out.Parameters.CNPJ, err = optionalTaxDigits("parameters.cnpj", p.Parameters.CNPJ, cnpjLen); err != nil {
		return nil, err
	}
	if len(p.RecipientIDs) == 0 {
		return nil, paramErr("recipientIds", "must list at least one recipient")
	}
	for i, id := range p.RecipientIDs {
		if err := requireID(fmt.Sprintf("recipientIds[%d]", i), id); err != nil {
			return nil, err
		}
	}
	if err := p.CallbackURLs.check("callbackUrls"); err != nil {
		return nil, err
	}
	if err := p.Configuration.check("configuration"); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateSmartTransferPaymentParams pays a recipient under a preauthorization
// (CreateSmartTransferPayment).
type CreateSmartTransferPaymentParams struct {
	// PreauthorizationID is the preauthorization to use; required
	// (preauthorizationId).
	PreauthorizationID string `json:"preauthorizationId"`
	// RecipientID is who is paid, one of the preauthorization's; required
	// (recipientId).
	RecipientID string `json:"recipientId"`
	// Amount is the amount, > 0 and whole cents; required (amount).
	Amount Decimal `json:"amount"`
	// Description is its description (description).
	Description string `json:"description,omitempty"`
	// ClientPaymentID is your own identifier (clientPaymentId).
	ClientPaymentID string `json:"clientPaymentId,omitempty"`
}

func (p *CreateSmartTransferPaymentParams) check() error {
	if p == nil {
		return paramErr("params", "must not be nil")
	}
	if err := requireID("preauthorizationId", p.PreauthorizationID); err != nil {
		return err
	}
	if err := requireID("recipientId", p.RecipientID); err != nil {
		return err
	}
	return checkAmount("amount", p.Amount)
}

// SmartTransferListParams pages GET /smart-transfers/preauthorizations.
type SmartTransferListParams struct {
	// Page is the page to read, from 1 (page).
	Page int
	// PageSize is the number of results a page, 1 to 500 (pageSize).
	PageSize int
}

// SmartTransferPaymentListParams filters
// GET /smart-transfers/preauthorizations/{id}/payments.
type SmartTransferPaymentListParams struct {
	// Page is the page to read, from 1 (page).
	Page int
	// PageSize is the number of results a page, 1 to 500 (pageSize).
	PageSize int
	// From keeps the payments created on or after this date (from).
	From Date
	// To keeps the payments created on or before this date (to).
	To Date
}

// ListPreauthorizations returns one page of preauthorizations
// (GET /smart-transfers/preauthorizations).
func (s *SmartTransfersService) ListPreauthorizations(ctx context.Context, params *SmartTransferListParams, opts ...RequestOption) (*Page[SmartTransferPreauthorization], error) {
	p := SmartTransferListParams{}
	if params != nil {
		p = *params
	}
	q, err := listQuery(p.Page, p.PageSize)
	if err != nil {
		return nil, err
	}
	return callFor[Page[SmartTransferPreauthorization]](ctx, s.client, "GET /smart-transfers/preauthorizations", nil, q.values(), nil, opts...)
}

// AllPreauthorizations walks every preauthorization, fetching pages lazily
// (GET /smart-transfers/preauthorizations).
func (s *SmartTransfersService) AllPreauthorizations(ctx context.Context, params *SmartTransferListParams, opts ...RequestOption) iter.Seq2[SmartTransferPreauthorization, error] {
	p := SmartTransferListParams{}
	if params != nil {
		p = *params
	}
	return allPages(ctx, "GET /smart-transfers/preauthorizations", p.Page, func(ctx context.Context, page int) (*Page[SmartTransferPreauthorization], error) {
		p.Page = page
		return s.ListPreauthorizations(ctx, &p, opts...)
	})
}

// CreatePreauthorization asks the payer for a standing consent
// (POST /smart-transfers/preauthorizations); send them to its ConsentURL.
// Not replayed after a 5xx or a dropped connection.
func (s *SmartTransfersService) CreatePreauthorization(ctx context.Context, params *CreateSmartTransferPreauthorizationParams, opts ...RequestOption) (*SmartTransferPreauthorization, error) {
	body, err := params.body()
	if err != nil {
		return nil, err
	}
	return callFor[SmartTransferPreauthorization](ctx, s.client, "POST /smart-transfers/preauthorizations", nil, nil, body, opts...)
}

// GetPreauthorization returns a preauthorization
// (GET /smart-transfers/preauthorizations/{id}).
func (s *SmartTransfersService) GetPreauthorization(ctx context.Context, id string, opts ...RequestOption) (*SmartTransferPreauthorization, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[SmartTransferPreauthorization](ctx, s.client, "GET /smart-transfers/preauthorizations/{id}", []string{id}, nil, nil, opts...)
}

func (p *SmartTransferPaymentListParams) query() (query, error) {
	if p == nil {
		return query{}, nil
	}
	q, err := listQuery(p.Page, p.PageSize)
	if err != nil {
		return q, err
	}
	if err := checkDateRange(p.From, p.To); err != nil {
		return q, err
	}
	q.date("from", p.From)
	q.date("to", p.To)
	return q, nil
}

// ListPayments returns one page of a preauthorization's payments, newest
// first (GET /smart-transfers/preauthorizations/{id}/payments).
func (s *SmartTransfersService) ListPayments(ctx context.Context, preauthorizationID string, params *SmartTransferPaymentListParams, opts ...RequestOption) (*Page[SmartTransferPayment], error) {
	if err := requireID("preauthorizationId", preauthorizationID); err != nil {
		return nil, err
	}
	q, err := params.query()
	if err != nil {
		return nil, err
	}
	return callFor[Page[SmartTransferPayment]](ctx, s.client, "GET /smart-transfers/preauthorizations/{id}/payments", []string{preauthorizationID}, q.values(), nil, opts...)
}

// AllPayments walks every payment of a preauthorization matching params,
// fetching pages lazily (GET /smart-transfers/preauthorizations/{id}/payments).
func (s *SmartTransfersService) AllPayments(ctx context.Context, preauthorizationID string, params *SmartTransferPaymentListParams, opts ...RequestOption) iter.Seq2[SmartTransferPayment, error] {
	p := SmartTransferPaymentListParams{}
	if params != nil {
		p = *params
	}
	return allPages(ctx, "GET /smart-transfers/preauthorizations/{id}/payments", p.Page, func(ctx context.Context, page int) (*Page[SmartTransferPayment], error) {
		p.Page = page
		return s.ListPayments(ctx, preauthorizationID, &p, opts...)
	})
}

// CreatePayment pays a recipient under a completed preauthorization
// (POST /smart-transfers/payments). Not replayed after a 5xx or a dropped
// connection: list the preauthorization's payments before trying again.
func (s *SmartTransfersService) CreatePayment(ctx context.Context, params *CreateSmartTransferPaymentParams, opts ...RequestOption) (*SmartTransferPayment, error) {
	if err := params.check(); err != nil {
		return nil, err
	}
	return callFor[SmartTransferPayment](ctx, s.client, "POST /smart-transfers/payments", nil, nil, params, opts...)
}

// GetPayment returns a smart transfer payment
// (GET /smart-transfers/payments/{id}).
func (s *SmartTransfersService) GetPayment(ctx context.Context, id string, opts ...RequestOption) (*SmartTransferPayment, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[SmartTransferPayment](ctx, s.client, "GET /smart-transfers/payments/{id}", []string{id}, nil, nil, opts...)
}
