package pluggy

import (
	"context"
	"iter"
	"strings"
)

// CreatePaymentRequestParams asks for a payment of Amount to a recipient
// (CreatePaymentRequest). With a Schedule the payment is scheduled; without
// a RecipientID it goes to your default recipient.
type CreatePaymentRequestParams struct {
	// Amount is the amount in BRL, > 0 and a whole number of cents; required
	// (amount). DecimalFromFloat(10.10) is sent as 10.1.
	Amount Decimal `json:"amount"`
	// Description is shown to the payer (description).
	Description string `json:"description,omitempty"`
	// CallbackURLs are where the payer returns to (callbackUrls).
	CallbackURLs *PaymentCallbackURLs `json:"callbackUrls,omitempty"`
	// RecipientID is the recipient; empty for the default one (recipientId).
	RecipientID string `json:"recipientId,omitempty"`
	// CustomerID is the payer, when registered (customerId).
	CustomerID string `json:"customerId,omitempty"`
	// ClientPaymentID is your own identifier of the payment (clientPaymentId).
	ClientPaymentID string `json:"clientPaymentId,omitempty"`
	// Schedule makes a scheduled payment: a *SingleSchedule,
	// *DailySchedule, *WeeklySchedule, *MonthlySchedule or *CustomSchedule
	// (schedule). Its dates must not be before today in Brasília.
	Schedule Schedule `json:"schedule,omitempty"`
	// IsSandbox creates a sandbox request (isSandbox).
	IsSandbox *bool `json:"isSandbox,omitempty"`
}

func (p *CreatePaymentRequestParams) check(today Date) error {
	if p == nil {
		return paramErr("params", "must not be nil")
	}
	if err := checkAmount("amount", p.Amount); err != nil {
		return err
	}
	if err := p.CallbackURLs.check("callbackUrls"); err != nil {
		return err
	}
	return checkSchedule("schedule", p.Schedule, today)
}

// CreatePixQRPaymentRequestParams asks for the payment of a PIX QR code
// (CreatePixQrPaymentRequest): the amount and recipient come from the code.
type CreatePixQRPaymentRequestParams struct {
	// PixQRCode is the PIX QR code's payload (the EMV "copia e cola" text,
	// starting 000201); required (pixQrCode).
	PixQRCode string `json:"pixQrCode"`
	// CallbackURLs are where the payer returns to (callbackUrls).
	CallbackURLs *PaymentCallbackURLs `json:"callbackUrls,omitempty"`
	// CustomerID is the payer, when registered (customerId).
	CustomerID string `json:"customerId,omitempty"`
	// IsSandbox creates a sandbox request (isSandbox).
	IsSandbox *bool `json:"isSandbox,omitempty"`
}

func (p *CreatePixQRPaymentRequestParams) body() (*CreatePixQRPaymentRequestParams, error) {
	if p == nil {
		return nil, paramErr("params", "must not be nil")
	}
	out := *p
	out.PixQRCode = strings.TrimSpace(p.PixQRCode)
	if out.PixQRCode == "" {
		return nil, paramErr("pixQrCode", "is required")
	}
	if err := p.CallbackURLs.check("callbackUrls"); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdatePaymentRequestParams changes a payment request that has not been
// paid (UpdatePaymentRequest). Zero fields are left as they are.
type UpdatePaymentRequestParams struct {
	// Amount is the new amount, > 0 and a whole number of cents (amount).
	Amount Decimal `json:"amount,omitzero"`
	// Description is the new description (description).
	Description string `json:"description,omitempty"`
	// CallbackURLs replace the callback URLs (callbackUrls).
	CallbackURLs *PaymentCallbackURLs `json:"callbackUrls,omitempty"`
	// RecipientID is the new recipient (recipientId).
	RecipientID string `json:"recipientId,omitempty"`
	// CustomerID is the new payer (customerId).
	CustomerID string `json:"customerId,omitempty"`
	// ClientPaymentID is your new identifier (clientPaymentId).
	ClientPaymentID string `json:"clientPaymentId,omitempty"`
	// IsSandbox moves the request to or from the sandbox (isSandbox).
	IsSandbox *bool `json:"isSandbox,omitempty"`
}

func (p *UpdatePaymentRequestParams) check() error {
	if p == nil {
		return paramErr("params", "must not be nil")
	}
	if *p == (UpdatePaymentRequestParams{}) {
		return paramErr("params", "change at least one field")
	}
	if err := checkOptionalAmount("amount", p.Amount); err != nil {
		return err
	}
	return p.CallbackURLs.check("callbackUrls")
}

// PaymentRequestListParams filters GET /payments/requests. The zero value
// lists every request, 500 a page.
type PaymentRequestListParams struct {
	// Page is the page to read, from 1 (page).
	Page int
	// PageSize is the number of results a page, 1 to 500 (pageSize).
	PageSize int
	// From keeps the requests created on or after this date (from).
	From Date
	// To keeps the requests created on or before this date (to).
	To Date
	// Customer keeps the requests of a customer, by name, e-mail, CPF or
	// CNPJ (customer).
	Customer string
	// PixKey keeps the requests to this PIX key (pixKey).
	PixKey string
	// Status keeps the requests in this status (status). The filter accepts
	// CREATED, IN_PROGRESS, COMPLETED, SCHEDULED,
	// WAITING_PAYER_AUTHORIZATION, ERROR, EXPIRED, AUTHORIZED and CANCELED.
	Status PaymentRequestStatus
}

func (p *PaymentRequestListParams) query() (query, error) {
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
	switch p.Status {
	case "", PaymentRequestCreated, PaymentRequestInProgress, PaymentRequestCompleted, PaymentRequestScheduled,
		PaymentRequestWaitingPayerAuthorization, PaymentRequestError, PaymentRequestExpired,
		PaymentRequestAuthorized, PaymentRequestCanceled:
	default:
		return q, paramErr("status", "cannot filter by %q", p.Status)
	}
	q.date("from", p.From)
	q.date("to", p.To)
	q.str("customer", p.Customer)
	q.str("pixKey", p.PixKey)
	q.str("status", string(p.Status))
	return q, nil
}

// List returns one page of payment requests (GET /payments/requests).
func (s *PaymentRequestsService) List(ctx context.Context, params *PaymentRequestListParams, opts ...RequestOption) (*Page[PaymentRequest], error) {
	q, err := params.query()
	if err != nil {
		return nil, err
	}
	return callFor[Page[PaymentRequest]](ctx, s.client, "GET /payments/requests", nil, q.values(), nil, opts...)
}

// All walks every payment request matching params, from params.Page,
// fetching pages as the loop asks for them (GET /payments/requests).
func (s *PaymentRequestsService) All(ctx context.Context, params *PaymentRequestListParams, opts ...RequestOption) iter.Seq2[PaymentRequest, error] {
	p := PaymentRequestListParams{}
	if params != nil {
		p = *params
	}
	return allPages(ctx, "GET /payments/requests", p.Page, func(ctx context.Context, page int) (*Page[PaymentRequest], error) {
		p.Page = page
		return s.List(ctx, &p, opts...)
	})
}

// Create creates a payment request (POST /payments/requests). Send its
// PaymentURL to the payer or start an intent with client.Payments.Intents.
// The request is not replayed after a 5xx or a dropped connection, since the
// server may have created it: look for it with List before trying again.
func (s *PaymentRequestsService) Create(ctx context.Context, params *CreatePaymentRequestParams, opts ...RequestOption) (*PaymentRequest, error) {
	if err := params.check(s.client.today()); err != nil {
		return nil, err
	}
	return callFor[PaymentRequest](ctx, s.client, "POST /payments/requests", nil, nil, params, opts...)
}

// CreatePixQR creates a payment request that pays a PIX QR code
// (POST /payments/requests/pix-qr). Not replayed after a 5xx or a dropped
// connection.
func (s *PaymentRequestsService) CreatePixQR(ctx context.Context, params *CreatePixQRPaymentRequestParams, opts ...RequestOption) (*PaymentRequest, error) {
	body, err := params.body()
	if err != nil {
		return nil, err
	}
	return callFor[PaymentRequest](ctx, s.client, "POST /payments/requests/pix-qr", nil, nil, body, opts...)
}

// Get returns a payment request (GET /payments/requests/{id});
// errors.Is(err, ErrNotFound) when there is none.
func (s *PaymentRequestsService) Get(ctx context.Context, id string, opts ...RequestOption) (*PaymentRequest, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[PaymentRequest](ctx, s.client, "GET /payments/requests/{id}", []string{id}, nil, nil, opts...)
}

// Update changes a payment request (PATCH /payments/requests/{id}). The spec
// documents the answer as the request's editable fields (amount,
// description, callbackUrls, clientPaymentId, ...); they are decoded into a
// PaymentRequest, whose other fields stay zero when the answer lacks them.
func (s *PaymentRequestsService) Update(ctx context.Context, id string, params *UpdatePaymentRequestParams, opts ...RequestOption) (*PaymentRequest, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := params.check(); err != nil {
		return nil, err
	}
	return callFor[PaymentRequest](ctx, s.client, "PATCH /payments/requests/{id}", []string{id}, nil, params, opts...)
}

// Delete removes a payment request (DELETE /payments/requests/{id}).
func (s *PaymentRequestsService) Delete(ctx context.Context, id string, opts ...RequestOption) error {
	if err := requireID("id", id); err != nil {
		return err
	}
	return s.client.call(ctx, "DELETE /payments/requests/{id}", []string{id}, nil, nil, nil, opts...)
}
