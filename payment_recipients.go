package pluggy

import (
	"context"
	"iter"
	"strings"
	"time"
)

// PaymentInstitution is an institution that can hold a recipient's account
// (PaymentInstitution). Payments go through PIX, so the list is broader than
// the connectors.
type PaymentInstitution struct {
	// ID is the institution's identifier, the paymentInstitutionId of a
	// recipient (id).
	ID string `json:"id"`
	// Name is its registered name (name).
	Name string `json:"name"`
	// TradeName is its trade name (tradeName).
	TradeName string `json:"tradeName"`
	// ISPB is its 8-digit code in the Brazilian payment system (ispb).
	ISPB string `json:"ispb"`
	// Compe is its 3-digit bank code, when it has one (compe).
	Compe *string `json:"compe,omitempty"`
	// CreatedAt is when Pluggy registered it (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt"`
}

// RecipientAccountType is the kind of a recipient's bank account
// (PaymentRecipientAccount type).
type RecipientAccountType string

// The account types the API documents.
const (
	RecipientAccountChecking   RecipientAccountType = "CHECKING_ACCOUNT"
	RecipientAccountSavings    RecipientAccountType = "SAVINGS_ACCOUNT"
	RecipientAccountGuaranteed RecipientAccountType = "GUARANTEED_ACCOUNT"
)

// PaymentRecipientAccount is the bank account a recipient is paid into
// (PaymentRecipientAccount).
type PaymentRecipientAccount struct {
	// Branch is the agency, e.g. "0001" (branch).
	Branch string `json:"branch"`
	// Number is the account number with its digit, e.g. "12345-6" (number).
	Number string `json:"number"`
	// Type is CHECKING_ACCOUNT, SAVINGS_ACCOUNT or GUARANTEED_ACCOUNT (type).
	Type RecipientAccountType `json:"type"`
}

func (a *PaymentRecipientAccount) check(param string) error {
	if a == nil {
		return paramErr(param, "is required")
	}
	if err := requireText(param+".branch", a.Branch); err != nil {
		return err
	}
	if err := requireText(param+".number", a.Number); err != nil {
		return err
	}
	return requireText(param+".type", string(a.Type))
}

// PaymentRecipient is a registered bank account that receives payments
// (PaymentRecipient). The default recipient receives the payment requests
// that name none.
type PaymentRecipient struct {
	// Type is always BANK_ACCOUNT (type).
	Type RecipientType `json:"type"`
	// ID is the recipient's identifier (id).
	ID string `json:"id"`
	// TaxNumber is the account owner's CPF or CNPJ, digits only (taxNumber).
	TaxNumber string `json:"taxNumber"`
	// Name is the account owner's name (name).
	Name string `json:"name"`
	// PaymentInstitution holds the account (paymentInstitution).
	PaymentInstitution PaymentInstitution `json:"paymentInstitution"`
	// IsDefault tells the default recipient (isDefault).
	IsDefault bool `json:"isDefault"`
	// Account is the bank account (account).
	Account PaymentRecipientAccount `json:"account"`
	// PixKey is the account's PIX key, when known (pixKey).
	PixKey *string `json:"pixKey,omitempty"`
	// CreatedAt is when it was registered (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt"`
}

// CreatePaymentRecipientParams registers a recipient, given in exactly one
// of three forms:
//
//   - a bank account: TaxNumber, Name, PaymentInstitutionID and Account
//     (the form the spec documents);
//   - a PIX key: PixKey alone (Pluggy resolves the account behind it);
//   - a Pluggy smart account: SmartAccountID alone.
//
// The last two forms are accepted by Pluggy's API and its official SDKs but
// are not in the OpenAPI document. IsDefault may accompany any form.
type CreatePaymentRecipientParams struct {
	// TaxNumber is the account owner's CPF or CNPJ (numeric or
	// alphanumeric), with or without punctuation; it is sent without it
	// (taxNumber).
	TaxNumber string `json:"taxNumber,omitempty"`
	// Name is the account owner's name (name).
	Name string `json:"name,omitempty"`
	// PaymentInstitutionID is the institution holding the account, from
	// ListInstitutions (paymentInstitutionId).
	PaymentInstitutionID string `json:"paymentInstitutionId,omitempty"`
	// Account is the bank account (account).
	Account *PaymentRecipientAccount `json:"account,omitempty"`
	// PixKey is a PIX key (CPF, CNPJ, e-mail, phone or random key) (pixKey).
	PixKey string `json:"pixKey,omitempty"`
	// SmartAccountID is a Pluggy smart account (smartAccountId).
	SmartAccountID string `json:"smartAccountId,omitempty"`
	// IsDefault makes this the default recipient (isDefault).
	IsDefault *bool `json:"isDefault,omitempty"`
}

func (p *CreatePaymentRecipientParams) body() (*CreatePaymentRecipientParams, error) {
	if p == nil {
		return nil, paramErr("params", "must not be nil")
	}
	out := *p
	bank := p.TaxNumber != "" || p.Name != "" || p.PaymentInstitutionID != "" || p.Account != nil
	forms := 0
	for _, set := range []bool{bank, p.PixKey != "", p.SmartAccountID != ""} {
		if set {
			forms++
		}
	}
	switch {
	case forms == 0:
		return nil, paramErr("recipient", "give a bank account (taxNumber, name, paymentInstitutionId, account), a pixKey or a smartAccountId")
	case forms > 1:
		return nil, paramErr("recipient", "give only one of a bank account, a pixKey or a smartAccountId")
	case p.PixKey != "":
		return &out, requireText("pixKey", p.PixKey)
	case p.SmartAccountID != "":
		return &out, requireID("smartAccountId", p.SmartAccountID)
	}
	var err error
	if out.TaxNumber, err = taxDigits("taxNumber", p.TaxNumber, cpfLen, cnpjLen); err != nil {
		return nil, err
	}
	if err := requireText("name", p.Name); err != nil {
		return nil, err
	}
	if err := requireID("paymentInstitutionId", p.PaymentInstitutionID); err != nil {
		return nil, err
	}
	if err := p.Account.check("account"); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdatePaymentRecipientParams changes a recipient's bank account
// (UpdatePaymentRecipient). Empty fields are left as they are.
type UpdatePaymentRecipientParams struct {
	// TaxNumber is the owner's CPF or CNPJ, with or without punctuation
	// (taxNumber).
	TaxNumber string `json:"taxNumber,omitempty"`
	// Name is the owner's name (name).
	Name string `json:"name,omitempty"`
	// PaymentInstitutionID is the institution holding the account
	// (paymentInstitutionId).
	PaymentInstitutionID string `json:"paymentInstitutionId,omitempty"`
	// Account replaces the whole account when set (account).
	Account *PaymentRecipientAccount `json:"account,omitempty"`
	// IsDefault makes the recipient the default one, or not (isDefault;
	// accepted by Pluggy's API, not in the OpenAPI document).
	IsDefault *bool `json:"isDefault,omitempty"`
}

func (p *UpdatePaymentRecipientParams) body() (*UpdatePaymentRecipientParams, error) {
	if p == nil {
		return nil, paramErr("params", "must not be nil")
	}
	out := *p
	var err error
	if out.TaxNumber, err = optionalTaxDigits("taxNumber", p.TaxNumber, cpfLen, cnpjLen); err != nil {
		return nil, err
	}
	if p.Name != "" {
		if err := requireText("name", p.Name); err != nil {
			return nil, err
		}
	}
	if p.Account != nil {
		if err := p.Account.check("account"); err != nil {
			return nil, err
		}
	}
	if *p == (UpdatePaymentRecipientParams{}) {
		return nil, paramErr("params", "change at least one field")
	}
	return &out, nil
}

// PaymentRecipientListParams filters GET /payments/recipients. The zero value
// lists every recipient, 500 a page.
type PaymentRecipientListParams struct {
	// Page is the page to read, from 1 (page).
	Page int
	// PageSize is the number of results a page, 1 to 500 (pageSize).
	PageSize int
	// IsDefault keeps the default recipient (true) or the others (false)
	// (isDefault).
	IsDefault *bool
	// PixKey keeps the recipients with this PIX key (pixKey).
	PixKey string
	// Name keeps the recipients with this name (name).
	Name string
	// TaxNumber keeps the recipients with this CPF or CNPJ, with or without
	// punctuation (taxNumber).
	TaxNumber string
}

func (p *PaymentRecipientListParams) query() (query, error) {
	if p == nil {
		return query{}, nil
	}
	q, err := listQuery(p.Page, p.PageSize)
	if err != nil {
		return q, err
	}
	tax, err := optionalTaxDigits("taxNumber", p.TaxNumber, cpfLen, cnpjLen)
	if err != nil {
		return q, err
	}
	q.boolPtr("isDefault", p.IsDefault)
	q.str("pixKey", p.PixKey)
	q.str("name", p.Name)
	q.str("taxNumber", tax)
	return q, nil
}

// List returns one page of recipients (GET /payments/recipients).
func (s *PaymentRecipientsService) List(ctx context.Context, params *PaymentRecipientListParams, opts ...RequestOption) (*Page[PaymentRecipient], error) {
	q, err := params.query()
	if err != nil {
		return nil, err
	}
	return callFor[Page[PaymentRecipient]](ctx, s.client, "GET /payments/recipients", nil, q.values(), nil, opts...)
}

// All walks every recipient matching params, from params.Page, fetching
// pages as the loop asks for them (GET /payments/recipients).
func (s *PaymentRecipientsService) All(ctx context.Context, params *PaymentRecipientListParams, opts ...RequestOption) iter.Seq2[PaymentRecipient, error] {
	p := PaymentRecipientListParams{}
	if params != nil {
		p = *params
	}
	return allPages(ctx, "GET /payments/recipients", p.Page, func(ctx context.Context, page int) (*Page[PaymentRecipient], error) {
		p.Page = page
		return s.List(ctx, &p, opts...)
	})
}

// Create registers a recipient (POST /payments/recipients). The request is
// checked first (one form only; CPF/CNPJ digits; required fields), and it is
// not replayed after a 5xx or a dropped connection: list the recipients
// before trying again.
func (s *PaymentRecipientsService) Create(ctx context.Context, params *CreatePaymentRecipientParams, opts ...RequestOption) (*PaymentRecipient, error) {
	body, err := params.body()
	if err != nil {
		return nil, err
	}
	return callFor[PaymentRecipient](ctx, s.client, "POST /payments/recipients", nil, nil, body, opts...)
}

// Get returns a recipient (GET /payments/recipients/{id}); errors.Is(err,
// ErrNotFound) when there is none.
func (s *PaymentRecipientsService) Get(ctx context.Context, id string, opts ...RequestOption) (*PaymentRecipient, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[PaymentRecipient](ctx, s.client, "GET /payments/recipients/{id}", []string{id}, nil, nil, opts...)
}

// Update changes a recipient (PATCH /payments/recipients/{id}).
func (s *PaymentRecipientsService) Update(ctx context.Context, id string, params *UpdatePaymentRecipientParams, opts ...RequestOption) (*PaymentRecipient, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	body, err := params.body()
	if err != nil {
		return nil, err
	}
	return callFor[PaymentRecipient](ctx, s.client, "PATCH /payments/recipients/{id}", []string{id}, nil, body, opts...)
}

// Delete removes a recipient (DELETE /payments/recipients/{id}).
func (s *PaymentRecipientsService) Delete(ctx context.Context, id string, opts ...RequestOption) error {
	if err := requireID("id", id); err != nil {
		return err
	}
	return s.client.call(ctx, "DELETE /payments/recipients/{id}", []string{id}, nil, nil, nil, opts...)
}

// PaymentInstitutionListParams filters GET /payments/recipients/institutions.
type PaymentInstitutionListParams struct {
	// Page is the page to read, from 1 (page).
	Page int
	// PageSize is the number of results a page, 1 to 500 (pageSize).
	PageSize int
	// Name keeps the institutions whose name matches (name).
	Name string
}

func (p *PaymentInstitutionListParams) query() (query, error) {
	if p == nil {
		return query{}, nil
	}
	q, err := listQuery(p.Page, p.PageSize)
	if err != nil {
		return q, err
	}
	q.str("name", strings.TrimSpace(p.Name))
	return q, nil
}

// ListInstitutions returns one page of the institutions a recipient's
// account may be at (GET /payments/recipients/institutions).
func (s *PaymentRecipientsService) ListInstitutions(ctx context.Context, params *PaymentInstitutionListParams, opts ...RequestOption) (*Page[PaymentInstitution], error) {
	q, err := params.query()
	if err != nil {
		return nil, err
	}
	return callFor[Page[PaymentInstitution]](ctx, s.client, "GET /payments/recipients/institutions", nil, q.values(), nil, opts...)
}

// AllInstitutions walks every institution matching params
// (GET /payments/recipients/institutions), fetching pages lazily.
func (s *PaymentRecipientsService) AllInstitutions(ctx context.Context, params *PaymentInstitutionListParams, opts ...RequestOption) iter.Seq2[PaymentInstitution, error] {
	p := PaymentInstitutionListParams{}
	if params != nil {
		p = *params
	}
	return allPages(ctx, "GET /payments/recipients/institutions", p.Page, func(ctx context.Context, page int) (*Page[PaymentInstitution], error) {
		p.Page = page
		return s.ListInstitutions(ctx, &p, opts...)
	})
}

// GetInstitution returns an institution
// (GET /payments/recipients/institutions/{id}).
func (s *PaymentRecipientsService) GetInstitution(ctx context.Context, id string, opts ...RequestOption) (*PaymentInstitution, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[PaymentInstitution](ctx, s.client, "GET /payments/recipients/institutions/{id}", []string{id}, nil, nil, opts...)
}
