package pluggy

// Shared types and checks of payment initiation: the payment request (the
// object most payment routes return), callback URLs, the schedule union,
// and the validation every payment method runs before it sends anything.
//
// Money moves through these routes, so the client is strict:
//   - amounts are Decimal (exact: DecimalFromFloat(10.10) is sent as 10.1),
//     must be greater than zero and a whole number of cents;
//   - CPF and CNPJ may be written with or without punctuation
//     ("123.456.789-09" or "12345678909"); the client strips '.', '-', '/'
//     and spaces, requires 11 digits for a CPF and 14 characters for a
//     CNPJ, and sends them without punctuation. A CNPJ may be alphanumeric
//     (issued since July 2026, IN RFB 2.229/2024: "12.ABC.345/01DE-35",
//     12 digits or letters A-Z, lower case sent as upper, then 2 digits);
//     the check digits of an alphanumeric CNPJ are verified, those of a
//     numeric CPF or CNPJ are not (Pluggy's sandbox uses numbers such as
//     11111111111);
//   - dates are calendar dates in Brasília time (UTC−3), the calendar Pluggy
//     schedules payments on; a date before today there is refused;
//   - every identifier the call needs must be non-empty.
//
// Every failed check is an *ArgumentError naming the field as the API does
// ("amount", "schedule.occurrences", "parameters.cpf").
//
// None of the POST routes here is replayed once the server may have acted on
// it: a 5xx or a dropped connection after sending is returned to the caller
// (check with a GET before trying again); only a 429, or a request that
// surely never left, is retried.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pluggy-go/pluggy/internal/taxid"
)

// brasilia is Brasília time (UTC−3; Brazil has had no daylight saving time
// since 2019), the calendar of Pluggy's payment dates.
var brasilia = time.FixedZone("BRT", -3*60*60)

// today returns the current date in Brasília by the client's clock.
func (c *Client) today() Date { return DateOf(c.clock.Now().In(brasilia)) }

// PaymentRequestStatus is the lifecycle of a payment request
// (PaymentRequestStatus).
type PaymentRequestStatus string

// The payment request statuses the API lists.
const (
	// PaymentRequestCreated: created, waiting for a payment intent.
	PaymentRequestCreated PaymentRequestStatus = "CREATED"
	// PaymentRequestInProgress: a payment intent is being processed.
	PaymentRequestInProgress PaymentRequestStatus = "IN_PROGRESS"
	// PaymentRequestWaitingPayerAuthorization: the payer must authorise the
	// payment at the institution.
	PaymentRequestWaitingPayerAuthorization PaymentRequestStatus = "WAITING_PAYER_AUTHORIZATION"
	// PaymentRequestAuthorized: automatic PIX only; the recurring consent was
	// authorised and payments will be made under it.
	PaymentRequestAuthorized PaymentRequestStatus = "AUTHORIZED"
	// PaymentRequestScheduled: the payment is scheduled for a future date.
	PaymentRequestScheduled PaymentRequestStatus = "SCHEDULED"
	// PaymentRequestCompleted: the institution confirmed the payment.
	PaymentRequestCompleted PaymentRequestStatus = "COMPLETED"
	// PaymentRequestError: the payment failed (see ErrorDetail).
	PaymentRequestError PaymentRequestStatus = "ERROR"
	// PaymentRequestRefundInProgress: a refund is being processed.
	PaymentRequestRefundInProgress PaymentRequestStatus = "REFUND_IN_PROGRESS"
	// PaymentRequestRefunded: the refund was completed.
	PaymentRequestRefunded PaymentRequestStatus = "REFUNDED"
	// PaymentRequestRefundError: the refund failed.
	PaymentRequestRefundError PaymentRequestStatus = "REFUND_ERROR"
	// PaymentRequestExpired: the request expired without being paid.
	PaymentRequestExpired PaymentRequestStatus = "EXPIRED"
	// PaymentRequestCanceled: the request was canceled.
	PaymentRequestCanceled PaymentRequestStatus = "CANCELED"
)

// IsFinal reports whether a payment request in status s will not change any
// more (COMPLETED, ERROR, REFUNDED, REFUND_ERROR, EXPIRED, CANCELED). A
// COMPLETED request may still be refunded.
func (s PaymentRequestStatus) IsFinal() bool {
	switch s {
	case PaymentRequestCompleted, PaymentRequestError, PaymentRequestRefunded,
		PaymentRequestRefundError, PaymentRequestExpired, PaymentRequestCanceled:
		return true
	}
	return false
}

// PaymentRequest is a request to pay an amount to a recipient
// (PaymentRequest). Send its PaymentURL to the payer, or start a payment
// intent for it. Returned by the routes under /payments/requests.
type PaymentRequest struct {
	// ID is the payment request's primary identifier (id).
	ID string `json:"id"`
	// Amount is the requested amount in BRL; automatic PIX requests have
	// none (amount).
	Amount Decimal `json:"amount,omitzero"`
	// Fees are Pluggy's and the customer-specific fees; 0 in the sandbox
	// (fees).
	Fees Decimal `json:"fees,omitzero"`
	// Description is the payment's description (description).
	Description *string `json:"description,omitempty"`
	// Status is where the request is in its lifecycle (status).
	Status PaymentRequestStatus `json:"status"`
	// ClientPaymentID is your own identifier of the payment (clientPaymentId).
	ClientPaymentID *string `json:"clientPaymentId,omitempty"`
	// CreatedAt is when the request was created (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt"`
	// CallbackURLs are where the payer is sent back to (callbackUrls).
	CallbackURLs *PaymentCallbackURLs `json:"callbackUrls,omitempty"`
	// Recipient receives the money; its shape depends on its Type
	// (recipient).
	Recipient *PaymentRequestRecipient `json:"recipient,omitempty"`
	// Customer is the payer, when one was given (customer).
	Customer *PaymentCustomer `json:"customer,omitempty"`
	// SmartAccount is the Pluggy smart account receiving the funds, when
	// there is one (smartAccount).
	SmartAccount *SmartAccount `json:"smartAccount,omitempty"`
	// PaymentURL is the page where the payer starts paying (paymentUrl).
	PaymentURL string `json:"paymentUrl"`
	// PixQRCode is the PIX QR code (EMV "copia e cola") the request pays,
	// for PIX QR requests (pixQrCode).
	PixQRCode *string `json:"pixQrCode,omitempty"`
	// Boleto is the boleto the request pays, for boleto requests (boleto).
	Boleto *Boleto `json:"boleto,omitempty"`
	// AutomaticPix holds the recurring consent's terms, for automatic PIX
	// requests (automaticPix).
	AutomaticPix *AutomaticPix `json:"automaticPix,omitempty"`
	// Schedule is when the payments happen, for scheduled requests: a
	// *SingleSchedule, *DailySchedule, *WeeklySchedule, *MonthlySchedule,
	// *CustomSchedule or *UnknownSchedule (schedule).
	Schedule Schedule `json:"schedule,omitempty"`
	// ErrorDetail says why the request failed (errorDetail).
	ErrorDetail *PaymentRequestErrorDetail `json:"errorDetail,omitempty"`
	// IsSandbox tells a sandbox request (isSandbox).
	IsSandbox *bool `json:"isSandbox,omitempty"`
}

// UnmarshalJSON decodes a payment request, choosing the schedule's Go type by
// its "type".
func (r *PaymentRequest) UnmarshalJSON(b []byte) error {
	if decodePlanned(bytes.TrimSpace(b), (*paymentRequestJSON)(r)) {
		return nil
	}
	type plain PaymentRequest
	aux := struct {
		*plain
		Schedule json.RawMessage `json:"schedule"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	s, err := decodeSchedule(aux.Schedule)
	if err != nil {
		return err
	}
	r.Schedule = s
	return nil
}

// paymentRequestJSON is PaymentRequest without its UnmarshalJSON, for the
// plan decoder (decode_plan.go), which reads its schedule as UnmarshalJSON
// does: the object's type picks the Schedule.
type paymentRequestJSON PaymentRequest

// PaymentRequestErrorDetail says why a payment request failed
// (PaymentRequest errorDetail).
type PaymentRequestErrorDetail struct {
	// Code is the error code (code).
	Code *string `json:"code,omitempty"`
	// ProviderMessage is the institution's own message (providerMessage).
	ProviderMessage *string `json:"providerMessage,omitempty"`
}

// PaymentCallbackURLs are the pages the payer is redirected to when the
// payment ends (PaymentRequestCallbackUrls). Each must be an absolute http(s)
// URL when set.
type PaymentCallbackURLs struct {
	// Success is used after the payment completed (success).
	Success string `json:"success,omitempty"`
	// Pending is used while the payment is pending, e.g.
	// WAITING_PAYER_AUTHORIZATION (pending).
	Pending string `json:"pending,omitempty"`
	// Error is used after the payment failed (error).
	Error string `json:"error,omitempty"`
}

func (u *PaymentCallbackURLs) check(param string) error {
	if u == nil {
		return nil
	}
	for _, f := range []struct{ name, v string }{{"success", u.Success}, {"pending", u.Pending}, {"error", u.Error}} {
		if err := checkHTTPURL(param+"."+f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// RecipientType tells the kind of a payment request's recipient
// (PaymentRequestRecipient type).
type RecipientType string

// The recipient types the API lists.
const (
	// RecipientTypeBankAccount: a registered bank-account recipient
	// (PaymentRecipient).
	RecipientTypeBankAccount RecipientType = "BANK_ACCOUNT"
	// RecipientTypePixQRCode: the merchant of a PIX QR code.
	RecipientTypePixQRCode RecipientType = "PIX_QR_CODE"
	// RecipientTypeBoleto: the beneficiary of a boleto.
	RecipientTypeBoleto RecipientType = "BOLETO"
)

// PaymentRequestRecipient is the recipient embedded in a payment request
// (PaymentRequestRecipient): one of a registered bank account
// (BANK_ACCOUNT, every field may be set), the merchant of a PIX QR code
// (PIX_QR_CODE, Name only) or the beneficiary of a boleto (BOLETO, Name and
// TaxNumber). Type tells which; BankAccount returns the first form whole.
type PaymentRequestRecipient struct {
	// Type is BANK_ACCOUNT, PIX_QR_CODE or BOLETO (type).
	Type RecipientType `json:"type"`
	// ID is the recipient's identifier, for BANK_ACCOUNT (id).
	ID *string `json:"id,omitempty"`
	// Name is the account owner's, merchant's or beneficiary's name (name).
	Name *string `json:"name,omitempty"`
	// TaxNumber is the CPF or CNPJ, for BANK_ACCOUNT and BOLETO (taxNumber).
	TaxNumber *string `json:"taxNumber,omitempty"`
	// PaymentInstitution holds the account, for BANK_ACCOUNT
	// (paymentInstitution).
	PaymentInstitution *PaymentInstitution `json:"paymentInstitution,omitempty"`
	// IsDefault tells the default recipient, for BANK_ACCOUNT (isDefault).
	IsDefault *bool `json:"isDefault,omitempty"`
	// Account is the bank account, for BANK_ACCOUNT (account).
	Account *PaymentRecipientAccount `json:"account,omitempty"`
	// PixKey is the account's PIX key, when it has one (pixKey).
	PixKey *string `json:"pixKey,omitempty"`
	// CreatedAt is when the recipient was registered (createdAt).
	CreatedAt *time.Time `json:"createdAt,omitempty"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

// BankAccount returns the recipient as a *PaymentRecipient when it is a
// registered bank account (Type BANK_ACCOUNT).
func (r *PaymentRequestRecipient) BankAccount() (*PaymentRecipient, bool) {
	if r == nil || r.Type != RecipientTypeBankAccount {
		return nil, false
	}
	p := &PaymentRecipient{Type: r.Type, PixKey: r.PixKey}
	p.ID = deref(r.ID)
	p.Name = deref(r.Name)
	p.TaxNumber = deref(r.TaxNumber)
	if r.PaymentInstitution != nil {
		p.PaymentInstitution = *r.PaymentInstitution
	}
	if r.IsDefault != nil {
		p.IsDefault = *r.IsDefault
	}
	if r.Account != nil {
		p.Account = *r.Account
	}
	if r.CreatedAt != nil {
		p.CreatedAt = *r.CreatedAt
	}
	if r.UpdatedAt != nil {
		p.UpdatedAt = *r.UpdatedAt
	}
	return p, true
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// SmartAccountType is the kind of a smart account; always CHECKING_ACCOUNT.
type SmartAccountType string

// SmartAccountChecking is the only smart account type the API lists.
const SmartAccountChecking SmartAccountType = "CHECKING_ACCOUNT"

// SmartAccount is a Pluggy smart account (an escrow account) attached to a
// payment request (SmartAccount).
type SmartAccount struct {
	// ID is the smart account's identifier (id).
	ID string `json:"id"`
	// Agency is its branch (agency).
	Agency string `json:"agency"`
	// Number is its account number (number).
	Number string `json:"number"`
	// VerifyingDigit is its check digit (verifyingDigit).
	VerifyingDigit string `json:"verifyingDigit"`
	// Type is always CHECKING_ACCOUNT (type).
	Type SmartAccountType `json:"type"`
	// IsSandbox tells a sandbox account (isSandbox).
	IsSandbox bool `json:"isSandbox"`
	// Owner is the holder's legal name, in detailed views only (owner).
	Owner *string `json:"owner,omitempty"`
	// PixKey is the account's PIX key (pixKey).
	PixKey *string `json:"pixKey,omitempty"`
}

// Boleto is the boleto a payment request pays (Boleto).
type Boleto struct {
	// DigitableLine is the boleto's typeable line (digitableLine).
	DigitableLine string `json:"digitableLine"`
	// Barcode is its barcode number (barcode).
	Barcode string `json:"barcode"`
	// Payer is who owes it (payer).
	Payer BoletoPayer `json:"payer"`
	// Recipient is its beneficiary (recipient).
	Recipient BoletoRecipient `json:"recipient"`
	// Date is when it was issued (date).
	Date *time.Time `json:"date,omitempty"`
	// DueDate is when it is due (dueDate).
	DueDate time.Time `json:"dueDate"`
	// ExpirationDate is the last day it can be paid (expirationDate).
	ExpirationDate *time.Time `json:"expirationDate,omitempty"`
	// BaseAmount is the original amount (baseAmount).
	BaseAmount Decimal `json:"baseAmount"`
	// PenaltyAmount is the penalty, 0 when none (penaltyAmount).
	PenaltyAmount Decimal `json:"penaltyAmount"`
	// InterestAmount is the interest, 0 when none (interestAmount).
	InterestAmount Decimal `json:"interestAmount,omitzero"`
	// DiscountAmount is the discount, 0 when none (discountAmount).
	DiscountAmount Decimal `json:"discountAmount"`
	// TotalAmount is base + penalty + interest − discount (totalAmount).
	TotalAmount Decimal `json:"totalAmount"`
	// UpdatedAt is when these figures were last read (updatedAt).
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

// BoletoPayer is who owes a boleto (BoletoPayer).
type BoletoPayer struct {
	// TaxNumber is the payer's CPF or CNPJ (taxNumber).
	TaxNumber string `json:"taxNumber"`
	// Name is the payer's name (name).
	Name string `json:"name"`
}

// BoletoRecipient is the beneficiary of a boleto (BoletoRecipient).
type BoletoRecipient struct {
	// TaxNumber is the beneficiary's CPF or CNPJ (taxNumber).
	TaxNumber string `json:"taxNumber"`
	// Name is the beneficiary's name (name).
	Name string `json:"name"`
}

// ScheduleType is the kind of a payment schedule (the schedule's "type").
type ScheduleType string

// The schedule types the API lists.
const (
	// ScheduleTypeSingle: one payment on a future date (SingleSchedule).
	ScheduleTypeSingle ScheduleType = "SINGLE"
	// ScheduleTypeDaily: a payment every day (DailySchedule).
	ScheduleTypeDaily ScheduleType = "DAILY"
	// ScheduleTypeWeekly: a payment every week (WeeklySchedule).
	ScheduleTypeWeekly ScheduleType = "WEEKLY"
	// ScheduleTypeMonthly: a payment every month (MonthlySchedule).
	ScheduleTypeMonthly ScheduleType = "MONTHLY"
	// ScheduleTypeCustom: payments on a list of dates (CustomSchedule).
	ScheduleTypeCustom ScheduleType = "CUSTOM"
)

// Schedule is when a scheduled payment request's payments happen: one of
// *SingleSchedule, *DailySchedule, *WeeklySchedule, *MonthlySchedule and
// *CustomSchedule, told apart by their "type" in JSON. A schedule of a type
// this package does not know decodes as *UnknownSchedule and encodes back
// unchanged.
//
//	params.Schedule = &pluggy.MonthlySchedule{StartDate: start, DayOfMonth: 10, Occurrences: 12}
//
//	switch s := req.Schedule.(type) {
//	case *pluggy.MonthlySchedule:
//		fmt.Println("every month on day", s.DayOfMonth)
//	}
type Schedule interface {
	// ScheduleType returns the schedule's discriminator.
	ScheduleType() ScheduleType
	// Dates returns the dates the schedule pays on, in order, as Pluggy
	// computes them (nil for an UnknownSchedule).
	Dates() []Date
	// check validates the schedule before it is sent.
	check(param string, today Date) error
}

// SingleSchedule is one payment on a given date (SINGLE).
type SingleSchedule struct {
	// Date is the settlement date (date).
	Date Date `json:"date"`
}

// DailySchedule is a payment every day from StartDate (DAILY).
type DailySchedule struct {
	// StartDate is the first payment's date (startDate).
	StartDate Date `json:"startDate"`
	// Occurrences is how many payments, 3 to 59 (occurrences).
	Occurrences int `json:"occurrences"`
}

// DayOfWeek is a day of the week in a weekly schedule (WEEKLY dayOfWeek).
type DayOfWeek string

// The days of the week the API lists.
const (
	DayOfWeekMonday    DayOfWeek = "MONDAY"
	DayOfWeekTuesday   DayOfWeek = "TUESDAY"
	DayOfWeekWednesday DayOfWeek = "WEDNESDAY"
	DayOfWeekThursday  DayOfWeek = "THURSDAY"
	DayOfWeekFriday    DayOfWeek = "FRIDAY"
	DayOfWeekSaturday  DayOfWeek = "SATURDAY"
	DayOfWeekSunday    DayOfWeek = "SUNDAY"
)

var weekdays = map[DayOfWeek]time.Weekday{
	DayOfWeekSunday: time.Sunday, DayOfWeekMonday: time.Monday, DayOfWeekTuesday: time.Tuesday,
	DayOfWeekWednesday: time.Wednesday, DayOfWeekThursday: time.Thursday, DayOfWeekFriday: time.Friday,
	DayOfWeekSaturday: time.Saturday,
}

// DayOfWeekOf returns the DayOfWeek of w.
func DayOfWeekOf(w time.Weekday) DayOfWeek {
	for d, x := range weekdays {
		if x == w {
			return d
		}
	}
	return ""
}

// WeeklySchedule is a payment every week on DayOfWeek, the first on or after
// StartDate (WEEKLY).
type WeeklySchedule struct {
	// StartDate is when the authorisation starts (startDate).
	StartDate Date `json:"startDate"`
	// DayOfWeek is the day each payment happens (dayOfWeek).
	DayOfWeek DayOfWeek `json:"dayOfWeek"`
	// Occurrences is how many payments, 3 to 59 (occurrences).
	Occurrences int `json:"occurrences"`
}

// MonthlySchedule is a payment every month on DayOfMonth, the first on or
// after StartDate (MONTHLY).
type MonthlySchedule struct {
	// StartDate is when the authorisation starts (startDate).
	StartDate Date `json:"startDate"`
	// DayOfMonth is the day of the month, 1 to 30 (dayOfMonth).
	DayOfMonth int `json:"dayOfMonth"`
	// Occurrences is how many payments, 3 to 23 (occurrences).
	Occurrences int `json:"occurrences"`
}

// CustomSchedule is a payment on each of a list of dates (CUSTOM).
type CustomSchedule struct {
	// PaymentDates are the settlement dates (dates).
	PaymentDates []Date `json:"dates"`
	// AdditionalInformation describes the schedule (additionalInformation).
	AdditionalInformation string `json:"additionalInformation,omitempty"`
}

// UnknownSchedule is a schedule of a type this package does not know; Raw is
// the JSON object as the API sent it.
type UnknownSchedule struct {
	// Type is the schedule's "type".
	Type ScheduleType
	// Raw is the whole schedule object.
	Raw json.RawMessage
}

// ScheduleType returns SINGLE.
func (*SingleSchedule) ScheduleType() ScheduleType { return ScheduleTypeSingle }

// ScheduleType returns DAILY.
func (*DailySchedule) ScheduleType() ScheduleType { return ScheduleTypeDaily }

// ScheduleType returns WEEKLY.
func (*WeeklySchedule) ScheduleType() ScheduleType { return ScheduleTypeWeekly }

// ScheduleType returns MONTHLY.
func (*MonthlySchedule) ScheduleType() ScheduleType { return ScheduleTypeMonthly }

// ScheduleType returns CUSTOM.
func (*CustomSchedule) ScheduleType() ScheduleType { return ScheduleTypeCustom }

// ScheduleType returns the type the API sent.
func (s *UnknownSchedule) ScheduleType() ScheduleType {
	if s == nil {
		return ""
	}
	return s.Type
}

// MarshalJSON writes the schedule with "type": "SINGLE".
func (s SingleSchedule) MarshalJSON() ([]byte, error) {
	type plain SingleSchedule
	return json.Marshal(struct {
		Type ScheduleType `json:"type"`
		plain
	}{ScheduleTypeSingle, plain(s)})
}

// MarshalJSON writes the schedule with "type": "DAILY".
func (s DailySchedule) MarshalJSON() ([]byte, error) {
	type plain DailySchedule
	return json.Marshal(struct {
		Type ScheduleType `json:"type"`
		plain
	}{ScheduleTypeDaily, plain(s)})
}

// MarshalJSON writes the schedule with "type": "WEEKLY".
func (s WeeklySchedule) MarshalJSON() ([]byte, error) {
	type plain WeeklySchedule
	return json.Marshal(struct {
		Type ScheduleType `json:"type"`
		plain
	}{ScheduleTypeWeekly, plain(s)})
}

// MarshalJSON writes the schedule with "type": "MONTHLY".
func (s MonthlySchedule) MarshalJSON() ([]byte, error) {
	type plain MonthlySchedule
	return json.Marshal(struct {
		Type ScheduleType `json:"type"`
		plain
	}{ScheduleTypeMonthly, plain(s)})
}

// MarshalJSON writes the schedule with "type": "CUSTOM".
func (s CustomSchedule) MarshalJSON() ([]byte, error) {
	type plain CustomSchedule
	return json.Marshal(struct {
		Type ScheduleType `json:"type"`
		plain
	}{ScheduleTypeCustom, plain(s)})
}

// MarshalJSON writes Raw back, or {"type": Type} when Raw is empty.
func (s UnknownSchedule) MarshalJSON() ([]byte, error) {
	if len(s.Raw) > 0 && json.Valid(s.Raw) {
		return s.Raw, nil
	}
	return json.Marshal(map[string]ScheduleType{"type": s.Type})
}

// decodeSchedule decodes a schedule object, choosing its Go type by its
// "type": *SingleSchedule, *DailySchedule, *WeeklySchedule, *MonthlySchedule,
// *CustomSchedule, or *UnknownSchedule for any other type. null decodes as a
// nil Schedule.
func decodeSchedule(raw json.RawMessage) (Schedule, error) {
	trimmed := strings.TrimSpace(string(raw))
	if trimmed == "" || trimmed == "null" {
		return nil, nil
	}
	var head struct {
		Type ScheduleType `json:"type"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("pluggy: schedule: %w", err)
	}
	var s Schedule
	switch head.Type {
	case ScheduleTypeSingle:
		s = new(SingleSchedule)
	case ScheduleTypeDaily:
		s = new(DailySchedule)
	case ScheduleTypeWeekly:
		s = new(WeeklySchedule)
	case ScheduleTypeMonthly:
		s = new(MonthlySchedule)
	case ScheduleTypeCustom:
		s = new(CustomSchedule)
	default:
		return &UnknownSchedule{Type: head.Type, Raw: append(json.RawMessage(nil), raw...)}, nil
	}
	if err := json.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("pluggy: %s schedule: %w", head.Type, err)
	}
	return s, nil
}

// Dates returns the single date.
func (s *SingleSchedule) Dates() []Date {
	if s == nil {
		return nil
	}
	return []Date{s.Date}
}

// Dates returns Occurrences consecutive days from StartDate.
func (s *DailySchedule) Dates() []Date {
	if s == nil || s.StartDate.IsZero() {
		return nil
	}
	out := make([]Date, 0, max(0, min(s.Occurrences, 1000)))
	for i := 0; i < s.Occurrences && i < 1000; i++ {
		out = append(out, DateOf(s.StartDate.Time(nil).AddDate(0, 0, i)))
	}
	return out
}

// Dates returns Occurrences dates a week apart, the first being the first
// DayOfWeek on or after StartDate.
func (s *WeeklySchedule) Dates() []Date {
	wd, ok := weekdays[s.weekday()]
	if s == nil || s.StartDate.IsZero() || !ok {
		return nil
	}
	first := s.StartDate.Time(nil)
	first = first.AddDate(0, 0, (int(wd)-int(first.Weekday())+7)%7)
	out := make([]Date, 0, max(0, min(s.Occurrences, 1000)))
	for i := 0; i < s.Occurrences && i < 1000; i++ {
		out = append(out, DateOf(first.AddDate(0, 0, 7*i)))
	}
	return out
}

func (s *WeeklySchedule) weekday() DayOfWeek {
	if s == nil {
		return ""
	}
	return s.DayOfWeek
}

// Dates returns Occurrences dates a month apart on DayOfMonth (the last day
// of a shorter month), the first on or after StartDate.
func (s *MonthlySchedule) Dates() []Date {
	if s == nil || s.StartDate.IsZero() || s.DayOfMonth < 1 || s.DayOfMonth > 31 {
		return nil
	}
	y, m := s.StartDate.Year, s.StartDate.Month
	if s.StartDate.Day > dayIn(y, m, s.DayOfMonth) {
		m++
	}
	out := make([]Date, 0, max(0, min(s.Occurrences, 1000)))
	for i := 0; i < s.Occurrences && i < 1000; i++ {
		t := time.Date(y, m+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		out = append(out, Date{Year: t.Year(), Month: t.Month(), Day: dayIn(t.Year(), t.Month(), s.DayOfMonth)})
	}
	return out
}

// dayIn returns day, or the last day of the month when it has fewer days.
func dayIn(y int, m time.Month, day int) int {
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return min(day, last)
}

// Dates returns the listed dates.
func (s *CustomSchedule) Dates() []Date {
	if s == nil {
		return nil
	}
	return append([]Date(nil), s.PaymentDates...)
}

// Dates returns nil: the package cannot tell an unknown schedule's dates.
func (s *UnknownSchedule) Dates() []Date { return nil }

// maxScheduleSpan is how far the last payment of a schedule may be from its
// start (Pluggy's DATA_PAGAMENTO_INVALIDA: at most two years).
func withinTwoYears(param string, from, last Date) error {
	if limit := DateOf(from.Time(nil).AddDate(2, 0, 0)); limit.Before(last) {
		return paramErr(param, "the last payment (%s) is more than two years after %s", last, from)
	}
	return nil
}

func (s *SingleSchedule) check(param string, today Date) error {
	if s == nil {
		return paramErr(param, "must not be a nil *SingleSchedule")
	}
	if err := checkFutureDate(param+".date", s.Date, today); err != nil {
		return err
	}
	return withinTwoYears(param+".date", today, s.Date)
}

func checkOccurrences(param string, n, lo, hi int) error {
	if n < lo || n > hi {
		return paramErr(param, "must be between %d and %d, got %d", lo, hi, n)
	}
	return nil
}

func (s *DailySchedule) check(param string, today Date) error {
	if s == nil {
		return paramErr(param, "must not be a nil *DailySchedule")
	}
	if err := checkFutureDate(param+".startDate", s.StartDate, today); err != nil {
		return err
	}
	return checkOccurrences(param+".occurrences", s.Occurrences, 3, 59)
}

func (s *WeeklySchedule) check(param string, today Date) error {
	if s == nil {
		return paramErr(param, "must not be a nil *WeeklySchedule")
	}
	if err := checkFutureDate(param+".startDate", s.StartDate, today); err != nil {
		return err
	}
	if _, ok := weekdays[s.DayOfWeek]; !ok {
		return paramErr(param+".dayOfWeek", "must be MONDAY to SUNDAY, got %q", s.DayOfWeek)
	}
	if err := checkOccurrences(param+".occurrences", s.Occurrences, 3, 59); err != nil {
		return err
	}
	d := s.Dates()
	return withinTwoYears(param+".occurrences", s.StartDate, d[len(d)-1])
}

func (s *MonthlySchedule) check(param string, today Date) error {
	if s == nil {
		return paramErr(param, "must not be a nil *MonthlySchedule")
	}
	if err := checkFutureDate(param+".startDate", s.StartDate, today); err != nil {
		return err
	}
	if s.DayOfMonth < 1 || s.DayOfMonth > 30 {
		return paramErr(param+".dayOfMonth", "must be between 1 and 30, got %d", s.DayOfMonth)
	}
	return checkOccurrences(param+".occurrences", s.Occurrences, 3, 23)
}

func (s *CustomSchedule) check(param string, today Date) error {
	if s == nil {
		return paramErr(param, "must not be a nil *CustomSchedule")
	}
	if len(s.PaymentDates) == 0 {
		return paramErr(param+".dates", "must list at least one date")
	}
	seen := make(map[Date]bool, len(s.PaymentDates))
	first := s.PaymentDates[0]
	last := first
	for i, d := range s.PaymentDates {
		name := fmt.Sprintf("%s.dates[%d]", param, i)
		if err := checkFutureDate(name, d, today); err != nil {
			return err
		}
		if seen[d] {
			return paramErr(name, "%s is listed twice", d)
		}
		seen[d] = true
		if d.Before(first) {
			first = d
		}
		if last.Before(d) {
			last = d
		}
	}
	return withinTwoYears(param+".dates", first, last)
}

func (s *UnknownSchedule) check(param string, today Date) error {
	if s == nil || s.Type == "" {
		return paramErr(param+".type", "must not be empty")
	}
	return nil
}

// checkSchedule validates an optional schedule.
func checkSchedule(param string, s Schedule, today Date) error {
	if s == nil {
		return nil
	}
	return s.check(param, today)
}

// checkAmount requires a positive amount that is a whole number of cents.
func checkAmount(param string, d Decimal) error {
	if d.IsZero() {
		return paramErr(param, "is required")
	}
	if d.Sign() <= 0 {
		return paramErr(param, "must be greater than 0, got %s", d)
	}
	if _, err := d.Cents(); err != nil {
		return paramErr(param, "must be a whole number of cents, got %s", d)
	}
	return nil
}

// checkOptionalAmount is checkAmount for an amount that may be left out.
func checkOptionalAmount(param string, d Decimal) error {
	if d.IsZero() {
		return nil
	}
	return checkAmount(param, d)
}

// checkDate requires a real calendar date.
func checkDate(param string, d Date) error {
	if d.IsZero() {
		return paramErr(param, "is required")
	}
	if !d.IsValid() {
		return paramErr(param, "%04d-%02d-%02d is not a calendar date", d.Year, int(d.Month), d.Day)
	}
	return nil
}

// checkOptionalDate is checkDate for a date that may be left out.
func checkOptionalDate(param string, d Date) error {
	if d.IsZero() {
		return nil
	}
	return checkDate(param, d)
}

// checkFutureDate requires a real date that is not before today (in
// Brasília).
func checkFutureDate(param string, d, today Date) error {
	if err := checkDate(param, d); err != nil {
		return err
	}
	if d.Before(today) {
		return paramErr(param, "%s is in the past (today is %s in Brasília)", d, today)
	}
	return nil
}

// checkDateRange validates optional from/to filters.
func checkDateRange(from, to Date) error {
	if err := checkOptionalDate("from", from); err != nil {
		return err
	}
	if err := checkOptionalDate("to", to); err != nil {
		return err
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return paramErr("from", "%s is after to (%s)", from, to)
	}
	return nil
}

// Kinds of Brazilian tax numbers.
const (
	cpfLen  = taxid.CPFLen
	cnpjLen = taxid.CNPJLen
)

// taxDigits strips the punctuation of a CPF or CNPJ ('.', '-', '/', spaces)
// and requires what is left to be one of the kinds the lengths name: a CPF
// is 11 digits; a CNPJ is 14 characters, numeric or alphanumeric (IN RFB
// 2.229/2024: 12 digits or letters A-Z, lower case taken as upper, then 2
// check digits, verified for an alphanumeric one). It returns the cleaned
// number, letters in upper case.
func taxDigits(param, v string, lengths ...int) (string, error) {
	cnpjOK := slices.Contains(lengths, cnpjLen)
	d, ok := taxid.Clean(v, cnpjOK)
	if !ok {
		if cnpjOK {
			return "", paramErr(param, "must contain only digits, and in a CNPJ letters A-Z (punctuation . - / allowed)")
		}
		return "", paramErr(param, "must contain only digits (punctuation . - / allowed)")
	}
	if cnpjOK && len(d) == cnpjLen {
		if !taxid.HasLetters(d) {
			return d, nil // numeric: check digits left to Pluggy, as for a CPF
		}
		if strings.Trim(d[12:], "0123456789") != "" {
			return "", paramErr(param, "an alphanumeric CNPJ ends with 2 check digits, not letters")
		}
		if !taxid.ValidCNPJ(d) {
			return "", paramErr(param, "is not a valid alphanumeric CNPJ: its check digits do not match")
		}
		return d, nil
	}
	if taxid.HasLetters(d) {
		return "", paramErr(param, "an alphanumeric CNPJ has 14 characters (12 digits or letters A-Z, then 2 check digits), got %d", len(d))
	}
	if slices.Contains(lengths, cpfLen) && len(d) == cpfLen {
		return d, nil
	}
	switch {
	case len(lengths) == 1 && lengths[0] == cpfLen:
		return "", paramErr(param, "a CPF has 11 digits, got %d", len(d))
	case len(lengths) == 1 && lengths[0] == cnpjLen:
		return "", paramErr(param, "a CNPJ has 14 digits, got %d", len(d))
	}
	return "", paramErr(param, "must be a CPF (11 digits) or a CNPJ (14 digits), got %d digits", len(d))
}

// optionalTaxDigits is taxDigits for a value that may be empty.
func optionalTaxDigits(param, v string, lengths ...int) (string, error) {
	if v == "" {
		return "", nil
	}
	return taxDigits(param, v, lengths...)
}

// requireText requires a non-blank string.
func requireText(param, v string) error {
	if strings.TrimSpace(v) == "" {
		return paramErr(param, "is required")
	}
	return nil
}

// listQuery starts the query of a paged list.
func listQuery(page, pageSize int) (query, error) {
	var q query
	if err := checkPage(page, pageSize); err != nil {
		return q, err
	}
	q.int("page", page)
	q.int("pageSize", pageSize)
	return q, nil
}
