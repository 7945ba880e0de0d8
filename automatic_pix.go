package pluggy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// AutomaticPixInterval is how often payments may be charged under an
// automatic PIX consent (AutomaticPixInterval).
type AutomaticPixInterval string

// The intervals the API lists.
const (
	AutomaticPixWeekly    AutomaticPixInterval = "WEEKLY"
	AutomaticPixMonthly   AutomaticPixInterval = "MONTHLY"
	AutomaticPixQuarterly AutomaticPixInterval = "QUARTERLY"
	AutomaticPixSemester  AutomaticPixInterval = "SEMESTER"
	AutomaticPixYearly    AutomaticPixInterval = "YEARLY"
)

// AutomaticPixPaymentStatus is the status of one automatic PIX payment
// (AutomaticPixPaymentStatus).
type AutomaticPixPaymentStatus string

// The automatic PIX payment statuses the API lists.
const (
	// AutomaticPixPaymentScheduled: scheduled at the institution.
	AutomaticPixPaymentScheduled AutomaticPixPaymentStatus = "SCHEDULED"
	// AutomaticPixPaymentCreated: created, pending execution.
	AutomaticPixPaymentCreated AutomaticPixPaymentStatus = "CREATED"
	// AutomaticPixPaymentCompleted: confirmed.
	AutomaticPixPaymentCompleted AutomaticPixPaymentStatus = "COMPLETED"
	// AutomaticPixPaymentCanceled: canceled.
	AutomaticPixPaymentCanceled AutomaticPixPaymentStatus = "CANCELED"
	// AutomaticPixPaymentError: failed (see ErrorDetail).
	AutomaticPixPaymentError AutomaticPixPaymentStatus = "ERROR"
)

// AutomaticPixAttemptStatus is the status of one attempt at an automatic PIX
// payment (AutomaticPixPaymentAttempt status).
type AutomaticPixAttemptStatus string

// The attempt statuses the API lists.
const (
	// AutomaticPixAttemptInProgress: submitted, awaiting confirmation.
	AutomaticPixAttemptInProgress AutomaticPixAttemptStatus = "IN_PROGRESS"
	// AutomaticPixAttemptCompleted: confirmed; the payment is COMPLETED.
	AutomaticPixAttemptCompleted AutomaticPixAttemptStatus = "COMPLETED"
	// AutomaticPixAttemptCanceled: canceled.
	AutomaticPixAttemptCanceled AutomaticPixAttemptStatus = "CANCELED"
	// AutomaticPixAttemptError: failed; the payment may be retried.
	AutomaticPixAttemptError AutomaticPixAttemptStatus = "ERROR"
)

// AutomaticPixErrorCode names why an automatic PIX payment or attempt failed
// (AutomaticPixPaymentErrorDetail code).
type AutomaticPixErrorCode string

// The automatic PIX error codes the API lists.
const (
	AutomaticPixErrInsufficientBalance             AutomaticPixErrorCode = "SALDO_INSUFICIENTE"
	AutomaticPixErrAboveLimit                      AutomaticPixErrorCode = "VALOR_ACIMA_LIMITE"
	AutomaticPixErrInvalidAmount                   AutomaticPixErrorCode = "VALOR_INVALIDO"
	AutomaticPixErrNotInformed                     AutomaticPixErrorCode = "NAO_INFORMADO"
	AutomaticPixErrDiffersFromConsent              AutomaticPixErrorCode = "PAGAMENTO_DIVERGENTE_CONSENTIMENTO"
	AutomaticPixErrRefusedByHolder                 AutomaticPixErrorCode = "PAGAMENTO_RECUSADO_DETENTORA"
	AutomaticPixErrRefusedBySPI                    AutomaticPixErrorCode = "PAGAMENTO_RECUSADO_SPI"
	AutomaticPixErrInvalidConsent                  AutomaticPixErrorCode = "CONSENTIMENTO_INVALIDO"
	AutomaticPixErrSPIInfrastructure               AutomaticPixErrorCode = "FALHA_INFRAESTRUTURA_SPI"
	AutomaticPixErrICPInfrastructure               AutomaticPixErrorCode = "FALHA_INFRAESTRUTURA_ICP"
	AutomaticPixErrReceivingPSPInfrastructure      AutomaticPixErrorCode = "FALHA_INFRAESTRUTURA_PSP_RECEBEDOR"
	AutomaticPixErrHolderInfrastructure            AutomaticPixErrorCode = "FALHA_INFRAESTRUTURA_DETENTORA"
	AutomaticPixErrOwnershipMismatch               AutomaticPixErrorCode = "TITULARIDADE_INCONSISTENTE"
	AutomaticPixErrPeriodAmountExceeded            AutomaticPixErrorCode = "LIMITE_PERIODO_VALOR_EXCEDIDO"
	AutomaticPixErrPeriodQuantityExceeded          AutomaticPixErrorCode = "LIMITE_PERIODO_QUANTIDADE_EXCEDIDO"
	AutomaticPixErrConsentTotalExceeded            AutomaticPixErrorCode = "LIMITE_VALOR_TOTAL_CONSENTIMENTO_EXCEDIDO"
	AutomaticPixErrConsentTransactionLimitExceeded AutomaticPixErrorCode = "LIMITE_VALOR_TRANSACAO_CONSENTIMENTO_EXCEDIDO"
	AutomaticPixErrAttemptsExceeded                AutomaticPixErrorCode = "LIMITE_TENTATIVAS_EXCEDIDO"
	AutomaticPixErrConsentRevoked                  AutomaticPixErrorCode = "CONSENTIMENTO_REVOGADO"
	AutomaticPixErrOutsideAllowedPeriod            AutomaticPixErrorCode = "FORA_PRAZO_PERMITIDO"
	AutomaticPixErrInvalidAttemptDetail            AutomaticPixErrorCode = "DETALHE_TENTATIVA_INVALIDO"
	AutomaticPixErrInvalidPaymentDetail            AutomaticPixErrorCode = "DETALHE_PAGAMENTO_INVALIDO"
)

// AutomaticPixErrorDetail says why an automatic PIX payment or attempt
// failed (AutomaticPixPaymentErrorDetail).
type AutomaticPixErrorDetail struct {
	// Code is the error code (code).
	Code AutomaticPixErrorCode `json:"code"`
	// Detail explains it (detail).
	Detail string `json:"detail"`
}

// AutomaticPixRetriesConfiguration sets the days after a scheduled payment's
// date on which a failed payment is retried; not for the first payment
// (AutomaticPixRetriesConfiguration).
type AutomaticPixRetriesConfiguration struct {
	// RetryDays are days after the payment date, each 1 to 7 (retryDays).
	RetryDays []int `json:"retryDays"`
}

// AutomaticPixSchedulerConfiguration makes Pluggy schedule the payments by
// itself, following the consent's interval and start date
// (AutomaticPixSchedulerConfiguration).
type AutomaticPixSchedulerConfiguration struct {
	// Enabled turns automatic scheduling on (enabled).
	Enabled bool `json:"enabled"`
	// Description replaces the request's description on the scheduled
	// payments, at most 140 characters (description).
	Description *string `json:"description,omitempty"`
	// ValueForVariableAmount is the amount charged each time; required when
	// the consent has variable amounts (valueForVariableAmount).
	ValueForVariableAmount Decimal `json:"valueForVariableAmount,omitzero"`
}

// AutomaticPixFirstPayment is the payment made when the payer enrols
// (AutomaticPixFirstPayment).
type AutomaticPixFirstPayment struct {
	// Date is its settlement date; absent for an immediate payment (date).
	Date *time.Time `json:"date,omitempty"`
	// Description is its description (description).
	Description *string `json:"description,omitempty"`
	// Amount is its amount (amount).
	Amount Decimal `json:"amount"`
}

// UnmarshalJSON reads Date as a date-time or as a YYYY-MM-DD date.
func (p *AutomaticPixFirstPayment) UnmarshalJSON(b []byte) error {
	type plain AutomaticPixFirstPayment
	aux := struct {
		*plain
		Date looseTime `json:"date"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	p.Date = aux.Date.ptr()
	return nil
}

// AutomaticPix holds the terms of an automatic PIX consent, as returned in
// a payment request (AutomaticPix).
type AutomaticPix struct {
	// FixedAmount is the amount of every payment, for fixed-amount consents
	// (fixedAmount).
	FixedAmount Decimal `json:"fixedAmount,omitzero"`
	// MinimumVariableAmount is the least a payment may be, for variable
	// consents (minimumVariableAmount).
	MinimumVariableAmount Decimal `json:"minimumVariableAmount,omitzero"`
	// MaximumVariableAmount is the most a payment may be, for variable
	// consents (maximumVariableAmount).
	MaximumVariableAmount Decimal `json:"maximumVariableAmount,omitzero"`
	// StartDate is the expected date of the first recurring payment
	// (startDate).
	StartDate time.Time `json:"startDate"`
	// ExpiresAt is when the consent expires (expiresAt).
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	// IsRetryAccepted tells whether failed payments may be retried
	// (isRetryAccepted).
	IsRetryAccepted *bool `json:"isRetryAccepted,omitempty"`
	// FirstPayment is the enrolment payment (firstPayment).
	FirstPayment *AutomaticPixFirstPayment `json:"firstPayment,omitempty"`
	// Interval is how often payments may be charged (interval).
	Interval AutomaticPixInterval `json:"interval"`
	// AutomaticRetriesConfiguration sets the retry days
	// (automaticRetriesConfiguration).
	AutomaticRetriesConfiguration *AutomaticPixRetriesConfiguration `json:"automaticRetriesConfiguration,omitempty"`
	// SchedulerConfiguration sets Pluggy's own scheduling
	// (schedulerConfiguration).
	SchedulerConfiguration *AutomaticPixSchedulerConfiguration `json:"schedulerConfiguration,omitempty"`
}

// UnmarshalJSON reads StartDate and ExpiresAt as date-times or as
// YYYY-MM-DD dates (the request's form, which the live API may echo).
func (a *AutomaticPix) UnmarshalJSON(b []byte) error {
	type plain AutomaticPix
	aux := struct {
		*plain
		StartDate looseTime `json:"startDate"`
		ExpiresAt looseTime `json:"expiresAt"`
	}{plain: (*plain)(a)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	a.StartDate = aux.StartDate.t
	a.ExpiresAt = aux.ExpiresAt.ptr()
	return nil
}

// looseTime decodes an RFC 3339 date-time, or a YYYY-MM-DD date as midnight
// UTC, or null.
type looseTime struct {
	t   time.Time
	set bool
}

func (l *looseTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*l = looseTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("pluggy: a time must be a string: %w", err)
	}
	if s == "" {
		*l = looseTime{}
		return nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		*l = looseTime{t: t, set: true}
		return nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("pluggy: %.40q is neither a date-time nor a date", s)
	}
	*l = looseTime{t: t, set: true}
	return nil
}

func (l looseTime) ptr() *time.Time {
	if !l.set {
		return nil
	}
	t := l.t
	return &t
}

// AutomaticPixPayment is one payment made under an automatic PIX consent
// (AutomaticPixPayment). The API's routes call them schedules.
type AutomaticPixPayment struct {
	// ID is the payment's identifier (id).
	ID string `json:"id"`
	// Status is SCHEDULED, CREATED, COMPLETED, CANCELED or ERROR (status).
	Status AutomaticPixPaymentStatus `json:"status"`
	// Amount is the amount (amount).
	Amount Decimal `json:"amount"`
	// Description is its description (description).
	Description *string `json:"description,omitempty"`
	// Date is its scheduled date (date).
	Date Date `json:"date"`
	// EndToEndID is the PIX end-to-end id (endToEndId).
	EndToEndID *string `json:"endToEndId,omitempty"`
	// ErrorDetail says why it failed (errorDetail).
	ErrorDetail *AutomaticPixErrorDetail `json:"errorDetail,omitempty"`
	// ClientPaymentID is your own identifier (clientPaymentId).
	ClientPaymentID *string `json:"clientPaymentId,omitempty"`
	// RecipientID is who is paid (recipientId).
	RecipientID string `json:"recipientId"`
	// IsFirstPayment tells the enrolment payment (isFirstPayment).
	IsFirstPayment *bool `json:"isFirstPayment,omitempty"`
	// Attempts are the tries at settling it, oldest first (attempts).
	Attempts []AutomaticPixPaymentAttempt `json:"attempts,omitempty"`
}

// AutomaticPixPaymentAttempt is one try at settling an automatic PIX payment
// (AutomaticPixPaymentAttempt).
type AutomaticPixPaymentAttempt struct {
	// ID is the attempt's identifier (id).
	ID string `json:"id"`
	// Status is IN_PROGRESS, COMPLETED, CANCELED or ERROR (status).
	Status AutomaticPixAttemptStatus `json:"status"`
	// EndToEndID is the attempt's PIX end-to-end id (endToEndId).
	EndToEndID *string `json:"endToEndId,omitempty"`
	// Date is the attempt's date (date).
	Date Date `json:"date"`
	// ErrorDetail says why it failed (errorDetail).
	ErrorDetail *AutomaticPixErrorDetail `json:"errorDetail,omitempty"`
}

// AutomaticPixPaymentDetail is an automatic PIX payment read alone
// (AutomaticPixPaymentDetail).
type AutomaticPixPaymentDetail struct {
	AutomaticPixPayment
	// ScheduledStatusReached tells whether the last attempt reached the
	// SCHEDULED status, which a retry needs (scheduledStatusReached).
	ScheduledStatusReached bool `json:"scheduledStatusReached"`
}

// AutomaticPixFirstPaymentParams is the payment made when the payer enrols.
type AutomaticPixFirstPaymentParams struct {
	// Date is its settlement date; zero to settle at once (date).
	Date Date `json:"date,omitzero"`
	// Description is its description; the request's when empty
	// (description).
	Description string `json:"description,omitempty"`
	// Amount is its amount, > 0 and whole cents; required (amount).
	Amount Decimal `json:"amount"`
}

// CreateAutomaticPixParams asks a payer for an automatic PIX consent
// (CreateAutomaticPixPaymentRequest): payments to RecipientID, at most once
// an Interval, of a FixedAmount or of an amount between the variable bounds.
type CreateAutomaticPixParams struct {
	// FixedAmount is the amount of every payment; excludes the variable
	// bounds (fixedAmount).
	FixedAmount Decimal `json:"fixedAmount,omitzero"`
	// MinimumVariableAmount is the least a payment may be
	// (minimumVariableAmount).
	MinimumVariableAmount Decimal `json:"minimumVariableAmount,omitzero"`
	// MaximumVariableAmount is the most a payment may be
	// (maximumVariableAmount).
	MaximumVariableAmount Decimal `json:"maximumVariableAmount,omitzero"`
	// Description is shown to the payer when they authorise (description).
	Description string `json:"description,omitempty"`
	// StartDate is the expected date of the first recurring payment; not
	// before today in Brasília; required (startDate).
	StartDate Date `json:"startDate"`
	// ExpiresAt is when the consent ends; not before StartDate (expiresAt).
	ExpiresAt Date `json:"expiresAt,omitzero"`
	// IsRetryAccepted lets failed payments be retried (isRetryAccepted).
	IsRetryAccepted *bool `json:"isRetryAccepted,omitempty"`
	// FirstPayment is charged when the payer enrols (firstPayment).
	FirstPayment *AutomaticPixFirstPaymentParams `json:"firstPayment,omitempty"`
	// Interval is how often payments may be charged; required (interval).
	Interval AutomaticPixInterval `json:"interval"`
	// AutomaticRetriesConfiguration sets the retry days
	// (automaticRetriesConfiguration).
	AutomaticRetriesConfiguration *AutomaticPixRetriesConfiguration `json:"automaticRetriesConfiguration,omitempty"`
	// SchedulerConfiguration lets Pluggy schedule the payments
	// (schedulerConfiguration).
	SchedulerConfiguration *AutomaticPixSchedulerConfiguration `json:"schedulerConfiguration,omitempty"`
	// CallbackURLs are where the payer returns to (callbackUrls).
	CallbackURLs *PaymentCallbackURLs `json:"callbackUrls,omitempty"`
	// RecipientID is who is paid; required (recipientId).
	RecipientID string `json:"recipientId"`
	// ClientPaymentID is your own identifier (clientPaymentId).
	ClientPaymentID string `json:"clientPaymentId,omitempty"`
	// CustomerID is the payer, when registered (customerId).
	CustomerID string `json:"customerId,omitempty"`
}

func checkInterval(param string, i AutomaticPixInterval) error {
	switch i {
	case AutomaticPixWeekly, AutomaticPixMonthly, AutomaticPixQuarterly, AutomaticPixSemester, AutomaticPixYearly:
		return nil
	case "":
		return paramErr(param, "is required")
	}
	return paramErr(param, "must be WEEKLY, MONTHLY, QUARTERLY, SEMESTER or YEARLY, got %q", i)
}

func (p *CreateAutomaticPixParams) check(today Date) error {
	if p == nil {
		return paramErr("params", "must not be nil")
	}
	if err := requireID("recipientId", p.RecipientID); err != nil {
		return err
	}
	if err := checkInterval("interval", p.Interval); err != nil {
		return err
	}
	if err := checkFutureDate("startDate", p.StartDate, today); err != nil {
		return err
	}
	if !p.ExpiresAt.IsZero() {
		if err := checkDate("expiresAt", p.ExpiresAt); err != nil {
			return err
		}
		if p.ExpiresAt.Before(p.StartDate) {
			return paramErr("expiresAt", "%s is before startDate (%s)", p.ExpiresAt, p.StartDate)
		}
	}
	variable := !p.MinimumVariableAmount.IsZero() || !p.MaximumVariableAmount.IsZero()
	if !p.FixedAmount.IsZero() && variable {
		return paramErr("fixedAmount", "cannot be given with minimumVariableAmount or maximumVariableAmount")
	}
	for _, a := range []struct {
		name string
		v    Decimal
	}{{"fixedAmount", p.FixedAmount}, {"minimumVariableAmount", p.MinimumVariableAmount}, {"maximumVariableAmount", p.MaximumVariableAmount}} {
		if err := checkOptionalAmount(a.name, a.v); err != nil {
			return err
		}
	}
	lo, hi := p.MinimumVariableAmount.Rat(), p.MaximumVariableAmount.Rat()
	if lo != nil && hi != nil && lo.Cmp(hi) > 0 {
		return paramErr("minimumVariableAmount", "%s is more than maximumVariableAmount (%s)", p.MinimumVariableAmount, p.MaximumVariableAmount)
	}
	if f := p.FirstPayment; f != nil {
		if err := checkAmount("firstPayment.amount", f.Amount); err != nil {
			return err
		}
		if !f.Date.IsZero() {
			if err := checkFutureDate("firstPayment.date", f.Date, today); err != nil {
				return err
			}
		}
	}
	if r := p.AutomaticRetriesConfiguration; r != nil {
		if len(r.RetryDays) == 0 {
			return paramErr("automaticRetriesConfiguration.retryDays", "must list at least one day")
		}
		seen := map[int]bool{}
		for i, d := range r.RetryDays {
			if d < 1 || d > 7 || seen[d] {
				return paramErr(fmt.Sprintf("automaticRetriesConfiguration.retryDays[%d]", i), "must be a distinct day from 1 to 7, got %d", d)
			}
			seen[d] = true
		}
	}
	if sc := p.SchedulerConfiguration; sc != nil {
		if sc.Description != nil && utf8.RuneCountInString(*sc.Description) > 140 {
			return paramErr("schedulerConfiguration.description", "must be at most 140 characters")
		}
		if err := checkOptionalAmount("schedulerConfiguration.valueForVariableAmount", sc.ValueForVariableAmount); err != nil {
			return err
		}
		if sc.Enabled && variable && sc.ValueForVariableAmount.IsZero() {
			return paramErr("schedulerConfiguration.valueForVariableAmount", "is required when the consent has variable amounts")
		}
		if v := sc.ValueForVariableAmount.Rat(); v != nil {
			if (lo != nil && v.Cmp(lo) < 0) || (hi != nil && v.Cmp(hi) > 0) {
				return paramErr("schedulerConfiguration.valueForVariableAmount", "%s is outside the variable bounds", sc.ValueForVariableAmount)
			}
		}
	}
	return p.CallbackURLs.check("callbackUrls")
}

// ScheduleAutomaticPixParams schedules a payment under an authorised
// automatic PIX consent (ScheduleAutomaticPixPaymentRequest).
type ScheduleAutomaticPixParams struct {
	// Amount is the amount, > 0 and whole cents; required (amount).
	Amount Decimal `json:"amount"`
	// Description is its description (description).
	Description string `json:"description,omitempty"`
	// Date is the payment date; Pluggy accepts D+2 to D+10; required (date).
	Date Date `json:"date"`
	// ClientPaymentID is your own identifier (clientPaymentId).
	ClientPaymentID string `json:"clientPaymentId,omitempty"`
	// RecipientID pays another recipient than the consent's, of the same
	// owner (recipientId).
	RecipientID string `json:"recipientId,omitempty"`
}

func (p *ScheduleAutomaticPixParams) check(today Date) error {
	if p == nil {
		return paramErr("params", "must not be nil")
	}
	if err := checkAmount("amount", p.Amount); err != nil {
		return err
	}
	return checkFutureDate("date", p.Date, today)
}

// Create creates an automatic PIX payment request: a recurring consent the
// payer authorises once (POST /payments/requests/automatic-pix). Not
// replayed after a 5xx or a dropped connection.
func (s *AutomaticPixService) Create(ctx context.Context, params *CreateAutomaticPixParams, opts ...RequestOption) (*PaymentRequest, error) {
	if err := params.check(s.client.today()); err != nil {
		return nil, err
	}
	return callFor[PaymentRequest](ctx, s.client, "POST /payments/requests/automatic-pix", nil, nil, params, opts...)
}

// SchedulePayment schedules a payment under the authorised consent of a
// payment request (POST /payments/requests/{id}/automatic-pix/schedule). Not
// replayed after a 5xx or a dropped connection: list the payments before
// trying again.
func (s *AutomaticPixService) SchedulePayment(ctx context.Context, paymentRequestID string, params *ScheduleAutomaticPixParams, opts ...RequestOption) (*AutomaticPixPayment, error) {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return nil, err
	}
	if err := params.check(s.client.today()); err != nil {
		return nil, err
	}
	return callFor[AutomaticPixPayment](ctx, s.client, "POST /payments/requests/{id}/automatic-pix/schedule", []string{paymentRequestID}, nil, params, opts...)
}

// ListPayments returns the payments of an automatic PIX payment request
// (GET /payments/requests/{id}/automatic-pix/schedules). The route takes no
// page parameters; the answer is one page holding them all.
func (s *AutomaticPixService) ListPayments(ctx context.Context, paymentRequestID string, opts ...RequestOption) (*Page[AutomaticPixPayment], error) {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return nil, err
	}
	return callFor[Page[AutomaticPixPayment]](ctx, s.client, "GET /payments/requests/{id}/automatic-pix/schedules", []string{paymentRequestID}, nil, nil, opts...)
}

// GetPayment returns one payment of an automatic PIX payment request
// (GET /payments/requests/{requestId}/automatic-pix/schedules/{paymentId}).
func (s *AutomaticPixService) GetPayment(ctx context.Context, paymentRequestID, paymentID string, opts ...RequestOption) (*AutomaticPixPaymentDetail, error) {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return nil, err
	}
	if err := requireID("paymentId", paymentID); err != nil {
		return nil, err
	}
	return callFor[AutomaticPixPaymentDetail](ctx, s.client, "GET /payments/requests/{requestId}/automatic-pix/schedules/{paymentId}", []string{paymentRequestID, paymentID}, nil, nil, opts...)
}

// CancelAuthorization cancels the automatic PIX consent of a payment request:
// no more payments may be charged under it
// (POST /payments/requests/{id}/automatic-pix/cancel, answered 204). Not
// replayed after a 5xx or a dropped connection.
func (s *AutomaticPixService) CancelAuthorization(ctx context.Context, paymentRequestID string, opts ...RequestOption) error {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return err
	}
	return s.client.call(ctx, "POST /payments/requests/{id}/automatic-pix/cancel", []string{paymentRequestID}, nil, nil, nil, opts...)
}

// CancelPayment cancels one scheduled automatic PIX payment
// (POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/cancel,
// answered 204). Not replayed after a 5xx or a dropped connection.
func (s *AutomaticPixService) CancelPayment(ctx context.Context, paymentRequestID, paymentID string, opts ...RequestOption) error {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return err
	}
	if err := requireID("paymentId", paymentID); err != nil {
		return err
	}
	return s.client.call(ctx, "POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/cancel", []string{paymentRequestID, paymentID}, nil, nil, nil, opts...)
}

// RetryPayment retries a failed automatic PIX payment on date, which must
// fall within 7 days of the original date; the consent must accept retries
// and at most 3 retries are allowed
// (POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/retry,
// answered 204). Not replayed after a 5xx or a dropped connection: read the
// payment's attempts before trying again.
func (s *AutomaticPixService) RetryPayment(ctx context.Context, paymentRequestID, paymentID string, date Date, opts ...RequestOption) error {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return err
	}
	if err := requireID("paymentId", paymentID); err != nil {
		return err
	}
	if err := checkFutureDate("date", date, s.client.today()); err != nil {
		return err
	}
	body := struct {
		Date Date `json:"date"`
	}{date}
	return s.client.call(ctx, "POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/retry", []string{paymentRequestID, paymentID}, nil, body, nil, opts...)
}
