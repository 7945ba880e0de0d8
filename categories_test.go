package pluggy

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCategoriesList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/categories", fixtureResponder(t, 200, "categories-list", "200"))

	cats, err := c.Categories.List(context.Background(), &CategoryListParams{ParentID: "11000000"})
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/categories", url.Values{"parentId": {"11000000"}})
	require.Len(t, cats, 4)
	assert.Equal(t, Category{ID: "01000000", Description: "Income", DescriptionTranslated: Ptr("Renda")}, cats[0])
	assert.Equal(t, "11000000", *cats[3].ParentID)
	assert.Equal(t, "Delivery de alimentos", *cats[3].DescriptionTranslated)

	_, err = c.Categories.List(context.Background(), nil)
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 1), http.MethodGet, "/categories", nil)
}

// The spec gives GET /categories a bare array; the live API (and the spec's
// own example) answers a page. Both decode.
func TestCategoriesListAcceptsAPage(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	on(mock, http.MethodGet, "/categories", jsonResponder(t, 200, []byte(`{"page":1,"total":2,"totalPages":1,"results":[
		{"id":"01000000","description":"Income","descriptionTranslated":"Renda"},
		{"id":"01010000","description":"Salary","descriptionTranslated":"Salário","parentId":"01000000","parentDescription":"Income"}]}`)))
	cats, err := c.Categories.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, cats, 2)
	assert.Equal(t, "Income", *cats[1].ParentDescription)

	var got []string
	for cat, err := range c.Categories.All(context.Background(), nil) {
		require.NoError(t, err)
		got = append(got, cat.ID)
	}
	assert.Equal(t, []string{"01000000", "01010000"}, got)
}

func TestCategoriesListRefusesGarbage(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	on(mock, http.MethodGet, "/categories", jsonResponder(t, 200, []byte(`"categories"`)))
	_, err := c.Categories.List(context.Background(), nil)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "GET /categories", de.Route)

	c2, mock2 := newTestClient(t)
	on(mock2, http.MethodGet, "/categories", jsonResponder(t, 200, []byte(`[{"id":1}]`)))
	_, err = c2.Categories.List(context.Background(), nil)
	require.ErrorAs(t, err, &de)
}

func TestCategoriesGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/categories/11020000", fixtureResponder(t, 200, "categories-retrieve", "200"))
	on(mock, http.MethodGet, "/categories/99990000", fixtureResponder(t, 404, "categories-retrieve", "404"))

	cat, err := c.Categories.Get(context.Background(), "11020000")
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/categories/11020000", nil)
	assert.Equal(t, "Food delivery", cat.Description)
	assert.Equal(t, "Food and drinks", *cat.ParentDescription)

	_, err = c.Categories.Get(context.Background(), "99990000")
	requireAPIErr(t, err, 404, "CATEGORY_NOT_FOUND")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestCategoriesListRules(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/categories/rules", fixtureResponder(t, 200, "client-category-rules-list", "200"))

	rules, err := c.Categories.ListRules(context.Background())
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodGet, "/categories/rules", nil)
	require.Len(t, rules, 2)
	r := rules[0]
	assert.Equal(t, "9c2e7a4f-3b1d-4e68-a5c0-6f8d2b1e9a47", *r.ID)
	assert.Equal(t, "PADARIA PAO DOURADO", r.Description)
	assert.Equal(t, "11010000", *r.CategoryID)
	assert.Equal(t, "Restaurants", r.Category)
	assert.Equal(t, TransactionTypeDebit, r.TransactionType)
	assert.Equal(t, AccountSubtypeCreditCard, r.AccountType)
	assert.Equal(t, AccountSubtypeChecking, rules[1].AccountType)

	var got []string
	for r, err := range c.Categories.AllRules(context.Background()) {
		require.NoError(t, err)
		got = append(got, r.Description)
	}
	assert.Equal(t, []string{"PADARIA PAO DOURADO", "REMUNERACAO/SALARIO ACME"}, got)
}

func TestCategoriesListRulesOtherShapes(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"one page":         `{"page":1,"total":2,"totalPages":1,"results":[{"description":"A","category":"Rent"},{"description":"B","category":"Salary"}]}`,
		"bare array":       `[{"description":"A","category":"Rent"},{"description":"B","category":"Salary"}]`,
		"array of 2 pages": `[{"page":1,"total":2,"totalPages":2,"results":[{"description":"A","category":"Rent"}]},{"page":2,"total":2,"totalPages":2,"results":[{"description":"B","category":"Salary"}]}]`,
	} {
		t.Run(name, func(t *testing.T) {
			c, mock := newTestClient(t)
			on(mock, http.MethodGet, "/categories/rules", jsonResponder(t, 200, []byte(body)))
			rules, err := c.Categories.ListRules(context.Background())
			require.NoError(t, err)
			require.Len(t, rules, 2)
			assert.Equal(t, "A", rules[0].Description)
			assert.Equal(t, "Salary", rules[1].Category)
		})
	}
	c, mock := newTestClient(t)
	on(mock, http.MethodGet, "/categories/rules", jsonResponder(t, 200, []byte(`[]`)))
	rules, err := c.Categories.ListRules(context.Background())
	require.NoError(t, err)
	assert.Empty(t, rules)
}

func TestCategoriesCreateRule(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodPost, "/categories/rules", fixtureResponder(t, 200, "client-category-rules-create", "200"))

	rule, err := c.Categories.CreateRule(context.Background(), &CreateCategoryRuleParams{
		Description:     "UBER *TRIP",
		CategoryID:      "12010000",
		TransactionType: TransactionTypeDebit,
		AccountType:     AccountSubtypeCreditCard,
		MatchType:       CategoryRuleMatchStartsWith,
	})
	require.NoError(t, err)
	assertRequest(t, rec.req(t, 0), http.MethodPost, "/categories/rules", nil)
	assert.JSONEq(t, `{"description":"UBER *TRIP","categoryId":"12010000","transactionType":"DEBIT","accountType":"CREDIT_CARD","matchType":"startsWith"}`, string(rec.bodyAt(t, 0)))
	assert.Equal(t, "b4e9a1c7-2d6f-4a85-9c3e-7f0b5d2a8e16", *rule.ID)
	assert.Equal(t, "Taxi and ride-hailing", rule.Category)
	assert.Equal(t, "6f1c2a9e-3b7d-4c8e-9a15-2d4f6b8c0e13", *rule.ClientID)

	_, err = c.Categories.CreateRule(context.Background(), &CreateCategoryRuleParams{Description: "PADARIA", CategoryID: "11010000"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"description":"PADARIA","categoryId":"11010000"}`, string(rec.bodyAt(t, 1)), "optional fields are left out")
}

func TestCategoriesCreateRuleErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		name   string
		desc   string
	}{{400, "400", ""}, {404, "404", "CATEGORY_NOT_FOUND"}} {
		c, mock := newTestClient(t)
		on(mock, http.MethodPost, "/categories/rules", fixtureResponder(t, tc.status, "client-category-rules-create", tc.name))
		_, err := c.Categories.CreateRule(context.Background(), &CreateCategoryRuleParams{Description: "X", CategoryID: "99990000"})
		requireAPIErr(t, err, tc.status, tc.desc)
	}

	// A creating POST is not replayed after a 5xx: the rule may exist.
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodPost, "/categories/rules", fixtureResponder(t, 500, "errors", "500-internal"))
	_, err := c.Categories.CreateRule(context.Background(), &CreateCategoryRuleParams{Description: "X", CategoryID: "11010000"})
	requireAPIErr(t, err, 500, "INTERNAL_SERVER_ERROR")
	assert.Equal(t, 1, rec.n())
}

func TestCategoriesDeleteRule(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	const id = "9c2e7a4f-3b1d-4e68-a5c0-6f8d2b1e9a47"
	rec := on(mock, http.MethodDelete, "/categories/rules/"+id, httpmock.NewStringResponder(http.StatusNoContent, ""))
	require.NoError(t, c.Categories.DeleteRule(context.Background(), id))
	assertRequest(t, rec.req(t, 0), http.MethodDelete, "/categories/rules/"+id, nil)
	assert.Empty(t, rec.bodyAt(t, 0))

	for _, tc := range []struct {
		status   int
		desc     string
		sentinel error
	}{
		{400, "", nil},
		{403, "CATEGORY_RULE_FORBIDDEN", ErrForbidden},
		{404, "CATEGORY_RULE_NOT_FOUND", ErrNotFound},
	} {
		c, mock := newTestClient(t)
		name := map[int]string{400: "400", 403: "403", 404: "404"}[tc.status]
		rec := on(mock, http.MethodDelete, "/categories/rules/"+id, fixtureResponder(t, tc.status, "client-category-rules-delete", name))
		err := c.Categories.DeleteRule(context.Background(), id)
		requireAPIErr(t, err, tc.status, tc.desc)
		if tc.sentinel != nil {
			assert.ErrorIs(t, err, tc.sentinel)
		}
		assert.Equal(t, 1, rec.n())
	}
}

func TestCategoriesValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	_, err := c.Categories.Get(ctx, "")
	requireArgumentErr(t, err, "id")
	require.Error(t, c.Categories.DeleteRule(ctx, " "))
	requireArgumentErr(t, c.Categories.DeleteRule(ctx, ""), "id")
	_, err = c.Categories.CreateRule(ctx, &CreateCategoryRuleParams{CategoryID: "11010000"})
	requireArgumentErr(t, err, "description")
	_, err = c.Categories.CreateRule(ctx, &CreateCategoryRuleParams{Description: "PADARIA"})
	requireArgumentErr(t, err, "categoryId")
	_, err = c.Categories.CreateRule(ctx, nil)
	requireArgumentErr(t, err, "params")
	assertNothingSent(t, mock)
}

func TestCategoriesFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	roundTrip[[]Category](t, "categories-list", "200")
	roundTrip[Category](t, "categories-retrieve", "200")
	roundTrip[[]Page[ClientCategoryRule]](t, "client-category-rules-list", "200")
	roundTrip[ClientCategoryRule](t, "client-category-rules-create", "200")
}
