package pluggy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Product is a kind of data an item collects (the products of Connector,
// Item, CreateItem and Consent).
type Product string

// The products the API lists.
const (
	ProductAccounts                Product = "ACCOUNTS"
	ProductCreditCards             Product = "CREDIT_CARDS"
	ProductTransactions            Product = "TRANSACTIONS"
	ProductPaymentData             Product = "PAYMENT_DATA"
	ProductInvestments             Product = "INVESTMENTS"
	ProductInvestmentsTransactions Product = "INVESTMENTS_TRANSACTIONS"
	ProductIdentity                Product = "IDENTITY"
	ProductBrokerageNote           Product = "BROKERAGE_NOTE"
	ProductMoveSecurity            Product = "MOVE_SECURITY"
	ProductLoans                   Product = "LOANS"
)

// ConnectorType is the kind of institution a connector reaches (Connector
// type, and the types filter of GET /connectors).
type ConnectorType string

// The connector types the API lists.
const (
	ConnectorTypePersonalBank      ConnectorType = "PERSONAL_BANK"
	ConnectorTypeBusinessBank      ConnectorType = "BUSINESS_BANK"
	ConnectorTypeInvestment        ConnectorType = "INVESTMENT"
	ConnectorTypeInvoice           ConnectorType = "INVOICE"
	ConnectorTypeTelecommunication ConnectorType = "TELECOMMUNICATION"
	ConnectorTypeOther             ConnectorType = "OTHER"
)

// Country is the country of a connector, as an ISO 3166-1 alpha-2 code.
type Country string

// CountryBR is Brazil, the only country the API lists.
const CountryBR Country = "BR"

// ConnectorHealthStatus is whether an institution is reachable now
// (ConnectorHealth status).
type ConnectorHealthStatus string

// The health statuses the API documents.
const (
	ConnectorOnline   ConnectorHealthStatus = "ONLINE"
	ConnectorOffline  ConnectorHealthStatus = "OFFLINE"
	ConnectorUnstable ConnectorHealthStatus = "UNSTABLE"
)

// Connector is an institution a user can connect to (Connector): a bank, a
// broker, a utility. Connector ids are numbers; 0 is the sandbox "Pluggy
// Bank".
type Connector struct {
	// ID is the connector's primary identifier (id).
	ID int `json:"id"`
	// Name is the institution's name (name).
	Name *string `json:"name,omitempty"`
	// InstitutionURL is the institution's home page (institutionUrl).
	InstitutionURL *string `json:"institutionUrl,omitempty"`
	// ImageURL is the institution's logo hosted by Pluggy (imageUrl).
	ImageURL *string `json:"imageUrl,omitempty"`
	// PrimaryColor is the institution's colour in hex, without '#'
	// (primaryColor).
	PrimaryColor *string `json:"primaryColor,omitempty"`
	// Type is the kind of institution (type).
	Type *ConnectorType `json:"type,omitempty"`
	// Country is where the institution is (country).
	Country *Country `json:"country,omitempty"`
	// Credentials are the parameters an item needs to start (credentials).
	// A credential with MFA set is a one-time value sent with the other
	// parameters ("MFA 1-step").
	Credentials []Parameter `json:"credentials"`
	// HasMFA tells that the connector asks for a second factor later,
	// through the item's parameter ("MFA 2-step") (hasMFA).
	HasMFA *bool `json:"hasMFA,omitempty"`
	// Products are the products the connector can collect (products).
	Products []Product `json:"products"`
	// OAuth tells that connecting goes through an OAuth flow (oauth).
	OAuth *bool `json:"oauth,omitempty"`
	// OAuthURL is where older OAuth connectors send the user (oauthUrl).
	OAuthURL *string `json:"oauthUrl,omitempty"`
	// ResetPasswordURL is the institution's page to reset a password
	// (resetPasswordUrl).
	ResetPasswordURL *string `json:"resetPasswordUrl,omitempty"`
	// Health is whether the institution is reachable (health).
	Health *ConnectorHealth `json:"health,omitempty"`
	// IsOpenFinance tells that the connector uses the regulated Open Finance
	// APIs (isOpenFinance).
	IsOpenFinance *bool `json:"isOpenFinance,omitempty"`
	// IsSandbox tells a sandbox connector (isSandbox; sent by the live API,
	// not in the spec).
	IsSandbox *bool `json:"isSandbox,omitempty"`
	// SupportsPaymentInitiation tells whether payments can be initiated
	// (supportsPaymentInitiation).
	SupportsPaymentInitiation *bool `json:"supportsPaymentInitiation,omitempty"`
	// SupportsScheduledPayments tells whether payments can be scheduled
	// (supportsScheduledPayments).
	SupportsScheduledPayments *bool `json:"supportsScheduledPayments,omitempty"`
	// SupportsSmartTransfers tells whether smart transfers are supported
	// (supportsSmartTransfers).
	SupportsSmartTransfers *bool `json:"supportsSmartTransfers,omitempty"`
	// SupportsBoletoManagement tells whether boletos can be managed
	// (supportsBoletoManagement).
	SupportsBoletoManagement *bool `json:"supportsBoletoManagement,omitempty"`
	// SupportsAutomaticPix tells whether automatic PIX is supported
	// (supportsAutomaticPix).
	SupportsAutomaticPix *bool `json:"supportsAutomaticPix,omitempty"`
	// CreatedAt is when the connector was created (createdAt).
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// UpdatedAt is when the connector last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// Credential returns the connector's credential called name.
func (c *Connector) Credential(name string) (*Parameter, bool) {
	if c == nil {
		return nil, false
	}
	for i := range c.Credentials {
		if c.Credentials[i].Name == name {
			return &c.Credentials[i], true
		}
	}
	return nil, false
}

// ConnectorHealth is whether an institution is reachable (ConnectorHealth).
type ConnectorHealth struct {
	// Status is ONLINE, OFFLINE or UNSTABLE (status).
	Status *ConnectorHealthStatus `json:"status,omitempty"`
	// Stage is the connector's release stage, when it has one (stage).
	Stage *string `json:"stage,omitempty"`
	// Details are statistics of your recent connections, present only when
	// asked for with HealthDetails (details).
	Details *ConnectorHealthDetails `json:"details,omitempty"`
}

// ConnectorHealthDetails are statistics of your connections to a connector
// over the last 6 hours (ConnectorHealth details).
type ConnectorHealthDetails struct {
	// ConnectionRateLast6Hours is the percentage (0 to 100) of executions
	// that reached the institution; nil when there were none
	// (connectionRateLast6Hours).
	ConnectionRateLast6Hours *float64 `json:"connectionRateLast6Hours,omitempty"`
	// ConnectionsLast6Hours is the number of your connections
	// (connectionsLast6Hours).
	ConnectionsLast6Hours *int `json:"connectionsLast6Hours,omitempty"`
}

// ConnectorListParams filters GET /connectors. The zero value lists every
// production connector.
type ConnectorListParams struct {
	// Countries keeps the connectors of these countries (countries).
	Countries []Country
	// Types keeps the connectors of these types (types).
	Types []ConnectorType
	// Name keeps the connectors whose name looks like this (name).
	Name string
	// Sandbox includes the sandbox connectors when true (sandbox).
	Sandbox *bool
	// HealthDetails adds connection statistics to each health (healthDetails).
	HealthDetails *bool
	// IsOpenFinance keeps the connectors with this isOpenFinance (isOpenFinance).
	IsOpenFinance *bool
	// SupportsPaymentInitiation keeps the connectors with this
	// supportsPaymentInitiation (supportsPaymentInitiation).
	SupportsPaymentInitiation *bool
	// SupportsSmartTransfers keeps the connectors with this
	// supportsSmartTransfers (supportsSmartTransfers).
	SupportsSmartTransfers *bool
	// SupportsAutomaticPix keeps the connectors with this
	// supportsAutomaticPix (supportsAutomaticPix).
	SupportsAutomaticPix *bool
}

func (p *ConnectorListParams) query() (query, error) {
	var q query
	if p == nil {
		return q, nil
	}
	countries := make([]string, len(p.Countries))
	for i, c := range p.Countries {
		if err := csvItem("countries", string(c)); err != nil {
			return q, err
		}
		countries[i] = string(c)
	}
	types := make([]string, len(p.Types))
	for i, t := range p.Types {
		if err := csvItem("types", string(t)); err != nil {
			return q, err
		}
		types[i] = string(t)
	}
	q.csv("countries", countries)
	q.csv("types", types)
	q.str("name", p.Name)
	q.boolPtr("sandbox", p.Sandbox)
	q.boolPtr("healthDetails", p.HealthDetails)
	q.boolPtr("isOpenFinance", p.IsOpenFinance)
	q.boolPtr("supportsPaymentInitiation", p.SupportsPaymentInitiation)
	q.boolPtr("supportsSmartTransfers", p.SupportsSmartTransfers)
	q.boolPtr("supportsAutomaticPix", p.SupportsAutomaticPix)
	return q, nil
}

// csvItem refuses a value that cannot be sent in a comma-joined list.
func csvItem(param, v string) error {
	if strings.TrimSpace(v) == "" {
		return paramErr(param, "holds an empty value")
	}
	if strings.Contains(v, ",") {
		return paramErr(param, "value %q contains a comma", v)
	}
	return nil
}

// ConnectorGetParams are the options of GET /connectors/{id}.
type ConnectorGetParams struct {
	// HealthDetails adds connection statistics to the health (healthDetails).
	HealthDetails *bool
}

// List returns the connectors that match params (GET /connectors). Every
// match comes in the one page; params may be nil.
//
// Errors: *ArgumentError for an empty or comma-holding country or type, *Error
// for an API answer outside 2xx.
func (s *ConnectorsService) List(ctx context.Context, params *ConnectorListParams, opts ...RequestOption) (*Page[Connector], error) {
	q, err := params.query()
	if err != nil {
		return nil, err
	}
	return callFor[Page[Connector]](ctx, s.client, "GET /connectors", nil, q.values(), nil, opts...)
}

// Get returns the connector with the given id (GET /connectors/{id}).
// params may be nil.
//
// Errors: *ArgumentError for a negative id; *Error matching ErrNotFound
// (CONNECTOR_NOT_FOUND) when there is no such connector.
func (s *ConnectorsService) Get(ctx context.Context, id int, params *ConnectorGetParams, opts ...RequestOption) (*Connector, error) {
	if err := checkConnectorID("id", id); err != nil {
		return nil, err
	}
	var q query
	if params != nil {
		q.boolPtr("healthDetails", params.HealthDetails)
	}
	return callFor[Connector](ctx, s.client, "GET /connectors/{id}", []string{strconv.Itoa(id)}, q.values(), nil, opts...)
}

// ConnectorValidation is the answer of POST /connectors/{id}/validate
// (ParameterValidationResponse). Its Parameters are credentials: String,
// GoString, Format and LogValue show their names only; encoding/json keeps
// them.
type ConnectorValidation struct {
	// Errors lists the parameters that do not pass the connector's rules;
	// empty when all do (errors).
	Errors []FieldViolation `json:"errors"`
	// Parameters are the parameters as the connector will use them
	// (parameters).
	Parameters map[string]string `json:"parameters"`
}

// Valid reports whether every parameter passed.
func (v *ConnectorValidation) Valid() bool { return v != nil && len(v.Errors) == 0 }

// String describes the validation without the parameters' values, which are
// the credentials as the connector will use them.
func (v ConnectorValidation) String() string {
	return fmt.Sprintf("pluggy.ConnectorValidation{Errors: %s, Parameters: %s}", violationsString(v.Errors), redactedParameters(v.Parameters, ""))
}

// violationsString prints violations with each one's Data as the JSON it
// is (%v would print a json.RawMessage as its bytes' numbers).
func violationsString(vs []FieldViolation) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, fv := range vs {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "{%s %s %s", fv.Code, fv.Message, fv.Parameter)
		if len(fv.Data) > 0 {
			b.WriteByte(' ')
			b.Write(fv.Data)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

// GoString is String.
func (v ConnectorValidation) GoString() string { return v.String() }

// Format prints String for every verb.
func (v ConnectorValidation) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, v.String()) }

// LogValue is what log/slog handlers print: the errors and the parameters'
// names, not their values.
func (v ConnectorValidation) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("errors", v.Errors),
		slog.String("parameters", redactedParameters(v.Parameters, "")),
	)
}

// Validate checks credentials against a connector's rules without creating
// an item (POST /connectors/{id}/validate). The answer lists the problems;
// a problem is not an error.
//
// Errors: *ArgumentError for a negative id or no parameters, *Error for an API
// answer outside 2xx.
func (s *ConnectorsService) Validate(ctx context.Context, id int, parameters map[string]string, opts ...RequestOption) (*ConnectorValidation, error) {
	if err := checkConnectorID("id", id); err != nil {
		return nil, err
	}
	if len(parameters) == 0 {
		return nil, paramErr("parameters", "must not be empty")
	}
	return callFor[ConnectorValidation](ctx, s.client, "POST /connectors/{id}/validate", []string{strconv.Itoa(id)}, nil, parameters, opts...)
}

// checkConnectorID refuses a negative connector id (0 is the sandbox).
func checkConnectorID(param string, id int) error {
	if id < 0 {
		return paramErr(param, "connector ids are 0 or more, got %d", id)
	}
	return nil
}
