package pluggy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"
)

// ItemStatus is the state of an item (Item status; the spec leaves it a
// bare string, the values are Pluggy's documented ones).
type ItemStatus string

// The item statuses Pluggy documents.
const (
	// ItemStatusUpdated: the last execution ended well; the data is fresh.
	ItemStatusUpdated ItemStatus = "UPDATED"
	// ItemStatusUpdating: an execution is running.
	ItemStatusUpdating ItemStatus = "UPDATING"
	// ItemStatusWaitingUserInput: the execution waits for the answer to
	// the item's parameter (POST /items/{id}/mfa).
	ItemStatusWaitingUserInput ItemStatus = "WAITING_USER_INPUT"
	// ItemStatusWaitingUserAction: the execution waits for the user to act
	// elsewhere (the bank's app), as the item's userAction says.
	ItemStatusWaitingUserAction ItemStatus = "WAITING_USER_ACTION"
	// ItemStatusMerging: the data collected is being merged.
	ItemStatusMerging ItemStatus = "MERGING"
	// ItemStatusLoginError: the credentials were refused; auto-sync stops
	// until the user connects again.
	ItemStatusLoginError ItemStatus = "LOGIN_ERROR"
	// ItemStatusOutdated: the last execution failed for another reason; it
	// is retried.
	ItemStatusOutdated ItemStatus = "OUTDATED"
)

// Waiting reports whether the item waits for the user (input or action).
func (s ItemStatus) Waiting() bool {
	return s == ItemStatusWaitingUserInput || s == ItemStatusWaitingUserAction
}

// ExecutionStatus is the step of an item's current or last execution (Item
// executionStatus; the spec leaves it a bare string, the values are Pluggy's
// documented ones). The finished ones are SUCCESS, PARTIAL_SUCCESS, ERROR,
// MERGE_ERROR, CREATE_ERROR and every item error code.
//
// An execution that failed for a reason Pluggy names ends in a status whose
// value is that reason's ItemErrorCode (INVALID_CREDENTIALS,
// USER_INPUT_TIMEOUT, ...): both types list those values, each under its own
// prefix, and ErrorCode converts from one to the other. Compare an
// ExecutionStatus with ExecutionStatus constants and an ItemError's Code with
// ItemErrorCode constants.
type ExecutionStatus string

// The execution statuses Pluggy documents.
const (
	ExecutionStatusCreating                          ExecutionStatus = "CREATING"
	ExecutionStatusCreateError                       ExecutionStatus = "CREATE_ERROR"
	ExecutionStatusCreated                           ExecutionStatus = "CREATED"
	ExecutionStatusLoginInProgress                   ExecutionStatus = "LOGIN_IN_PROGRESS"
	ExecutionStatusWaitingUserInput                  ExecutionStatus = "WAITING_USER_INPUT"
	ExecutionStatusWaitingUserAction                 ExecutionStatus = "WAITING_USER_ACTION"
	ExecutionStatusLoginMFAInProgress                ExecutionStatus = "LOGIN_MFA_IN_PROGRESS"
	ExecutionStatusAccountsInProgress                ExecutionStatus = "ACCOUNTS_IN_PROGRESS"
	ExecutionStatusTransactionsInProgress            ExecutionStatus = "TRANSACTIONS_IN_PROGRESS"
	ExecutionStatusPaymentDataInProgress             ExecutionStatus = "PAYMENT_DATA_IN_PROGRESS"
	ExecutionStatusCreditCardsInProgress             ExecutionStatus = "CREDITCARDS_IN_PROGRESS"
	ExecutionStatusInvestmentsInProgress             ExecutionStatus = "INVESTMENTS_IN_PROGRESS"
	ExecutionStatusInvestmentsTransactionsInProgress ExecutionStatus = "INVESTMENTS_TRANSACTIONS_IN_PROGRESS"
	ExecutionStatusIdentityInProgress                ExecutionStatus = "IDENTITY_IN_PROGRESS"
	ExecutionStatusLoansInProgress                   ExecutionStatus = "LOANS_IN_PROGRESS"
	ExecutionStatusAccountStatementsInProgress       ExecutionStatus = "ACCOUNT_STATEMENTS_IN_PROGRESS"
	ExecutionStatusSuccess                           ExecutionStatus = "SUCCESS"
	ExecutionStatusPartialSuccess                    ExecutionStatus = "PARTIAL_SUCCESS"
	ExecutionStatusError                             ExecutionStatus = "ERROR"
	ExecutionStatusMergeError                        ExecutionStatus = "MERGE_ERROR"

	// The item error codes are finished execution statuses too.
	ExecutionStatusInvalidCredentials          ExecutionStatus = "INVALID_CREDENTIALS"
	ExecutionStatusAlreadyLoggedIn             ExecutionStatus = "ALREADY_LOGGED_IN"
	ExecutionStatusUnexpectedError             ExecutionStatus = "UNEXPECTED_ERROR"
	ExecutionStatusInvalidCredentialsMFA       ExecutionStatus = "INVALID_CREDENTIALS_MFA"
	ExecutionStatusSiteNotAvailable            ExecutionStatus = "SITE_NOT_AVAILABLE"
	ExecutionStatusAccountLocked               ExecutionStatus = "ACCOUNT_LOCKED"
	ExecutionStatusAccountCredentialsReset     ExecutionStatus = "ACCOUNT_CREDENTIALS_RESET"
	ExecutionStatusConnectionError             ExecutionStatus = "CONNECTION_ERROR"
	ExecutionStatusAccountNeedsAction          ExecutionStatus = "ACCOUNT_NEEDS_ACTION"
	ExecutionStatusUserAuthorizationPending    ExecutionStatus = "USER_AUTHORIZATION_PENDING"
	ExecutionStatusUserAuthorizationNotGranted ExecutionStatus = "USER_AUTHORIZATION_NOT_GRANTED"
	ExecutionStatusUserNotSupported            ExecutionStatus = "USER_NOT_SUPPORTED"
	ExecutionStatusUserInputTimeout            ExecutionStatus = "USER_INPUT_TIMEOUT"
)

// Finished reports whether the execution has ended, well or not.
func (s ExecutionStatus) Finished() bool {
	switch s {
	case ExecutionStatusSuccess, ExecutionStatusPartialSuccess, ExecutionStatusError,
		ExecutionStatusMergeError, ExecutionStatusCreateError:
		return true
	}
	return ItemErrorCode(s).known()
}

// ErrorCode returns the item error code an execution status stands for, and
// whether it stands for one: ExecutionStatusUserInputTimeout gives
// ItemErrorCodeUserInputTimeout, true; ExecutionStatusSuccess gives "", false.
func (s ExecutionStatus) ErrorCode() (ItemErrorCode, bool) {
	if c := ItemErrorCode(s); c.known() {
		return c, true
	}
	return "", false
}

// Succeeded reports SUCCESS or PARTIAL_SUCCESS.
func (s ExecutionStatus) Succeeded() bool {
	return s == ExecutionStatusSuccess || s == ExecutionStatusPartialSuccess
}

// ItemErrorCode says why an execution failed (Item error.code; the spec
// leaves it a bare string, the values are Pluggy's documented ones).
type ItemErrorCode string

// The item error codes Pluggy documents.
const (
	// ItemErrorCodeInvalidCredentials: the institution refused the credentials.
	ItemErrorCodeInvalidCredentials ItemErrorCode = "INVALID_CREDENTIALS"
	// ItemErrorCodeAlreadyLoggedIn: another session of the user is open.
	ItemErrorCodeAlreadyLoggedIn ItemErrorCode = "ALREADY_LOGGED_IN"
	// ItemErrorCodeUnexpected: something went wrong on Pluggy's side.
	ItemErrorCodeUnexpected ItemErrorCode = "UNEXPECTED_ERROR"
	// ItemErrorCodeInvalidCredentialsMFA: the MFA answer was refused.
	ItemErrorCodeInvalidCredentialsMFA ItemErrorCode = "INVALID_CREDENTIALS_MFA"
	// ItemErrorCodeSiteNotAvailable: the institution is down.
	ItemErrorCodeSiteNotAvailable ItemErrorCode = "SITE_NOT_AVAILABLE"
	// ItemErrorCodeAccountLocked: the institution locked the account.
	ItemErrorCodeAccountLocked ItemErrorCode = "ACCOUNT_LOCKED"
	// ItemErrorCodeAccountCredentialsReset: the user must reset the password.
	ItemErrorCodeAccountCredentialsReset ItemErrorCode = "ACCOUNT_CREDENTIALS_RESET"
	// ItemErrorCodeConnectionError: the institution could not be reached.
	ItemErrorCodeConnectionError ItemErrorCode = "CONNECTION_ERROR"
	// ItemErrorCodeAccountNeedsAction: the user must act at the institution
	// (accept terms, ...); providerMessage says what.
	ItemErrorCodeAccountNeedsAction ItemErrorCode = "ACCOUNT_NEEDS_ACTION"
	// ItemErrorCodeUserAuthorizationPending: the user must authorise this
	// device in the bank's app (Caixa), then the item be updated.
	ItemErrorCodeUserAuthorizationPending ItemErrorCode = "USER_AUTHORIZATION_PENDING"
	// ItemErrorCodeUserAuthorizationNotGranted: the user did not authorise in time.
	ItemErrorCodeUserAuthorizationNotGranted ItemErrorCode = "USER_AUTHORIZATION_NOT_GRANTED"
	// ItemErrorCodeUserNotSupported: the institution's account type is not supported.
	ItemErrorCodeUserNotSupported ItemErrorCode = "USER_NOT_SUPPORTED"
	// ItemErrorCodeUserInputTimeout: the parameter was not answered in time.
	ItemErrorCodeUserInputTimeout ItemErrorCode = "USER_INPUT_TIMEOUT"
)

func (c ItemErrorCode) known() bool {
	switch c {
	case ItemErrorCodeInvalidCredentials, ItemErrorCodeAlreadyLoggedIn, ItemErrorCodeUnexpected,
		ItemErrorCodeInvalidCredentialsMFA, ItemErrorCodeSiteNotAvailable, ItemErrorCodeAccountLocked,
		ItemErrorCodeAccountCredentialsReset, ItemErrorCodeConnectionError, ItemErrorCodeAccountNeedsAction,
		ItemErrorCodeUserAuthorizationPending, ItemErrorCodeUserAuthorizationNotGranted,
		ItemErrorCodeUserNotSupported, ItemErrorCodeUserInputTimeout:
		return true
	}
	return false
}

// Item is one connection of one user to one institution (Item). Creating or
// updating it starts an execution that runs asynchronously; read it again
// with ItemsService.Get, or let ItemsService.Wait drive it to its end.
type Item struct {
	// ID is the item's primary identifier (id).
	ID string `json:"id"`
	// Connector is the institution connected (connector).
	Connector *Connector `json:"connector,omitempty"`
	// Status is the item's state (status).
	Status ItemStatus `json:"status"`
	// ExecutionStatus is the step of the current or last execution
	// (executionStatus).
	ExecutionStatus ExecutionStatus `json:"executionStatus"`
	// Error says why the last execution failed; nil when it did not (error).
	Error *ItemErrorDetail `json:"error,omitempty"`
	// Parameter is what the item waits for while WAITING_USER_INPUT
	// (parameter).
	Parameter *Parameter `json:"parameter,omitempty"`
	// UserAction is what the user must do while WAITING_USER_ACTION
	// (userAction).
	UserAction *UserAction `json:"userAction,omitempty"`
	// WebhookURL is notified of the item's changes (webhookUrl).
	WebhookURL *string `json:"webhookUrl,omitempty"`
	// ClientUserID is your identifier for the user (clientUserId; sent by
	// the live API, not in the spec's Item).
	ClientUserID *string `json:"clientUserId,omitempty"`
	// OAuthRedirectURI is where the user returns after an OAuth flow
	// (oauthRedirectUri; sent by the live API, not in the spec's Item).
	OAuthRedirectURI *string `json:"oauthRedirectUri,omitempty"`
	// CreatedAt is when the item was created (createdAt).
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// UpdatedAt is when the item last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
	// LastUpdatedAt is when the item last synchronised well; nil before the
	// first success (lastUpdatedAt).
	LastUpdatedAt *time.Time `json:"lastUpdatedAt,omitempty"`
	// StatusDetail is the per-product outcome, present on PARTIAL_SUCCESS or
	// when a product has warnings (statusDetail).
	StatusDetail *StatusDetail `json:"statusDetail,omitempty"`
	// NextAutoSyncAt is when Pluggy will synchronise the item by itself;
	// nil when auto-sync is off (nextAutoSyncAt).
	NextAutoSyncAt *time.Time `json:"nextAutoSyncAt,omitempty"`
	// ConsecutiveFailedLoginAttempts counts the executions in a row that
	// ended in LOGIN_ERROR (consecutiveFailedLoginAttempts).
	ConsecutiveFailedLoginAttempts *int `json:"consecutiveFailedLoginAttempts,omitempty"`
	// ConsentExpiresAt is when the Open Finance consent ends
	// (consentExpiresAt).
	ConsentExpiresAt *time.Time `json:"consentExpiresAt,omitempty"`
	// Products are the products the item collects (products).
	Products []Product `json:"products"`
}

// ItemErrorDetail says why an item's execution failed (Item error).
type ItemErrorDetail struct {
	// Code names the failure (code).
	Code ItemErrorCode `json:"code"`
	// Message explains it in English (message).
	Message string `json:"message"`
	// ProviderMessage is the institution's own words, mostly when the user
	// must act (providerMessage).
	ProviderMessage *string `json:"providerMessage,omitempty"`
	// Attributes carry what a later execution needs, such as the device to
	// authorise (deviceNickname, qrCodes) (attributes).
	Attributes map[string]any `json:"attributes,omitempty"`
}

// Attribute returns the attribute called name as text ("" when absent).
func (e *ItemErrorDetail) Attribute(name string) string {
	if e == nil {
		return ""
	}
	return attrString(e.Attributes, name)
}

// DeviceNickname is the name of the device the user must authorise in the
// bank's app (attributes.deviceNickname, Caixa).
func (e *ItemErrorDetail) DeviceNickname() string { return e.Attribute("deviceNickname") }

// QRCodes are the QR codes the user scans to authorise the device
// (attributes.qrCodes, Caixa: two comma-separated codes, shown in turn).
func (e *ItemErrorDetail) QRCodes() []string {
	if e == nil {
		return nil
	}
	switch v := e.Attributes["qrCodes"].(type) {
	case string:
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// attrString returns a scalar attribute as text.
func attrString(m map[string]any, name string) string {
	switch v := m[name].(type) {
	case string:
		return v
	case float64, bool:
		return fmt.Sprint(v)
	}
	return ""
}

// StatusDetail is the per-product outcome of an execution (StatusDetail).
type StatusDetail struct {
	// Accounts is the outcome for bank accounts (accounts).
	Accounts *StatusDetailProduct `json:"accounts,omitempty"`
	// CreditCards is the outcome for credit cards (creditCards).
	CreditCards *StatusDetailProduct `json:"creditCards,omitempty"`
	// Transactions is the outcome for transactions (transactions).
	Transactions *StatusDetailProduct `json:"transactions,omitempty"`
	// Investments is the outcome for investments (investments).
	Investments *StatusDetailProduct `json:"investments,omitempty"`
	// Identity is the outcome for the owner's identity (identity).
	Identity *StatusDetailProduct `json:"identity,omitempty"`
	// InvestmentsTransactions is the outcome for investment transactions
	// (investmentsTransactions).
	InvestmentsTransactions *StatusDetailProduct `json:"investmentsTransactions,omitempty"`
	// PaymentData is the outcome for payment data (paymentData).
	PaymentData *StatusDetailProduct `json:"paymentData,omitempty"`
	// Loans is the outcome for loans (loans).
	Loans *StatusDetailProduct `json:"loans,omitempty"`
	// AccountStatements is the outcome for account statements
	// (accountStatements).
	AccountStatements *StatusDetailProduct `json:"accountStatements,omitempty"`
}

// Products returns the products present in the detail, keyed by their JSON
// names ("accounts", "creditCards", ...).
func (d *StatusDetail) Products() map[string]*StatusDetailProduct {
	out := map[string]*StatusDetailProduct{}
	if d == nil {
		return out
	}
	for k, p := range map[string]*StatusDetailProduct{
		"accounts": d.Accounts, "creditCards": d.CreditCards, "transactions": d.Transactions,
		"investments": d.Investments, "identity": d.Identity,
		"investmentsTransactions": d.InvestmentsTransactions, "paymentData": d.PaymentData,
		"loans": d.Loans, "accountStatements": d.AccountStatements,
	} {
		if p != nil {
			out[k] = p
		}
	}
	return out
}

// NotUpdated lists, sorted, the products the last execution did not update.
func (d *StatusDetail) NotUpdated() []string {
	var out []string
	for k, p := range d.Products() {
		if p.IsUpdated != nil && !*p.IsUpdated {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// StatusDetailProduct is the outcome of one product (StatusDetailProduct).
type StatusDetailProduct struct {
	// LastUpdatedAt is when the product was last updated (lastUpdatedAt).
	LastUpdatedAt *time.Time `json:"lastUpdatedAt,omitempty"`
	// IsUpdated tells whether the last execution updated it (isUpdated).
	IsUpdated *bool `json:"isUpdated,omitempty"`
	// Warnings are problems with the product's data, such as a missing
	// permission (warnings).
	Warnings []StatusDetailWarning `json:"warnings"`
}

// StatusDetailWarning is one problem with a product's data
// (StatusDetailProductWarning).
type StatusDetailWarning struct {
	// Code names the warning (code).
	Code string `json:"code"`
	// Message explains it in English (message).
	Message string `json:"message"`
	// ProviderMessage is the institution's own words (providerMessage).
	ProviderMessage *string `json:"providerMessage,omitempty"`
}

// CreateItemParams is the body of POST /items (CreateItem).
//
// Its String, GoString, Format and LogValue hide the parameter values, which
// are the user's credentials, and the query of its URLs; MarshalJSON, the
// request body, keeps them.
type CreateItemParams struct {
	// ConnectorID is the institution to connect (connectorId; 0 is the
	// sandbox Pluggy Bank).
	ConnectorID int `json:"connectorId"`
	// Parameters are the credentials, by the names of the connector's
	// credentials (parameters). An MFA 1-step token goes here too.
	Parameters map[string]string `json:"-"`
	// EncryptedParameters replaces Parameters with the string of encrypted
	// credentials when you encrypt them (parameters as a string).
	EncryptedParameters string `json:"-"`
	// WebhookURL is notified of the item's changes (webhookUrl).
	WebhookURL string `json:"webhookUrl,omitempty"`
	// ClientUserID is your identifier for the user (clientUserId).
	ClientUserID string `json:"clientUserId,omitempty"`
	// OAuthRedirectURI is where the user returns after an OAuth flow
	// (oauthRedirectUri).
	OAuthRedirectURI string `json:"oauthRedirectUri,omitempty"`
	// Products limits what the item collects (products).
	Products []Product `json:"products,omitempty"`
	// AvoidDuplicates refuses to create an item with the same credentials
	// as an existing one; the *Error then names them (DuplicateItemIDs)
	// (avoidDuplicates).
	AvoidDuplicates *bool `json:"avoidDuplicates,omitempty"`
}

// MarshalJSON writes the body, parameters included.
func (p CreateItemParams) MarshalJSON() ([]byte, error) {
	type plain CreateItemParams
	return marshalWithParameters(plain(p), p.Parameters, p.EncryptedParameters, true)
}

func (p *CreateItemParams) validate() error {
	if p == nil {
		return paramErr("params", "must not be nil")
	}
	if err := checkConnectorID("connectorId", p.ConnectorID); err != nil {
		return err
	}
	if err := checkParameters(p.Parameters, p.EncryptedParameters); err != nil {
		return err
	}
	if err := checkHTTPURL("webhookUrl", p.WebhookURL); err != nil {
		return err
	}
	return checkURI("oauthRedirectUri", p.OAuthRedirectURI)
}

// String describes the params without the credentials' values.
func (p CreateItemParams) String() string {
	return fmt.Sprintf("pluggy.CreateItemParams{ConnectorID: %d, Parameters: %s, WebhookURL: %q, ClientUserID: %q, OAuthRedirectURI: %q, Products: %v}",
		p.ConnectorID, redactedParameters(p.Parameters, p.EncryptedParameters), redactedURL(p.WebhookURL), p.ClientUserID, redactedURL(p.OAuthRedirectURI), p.Products)
}

// LogValue is what log/slog handlers print: the fields of String, the
// credentials' names but not their values.
func (p CreateItemParams) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.Int("connectorId", p.ConnectorID),
		slog.String("parameters", redactedParameters(p.Parameters, p.EncryptedParameters)),
	}
	attrs = appendNonEmpty(attrs, "webhookUrl", redactedURL(p.WebhookURL))
	attrs = appendNonEmpty(attrs, "clientUserId", p.ClientUserID)
	attrs = appendNonEmpty(attrs, "oauthRedirectUri", redactedURL(p.OAuthRedirectURI))
	if len(p.Products) > 0 {
		attrs = append(attrs, slog.Any("products", p.Products))
	}
	if p.AvoidDuplicates != nil {
		attrs = append(attrs, slog.Bool("avoidDuplicates", *p.AvoidDuplicates))
	}
	return slog.GroupValue(attrs...)
}

// GoString is String.
func (p CreateItemParams) GoString() string { return p.String() }

// Format prints String for every verb.
func (p CreateItemParams) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// UpdateItemParams is the body of PATCH /items/{id} (UpdateItem). Every
// field is optional; the zero value starts a new execution with the stored
// credentials.
//
// Its String, GoString, Format and LogValue hide the parameter values and
// the query of its URL; MarshalJSON, the request body, keeps them.
type UpdateItemParams struct {
	// Parameters replace stored credentials or give a new MFA value
	// (parameters).
	Parameters map[string]string `json:"-"`
	// EncryptedParameters replaces Parameters with encrypted credentials
	// (parameters as a string).
	EncryptedParameters string `json:"-"`
	// ClientUserID changes your identifier for the user (clientUserId).
	ClientUserID string `json:"clientUserId,omitempty"`
	// WebhookURL changes the URL notified of the item's changes (webhookUrl).
	WebhookURL string `json:"webhookUrl,omitempty"`
	// Products changes what the item collects (products).
	Products []Product `json:"products,omitempty"`
}

// MarshalJSON writes the body; parameters only when set.
func (p UpdateItemParams) MarshalJSON() ([]byte, error) {
	type plain UpdateItemParams
	return marshalWithParameters(plain(p), p.Parameters, p.EncryptedParameters, false)
}

func (p *UpdateItemParams) validate() error {
	if p == nil {
		return nil
	}
	if err := checkParameters(p.Parameters, p.EncryptedParameters); err != nil {
		return err
	}
	return checkHTTPURL("webhookUrl", p.WebhookURL)
}

// String describes the params without the credentials' values.
func (p UpdateItemParams) String() string {
	return fmt.Sprintf("pluggy.UpdateItemParams{Parameters: %s, ClientUserID: %q, WebhookURL: %q, Products: %v}",
		redactedParameters(p.Parameters, p.EncryptedParameters), p.ClientUserID, redactedURL(p.WebhookURL), p.Products)
}

// LogValue is what log/slog handlers print: the fields of String, the
// credentials' names but not their values.
func (p UpdateItemParams) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("parameters", redactedParameters(p.Parameters, p.EncryptedParameters))}
	attrs = appendNonEmpty(attrs, "clientUserId", p.ClientUserID)
	attrs = appendNonEmpty(attrs, "webhookUrl", redactedURL(p.WebhookURL))
	if len(p.Products) > 0 {
		attrs = append(attrs, slog.Any("products", p.Products))
	}
	return slog.GroupValue(attrs...)
}

// GoString is String.
func (p UpdateItemParams) GoString() string { return p.String() }

// Format prints String for every verb.
func (p UpdateItemParams) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// marshalWithParameters encodes v and adds "parameters": the encrypted
// string, the map, or (when always) an empty object.
func marshalWithParameters(v any, params map[string]string, encrypted string, always bool) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var pv any
	switch {
	case encrypted != "":
		pv = encrypted
	case params != nil:
		pv = params
	case always:
		pv = map[string]string{}
	default:
		return b, nil
	}
	pb, err := json.Marshal(pv)
	if err != nil {
		return nil, err
	}
	// b is a JSON object: insert "parameters" first.
	out := make([]byte, 0, len(b)+len(pb)+16)
	out = append(out, `{"parameters":`...)
	out = append(out, pb...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

func checkParameters(params map[string]string, encrypted string) error {
	if params != nil && encrypted != "" {
		return paramErr("parameters", "set either Parameters or EncryptedParameters, not both")
	}
	for k := range params {
		if strings.TrimSpace(k) == "" {
			return paramErr("parameters", "holds an empty name")
		}
	}
	return nil
}

// checkHTTPURL accepts "" or an absolute http(s) URL.
func checkHTTPURL(param, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return paramErr(param, "must be an absolute http(s) URL")
	}
	return nil
}

// checkURI accepts "" or an absolute URI (an app's own scheme included).
func checkURI(param, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return paramErr(param, "must be an absolute URI")
	}
	return nil
}

func redactedParameters(params map[string]string, encrypted string) string {
	if encrypted != "" {
		return "[encrypted]"
	}
	if params == nil {
		return "nil"
	}
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k+":[redacted]")
	}
	sort.Strings(names)
	return "map[" + strings.Join(names, " ") + "]"
}

// Create creates an item and starts its first execution (POST /items). The
// item comes back at once, usually UPDATING/CREATED; follow it with Wait, or
// use Connect to create and drive it in one call.
//
// POST /items is not retried after the request may have reached Pluggy.
//
// Errors: *ArgumentError before any request (nil params, negative connector,
// both parameter forms, a malformed URL); *Error with Errors listing the
// refused parameters (400 CONNECTOR_VALIDATION_ERROR, see
// InvalidParameters), or naming the existing items of a duplicate
// (ITEM_USER_ALREADY_EXISTS, see DuplicateItemIDs), or 409
// ITEM_CREATION_LIMIT_EXCEEDED.
func (s *ItemsService) Create(ctx context.Context, params *CreateItemParams, opts ...RequestOption) (*Item, error) {
	if err := params.validate(); err != nil {
		return nil, err
	}
	params, err := s.client.sealCreateItem(params)
	if err != nil {
		return nil, err
	}
	return callFor[Item](ctx, s.client, "POST /items", nil, nil, params, opts...)
}

// Get returns the item with the given id (GET /items/{id}).
//
// Errors: *ArgumentError for an empty id; *Error matching ErrNotFound
// (ITEM_NOT_FOUND).
func (s *ItemsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Item, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Item](ctx, s.client, "GET /items/{id}", []string{id}, nil, nil, opts...)
}

// Update changes an item and starts a new execution (PATCH /items/{id}).
// params may be nil: an empty body refreshes the item with its stored
// credentials, as Caixa's device authorisation needs. Pluggy allows 20
// updates a minute; the client's limiter paces them.
//
// Errors: *ArgumentError before any request; *Error for 400 (e.g.
// TOO_MANY_CONSECUTIVE_LOGIN_FAILURES, or a required MFA parameter, see
// InvalidParameters), 404 ITEM_NOT_FOUND, 409
// CLIENT_IS_UPDATING_BEFORE_ALLOWED_FREQUENCY.
func (s *ItemsService) Update(ctx context.Context, id string, params *UpdateItemParams, opts ...RequestOption) (*Item, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := params.validate(); err != nil {
		return nil, err
	}
	if params == nil {
		params = &UpdateItemParams{}
	}
	params, err := s.client.sealUpdateItem(params)
	if err != nil {
		return nil, err
	}
	return callFor[Item](ctx, s.client, "PATCH /items/{id}", []string{id}, nil, params, opts...)
}

// Delete deletes an item and its data (DELETE /items/{id}).
//
// Errors: *ArgumentError for an empty id; *Error matching ErrNotFound.
func (s *ItemsService) Delete(ctx context.Context, id string, opts ...RequestOption) error {
	if err := requireID("id", id); err != nil {
		return err
	}
	// The answer is {"count": 1}; it is read (an empty 2xx is a
	// *DecodeError) but carries nothing a caller needs.
	var out struct {
		Count int `json:"count"`
	}
	return s.client.call(ctx, "DELETE /items/{id}", []string{id}, nil, nil, &out, opts...)
}

// SendMFA answers the parameter an item waits for (POST /items/{id}/mfa):
// answers maps the parameter's name to the user's value, {"token":
// "123456"}. Send it before the parameter's ExpiresAt. Wait does this for
// you, checking the answer against the parameter first.
//
// The POST is not retried after it may have reached Pluggy.
//
// Errors: *ArgumentError for an empty id or no answers; *Error matching
// ErrNotFound.
func (s *ItemsService) SendMFA(ctx context.Context, id string, answers map[string]string, opts ...RequestOption) (*Item, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if len(answers) == 0 {
		return nil, paramErr("answers", "must not be empty")
	}
	if err := checkAnswerNames(answers); err != nil {
		return nil, err
	}
	return callFor[Item](ctx, s.client, "POST /items/{id}/mfa", []string{id}, nil, answers, opts...)
}

// checkAnswerNames refuses answers holding an empty parameter name.
func checkAnswerNames(answers map[string]string) error {
	for k := range answers {
		if strings.TrimSpace(k) == "" {
			return paramErr("answers", "holds an empty parameter name")
		}
	}
	return nil
}

// DisableAutoSync stops Pluggy from synchronising the item by itself
// (PATCH /items/{id}/disable-auto-sync); the item's NextAutoSyncAt becomes
// nil.
//
// Errors: *ArgumentError for an empty id; *Error matching ErrNotFound.
func (s *ItemsService) DisableAutoSync(ctx context.Context, id string, opts ...RequestOption) (*Item, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Item](ctx, s.client, "PATCH /items/{id}/disable-auto-sync", []string{id}, nil, nil, opts...)
}

// Code descriptions of item errors the API answers (Error.CodeDescription).
const (
	// CodeItemUserAlreadyExists: an item with the same credentials exists
	// (AvoidDuplicates); DuplicateItemIDs names them.
	CodeItemUserAlreadyExists = "ITEM_USER_ALREADY_EXISTS"
	// CodeConnectorValidationError: parameters failed the connector's rules;
	// InvalidParameters lists them.
	CodeConnectorValidationError = "CONNECTOR_VALIDATION_ERROR"
	// CodeItemCreationLimitExceeded: the subscription's item limit is reached.
	CodeItemCreationLimitExceeded = "ITEM_CREATION_LIMIT_EXCEEDED"
	// CodeItemNotFound: no item has that id.
	CodeItemNotFound = "ITEM_NOT_FOUND"
)

// DuplicateItemIDs returns the ids of the existing items named by a
// duplicate-item answer of POST /items (ITEM_USER_ALREADY_EXISTS, a 409, or
// a 400 in older answers), nil for any other error. The ids are read from
// the body's "items" (or "itemIds"), at the top or inside "data", as
// strings or as objects with an "id".
func (e *Error) DuplicateItemIDs() []string {
	if e == nil {
		return nil
	}
	var b struct {
		Items   json.RawMessage `json:"items"`
		ItemIDs json.RawMessage `json:"itemIds"`
		Data    struct {
			Items   json.RawMessage `json:"items"`
			ItemIDs json.RawMessage `json:"itemIds"`
		} `json:"data"`
	}
	if len(e.body) == 0 {
		return nil
	}
	// A field of an unexpected type (data not an object) leaves the others
	// decoded, so the error is of no interest.
	_ = json.Unmarshal(e.body, &b)
	for _, raw := range []json.RawMessage{b.Items, b.ItemIDs, b.Data.Items, b.Data.ItemIDs} {
		if ids := itemIDs(raw); len(ids) > 0 {
			return ids
		}
	}
	return nil
}

// itemIDs reads a JSON array of ids or of objects with an "id".
func itemIDs(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil {
		return nil
	}
	var out []string
	for _, el := range elems {
		var s string
		if json.Unmarshal(el, &s) == nil {
			if s != "" {
				out = append(out, s)
			}
			continue
		}
		var o struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(el, &o) == nil && o.ID != "" {
			out = append(out, o.ID)
		}
	}
	return out
}

// InvalidParameters returns the parameters an answer refused: the body's
// errors (or details), or else the single parameter named in data.parameter
// (the 400 of PATCH /items/{id} when an MFA value must be renewed). It is
// empty for other errors.
func (e *Error) InvalidParameters() []FieldViolation {
	if e == nil {
		return nil
	}
	if len(e.Errors) > 0 {
		return e.Errors
	}
	var d struct {
		Parameter string `json:"parameter"`
	}
	if len(e.Data) > 0 && json.Unmarshal(e.Data, &d) == nil && d.Parameter != "" {
		return []FieldViolation{{Parameter: d.Parameter, Message: e.Message, Code: e.CodeDescription}}
	}
	return nil
}
