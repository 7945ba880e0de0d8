package pluggy

import (
	"context"
	"time"
)

// PaymentIntentStatus is the lifecycle of a payment intent: consent first
// (CONSENT_*), then the payment (PAYMENT_*) (PaymentIntentStatus).
type PaymentIntentStatus string

// The payment intent statuses the API lists.
const (
	// PaymentIntentStarted: the consent process started at Pluggy.
	PaymentIntentStarted PaymentIntentStatus = "STARTED"
	// PaymentIntentEnqueued: waiting for the consent flow to start.
	PaymentIntentEnqueued PaymentIntentStatus = "ENQUEUED"
	// PaymentIntentConsentAwaitingAuthorization: the payer must authorise at
	// the institution (see ConsentURL).
	PaymentIntentConsentAwaitingAuthorization PaymentIntentStatus = "CONSENT_AWAITING_AUTHORIZATION"
	// PaymentIntentConsentAuthorized: the payer granted the consent.
	PaymentIntentConsentAuthorized PaymentIntentStatus = "CONSENT_AUTHORIZED"
	// PaymentIntentConsentRejected: the payer or the institution rejected it.
	PaymentIntentConsentRejected PaymentIntentStatus = "CONSENT_REJECTED"
	// PaymentIntentPaymentPending: sent to the institution, awaiting
	// confirmation.
	PaymentIntentPaymentPending PaymentIntentStatus = "PAYMENT_PENDING"
	// PaymentIntentPaymentPartiallyAccepted: accepted, but another
	// authorisation is needed (multi-signature accounts).
	PaymentIntentPaymentPartiallyAccepted PaymentIntentStatus = "PAYMENT_PARTIALLY_ACCEPTED"
	// PaymentIntentPaymentSettlementProcessing: the settlement is running.
	PaymentIntentPaymentSettlementProcessing PaymentIntentStatus = "PAYMENT_SETTLEMENT_PROCESSING"
	// PaymentIntentPaymentSettlementDebtorAccount: debited from the payer,
	// awaiting clearing.
	PaymentIntentPaymentSettlementDebtorAccount PaymentIntentStatus = "PAYMENT_SETTLEMENT_DEBTOR_ACCOUNT"
	// PaymentIntentPaymentCompleted: the institution confirmed the payment.
	PaymentIntentPaymentCompleted PaymentIntentStatus = "PAYMENT_COMPLETED"
	// PaymentIntentPaymentRejected: rejected after the consent was granted.
	PaymentIntentPaymentRejected PaymentIntentStatus = "PAYMENT_REJECTED"
	// PaymentIntentRejected: rejected; the reason is in ErrorDetail.
	PaymentIntentRejected PaymentIntentStatus = "REJECTED"
	// PaymentIntentError: an unexpected error ended the flow.
	PaymentIntentError PaymentIntentStatus = "ERROR"
	// PaymentIntentCanceled: the intent was canceled.
	PaymentIntentCanceled PaymentIntentStatus = "CANCELED"
	// PaymentIntentRevoked: the consent was revoked after authorisation
	// (recurring payments).
	PaymentIntentRevoked PaymentIntentStatus = "REVOKED"
	// PaymentIntentConsumed: the consent was used up (recurring payments
	// reached their end).
	PaymentIntentConsumed PaymentIntentStatus = "CONSUMED"
)

// IsFinal reports whether an intent in status s will not change any more:
// PAYMENT_COMPLETED, or one of the failures (CONSENT_REJECTED,
// PAYMENT_REJECTED, REJECTED, ERROR, CANCELED, REVOKED, CONSUMED).
func (s PaymentIntentStatus) IsFinal() bool {
	switch s {
	case PaymentIntentPaymentCompleted, PaymentIntentConsentRejected, PaymentIntentPaymentRejected,
		PaymentIntentRejected, PaymentIntentError, PaymentIntentCanceled, PaymentIntentRevoked,
		PaymentIntentConsumed:
		return true
	}
	return false
}

// IsFailure reports whether s is a final status other than PAYMENT_COMPLETED.
func (s PaymentIntentStatus) IsFailure() bool {
	return s.IsFinal() && s != PaymentIntentPaymentCompleted
}

// PaymentIntentMethod is how an intent pays (PaymentIntent paymentMethod).
type PaymentIntentMethod string

// The payment methods the API lists.
const (
	// PaymentIntentMethodPIS: Open Finance payment initiation (the default).
	PaymentIntentMethodPIS PaymentIntentMethod = "PIS"
	// PaymentIntentMethodPIX: a PIX QR code the payer pays (see PixData).
	PaymentIntentMethodPIX PaymentIntentMethod = "PIX"
)

// PaymentIntentErrorCode names why an intent failed (PaymentIntentErrorDetail
// code).
type PaymentIntentErrorCode string

// The intent error codes the API lists.
const (
	PaymentIntentErrConsentExpired                         PaymentIntentErrorCode = "TEMPO_EXPIRADO_AUTORIZACAO"
	PaymentIntentErrConnection                             PaymentIntentErrorCode = "CONNECTION_ERROR"
	PaymentIntentErrAboveLimit                             PaymentIntentErrorCode = "VALOR_ACIMA_LIMITE"
	PaymentIntentErrHolderInfrastructure                   PaymentIntentErrorCode = "FALHA_INFRAESTRUTURA_DETENTORA"
	PaymentIntentErrHolderInfrastructureCallbackHybridFlow PaymentIntentErrorCode = "FALHA_INFRAESTRUTURA_DETENTORA_CALLBACK_HYBRID_FLOW"
	PaymentIntentErrInsufficientBalance                    PaymentIntentErrorCode = "SALDO_INSUFICIENTE"
	PaymentIntentErrSameAccounts                           PaymentIntentErrorCode = "CONTAS_ORIGEM_DESTINO_IGUAIS"
	PaymentIntentErrExpiredPaymentInitiation               PaymentIntentErrorCode = "EXPIRED_PAYMENT_INITIATION"
	PaymentIntentErrInvalidPaymentDate                     PaymentIntentErrorCode = "DATA_PAGAMENTO_INVALIDA"
	PaymentIntentErrConsentPendingAuthorization            PaymentIntentErrorCode = "CONSENTIMENTO_PENDENTE_AUTORIZACAO"
	PaymentIntentErrConsumptionExpired                     PaymentIntentErrorCode = "TEMPO_EXPIRADO_CONSUMO"
	PaymentIntentErrInvalidCPF                             PaymentIntentErrorCode = "PAYMENT_INTENT_INVALID_CPF"
	PaymentIntentErrInvalidCNPJ                            PaymentIntentErrorCode = "PAYMENT_INTENT_INVALID_CNPJ"
	PaymentIntentErrSchedulingFailed                       PaymentIntentErrorCode = "FALHA_AGENDAMENTO_PAGAMENTOS"
	PaymentIntentErrDiffersFromConsent                     PaymentIntentErrorCode = "PAGAMENTO_DIVERGENTE_CONSENTIMENTO"
	PaymentIntentErrAccountDoesNotAllowPayment             PaymentIntentErrorCode = "CONTA_NAO_PERMITE_PAGAMENTO"
	PaymentIntentErrRejectedByUser                         PaymentIntentErrorCode = "REJEITADO_USUARIO"
	PaymentIntentErrConsentTimeout                         PaymentIntentErrorCode = "TIMEOUT_CONSENTIMENTO"
	PaymentIntentErrRefusedBySPI                           PaymentIntentErrorCode = "PAGAMENTO_RECUSADO_SPI"
	PaymentIntentErrRevokedByRecipient                     PaymentIntentErrorCode = "REVOGADO_RECEBEDOR"
	PaymentIntentErrNotInformed                            PaymentIntentErrorCode = "NAO_INFORMADO"
	PaymentIntentErrAuthenticationMismatch                 PaymentIntentErrorCode = "AUTENTICACAO_DIVERGENTE"
	PaymentIntentErrOwnershipMismatch                      PaymentIntentErrorCode = "TITULARIDADE_INCONSISTENTE"
	PaymentIntentErrRefusedByHolder                        PaymentIntentErrorCode = "PAGAMENTO_RECUSADO_DETENTORA"
)

// PaymentIntentErrorDetail says why an intent failed
// (PaymentIntentErrorDetail).
type PaymentIntentErrorDetail struct {
	// Code is Pluggy's error code (code).
	Code PaymentIntentErrorCode `json:"code"`
	// ProviderCode is the institution's code (providerCode).
	ProviderCode string `json:"providerCode"`
	// ProviderTitle is the institution's title (providerTitle).
	ProviderTitle string `json:"providerTitle"`
	// ProviderDetail is the institution's explanation (providerDetail).
	ProviderDetail string `json:"providerDetail"`
}

// PixData is the PIX QR code of a PIX-method intent (PixData).
type PixData struct {
	// Value is the QR code's payload ("copia e cola") (value).
	Value string `json:"value"`
	// QR is the QR code image, base64-encoded (qr).
	QR string `json:"qr"`
}

// Debtor is the payer's account as the institution reports it once the
// payment is made (Debtor).
type Debtor struct {
	// Name is the account holder's name (name).
	Name *string `json:"name,omitempty"`
	// TaxNumber is the holder's masked CPF or CNPJ (taxNumber).
	TaxNumber *string `json:"taxNumber,omitempty"`
	// BankAccount is the account paid from (bankAccount).
	BankAccount *DebtorBankAccount `json:"bankAccount,omitempty"`
}

// DebtorBankAccount is the account a payment was made from (Debtor
// bankAccount).
type DebtorBankAccount struct {
	// Agency is the branch (agency).
	Agency *string `json:"agency,omitempty"`
	// Account is the account number (account).
	Account *string `json:"account,omitempty"`
	// Name is the bank's name (name).
	Name *string `json:"name,omitempty"`
}

// PaymentIntent is one attempt to pay a payment request (PaymentIntent). It
// is created when the payer starts paying; follow its Status, or use Wait.
type PaymentIntent struct {
	// ID is the intent's identifier (id).
	ID string `json:"id"`
	// Status is where the intent is in its lifecycle (status).
	Status PaymentIntentStatus `json:"status"`
	// CreatedAt is when it was created (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt"`
	// PaymentRequest is the request it pays (paymentRequest).
	PaymentRequest *PaymentRequest `json:"paymentRequest,omitempty"`
	// Connector is the payer's institution (connector).
	Connector *Connector `json:"connector,omitempty"`
	// ConsentURL is where the payer authorises the payment (consentUrl).
	ConsentURL *string `json:"consentUrl,omitempty"`
	// ReferenceID is the PIX identifier of the payment (referenceId).
	ReferenceID *string `json:"referenceId,omitempty"`
	// PaymentMethod is PIS or PIX (paymentMethod).
	PaymentMethod *PaymentIntentMethod `json:"paymentMethod,omitempty"`
	// PixData is the QR code to pay, for the PIX method (pixData).
	PixData *PixData `json:"pixData,omitempty"`
	// Debtor is the payer's account, once the institution tells (debtor).
	Debtor *Debtor `json:"debtor,omitempty"`
	// ErrorDetail says why the intent failed (errorDetail).
	ErrorDetail *PaymentIntentErrorDetail `json:"errorDetail,omitempty"`
}

// Settled reports whether the intent will not move on: its status is final,
// or the payer authorised the consent of a scheduled or automatic PIX
// request (the payments then follow on their dates, outside the intent).
func (pi *PaymentIntent) Settled() bool {
	if pi == nil {
		return false
	}
	if pi.Status.IsFinal() {
		return true
	}
	if pi.Status == PaymentIntentConsentAuthorized && pi.PaymentRequest != nil {
		switch pi.PaymentRequest.Status {
		case PaymentRequestScheduled, PaymentRequestAuthorized:
			return true
		}
	}
	return false
}

// PaymentIntentParameters identify the payer to the institution
// (PaymentIntentParameter).
type PaymentIntentParameters struct {
	// CPF is the payer's CPF, with or without punctuation; required (cpf).
	CPF string `json:"cpf"`
	// CNPJ is the paying company's CNPJ, for business accounts (cnpj).
	CNPJ string `json:"cnpj,omitempty"`
	// Name is the payer's name; required for automatic PIX requests (name).
	Name string `json:"name,omitempty"`
}

// CreatePaymentIntentParams starts paying a payment request
// (CreatePaymentIntent).
type CreatePaymentIntentParams struct {
	// PaymentRequestID is the request to pay; required (paymentRequestId).
	PaymentRequestID string `json:"paymentRequestId"`
	// Parameters identify the payer (parameters).
	Parameters *PaymentIntentParameters `json:"parameters,omitempty"`
	// ConnectorID is the payer's institution (connectorId).
	ConnectorID *int `json:"connectorId,omitempty"`
	// PaymentMethod is PIS (the default) or PIX (paymentMethod).
	PaymentMethod PaymentIntentMethod `json:"paymentMethod,omitempty"`
	// IsDynamicPix asks for a one-use PIX QR code, for the PIX method; the
	// request's customer must then have a CPF or CNPJ (isDynamicPix).
	IsDynamicPix *bool `json:"isDynamicPix,omitempty"`
}

func (p *CreatePaymentIntentParams) body() (*CreatePaymentIntentParams, error) {
	if p == nil {
		return nil, paramErr("params", "must not be nil")
	}
	out := *p
	if err := requireID("paymentRequestId", p.PaymentRequestID); err != nil {
		return nil, err
	}
	if p.Parameters != nil {
		params := *p.Parameters
		var err error
		if params.CPF, err = taxDigits("parameters.cpf", params.CPF, cpfLen); err != nil {
			return nil, err
		}
		if params.CNPJ, err = optionalTaxDigits("parameters.cnpj", params.CNPJ, cnpjLen); err != nil {
			return nil, err
		}
		out.Parameters = &params
	} else if p.PaymentMethod != PaymentIntentMethodPIX {
		return nil, paramErr("parameters", "the payer's cpf is required")
	}
	if p.ConnectorID != nil && *p.ConnectorID < 0 {
		return nil, paramErr("connectorId", "must not be negative, got %d", *p.ConnectorID)
	}
	switch p.PaymentMethod {
	case "", PaymentIntentMethodPIS, PaymentIntentMethodPIX:
	default:
		return nil, paramErr("paymentMethod", "must be PIS or PIX, got %q", p.PaymentMethod)
	}
	if p.IsDynamicPix != nil && *p.IsDynamicPix && p.PaymentMethod != PaymentIntentMethodPIX {
		return nil, paramErr("isDynamicPix", "applies only to the PIX payment method")
	}
	return &out, nil
}

// Create starts a payment intent for a payment request
// (POST /payments/intents). Send the payer to its ConsentURL, then follow it
// with Get or Wait. It is not replayed after a 5xx or a dropped connection:
// list the request's intents before trying again.
func (s *PaymentIntentsService) Create(ctx context.Context, params *CreatePaymentIntentParams, opts ...RequestOption) (*PaymentIntent, error) {
	body, err := params.body()
	if err != nil {
		return nil, err
	}
	return callFor[PaymentIntent](ctx, s.client, "POST /payments/intents", nil, nil, body, opts...)
}

// List returns the intents of a payment request (GET /payments/intents). The
// route takes no page parameters; the answer is one page holding them all.
func (s *PaymentIntentsService) List(ctx context.Context, paymentRequestID string, opts ...RequestOption) (*Page[PaymentIntent], error) {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return nil, err
	}
	var q query
	q.str("paymentRequestId", paymentRequestID)
	return callFor[Page[PaymentIntent]](ctx, s.client, "GET /payments/intents", nil, q.values(), nil, opts...)
}

// Get returns a payment intent (GET /payments/intents/{id}); errors.Is(err,
// ErrNotFound) when there is none.
func (s *PaymentIntentsService) Get(ctx context.Context, id string, opts ...RequestOption) (*PaymentIntent, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[PaymentIntent](ctx, s.client, "GET /payments/intents/{id}", []string{id}, nil, nil, opts...)
}

// DefaultPaymentPollInterval is how often Wait reads an intent when given
// no interval.
const DefaultPaymentPollInterval = 2 * time.Second

// Wait reads the intent every interval (DefaultPaymentPollInterval when 0)
// until it is Settled, and returns it. onChange, when not nil, sees the
// intent each time its status changes, the first read included. When ctx
// ends first, Wait returns the last intent it read with ctx's error; when a
// read fails, it returns that error (the client has already retried what
// could be retried). A
// failed payment is not an error: look at the returned intent's Status and
// ErrorDetail. Webhooks (payment_intent/*) spare the polling when you can
// receive them.
func (s *PaymentIntentsService) Wait(ctx context.Context, id string, interval time.Duration, onChange func(*PaymentIntent), opts ...RequestOption) (*PaymentIntent, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if interval < 0 {
		return nil, paramErr("interval", "must not be negative, got %s", interval)
	}
	if interval == 0 {
		interval = DefaultPaymentPollInterval
	}
	var last PaymentIntentStatus
	for {
		pi, err := s.Get(ctx, id, opts...)
		if err != nil {
			return nil, err
		}
		if onChange != nil && pi.Status != last {
			onChange(pi)
		}
		last = pi.Status
		if pi.Settled() {
			return pi, nil
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return pi, ctx.Err()
		case <-t.C:
		}
	}
}
