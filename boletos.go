package pluggy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// IssuedBoletoStatus is the status of a boleto you issued (IssuedBoleto
// status).
type IssuedBoletoStatus string

// The boleto statuses the API lists.
const (
	// IssuedBoletoOpen: issued, awaiting payment.
	IssuedBoletoOpen IssuedBoletoStatus = "OPEN"
	// IssuedBoletoPaid: paid (see PaidAt, AmountPaid, PaymentOrigin).
	IssuedBoletoPaid IssuedBoletoStatus = "PAID"
	// IssuedBoletoOverdue: past its due date, unpaid.
	IssuedBoletoOverdue IssuedBoletoStatus = "OVERDUE"
	// IssuedBoletoCancelled: canceled by the issuer.
	IssuedBoletoCancelled IssuedBoletoStatus = "CANCELLED"
	// IssuedBoletoProtested: sent to protest.
	IssuedBoletoProtested IssuedBoletoStatus = "PROTESTED"
)

// BoletoPaymentOrigin is how a boleto was paid (IssuedBoleto paymentOrigin).
type BoletoPaymentOrigin string

// The payment origins the API lists.
const (
	BoletoPaidByPix    BoletoPaymentOrigin = "PIX"
	BoletoPaidByBoleto BoletoPaymentOrigin = "BOLETO"
)

// BoletoFineType is how a late fine is computed (fine type).
type BoletoFineType string

// The fine types the API lists.
const (
	BoletoFinePercentage BoletoFineType = "PERCENTAGE"
	BoletoFineFixed      BoletoFineType = "FIXED"
)

// BoletoInterestType is how late interest is computed (interest type).
type BoletoInterestType string

// BoletoInterestPercentage is the only interest type the API lists.
const BoletoInterestPercentage BoletoInterestType = "PERCENTAGE"

// BoletoFine is the fine for paying late (fine).
type BoletoFine struct {
	// Value is the fine, a percentage or an amount by Type; >= 0 (value).
	Value Decimal `json:"value"`
	// Type is PERCENTAGE or FIXED (type).
	Type BoletoFineType `json:"type"`
}

// BoletoInterest is the interest for paying late (interest).
type BoletoInterest struct {
	// Value is the interest percentage; >= 0 (value).
	Value Decimal `json:"value"`
	// Type is PERCENTAGE (type).
	Type BoletoInterestType `json:"type"`
}

// IssuedBoletoPayer is who owes an issued boleto (IssuedBoleto payer).
type IssuedBoletoPayer struct {
	// TaxNumber is the payer's CPF or CNPJ (taxNumber).
	TaxNumber string `json:"taxNumber"`
	// PersonType tells a person or a company (personType).
	PersonType *string `json:"personType,omitempty"`
	// Name is the payer's name (name).
	Name string `json:"name"`
	// AddressStreet is the street (addressStreet).
	AddressStreet *string `json:"addressStreet,omitempty"`
	// AddressNumber is the number (addressNumber).
	AddressNumber *string `json:"addressNumber,omitempty"`
	// AddressComplement is the complement (addressComplement).
	AddressComplement *string `json:"addressComplement,omitempty"`
	// AddressNeighborhood is the neighbourhood (addressNeighborhood).
	AddressNeighborhood *string `json:"addressNeighborhood,omitempty"`
	// AddressCity is the city (addressCity).
	AddressCity *string `json:"addressCity,omitempty"`
	// AddressState is the state, e.g. "SP" (addressState).
	AddressState string `json:"addressState"`
	// AddressZipCode is the CEP (addressZipCode).
	AddressZipCode string `json:"addressZipCode"`
	// Email is the payer's e-mail (email).
	Email *string `json:"email,omitempty"`
	// DDD is the phone's area code (ddd).
	DDD *string `json:"ddd,omitempty"`
	// PhoneNumber is the phone number (phoneNumber).
	PhoneNumber *string `json:"phoneNumber,omitempty"`
}

// IssuedBoleto is a boleto issued through a boleto connection
// (IssuedBoleto).
type IssuedBoleto struct {
	// ID is the boleto's identifier (id).
	ID string `json:"id"`
	// Amount is its amount (amount).
	Amount Decimal `json:"amount"`
	// Status is OPEN, PAID, OVERDUE, CANCELLED or PROTESTED (status).
	Status IssuedBoletoStatus `json:"status"`
	// SeuNumero is your identifier, at most 10 characters (seuNumero).
	SeuNumero string `json:"seuNumero"`
	// DueDate is when it is due (dueDate).
	DueDate time.Time `json:"dueDate"`
	// Payer is who owes it (payer).
	Payer IssuedBoletoPayer `json:"payer"`
	// PixQR is a PIX QR code that pays it (pixQr).
	PixQR *string `json:"pixQr,omitempty"`
	// DigitableLine is its typeable line (digitableLine).
	DigitableLine string `json:"digitableLine"`
	// NossoNumero is the bank's identifier (nossoNumero).
	NossoNumero *string `json:"nossoNumero,omitempty"`
	// Barcode is its barcode number (barcode).
	Barcode string `json:"barcode"`
	// BoletoConnectionID is the connection it was issued through
	// (boletoConnectionId).
	BoletoConnectionID string `json:"boletoConnectionId"`
	// CreatedAt is when it was issued (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// AmountPaid is what was paid, once paid (amountPaid).
	AmountPaid Decimal `json:"amountPaid,omitzero"`
	// PaymentOrigin is PIX or BOLETO, once paid (paymentOrigin).
	PaymentOrigin *BoletoPaymentOrigin `json:"paymentOrigin,omitempty"`
	// Fine is the late fine (fine).
	Fine *BoletoFine `json:"fine,omitempty"`
	// Interest is the late interest (interest).
	Interest *BoletoInterest `json:"interest,omitempty"`
	// PaidAt is when it was paid (paidAt).
	PaidAt *time.Time `json:"paidAt,omitempty"`
}

// BoletoConnection holds the credentials that let Pluggy issue boletos at an
// institution for you (BoletoConnection).
type BoletoConnection struct {
	// ID is the connection's identifier (id).
	ID string `json:"id"`
	// ConnectorID is the institution (connectorId).
	ConnectorID int `json:"connectorId"`
	// CreatedAt is when it was created (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt"`
}

// CreateBoletoConnectionParams connects boleto credentials
// (CreateBoletoConnection). The credentials are secrets: formatting the
// params (every fmt verb) or logging them with log/slog shows their names
// only; the request body (encoding/json) keeps them.
type CreateBoletoConnectionParams struct {
	// ConnectorID is an institution whose connector has
	// supportsBoletoManagement; at least 1 (connectorId).
	ConnectorID int `json:"connectorId"`
	// Credentials are the institution's credentials; for Inter: clientId,
	// clientSecret, certificate and privateKey (credentials).
	Credentials map[string]string `json:"credentials"`
}

// String describes the params without the credentials' values.
func (p CreateBoletoConnectionParams) String() string {
	names := make([]string, 0, len(p.Credentials))
	for k := range p.Credentials {
		names = append(names, k)
	}
	sort.Strings(names)
	return fmt.Sprintf("pluggy.CreateBoletoConnectionParams{ConnectorID: %d, Credentials: [%s] (values redacted)}", p.ConnectorID, strings.Join(names, " "))
}

// GoString is String.
func (p CreateBoletoConnectionParams) GoString() string { return p.String() }

// LogValue is what log/slog handlers print: the connector and the
// credentials' names, not their values.
func (p CreateBoletoConnectionParams) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("connectorId", p.ConnectorID),
		slog.String("credentials", redactedParameters(p.Credentials, "")),
	)
}

// Format prints String for every verb.
func (p CreateBoletoConnectionParams) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, p.String())
}

func (p *CreateBoletoConnectionParams) check() error {
	if p == nil {
		return paramErr("params", "must not be nil")
	}
	if p.ConnectorID < 1 {
		return paramErr("connectorId", "must be at least 1, got %d", p.ConnectorID)
	}
	if len(p.Credentials) == 0 {
		return paramErr("credentials", "must not be empty")
	}
	for k, v := range p.Credentials {
		if strings.TrimSpace(k) == "" {
			return paramErr("credentials", "a credential has an empty name")
		}
		if v == "" {
			return paramErr("credentials."+k, "must not be empty")
		}
	}
	return nil
}

// BoletoPayerParams is who will owe a boleto (CreateBoleto boleto.payer).
type BoletoPayerParams struct {
	// TaxNumber is the payer's CPF or CNPJ (numeric or alphanumeric), with
	// or without punctuation; sent without it; required (taxNumber).
	TaxNumber string `json:"taxNumber"`
	// Name is the payer's name; required (name).
	Name string `json:"name"`
	// AddressStreet is the street (addressStreet).
	AddressStreet string `json:"addressStreet,omitempty"`
	// AddressCity is the city (addressCity).
	AddressCity string `json:"addressCity,omitempty"`
	// AddressState is the state's two letters, e.g. "SP"; required
	// (addressState).
	AddressState string `json:"addressState"`
	// AddressZipCode is the CEP, 8 digits with or without the dash; required
	// (addressZipCode).
	AddressZipCode string `json:"addressZipCode"`
}

// BoletoParams is the boleto to issue (CreateBoleto boleto).
type BoletoParams struct {
	// SeuNumero is your identifier, 1 to 10 characters; required (seuNumero).
	SeuNumero string `json:"seuNumero"`
	// Amount is the amount, at least 2.50 and whole cents; required (amount).
	Amount Decimal `json:"amount"`
	// DueDate is when it is due: today or later in Brasília; required
	// (dueDate).
	DueDate time.Time `json:"dueDate"`
	// Payer is who will owe it; required (payer).
	Payer BoletoPayerParams `json:"payer"`
	// Fine is the late fine (fine).
	Fine *BoletoFine `json:"fine,omitempty"`
	// Interest is the late interest (interest).
	Interest *BoletoInterest `json:"interest,omitempty"`
}

// CreateBoletoParams issues a boleto through a connection (CreateBoleto).
type CreateBoletoParams struct {
	// BoletoConnectionID is the connection to issue through; required
	// (boletoConnectionId).
	BoletoConnectionID string `json:"boletoConnectionId"`
	// Boleto is the boleto (boleto).
	Boleto BoletoParams `json:"boleto"`
}

var minBoletoAmount = MustDecimal("2.5")

func (p *CreateBoletoParams) body(today Date) (*CreateBoletoParams, error) {
	if p == nil {
		return nil, paramErr("params", "must not be nil")
	}
	out := *p
	if err := requireID("boletoConnectionId", p.BoletoConnectionID); err != nil {
		return nil, err
	}
	b := p.Boleto
	if n := utf8.RuneCountInString(strings.TrimSpace(b.SeuNumero)); n == 0 || n > 10 {
		return nil, paramErr("boleto.seuNumero", "must be 1 to 10 characters, got %d", n)
	}
	if err := checkAmount("boleto.amount", b.Amount); err != nil {
		return nil, err
	}
	if b.Amount.Rat().Cmp(minBoletoAmount.Rat()) < 0 {
		return nil, paramErr("boleto.amount", "must be at least 2.50, got %s", b.Amount)
	}
	if b.DueDate.IsZero() {
		return nil, paramErr("boleto.dueDate", "is required")
	}
	if due := DateOf(b.DueDate.In(brasilia)); due.Before(today) {
		return nil, paramErr("boleto.dueDate", "%s is in the past (today is %s in Brasília)", due, today)
	}
	var err error
	if out.Boleto.Payer.TaxNumber, err = taxDigits("boleto.payer.taxNumber", b.Payer.TaxNumber, cpfLen, cnpjLen); err != nil {
		return nil, err
	}
	if err := requireText("boleto.payer.name", b.Payer.Name); err != nil {
		return nil, err
	}
	state := strings.ToUpper(strings.TrimSpace(b.Payer.AddressState))
	if len(state) != 2 || state[0] < 'A' || state[0] > 'Z' || state[1] < 'A' || state[1] > 'Z' {
		return nil, paramErr("boleto.payer.addressState", "must be a state's two letters, e.g. SP")
	}
	out.Boleto.Payer.AddressState = state
	zip := strings.ReplaceAll(strings.TrimSpace(b.Payer.AddressZipCode), "-", "")
	if len(zip) != 8 || strings.Trim(zip, "0123456789") != "" {
		return nil, paramErr("boleto.payer.addressZipCode", "a CEP has 8 digits")
	}
	out.Boleto.Payer.AddressZipCode = zip
	if f := b.Fine; f != nil {
		if f.Value.IsZero() || f.Value.Sign() < 0 {
			return nil, paramErr("boleto.fine.value", "must be 0 or more")
		}
		if f.Type != BoletoFinePercentage && f.Type != BoletoFineFixed {
			return nil, paramErr("boleto.fine.type", "must be PERCENTAGE or FIXED, got %q", f.Type)
		}
	}
	if i := b.Interest; i != nil {
		if i.Value.IsZero() || i.Value.Sign() < 0 {
			return nil, paramErr("boleto.interest.value", "must be 0 or more")
		}
		if i.Type != BoletoInterestPercentage {
			return nil, paramErr("boleto.interest.type", "must be PERCENTAGE, got %q", i.Type)
		}
	}
	return &out, nil
}

// CreateConnection connects boleto credentials at an institution
// (POST /boleto-connections). Not replayed after a 5xx or a dropped
// connection. The credentials never appear in errors or logs.
func (s *BoletosService) CreateConnection(ctx context.Context, params *CreateBoletoConnectionParams, opts ...RequestOption) (*BoletoConnection, error) {
	if err := params.check(); err != nil {
		return nil, err
	}
	return callFor[BoletoConnection](ctx, s.client, "POST /boleto-connections", nil, nil, params, opts...)
}

// CreateConnectionFromItem makes a boleto connection from an item already
// connected (POST /boleto-connections/from-item). Not replayed after a 5xx
// or a dropped connection.
func (s *BoletosService) CreateConnectionFromItem(ctx context.Context, itemID string, opts ...RequestOption) (*BoletoConnection, error) {
	if err := requireID("itemId", itemID); err != nil {
		return nil, err
	}
	body := struct {
		ItemID string `json:"itemId"`
	}{itemID}
	return callFor[BoletoConnection](ctx, s.client, "POST /boleto-connections/from-item", nil, nil, body, opts...)
}

// Create issues a boleto (POST /boletos). Not replayed after a 5xx or a
// dropped connection: a boleto issued twice is owed twice.
func (s *BoletosService) Create(ctx context.Context, params *CreateBoletoParams, opts ...RequestOption) (*IssuedBoleto, error) {
	body, err := params.body(s.client.today())
	if err != nil {
		return nil, err
	}
	return callFor[IssuedBoleto](ctx, s.client, "POST /boletos", nil, nil, body, opts...)
}

// Cancel cancels an issued boleto and returns it (POST /boletos/{id}/cancel).
// Not replayed after a 5xx or a dropped connection: Get it to see whether it
// took effect.
func (s *BoletosService) Cancel(ctx context.Context, id string, opts ...RequestOption) (*IssuedBoleto, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[IssuedBoleto](ctx, s.client, "POST /boletos/{id}/cancel", []string{id}, nil, nil, opts...)
}

// Get returns an issued boleto (GET /boletos/{id}).
func (s *BoletosService) Get(ctx context.Context, id string, opts ...RequestOption) (*IssuedBoleto, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[IssuedBoleto](ctx, s.client, "GET /boletos/{id}", []string{id}, nil, nil, opts...)
}
