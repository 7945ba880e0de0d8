package pluggy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fixtureItemID = "7c2e9a41-5d3b-4f8e-b1a6-0e9d3c7f2a58"

func TestItemsCreate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/items"), func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, map[string]any{
			"connectorId":      float64(0),
			"parameters":       map[string]any{"user": "user-ok", "password": "password-ok", "token": "123456"},
			"webhookUrl":       "https://api.minhafintech.com.br/webhooks/pluggy",
			"clientUserId":     "cliente-58213",
			"oauthRedirectUri": "minhafintech://pluggy/callback",
			"products":         []any{"ACCOUNTS", "TRANSACTIONS"},
			"avoidDuplicates":  true,
		}, requestBody(t, r))
		return fixtureResponder(t, 200, "items-create", "200")(r)
	})
	item, err := c.Items.Create(context.Background(), &CreateItemParams{
		ConnectorID:      0,
		Parameters:       map[string]string{"user": "user-ok", "password": "password-ok", "token": "123456"},
		WebhookURL:       "https://api.minhafintech.com.br/webhooks/pluggy",
		ClientUserID:     "cliente-58213",
		OAuthRedirectURI: "minhafintech://pluggy/callback",
		Products:         []Product{ProductAccounts, ProductTransactions},
		AvoidDuplicates:  Ptr(true),
	})
	require.NoError(t, err)
	assert.Equal(t, fixtureItemID, item.ID)
	assert.Equal(t, ItemStatusUpdating, item.Status)
	assert.Equal(t, ExecutionStatusCreated, item.ExecutionStatus)
	assert.Nil(t, item.LastUpdatedAt)
	assert.Nil(t, item.NextAutoSyncAt)
	assert.Nil(t, item.Error)
	assert.Nil(t, item.Parameter)
	assert.Equal(t, 0, *item.ConsecutiveFailedLoginAttempts)
	assert.Equal(t, "cliente-58213", *item.ClientUserID)
	assert.Equal(t, "Pluggy Bank", *item.Connector.Name)
	assert.Equal(t, time.Date(2026, 11, 23, 11, 58, 41, 318e6, time.UTC), item.CreatedAt)
}

func TestItemsCreateMinimalAndEncrypted(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	var bodies []map[string]any
	mock.RegisterResponder(http.MethodPost, u("/items"), func(r *http.Request) (*http.Response, error) {
		bodies = append(bodies, requestBody(t, r))
		return fixtureResponder(t, 200, "items-create", "200")(r)
	})
	_, err := c.Items.Create(context.Background(), &CreateItemParams{ConnectorID: 612})
	require.NoError(t, err)
	_, err = c.Items.Create(context.Background(), &CreateItemParams{ConnectorID: 201, EncryptedParameters: "eyJhbGciOiJSU0EtT0FFUCJ9.cifrado"})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{
		{"connectorId": float64(612), "parameters": map[string]any{}},
		{"connectorId": float64(201), "parameters": "eyJhbGciOiJSU0EtT0FFUCJ9.cifrado"},
	}, bodies)
}

func TestItemsCreateInvalidParameters(t *testing.T) {
	t.Parallel()
	for _, variant := range []string{"400", "400-details"} {
		t.Run(variant, func(t *testing.T) {
			c, mock := newTestClient(t)
			mock.RegisterResponder(http.MethodPost, u("/items"), fixtureResponder(t, 400, "items-create", variant))
			_, err := c.Items.Create(context.Background(), &CreateItemParams{ConnectorID: 0, Parameters: map[string]string{"password": "1"}})
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, CodeConnectorValidationError, apiErr.CodeDescription)
			params := apiErr.InvalidParameters()
			require.NotEmpty(t, params)
			assert.Contains(t, err.Error(), params[0].Parameter+": "+params[0].Message)
			assert.Nil(t, apiErr.DuplicateItemIDs())
			// A create is not replayed.
			assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/items")])
		})
	}
}

func TestItemsCreateDuplicate(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		status int
		name   string
		want   []string
	}{
		"409 data.items": {409, "409", []string{"0b6f3e2a-9c41-4d7e-8a35-2f1c9e8d4b70"}},
		"400 items":      {400, "400-duplicate", []string{"0b6f3e2a-9c41-4d7e-8a35-2f1c9e8d4b70", "5e8a1c3d-7f29-4b6e-9d02-c4a7e1f3b985"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, mock := newTestClient(t)
			mock.RegisterResponder(http.MethodPost, u("/items"), fixtureResponder(t, tc.status, "items-create", tc.name))
			_, err := c.Items.Create(context.Background(), &CreateItemParams{
				ConnectorID: 201, Parameters: map[string]string{"agency": "0001"}, AvoidDuplicates: Ptr(true)})
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, CodeItemUserAlreadyExists, apiErr.CodeDescription)
			assert.Equal(t, tc.want, apiErr.DuplicateItemIDs())
			assert.Equal(t, 1, mock.GetTotalCallCount()-mock.GetCallCountInfo()["POST "+u("/auth")])
		})
	}
}

func TestItemsCreateLimitAndServerError(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/items"), fixtureResponder(t, 409, "items-create", "409-limit"))
	_, err := c.Items.Create(context.Background(), &CreateItemParams{ConnectorID: 201})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, errors.Is(err, ErrConflict))
	assert.Equal(t, CodeItemCreationLimitExceeded, apiErr.CodeDescription)
	assert.JSONEq(t, `{"itemsLimit":100}`, string(apiErr.Data))
	assert.Nil(t, apiErr.DuplicateItemIDs())

	// A 5xx on a create is not retried: Pluggy may have created the item.
	mock.RegisterResponder(http.MethodPost, u("/items"), fixtureResponder(t, 500, "items-create", "500"))
	_, err = c.Items.Create(context.Background(), &CreateItemParams{ConnectorID: 201})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/items")], "registering again resets the count")
}

func TestErrorAccessorsOnOddBodies(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"code":409,"message":"x","data":"not an object","items":["a"]}`,
		`{"code":409,"message":"x","data":{"itemIds":[{"id":"b"},{"nope":1},""]}}`,
		`{"code":409,"message":"x","items":"a,b"}`,
		`not json`,
		``,
	} {
		e := parseError("POST /items", 409, nil, []byte(body), 0)
		assert.NotPanics(t, func() { e.DuplicateItemIDs(); e.InvalidParameters() })
	}
	assert.Equal(t, []string{"a"}, parseError("POST /items", 409, nil, []byte(`{"data":"x","items":["a"]}`), 0).DuplicateItemIDs())
	assert.Equal(t, []string{"b"}, parseError("POST /items", 409, nil, []byte(`{"data":{"itemIds":[{"id":"b"},{"nope":1},""]}}`), 0).DuplicateItemIDs())
	var nilErr *Error
	assert.Nil(t, nilErr.DuplicateItemIDs())
	assert.Nil(t, nilErr.InvalidParameters())
}

func TestItemsGet(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/items/"+fixtureItemID), fixtureResponder(t, 200, "items-retrieve", "200"))
	item, err := c.Items.Get(context.Background(), fixtureItemID)
	require.NoError(t, err)
	assert.Equal(t, ItemStatusUpdated, item.Status)
	assert.Equal(t, ExecutionStatusSuccess, item.ExecutionStatus)
	assert.True(t, item.ExecutionStatus.Finished())
	assert.True(t, item.ExecutionStatus.Succeeded())
	assert.Equal(t, 201, item.Connector.ID)
	assert.Equal(t, time.Date(2026, 11, 24, 12, 1, 7, 549e6, time.UTC), *item.NextAutoSyncAt)
	assert.Equal(t, time.Date(2026, 11, 23, 12, 1, 7, 549e6, time.UTC), *item.LastUpdatedAt)
	assert.Equal(t, []Product{ProductAccounts, ProductCreditCards, ProductTransactions, ProductIdentity, ProductInvestments, ProductLoans}, item.Products)
}

func TestItemsGetVariants(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	get := func(name string) *Item {
		mock.RegisterResponder(http.MethodGet, u("/items/"+fixtureItemID), fixtureResponder(t, 200, "items-retrieve", name))
		item, err := c.Items.Get(context.Background(), fixtureItemID)
		require.NoError(t, err)
		return item
	}
	partial := get("200-partial-success")
	assert.Equal(t, ExecutionStatusPartialSuccess, partial.ExecutionStatus)
	assert.Equal(t, []string{"investments", "loans"}, partial.StatusDetail.NotUpdated())
	assert.Len(t, partial.StatusDetail.Products(), 6)
	assert.Equal(t, "Serviço de investimentos indisponível no momento", *partial.StatusDetail.Investments.Warnings[0].ProviderMessage)
	assert.Nil(t, partial.StatusDetail.PaymentData)

	login := get("200-login-error")
	assert.Equal(t, ItemStatusLoginError, login.Status)
	assert.Equal(t, ItemErrorCodeInvalidCredentials, login.Error.Code)
	assert.Equal(t, 1, *login.ConsecutiveFailedLoginAttempts)

	pending := get("200-authorization-pending")
	assert.Equal(t, ExecutionStatusUserAuthorizationPending, pending.ExecutionStatus)
	assert.Equal(t, "Pluggy-7C2E", pending.Error.DeviceNickname())
	assert.Equal(t, []string{"MDAwMjAxMjYzMzAwMTRici5nb3YuYmNi", "MDAwMjAxMjYzMzAwMTRici5nb3YuYmNj"}, pending.Error.QRCodes())

	action := get("200-waiting-user-action")
	assert.Equal(t, ItemStatusWaitingUserAction, action.Status)
	assert.True(t, action.Status.Waiting())
	assert.Equal(t, "Pluggy-7C2E", action.UserAction.Attribute("deviceNickname"))
	assert.Equal(t, time.Date(2026, 11, 23, 12, 4, 20, 517e6, time.UTC), action.UserAction.ExpiresAt.Time)

	input := get("200-waiting-user-input")
	assert.Equal(t, "token", input.Parameter.Name)
	assert.Equal(t, ParameterTypeNumber, input.Parameter.Type)
	assert.True(t, *input.Parameter.MFA)
	assert.False(t, input.Parameter.IsOptional())
	assert.Equal(t, "Digite o código que enviamos por SMS para o celular terminado em 4321", *input.Parameter.Instructions)
}

func TestItemsGetErrors(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/items/"+fixtureItemID), fixtureResponder(t, 404, "items-retrieve", "404"))
	_, err := c.Items.Get(context.Background(), fixtureItemID)
	assert.True(t, errors.Is(err, ErrNotFound))
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeItemNotFound, apiErr.CodeDescription)

	// A 403 without codeDescription is an expired key: renewed and replayed once.
	mock.RegisterResponder(http.MethodGet, u("/items/"+fixtureItemID), jsonResponder(t, 403, fixture(t, "errors", "items-retrieve-403")))
	_, err = c.Items.Get(context.Background(), fixtureItemID)
	assert.True(t, errors.Is(err, ErrExpiredKey))
	assert.Equal(t, 2, mock.GetCallCountInfo()["GET "+u("/items/"+fixtureItemID)], "the refused call and its one replay")

	mock.RegisterResponder(http.MethodPost, u("/items"), jsonResponder(t, 403, fixture(t, "errors", "items-create-403")))
	_, err = c.Items.Create(context.Background(), &CreateItemParams{ConnectorID: 201})
	assert.True(t, errors.Is(err, ErrForbidden))
}

func TestItemsGetEscapesID(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, `=~^`+u("/items/a%2Fb")+`$`, fixtureResponder(t, 200, "items-retrieve", "200"))
	_, err := c.Items.Get(context.Background(), "a/b")
	require.NoError(t, err)
	assert.Equal(t, 1, mock.GetCallCountInfo()["GET =~^"+u("/items/a%2Fb")+"$"])
}

func TestItemsUpdate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	var bodies []map[string]any
	mock.RegisterResponder(http.MethodPatch, u("/items/"+fixtureItemID), func(r *http.Request) (*http.Response, error) {
		bodies = append(bodies, requestBody(t, r))
		return fixtureResponder(t, 200, "items-update", "200")(r)
	})
	item, err := c.Items.Update(context.Background(), fixtureItemID, &UpdateItemParams{
		Parameters:   map[string]string{"token": "654321"},
		ClientUserID: "cliente-58213",
		WebhookURL:   "https://api.minhafintech.com.br/webhooks/pluggy",
		Products:     []Product{ProductAccounts},
	})
	require.NoError(t, err)
	assert.Equal(t, ItemStatusUpdating, item.Status)
	assert.Equal(t, ExecutionStatusCreated, item.ExecutionStatus)
	_, err = c.Items.Update(context.Background(), fixtureItemID, nil)
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{
		{"parameters": map[string]any{"token": "654321"}, "clientUserId": "cliente-58213",
			"webhookUrl": "https://api.minhafintech.com.br/webhooks/pluggy", "products": []any{"ACCOUNTS"}},
		{},
	}, bodies)
}

func TestItemsUpdateErrors(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPatch, u("/items/"+fixtureItemID), fixtureResponder(t, 400, "items-update", "400-mfa-required"))
	_, err := c.Items.Update(context.Background(), fixtureItemID, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	require.Len(t, apiErr.InvalidParameters(), 1)
	assert.Equal(t, "token", apiErr.InvalidParameters()[0].Parameter)

	mock.RegisterResponder(http.MethodPatch, u("/items/"+fixtureItemID), fixtureResponder(t, 400, "items-update", "400"))
	_, err = c.Items.Update(context.Background(), fixtureItemID, nil)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "TOO_MANY_CONSECUTIVE_LOGIN_FAILURES", apiErr.CodeDescription)
	assert.Empty(t, apiErr.InvalidParameters())

	mock.RegisterResponder(http.MethodPatch, u("/items/"+fixtureItemID), fixtureResponder(t, 409, "items-update", "409"))
	_, err = c.Items.Update(context.Background(), fixtureItemID, nil)
	assert.True(t, errors.Is(err, ErrConflict))

	mock.RegisterResponder(http.MethodPatch, u("/items/"+fixtureItemID), fixtureResponder(t, 404, "items-update", "404"))
	_, err = c.Items.Update(context.Background(), fixtureItemID, nil)
	assert.True(t, errors.Is(err, ErrNotFound))
}

func TestItemsDelete(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodDelete, u("/items/"+fixtureItemID), func(r *http.Request) (*http.Response, error) {
		assert.Nil(t, requestBody(t, r))
		return fixtureResponder(t, 200, "items-delete", "200")(r)
	})
	err := c.Items.Delete(context.Background(), fixtureItemID)
	require.NoError(t, err)

	mock.RegisterResponder(http.MethodDelete, u("/items/"+fixtureItemID), fixtureResponder(t, 404, "items-delete", "404"))
	err = c.Items.Delete(context.Background(), fixtureItemID)
	assert.True(t, errors.Is(err, ErrNotFound))
}

func TestItemsSendMFA(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/items/"+fixtureItemID+"/mfa"), func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, map[string]any{"token": "123456"}, requestBody(t, r))
		return fixtureResponder(t, 200, "items-send-mfa", "200")(r)
	})
	item, err := c.Items.SendMFA(context.Background(), fixtureItemID, map[string]string{"token": "123456"})
	require.NoError(t, err)
	assert.Equal(t, ExecutionStatusLoginMFAInProgress, item.ExecutionStatus)

	mock.RegisterResponder(http.MethodPost, u("/items/"+fixtureItemID+"/mfa"), fixtureResponder(t, 404, "items-send-mfa", "404"))
	_, err = c.Items.SendMFA(context.Background(), fixtureItemID, map[string]string{"token": "123456"})
	assert.True(t, errors.Is(err, ErrNotFound))
}

func TestItemsDisableAutoSync(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPatch, u("/items/"+fixtureItemID+"/disable-auto-sync"), func(r *http.Request) (*http.Response, error) {
		assert.Nil(t, requestBody(t, r))
		return fixtureResponder(t, 200, "items-disable-autosync", "200")(r)
	})
	item, err := c.Items.DisableAutoSync(context.Background(), fixtureItemID)
	require.NoError(t, err)
	assert.Nil(t, item.NextAutoSyncAt)
	assert.Equal(t, ItemStatusUpdated, item.Status)

	mock.RegisterResponder(http.MethodPatch, u("/items/"+fixtureItemID+"/disable-auto-sync"), fixtureResponder(t, 404, "items-disable-autosync", "404"))
	_, err = c.Items.DisableAutoSync(context.Background(), fixtureItemID)
	assert.True(t, errors.Is(err, ErrNotFound))
}

func TestItemsLocalValidation(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	cases := map[string]struct {
		call  func() error
		param string
	}{
		"create nil":      {func() error { _, err := c.Items.Create(ctx, nil); return err }, "params"},
		"create negative": {func() error { _, err := c.Items.Create(ctx, &CreateItemParams{ConnectorID: -1}); return err }, "connectorId"},
		"create both params": {func() error {
			_, err := c.Items.Create(ctx, &CreateItemParams{Parameters: map[string]string{"a": "b"}, EncryptedParameters: "x"})
			return err
		}, "parameters"},
		"create empty param name": {func() error {
			_, err := c.Items.Create(ctx, &CreateItemParams{Parameters: map[string]string{" ": "b"}})
			return err
		}, "parameters"},
		"create bad webhook": {func() error { _, err := c.Items.Create(ctx, &CreateItemParams{WebhookURL: "/relative"}); return err }, "webhookUrl"},
		"create bad redirect": {func() error {
			_, err := c.Items.Create(ctx, &CreateItemParams{OAuthRedirectURI: "callback"})
			return err
		}, "oauthRedirectUri"},
		"get empty":    {func() error { _, err := c.Items.Get(ctx, ""); return err }, "id"},
		"update empty": {func() error { _, err := c.Items.Update(ctx, " ", nil); return err }, "id"},
		"update bad webhook": {func() error {
			_, err := c.Items.Update(ctx, fixtureItemID, &UpdateItemParams{WebhookURL: "ftp://x"})
			return err
		}, "webhookUrl"},
		"delete empty":      {func() error { err := c.Items.Delete(ctx, ""); return err }, "id"},
		"mfa empty id":      {func() error { _, err := c.Items.SendMFA(ctx, "", map[string]string{"a": "b"}); return err }, "id"},
		"mfa no answers":    {func() error { _, err := c.Items.SendMFA(ctx, fixtureItemID, nil); return err }, "answers"},
		"mfa empty name":    {func() error { _, err := c.Items.SendMFA(ctx, fixtureItemID, map[string]string{"": "1"}); return err }, "answers"},
		"disable empty id":  {func() error { _, err := c.Items.DisableAutoSync(ctx, ""); return err }, "id"},
		"wait empty id":     {func() error { _, err := c.Items.Wait(ctx, "", nil); return err }, "id"},
		"refresh empty id":  {func() error { _, err := c.Items.Refresh(ctx, "", nil, nil); return err }, "id"},
		"connect nil":       {func() error { _, err := c.Items.Connect(ctx, nil, nil); return err }, "params"},
		"consents empty id": {func() error { _, err := c.Consents.List(ctx, "", nil); return err }, "itemId"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := tc.call()
			var pe *ArgumentError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.param, pe.Param)
		})
	}
	assert.Zero(t, mock.GetTotalCallCount(), "no request may be sent")
}

func TestItemParamsHideCredentials(t *testing.T) {
	t.Parallel()
	const secret = "senha-super-secreta-913"
	cp := &CreateItemParams{ConnectorID: 201, Parameters: map[string]string{"password": secret, "agency": "0001"}}
	up := &UpdateItemParams{Parameters: map[string]string{"token": secret}}
	enc := CreateItemParams{EncryptedParameters: secret}
	for _, s := range []string{
		fmt.Sprint(cp), fmt.Sprintf("%v %+v %#v %s %q", cp, *cp, cp, cp, cp),
		fmt.Sprint(up), fmt.Sprintf("%+v %#v", *up, up), fmt.Sprint(enc), fmt.Sprintf("%#v", enc),
	} {
		assert.NotContains(t, s, secret)
	}
	assert.Contains(t, fmt.Sprint(cp), "agency:[redacted]")
	assert.Contains(t, fmt.Sprint(enc), "[encrypted]")
	// The body still carries the values.
	b, err := json.Marshal(cp)
	require.NoError(t, err)
	assert.Contains(t, string(b), secret)
}

func TestItemStatusHelpers(t *testing.T) {
	t.Parallel()
	finished := []ExecutionStatus{ExecutionStatusSuccess, ExecutionStatusPartialSuccess, ExecutionStatusError,
		ExecutionStatusMergeError, ExecutionStatusCreateError, ExecutionStatusInvalidCredentials,
		ExecutionStatusUserInputTimeout, ExecutionStatusUserAuthorizationNotGranted}
	for _, s := range finished {
		assert.True(t, s.Finished(), s)
	}
	for _, s := range []ExecutionStatus{ExecutionStatusCreating, ExecutionStatusCreated, ExecutionStatusLoginInProgress,
		ExecutionStatusWaitingUserInput, ExecutionStatusLoginMFAInProgress, ExecutionStatusTransactionsInProgress, "SOMETHING_NEW"} {
		assert.False(t, s.Finished(), s)
	}
	assert.False(t, ItemStatusUpdating.Waiting())

	var it Item
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","status":"BRAND_NEW","executionStatus":"ANOTHER","error":{"code":"NEW_CODE","message":"m","attributes":{"qrCodes":["q1",2,"q2"],"n":3}}}`), &it))
	assert.Equal(t, ItemStatus("BRAND_NEW"), it.Status)
	assert.Equal(t, []string{"q1", "q2"}, it.Error.QRCodes())
	assert.Equal(t, "3", it.Error.Attribute("n"))
	var nilDetail *ItemErrorDetail
	assert.Nil(t, nilDetail.QRCodes())
	assert.Empty(t, nilDetail.DeviceNickname())
	var nilStatus *StatusDetail
	assert.Empty(t, nilStatus.NotUpdated())
}

func TestItemFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"200", "200-partial-success", "200-waiting-user-input", "200-select", "200-image",
		"200-waiting-user-action", "200-login-error", "200-authorization-pending"} {
		t.Run("items-retrieve/"+name, func(t *testing.T) { assertRoundTrip[Item](t, fixture(t, "items-retrieve", name)) })
	}
	assertRoundTrip[Item](t, fixture(t, "items-create", "200"))
	assertRoundTrip[Item](t, fixture(t, "items-update", "200"))
	assertRoundTrip[Item](t, fixture(t, "items-send-mfa", "200"))
	assertRoundTrip[Item](t, fixture(t, "items-disable-autosync", "200"))
	assertRoundTrip[struct {
		Count int `json:"count"`
	}](t, fixture(t, "items-delete", "200"))
	// Error bodies decode into *Error.
	for _, f := range [][3]string{
		{"items-create", "400", "400"}, {"items-create", "400-details", "400"}, {"items-create", "400-duplicate", "400"},
		{"items-create", "409", "409"}, {"items-create", "409-limit", "409"}, {"items-create", "500", "500"},
		{"items-retrieve", "404", "404"}, {"items-retrieve", "500", "500"}, {"items-update", "400", "400"},
		{"items-update", "400-mfa-required", "400"}, {"items-update", "404", "404"}, {"items-update", "409", "409"},
		{"items-delete", "404", "404"}, {"items-disable-autosync", "404", "404"}, {"items-send-mfa", "404", "404"},
	} {
		e := parseError("X /", 0, nil, fixture(t, f[0], f[1]), 0)
		assert.False(t, e.NotJSON, f)
		assert.NotEmpty(t, e.Message, f)
		assert.NotEmpty(t, e.CodeDescription, f)
	}
}

func TestExecutionStatusErrorCode(t *testing.T) {
	t.Parallel()
	c, ok := ExecutionStatusUserInputTimeout.ErrorCode()
	assert.True(t, ok)
	assert.Equal(t, ItemErrorCodeUserInputTimeout, c)
	c, ok = ExecutionStatusInvalidCredentials.ErrorCode()
	assert.True(t, ok)
	assert.Equal(t, ItemErrorCodeInvalidCredentials, c)
	for _, s := range []ExecutionStatus{ExecutionStatusSuccess, ExecutionStatusLoginInProgress, ExecutionStatusError, "SOMETHING_NEW"} {
		c, ok = s.ErrorCode()
		assert.False(t, ok, s)
		assert.Empty(t, c, s)
	}
}
