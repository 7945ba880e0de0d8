package pluggy

import (
	"context"
	"iter"
	"strings"
	"time"
)

// PaymentCustomerType is whether a payer is a person or a company
// (PaymentCustomerType).
type PaymentCustomerType string

// The customer types the API lists.
const (
	// PaymentCustomerIndividual: a person, identified by CPF.
	PaymentCustomerIndividual PaymentCustomerType = "INDIVIDUAL"
	// PaymentCustomerBusiness: a company, identified by CNPJ.
	PaymentCustomerBusiness PaymentCustomerType = "BUSINESS"
)

// PaymentCustomer is a payer you registered, so that Pluggy's payment page
// can skip asking for their details (PaymentCustomer).
type PaymentCustomer struct {
	// ID is the customer's identifier (id).
	ID string `json:"id"`
	// Type is INDIVIDUAL or BUSINESS (type).
	Type PaymentCustomerType `json:"type"`
	// Name is the customer's name (name).
	Name string `json:"name"`
	// Email is the customer's e-mail (email).
	Email *string `json:"email,omitempty"`
	// CPF is the customer's CPF (cpf).
	CPF *string `json:"cpf,omitempty"`
	// CNPJ is the company's CNPJ, for BUSINESS (cnpj).
	CNPJ *string `json:"cnpj,omitempty"`
	// Connector is the institution offered first on the payment page
	// (connector).
	Connector *Connector `json:"connector,omitempty"`
	// CreatedAt is when it was created (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt"`
}

// CreatePaymentCustomerParams registers a payer
// (CreatePaymentCustomerRequestBody). An INDIVIDUAL needs a CPF, a BUSINESS
// a CNPJ (numeric or alphanumeric, "12.ABC.345/01DE-35"); both may be
// written with or without punctuation and are sent without it.
type CreatePaymentCustomerParams struct {
	// Type is INDIVIDUAL or BUSINESS; required (type).
	Type PaymentCustomerType `json:"type"`
	// Name is the customer's name; required (name).
	Name string `json:"name"`
	// Email is the customer's e-mail (email).
	Email string `json:"email,omitempty"`
	// CPF is the person's CPF; required for INDIVIDUAL (cpf).
	CPF string `json:"cpf,omitempty"`
	// CNPJ is the company's CNPJ; required for BUSINESS (cnpj).
	CNPJ string `json:"cnpj,omitempty"`
	// ConnectorID is the institution to offer first on Pluggy's payment page
	// (connectorId).
	ConnectorID *int `json:"connectorId,omitempty"`
}

func checkCustomerType(t PaymentCustomerType) error {
	if t != PaymentCustomerIndividual && t != PaymentCustomerBusiness {
		return paramErr("type", "must be INDIVIDUAL or BUSINESS, got %q", t)
	}
	return nil
}

func checkEmail(param, v string) error {
	if v == "" {
		return nil
	}
	at := strings.LastIndexByte(v, '@')
	if at < 1 || at == len(v)-1 || strings.ContainsAny(v, " \t\r\n") {
		return paramErr(param, "is not an e-mail address")
	}
	return nil
}

func (p *CreatePaymentCustomerParams) body() (*CreatePaymentCustomerParams, error) {
	if p == nil {
		return nil, paramErr("params", "must not be nil")
	}
	out := *p
	if err := checkCustomerType(p.Type); err != nil {
		return nil, err
	}
	if err := requireText("name", p.Name); err != nil {
		return nil, err
	}
	if err := checkEmail("email", p.Email); err != nil {
		return nil, err
	}
	if p.Type == PaymentCustomerIndividual && p.CPF == "" {
		return nil, paramErr("cpf", "is required for an INDIVIDUAL customer")
	}
	if p.Type == PaymentCustomerBusiness && p.CNPJ == "" {
		return nil, paramErr("cnpj", "is required for a BUSINESS customer")
	}
	var err error
	if out.CPF, err = optionalTaxDigits("cpf", p.CPF, cpfLen); err != nil {
		return nil, err
	}
	if out.CNPJ, err = optionalTaxDigits("cnpj", p.CNPJ, cnpjLen); err != nil {
		return nil, err
	}
	if p.ConnectorID != nil && *p.ConnectorID < 0 {
		return nil, paramErr("connectorId", "must not be negative, got %d", *p.ConnectorID)
	}
	return &out, nil
}

// UpdatePaymentCustomerParams changes a payer (CreateOrUpdatePaymentCustomer).
// Empty fields are left as they are.
type UpdatePaymentCustomerParams struct {
	// Type is INDIVIDUAL or BUSINESS (type).
	Type PaymentCustomerType `json:"type,omitempty"`
	// Name is the customer's name (name).
	Name string `json:"name,omitempty"`
	// Email is the customer's e-mail (email).
	Email string `json:"email,omitempty"`
	// CPF is the person's CPF, with or without punctuation (cpf).
	CPF string `json:"cpf,omitempty"`
	// CNPJ is the company's CNPJ, with or without punctuation (cnpj).
	CNPJ string `json:"cnpj,omitempty"`
}

func (p *UpdatePaymentCustomerParams) body() (*UpdatePaymentCustomerParams, error) {
	if p == nil {
		return nil, paramErr("params", "must not be nil")
	}
	if *p == (UpdatePaymentCustomerParams{}) {
		return nil, paramErr("params", "change at least one field")
	}
	out := *p
	if p.Type != "" {
		if err := checkCustomerType(p.Type); err != nil {
			return nil, err
		}
	}
	if p.Name != "" {
		if err := requireText("name", p.Name); err != nil {
			return nil, err
		}
	}
	if err := checkEmail("email", p.Email); err != nil {
		return nil, err
	}
	var err error
	if out.CPF, err = optionalTaxDigits("cpf", p.CPF, cpfLen); err != nil {
		return nil, err
	}
	if out.CNPJ, err = optionalTaxDigits("cnpj", p.CNPJ, cnpjLen); err != nil {
		return nil, err
	}
	return &out, nil
}

// PaymentCustomerListParams filters GET /payments/customers. The zero value
// lists every customer, 500 a page.
type PaymentCustomerListParams struct {
	// Page is the page to read, from 1 (page).
	Page int
	// PageSize is the number of results a page, 1 to 500 (pageSize).
	PageSize int
	// Name keeps the customers with this name (name).
	Name string
	// Email keeps the customers with this e-mail (email).
	Email string
	// CPF keeps the customers with this CPF, with or without punctuation (cpf).
	CPF string
	// CNPJ keeps the customers with this CNPJ, with or without punctuation
	// (cnpj).
	CNPJ string
}

func (p *PaymentCustomerListParams) query() (query, error) {
	if p == nil {
		return query{}, nil
	}
	q, err := listQuery(p.Page, p.PageSize)
	if err != nil {
		return q, err
	}
	cpf, err := optionalTaxDigits("cpf", p.CPF, cpfLen)
	if err != nil {
		return q, err
	}
	cnpj, err := optionalTaxDigits("cnpj", p.CNPJ, cnpjLen)
	if err != nil {
		return q, err
	}
	q.str("name", p.Name)
	q.str("email", p.Email)
	q.str("cpf", cpf)
	q.str("cnpj", cnpj)
	return q, nil
}

// List returns one page of customers (GET /payments/customers).
func (s *PaymentCustomersService) List(ctx context.Context, params *PaymentCustomerListParams, opts ...RequestOption) (*Page[PaymentCustomer], error) {
	q, err := params.query()
	if err != nil {
		return nil, err
	}
	return callFor[Page[PaymentCustomer]](ctx, s.client, "GET /payments/customers", nil, q.values(), nil, opts...)
}

// All walks every customer matching params, from params.Page, fetching
// pages as the loop asks for them (GET /payments/customers).
func (s *PaymentCustomersService) All(ctx context.Context, params *PaymentCustomerListParams, opts ...RequestOption) iter.Seq2[PaymentCustomer, error] {
	p := PaymentCustomerListParams{}
	if params != nil {
		p = *params
	}
	return allPages(ctx, "GET /payments/customers", p.Page, func(ctx context.Context, page int) (*Page[PaymentCustomer], error) {
		p.Page = page
		return s.List(ctx, &p, opts...)
	})
}

// Create registers a customer (POST /payments/customers). It is not
// replayed after a 5xx or a dropped connection: list the customers before
// trying again.
func (s *PaymentCustomersService) Create(ctx context.Context, params *CreatePaymentCustomerParams, opts ...RequestOption) (*PaymentCustomer, error) {
	body, err := params.body()
	if err != nil {
		return nil, err
	}
	return callFor[PaymentCustomer](ctx, s.client, "POST /payments/customers", nil, nil, body, opts...)
}

// Get returns a customer (GET /payments/customers/{id}); errors.Is(err,
// ErrNotFound) when there is none.
func (s *PaymentCustomersService) Get(ctx context.Context, id string, opts ...RequestOption) (*PaymentCustomer, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[PaymentCustomer](ctx, s.client, "GET /payments/customers/{id}", []string{id}, nil, nil, opts...)
}

// Update changes a customer (PATCH /payments/customers/{id}).
func (s *PaymentCustomersService) Update(ctx context.Context, id string, params *UpdatePaymentCustomerParams, opts ...RequestOption) (*PaymentCustomer, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	body, err := params.body()
	if err != nil {
		return nil, err
	}
	return callFor[PaymentCustomer](ctx, s.client, "PATCH /payments/customers/{id}", []string{id}, nil, body, opts...)
}

// Delete removes a customer (DELETE /payments/customers/{id}).
func (s *PaymentCustomersService) Delete(ctx context.Context, id string, opts ...RequestOption) error {
	if err := requireID("id", id); err != nil {
		return err
	}
	return s.client.call(ctx, "DELETE /payments/customers/{id}", []string{id}, nil, nil, nil, opts...)
}
