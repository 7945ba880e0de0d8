package pluggy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
)

// CategoryRuleMatchType is how a categorisation rule matches a transaction's
// description (CreateClientCategoryRule.matchType).
type CategoryRuleMatchType string

// The rule match types; the API's default is exact.
const (
	CategoryRuleMatchExact      CategoryRuleMatchType = "exact"
	CategoryRuleMatchContains   CategoryRuleMatchType = "contains"
	CategoryRuleMatchStartsWith CategoryRuleMatchType = "startsWith"
	CategoryRuleMatchEndsWith   CategoryRuleMatchType = "endsWith"
)

// Category is a transaction category of Pluggy's tree (Category), as read by
// GET /categories and GET /categories/{id}.
type Category struct {
	// ID is the category's identifier ("05020000").
	ID string `json:"id"`
	// Description is the category's name in English ("Food delivery").
	Description string `json:"description"`
	// DescriptionTranslated is the name in Portuguese ("Delivery de alimentos").
	DescriptionTranslated *string `json:"descriptionTranslated,omitempty"`
	// ParentID is the parent category's id; absent for a root.
	ParentID *string `json:"parentId,omitempty"`
	// ParentDescription is the parent category's name.
	ParentDescription *string `json:"parentDescription,omitempty"`
}

// ClientCategoryRule is one of your application's categorisation rules
// (ClientCategoryRule): transactions whose description matches get the
// rule's category.
type ClientCategoryRule struct {
	// ID is the rule's identifier, for DeleteRule (sent by the live API; the
	// spec's schema omits it).
	ID *string `json:"id,omitempty"`
	// Description is the transaction description the rule matches.
	Description string `json:"description"`
	// CategoryID is the category the rule assigns.
	CategoryID *string `json:"categoryId,omitempty"`
	// Category is that category's description.
	Category string `json:"category"`
	// ClientID is your application's client id.
	ClientID *string `json:"clientId,omitempty"`
	// TransactionType limits the rule to DEBIT or CREDIT transactions.
	TransactionType TransactionType `json:"transactionType,omitempty"`
	// AccountType limits the rule to CHECKING_ACCOUNT or CREDIT_CARD accounts.
	AccountType AccountSubtype `json:"accountType,omitempty"`
	// MatchType is how Description matches, when the answer tells (not in
	// the spec's schema of the answer).
	MatchType CategoryRuleMatchType `json:"matchType,omitempty"`
}

// CreateCategoryRuleParams is the body of POST /categories/rules
// (CreateClientCategoryRule).
type CreateCategoryRuleParams struct {
	// Description is the transaction description to match (required).
	Description string `json:"description"`
	// CategoryID is the category to assign (required).
	CategoryID string `json:"categoryId"`
	// TransactionType limits the rule to DEBIT or CREDIT transactions.
	TransactionType TransactionType `json:"transactionType,omitempty"`
	// AccountType limits the rule to CHECKING_ACCOUNT or CREDIT_CARD accounts.
	AccountType AccountSubtype `json:"accountType,omitempty"`
	// MatchType is exact (the default), contains, startsWith or endsWith.
	MatchType CategoryRuleMatchType `json:"matchType,omitempty"`
}

// CategoryListParams filters GET /categories.
type CategoryListParams struct {
	// ParentID keeps only the children of this category.
	ParentID string
}

// List returns Pluggy's transaction categories (GET /categories), all of
// them in one answer. It accepts the answer as the spec gives it (an array)
// and as the live API sends it (a page of results).
func (s *CategoriesService) List(ctx context.Context, params *CategoryListParams, opts ...RequestOption) ([]Category, error) {
	var q query
	if params != nil {
		q.str("parentId", params.ParentID)
	}
	const route = "GET /categories"
	var raw json.RawMessage
	if err := s.client.call(ctx, route, nil, q.values(), nil, &raw, opts...); err != nil {
		return nil, err
	}
	return decodeLooseList[Category](route, raw)
}

// All yields every category (GET /categories, one request, made when the
// loop starts). An error is yielded once and ends the loop.
func (s *CategoriesService) All(ctx context.Context, params *CategoryListParams, opts ...RequestOption) iter.Seq2[Category, error] {
	return allOf(func() ([]Category, error) { return s.List(ctx, params, opts...) })
}

// Get returns one category (GET /categories/{id}). A missing one is an
// *Error matching ErrNotFound.
func (s *CategoriesService) Get(ctx context.Context, id string, opts ...RequestOption) (*Category, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Category](ctx, s.client, "GET /categories/{id}", []string{id}, nil, nil, opts...)
}

// ListRules returns your application's categorisation rules
// (GET /categories/rules), all of them in one answer. The spec shapes the
// answer as an array of pages; a single page or a bare array of rules is
// accepted too, and the rules come back flattened in order.
func (s *CategoriesService) ListRules(ctx context.Context, opts ...RequestOption) ([]ClientCategoryRule, error) {
	const route = "GET /categories/rules"
	var raw json.RawMessage
	if err := s.client.call(ctx, route, nil, nil, nil, &raw, opts...); err != nil {
		return nil, err
	}
	return decodeLooseList[ClientCategoryRule](route, raw)
}

// AllRules yields every categorisation rule (GET /categories/rules, one
// request, made when the loop starts).
func (s *CategoriesService) AllRules(ctx context.Context, opts ...RequestOption) iter.Seq2[ClientCategoryRule, error] {
	return allOf(func() ([]ClientCategoryRule, error) { return s.ListRules(ctx, opts...) })
}

// CreateRule adds a categorisation rule (POST /categories/rules) and returns
// it. An unknown category is an *Error matching ErrNotFound; an invalid
// description a 400 *Error. It returns an *ArgumentError without sending anything
// when params is nil or the description or categoryId is empty. Like every creating POST it
// is retried only when the server surely did not act on it.
func (s *CategoriesService) CreateRule(ctx context.Context, params *CreateCategoryRuleParams, opts ...RequestOption) (*ClientCategoryRule, error) {
	if params == nil {
		return nil, paramErr("params", "must not be nil")
	}
	if err := requireID("description", params.Description); err != nil {
		return nil, err
	}
	if err := requireID("categoryId", params.CategoryID); err != nil {
		return nil, err
	}
	return callFor[ClientCategoryRule](ctx, s.client, "POST /categories/rules", nil, nil, params, opts...)
}

// DeleteRule removes a categorisation rule (DELETE /categories/rules/{id},
// answered 204). A rule of another application is an *Error matching
// ErrForbidden; a missing one matches ErrNotFound.
func (s *CategoriesService) DeleteRule(ctx context.Context, id string, opts ...RequestOption) error {
	if err := requireID("id", id); err != nil {
		return err
	}
	return s.client.call(ctx, "DELETE /categories/rules/{id}", []string{id}, nil, nil, nil, opts...)
}

// decodeLooseList decodes a list answer whatever its envelope: a bare array
// of items, a page ({"results": [...]}), or an array of pages. Items are
// returned in order.
func decodeLooseList[T any](route string, raw json.RawMessage) ([]T, error) {
	fail := func(err error) ([]T, error) {
		return nil, &DecodeError{Route: route, StatusCode: http.StatusOK, Err: err}
	}
	type page struct {
		Results json.RawMessage `json:"results"`
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch raw[0] {
	case '{':
		var p struct {
			Results []T `json:"results"`
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			return fail(err)
		}
		return p.Results, nil
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return fail(err)
		}
		out := make([]T, 0, len(elems))
		for i, e := range elems {
			var p page
			if e = bytes.TrimSpace(e); len(e) > 0 && e[0] == '{' && json.Unmarshal(e, &p) == nil && len(p.Results) > 0 {
				var items []T
				if err := json.Unmarshal(p.Results, &items); err != nil {
					return fail(fmt.Errorf("element %d: results: %w", i, err))
				}
				out = append(out, items...)
				continue
			}
			var v T
			if err := json.Unmarshal(e, &v); err != nil {
				return fail(fmt.Errorf("element %d: %w", i, err))
			}
			out = append(out, v)
		}
		return out, nil
	}
	return fail(fmt.Errorf("answer is neither an array nor an object"))
}
