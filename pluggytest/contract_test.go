package pluggytest

// The contract between the fake and the client: every route the fake
// serves is driven through the typed client (TestContract), and every answer
// the fake sent on the way is decoded again into the client's type for that
// route with unknown fields disallowed, so that the fake says nothing the
// client does not model.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

// contractStart is the frozen start of the contract servers' clocks: a
// Monday, 09:00 in Brasília.
var contractStart = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// answer is one answer the fake sent to the client.
type answer struct {
	method, path string
	status       int
	body         []byte
}

// recorder is the client's transport: it keeps a copy of every answer.
type recorder struct {
	next http.RoundTripper

	mu      sync.Mutex
	answers []answer
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.answers = append(r.answers, answer{method: req.Method, path: req.URL.Path, status: resp.StatusCode, body: body})
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) all() []answer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]answer(nil), r.answers...)
}

// contract holds what the contract's parts share: one recorder for all
// their clients, the routes the fake registers, a receiver of webhooks and
// the notifications the fakes delivered to it.
type contract struct {
	rec       *recorder
	routes    []string
	ctx       context.Context
	receiver  *httptest.Server
	delivered []Delivery
}

// server starts a fake on a frozen clock, without rate limits, and a client
// on it that records every answer, does not pace itself and retries at once.
// A webhook for every event points at the contract's receiver; what the
// fake delivered is kept when the test ends.
func (k *contract) server(t *testing.T, opts ...Option) (*Server, *pluggy.Client) {
	t.Helper()
	srv, c := k.bare(t, opts...)
	_, err := c.Webhooks.Create(k.ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventAll, URL: k.receiver.URL + "/pluggy"})
	require.NoError(t, err)
	t.Cleanup(func() {
		for _, d := range srv.Deliveries() {
			assert.True(t, d.OK(), "delivery of %s: %d %s", d.Event, d.StatusCode, d.Err)
			k.delivered = append(k.delivered, d)
		}
	})
	return srv, c
}

// bare is server without the webhook.
func (k *contract) bare(t *testing.T, opts ...Option) (*Server, *pluggy.Client) {
	t.Helper()
	srv := NewServer(append([]Option{WithStartTime(contractStart), WithoutRateLimit(), WithTransactionsPerAccount(30)}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := srv.Client(pluggy.WithHTTPClient(&http.Client{Transport: k.rec}), pluggy.WithLimiter(pluggy.NoLimit),
		pluggy.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	if k.routes == nil {
		k.routes = srv.Routes()
	}
	return srv, c
}

// routeOf returns the route of routes that serves method and path, the most
// literal one when several match (GET /categories/rules before GET
// /categories/{id}), as http.ServeMux chooses; "" when none does.
func routeOf(routes []string, method, path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestLit := "", -1
	for _, r := range routes {
		m, p, _ := strings.Cut(r, " ")
		if m != method {
			continue
		}
		rs := strings.Split(strings.Trim(p, "/"), "/")
		if len(rs) != len(segs) {
			continue
		}
		lit, ok := 0, true
		for i, s := range rs {
			switch {
			case strings.HasPrefix(s, "{"):
			case s == segs[i]:
				lit++
			default:
				ok = false
			}
		}
		if ok && lit > bestLit {
			best, bestLit = r, lit
		}
	}
	return best
}

// quick polls an item without waiting: the fake's clock is frozen and each
// read moves the item one step on.
var quick = pluggy.PollOptions{Interval: time.Millisecond, MaxInterval: time.Millisecond, InputInterval: time.Millisecond,
	Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}

func TestContract(t *testing.T) {
	t.Parallel()
	k := &contract{rec: &recorder{next: http.DefaultTransport}, ctx: context.Background(),
		receiver: httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusNoContent)
		}))}
	defer k.receiver.Close()
	t.Run("auth", k.auth)
	t.Run("connectors", k.connectors)
	t.Run("item flows", k.itemFlows)
	t.Run("item failures", k.itemFailures)
	t.Run("item writes", k.itemWrites)
	t.Run("bank data", k.bankData)
	t.Run("categories and merchants", k.categoriesAndMerchants)
	t.Run("webhooks", k.webhooks)
	t.Run("payment requests and intents", k.paymentRequests)
	t.Run("scheduled payments", k.scheduledPayments)
	t.Run("automatic pix", k.automaticPix)
	t.Run("smart transfers", k.smartTransfers)
	t.Run("boletos", k.boletos)
	t.Run("faults", k.faults)

	answers := k.rec.all()
	t.Run("every route exercised", func(t *testing.T) {
		require.NotEmpty(t, k.routes)
		ok := map[string]bool{}
		for _, a := range answers {
			r := routeOf(k.routes, a.method, a.path)
			require.NotEmpty(t, r, "%s %s matches no registered route", a.method, a.path)
			if a.status < 300 {
				ok[r] = true
			}
		}
		var missing []string
		for _, r := range k.routes {
			if !ok[r] {
				missing = append(missing, r)
			}
		}
		assert.Empty(t, missing, "routes the fake serves that no contract test drove to a 2xx answer")
		t.Logf("%d routes registered, %d answered 2xx to the typed client, %d answers recorded", len(k.routes), len(ok), len(answers))
	})
	t.Run("strict decoding", func(t *testing.T) {
		k.strictDecoding(t, answers)
	})
	t.Run("every kind of answer", func(t *testing.T) {
		k.everyKind(t, answers)
	})
	t.Run("strict decoding of webhook events", func(t *testing.T) {
		k.strictEvents(t)
	})
}

// authAnswer is the answer of POST /auth as the client reads it.
type authAnswer struct {
	APIKey string `json:"apiKey"`
}

// countAnswer is the answer of the deletions that count what they deleted
// (DELETE /items/{id}, DELETE /webhooks/{id}) as the client reads it.
type countAnswer struct {
	Count int `json:"count"`
}

// errorAnswer is an error body as the client reads it into *pluggy.Error
// (GlobalErrorResponse, ItemCreationErrorResponse): errorId and details are
// read too when Pluggy sends them.
type errorAnswer struct {
	Code            int                     `json:"code"`
	CodeDescription string                  `json:"codeDescription"`
	Message         string                  `json:"message"`
	Data            json.RawMessage         `json:"data"`
	ErrorID         string                  `json:"errorId"`
	Errors          []pluggy.FieldViolation `json:"errors"`
	Details         []pluggy.FieldViolation `json:"details"`
}

// answerTypes maps each route to the client type its 2xx answer decodes
// into. GET /categories and GET /categories/rules are read by the client
// whatever their envelope; the fake sends them as the spec declares (an
// array of categories, an array of pages of rules).
var answerTypes = map[string]reflect.Type{
	"POST /auth":                     reflect.TypeFor[authAnswer](),
	"POST /connect_token":            reflect.TypeFor[pluggy.ConnectToken](),
	"GET /connectors":                reflect.TypeFor[pluggy.Page[pluggy.Connector]](),
	"GET /connectors/{id}":           reflect.TypeFor[pluggy.Connector](),
	"POST /connectors/{id}/validate": reflect.TypeFor[pluggy.ConnectorValidation](),

	"POST /items":                         reflect.TypeFor[pluggy.Item](),
	"GET /items/{id}":                     reflect.TypeFor[pluggy.Item](),
	"PATCH /items/{id}":                   reflect.TypeFor[pluggy.Item](),
	"DELETE /items/{id}":                  reflect.TypeFor[countAnswer](),
	"POST /items/{id}/mfa":                reflect.TypeFor[pluggy.Item](),
	"PATCH /items/{id}/disable-auto-sync": reflect.TypeFor[pluggy.Item](),

	"GET /consents":                      reflect.TypeFor[pluggy.Page[pluggy.Consent]](),
	"GET /consents/{id}":                 reflect.TypeFor[pluggy.Consent](),
	"GET /accounts":                      reflect.TypeFor[pluggy.Page[pluggy.Account]](),
	"GET /accounts/{id}":                 reflect.TypeFor[pluggy.Account](),
	"GET /accounts/{id}/balance":         reflect.TypeFor[pluggy.AccountBalance](),
	"GET /accounts/{id}/statements":      reflect.TypeFor[pluggy.Page[pluggy.AccountStatement]](),
	"GET /transactions":                  reflect.TypeFor[pluggy.Page[pluggy.Transaction]](),
	"GET /v2/transactions":               reflect.TypeFor[pluggy.CursorPage[pluggy.Transaction]](),
	"GET /transactions/{id}":             reflect.TypeFor[pluggy.Transaction](),
	"PATCH /transactions/{id}":           reflect.TypeFor[pluggy.Transaction](),
	"GET /investments":                   reflect.TypeFor[pluggy.Page[pluggy.Investment]](),
	"GET /investments/{id}":              reflect.TypeFor[pluggy.Investment](),
	"GET /investments/{id}/transactions": reflect.TypeFor[pluggy.Page[pluggy.InvestmentTransaction]](),
	"GET /identity":                      reflect.TypeFor[pluggy.Identity](),
	"GET /identity/{id}":                 reflect.TypeFor[pluggy.Identity](),
	"GET /loans":                         reflect.TypeFor[pluggy.Page[pluggy.Loan]](),
	"GET /loans/{id}":                    reflect.TypeFor[pluggy.Loan](),
	"GET /bills":                         reflect.TypeFor[pluggy.Page[pluggy.Bill]](),
	"GET /bills/{id}":                    reflect.TypeFor[pluggy.Bill](),
	"GET /categories":                    reflect.TypeFor[[]pluggy.Category](),
	"GET /categories/{id}":               reflect.TypeFor[pluggy.Category](),
	"GET /categories/rules":              reflect.TypeFor[[]pluggy.Page[pluggy.ClientCategoryRule]](),
	"POST /categories/rules":             reflect.TypeFor[pluggy.ClientCategoryRule](),
	"DELETE /categories/rules/{id}":      nil, // 204
	"GET /merchants":                     reflect.TypeFor[pluggy.MerchantLookup](),
	"GET /webhooks":                      reflect.TypeFor[pluggy.Page[pluggy.Webhook]](),
	"POST /webhooks":                     reflect.TypeFor[pluggy.Webhook](),
	"GET /webhooks/{id}":                 reflect.TypeFor[pluggy.Webhook](),
	"PATCH /webhooks/{id}":               reflect.TypeFor[pluggy.Webhook](),
	"DELETE /webhooks/{id}":              reflect.TypeFor[countAnswer](),

	"GET /payments/customers":                                                  reflect.TypeFor[pluggy.Page[pluggy.PaymentCustomer]](),
	"POST /payments/customers":                                                 reflect.TypeFor[pluggy.PaymentCustomer](),
	"GET /payments/customers/{id}":                                             reflect.TypeFor[pluggy.PaymentCustomer](),
	"PATCH /payments/customers/{id}":                                           reflect.TypeFor[pluggy.PaymentCustomer](),
	"DELETE /payments/customers/{id}":                                          nil,
	"GET /payments/recipients":                                                 reflect.TypeFor[pluggy.Page[pluggy.PaymentRecipient]](),
	"POST /payments/recipients":                                                reflect.TypeFor[pluggy.PaymentRecipient](),
	"GET /payments/recipients/{id}":                                            reflect.TypeFor[pluggy.PaymentRecipient](),
	"PATCH /payments/recipients/{id}":                                          reflect.TypeFor[pluggy.PaymentRecipient](),
	"DELETE /payments/recipients/{id}":                                         nil,
	"GET /payments/recipients/institutions":                                    reflect.TypeFor[pluggy.Page[pluggy.PaymentInstitution]](),
	"GET /payments/recipients/institutions/{id}":                               reflect.TypeFor[pluggy.PaymentInstitution](),
	"GET /payments/requests":                                                   reflect.TypeFor[pluggy.Page[pluggy.PaymentRequest]](),
	"POST /payments/requests":                                                  reflect.TypeFor[pluggy.PaymentRequest](),
	"POST /payments/requests/pix-qr":                                           reflect.TypeFor[pluggy.PaymentRequest](),
	"GET /payments/requests/{id}":                                              reflect.TypeFor[pluggy.PaymentRequest](),
	"PATCH /payments/requests/{id}":                                            reflect.TypeFor[pluggy.PaymentRequest](),
	"DELETE /payments/requests/{id}":                                           nil,
	"POST /payments/requests/automatic-pix":                                    reflect.TypeFor[pluggy.PaymentRequest](),
	"POST /payments/requests/{id}/automatic-pix/schedule":                      reflect.TypeFor[pluggy.AutomaticPixPayment](),
	"GET /payments/requests/{id}/automatic-pix/schedules":                      reflect.TypeFor[pluggy.Page[pluggy.AutomaticPixPayment]](),
	"GET /payments/requests/{requestId}/automatic-pix/schedules/{paymentId}":   reflect.TypeFor[pluggy.AutomaticPixPaymentDetail](),
	"POST /payments/requests/{id}/automatic-pix/cancel":                        nil,
	"POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/cancel": nil,
	"POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/retry":  nil,
	"GET /payments/requests/{id}/schedules":                                    reflect.TypeFor[pluggy.Page[pluggy.SchedulePayment]](),
	"POST /payments/requests/{id}/schedules/cancel":                            nil,
	"POST /payments/requests/{id}/schedules/{scheduleId}/cancel":               nil,
	"POST /payments/intents":                                                   reflect.TypeFor[pluggy.PaymentIntent](),
	"GET /payments/intents":                                                    reflect.TypeFor[pluggy.Page[pluggy.PaymentIntent]](),
	"GET /payments/intents/{id}":                                               reflect.TypeFor[pluggy.PaymentIntent](),
	"GET /smart-transfers/preauthorizations":                                   reflect.TypeFor[pluggy.Page[pluggy.SmartTransferPreauthorization]](),
	"POST /smart-transfers/preauthorizations":                                  reflect.TypeFor[pluggy.SmartTransferPreauthorization](),
	"GET /smart-transfers/preauthorizations/{id}":                              reflect.TypeFor[pluggy.SmartTransferPreauthorization](),
	"GET /smart-transfers/preauthorizations/{id}/payments":                     reflect.TypeFor[pluggy.Page[pluggy.SmartTransferPayment]](),
	"POST /smart-transfers/payments":                                           reflect.TypeFor[pluggy.SmartTransferPayment](),
	"GET /smart-transfers/payments/{id}":                                       reflect.TypeFor[pluggy.SmartTransferPayment](),
	"POST /boleto-connections":                                                 reflect.TypeFor[pluggy.BoletoConnection](),
	"POST /boleto-connections/from-item":                                       reflect.TypeFor[pluggy.BoletoConnection](),
	"POST /boletos":                                                            reflect.TypeFor[pluggy.IssuedBoleto](),
	"POST /boletos/{id}/cancel":                                                reflect.TypeFor[pluggy.IssuedBoleto](),
	"GET /boletos/{id}":                                                        reflect.TypeFor[pluggy.IssuedBoleto](),
}

// strictDecoding decodes every answer into the client's type for its route
// (errorAnswer for the errors) with unknown fields disallowed, and walks the
// JSON against the type as well: json.Decoder.DisallowUnknownFields does not
// reach inside types that decode themselves (PaymentRequest and its
// schedule, AutomaticPix), and matches names case-insensitively, while the
// walk is exact. Only the routes that answer nothing, and GET /webhooks with
// nothing to list, may answer without a body.
func (k *contract) strictDecoding(t *testing.T, answers []answer) {
	kinds := map[string]int{}
	for _, a := range answers {
		route := routeOf(k.routes, a.method, a.path)
		typ, known := answerTypes[route]
		require.True(t, known, "no client type for %s (%s %s): add it to answerTypes", route, a.method, a.path)
		label := fmt.Sprintf("%s %d: %s", route, a.status, snippetOf(a.body))
		if a.status >= 300 {
			typ = reflect.TypeFor[errorAnswer]()
		}
		kinds[fmt.Sprintf("%s %d", route, a.status)]++
		if typ == nil || len(bytes.TrimSpace(a.body)) == 0 {
			// The routes that answer nothing (204, or a 200 with no content
			// as the spec has the payment deletions), and GET /webhooks
			// with nothing to list (204).
			assert.Empty(t, bytes.TrimSpace(a.body), "%s: an answer where the spec has none", label)
			if typ != nil {
				assert.Equal(t, "GET /webhooks 204", fmt.Sprintf("%s %d", route, a.status), "an empty answer")
			}
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(a.body))
		dec.DisallowUnknownFields()
		v := reflect.New(typ)
		if err := dec.Decode(v.Interface()); err != nil {
			t.Errorf("%s\n  does not decode strictly into %s: %v", label, typ, err)
			continue
		}
		var problems []string
		walkStrict(json.RawMessage(a.body), typ, "", &problems)
		for _, p := range problems {
			t.Errorf("%s\n  %s is not a field of %s", label, p, typ)
		}
	}
	t.Logf("%d answers of %d kinds (route and status) decoded strictly", len(answers), len(kinds))
}

func snippetOf(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

var (
	scheduleType = reflect.TypeFor[pluggy.Schedule]()
	rawType      = reflect.TypeFor[json.RawMessage]()
)

// walkStrict reports in problems every key of raw, at any depth, that is
// not a field of t (exactly as spelt in its json tag). Map keys are free
// (their values are walked); json.RawMessage and interfaces other than
// pluggy.Schedule take anything; scalars are left to the decoder.
func walkStrict(raw json.RawMessage, t reflect.Type, path string, problems *[]string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == rawType:
		return
	case t == scheduleType:
		// The schedule's Go type follows its "type", which the type
		// itself does not hold.
		var holder pluggy.PaymentRequest
		err := json.Unmarshal(append(append([]byte(`{"schedule":`), raw...), '}'), &holder)
		s := holder.Schedule
		if _, unknown := s.(*pluggy.UnknownSchedule); err != nil || s == nil || unknown {
			*problems = append(*problems, path+" (a schedule the client does not model)")
			return
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return
		}
		delete(m, "type")
		rest, _ := json.Marshal(m)
		walkStrict(rest, reflect.TypeOf(s), path, problems)
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if raw[0] != '[' {
			return
		}
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return
		}
		for i, e := range elems {
			walkStrict(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), problems)
		}
	case reflect.Map:
		var m map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
			return
		}
		for key, v := range m {
			walkStrict(v, t.Elem(), path+"."+key, problems)
		}
	case reflect.Struct:
		var m map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
			return // a scalar type (time.Time, Decimal, Date, Timestamp)
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(m))
		for key := range m {
			keys = append(keys, key)
		}
		slices.Sort(keys)
		for _, key := range keys {
			ft, ok := fields[key]
			if !ok {
				*problems = append(*problems, path+"."+key)
				continue
			}
			walkStrict(m[key], ft, path+"."+key, problems)
		}
	}
}

// jsonFields returns the fields of struct t by their JSON names, embedded
// structs' fields included.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for n, ft := range jsonFields(et) {
					if _, dup := out[n]; !dup {
						out[n] = ft
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func (k *contract) auth(t *testing.T) {
	srv, c := k.server(t)
	tok, err := c.Auth.CreateConnectToken(k.ctx, &pluggy.ConnectTokenParams{ItemID: "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40",
		Options: &pluggy.ItemOptions{ClientUserID: "cliente-8841", AvoidDuplicates: pluggy.Ptr(true)}})
	require.NoError(t, err)
	claims := jwtClaims(t, tok.AccessToken)
	assert.Equal(t, "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40", claims["itemId"])
	assert.Equal(t, float64(contractStart.Add(30*time.Minute).Unix()), claims["exp"], "a connect token lives 30 minutes")
	auth := srv.RequestsTo("POST /auth")
	require.Len(t, auth, 1, "the client logged in once")

	// The key the fake issued is a JWT that expires after the key TTL.
	key := k.lastBody(t, "POST", "/auth")
	var a authAnswer
	require.NoError(t, json.Unmarshal(key, &a))
	assert.Equal(t, float64(contractStart.Add(2*time.Hour).Unix()), jwtClaims(t, a.APIKey)["exp"])

	// Wrong client keys: a 401 error body.
	bad, err := pluggy.NewClient(srv.ClientID, "segredo-errado", pluggy.WithBaseURL(srv.URL),
		pluggy.WithHTTPClient(&http.Client{Transport: k.rec}))
	require.NoError(t, err)
	_, err = bad.Auth.CreateConnectToken(k.ctx, nil)
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "CLIENT_KEYS_UNAUTHORIZED", apiErr.CodeDescription)

	// An expired key: a 403 without codeDescription, then a new key.
	srv.ExpireKeys()
	_, err = c.Auth.CreateConnectToken(k.ctx, nil)
	require.NoError(t, err)
	assert.Len(t, srv.RequestsTo("POST /auth"), 3)
}

// lastBody returns the body of the last answer recorded for method and path.
func (k *contract) lastBody(t *testing.T, method, path string) []byte {
	t.Helper()
	all := k.rec.all()
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].method == method && all[i].path == path {
			return all[i].body
		}
	}
	t.Fatalf("no answer recorded for %s %s", method, path)
	return nil
}

// jwtClaims decodes the claims of a JWT-shaped token.
func jwtClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3, "a JWT has three parts")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	return claims
}

func (k *contract) connectors(t *testing.T) {
	_, c := k.server(t)
	page, err := c.Connectors.List(k.ctx, &pluggy.ConnectorListParams{Sandbox: pluggy.Ptr(true), HealthDetails: pluggy.Ptr(true)})
	require.NoError(t, err)
	var ids []int
	for _, cn := range page.Results {
		ids = append(ids, cn.ID)
		assert.NotEmpty(t, cn.Credentials, "connector %d has credentials", cn.ID)
	}
	assert.Equal(t, []int{ConnectorPluggyBank, ConnectorMFAOneStep, ConnectorBusiness, ConnectorJointAccount, ConnectorQRToken,
		ConnectorAppApproval, ConnectorOpenFinance, ConnectorItau, ConnectorCaixa}, ids)
	assert.Equal(t, len(ids), page.Total)

	of, err := c.Connectors.List(k.ctx, &pluggy.ConnectorListParams{Sandbox: pluggy.Ptr(true), IsOpenFinance: pluggy.Ptr(true)})
	require.NoError(t, err)
	require.Len(t, of.Results, 1)
	assert.True(t, *of.Results[0].OAuth)

	bank, err := c.Connectors.Get(k.ctx, ConnectorPluggyBank, &pluggy.ConnectorGetParams{HealthDetails: pluggy.Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, "Pluggy Bank", *bank.Name)
	assert.True(t, *bank.HasMFA)
	assert.True(t, *bank.IsSandbox)
	assert.Equal(t, pluggy.ConnectorHealthStatus("ONLINE"), *bank.Health.Status)
	require.Len(t, bank.Credentials, 2)
	assert.Equal(t, "user", bank.Credentials[0].Name)
	assert.Equal(t, pluggy.ParameterTypePassword, bank.Credentials[1].Type)
	assert.Contains(t, bank.Products, pluggy.ProductTransactions)

	oneStep, err := c.Connectors.Get(k.ctx, ConnectorMFAOneStep, nil)
	require.NoError(t, err)
	require.Len(t, oneStep.Credentials, 3)
	assert.True(t, *oneStep.Credentials[2].MFA)

	v, err := c.Connectors.Validate(k.ctx, ConnectorItau, map[string]string{"agency": "0001", "account": "12345-6", "password": SandboxPassword})
	require.NoError(t, err)
	assert.Empty(t, v.Errors)
	assert.Equal(t, "0001", v.Parameters["agency"])
	v, err = c.Connectors.Validate(k.ctx, ConnectorItau, map[string]string{"agency": "1", "password": SandboxPassword})
	require.NoError(t, err)
	require.Len(t, v.Errors, 2)
	assert.Equal(t, "agency", v.Errors[0].Parameter)
	assert.Equal(t, "A agência deve ter 4 números", v.Errors[0].Message)
	assert.Equal(t, "account", v.Errors[1].Parameter)

	_, err = c.Connectors.Get(k.ctx, 999, nil)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound), "%v", err)
}

// player plays the user of the fake's connectors for Items.Connect: it
// answers every parameter, visits OAuth pages, approves in the "app" and
// authorises Caixa's device; it notes every state and parameter type seen.
type player struct {
	t      *testing.T
	srv    *Server
	states []string
	params []pluggy.ParameterType
	// answer overrides the answer to a parameter by name.
	answer map[string]string
}

func (p *player) handler() *pluggy.ItemHandler {
	return &pluggy.ItemHandler{
		OnParameter: func(ctx context.Context, it *pluggy.Item, prm *pluggy.Parameter) (map[string]string, error) {
			p.params = append(p.params, prm.Type)
			if assert.NotNil(p.t, prm.ExpiresAt, "a parameter expires") {
				assert.True(p.t, prm.ExpiresAt.Time.After(p.srv.Now()))
			}
			if v, ok := p.answer[prm.Name]; ok {
				return map[string]string{prm.Name: v}, nil
			}
			switch prm.Type {
			case pluggy.ParameterTypeOAuth:
				u, err := prm.OAuthURL()
				if err != nil {
					return nil, err
				}
				resp, err := http.Get(u)
				if err != nil {
					return nil, err
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return nil, nil
			case pluggy.ParameterTypeSelect:
				require.NotEmpty(p.t, prm.Options)
				return map[string]string{prm.Name: prm.Options[0].Value}, nil
			case pluggy.ParameterTypeImage:
				img, err := prm.ImageBytes()
				require.NoError(p.t, err)
				assert.Equal(p.t, "image/png", http.DetectContentType(img))
			}
			return map[string]string{prm.Name: SandboxToken}, nil
		},
		OnUserAction: func(ctx context.Context, it *pluggy.Item, a *pluggy.UserAction) error {
			assert.NotEmpty(p.t, a.Instructions)
			return p.srv.Approve(it.ID)
		},
		OnAuthorizationPending: func(ctx context.Context, it *pluggy.Item) error {
			assert.NotEmpty(p.t, it.Error.DeviceNickname())
			assert.NotEmpty(p.t, it.Error.QRCodes())
			return nil
		},
		OnStatus: func(it *pluggy.Item) { p.states = append(p.states, string(it.Status)+"/"+string(it.ExecutionStatus)) },
		Poll:     quick,
	}
}

func (k *contract) itemFlows(t *testing.T) {
	srv, c := k.server(t, WithStepDuration(0))
	cases := []struct {
		connector int
		params    map[string]string
		types     []pluggy.ParameterType
		midway    []string
	}{
		{ConnectorPluggyBank, nil, []pluggy.ParameterType{pluggy.ParameterTypeNumber}, []string{"WAITING_USER_INPUT/WAITING_USER_INPUT"}},
		{ConnectorMFAOneStep, nil, nil, []string{"UPDATING/LOGIN_IN_PROGRESS"}},
		{ConnectorBusiness, nil, []pluggy.ParameterType{pluggy.ParameterTypeSelect}, []string{"WAITING_USER_INPUT/WAITING_USER_INPUT"}},
		{ConnectorJointAccount, nil, []pluggy.ParameterType{pluggy.ParameterTypeSelect, pluggy.ParameterTypeNumber}, []string{"WAITING_USER_INPUT/WAITING_USER_INPUT"}},
		{ConnectorQRToken, nil, []pluggy.ParameterType{pluggy.ParameterTypeImage}, []string{"WAITING_USER_INPUT/WAITING_USER_INPUT"}},
		{ConnectorAppApproval, nil, nil, []string{"WAITING_USER_ACTION/WAITING_USER_ACTION"}},
		{ConnectorOpenFinance, nil, []pluggy.ParameterType{pluggy.ParameterTypeOAuth}, []string{"WAITING_USER_INPUT/WAITING_USER_INPUT"}},
		{ConnectorItau, nil, nil, []string{"UPDATING/LOGIN_IN_PROGRESS"}},
		{ConnectorCaixa, nil, nil, []string{"OUTDATED/USER_AUTHORIZATION_PENDING"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.connector), func(t *testing.T) {
			conn, err := c.Connectors.Get(k.ctx, tc.connector, nil)
			require.NoError(t, err)
			params := map[string]string{}
			for _, cr := range conn.Credentials {
				params[cr.Name] = map[string]string{"user": SandboxUser, "password": SandboxPassword, "token": SandboxToken,
					"agency": "0001", "account": "12345-6", "cpf": "123.456.789-09"}[cr.Name]
			}
			if tc.connector == ConnectorCaixa {
				params["user"] = "123.456.789-09"
			}
			p := &player{t: t, srv: srv}
			it, err := c.Items.Connect(k.ctx, &pluggy.CreateItemParams{ConnectorID: tc.connector, Parameters: params,
				ClientUserID: "cliente-8841", WebhookURL: "https://api.loja.com.br/webhooks/pluggy"}, p.handler())
			require.NoError(t, err, "states %v", p.states)
			assert.Equal(t, pluggy.ItemStatusUpdated, it.Status)
			assert.Equal(t, pluggy.ExecutionStatusSuccess, it.ExecutionStatus)
			assert.Equal(t, tc.connector, it.Connector.ID)
			assert.Equal(t, "cliente-8841", *it.ClientUserID)
			assert.Equal(t, contractStart, it.CreatedAt)
			require.NotNil(t, it.LastUpdatedAt)
			assert.Equal(t, tc.types, p.params)
			for _, s := range tc.midway {
				assert.Contains(t, p.states, s)
			}
			for _, s := range []string{"UPDATING/ACCOUNTS_IN_PROGRESS", "UPDATING/TRANSACTIONS_IN_PROGRESS", "UPDATED/SUCCESS"} {
				assert.Contains(t, p.states, s)
			}
		})
	}
}

func (k *contract) itemFailures(t *testing.T) {
	srv, c := k.server(t, WithStepDuration(0), WithParameterTimeout(2*time.Minute))
	login := func(user string) map[string]string {
		return map[string]string{"user": user, "password": SandboxPassword}
	}
	cases := []struct {
		name      string
		connector int
		params    map[string]string
		answer    map[string]string
		status    pluggy.ItemStatus
		code      pluggy.ExecutionStatus
	}{
		{"wrong password", ConnectorPluggyBank, map[string]string{"user": SandboxUser, "password": "senha-errada"}, nil, pluggy.ItemStatusLoginError, pluggy.ExecutionStatusInvalidCredentials},
		{"wrong token", ConnectorPluggyBank, login(SandboxUser), map[string]string{"token": "654321"}, pluggy.ItemStatusLoginError, pluggy.ExecutionStatusInvalidCredentialsMFA},
		{"locked", ConnectorPluggyBank, login("user-locked"), nil, pluggy.ItemStatusLoginError, pluggy.ExecutionStatusAccountLocked},
		{"credentials reset", ConnectorBusiness, login("user-account-credentials-reset"), nil, pluggy.ItemStatusLoginError, pluggy.ExecutionStatusAccountCredentialsReset},
		{"not supported", ConnectorJointAccount, login("user-not-supported"), nil, pluggy.ItemStatusLoginError, pluggy.ExecutionStatusUserNotSupported},
		{"logged in elsewhere", ConnectorPluggyBank, login("user-logged"), nil, pluggy.ItemStatusOutdated, pluggy.ExecutionStatusAlreadyLoggedIn},
		{"unexpected", ConnectorPluggyBank, login("user-error"), nil, pluggy.ItemStatusOutdated, pluggy.ExecutionStatusUnexpectedError},
		{"site down", ConnectorAppApproval, login("user-unavailable"), nil, pluggy.ItemStatusOutdated, pluggy.ExecutionStatusSiteNotAvailable},
		{"connection error", ConnectorQRToken, login("user-connection-error"), nil, pluggy.ItemStatusOutdated, pluggy.ExecutionStatusConnectionError},
		{"needs action", ConnectorPluggyBank, login("user-account-need-actions"), nil, pluggy.ItemStatusOutdated, pluggy.ExecutionStatusAccountNeedsAction},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := &player{t: t, srv: srv, answer: tc.answer}
			it, err := c.Items.Connect(k.ctx, &pluggy.CreateItemParams{ConnectorID: tc.connector, Parameters: tc.params}, p.handler())
			var itemErr *pluggy.ItemError
			require.ErrorAs(t, err, &itemErr)
			assert.Equal(t, tc.status, it.Status)
			assert.Equal(t, tc.code, it.ExecutionStatus)
			require.NotNil(t, it.Error)
			assert.Equal(t, pluggy.ItemErrorCode(tc.code), it.Error.Code)
			assert.NotEmpty(t, it.Error.Message)
			assert.Nil(t, it.LastUpdatedAt, "never connected")
			assert.Equal(t, tc.status == pluggy.ItemStatusLoginError, itemErr.LoginFailed())
			if tc.code == pluggy.ExecutionStatusAccountNeedsAction {
				assert.NotEmpty(t, *it.Error.ProviderMessage)
			}
		})
	}

	// Connected, but one product failed.
	p := &player{t: t, srv: srv}
	it, err := c.Items.Connect(k.ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorMFAOneStep,
		Parameters: map[string]string{"user": "user-ok-account-error", "password": SandboxPassword, "token": SandboxToken}}, p.handler())
	require.NoError(t, err)
	assert.Equal(t, pluggy.ExecutionStatusPartialSuccess, it.ExecutionStatus)
	assert.False(t, *it.StatusDetail.Accounts.IsUpdated)
	assert.True(t, *it.StatusDetail.Transactions.IsUpdated)

	// A parameter nobody answers times out; so does an action nobody takes.
	it, err = c.Items.Create(k.ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorPluggyBank, Parameters: login(SandboxUser)})
	require.NoError(t, err)
	assert.Equal(t, pluggy.ItemStatusUpdating, it.Status)
	assert.Equal(t, pluggy.ExecutionStatusCreated, it.ExecutionStatus)
	it = k.readUntil(t, c, it.ID, pluggy.ExecutionStatusWaitingUserInput)
	assert.Equal(t, "token", it.Parameter.Name)
	assert.Equal(t, contractStart.Add(2*time.Minute), it.Parameter.ExpiresAt.Time)
	action, err := c.Items.Create(k.ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorAppApproval, Parameters: login(SandboxUser)})
	require.NoError(t, err)
	action = k.readUntil(t, c, action.ID, pluggy.ExecutionStatusWaitingUserAction)
	assert.NotEmpty(t, action.UserAction.Instructions)
	srv.Advance(3 * time.Minute)
	it, err = c.Items.Get(k.ctx, it.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.ExecutionStatusUserInputTimeout, it.ExecutionStatus)
	assert.Nil(t, it.Parameter)
	action, err = c.Items.Get(k.ctx, action.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.ExecutionStatusUserAuthorizationNotGranted, action.ExecutionStatus)
	_, err = c.Items.SendMFA(k.ctx, it.ID, map[string]string{"token": SandboxToken})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "ITEM_NOT_WAITING_USER_INPUT", apiErr.CodeDescription)

	// Two login errors in a row hold updates for 15 minutes.
	p = &player{t: t, srv: srv}
	bad := map[string]string{"agency": "0001", "account": "12345-6", "password": "errada"}
	it, err = c.Items.Connect(k.ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorItau, Parameters: bad}, p.handler())
	require.Error(t, err)
	it, err = c.Items.Refresh(k.ctx, it.ID, &pluggy.UpdateItemParams{Parameters: bad}, p.handler())
	require.Error(t, err)
	assert.Equal(t, 2, *it.ConsecutiveFailedLoginAttempts)
	_, err = c.Items.Update(k.ctx, it.ID, &pluggy.UpdateItemParams{Parameters: map[string]string{"password": SandboxPassword}})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "TOO_MANY_CONSECUTIVE_LOGIN_FAILURES", apiErr.CodeDescription)
	assert.Contains(t, string(apiErr.Data), `"canRetryAfterDate"`)

	// Refused creations: parameters, connector, duplicates.
	_, err = c.Items.Create(k.ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorItau, Parameters: map[string]string{"agency": "1", "password": "x"}})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "CONNECTOR_VALIDATION_ERROR", apiErr.CodeDescription)
	assert.Equal(t, []string{"agency", "account"}, paramNames(apiErr.InvalidParameters()))
	_, err = c.Items.Create(k.ctx, &pluggy.CreateItemParams{ConnectorID: 999, Parameters: map[string]string{"user": "x"}})
	assert.True(t, errors.Is(err, pluggy.ErrNotFound), "%v", err)
	_, err = c.Items.Create(k.ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorItau, Parameters: bad, AvoidDuplicates: pluggy.Ptr(true)})
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, pluggy.ErrConflict)
	assert.Equal(t, []string{it.ID}, apiErr.DuplicateItemIDs())
}

func paramNames(errs []pluggy.FieldViolation) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Parameter)
	}
	return out
}

// readUntil reads an item (each read moves it one step on) until it
// reaches status; it fails after 20 reads.
func (k *contract) readUntil(t *testing.T, c *pluggy.Client, id string, status pluggy.ExecutionStatus) *pluggy.Item {
	t.Helper()
	for range 20 {
		it, err := c.Items.Get(k.ctx, id)
		require.NoError(t, err)
		if it.ExecutionStatus == status {
			return it
		}
	}
	t.Fatalf("item %s never reached %s", id, status)
	return nil
}

func (k *contract) itemWrites(t *testing.T) {
	srv, c := k.server(t, WithStepDuration(0), WithTransactionsPerSync(3))
	ctx := k.ctx

	// The MFA answered by hand, step by step.
	it, err := c.Items.Create(ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorPluggyBank,
		Parameters: map[string]string{"user": SandboxUser, "password": SandboxPassword},
		Products:   []pluggy.Product{pluggy.ProductAccounts, pluggy.ProductTransactions}, OAuthRedirectURI: "https://app.loja.com.br/volta"})
	require.NoError(t, err)
	assert.Equal(t, []pluggy.Product{pluggy.ProductAccounts, pluggy.ProductTransactions}, it.Products)
	assert.Equal(t, "https://app.loja.com.br/volta", *it.OAuthRedirectURI)
	_, err = c.Items.SendMFA(ctx, it.ID, map[string]string{"token": SandboxToken})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr, "nothing asked yet")
	it = k.readUntil(t, c, it.ID, pluggy.ExecutionStatusWaitingUserInput)
	assert.Equal(t, pluggy.ParameterTypeNumber, it.Parameter.Type)
	assert.Equal(t, `^\d{6}$`, *it.Parameter.Validation)
	_, err = c.Items.SendMFA(ctx, it.ID, map[string]string{"codigo": SandboxToken})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, []string{"token"}, paramNames(apiErr.Errors))
	it, err = c.Items.SendMFA(ctx, it.ID, map[string]string{"token": SandboxToken})
	require.NoError(t, err)
	assert.Equal(t, pluggy.ExecutionStatusLoginMFAInProgress, it.ExecutionStatus)
	it, err = c.Items.Wait(ctx, it.ID, &pluggy.ItemHandler{Poll: quick})
	require.NoError(t, err)
	assert.Equal(t, pluggy.ExecutionStatusSuccess, it.ExecutionStatus)
	assert.Equal(t, pluggy.ProductAccounts, it.Products[0])

	// An update (PATCH) runs the item again, its MFA included.
	srv.Advance(time.Hour)
	p := &player{t: t, srv: srv}
	it, err = c.Items.Refresh(ctx, it.ID, &pluggy.UpdateItemParams{WebhookURL: "https://api.loja.com.br/hooks/pluggy", ClientUserID: "cliente-42"}, p.handler())
	require.NoError(t, err)
	assert.Equal(t, []pluggy.ParameterType{pluggy.ParameterTypeNumber}, p.params)
	assert.Equal(t, "https://api.loja.com.br/hooks/pluggy", *it.WebhookURL)
	assert.Equal(t, "cliente-42", *it.ClientUserID)
	assert.Equal(t, contractStart.Add(time.Hour), *it.LastUpdatedAt)

	// Auto-sync of a connector without MFA, then turned off.
	itau, err := srv.AddConnectedItem(ConnectorItau)
	require.NoError(t, err)
	got, err := c.Items.Get(ctx, itau)
	require.NoError(t, err)
	require.NotNil(t, got.NextAutoSyncAt)
	assert.True(t, got.NextAutoSyncAt.After(srv.Now()))
	off, err := c.Items.DisableAutoSync(ctx, itau)
	require.NoError(t, err)
	assert.Equal(t, itau, off.ID)
	assert.Nil(t, off.NextAutoSyncAt)

	// Caixa's device authorisation: pending, then an empty update.
	caixa, err := c.Items.Create(ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorCaixa,
		Parameters: map[string]string{"user": "123.456.789-09", "password": SandboxPassword}})
	require.NoError(t, err)
	caixa = k.readUntil(t, c, caixa.ID, pluggy.ExecutionStatusUserAuthorizationPending)
	assert.Equal(t, pluggy.ItemStatusOutdated, caixa.Status)
	assert.NotEmpty(t, caixa.Error.DeviceNickname())
	caixa, err = c.Items.Update(ctx, caixa.ID, &pluggy.UpdateItemParams{})
	require.NoError(t, err)
	assert.Equal(t, pluggy.ItemStatusUpdating, caixa.Status)
	caixa, err = c.Items.Wait(ctx, caixa.ID, &pluggy.ItemHandler{Poll: quick})
	require.NoError(t, err)
	assert.Equal(t, pluggy.ExecutionStatusSuccess, caixa.ExecutionStatus)

	// Deleted, it is gone.
	err = c.Items.Delete(ctx, it.ID)
	require.NoError(t, err)
	_, err = c.Items.Get(ctx, it.ID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
	err = c.Items.Delete(ctx, it.ID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
	_, err = c.Items.DisableAutoSync(ctx, it.ID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
	_, err = c.Items.SendMFA(ctx, it.ID, map[string]string{"token": SandboxToken})
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
}

// noSuchID is a well-formed id the fake does not know.
const noSuchID = "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"

func (k *contract) bankData(t *testing.T) {
	srv, c := k.server(t)
	ctx := k.ctx
	itemID, err := srv.AddConnectedItem(ConnectorOpenFinance)
	require.NoError(t, err)

	// Accounts: a checking account and a credit card.
	accs, err := c.Accounts.List(ctx, itemID, nil)
	require.NoError(t, err)
	require.Equal(t, 2, accs.Total)
	bank, card := accs.Results[0], accs.Results[1]
	assert.Equal(t, pluggy.AccountTypeBank, bank.Type)
	assert.Equal(t, pluggy.AccountSubtypeChecking, bank.Subtype)
	assert.Equal(t, "BRL", bank.CurrencyCode)
	assert.Equal(t, itemID, bank.ItemID)
	assert.Equal(t, "***.456.789-**", *bank.TaxNumber)
	assert.Equal(t, bank.Balance.String(), bank.BankData.ClosingBalance.String())
	assert.Equal(t, pluggy.AccountSubtypeCreditCard, card.Subtype)
	limit, _ := card.CreditData.CreditLimit.Cents()
	used, _ := card.Balance.Cents()
	avail, _ := card.CreditData.AvailableCreditLimit.Cents()
	assert.Equal(t, limit-used, avail, "available = limit - balance")
	credit, err := c.Accounts.List(ctx, itemID, &pluggy.AccountListParams{Type: pluggy.AccountTypeCredit})
	require.NoError(t, err)
	require.Len(t, credit.Results, 1)
	assert.Equal(t, card.ID, credit.Results[0].ID)
	got, err := c.Accounts.Get(ctx, bank.ID)
	require.NoError(t, err)
	assert.Equal(t, bank.Number, got.Number)
	bal, err := c.Accounts.GetBalance(ctx, bank.ID)
	require.NoError(t, err)
	assert.Equal(t, bank.Balance.String(), bal.Balance.String())
	assert.Equal(t, contractStart, bal.UpdateDateTime)
	sts, err := c.Accounts.ListStatements(ctx, bank.ID)
	require.NoError(t, err)
	require.Equal(t, 3, sts.Total)
	assert.Equal(t, "10-2026", sts.Results[2].MonthYear)
	assert.True(t, strings.HasPrefix(sts.Results[0].URL, srv.URL))
	_, err = c.Accounts.Get(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
	_, err = c.Accounts.GetBalance(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	// Transactions: the cursor sweep, its pages, the deprecated page list.
	var sweep []pluggy.Transaction
	for tx, err := range c.Transactions.All(ctx, bank.ID, nil) {
		require.NoError(t, err)
		sweep = append(sweep, tx)
	}
	require.Len(t, sweep, 30)
	seen := map[string]bool{}
	for _, tx := range sweep {
		assert.False(t, seen[tx.ID], "transaction %s twice", tx.ID)
		seen[tx.ID] = true
		assert.Equal(t, bank.ID, tx.AccountID)
		assert.NotEmpty(t, tx.Description)
		assert.NotZero(t, tx.Amount.Sign())
		assert.Equal(t, tx.Amount.Sign() < 0, tx.Type == pluggy.TransactionTypeDebit, "%s %s", tx.Type, tx.Amount)
	}
	first, err := c.Transactions.List(ctx, bank.ID, &pluggy.TransactionListParams{DateFrom: pluggy.DateOf(contractStart.AddDate(0, -3, 0)), DateTo: pluggy.DateOf(contractStart)})
	require.NoError(t, err)
	require.NotEmpty(t, first.Results)
	if first.Next != nil {
		next, err := c.Transactions.ListNext(ctx, *first.Next)
		require.NoError(t, err)
		assert.NotEqual(t, first.Results[0].ID, next.Results[0].ID)
	}
	//lint:ignore SA1019 the fake still serves the deprecated v1 list, so the contract covers it
	paged, err := c.Transactions.ListPaged(ctx, bank.ID, &pluggy.TransactionPageParams{PageSize: 10, Page: 2})
	require.NoError(t, err)
	assert.Equal(t, 30, paged.Total)
	assert.Equal(t, 3, paged.TotalPages)
	require.Len(t, paged.Results, 10)
	tx, err := c.Transactions.Get(ctx, paged.Results[0].ID)
	require.NoError(t, err)
	assert.Equal(t, paged.Results[0].Amount.String(), tx.Amount.String())
	recat, err := c.Transactions.UpdateCategory(ctx, tx.ID, "05000000")
	require.NoError(t, err)
	assert.Equal(t, "05000000", *recat.CategoryID)
	assert.Equal(t, "Transfers", *recat.Category)
	_, err = c.Transactions.UpdateCategory(ctx, tx.ID, "99000000")
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	_, err = c.Transactions.Get(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
	//lint:ignore SA1019 as above
	cardTx, err := c.Transactions.ListPaged(ctx, card.ID, &pluggy.TransactionPageParams{PageSize: 500})
	require.NoError(t, err)
	require.NotEmpty(t, cardTx.Results)

	// Bills of the credit card.
	bills, err := c.Bills.List(ctx, card.ID)
	require.NoError(t, err)
	require.Equal(t, 3, bills.Total)
	latest := bills.Results[0]
	assert.Equal(t, card.ID, latest.AccountID)
	assert.Equal(t, "BRL", latest.TotalAmountCurrencyCode)
	assert.Positive(t, latest.TotalAmount.Sign())
	require.NotEmpty(t, latest.FinanceCharges)
	assert.Equal(t, latest.ID, latest.FinanceCharges[0].CreditCardBillID)
	bill, err := c.Bills.Get(ctx, latest.ID)
	require.NoError(t, err)
	assert.Equal(t, latest.DueDate, bill.DueDate)
	_, err = c.Bills.Get(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	// Investments and their transactions.
	invs, err := c.Investments.List(ctx, itemID, nil)
	require.NoError(t, err)
	require.Equal(t, 4, invs.Total)
	fixed, err := c.Investments.List(ctx, itemID, &pluggy.InvestmentListParams{Type: pluggy.InvestmentTypeFixedIncome})
	require.NoError(t, err)
	require.Len(t, fixed.Results, 2)
	cdb := fixed.Results[0]
	assert.Equal(t, pluggy.InvestmentSubtype("CDB"), cdb.Subtype)
	assert.Positive(t, cdb.Balance.Sign())
	inv, err := c.Investments.Get(ctx, cdb.ID)
	require.NoError(t, err)
	assert.Equal(t, cdb.Name, inv.Name)
	invTx, err := c.Investments.ListTransactions(ctx, cdb.ID, &pluggy.InvestmentTransactionListParams{PageSize: 5})
	require.NoError(t, err)
	assert.Equal(t, 13, invTx.Total)
	assert.Len(t, invTx.Results, 5)
	for _, it := range invs.Results {
		all, err := c.Investments.ListTransactions(ctx, it.ID, nil)
		require.NoError(t, err, it.Name)
		for _, x := range all.Results {
			assert.NotEmpty(t, x.Type)
		}
	}
	_, err = c.Investments.Get(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	// Identity, loans, consents.
	idn, err := c.Identity.GetByItem(ctx, itemID)
	require.NoError(t, err)
	assert.Equal(t, "Maria Aparecida da Silva", *idn.FullName)
	assert.Equal(t, "CPF", *idn.DocumentType)
	idn2, err := c.Identity.Get(ctx, idn.ID)
	require.NoError(t, err)
	assert.Equal(t, idn.ItemID, idn2.ItemID)
	biz, err := srv.AddConnectedItem(ConnectorBusiness)
	require.NoError(t, err)
	bidn, err := c.Identity.GetByItem(ctx, biz)
	require.NoError(t, err)
	assert.Equal(t, "Padaria Pão Dourado LTDA", *bidn.CompanyName)
	_, err = c.Identity.Get(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	loans, err := c.Loans.List(ctx, itemID)
	require.NoError(t, err)
	require.Equal(t, 1, loans.Total)
	loan := loans.Results[0]
	assert.Equal(t, pluggy.LoanKind("LOAN"), loan.Kind)
	assert.Equal(t, 48, *loan.Installments.PaidInstallments+*loan.Installments.DueInstallments)
	got2, err := c.Loans.Get(ctx, loan.ID)
	require.NoError(t, err)
	assert.Equal(t, loan.ContractAmount.String(), got2.ContractAmount.String())
	_, err = c.Loans.Get(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	cons, err := c.Consents.List(ctx, itemID, nil)
	require.NoError(t, err)
	require.Equal(t, 1, cons.Total)
	cons1 := cons.Results[0]
	assert.Equal(t, itemID, cons1.ItemID)
	assert.Contains(t, cons1.OpenFinancePermissionsGranted, pluggy.OpenFinancePermission("ACCOUNTS_ALL"))
	assert.Equal(t, contractStart.AddDate(1, 0, 0), *cons1.ExpiresAt)
	gotCons, err := c.Consents.Get(ctx, cons1.ID)
	require.NoError(t, err)
	assert.Equal(t, cons1.Products, gotCons.Products)
	_, err = c.Consents.Get(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
}

func (k *contract) categoriesAndMerchants(t *testing.T) {
	srv, c := k.server(t)
	ctx := k.ctx
	cats, err := c.Categories.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, cats, len(categoryTable))
	children, err := c.Categories.List(ctx, &pluggy.CategoryListParams{ParentID: "19000000"})
	require.NoError(t, err)
	require.Len(t, children, 2)
	assert.Equal(t, "Transportation", *children[0].ParentDescription)
	assert.Equal(t, "Táxi e transporte por aplicativo", *children[0].DescriptionTranslated)
	cat, err := c.Categories.Get(ctx, "05000000")
	require.NoError(t, err)
	assert.Equal(t, "Transfers", cat.Description)
	assert.Nil(t, cat.ParentID)
	_, err = c.Categories.Get(ctx, "99000000")
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	itemID, err := srv.AddConnectedItem(ConnectorItau)
	require.NoError(t, err)
	rule, err := c.Categories.CreateRule(ctx, &pluggy.CreateCategoryRuleParams{Description: "uber", CategoryID: "19000000",
		TransactionType: pluggy.TransactionTypeDebit, AccountType: pluggy.AccountSubtypeChecking, MatchType: pluggy.CategoryRuleMatchStartsWith})
	require.NoError(t, err)
	require.NotNil(t, rule.ID)
	assert.Equal(t, "Transportation", rule.Category)
	assert.Equal(t, srv.ClientID, *rule.ClientID)
	rules, err := c.Categories.ListRules(ctx)
	require.NoError(t, err)
	require.Len(t, rules, 1)
	assert.Equal(t, *rule.ID, *rules[0].ID)
	accs, err := c.Accounts.List(ctx, itemID, &pluggy.AccountListParams{Type: pluggy.AccountTypeBank})
	require.NoError(t, err)
	uber := 0
	for tx, err := range c.Transactions.All(ctx, accs.Results[0].ID, nil) {
		require.NoError(t, err)
		if tx.Description == "Uber *Viagem" {
			uber++
			assert.Equal(t, "19000000", *tx.CategoryID, "the rule categorises")
		}
	}
	assert.Positive(t, uber)
	require.NoError(t, c.Categories.DeleteRule(ctx, *rule.ID))
	rules, err = c.Categories.ListRules(ctx)
	require.NoError(t, err)
	assert.Empty(t, rules)
	assert.True(t, errors.Is(c.Categories.DeleteRule(ctx, *rule.ID), pluggy.ErrNotFound))
	_, err = c.Categories.CreateRule(ctx, &pluggy.CreateCategoryRuleParams{Description: "x", CategoryID: "99000000"})
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	uberCo := merchantTable[0]
	found, err := c.Merchants.GetByCNPJ(ctx, formatCNPJ(uberCo.cnpj), "11222333000181", "12345678000100")
	require.NoError(t, err)
	require.Len(t, found.FoundMerchants, 1)
	assert.Equal(t, "Uber", *found.FoundMerchants[0].Name)
	assert.Equal(t, uberCo.cnpj, *found.FoundMerchants[0].CNPJ)
	assert.Equal(t, []string{"11222333000181"}, found.NotFoundMerchants)
	assert.Equal(t, []string{"12345678000100"}, found.InvalidCNPJs)
}

func (k *contract) webhooks(t *testing.T) {
	srv, c := k.bare(t)
	ctx := k.ctx
	empty, err := c.Webhooks.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, empty.Results, "an empty list is a 204")

	wh, err := c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventItemUpdated,
		URL: "https://api.lojadamaria.com.br/pluggy", Headers: map[string]string{"X-Webhook-Secret": "segredo-do-gancho"}})
	require.NoError(t, err)
	assert.Len(t, wh.ID, 36)
	assert.Equal(t, pluggy.WebhookEventItemUpdated, wh.Event)
	assert.True(t, wh.Enabled())
	assert.Equal(t, contractStart, wh.CreatedAt)
	got, err := c.Webhooks.Get(ctx, wh.ID)
	require.NoError(t, err)
	assert.Equal(t, wh, got)
	srv.Advance(time.Minute)
	up, err := c.Webhooks.Update(ctx, wh.ID, &pluggy.UpdateWebhookParams{URL: "https://api.lojadamaria.com.br/pluggy/v2", Enabled: pluggy.Ptr(false)})
	require.NoError(t, err)
	assert.Equal(t, "https://api.lojadamaria.com.br/pluggy/v2", up.URL)
	assert.False(t, up.Enabled())
	assert.Equal(t, contractStart.Add(time.Minute), *up.DisabledAt)
	page, err := c.Webhooks.List(ctx)
	require.NoError(t, err)
	require.Len(t, page.Results, 1)
	assert.Equal(t, wh.ID, page.Results[0].ID)
	_, err = c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: "payment_refund/completed", URL: "https://a.com.br/h"})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	err = c.Webhooks.Delete(ctx, wh.ID)
	require.NoError(t, err)
	_, err = c.Webhooks.Get(ctx, wh.ID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
}

// contractRecipient registers the payee of the payment tests, which becomes
// the default recipient.
func (k *contract) contractRecipient(t *testing.T, c *pluggy.Client) *pluggy.PaymentRecipient {
	t.Helper()
	rc, err := c.Payments.Recipients.Create(k.ctx, &pluggy.CreatePaymentRecipientParams{
		TaxNumber: "12.345.678/0001-95", Name: "Padaria Pão de Mel Ltda", PaymentInstitutionID: itauInstID,
		Account: &pluggy.PaymentRecipientAccount{Branch: "0341", Number: "45678-9", Type: pluggy.RecipientAccountChecking},
	})
	require.NoError(t, err)
	return rc
}

func (k *contract) paymentRequests(t *testing.T) {
	srv, c := k.server(t)
	ctx := k.ctx
	var apiErr *pluggy.Error

	// Institutions and recipients.
	insts, err := c.Payments.Recipients.ListInstitutions(ctx, &pluggy.PaymentInstitutionListParams{Name: "itaú"})
	require.NoError(t, err)
	require.Len(t, insts.Results, 1)
	assert.Equal(t, "60701190", insts.Results[0].ISPB)
	inst, err := c.Payments.Recipients.GetInstitution(ctx, itauInstID)
	require.NoError(t, err)
	assert.Equal(t, "341", *inst.Compe)
	_, err = c.Payments.Recipients.GetInstitution(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
	_, err = c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("10")})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "PAYMENT_RECIPIENT_REQUIRED", apiErr.CodeDescription)

	rc := k.contractRecipient(t, c)
	assert.Equal(t, "12345678000195", rc.TaxNumber)
	assert.True(t, rc.IsDefault)
	assert.Equal(t, "Itaú", rc.PaymentInstitution.TradeName)
	byKey, err := c.Payments.Recipients.Create(ctx, &pluggy.CreatePaymentRecipientParams{PixKey: "mariana.ribeiro@exemplo.com.br"})
	require.NoError(t, err)
	assert.Equal(t, "mariana.ribeiro@exemplo.com.br", *byKey.PixKey)
	assert.False(t, byKey.IsDefault)
	got, err := c.Payments.Recipients.Get(ctx, rc.ID)
	require.NoError(t, err)
	assert.Equal(t, rc.Account.Number, got.Account.Number)
	rcs, err := c.Payments.Recipients.List(ctx, &pluggy.PaymentRecipientListParams{IsDefault: pluggy.Ptr(true)})
	require.NoError(t, err)
	require.Len(t, rcs.Results, 1)
	assert.Equal(t, rc.ID, rcs.Results[0].ID)
	upRc, err := c.Payments.Recipients.Update(ctx, byKey.ID, &pluggy.UpdatePaymentRecipientParams{Name: "Mariana Ribeiro"})
	require.NoError(t, err)
	assert.Equal(t, "Mariana Ribeiro", upRc.Name)
	require.NoError(t, c.Payments.Recipients.Delete(ctx, byKey.ID))
	_, err = c.Payments.Recipients.Get(ctx, byKey.ID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	// Customers.
	cu, err := c.Payments.Customers.Create(ctx, &pluggy.CreatePaymentCustomerParams{Type: pluggy.PaymentCustomerIndividual,
		Name: "João Pedro Almeida", Email: "joao.almeida@exemplo.com.br", CPF: "123.456.789-09", ConnectorID: pluggy.Ptr(612)})
	require.NoError(t, err)
	assert.Equal(t, payerCPF, *cu.CPF)
	assert.Equal(t, "Nubank", *cu.Connector.Name)
	biz, err := c.Payments.Customers.Create(ctx, &pluggy.CreatePaymentCustomerParams{Type: pluggy.PaymentCustomerBusiness,
		Name: "Oficina Boa Viagem", CNPJ: "12.345.678/0001-95"})
	require.NoError(t, err)
	assert.Equal(t, "12345678000195", *biz.CNPJ)
	gotCu, err := c.Payments.Customers.Get(ctx, cu.ID)
	require.NoError(t, err)
	assert.Equal(t, cu.Name, gotCu.Name)
	cus, err := c.Payments.Customers.List(ctx, &pluggy.PaymentCustomerListParams{CPF: payerCPF})
	require.NoError(t, err)
	require.Len(t, cus.Results, 1)
	upCu, err := c.Payments.Customers.Update(ctx, cu.ID, &pluggy.UpdatePaymentCustomerParams{Email: "joao.pedro@exemplo.com.br"})
	require.NoError(t, err)
	assert.Equal(t, "joao.pedro@exemplo.com.br", *upCu.Email)
	require.NoError(t, c.Payments.Customers.Delete(ctx, biz.ID))
	_, err = c.Payments.Customers.Get(ctx, biz.ID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	// A request paid through an intent that completes step by step.
	pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("150.25"),
		Description: "Pedido #4521", ClientPaymentID: "pedido-4521", CustomerID: cu.ID,
		CallbackURLs: &pluggy.PaymentCallbackURLs{Success: "https://loja.paodemel.com.br/ok"}})
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestCreated, pr.Status)
	assert.Equal(t, "150.25", pr.Amount.String())
	assert.Equal(t, rc.ID, *pr.Recipient.ID, "the default recipient")
	assert.Equal(t, cu.ID, pr.Customer.ID)
	assert.Equal(t, "https://pay.pluggy.ai/"+pr.ID, pr.PaymentURL)
	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, ConnectorID: pluggy.Ptr(601),
		Parameters: &pluggy.PaymentIntentParameters{CPF: "123.456.789-09", Name: "João Pedro Almeida"}})
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentStarted, pi.Status)
	assert.Equal(t, pluggy.PaymentRequestInProgress, pi.PaymentRequest.Status)
	var seen []pluggy.PaymentIntentStatus
	final, err := c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, func(p *pluggy.PaymentIntent) { seen = append(seen, p.Status) })
	require.NoError(t, err)
	assert.Equal(t, []pluggy.PaymentIntentStatus{pluggy.PaymentIntentConsentAwaitingAuthorization, pluggy.PaymentIntentConsentAuthorized,
		pluggy.PaymentIntentPaymentPending, pluggy.PaymentIntentPaymentSettlementProcessing, pluggy.PaymentIntentPaymentCompleted}, seen)
	assert.Equal(t, pluggy.PaymentRequestCompleted, final.PaymentRequest.Status)
	assert.Equal(t, "***.456.789-**", *final.Debtor.TaxNumber)
	assert.NotEmpty(t, *final.ReferenceID)
	intents, err := c.Payments.Intents.List(ctx, pr.ID)
	require.NoError(t, err)
	require.Len(t, intents.Results, 1)
	assert.Equal(t, pi.ID, intents.Results[0].ID)
	_, err = c.Payments.Intents.Get(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	// Payers whose bank refuses: at the consent, and at the payment.
	srv.RejectPayments("98765432100", "REJEITADO_USUARIO")
	srv.RejectPayments(payerCPF, "SALDO_INSUFICIENTE")
	for _, tc := range []struct {
		cpf    string
		status pluggy.PaymentIntentStatus
	}{{"98765432100", pluggy.PaymentIntentConsentRejected}, {payerCPF, pluggy.PaymentIntentPaymentRejected}} {
		pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("99.90")})
		require.NoError(t, err)
		pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: tc.cpf}})
		require.NoError(t, err)
		final, err := c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, nil)
		require.NoError(t, err)
		assert.Equal(t, tc.status, final.Status)
		assert.NotEmpty(t, final.ErrorDetail.Code)
		got, err := c.Payments.Requests.Get(ctx, pr.ID)
		require.NoError(t, err)
		assert.Equal(t, pluggy.PaymentRequestError, got.Status)
		assert.NotEmpty(t, *got.ErrorDetail.Code)
	}
	srv.RejectPayments("98765432100", "")
	srv.RejectPayments(payerCPF, "")

	// A business payer.
	bizReq, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("1200.00"), RecipientID: rc.ID})
	require.NoError(t, err)
	bizPI, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: bizReq.ID,
		Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF, CNPJ: "12.345.678/0001-95", Name: "Oficina Boa Viagem"}})
	require.NoError(t, err)
	bizPI, err = c.Payments.Intents.Wait(ctx, bizPI.ID, time.Millisecond, nil)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentPaymentCompleted, bizPI.Status)
	assert.Equal(t, "Oficina Boa Viagem", *bizPI.Debtor.Name)

	// A PIX QR request.
	qr := payPixQR("89.90", "Padaria Pao de Mel", "b3c0f6a2-4d1e-4f7a-9c2b-8e5d7a1f3c64")
	qrReq, err := c.Payments.Requests.CreatePixQR(ctx, &pluggy.CreatePixQRPaymentRequestParams{PixQRCode: qr, IsSandbox: pluggy.Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, "89.90", qrReq.Amount.String())
	assert.Equal(t, pluggy.RecipientTypePixQRCode, qrReq.Recipient.Type)
	assert.Equal(t, qr, *qrReq.PixQRCode)
	qrPI, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: qrReq.ID, PaymentMethod: pluggy.PaymentIntentMethodPIX})
	require.NoError(t, err)
	assert.Equal(t, qr, qrPI.PixData.Value)
	smart, err := c.Payments.Recipients.Create(ctx, &pluggy.CreatePaymentRecipientParams{SmartAccountID: "5d2f8a41-7c3e-4b9a-8e6f-1a2b3c4d5e6f"})
	require.NoError(t, err)
	assert.Equal(t, "12345678000195", smart.TaxNumber)
	dynReq, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("42.00"), RecipientID: smart.ID})
	require.NoError(t, err)
	dyn, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: dynReq.ID,
		PaymentMethod: pluggy.PaymentIntentMethodPIX, IsDynamicPix: pluggy.Ptr(true)})
	require.NoError(t, err)
	require.NotNil(t, dyn.PixData)
	assert.NotEmpty(t, dyn.PixData.Value)
	_, err = c.Payments.Requests.CreatePixQR(ctx, &pluggy.CreatePixQRPaymentRequestParams{PixQRCode: qr[:len(qr)-1] + "0"})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "INVALID_PIX_QR_CODE", apiErr.CodeDescription)

	// List, update, delete.
	open, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.DecimalFromCents(1999), CustomerID: cu.ID})
	require.NoError(t, err)
	list, err := c.Payments.Requests.List(ctx, &pluggy.PaymentRequestListParams{Status: pluggy.PaymentRequestCreated, From: pluggy.DateOf(contractStart)})
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	assert.Equal(t, open.ID, list.Results[0].ID)
	up, err := c.Payments.Requests.Update(ctx, open.ID, &pluggy.UpdatePaymentRequestParams{Amount: pluggy.MustDecimal("175.30"), Description: "Com entrega"})
	require.NoError(t, err)
	assert.Equal(t, "175.30", up.Amount.String())
	assert.Equal(t, "Com entrega", *up.Description)
	require.NoError(t, c.Payments.Requests.Delete(ctx, open.ID))
	_, err = c.Payments.Requests.Get(ctx, open.ID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))
}

func (k *contract) scheduledPayments(t *testing.T) {
	srv, c := k.server(t)
	ctx := k.ctx
	k.contractRecipient(t, c)
	pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("89.90"),
		Description: "Mensalidade academia", Schedule: &pluggy.MonthlySchedule{StartDate: payDate(t, "2026-12-01"), DayOfMonth: 10, Occurrences: 3}})
	require.NoError(t, err)
	m, ok := pr.Schedule.(*pluggy.MonthlySchedule)
	require.True(t, ok, "%T", pr.Schedule)
	assert.Equal(t, 10, m.DayOfMonth)
	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF}})
	require.NoError(t, err)
	final, err := c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, nil)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentIntentConsentAuthorized, final.Status)
	assert.Equal(t, pluggy.PaymentRequestScheduled, final.PaymentRequest.Status)

	sched, err := c.Payments.Schedules.List(ctx, pr.ID)
	require.NoError(t, err)
	require.Len(t, sched.Results, 3)
	assert.Equal(t, "2026-12-10", sched.Results[0].ScheduledDate.String())
	assert.Equal(t, pluggy.SchedulePaymentScheduled, sched.Results[0].Status)
	require.NoError(t, c.Payments.Schedules.Cancel(ctx, pr.ID, sched.Results[1].ID))
	var apiErr *pluggy.Error
	require.ErrorAs(t, c.Payments.Schedules.Cancel(ctx, pr.ID, sched.Results[1].ID), &apiErr)
	srv.Advance(20 * 24 * time.Hour)
	sched, err = c.Payments.Schedules.List(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.SchedulePaymentCompleted, sched.Results[0].Status)
	assert.NotEmpty(t, *sched.Results[0].EndToEndID)
	assert.Equal(t, pluggy.SchedulePaymentCanceled, sched.Results[1].Status)
	assert.Equal(t, pluggy.SchedulePaymentScheduled, sched.Results[2].Status)
	require.NoError(t, c.Payments.Schedules.CancelAll(ctx, pr.ID))
	got, err := c.Payments.Requests.Get(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestCanceled, got.Status)

	// A payer whose bank refuses: the scheduled payment fails on its date.
	// Another payer's payments all complete.
	var ids []string
	for _, cpf := range []string{"98765432100", payerCPF} {
		pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("45.00"),
			Schedule: &pluggy.CustomSchedule{PaymentDates: []pluggy.Date{payDate(t, "2026-12-14"), payDate(t, "2026-12-15")}}})
		require.NoError(t, err)
		ids = append(ids, pr.ID)
		pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID, Parameters: &pluggy.PaymentIntentParameters{CPF: cpf}})
		require.NoError(t, err)
		_, err = c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, nil)
		require.NoError(t, err)
	}
	srv.RejectPayments("98765432100", "SALDO_INSUFICIENTE")
	srv.Advance(3 * 24 * time.Hour)
	for i, want := range []pluggy.SchedulePaymentStatus{pluggy.SchedulePaymentError, pluggy.SchedulePaymentCompleted} {
		sched, err := c.Payments.Schedules.List(ctx, ids[i])
		require.NoError(t, err)
		require.Len(t, sched.Results, 2)
		for _, sp := range sched.Results {
			assert.Equal(t, want, sp.Status)
			if want == pluggy.SchedulePaymentError {
				assert.Equal(t, "SALDO_INSUFICIENTE", *sp.ErrorDetail.Code)
			}
		}
	}
	srv.RejectPayments("98765432100", "")
	done, err := c.Payments.Requests.Get(ctx, ids[1])
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestCompleted, done.Status)

	// Every kind of schedule comes back as it went.
	for _, s := range []pluggy.Schedule{
		&pluggy.SingleSchedule{Date: payDate(t, "2027-01-15")},
		&pluggy.DailySchedule{StartDate: payDate(t, "2027-01-04"), Occurrences: 4},
		&pluggy.WeeklySchedule{StartDate: payDate(t, "2027-01-04"), DayOfWeek: pluggy.DayOfWeekFriday, Occurrences: 5},
		&pluggy.CustomSchedule{PaymentDates: []pluggy.Date{payDate(t, "2027-01-05"), payDate(t, "2027-02-05")}},
	} {
		pr, err := c.Payments.Requests.Create(ctx, &pluggy.CreatePaymentRequestParams{Amount: pluggy.MustDecimal("30"), Schedule: s})
		require.NoError(t, err)
		assert.Equal(t, s.ScheduleType(), pr.Schedule.ScheduleType())
		assert.Equal(t, s.Dates(), pr.Schedule.Dates())
	}
}

func (k *contract) automaticPix(t *testing.T) {
	srv, c := k.server(t)
	ctx := k.ctx
	rc := k.contractRecipient(t, c)
	var apiErr *pluggy.Error
	pr, err := c.Payments.AutomaticPix.Create(ctx, &pluggy.CreateAutomaticPixParams{
		FixedAmount: pluggy.MustDecimal("59.90"), Description: "Plano Família", StartDate: payDate(t, "2026-12-10"),
		IsRetryAccepted: pluggy.Ptr(true), Interval: pluggy.AutomaticPixMonthly, RecipientID: rc.ID,
		FirstPayment: &pluggy.AutomaticPixFirstPaymentParams{Amount: pluggy.MustDecimal("59.90"), Description: "Primeira mensalidade"},
	})
	require.NoError(t, err)
	require.NotNil(t, pr.AutomaticPix)
	assert.Equal(t, "59.90", pr.AutomaticPix.FixedAmount.String())
	assert.Equal(t, pluggy.AutomaticPixMonthly, pr.AutomaticPix.Interval)
	pi, err := c.Payments.Intents.Create(ctx, &pluggy.CreatePaymentIntentParams{PaymentRequestID: pr.ID,
		Parameters: &pluggy.PaymentIntentParameters{CPF: payerCPF, Name: "João Pedro Almeida"}})
	require.NoError(t, err)
	final, err := c.Payments.Intents.Wait(ctx, pi.ID, time.Millisecond, nil)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestAuthorized, final.PaymentRequest.Status)

	list, err := c.Payments.AutomaticPix.ListPayments(ctx, pr.ID)
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	assert.True(t, *list.Results[0].IsFirstPayment)
	assert.Equal(t, pluggy.AutomaticPixPaymentCompleted, list.Results[0].Status)
	p1, err := c.Payments.AutomaticPix.SchedulePayment(ctx, pr.ID, &pluggy.ScheduleAutomaticPixParams{Amount: pluggy.MustDecimal("59.90"),
		Date: payDate(t, "2026-11-26"), Description: "Mensalidade dezembro"})
	require.NoError(t, err)
	assert.Equal(t, pluggy.AutomaticPixPaymentCreated, p1.Status)
	assert.Equal(t, rc.ID, p1.RecipientID)
	p2, err := c.Payments.AutomaticPix.SchedulePayment(ctx, pr.ID, &pluggy.ScheduleAutomaticPixParams{Amount: pluggy.MustDecimal("59.90"), Date: payDate(t, "2026-12-01")})
	require.NoError(t, err)
	_, err = c.Payments.AutomaticPix.SchedulePayment(ctx, pr.ID, &pluggy.ScheduleAutomaticPixParams{Amount: pluggy.MustDecimal("60.00"), Date: payDate(t, "2026-11-27")})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "PAGAMENTO_DIVERGENTE_CONSENTIMENTO", apiErr.CodeDescription)
	detail, err := c.Payments.AutomaticPix.GetPayment(ctx, pr.ID, p1.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.AutomaticPixPaymentScheduled, detail.Status)
	assert.True(t, detail.ScheduledStatusReached)
	require.NoError(t, c.Payments.AutomaticPix.CancelPayment(ctx, pr.ID, p2.ID))
	detail, err = c.Payments.AutomaticPix.GetPayment(ctx, pr.ID, p2.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.AutomaticPixPaymentCanceled, detail.Status)

	srv.RejectPayments(payerCPF, "SALDO_INSUFICIENTE")
	srv.Advance(3 * 24 * time.Hour)
	detail, err = c.Payments.AutomaticPix.GetPayment(ctx, pr.ID, p1.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.AutomaticPixPaymentError, detail.Status)
	assert.Equal(t, pluggy.AutomaticPixErrInsufficientBalance, detail.ErrorDetail.Code)
	srv.RejectPayments(payerCPF, "")
	require.NoError(t, c.Payments.AutomaticPix.RetryPayment(ctx, pr.ID, p1.ID, payDate(t, "2026-11-28")))
	srv.Advance(2 * 24 * time.Hour)
	detail, err = c.Payments.AutomaticPix.GetPayment(ctx, pr.ID, p1.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.AutomaticPixPaymentCompleted, detail.Status)
	require.Len(t, detail.Attempts, 2)

	// A consent for variable amounts, with every option.
	cu, err := c.Payments.Customers.Create(ctx, &pluggy.CreatePaymentCustomerParams{Type: pluggy.PaymentCustomerBusiness,
		Name: "Oficina Boa Viagem", CNPJ: "12.345.678/0001-95"})
	require.NoError(t, err)
	variable, err := c.Payments.AutomaticPix.Create(ctx, &pluggy.CreateAutomaticPixParams{
		MinimumVariableAmount: pluggy.MustDecimal("10.00"), MaximumVariableAmount: pluggy.MustDecimal("500.00"),
		Description: "Conta de energia", StartDate: payDate(t, "2026-12-05"), ExpiresAt: payDate(t, "2027-12-05"),
		Interval: pluggy.AutomaticPixQuarterly, RecipientID: rc.ID, CustomerID: cu.ID, ClientPaymentID: "energia-7781",
		IsRetryAccepted:               pluggy.Ptr(true),
		FirstPayment:                  &pluggy.AutomaticPixFirstPaymentParams{Amount: pluggy.MustDecimal("87.45"), Date: payDate(t, "2026-12-01")},
		AutomaticRetriesConfiguration: &pluggy.AutomaticPixRetriesConfiguration{RetryDays: []int{1, 3}},
		SchedulerConfiguration: &pluggy.AutomaticPixSchedulerConfiguration{Enabled: true, Description: pluggy.Ptr("Energia trimestral"),
			ValueForVariableAmount: pluggy.MustDecimal("120.00")},
		CallbackURLs: &pluggy.PaymentCallbackURLs{Success: "https://loja.com.br/ok", Pending: "https://loja.com.br/espera", Error: "https://loja.com.br/erro"},
	})
	require.NoError(t, err)
	assert.Equal(t, "500.00", variable.AutomaticPix.MaximumVariableAmount.String())
	assert.Equal(t, time.Date(2027, 12, 5, 0, 0, 0, 0, time.UTC), *variable.AutomaticPix.ExpiresAt)
	assert.Equal(t, []int{1, 3}, variable.AutomaticPix.AutomaticRetriesConfiguration.RetryDays)
	assert.Equal(t, "120.00", variable.AutomaticPix.SchedulerConfiguration.ValueForVariableAmount.String())
	assert.Equal(t, "87.45", variable.AutomaticPix.FirstPayment.Amount.String())
	assert.Equal(t, "https://loja.com.br/espera", variable.CallbackURLs.Pending)
	assert.Equal(t, "energia-7781", *variable.ClientPaymentID)
	assert.Equal(t, cu.ID, variable.Customer.ID)

	require.NoError(t, c.Payments.AutomaticPix.CancelAuthorization(ctx, pr.ID))
	got, err := c.Payments.Requests.Get(ctx, pr.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.PaymentRequestCanceled, got.Status)
}

func (k *contract) smartTransfers(t *testing.T) {
	srv, c := k.server(t)
	ctx := k.ctx
	rc := k.contractRecipient(t, c)
	var apiErr *pluggy.Error
	pa, err := c.Payments.SmartTransfers.CreatePreauthorization(ctx, &pluggy.CreateSmartTransferPreauthorizationParams{
		ConnectorID: 601, Parameters: pluggy.SmartTransferPreauthorizationParameters{CPF: "123.456.789-09"},
		RecipientIDs: []string{rc.ID}, ClientPreauthorizationID: "repasse-2026",
		Configuration: &pluggy.SmartTransferConfiguration{TransactionLimit: pluggy.MustDecimal("2500.00")},
	})
	require.NoError(t, err)
	assert.Equal(t, pluggy.SmartTransferPreauthorizationCreated, pa.Status)
	assert.Equal(t, "2500.00", pa.Configuration.TransactionLimit.String())
	require.Len(t, pa.Recipients, 1)
	assert.Equal(t, rc.ID, pa.Recipients[0].ID)
	assert.NotEmpty(t, *pa.ConsentURL)
	pay := &pluggy.CreateSmartTransferPaymentParams{PreauthorizationID: pa.ID, RecipientID: rc.ID, Amount: pluggy.MustDecimal("1250.35"), Description: "Repasse novembro"}
	_, err = c.Payments.SmartTransfers.CreatePayment(ctx, pay)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "PREAUTHORIZATION_NOT_COMPLETED", apiErr.CodeDescription)
	for range 2 {
		pa, err = c.Payments.SmartTransfers.GetPreauthorization(ctx, pa.ID)
		require.NoError(t, err)
	}
	assert.Equal(t, pluggy.SmartTransferPreauthorizationCompleted, pa.Status)
	p, err := c.Payments.SmartTransfers.CreatePayment(ctx, pay)
	require.NoError(t, err)
	assert.Equal(t, pluggy.SmartTransferPaymentPending, p.Status)
	assert.Equal(t, "1250.35", p.Amount.String())
	for range 2 {
		p, err = c.Payments.SmartTransfers.GetPayment(ctx, p.ID)
		require.NoError(t, err)
	}
	assert.Equal(t, pluggy.SmartTransferPaymentCompleted, p.Status)
	assert.Equal(t, pa.ID, p.PreauthorizationID)
	pays, err := c.Payments.SmartTransfers.ListPayments(ctx, pa.ID, nil)
	require.NoError(t, err)
	require.Len(t, pays.Results, 1)
	assert.Equal(t, p.ID, pays.Results[0].ID)
	pas, err := c.Payments.SmartTransfers.ListPreauthorizations(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, pas.Total)
	_, err = c.Payments.SmartTransfers.GetPayment(ctx, noSuchID)
	assert.True(t, errors.Is(err, pluggy.ErrNotFound))

	// A payer who refuses the preauthorisation.
	srv.RejectPayments("98765432100", "REJEITADO_USUARIO")
	refused, err := c.Payments.SmartTransfers.CreatePreauthorization(ctx, &pluggy.CreateSmartTransferPreauthorizationParams{
		ConnectorID: 601, Parameters: pluggy.SmartTransferPreauthorizationParameters{CPF: "987.654.321-00", CNPJ: "12.345.678/0001-95"},
		RecipientIDs: []string{rc.ID},
		CallbackURLs: &pluggy.SmartTransferCallbackURLs{Success: "https://loja.com.br/ok", Error: "https://loja.com.br/erro"}})
	require.NoError(t, err)
	assert.Equal(t, "https://loja.com.br/erro", refused.CallbackURLs.Error)
	for range 2 {
		refused, err = c.Payments.SmartTransfers.GetPreauthorization(ctx, refused.ID)
		require.NoError(t, err)
	}
	assert.Equal(t, pluggy.SmartTransferPreauthorizationRejected, refused.Status)
}

func (k *contract) boletos(t *testing.T) {
	srv, c := k.server(t)
	ctx := k.ctx
	conn, err := c.Payments.Boletos.CreateConnection(ctx, &pluggy.CreateBoletoConnectionParams{ConnectorID: 225,
		Credentials: map[string]string{"clientId": "id", "clientSecret": "segredo"}})
	require.NoError(t, err)
	assert.Equal(t, 225, conn.ConnectorID)
	fromItem, err := c.Payments.Boletos.CreateConnectionFromItem(ctx, noSuchID)
	require.NoError(t, err)
	assert.NotEqual(t, conn.ID, fromItem.ID)
	params := func() *pluggy.CreateBoletoParams {
		return &pluggy.CreateBoletoParams{BoletoConnectionID: conn.ID, Boleto: pluggy.BoletoParams{
			SeuNumero: "NF-10234", Amount: pluggy.MustDecimal("349.90"), DueDate: time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC),
			Payer:    pluggy.BoletoPayerParams{TaxNumber: "123.456.789-09", Name: "João Pedro Almeida", AddressState: "RJ", AddressZipCode: "22240-003"},
			Fine:     &pluggy.BoletoFine{Value: pluggy.MustDecimal("2"), Type: pluggy.BoletoFinePercentage},
			Interest: &pluggy.BoletoInterest{Value: pluggy.MustDecimal("1"), Type: pluggy.BoletoInterestPercentage},
		}}
	}
	b, err := c.Payments.Boletos.Create(ctx, params())
	require.NoError(t, err)
	assert.Equal(t, pluggy.IssuedBoletoOpen, b.Status)
	assert.Equal(t, "349.90", b.Amount.String())
	assert.Equal(t, conn.ID, b.BoletoConnectionID)
	assert.Equal(t, "2", b.Fine.Value.String())
	assert.Equal(t, pluggy.BoletoInterestPercentage, b.Interest.Type)
	assert.Len(t, strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, b.DigitableLine), 47, "a digitable line has 47 digits")
	require.NoError(t, srv.PayBoleto(b.ID, "PIX"))
	got, err := c.Payments.Boletos.Get(ctx, b.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.IssuedBoletoPaid, got.Status)
	assert.Equal(t, "349.90", got.AmountPaid.String())
	_, err = c.Payments.Boletos.Cancel(ctx, b.ID)
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "BOLETO_NOT_CANCELABLE", apiErr.CodeDescription)
	b2, err := c.Payments.Boletos.Create(ctx, params())
	require.NoError(t, err)
	canceled, err := c.Payments.Boletos.Cancel(ctx, b2.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.IssuedBoletoCancelled, canceled.Status)
	b3, err := c.Payments.Boletos.Create(ctx, params())
	require.NoError(t, err)
	srv.Advance(30 * 24 * time.Hour)
	got, err = c.Payments.Boletos.Get(ctx, b3.ID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.IssuedBoletoOverdue, got.Status)
}

// valuesAt returns the string values at path in the 2xx answers of the
// routes match accepts: in the answer itself, or in each of its results;
// arrays met on the way are walked element by element.
func (k *contract) valuesAt(answers []answer, match func(route string) bool, path ...string) map[string]bool {
	out := map[string]bool{}
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		if arr, ok := v.([]any); ok {
			for _, e := range arr {
				walk(e, path)
			}
			return
		}
		if len(path) == 0 {
			if s, ok := v.(string); ok {
				out[s] = true
			}
			return
		}
		if m, ok := v.(map[string]any); ok {
			walk(m[path[0]], path[1:])
		}
	}
	for _, a := range answers {
		if a.status >= 300 || !match(routeOf(k.routes, a.method, a.path)) {
			continue
		}
		var v any
		if json.Unmarshal(a.body, &v) != nil {
			continue
		}
		if m, ok := v.(map[string]any); ok {
			if results, ok := m["results"]; ok {
				v = results
			}
		}
		walk(v, path)
	}
	return out
}

func under(prefixes ...string) func(string) bool {
	return func(route string) bool {
		_, path, _ := strings.Cut(route, " ")
		for _, p := range prefixes {
			if strings.HasPrefix(path, p) {
				return true
			}
		}
		return false
	}
}

func union(sets ...map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, s := range sets {
		for k := range s {
			out[k] = true
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// everyKind checks that the answers decoded strictly hold every state the
// fake can put its items and payments in, every kind of item parameter,
// and error bodies of every route family.
func (k *contract) everyKind(t *testing.T, answers []answer) {
	items := func(r string) bool { return strings.Contains(r, " /items") }
	want := map[string]struct {
		got  map[string]bool
		want []string
	}{
		"item status": {k.valuesAt(answers, items, "status"), []string{"UPDATING", "WAITING_USER_INPUT", "WAITING_USER_ACTION", "UPDATED", "LOGIN_ERROR", "OUTDATED"}},
		"item executionStatus": {k.valuesAt(answers, items, "executionStatus"), []string{"CREATED", "LOGIN_IN_PROGRESS", "WAITING_USER_INPUT",
			"WAITING_USER_ACTION", "LOGIN_MFA_IN_PROGRESS", "ACCOUNTS_IN_PROGRESS", "CREDITCARDS_IN_PROGRESS", "TRANSACTIONS_IN_PROGRESS",
			"INVESTMENTS_IN_PROGRESS", "IDENTITY_IN_PROGRESS", "LOANS_IN_PROGRESS", "SUCCESS", "PARTIAL_SUCCESS", "INVALID_CREDENTIALS",
			"INVALID_CREDENTIALS_MFA", "ACCOUNT_LOCKED", "ACCOUNT_CREDENTIALS_RESET", "USER_NOT_SUPPORTED", "ALREADY_LOGGED_IN",
			"UNEXPECTED_ERROR", "SITE_NOT_AVAILABLE", "CONNECTION_ERROR", "ACCOUNT_NEEDS_ACTION", "USER_INPUT_TIMEOUT",
			"USER_AUTHORIZATION_NOT_GRANTED", "USER_AUTHORIZATION_PENDING"}},
		"item parameter type":   {k.valuesAt(answers, items, "parameter", "type"), []string{"number", "select", "image", "oauth"}},
		"connector credentials": {k.valuesAt(answers, under("/connectors"), "credentials", "type"), []string{"text", "password", "number"}},
		"payment intent status": {k.valuesAt(answers, under("/payments/intents"), "status"), []string{"STARTED", "CONSENT_AWAITING_AUTHORIZATION",
			"CONSENT_AUTHORIZED", "CONSENT_REJECTED", "PAYMENT_PENDING", "PAYMENT_SETTLEMENT_PROCESSING", "PAYMENT_COMPLETED", "PAYMENT_REJECTED"}},
		"payment request status": {union(k.valuesAt(answers, func(r string) bool {
			return under("/payments/requests")(r) && !strings.Contains(r, "schedule")
		}, "status"), k.valuesAt(answers, under("/payments/intents"), "paymentRequest", "status")),
			[]string{"CREATED", "IN_PROGRESS", "WAITING_PAYER_AUTHORIZATION", "AUTHORIZED", "SCHEDULED", "COMPLETED", "ERROR", "CANCELED"}},
		"scheduled payment status": {k.valuesAt(answers, func(r string) bool { return r == "GET /payments/requests/{id}/schedules" }, "status"),
			[]string{"SCHEDULED", "COMPLETED", "CANCELED", "ERROR"}},
		"automatic pix payment status": {k.valuesAt(answers, under("/payments/requests/{id}/automatic-pix", "/payments/requests/{requestId}/automatic-pix"), "status"),
			[]string{"CREATED", "SCHEDULED", "COMPLETED", "CANCELED", "ERROR"}},
		"preauthorization status":       {k.valuesAt(answers, under("/smart-transfers/preauthorizations"), "status"), []string{"CREATED", "COMPLETED", "REJECTED"}},
		"smart transfer payment status": {k.valuesAt(answers, under("/smart-transfers/payments"), "status"), []string{"PAYMENT_PENDING", "PAYMENT_COMPLETED"}},
		"boleto status":                 {k.valuesAt(answers, under("/boletos"), "status"), []string{"OPEN", "PAID", "CANCELLED", "OVERDUE"}},
		"schedule type":                 {k.valuesAt(answers, under("/payments/requests"), "schedule", "type"), []string{"SINGLE", "DAILY", "WEEKLY", "MONTHLY", "CUSTOM"}},
	}
	for name, w := range want {
		for _, v := range w.want {
			assert.True(t, w.got[v], "%s: no answer with %s (seen %v)", name, v, keys(w.got))
		}
	}

	// Error bodies: every family of routes answered at least one.
	families := map[string]bool{}
	for _, a := range answers {
		if a.status >= 400 {
			_, path, _ := strings.Cut(routeOf(k.routes, a.method, a.path), " ")
			families[strings.Split(strings.TrimPrefix(path, "/"), "/")[0]] = true
		}
	}
	assert.Equal(t, []string{"accounts", "auth", "bills", "boletos", "categories", "connect_token", "connectors", "consents",
		"identity", "investments", "items", "loans", "payments", "smart-transfers", "transactions", "webhooks"}, keys(families))
}

// eventFields are the fields every webhook notification has besides its
// type's own (pluggy.Event).
var eventFields = []string{"event", "eventId", "clientId", "id"}

// strictEvents parses every notification the fakes delivered as the client
// does, requires a typed payload (not *pluggy.UnknownEvent), and decodes
// what remains besides the common fields into that payload's type with
// unknown fields disallowed.
func (k *contract) strictEvents(t *testing.T) {
	require.NotEmpty(t, k.delivered)
	types := map[string]bool{}
	for _, d := range k.delivered {
		label := fmt.Sprintf("%s: %s", d.Event, snippetOf(d.Body))
		ev, err := pluggy.ParseWebhookEvent(d.Body)
		if !assert.NoError(t, err, label) {
			continue
		}
		types[string(ev.Type)] = true
		assert.Equal(t, d.Event, string(ev.Type), label)
		assert.NotEmpty(t, ev.EventID, label)
		assert.NotEmpty(t, ev.ID, label)
		assert.Equal(t, DefaultClientID, ev.ClientID, label)
		if _, unknown := ev.Payload.(*pluggy.UnknownEvent); unknown {
			t.Errorf("%s\n  the client has no payload type for %s", label, d.Event)
			continue
		}
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(d.Body, &m), label)
		for _, f := range eventFields {
			delete(m, f)
		}
		rest, _ := json.Marshal(m)
		typ := reflect.TypeOf(ev.Payload).Elem()
		dec := json.NewDecoder(bytes.NewReader(rest))
		dec.DisallowUnknownFields()
		if err := dec.Decode(reflect.New(typ).Interface()); err != nil {
			t.Errorf("%s\n  does not decode strictly into %s: %v", label, typ, err)
			continue
		}
		var problems []string
		walkStrict(rest, typ, "", &problems)
		for _, p := range problems {
			t.Errorf("%s\n  %s is not a field of %s", label, p, typ)
		}
	}
	assert.Equal(t, []string{
		"automatic_pix_payment/canceled", "automatic_pix_payment/completed", "automatic_pix_payment/created", "automatic_pix_payment/error",
		"boleto/updated",
		"item/created", "item/deleted", "item/error", "item/login_succeeded", "item/updated", "item/waiting_user_action", "item/waiting_user_input",
		"payment_intent/completed", "payment_intent/created", "payment_intent/error", "payment_intent/waiting_payer_authorization",
		"payment_request/updated",
		"scheduled_payment/all_completed", "scheduled_payment/all_created", "scheduled_payment/canceled", "scheduled_payment/completed",
		"scheduled_payment/created", "scheduled_payment/error",
		"smart_transfer_payment/completed", "smart_transfer_preauthorization/completed", "smart_transfer_preauthorization/error",
		"transactions/created", "transactions/updated",
	}, keys(types), "every event type the fake emits")
	t.Logf("%d notifications of %d event types decoded strictly", len(k.delivered), len(types))
}

// faults has the fake answer server errors and 429s, which the client
// retries: their bodies are Pluggy's error bodies too.
func (k *contract) faults(t *testing.T) {
	srv, c := k.bare(t)
	itemID, err := srv.AddConnectedItem(ConnectorItau)
	require.NoError(t, err)
	srv.Fail("GET /items/{id}", 1, Status(http.StatusInternalServerError))
	srv.Fail("GET /items/{id}", 1, Status(http.StatusBadGateway))
	srv.Fail("GET /items/{id}", 1, TooManyRequests(0))
	it, err := c.Items.Get(k.ctx, itemID)
	require.NoError(t, err)
	assert.Equal(t, pluggy.ItemStatusUpdated, it.Status)
	assert.Len(t, srv.RequestsTo("GET /items/{id}"), 4, "three failures retried")

	srv.Fail("POST /payments/customers", 1, Status(http.StatusServiceUnavailable))
	_, err = c.Payments.Customers.Create(k.ctx, &pluggy.CreatePaymentCustomerParams{Type: pluggy.PaymentCustomerIndividual, Name: "Ana", CPF: payerCPF})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr, "a creating POST is not retried after a 5xx")
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
}

// TestStrictWalkFindsUnknownFields shows that the contract's checks are not
// vacuous: an unknown field is found at any depth, including inside types
// that decode themselves, where json.Decoder.DisallowUnknownFields is blind.
func TestStrictWalkFindsUnknownFields(t *testing.T) {
	t.Parallel()
	cases := []struct {
		typ   reflect.Type
		body  string
		found []string
	}{
		{reflect.TypeFor[pluggy.Item](), `{"id":"a","status":"UPDATED","statusDetail":{"accounts":{"isUpdated":true,"extra":1}},"bogus":null}`,
			[]string{".bogus", ".statusDetail.accounts.extra"}},
		{reflect.TypeFor[pluggy.Page[pluggy.Connector]](), `{"page":1,"results":[{"id":0,"credentials":[{"name":"user","hint":"x"}]}]}`,
			[]string{".results[0].credentials[0].hint"}},
		{reflect.TypeFor[pluggy.PaymentIntent](), `{"id":"a","paymentRequest":{"id":"b","recipient":{"nickname":"x"},
			"schedule":{"type":"MONTHLY","startDate":"2026-12-01","dayOfMonth":10,"occurrences":3,"weekday":"MONDAY"}}}`,
			[]string{".paymentRequest.recipient.nickname", ".paymentRequest.schedule.weekday"}},
		{reflect.TypeFor[pluggy.PaymentRequest](), `{"id":"b","schedule":{"type":"HOURLY"}}`,
			[]string{".schedule (a schedule the client does not model)"}},
		{reflect.TypeFor[pluggy.AutomaticPixPaymentDetail](), `{"id":"a","scheduledStatusReached":true,"attempts":[{"status":"COMPLETED","why":1}]}`,
			[]string{".attempts[0].why"}},
		{reflect.TypeFor[pluggy.Item](), `{"id":"a","ID":"b"}`, []string{".ID"}},
	}
	for _, tc := range cases {
		var problems []string
		walkStrict(json.RawMessage(tc.body), tc.typ, "", &problems)
		assert.ElementsMatch(t, tc.found, problems, tc.body)
	}

	// The decoder alone misses what hides behind an UnmarshalJSON method.
	dec := json.NewDecoder(strings.NewReader(`{"id":"a","paymentRequest":{"id":"b","nickname":"x"}}`))
	dec.DisallowUnknownFields()
	assert.NoError(t, dec.Decode(&pluggy.PaymentIntent{}))
	dec = json.NewDecoder(strings.NewReader(`{"id":"a","bogus":1}`))
	dec.DisallowUnknownFields()
	assert.Error(t, dec.Decode(&pluggy.Item{}))

	srv := NewServer()
	defer srv.Close()
	routes := srv.Routes()
	assert.Equal(t, "GET /categories/rules", routeOf(routes, "GET", "/categories/rules"))
	assert.Equal(t, "GET /categories/{id}", routeOf(routes, "GET", "/categories/05000000"))
	assert.Equal(t, "POST /payments/requests/{id}/schedules/cancel", routeOf(routes, "POST", "/payments/requests/x/schedules/cancel"))
	assert.Empty(t, routeOf(routes, "PUT", "/items/x"))
	assert.Len(t, routes, len(answerTypes), "one client type per route the fake serves")
	for r := range answerTypes {
		assert.Contains(t, routes, r, "answerTypes names a route the fake does not serve")
	}
}
