package pluggytest

import (
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

// drive polls an item as a client would and plays the user: it answers
// each parameter from answers (stopping when a parameter has no answer),
// approves user actions, visits OAuth URLs and updates an item pending a
// device authorisation. It returns every state seen, in order, and the
// last item read.
func (h *bankHarness) drive(id string, answers map[string]string) ([]string, map[string]any) {
	h.t.Helper()
	var seen []string
	authorized := false
	for i := 0; i < 40; i++ {
		it := h.item(id)
		seen = append(seen, state(it))
		switch {
		case str(it, "status") == "WAITING_USER_INPUT":
			p := it["parameter"].(map[string]any)
			if str(p, "type") == "oauth" {
				resp, err := http.Get(str(p, "data"))
				require.NoError(h.t, err)
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				require.Equal(h.t, http.StatusOK, resp.StatusCode)
				continue
			}
			v, ok := answers[str(p, "name")]
			if !ok {
				return seen, it
			}
			after := h.do("POST /items/{id}/mfa", []string{id}, nil, map[string]string{str(p, "name"): v})
			seen = append(seen, "mfa:"+state(after))
		case str(it, "status") == "WAITING_USER_ACTION":
			require.NoError(h.t, h.srv.Approve(id))
		case str(it, "executionStatus") == "USER_AUTHORIZATION_PENDING" && !authorized:
			authorized = true
			after := h.do("PATCH /items/{id}", []string{id}, nil, map[string]any{})
			seen = append(seen, "patch:"+state(after))
		case str(it, "status") == "UPDATED", str(it, "status") == "LOGIN_ERROR", str(it, "status") == "OUTDATED":
			return seen, it
		}
	}
	h.t.Fatalf("item %s did not finish: %v", id, seen)
	return nil, nil
}

var dataSteps = []string{"UPDATING/ACCOUNTS_IN_PROGRESS", "UPDATING/CREDITCARDS_IN_PROGRESS",
	"UPDATING/TRANSACTIONS_IN_PROGRESS", "UPDATING/INVESTMENTS_IN_PROGRESS", "UPDATING/IDENTITY_IN_PROGRESS",
	"UPDATING/LOANS_IN_PROGRESS", "UPDATED/SUCCESS"}

func steps(parts ...any) []string {
	var out []string
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			out = append(out, v)
		case []string:
			out = append(out, v...)
		}
	}
	return out
}

func TestItemTimelines(t *testing.T) {
	t.Parallel()
	userOK := map[string]string{"user": SandboxUser, "password": SandboxPassword}
	token := map[string]string{"token": SandboxToken}
	cases := []struct {
		name      string
		connector int
		params    map[string]string
		answers   map[string]string
		want      []string
		events    []string
	}{
		{
			name: "sandbox bank, MFA in a second step", connector: ConnectorPluggyBank, params: userOK, answers: token,
			want: steps("UPDATING/LOGIN_IN_PROGRESS", "WAITING_USER_INPUT/WAITING_USER_INPUT",
				"mfa:UPDATING/LOGIN_MFA_IN_PROGRESS", dataSteps),
			events: []string{"item/created", "item/waiting_user_input", "item/login_succeeded", "item/updated"},
		},
		{
			name: "MFA in the first step", connector: ConnectorMFAOneStep,
			params: map[string]string{"user": SandboxUser, "password": SandboxPassword, "token": SandboxToken},
			want:   steps("UPDATING/LOGIN_IN_PROGRESS", dataSteps),
			events: []string{"item/created", "item/login_succeeded", "item/updated"},
		},
		{
			name: "company selection", connector: ConnectorBusiness, params: userOK,
			answers: map[string]string{"selectedCompany": "27415630000108"},
			want: steps("UPDATING/LOGIN_IN_PROGRESS", "WAITING_USER_INPUT/WAITING_USER_INPUT",
				"mfa:UPDATING/LOGIN_MFA_IN_PROGRESS", dataSteps),
			events: []string{"item/created", "item/waiting_user_input", "item/login_succeeded", "item/updated"},
		},
		{
			name: "joint account: owner then token", connector: ConnectorJointAccount, params: userOK,
			answers: map[string]string{"selectedOwner": "2", "token": SandboxToken},
			want: steps("UPDATING/LOGIN_IN_PROGRESS",
				"WAITING_USER_INPUT/WAITING_USER_INPUT", "mfa:UPDATING/LOGIN_MFA_IN_PROGRESS",
				"WAITING_USER_INPUT/WAITING_USER_INPUT", "mfa:UPDATING/LOGIN_MFA_IN_PROGRESS",
				dataSteps),
			events: []string{"item/created", "item/waiting_user_input", "item/waiting_user_input", "item/login_succeeded", "item/updated"},
		},
		{
			name: "QR code token", connector: ConnectorQRToken, params: userOK, answers: token,
			want: steps("UPDATING/LOGIN_IN_PROGRESS", "WAITING_USER_INPUT/WAITING_USER_INPUT",
				"mfa:UPDATING/LOGIN_MFA_IN_PROGRESS", dataSteps),
			events: []string{"item/created", "item/waiting_user_input", "item/login_succeeded", "item/updated"},
		},
		{
			name: "approval in the app", connector: ConnectorAppApproval, params: userOK,
			want: steps("UPDATING/LOGIN_IN_PROGRESS", "WAITING_USER_ACTION/WAITING_USER_ACTION",
				"UPDATING/LOGIN_MFA_IN_PROGRESS", dataSteps),
			events: []string{"item/created", "item/waiting_user_action", "item/login_succeeded", "item/updated"},
		},
		{
			name: "Open Finance consent", connector: ConnectorOpenFinance, params: map[string]string{"cpf": "123.456.789-09"},
			want: steps("UPDATING/LOGIN_IN_PROGRESS", "WAITING_USER_INPUT/WAITING_USER_INPUT",
				"UPDATING/LOGIN_MFA_IN_PROGRESS", dataSteps),
			events: []string{"item/created", "item/waiting_user_input", "item/login_succeeded", "item/updated"},
		},
		{
			name: "credentials only", connector: ConnectorItau,
			params: map[string]string{"agency": "0001", "account": "12345-6", "password": SandboxPassword},
			want:   steps("UPDATING/LOGIN_IN_PROGRESS", dataSteps),
			events: []string{"item/created", "item/login_succeeded", "item/updated"},
		},
		{
			name: "device authorisation", connector: ConnectorCaixa,
			params: map[string]string{"user": "123.456.789-09", "password": SandboxPassword},
			want: steps("UPDATING/LOGIN_IN_PROGRESS", "OUTDATED/USER_AUTHORIZATION_PENDING",
				"patch:UPDATING/LOGIN_IN_PROGRESS", dataSteps),
			events: []string{"item/created", "item/error", "item/login_succeeded", "item/updated"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newBankHarness(t)
			created := h.createItem(tc.connector, tc.params)
			assert.Equal(t, "UPDATING/CREATED", state(created))
			id := str(created, "id")
			seen, last := h.drive(id, tc.answers)
			assert.Equal(t, tc.want, seen)
			assert.Equal(t, tc.events, h.eventTypes())
			assert.Nil(t, last["error"])
			assert.Nil(t, last["parameter"])
			assert.Equal(t, "2026-11-20T12:00:00.000Z", str(last, "lastUpdatedAt"), "the clock is frozen")
			for _, ev := range h.events {
				assert.Equal(t, id, ev.Payload["itemId"], ev.Type)
				assert.Equal(t, "CLIENT", ev.Payload["triggeredBy"], ev.Type)
			}
			accs := h.do("GET /accounts", nil, url.Values{"itemId": {id}}, nil)
			assert.EqualValues(t, 2, accs["total"], "a connected item has a bank account and a credit card")
		})
	}
}

func TestItemParameterShapes(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithParameterTimeout(3*time.Minute))
	userOK := map[string]string{"user": SandboxUser, "password": SandboxPassword}

	id := str(h.createItem(ConnectorPluggyBank, userOK), "id")
	h.item(id)
	it := h.item(id)
	require.Equal(t, "WAITING_USER_INPUT/WAITING_USER_INPUT", state(it))
	p := it["parameter"].(map[string]any)
	assert.Equal(t, "token", p["name"])
	assert.Equal(t, "number", p["type"])
	assert.Equal(t, `^\d{6}$`, p["validation"])
	assert.NotEmpty(t, p["label"])
	assert.Equal(t, "2026-11-20T12:03:00.000Z", p["expiresAt"], "asked at the frozen start, answered within WithParameterTimeout")

	id = str(h.createItem(ConnectorBusiness, userOK), "id")
	h.item(id)
	p = h.item(id)["parameter"].(map[string]any)
	assert.Equal(t, "selectedCompany", p["name"])
	assert.Equal(t, "select", p["type"])
	require.Len(t, p["options"], 2)
	assert.Equal(t, map[string]any{"value": "48293017000155", "label": "Padaria Pão Dourado LTDA - 48.293.017/0001-55"}, p["options"].([]any)[0])

	id = str(h.createItem(ConnectorQRToken, userOK), "id")
	h.item(id)
	p = h.item(id)["parameter"].(map[string]any)
	assert.Equal(t, "image", p["type"])
	assert.Regexp(t, `^iVBORw0KGgo`, p["data"], "a base64 PNG")

	id = str(h.createItem(ConnectorAppApproval, userOK), "id")
	h.item(id)
	a := h.item(id)["userAction"].(map[string]any)
	assert.NotEmpty(t, a["instructions"])
	assert.Equal(t, "qr", a["attributes"].(map[string]any)["name"])
	assert.Equal(t, "2026-11-20T12:03:00.000Z", a["expiresAt"])

	id = str(h.createItem(ConnectorOpenFinance, map[string]string{"cpf": "12345678909"}), "id")
	h.item(id)
	p = h.item(id)["parameter"].(map[string]any)
	assert.Equal(t, "oauth", p["type"])
	assert.Equal(t, h.srv.URL+"/pluggytest/oauth/"+id, p["data"])

	id = str(h.createItem(ConnectorCaixa, map[string]string{"user": "12345678909", "password": SandboxPassword}), "id")
	h.item(id)
	it = h.item(id)
	require.Equal(t, "OUTDATED/USER_AUTHORIZATION_PENDING", state(it))
	e := it["error"].(map[string]any)
	assert.Equal(t, "USER_AUTHORIZATION_PENDING", e["code"])
	attrs := e["attributes"].(map[string]any)
	assert.Equal(t, "Pluggy-"+id[:8], attrs["deviceNickname"])
	assert.Regexp(t, `^iVBORw0KGgo[^,]+,iVBORw0KGgo[^,]+$`, attrs["qrCodes"], "two comma-separated QR codes")
}

func TestItemFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		connector int
		params    map[string]string
		answers   map[string]string
		status    string
		code      string
	}{
		{"wrong password", ConnectorPluggyBank, map[string]string{"user": SandboxUser, "password": "senha-errada"}, nil, "LOGIN_ERROR", "INVALID_CREDENTIALS"},
		{"unknown user", ConnectorPluggyBank, map[string]string{"user": "fulano", "password": SandboxPassword}, nil, "LOGIN_ERROR", "INVALID_CREDENTIALS"},
		{"wrong token in the second step", ConnectorPluggyBank, map[string]string{"user": SandboxUser, "password": SandboxPassword},
			map[string]string{"token": "654321"}, "LOGIN_ERROR", "INVALID_CREDENTIALS_MFA"},
		{"wrong token in the first step", ConnectorMFAOneStep,
			map[string]string{"user": SandboxUser, "password": SandboxPassword, "token": "000000"}, nil, "LOGIN_ERROR", "INVALID_CREDENTIALS_MFA"},
		{"company not offered", ConnectorBusiness, map[string]string{"user": SandboxUser, "password": SandboxPassword},
			map[string]string{"selectedCompany": "99999999000199"}, "LOGIN_ERROR", "INVALID_CREDENTIALS_MFA"},
		{"locked account", ConnectorPluggyBank, map[string]string{"user": "user-locked", "password": SandboxPassword}, nil, "LOGIN_ERROR", "ACCOUNT_LOCKED"},
		{"open session", ConnectorPluggyBank, map[string]string{"user": "user-logged", "password": SandboxPassword}, nil, "OUTDATED", "ALREADY_LOGGED_IN"},
		{"site down", ConnectorAppApproval, map[string]string{"user": "user-unavailable", "password": SandboxPassword}, nil, "OUTDATED", "SITE_NOT_AVAILABLE"},
		{"connection error", ConnectorQRToken, map[string]string{"user": "user-connection-error", "password": SandboxPassword}, nil, "OUTDATED", "CONNECTION_ERROR"},
		{"unexpected error", ConnectorPluggyBank, map[string]string{"user": "user-error", "password": SandboxPassword}, nil, "OUTDATED", "UNEXPECTED_ERROR"},
		{"needs action", ConnectorPluggyBank, map[string]string{"user": "user-account-need-actions", "password": SandboxPassword}, nil, "OUTDATED", "ACCOUNT_NEEDS_ACTION"},
		{"credentials reset", ConnectorBusiness, map[string]string{"user": "user-account-credentials-reset", "password": SandboxPassword}, nil, "LOGIN_ERROR", "ACCOUNT_CREDENTIALS_RESET"},
		{"user not supported", ConnectorJointAccount, map[string]string{"user": "user-not-supported", "password": SandboxPassword}, nil, "LOGIN_ERROR", "USER_NOT_SUPPORTED"},
		{"wrong password, credentials only", ConnectorItau, map[string]string{"agency": "0001", "account": "123456", "password": "x"}, nil, "LOGIN_ERROR", "INVALID_CREDENTIALS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newBankHarness(t)
			id := str(h.createItem(tc.connector, tc.params), "id")
			_, last := h.drive(id, tc.answers)
			assert.Equal(t, tc.status+"/"+tc.code, state(last))
			e := last["error"].(map[string]any)
			assert.Equal(t, tc.code, e["code"])
			assert.NotEmpty(t, e["message"])
			assert.Nil(t, last["lastUpdatedAt"], "never connected")
			if tc.status == "LOGIN_ERROR" {
				assert.EqualValues(t, 1, last["consecutiveFailedLoginAttempts"])
			} else {
				assert.EqualValues(t, 0, last["consecutiveFailedLoginAttempts"])
			}
			if tc.code == "ACCOUNT_NEEDS_ACTION" {
				assert.NotEmpty(t, e["providerMessage"])
			}
			errs := h.eventsOf("item/error")
			require.Len(t, errs, 1)
			assert.Equal(t, map[string]any{"code": tc.code, "message": e["message"]}, errs[0].Payload["error"])
			assert.NotContains(t, h.eventTypes(), "item/updated")
			accs := h.do("GET /accounts", nil, url.Values{"itemId": {id}}, nil)
			assert.EqualValues(t, 0, accs["total"], "no data without a connection")
		})
	}
}

func TestItemPartialSuccess(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id := str(h.createItem(ConnectorMFAOneStep, map[string]string{"user": "user-ok-account-error", "password": SandboxPassword, "token": SandboxToken}), "id")
	_, last := h.drive(id, nil)
	assert.Equal(t, "UPDATED/PARTIAL_SUCCESS", state(last))
	detail := last["statusDetail"].(map[string]any)
	assert.Equal(t, false, detail["accounts"].(map[string]any)["isUpdated"])
	assert.Nil(t, detail["accounts"].(map[string]any)["lastUpdatedAt"])
	assert.Equal(t, true, detail["transactions"].(map[string]any)["isUpdated"])
	assert.Contains(t, h.eventTypes(), "item/updated")
}

func TestParameterTimeout(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithParameterTimeout(2*time.Minute))
	id := str(h.createItem(ConnectorPluggyBank, map[string]string{"user": SandboxUser, "password": SandboxPassword}), "id")
	h.item(id)
	require.Equal(t, "WAITING_USER_INPUT/WAITING_USER_INPUT", state(h.item(id)))

	h.srv.Advance(2 * time.Minute)
	require.Equal(t, "WAITING_USER_INPUT/WAITING_USER_INPUT", state(h.item(id)), "still waiting at expiresAt")
	h.srv.Advance(time.Millisecond)
	it := h.item(id)
	assert.Equal(t, "OUTDATED/USER_INPUT_TIMEOUT", state(it))
	assert.Equal(t, "USER_INPUT_TIMEOUT", it["error"].(map[string]any)["code"])
	assert.Equal(t, "2026-11-20T12:02:00.000Z", str(it, "updatedAt"), "the execution ended at expiresAt")
	assert.Nil(t, it["parameter"])

	e := h.fail("POST /items/{id}/mfa", []string{id}, nil, map[string]string{"token": SandboxToken})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	assert.Equal(t, "ITEM_NOT_WAITING_USER_INPUT", e.CodeDescription)

	// A user action that is not approved in time is not granted.
	id = str(h.createItem(ConnectorAppApproval, map[string]string{"user": SandboxUser, "password": SandboxPassword}), "id")
	h.item(id)
	require.Equal(t, "WAITING_USER_ACTION/WAITING_USER_ACTION", state(h.item(id)))
	h.srv.Advance(3 * time.Minute)
	assert.Equal(t, "OUTDATED/USER_AUTHORIZATION_NOT_GRANTED", state(h.item(id)))
	assert.Error(t, h.srv.Approve(id), "nothing to approve any more")
	assert.Error(t, h.srv.Approve("0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"), "no such item")
	assert.Equal(t, []string{"item/error", "item/error"}, eventTypesOf(h.eventsOf("item/error")))
}

func eventTypesOf(evs []Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Type)
	}
	return out
}

func TestItemsMoveOnTheClock(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithStepDuration(time.Second))
	id := str(h.createItem(ConnectorItau, map[string]string{"agency": "0001", "account": "12345-6", "password": SandboxPassword}), "id")
	// Nobody reads the item: the clock alone moves it, and its events are
	// emitted on Advance.
	h.srv.Advance(time.Second)
	assert.Equal(t, []string{"item/created"}, h.eventTypes())
	h.srv.Advance(10 * time.Second)
	assert.Equal(t, []string{"item/created", "item/login_succeeded", "item/updated"}, h.eventTypes())
	it := h.item(id)
	assert.Equal(t, "UPDATED/SUCCESS", state(it))
	// CREATED, LOGIN_IN_PROGRESS and six data steps, a second each.
	assert.Equal(t, "2026-11-20T12:00:08.000Z", str(it, "lastUpdatedAt"))
	assert.Equal(t, "2026-11-21T12:00:08.000Z", str(it, "nextAutoSyncAt"), "credentials-only items sync daily")

	// With no step duration, only reads move items: a step shown by an
	// answer ends at the server's next look, one step a read.
	h = newBankHarness(t, WithStepDuration(0))
	id = str(h.createItem(ConnectorItau, map[string]string{"agency": "0001", "account": "12345-6", "password": SandboxPassword}), "id")
	h.srv.Advance(time.Hour)
	h.srv.Advance(time.Hour)
	assert.Equal(t, "UPDATING/LOGIN_IN_PROGRESS", state(h.item(id)), "CREATED was seen in the answer to POST /items")
	assert.Equal(t, "UPDATING/ACCOUNTS_IN_PROGRESS", state(h.item(id)))
	assert.Equal(t, "UPDATING/CREDITCARDS_IN_PROGRESS", state(h.item(id)))
}

func TestAutoSync(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithStepDuration(time.Second), WithTransactionsPerSync(4))
	id, bank, card := h.connected(ConnectorItau)
	it := h.item(id)
	require.Equal(t, "2026-11-21T12:00:00.000Z", str(it, "nextAutoSyncAt"))
	before := h.do("GET /transactions", nil, url.Values{"accountId": {bank}}, nil)["total"]

	h.srv.Advance(24*time.Hour + time.Minute)
	it = h.item(id)
	assert.Equal(t, "UPDATED/SUCCESS", state(it))
	assert.Equal(t, "2026-11-21T12:00:07.000Z", str(it, "lastUpdatedAt"), "LOGIN_IN_PROGRESS and six data steps")
	assert.Equal(t, []string{"item/login_succeeded", "item/updated", "transactions/created", "transactions/created"}, h.eventTypes())
	for _, ev := range h.events {
		if ev.Type == "item/updated" {
			assert.Equal(t, "SYNC", ev.Payload["triggeredBy"])
		}
	}
	created := h.eventsOf("transactions/created")
	assert.Equal(t, map[string]any{"itemId": id, "accountId": bank, "transactionsCreatedAtFrom": "2026-11-21T12:00:07.000Z",
		"createdTransactionsLink": h.srv.URL + "/v2/transactions?accountId=" + bank + "&createdAtFrom=2026-11-21T12:00:07.000Z"},
		created[0].Payload)
	assert.Equal(t, card, created[1].Payload["accountId"])
	after := h.do("GET /transactions", nil, url.Values{"accountId": {bank}}, nil)["total"]
	assert.EqualValues(t, before.(float64)+4, after)

	// The link finds exactly the new transactions.
	link, err := url.Parse(created[0].Payload["createdTransactionsLink"].(string))
	require.NoError(t, err)
	page := h.do("GET /v2/transactions", nil, link.Query(), nil)
	assert.Len(t, page["results"], 4)

	// Once disabled, auto-sync stops.
	it = h.do("PATCH /items/{id}/disable-auto-sync", []string{id}, nil, nil)
	assert.Nil(t, it["nextAutoSyncAt"])
	n := len(h.eventTypes())
	h.srv.Advance(72 * time.Hour)
	assert.Len(t, h.eventTypes(), n)
	// MFA items never sync by themselves.
	mfaID, _, _ := h.connected(ConnectorPluggyBank)
	assert.Nil(t, h.item(mfaID)["nextAutoSyncAt"])
}

func TestItemUpdate(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t, WithTransactionsPerSync(3))
	id, bank, _ := h.connected(ConnectorPluggyBank)
	total := h.do("GET /transactions", nil, url.Values{"accountId": {bank}}, nil)["total"].(float64)

	h.srv.Advance(time.Hour)
	it := h.do("PATCH /items/{id}", []string{id}, nil, map[string]any{"webhookUrl": "https://example.com.br/hooks/pluggy", "clientUserId": "cliente-42"})
	assert.Equal(t, "UPDATING/LOGIN_IN_PROGRESS", state(it))
	assert.Equal(t, "https://example.com.br/hooks/pluggy", it["webhookUrl"])
	assert.Equal(t, "cliente-42", it["clientUserId"])
	again := h.do("PATCH /items/{id}", []string{id}, nil, nil)
	assert.Equal(t, str(it, "updatedAt"), str(again, "updatedAt"), "an update while running changes nothing")

	seen, last := h.drive(id, map[string]string{"token": SandboxToken})
	assert.Contains(t, seen, "WAITING_USER_INPUT/WAITING_USER_INPUT", "the second-step MFA is asked on every update")
	assert.Equal(t, "UPDATED/SUCCESS", state(last))
	assert.Equal(t, "2026-11-20T13:00:00.000Z", str(last, "lastUpdatedAt"))
	assert.EqualValues(t, total+3, h.do("GET /transactions", nil, url.Values{"accountId": {bank}}, nil)["total"])
	assert.Len(t, h.eventsOf("transactions/created"), 2)

	// One-step MFA connectors need a fresh token on every update.
	id, _, _ = h.connected(ConnectorMFAOneStep)
	e := h.fail("PATCH /items/{id}", []string{id}, nil, map[string]any{})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	assert.Equal(t, "CONNECTOR_REQUIRED_PARAMETER_VALIDATION_ERROR", e.CodeDescription)
	assert.Equal(t, []pluggy.FieldViolation{{Code: "001", Message: "Parameter 'token' is required", Parameter: "token"}}, e.Errors)
	it = h.do("PATCH /items/{id}", []string{id}, nil, map[string]any{"parameters": map[string]string{"token": SandboxToken}})
	assert.Equal(t, "UPDATING/LOGIN_IN_PROGRESS", state(it))

	e = h.fail("PATCH /items/{id}", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, map[string]any{})
	assert.Equal(t, http.StatusNotFound, e.StatusCode)
	assert.Equal(t, "ITEM_NOT_FOUND", e.CodeDescription)
}

func TestRepeatedLoginErrorsHoldUpdates(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id := str(h.createItem(ConnectorItau, map[string]string{"agency": "0001", "account": "12345-6", "password": "errada"}), "id")
	_, last := h.drive(id, nil)
	require.Equal(t, "LOGIN_ERROR/INVALID_CREDENTIALS", state(last))
	h.do("PATCH /items/{id}", []string{id}, nil, nil)
	_, last = h.drive(id, nil)
	require.EqualValues(t, 2, last["consecutiveFailedLoginAttempts"])

	e := h.fail("PATCH /items/{id}", []string{id}, nil, map[string]any{"parameters": map[string]string{"password": SandboxPassword}})
	assert.Equal(t, "TOO_MANY_CONSECUTIVE_LOGIN_FAILURES", e.CodeDescription)
	assert.JSONEq(t, `{"readableBackoffTime":"15 minutes","maxConsecutiveFailedLoginAttempts":2,
		"lastExecutionEndedAt":"2026-11-20T12:00:00.000Z","canRetryAfterDate":"2026-11-20T12:15:00.000Z"}`, string(e.Data))

	h.srv.Advance(15 * time.Minute)
	h.do("PATCH /items/{id}", []string{id}, nil, map[string]any{"parameters": map[string]string{"password": SandboxPassword}})
	_, last = h.drive(id, nil)
	assert.Equal(t, "UPDATED/SUCCESS", state(last))
	assert.EqualValues(t, 0, last["consecutiveFailedLoginAttempts"])
}

func TestCreateItemValidation(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	e := h.fail("POST /items", nil, nil, map[string]any{"connectorId": ConnectorItau, "parameters": map[string]string{"agency": "1", "password": "x"}})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	assert.Equal(t, "CONNECTOR_VALIDATION_ERROR", e.CodeDescription)
	assert.Equal(t, []pluggy.FieldViolation{
		{Code: "002", Message: "A agência deve ter 4 números", Parameter: "agency"},
		{Code: "001", Message: "account parameter is required", Parameter: "account"},
	}, e.Errors)

	e = h.fail("POST /items", nil, nil, map[string]any{"connectorId": ConnectorMFAOneStep, "parameters": map[string]string{"user": SandboxUser, "password": SandboxPassword}})
	assert.Equal(t, []pluggy.FieldViolation{{Code: "001", Message: "token parameter is required", Parameter: "token"}}, e.Errors,
		"the first-step token is required")

	e = h.fail("POST /items", nil, nil, map[string]any{"connectorId": 999, "parameters": map[string]string{}})
	assert.Equal(t, http.StatusNotFound, e.StatusCode)
	assert.Equal(t, "CONNECTOR_NOT_FOUND", e.CodeDescription)

	e = h.fail("POST /items", nil, nil, map[string]any{"parameters": map[string]string{}})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)

	e = h.fail("POST /items", nil, nil, map[string]any{"connectorId": 0, "parameters": "ZW5jcnlwdGVk"})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode, "encrypted parameters cannot be read")

	e = h.fail("POST /items", nil, nil, map[string]any{"connectorId": 0, "parameters": map[string]string{"user": "u", "password": "p"}, "webhookUrl": "not a url"})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	e = h.fail("POST /items", nil, nil, map[string]any{"connectorId": 0, "parameters": map[string]string{"user": "u", "password": "p"}, "products": []string{"CRYPTO"}})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	assert.Empty(t, h.eventTypes(), "nothing was created")
}

func TestCreateItemOptions(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	params := map[string]string{"user": SandboxUser, "password": SandboxPassword, "token": SandboxToken}
	it := h.do("POST /items", nil, nil, map[string]any{"connectorId": ConnectorMFAOneStep, "parameters": params,
		"webhookUrl": "https://example.com.br/hooks", "clientUserId": "cliente-7", "oauthRedirectUri": "https://example.com.br/volta",
		"products": []string{"ACCOUNTS", "TRANSACTIONS"}})
	assert.Equal(t, "https://example.com.br/hooks", it["webhookUrl"])
	hook, ok := h.srv.itemWebhookURL(str(it, "id"))
	assert.True(t, ok)
	assert.Equal(t, "https://example.com.br/hooks", hook)
	_, ok = h.srv.itemWebhookURL("0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40")
	assert.False(t, ok)
	assert.Equal(t, "cliente-7", it["clientUserId"])
	assert.Equal(t, "https://example.com.br/volta", it["oauthRedirectUri"])
	assert.Equal(t, []any{"ACCOUNTS", "TRANSACTIONS"}, it["products"])
	seen, _ := h.drive(str(it, "id"), nil)
	assert.Equal(t, []string{"UPDATING/LOGIN_IN_PROGRESS", "UPDATING/ACCOUNTS_IN_PROGRESS", "UPDATING/TRANSACTIONS_IN_PROGRESS", "UPDATED/SUCCESS"}, seen,
		"only the products asked for are collected")
	accs := h.do("GET /accounts", nil, url.Values{"itemId": {str(it, "id")}}, nil)
	assert.EqualValues(t, 1, accs["total"], "no credit card without CREDIT_CARDS")
	inv := h.do("GET /investments", nil, url.Values{"itemId": {str(it, "id")}}, nil)
	assert.EqualValues(t, 0, inv["total"])

	// avoidDuplicates refuses the same credentials again and names the item.
	e := h.fail("POST /items", nil, nil, map[string]any{"connectorId": ConnectorMFAOneStep, "parameters": params, "avoidDuplicates": true})
	assert.Equal(t, http.StatusConflict, e.StatusCode)
	assert.Equal(t, "ITEM_USER_ALREADY_EXISTS", e.CodeDescription)
	assert.JSONEq(t, `{"items":["`+str(it, "id")+`"]}`, string(e.Data))
	params["token"] = "999999"
	e = h.fail("POST /items", nil, nil, map[string]any{"connectorId": ConnectorMFAOneStep, "parameters": params, "avoidDuplicates": true})
	assert.Equal(t, http.StatusConflict, e.StatusCode, "MFA values do not make credentials different")
}

func TestSendMFAErrors(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id := str(h.createItem(ConnectorPluggyBank, map[string]string{"user": SandboxUser, "password": SandboxPassword}), "id")
	e := h.fail("POST /items/{id}/mfa", []string{id}, nil, map[string]string{"token": SandboxToken})
	assert.Equal(t, "ITEM_NOT_WAITING_USER_INPUT", e.CodeDescription, "not asked yet")
	h.item(id)
	h.item(id)
	e = h.fail("POST /items/{id}/mfa", []string{id}, nil, map[string]string{"code": SandboxToken})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	assert.Equal(t, []pluggy.FieldViolation{{Code: "001", Message: "token parameter is required", Parameter: "token"}}, e.Errors)
	e = h.fail("POST /items/{id}/mfa", []string{"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}, nil, map[string]string{"token": SandboxToken})
	assert.Equal(t, http.StatusNotFound, e.StatusCode)
	e = h.fail("POST /items/{id}/mfa", []string{id}, nil, []int{1})
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
}

func TestDeleteItem(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	id, bank, _ := h.connected(ConnectorPluggyBank)
	tx := h.do("GET /transactions", nil, url.Values{"accountId": {bank}, "pageSize": {"1"}}, nil)["results"].([]any)[0].(map[string]any)
	out := h.do("DELETE /items/{id}", []string{id}, nil, nil)
	assert.Equal(t, map[string]any{"count": float64(1)}, out)
	assert.Equal(t, []string{"item/deleted"}, h.eventTypes())
	assert.Equal(t, http.StatusNotFound, h.fail("GET /items/{id}", []string{id}, nil, nil).StatusCode)
	assert.Equal(t, http.StatusNotFound, h.fail("GET /accounts/{id}", []string{bank}, nil, nil).StatusCode)
	assert.Equal(t, http.StatusNotFound, h.fail("GET /transactions/{id}", []string{str(tx, "id")}, nil, nil).StatusCode)
	assert.Equal(t, "ITEM_NOT_FOUND", h.fail("DELETE /items/{id}", []string{id}, nil, nil).CodeDescription)
	assert.EqualValues(t, 0, h.do("GET /investments", nil, url.Values{"itemId": {id}}, nil)["total"])
}

func TestOAuthConsentPageRedirects(t *testing.T) {
	t.Parallel()
	h := newBankHarness(t)
	it := h.do("POST /items", nil, nil, map[string]any{"connectorId": ConnectorOpenFinance,
		"parameters": map[string]string{"cpf": "12345678909"}, "oauthRedirectUri": "https://app.example.com.br/retorno"})
	id := str(it, "id")
	h.item(id)
	p := h.item(id)["parameter"].(map[string]any)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(str(p, "data"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "https://app.example.com.br/retorno", resp.Header.Get("Location"))
	assert.Equal(t, "UPDATING/LOGIN_MFA_IN_PROGRESS", state(h.item(id)))

	resp, err = client.Get(str(p, "data"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "a consent is given once")
}
