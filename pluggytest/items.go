package pluggytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// bankState is the state of the bank feature: the connectors, the items
// and everything their executions collected. Its lock is taken before the
// server's (s.Now), never after; events are emitted once it is released.
type bankState struct {
	mu         sync.Mutex
	connectors []*connectorDef
	seed       uint64
	lastNow    time.Time
	pending    []Event

	items     map[string]*itemState
	itemOrder []string
	endings   []ending

	accounts    map[string]*account
	byOrdinal   map[uint32]*account
	nextOrdinal uint32
	txOverrides map[string]txOverride

	investments map[string]*investment
	identities  map[string]*identity
	loans       map[string]*loan
	bills       map[string]*bill
	consents    map[string]*consent
	statements  map[string]*statement
	rules       []*categoryRule
}

// ending is one finished execution, for the connectors' health details.
type ending struct {
	connector int
	status    string
	at        time.Time
}

func newBankState(seed uint64) *bankState {
	return &bankState{
		connectors:  catalogue(),
		seed:        seed,
		items:       map[string]*itemState{},
		accounts:    map[string]*account{},
		byOrdinal:   map[uint32]*account{},
		txOverrides: map[string]txOverride{},
		investments: map[string]*investment{},
		identities:  map[string]*identity{},
		loans:       map[string]*loan{},
		bills:       map[string]*bill{},
		consents:    map[string]*consent{},
		statements:  map[string]*statement{},
	}
}

func setupBank(s *Server) {
	s.onTick(func() {
		s.withBank(func(b *bankState, now time.Time) {
			for _, id := range b.itemOrder {
				s.advance(b, b.items[id], now)
			}
		})
	})
	s.handle("POST /items", s.createItem)
	s.handle("GET /items/{id}", s.getItem)
	s.handle("PATCH /items/{id}", s.updateItem)
	s.handle("DELETE /items/{id}", s.deleteItem)
	s.handle("POST /items/{id}/mfa", s.sendMFA)
	s.handle("PATCH /items/{id}/disable-auto-sync", s.disableAutoSync)
	// The page an OAuth parameter sends the user to: not a Pluggy route,
	// it stands for the institution's consent screen.
	s.mux.HandleFunc("GET /pluggytest/oauth/{id}", s.oauthConsent)
}

func init() { registerFeature(setupBank) }

// bank returns the bank feature's state, created on first use (the seed is
// set before any feature runs).
func (s *Server) bank() *bankState {
	return s.feature("bank", func() any { return newBankState(s.seed) }).(*bankState)
}

// withBank runs f under the bank's lock with the current time, then emits
// the events f queued.
func (s *Server) withBank(f func(b *bankState, now time.Time)) {
	b := s.bank()
	now := s.Now()
	evs := func() []Event {
		b.mu.Lock()
		defer b.mu.Unlock() // even when f panics (net/http recovers it)
		if now.Before(b.lastNow) {
			now = b.lastNow
		}
		b.lastNow = now
		f(b, now)
		evs := b.pending
		b.pending = nil
		return evs
	}()
	for _, ev := range evs {
		s.emit(ev)
	}
}

func (b *bankState) queue(typ string, payload map[string]any) {
	b.pending = append(b.pending, Event{Type: typ, Payload: payload})
}

// itemState is one item.
type itemState struct {
	id                string
	conn              *connectorDef
	params            map[string]string
	webhookURL        *string
	clientUserID      *string
	oauthRedirectURI  *string
	products          []string
	createdAt         time.Time
	updatedAt         time.Time
	lastUpdatedAt     *time.Time
	nextAutoSyncAt    *time.Time
	autoSync          bool
	consecutiveFailed int
	lastEndedAt       time.Time

	status, execStatus string
	err                *itemErrorJSON
	parameter          *credentialJSON
	userAction         *userActionJSON
	statusDetail       map[string]statusDetailProduct

	exec             *execution
	connected        bool
	deviceAuthorized bool
	accountIDs       []string
}

// execution is the run of an item in progress: a plan of steps and where
// it stands.
type execution struct {
	steps       []step
	i           int
	since       time.Time
	observed    bool
	failed      bool
	expiresAt   time.Time
	triggeredBy string
}

type stepKind int

const (
	stepAuto   stepKind = iota // an in-progress step that ends by itself
	stepInput                  // WAITING_USER_INPUT for a challenge
	stepOAuth                  // WAITING_USER_INPUT for an oauth consent
	stepAction                 // WAITING_USER_ACTION
	stepEnd                    // the end of the execution
)

type step struct {
	kind      stepKind
	status    string     // executionStatus of an auto step; the outcome of an end step ("" = SUCCESS)
	challenge *challenge // of an input step
	check     bool       // an auto step that fails the execution when the answer was wrong
	loginOK   bool       // entering it means the login succeeded
}

// Item JSON.
type itemJSON struct {
	ID                             string                         `json:"id"`
	Connector                      connectorJSON                  `json:"connector"`
	Status                         string                         `json:"status"`
	ExecutionStatus                string                         `json:"executionStatus"`
	Error                          *itemErrorJSON                 `json:"error"`
	Parameter                      *credentialJSON                `json:"parameter"`
	UserAction                     *userActionJSON                `json:"userAction"`
	WebhookURL                     *string                        `json:"webhookUrl"`
	ClientUserID                   *string                        `json:"clientUserId"`
	OAuthRedirectURI               *string                        `json:"oauthRedirectUri,omitempty"`
	CreatedAt                      string                         `json:"createdAt"`
	UpdatedAt                      string                         `json:"updatedAt"`
	LastUpdatedAt                  *string                        `json:"lastUpdatedAt"`
	StatusDetail                   map[string]statusDetailProduct `json:"statusDetail"`
	NextAutoSyncAt                 *string                        `json:"nextAutoSyncAt"`
	ConsecutiveFailedLoginAttempts int                            `json:"consecutiveFailedLoginAttempts"`
	ConsentExpiresAt               *string                        `json:"consentExpiresAt"`
	Products                       []string                       `json:"products"`
}

type itemErrorJSON struct {
	Code            string            `json:"code"`
	Message         string            `json:"message"`
	ProviderMessage *string           `json:"providerMessage,omitempty"`
	Attributes      map[string]string `json:"attributes,omitempty"`
}

type userActionJSON struct {
	Instructions string            `json:"instructions"`
	Attributes   map[string]string `json:"attributes,omitempty"`
	ExpiresAt    string            `json:"expiresAt,omitempty"`
}

type statusDetailProduct struct {
	LastUpdatedAt *string            `json:"lastUpdatedAt"`
	IsUpdated     bool               `json:"isUpdated"`
	Warnings      []statusDetailWarn `json:"warnings"`
}

type statusDetailWarn struct {
	Code            string  `json:"code"`
	Message         string  `json:"message"`
	ProviderMessage *string `json:"providerMessage,omitempty"`
}

func timePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := fmtTime(*t)
	return &s
}

// json returns the item as the API writes it, and marks the step it shows
// as seen (a read moves an item on by one step once its step was seen).
func (b *bankState) itemJSON(it *itemState) itemJSON {
	out := itemJSON{
		ID: it.id, Connector: it.conn.json(nil), Status: it.status, ExecutionStatus: it.execStatus,
		Error: it.err, WebhookURL: it.webhookURL, ClientUserID: it.clientUserID,
		OAuthRedirectURI: it.oauthRedirectURI,
		CreatedAt:        fmtTime(it.createdAt), UpdatedAt: fmtTime(it.updatedAt),
		LastUpdatedAt: timePtr(it.lastUpdatedAt), StatusDetail: it.statusDetail,
		NextAutoSyncAt: timePtr(it.nextAutoSyncAt), ConsecutiveFailedLoginAttempts: it.consecutiveFailed,
		Products: append([]string(nil), it.products...),
	}
	if it.parameter != nil {
		p := *it.parameter
		out.Parameter = &p
	}
	if it.userAction != nil {
		a := *it.userAction
		out.UserAction = &a
	}
	for _, c := range b.consents {
		if c.itemID == it.id && c.revokedAt == nil {
			out.ConsentExpiresAt = timePtr(&c.expiresAt)
		}
	}
	if it.exec != nil {
		it.exec.observed = true
	}
	return out
}

// plan returns the steps of a new execution of it. first is the item's
// creation; sync an automatic synchronisation, which asks the user nothing.
func (s *Server) plan(it *itemState, first, sync bool) []step {
	var steps []step
	if first {
		steps = append(steps, step{kind: stepAuto, status: "CREATED"})
	}
	steps = append(steps, step{kind: stepAuto, status: "LOGIN_IN_PROGRESS"})
	outcome := it.conn.loginOutcome(it.params)
	if outcome != "" && outcome != "PARTIAL_SUCCESS" {
		return append(steps, step{kind: stepEnd, status: outcome})
	}
	if !sync {
		switch it.conn.flow {
		case flowChallenges:
			for i := range it.conn.challenges {
				steps = append(steps, step{kind: stepInput, challenge: &it.conn.challenges[i]},
					step{kind: stepAuto, status: "LOGIN_MFA_IN_PROGRESS", check: true})
			}
		case flowUserAction:
			steps = append(steps, step{kind: stepAction}, step{kind: stepAuto, status: "LOGIN_MFA_IN_PROGRESS"})
		case flowOAuth:
			steps = append(steps, step{kind: stepOAuth}, step{kind: stepAuto, status: "LOGIN_MFA_IN_PROGRESS"})
		case flowDeviceAuth:
			if !it.deviceAuthorized {
				return append(steps, step{kind: stepEnd, status: "USER_AUTHORIZATION_PENDING"})
			}
		}
	}
	data := []struct{ product, status string }{
		{"ACCOUNTS", "ACCOUNTS_IN_PROGRESS"}, {"CREDIT_CARDS", "CREDITCARDS_IN_PROGRESS"},
		{"TRANSACTIONS", "TRANSACTIONS_IN_PROGRESS"}, {"INVESTMENTS", "INVESTMENTS_IN_PROGRESS"},
		{"IDENTITY", "IDENTITY_IN_PROGRESS"}, {"LOANS", "LOANS_IN_PROGRESS"},
	}
	n := len(steps)
	for _, d := range data {
		if contains(it.products, d.product) {
			steps = append(steps, step{kind: stepAuto, status: d.status})
		}
	}
	if len(steps) == n {
		steps = append(steps, step{kind: stepAuto, status: "ACCOUNTS_IN_PROGRESS"})
	}
	steps[n].loginOK = true
	return append(steps, step{kind: stepEnd, status: outcome})
}

// loginOutcome is the result of a login with params: "" for a success,
// PARTIAL_SUCCESS, or the item error code it ends with.
func (c *connectorDef) loginOutcome(params map[string]string) string {
	for _, cr := range c.credentials {
		if cr.Type == "password" && params[cr.Name] != SandboxPassword {
			return "INVALID_CREDENTIALS"
		}
	}
	if c.scenarios {
		code, ok := sandboxUsers[params["user"]]
		if !ok {
			return "INVALID_CREDENTIALS"
		}
		if code != "" {
			return code
		}
	}
	if c.flow == flowMFAOneStep {
		if cr := c.mfaCredential(); cr != nil && params[cr.Name] != SandboxToken {
			return "INVALID_CREDENTIALS_MFA"
		}
	}
	return ""
}

// sandboxUsers maps the sandbox user names to the outcome they choose
// ("" is a success); any other user name is INVALID_CREDENTIALS.
var sandboxUsers = map[string]string{
	SandboxUser:                      "",
	"user-ok-account-error":          "PARTIAL_SUCCESS",
	"user-logged":                    "ALREADY_LOGGED_IN",
	"user-locked":                    "ACCOUNT_LOCKED",
	"user-error":                     "UNEXPECTED_ERROR",
	"user-unavailable":               "SITE_NOT_AVAILABLE",
	"user-account-need-actions":      "ACCOUNT_NEEDS_ACTION",
	"user-connection-error":          "CONNECTION_ERROR",
	"user-account-credentials-reset": "ACCOUNT_CREDENTIALS_RESET",
	"user-not-supported":             "USER_NOT_SUPPORTED",
}

// errorTexts are the messages of the item error codes.
var errorTexts = map[string]string{
	"INVALID_CREDENTIALS":            "The credentials provided are invalid",
	"INVALID_CREDENTIALS_MFA":        "The MFA value provided is invalid",
	"ALREADY_LOGGED_IN":              "The user already has an open session at the institution",
	"ACCOUNT_LOCKED":                 "The account is locked at the institution",
	"UNEXPECTED_ERROR":               "An unexpected error happened while connecting",
	"SITE_NOT_AVAILABLE":             "The institution's site is not available",
	"ACCOUNT_NEEDS_ACTION":           "The institution asks the user to act before connecting",
	"CONNECTION_ERROR":               "The connection to the institution failed",
	"ACCOUNT_CREDENTIALS_RESET":      "The user must reset their credentials at the institution",
	"USER_NOT_SUPPORTED":             "The account type of the user is not supported",
	"USER_INPUT_TIMEOUT":             "The user did not answer the parameter in time",
	"USER_AUTHORIZATION_PENDING":     "The user must authorize this device in the institution's app",
	"USER_AUTHORIZATION_NOT_GRANTED": "The user did not authorize the access in time",
}

// loginErrors are the codes that end an item in LOGIN_ERROR (the user must
// change something); the others leave it OUTDATED (it may be retried).
var loginErrors = map[string]bool{
	"INVALID_CREDENTIALS": true, "INVALID_CREDENTIALS_MFA": true, "ACCOUNT_LOCKED": true,
	"ACCOUNT_CREDENTIALS_RESET": true, "USER_NOT_SUPPORTED": true,
}

// start begins a new execution of it at `at`.
func (s *Server) start(b *bankState, it *itemState, at time.Time, first, sync bool, triggeredBy string) {
	it.exec = &execution{steps: s.plan(it, first, sync), triggeredBy: triggeredBy}
	it.err, it.statusDetail = nil, nil
	s.enter(b, it, at)
}

// enter moves it into the current step of its execution at `at`.
func (s *Server) enter(b *bankState, it *itemState, at time.Time) {
	ex := it.exec
	st := ex.steps[ex.i]
	ex.since, ex.observed, ex.failed = at, false, false
	it.updatedAt = at
	it.parameter, it.userAction = nil, nil
	payload := map[string]any{"itemId": it.id, "triggeredBy": ex.triggeredBy}
	switch st.kind {
	case stepAuto:
		it.status, it.execStatus = "UPDATING", st.status
		if st.loginOK {
			b.queue("item/login_succeeded", payload)
		}
	case stepInput:
		ex.expiresAt = at.Add(s.paramTimeout)
		p := st.challenge.param
		p.ExpiresAt = fmtTime(ex.expiresAt)
		it.status, it.execStatus, it.parameter = "WAITING_USER_INPUT", "WAITING_USER_INPUT", &p
		b.queue("item/waiting_user_input", payload)
	case stepOAuth:
		ex.expiresAt = at.Add(s.paramTimeout)
		it.status, it.execStatus = "WAITING_USER_INPUT", "WAITING_USER_INPUT"
		it.parameter = &credentialJSON{Name: "oauthCode", Label: "Autorize o acesso no seu banco", Type: "oauth",
			Data:         s.URL + "/pluggytest/oauth/" + it.id,
			Instructions: "Acesse o link, entre no seu banco e autorize o compartilhamento dos dados",
			ExpiresAt:    fmtTime(ex.expiresAt)}
		b.queue("item/waiting_user_input", payload)
	case stepAction:
		ex.expiresAt = at.Add(s.paramTimeout)
		it.status, it.execStatus = "WAITING_USER_ACTION", "WAITING_USER_ACTION"
		it.userAction = &userActionJSON{
			Instructions: "Abra o aplicativo do Pluggy Bank, leia o QR Code e aprove o acesso",
			Attributes:   map[string]string{"name": "qr", "data": qrImage("approve:" + it.id)},
			ExpiresAt:    fmtTime(ex.expiresAt),
		}
		b.queue("item/waiting_user_action", payload)
	case stepEnd:
		s.finish(b, it, st.status, at)
	}
}

// leave ends the current (auto or answered) step at `at` and enters the
// next one.
func (s *Server) leave(b *bankState, it *itemState, at time.Time) {
	ex := it.exec
	if ex.steps[ex.i].check && ex.failed {
		s.finish(b, it, "INVALID_CREDENTIALS_MFA", at)
		return
	}
	ex.i++
	s.enter(b, it, at)
}

// advance moves it along the clock up to now: auto steps last the step
// duration, a step already seen by a read ends at once (one step a read),
// a wait expires, and an idle item starts its auto-sync when due.
func (s *Server) advance(b *bankState, it *itemState, now time.Time) {
	for guard := 0; guard < 10000; guard++ {
		ex := it.exec
		if ex == nil {
			if it.autoSync && it.nextAutoSyncAt != nil && !now.Before(*it.nextAutoSyncAt) {
				s.start(b, it, *it.nextAutoSyncAt, false, true, "SYNC")
				continue
			}
			return
		}
		switch ex.steps[ex.i].kind {
		case stepAuto:
			if d := s.stepDuration; d > 0 && !now.Before(ex.since.Add(d)) {
				s.leave(b, it, ex.since.Add(d))
				continue
			}
			if ex.observed {
				s.leave(b, it, now)
			}
			return
		case stepInput, stepOAuth, stepAction:
			if now.After(ex.expiresAt) {
				code := "USER_INPUT_TIMEOUT"
				if ex.steps[ex.i].kind == stepAction {
					code = "USER_AUTHORIZATION_NOT_GRANTED"
				}
				s.finish(b, it, code, ex.expiresAt)
				continue
			}
			return
		default:
			return
		}
	}
}

// finish ends the execution of it at `at` with outcome: "" (SUCCESS),
// PARTIAL_SUCCESS, or an item error code.
func (s *Server) finish(b *bankState, it *itemState, outcome string, at time.Time) {
	ex := it.exec
	it.exec = nil
	it.updatedAt, it.lastEndedAt = at, at
	it.parameter, it.userAction = nil, nil
	payload := map[string]any{"itemId": it.id, "triggeredBy": ex.triggeredBy}
	switch outcome {
	case "", "PARTIAL_SUCCESS":
		it.status, it.execStatus = "UPDATED", "SUCCESS"
		t := at
		it.lastUpdatedAt = &t
		it.consecutiveFailed = 0
		it.err = nil
		if outcome == "PARTIAL_SUCCESS" {
			it.execStatus = "PARTIAL_SUCCESS"
			it.statusDetail = partialDetail(at)
		}
		if it.autoSync && it.conn.autoSyncs() {
			next := at.Add(24 * time.Hour)
			it.nextAutoSyncAt = &next
		}
		b.queue("item/updated", payload)
		if !it.connected {
			s.connect(b, it, at)
		} else {
			s.syncData(b, it, at)
		}
	default:
		it.status, it.execStatus = "OUTDATED", outcome
		if loginErrors[outcome] {
			it.status = "LOGIN_ERROR"
			it.consecutiveFailed++
			it.nextAutoSyncAt = nil
		}
		it.err = &itemErrorJSON{Code: outcome, Message: errorTexts[outcome]}
		switch outcome {
		case "ACCOUNT_NEEDS_ACTION":
			msg := "Acesse o internet banking e aceite os novos termos de uso."
			it.err.ProviderMessage = &msg
		case "USER_AUTHORIZATION_PENDING":
			it.err.Attributes = map[string]string{
				"deviceNickname": "Pluggy-" + it.id[:8],
				"qrCodes":        qrImage("device-1:"+it.id) + "," + qrImage("device-2:"+it.id),
			}
		}
		payload["error"] = map[string]any{"code": outcome, "message": it.err.Message}
		b.queue("item/error", payload)
	}
	// Keep the last 6 hours, all the health details look at.
	keep := b.endings[:0]
	for _, e := range b.endings {
		if at.Sub(e.at) <= 6*time.Hour {
			keep = append(keep, e)
		}
	}
	b.endings = append(keep, ending{connector: it.conn.id, status: it.execStatus, at: at})
}

// autoSyncs reports whether Pluggy would synchronise the connector's items
// by itself: not when each execution needs the user.
func (c *connectorDef) autoSyncs() bool {
	return c.flow == flowCredentialsOnly || c.flow == flowDeviceAuth
}

func partialDetail(at time.Time) map[string]statusDetailProduct {
	ts := fmtTime(at)
	ok := statusDetailProduct{LastUpdatedAt: &ts, IsUpdated: true, Warnings: []statusDetailWarn{}}
	return map[string]statusDetailProduct{
		"accounts":     {IsUpdated: false, Warnings: []statusDetailWarn{}},
		"creditCards":  ok,
		"transactions": ok,
		"investments":  ok,
		"identity":     ok,
		"loans":        ok,
	}
}

// Handlers.

type itemBody struct {
	ConnectorID      *float64        `json:"connectorId"`
	Parameters       json.RawMessage `json:"parameters"`
	WebhookURL       *string         `json:"webhookUrl"`
	ClientUserID     *string         `json:"clientUserId"`
	OAuthRedirectURI *string         `json:"oauthRedirectUri"`
	Products         []string        `json:"products"`
	AvoidDuplicates  *bool           `json:"avoidDuplicates"`
}

// readItemBody decodes the body of POST /items or PATCH /items/{id} (an
// empty body is an empty object) and its parameters, decrypting them when
// the server holds a credentials key (WithCredentialsPrivateKey).
func (s *Server) readItemBody(w http.ResponseWriter, r *http.Request) (*itemBody, map[string]string, bool) {
	var body itemBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Body is not valid JSON: "+err.Error())
		return nil, nil, false
	}
	var params map[string]string
	if len(body.Parameters) > 0 && string(body.Parameters) != "null" {
		raw := []byte(body.Parameters)
		switch {
		case raw[0] == '"' && s.credentialsKey == nil:
			writeError(w, http.StatusBadRequest, "CONNECTOR_VALIDATION_ERROR",
				"encrypted parameters need the server's private key (pluggytest.WithCredentialsPrivateKey); send them as an object")
			return nil, nil, false
		case raw[0] == '"':
			plain, err := s.decryptParameters(raw)
			if err != nil {
				writeError(w, http.StatusBadRequest, "CONNECTOR_VALIDATION_ERROR", "parameters could not be decrypted: "+err.Error())
				return nil, nil, false
			}
			raw = plain
		case s.credentialsKey != nil:
			writeError(w, http.StatusBadRequest, "CONNECTOR_VALIDATION_ERROR",
				"parameters must be encrypted with the connector's public key (this server holds its private key)")
			return nil, nil, false
		}
		if err := json.Unmarshal(raw, &params); err != nil {
			writeError(w, http.StatusBadRequest, "CONNECTOR_VALIDATION_ERROR", "parameters must be an object of strings")
			return nil, nil, false
		}
	}
	for _, p := range body.Products {
		if !contains(productNames, p) {
			writeError(w, http.StatusBadRequest, "INVALID_REQUEST",
				"each value in products must be one of the following values: "+strings.Join(productNames, ", "))
			return nil, nil, false
		}
	}
	for name, v := range map[string]*string{"webhookUrl": body.WebhookURL, "oauthRedirectUri": body.OAuthRedirectURI} {
		if v == nil {
			continue
		}
		if u, err := url.Parse(*v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			writeError(w, http.StatusBadRequest, "INVALID_REQUEST", name+" must be a URL address")
			return nil, nil, false
		}
	}
	return &body, params, true
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) {
	body, params, ok := s.readItemBody(w, r)
	if !ok {
		return
	}
	if body.ConnectorID == nil || *body.ConnectorID != float64(int(*body.ConnectorID)) {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "connectorId must be a number")
		return
	}
	conn, found := s.connector(int(*body.ConnectorID))
	if !found {
		writeError(w, http.StatusNotFound, "CONNECTOR_NOT_FOUND", "connector not found")
		return
	}
	if params == nil {
		params = map[string]string{}
	}
	if errs := conn.checkParams(params, true); len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "codeDescription": "CONNECTOR_VALIDATION_ERROR",
			"message": "Connector parameters do not match validation rules", "errors": errs})
		return
	}
	id := s.newID()
	var (
		out  itemJSON
		dups []string
	)
	s.withBank(func(b *bankState, now time.Time) {
		if body.AvoidDuplicates != nil && *body.AvoidDuplicates {
			for _, oid := range b.itemOrder {
				if o := b.items[oid]; o.conn == conn && sameCredentials(conn, o.params, params) {
					dups = append(dups, oid)
				}
			}
			if len(dups) > 0 {
				return
			}
		}
		products := body.Products
		if len(products) == 0 {
			products = conn.products
		}
		it := &itemState{
			id: id, conn: conn, params: params, webhookURL: body.WebhookURL, clientUserID: body.ClientUserID,
			oauthRedirectURI: body.OAuthRedirectURI, products: append([]string(nil), products...),
			createdAt: now, autoSync: true,
		}
		b.items[id] = it
		b.itemOrder = append(b.itemOrder, id)
		b.queue("item/created", map[string]any{"itemId": id, "triggeredBy": "CLIENT"})
		s.start(b, it, now, true, false, "CLIENT")
		out = b.itemJSON(it)
	})
	if len(dups) > 0 {
		writeJSON(w, http.StatusConflict, map[string]any{"code": 409, "codeDescription": "ITEM_USER_ALREADY_EXISTS",
			"message": "There are other items with the same credentials, you can't create a new one",
			"data":    map[string]any{"items": dups}})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// sameCredentials reports whether two sets of parameters log in the same
// user (MFA values aside).
func sameCredentials(c *connectorDef, a, b map[string]string) bool {
	for _, cr := range c.credentials {
		if !cr.MFA && a[cr.Name] != b[cr.Name] {
			return false
		}
	}
	return true
}

// withItem runs f on the item of the request's {id}, answering 404 when
// there is none; f answers the request itself.
func (s *Server) withItem(w http.ResponseWriter, r *http.Request, f func(b *bankState, it *itemState, now time.Time) (int, any)) {
	id := r.PathValue("id")
	status, out := http.StatusNotFound, any(nil)
	s.withBank(func(b *bankState, now time.Time) {
		it, ok := b.items[id]
		if !ok {
			return
		}
		s.advance(b, it, now)
		status, out = f(b, it, now)
	})
	switch {
	case out == nil && status == http.StatusNotFound:
		writeError(w, http.StatusNotFound, "ITEM_NOT_FOUND", "item not found")
	case out == nil:
		w.WriteHeader(status)
	default:
		writeJSON(w, status, out)
	}
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	s.withItem(w, r, func(b *bankState, it *itemState, _ time.Time) (int, any) {
		return http.StatusOK, b.itemJSON(it)
	})
}

func (s *Server) updateItem(w http.ResponseWriter, r *http.Request) {
	body, params, ok := s.readItemBody(w, r)
	if !ok {
		return
	}
	s.withItem(w, r, func(b *bankState, it *itemState, now time.Time) (int, any) {
		if it.exec != nil {
			// An execution is running: the update changes nothing.
			return http.StatusOK, b.itemJSON(it)
		}
		if it.consecutiveFailed >= 2 && now.Before(it.lastEndedAt.Add(15*time.Minute)) {
			retry := it.lastEndedAt.Add(15 * time.Minute)
			return http.StatusBadRequest, map[string]any{"code": 400, "codeDescription": "TOO_MANY_CONSECUTIVE_LOGIN_FAILURES",
				"message": fmt.Sprintf("must wait at least 15 minutes after 2 consecutive login errors, last attempt was at %s (can retry after: %s)",
					fmtTime(it.lastEndedAt), fmtTime(retry)),
				"data": map[string]any{"readableBackoffTime": "15 minutes", "maxConsecutiveFailedLoginAttempts": 2,
					"lastExecutionEndedAt": fmtTime(it.lastEndedAt), "canRetryAfterDate": fmtTime(retry)}}
		}
		merged := map[string]string{}
		for k, v := range it.params {
			if cr := credentialNamed(it.conn, k); cr == nil || !cr.MFA {
				merged[k] = v
			}
		}
		for k, v := range params {
			merged[k] = v
		}
		if cr := it.conn.mfaCredential(); cr != nil && strings.TrimSpace(merged[cr.Name]) == "" {
			return http.StatusBadRequest, map[string]any{"code": 400, "codeDescription": "CONNECTOR_REQUIRED_PARAMETER_VALIDATION_ERROR",
				"message": "The parameter '" + cr.Name + "' is required to be renewed for item update.",
				"errors":  []paramErrorJSON{{Code: "001", Parameter: cr.Name, Message: "Parameter '" + cr.Name + "' is required"}},
				"data":    map[string]any{"parameter": cr.Name}}
		}
		if errs := it.conn.checkParams(merged, true); len(errs) > 0 {
			return http.StatusBadRequest, map[string]any{"code": 400, "codeDescription": "CONNECTOR_VALIDATION_ERROR",
				"message": "Connector parameters do not match validation rules", "errors": errs}
		}
		it.params = merged
		if body.WebhookURL != nil {
			it.webhookURL = body.WebhookURL
		}
		if body.ClientUserID != nil {
			it.clientUserID = body.ClientUserID
		}
		if len(body.Products) > 0 {
			it.products = append([]string(nil), body.Products...)
		}
		if it.execStatus == "USER_AUTHORIZATION_PENDING" {
			// The update after a pending device authorisation tells Pluggy the
			// user has authorised it in the app.
			it.deviceAuthorized = true
		}
		s.start(b, it, now, false, false, "CLIENT")
		return http.StatusOK, b.itemJSON(it)
	})
}

func credentialNamed(c *connectorDef, name string) *credentialJSON {
	for i := range c.credentials {
		if c.credentials[i].Name == name {
			return &c.credentials[i]
		}
	}
	return nil
}

func (s *Server) deleteItem(w http.ResponseWriter, r *http.Request) {
	s.withItem(w, r, func(b *bankState, it *itemState, _ time.Time) (int, any) {
		b.removeItem(it)
		b.queue("item/deleted", map[string]any{"itemId": it.id, "triggeredBy": "CLIENT"})
		return http.StatusOK, map[string]any{"count": 1}
	})
}

func (s *Server) sendMFA(w http.ResponseWriter, r *http.Request) {
	var answers map[string]string
	if err := json.NewDecoder(r.Body).Decode(&answers); err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Body must be an object of strings: "+err.Error())
		return
	}
	s.withItem(w, r, func(b *bankState, it *itemState, now time.Time) (int, any) {
		ex := it.exec
		if ex == nil || ex.steps[ex.i].kind != stepInput {
			return http.StatusBadRequest, map[string]any{"code": 400, "codeDescription": "ITEM_NOT_WAITING_USER_INPUT",
				"message": "The item is not waiting for user input (status " + it.status + ")"}
		}
		ch := ex.steps[ex.i].challenge
		v, ok := answers[ch.param.Name]
		if !ok {
			return http.StatusBadRequest, map[string]any{"code": 400, "codeDescription": "CONNECTOR_VALIDATION_ERROR",
				"message": "Parameter '" + ch.param.Name + "' is required",
				"errors":  []paramErrorJSON{{Code: "001", Parameter: ch.param.Name, Message: ch.param.Name + " parameter is required"}}}
		}
		ex.i++
		s.enter(b, it, now)
		it.exec.failed = !ch.accept(v)
		return http.StatusOK, b.itemJSON(it)
	})
}

func (s *Server) disableAutoSync(w http.ResponseWriter, r *http.Request) {
	s.withItem(w, r, func(b *bankState, it *itemState, now time.Time) (int, any) {
		it.autoSync, it.nextAutoSyncAt = false, nil
		it.updatedAt = now
		return http.StatusOK, b.itemJSON(it)
	})
}

// Approve plays the user's part outside the API for the item: approving
// the access in the bank's app (WAITING_USER_ACTION, connector
// ConnectorAppApproval) or consenting at the institution (the oauth
// parameter of ConnectorOpenFinance). The execution then carries on. It
// fails when the item does not exist or waits for no such thing.
func (s *Server) Approve(itemID string) error {
	var err error
	s.withBank(func(b *bankState, now time.Time) {
		it, ok := b.items[itemID]
		if !ok {
			err = fmt.Errorf("pluggytest: no item %q", itemID)
			return
		}
		s.advance(b, it, now)
		ex := it.exec
		if ex == nil || (ex.steps[ex.i].kind != stepAction && ex.steps[ex.i].kind != stepOAuth) {
			err = fmt.Errorf("pluggytest: item %s waits for no approval (status %s, executionStatus %s)", itemID, it.status, it.execStatus)
			return
		}
		ex.i++
		s.enter(b, it, now)
	})
	return err
}

// oauthConsent is the institution's consent page of an oauth parameter:
// visiting it approves, then sends the user to the item's oauthRedirectUri.
func (s *Server) oauthConsent(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.Approve(id); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var redirect string
	s.withBank(func(b *bankState, _ time.Time) {
		if it := b.items[id]; it != nil && it.oauthRedirectURI != nil {
			redirect = *it.oauthRedirectURI
		}
	})
	if redirect != "" {
		http.Redirect(w, r, redirect, http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "Acesso autorizado. Você já pode voltar ao aplicativo.\n")
}

// AddConnectedItem adds an item of the connector that is already connected
// (UPDATED, SUCCESS) with all its data and the connector's sample
// credentials (user-ok, password-ok, ...), as if it had been created and
// driven to its end at the server's current time, without emitting
// events. It returns the item's id. Use it to test code that reads data
// without going through a connection.
func (s *Server) AddConnectedItem(connectorID int) (string, error) {
	conn, ok := s.connector(connectorID)
	if !ok {
		return "", fmt.Errorf("pluggytest: no connector %d", connectorID)
	}
	id := s.newID()
	s.withBank(func(b *bankState, now time.Time) {
		it := &itemState{id: id, conn: conn, params: conn.sampleParams(), products: append([]string(nil), conn.products...),
			createdAt: now, autoSync: true, deviceAuthorized: true}
		b.items[id] = it
		b.itemOrder = append(b.itemOrder, id)
		it.exec = &execution{triggeredBy: "CLIENT"}
		s.finish(b, it, "", now)
		b.pending = nil
	})
	return id, nil
}

// itemWebhookURL returns the webhookUrl an item was created (or last
// updated) with, for the delivery of its events; false when the item does
// not exist or has none.
func (s *Server) itemWebhookURL(itemID string) (string, bool) {
	var url string
	s.withBank(func(b *bankState, _ time.Time) {
		if it := b.items[itemID]; it != nil && it.webhookURL != nil {
			url = *it.webhookURL
		}
	})
	return url, url != ""
}

// removeItem deletes it and everything it collected.
func (b *bankState) removeItem(it *itemState) {
	delete(b.items, it.id)
	for i, id := range b.itemOrder {
		if id == it.id {
			b.itemOrder = append(b.itemOrder[:i:i], b.itemOrder[i+1:]...)
			break
		}
	}
	for _, aid := range it.accountIDs {
		if a := b.accounts[aid]; a != nil {
			delete(b.byOrdinal, a.ordinal)
		}
		delete(b.accounts, aid)
	}
	deleteOwned(b.investments, it.id, func(v *investment) string { return v.itemID })
	deleteOwned(b.identities, it.id, func(v *identity) string { return v.itemID })
	deleteOwned(b.loans, it.id, func(v *loan) string { return v.itemID })
	deleteOwned(b.bills, it.id, func(v *bill) string { return v.itemID })
	deleteOwned(b.consents, it.id, func(v *consent) string { return v.itemID })
	deleteOwned(b.statements, it.id, func(v *statement) string { return v.itemID })
}

// deleteOwned deletes from m the values of the item itemID.
func deleteOwned[V any](m map[string]V, itemID string, owner func(V) string) {
	for id, v := range m {
		if owner(v) == itemID {
			delete(m, id)
		}
	}
}
