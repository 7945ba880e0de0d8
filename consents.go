package pluggy

import (
	"context"
	"iter"
	"time"
)

// OpenFinancePermission is a permission a user granted in an Open Finance
// consent (Consent openFinancePermissionsGranted).
type OpenFinancePermission string

// The Open Finance permissions the API lists.
const (
	PermissionRegistrationAll                OpenFinancePermission = "REGISTRATION_ALL"
	PermissionRegistrationIdentifications    OpenFinancePermission = "REGISTRATION_IDENTIFICATIONS"
	PermissionRegistrationQualifications     OpenFinancePermission = "REGISTRATION_QUALIFICATIONS"
	PermissionRegistrationFinancialRelations OpenFinancePermission = "REGISTRATION_FINANCIAL_RELATIONS"
	PermissionAccountsAll                    OpenFinancePermission = "ACCOUNTS_ALL"
	PermissionAccountsList                   OpenFinancePermission = "ACCOUNTS_LIST"
	PermissionAccountsBalances               OpenFinancePermission = "ACCOUNTS_BALANCES"
	PermissionAccountsLimits                 OpenFinancePermission = "ACCOUNTS_LIMITS"
	PermissionAccountsTransactions           OpenFinancePermission = "ACCOUNTS_TRANSACTIONS"
	PermissionCreditCardsAll                 OpenFinancePermission = "CREDIT_CARDS_ALL"
	PermissionCreditCardsList                OpenFinancePermission = "CREDIT_CARDS_LIST"
	PermissionCreditCardsLimits              OpenFinancePermission = "CREDIT_CARDS_LIMITS"
	PermissionCreditCardsTransactions        OpenFinancePermission = "CREDIT_CARDS_TRANSACTIONS"
	PermissionCreditCardsBills               OpenFinancePermission = "CREDIT_CARDS_BILLS"
	PermissionCreditOperationsAll            OpenFinancePermission = "CREDIT_OPERATIONS_ALL"
	PermissionInvestmentsAll                 OpenFinancePermission = "INVESTMENTS_ALL"
	PermissionExchangesAll                   OpenFinancePermission = "EXCHANGES_ALL"
)

// Consent is the Open Finance consent a user gave to an item (Consent).
type Consent struct {
	// ID is the consent's primary identifier (id).
	ID string `json:"id"`
	// ItemID is the item the consent belongs to (itemId).
	ItemID string `json:"itemId"`
	// Products are the products the item may collect (products).
	Products []Product `json:"products"`
	// OpenFinancePermissionsGranted are the permissions the user granted
	// (openFinancePermissionsGranted).
	OpenFinancePermissionsGranted []OpenFinancePermission `json:"openFinancePermissionsGranted"`
	// CreatedAt is when the consent was given (createdAt).
	CreatedAt time.Time `json:"createdAt"`
	// ExpiresAt is when the consent ends; nil when it does not (expiresAt).
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	// RevokedAt is when the consent was revoked; nil while it stands
	// (revokedAt).
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

// Active reports whether the consent stands at now: not revoked, not
// expired.
func (c *Consent) Active(now time.Time) bool {
	if c == nil || (c.RevokedAt != nil && !now.Before(*c.RevokedAt)) {
		return false
	}
	return c.ExpiresAt == nil || now.Before(*c.ExpiresAt)
}

// ConsentListParams are the options of GET /consents.
type ConsentListParams struct {
	// Page is the page to read, from 1 (0 means 1). The spec lists no page
	// parameter and Pluggy answers an item's consents in one page; the
	// number is sent only beyond the first page.
	Page int
}

// List returns one page of the consents of an item (GET /consents). params
// may be nil.
//
// Errors: *ArgumentError for an empty itemID or a negative page; *Error for
// 400 (itemId not a UUID) and other API answers.
func (s *ConsentsService) List(ctx context.Context, itemID string, params *ConsentListParams, opts ...RequestOption) (*Page[Consent], error) {
	if err := requireID("itemId", itemID); err != nil {
		return nil, err
	}
	page := 0
	if params != nil {
		page = params.Page
	}
	if err := checkPage(page, 0); err != nil {
		return nil, err
	}
	var q query
	q.str("itemId", itemID)
	if page > 1 {
		q.int("page", page)
	}
	return callFor[Page[Consent]](ctx, s.client, "GET /consents", nil, q.values(), nil, opts...)
}

// All returns every consent of an item, fetching pages of GET /consents as
// the loop asks for them. An error is yielded once and ends the loop.
func (s *ConsentsService) All(ctx context.Context, itemID string, opts ...RequestOption) iter.Seq2[Consent, error] {
	return allPages(ctx, "GET /consents", 1, func(ctx context.Context, page int) (*Page[Consent], error) {
		return s.List(ctx, itemID, &ConsentListParams{Page: page}, opts...)
	})
}

// Get returns the consent with the given id (GET /consents/{id}).
//
// Errors: *ArgumentError for an empty id; *Error matching ErrNotFound
// (CONSENT_NOT_FOUND).
func (s *ConsentsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Consent, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Consent](ctx, s.client, "GET /consents/{id}", []string{id}, nil, nil, opts...)
}
