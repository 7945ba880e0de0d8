package pluggytest

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Connector ids of the server's catalogue. Every password is "password-ok"
// and every MFA token "123456"; see the package documentation for the flow
// of each connector.
const (
	// ConnectorPluggyBank is the sandbox "Pluggy Bank": user and password,
	// then a 6-digit token asked in a second step (WAITING_USER_INPUT).
	ConnectorPluggyBank = 0
	// ConnectorMFAOneStep takes the token with the credentials (a credential
	// with mfa: true).
	ConnectorMFAOneStep = 1
	// ConnectorBusiness is a business bank that asks, after the login, which
	// company to connect (select parameter selectedCompany).
	ConnectorBusiness = 2
	// ConnectorJointAccount asks which owner of a joint account connects
	// (select selectedOwner), then a token: two answers in turn.
	ConnectorJointAccount = 3
	// ConnectorQRToken asks for a token read from a QR code shown in the
	// parameter's data (image parameter).
	ConnectorQRToken = 4
	// ConnectorAppApproval waits for the user to approve the access in the
	// bank's app (WAITING_USER_ACTION); Server.Approve plays the user.
	ConnectorAppApproval = 5
	// ConnectorOpenFinance is an Open Finance bank: the user consents at the
	// institution (an oauth parameter whose data is the URL to visit, or
	// Server.Approve); its items have consents.
	ConnectorOpenFinance = 6
	// ConnectorItau is a live-like bank with credentials only.
	ConnectorItau = 201
	// ConnectorCaixa is a live-like bank with Caixa's device authorisation:
	// the first execution ends in USER_AUTHORIZATION_PENDING, and an update
	// with an empty body (PATCH /items/{id}) completes it.
	ConnectorCaixa = 219
)

// Credential values the server accepts.
const (
	// SandboxUser is the user name of a successful connection on the
	// connectors that take a user; other sandbox user names choose an error
	// (see the package documentation).
	SandboxUser = "user-ok"
	// SandboxPassword is the only password the server accepts.
	SandboxPassword = "password-ok"
	// SandboxToken is the only MFA token the server accepts.
	SandboxToken = "123456"
)

// connectorFlow says what a connector's executions do after the login.
type connectorFlow int

const (
	flowCredentialsOnly connectorFlow = iota
	flowMFAOneStep
	flowChallenges
	flowUserAction
	flowOAuth
	flowDeviceAuth
)

// connectorDef is one connector of the catalogue.
type connectorDef struct {
	id                                  int
	name, url, color, kind              string
	sandbox, openFinance, payments      bool
	credentials                         []credentialJSON
	flow                                connectorFlow
	challenges                          []challenge
	scenarios                           bool // the user name chooses the outcome
	createdAt                           time.Time
	products                            []string
	supportsBoleto, supportsSmartTransf bool
}

// hasMFA reports a connector that asks for a parameter after the login
// (Connector hasMFA).
func (c *connectorDef) hasMFA() bool {
	return c.flow == flowChallenges || c.flow == flowOAuth
}

// mfaCredential returns the credential with mfa: true, if any.
func (c *connectorDef) mfaCredential() *credentialJSON {
	for i := range c.credentials {
		if c.credentials[i].MFA {
			return &c.credentials[i]
		}
	}
	return nil
}

// challenge is a parameter an execution asks for after the login.
type challenge struct {
	param  credentialJSON
	accept func(string) bool
}

// credentialJSON is a ConnectorCredential, for connector.credentials and
// item.parameter.
type credentialJSON struct {
	Name              string         `json:"name"`
	Label             string         `json:"label"`
	Type              string         `json:"type"`
	Placeholder       string         `json:"placeholder,omitempty"`
	AssistiveText     string         `json:"assistiveText,omitempty"`
	Validation        string         `json:"validation,omitempty"`
	ValidationMessage string         `json:"validationMessage,omitempty"`
	Optional          bool           `json:"optional"`
	MFA               bool           `json:"mfa,omitempty"`
	Options           []selectOption `json:"options,omitempty"`
	Data              string         `json:"data,omitempty"`
	Instructions      string         `json:"instructions,omitempty"`
	ExpiresAt         string         `json:"expiresAt,omitempty"`
}

type selectOption struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// connectorJSON is a Connector.
type connectorJSON struct {
	ID                        int              `json:"id"`
	Name                      string           `json:"name"`
	InstitutionURL            string           `json:"institutionUrl"`
	ImageURL                  string           `json:"imageUrl"`
	PrimaryColor              string           `json:"primaryColor"`
	Type                      string           `json:"type"`
	Country                   string           `json:"country"`
	Credentials               []credentialJSON `json:"credentials"`
	HasMFA                    bool             `json:"hasMFA"`
	Products                  []string         `json:"products"`
	OAuth                     bool             `json:"oauth"`
	Health                    healthJSON       `json:"health"`
	IsOpenFinance             bool             `json:"isOpenFinance"`
	IsSandbox                 bool             `json:"isSandbox"`
	SupportsPaymentInitiation bool             `json:"supportsPaymentInitiation"`
	SupportsScheduledPayments bool             `json:"supportsScheduledPayments"`
	SupportsSmartTransfers    bool             `json:"supportsSmartTransfers"`
	SupportsBoletoManagement  bool             `json:"supportsBoletoManagement"`
	SupportsAutomaticPix      bool             `json:"supportsAutomaticPix"`
	CreatedAt                 string           `json:"createdAt"`
	UpdatedAt                 string           `json:"updatedAt"`
}

type healthJSON struct {
	Status  string             `json:"status"`
	Stage   *string            `json:"stage"`
	Details *healthDetailsJSON `json:"details,omitempty"`
}

type healthDetailsJSON struct {
	ConnectionRateLast6Hours *float64 `json:"connectionRateLast6Hours"`
	ConnectionsLast6Hours    int      `json:"connectionsLast6Hours"`
}

var (
	allProducts = []string{"ACCOUNTS", "CREDIT_CARDS", "TRANSACTIONS", "PAYMENT_DATA", "INVESTMENTS",
		"INVESTMENTS_TRANSACTIONS", "IDENTITY", "LOANS"}
	connectorTypes = []string{"PERSONAL_BANK", "BUSINESS_BANK", "INVESTMENT", "INVOICE", "TELECOMMUNICATION", "OTHER"}
	productNames   = []string{"ACCOUNTS", "CREDIT_CARDS", "TRANSACTIONS", "PAYMENT_DATA", "INVESTMENTS",
		"INVESTMENTS_TRANSACTIONS", "IDENTITY", "BROKERAGE_NOTE", "MOVE_SECURITY", "LOANS"}
)

func userCredential() credentialJSON {
	return credentialJSON{Name: "user", Label: "Usuário", Type: "text", Placeholder: "user-ok",
		AssistiveText: "No sandbox, o nome do usuário escolhe o cenário: user-ok conecta com sucesso."}
}

func passwordCredential() credentialJSON {
	return credentialJSON{Name: "password", Label: "Senha", Type: "password", Placeholder: "password-ok"}
}

func tokenChallenge(typ string) credentialJSON {
	return credentialJSON{Name: "token", Label: "Token", Type: typ, Placeholder: "123456",
		AssistiveText:     "Digite o código de 6 dígitos enviado por SMS",
		Validation:        `^\d{6}$`,
		ValidationMessage: "O token deve ter 6 dígitos"}
}

func isToken(v string) bool { return v == SandboxToken }

// catalogue returns the connectors of the server, ids ascending.
func catalogue() []*connectorDef {
	created := time.Date(2020, 6, 1, 12, 0, 0, 0, time.UTC)
	base := func(id int, name, kind string) *connectorDef {
		return &connectorDef{id: id, name: name, kind: kind, sandbox: true, url: "https://pluggy.ai",
			color: "ef294b", credentials: []credentialJSON{userCredential(), passwordCredential()},
			scenarios: true, createdAt: created, products: allProducts}
	}
	pluggyBank := base(ConnectorPluggyBank, "Pluggy Bank", "PERSONAL_BANK")
	pluggyBank.flow = flowChallenges
	pluggyBank.challenges = []challenge{{param: tokenChallenge("number"), accept: isToken}}

	oneStep := base(ConnectorMFAOneStep, "Pluggy Bank MFA 1 Etapa", "PERSONAL_BANK")
	oneStep.flow = flowMFAOneStep
	tok := tokenChallenge("number")
	tok.MFA = true
	tok.AssistiveText = "Código do seu aplicativo autenticador"
	oneStep.credentials = append(oneStep.credentials, tok)

	business := base(ConnectorBusiness, "Pluggy Bank Empresas", "BUSINESS_BANK")
	business.flow = flowChallenges
	companies := []selectOption{
		{Value: "48293017000155", Label: "Padaria Pão Dourado LTDA - 48.293.017/0001-55"},
		{Value: "27415630000108", Label: "Oficina Mecânica Boa Viagem ME - 27.415.630/0001-08"},
	}
	business.challenges = []challenge{{
		param: credentialJSON{Name: "selectedCompany", Label: "Selecione a empresa", Type: "select",
			AssistiveText: "Escolha a empresa que deseja conectar", Options: companies},
		accept: optionOf(companies),
	}}

	joint := base(ConnectorJointAccount, "Pluggy Bank Conta Conjunta", "PERSONAL_BANK")
	joint.flow = flowChallenges
	owners := []selectOption{
		{Value: "1", Label: "Maria Aparecida da Silva - 1º titular"},
		{Value: "2", Label: "José Carlos da Silva - 2º titular"},
	}
	joint.challenges = []challenge{
		{param: credentialJSON{Name: "selectedOwner", Label: "Titular da conta", Type: "select",
			AssistiveText: "Escolha o titular que vai acessar", Options: owners}, accept: optionOf(owners)},
		{param: tokenChallenge("number"), accept: isToken},
	}

	qr := base(ConnectorQRToken, "Pluggy Bank QR Code", "PERSONAL_BANK")
	qr.flow = flowChallenges
	qrParam := tokenChallenge("image")
	qrParam.Label = "Token do QR Code"
	qrParam.AssistiveText = "Leia o QR Code com o aplicativo do banco e digite o token exibido"
	qrParam.Data = qrImage("pluggytest-qr-token")
	qr.challenges = []challenge{{param: qrParam, accept: isToken}}

	app := base(ConnectorAppApproval, "Pluggy Bank App", "PERSONAL_BANK")
	app.flow = flowUserAction

	of := base(ConnectorOpenFinance, "Pluggy Bank Open Finance", "PERSONAL_BANK")
	of.flow = flowOAuth
	of.scenarios = false
	of.openFinance, of.payments, of.supportsSmartTransf = true, true, true
	of.credentials = []credentialJSON{{Name: "cpf", Label: "CPF", Type: "number", Placeholder: "000.000.000-00",
		Validation: `^\d{3}\.?\d{3}\.?\d{3}-?\d{2}$`, ValidationMessage: "O CPF deve ter 11 números"}}

	itau := &connectorDef{id: ConnectorItau, name: "Itaú", kind: "PERSONAL_BANK", url: "https://www.itau.com.br",
		color: "EC7000", createdAt: created, products: allProducts, supportsBoleto: true,
		credentials: []credentialJSON{
			{Name: "agency", Label: "Agência", Type: "number", Placeholder: "0000", Validation: `^\d{4}$`,
				ValidationMessage: "A agência deve ter 4 números"},
			{Name: "account", Label: "Conta", Type: "number", Placeholder: "00000-0", Validation: `^\d{5}-?\d$`,
				ValidationMessage: "A conta deve ter 6 números"},
			{Name: "password", Label: "Senha eletrônica", Type: "password", Placeholder: "password-ok"},
		}}

	caixa := &connectorDef{id: ConnectorCaixa, name: "Caixa Econômica Federal", kind: "PERSONAL_BANK",
		url: "https://www.caixa.gov.br", color: "1C60AB", createdAt: created, products: allProducts,
		flow: flowDeviceAuth,
		credentials: []credentialJSON{
			{Name: "user", Label: "CPF", Type: "number", Placeholder: "000.000.000-00",
				Validation: `^\d{3}\.?\d{3}\.?\d{3}-?\d{2}$`, ValidationMessage: "O CPF deve ter 11 números"},
			{Name: "password", Label: "Senha do Internet Banking", Type: "password", Placeholder: "password-ok"},
		}}
	return []*connectorDef{pluggyBank, oneStep, business, joint, qr, app, of, itau, caixa}
}

// sampleParams returns credentials the connector accepts (user-ok,
// password-ok, token 123456, ...).
func (c *connectorDef) sampleParams() map[string]string {
	samples := map[string]string{"user": SandboxUser, "password": SandboxPassword, "token": SandboxToken,
		"agency": "0001", "account": "12345-6", "cpf": "123.456.789-09"}
	if !c.scenarios {
		samples["user"] = "123.456.789-09"
	}
	out := map[string]string{}
	for _, cr := range c.credentials {
		out[cr.Name] = samples[cr.Name]
	}
	return out
}

func optionOf(opts []selectOption) func(string) bool {
	return func(v string) bool {
		for _, o := range opts {
			if o.Value == v {
				return true
			}
		}
		return false
	}
}

// json returns the connector as the API writes it; details adds the
// health details of the last 6 hours.
func (c *connectorDef) json(details *healthDetailsJSON) connectorJSON {
	creds := make([]credentialJSON, len(c.credentials))
	copy(creds, c.credentials)
	products := append([]string(nil), c.products...)
	return connectorJSON{
		ID: c.id, Name: c.name, InstitutionURL: c.url,
		ImageURL:     "https://cdn.pluggy.ai/assets/connector-icons/" + strconv.Itoa(c.id) + ".svg",
		PrimaryColor: c.color, Type: c.kind, Country: "BR", Credentials: creds, HasMFA: c.hasMFA(),
		Products: products, OAuth: c.flow == flowOAuth,
		Health:        healthJSON{Status: "ONLINE", Details: details},
		IsOpenFinance: c.openFinance, IsSandbox: c.sandbox,
		SupportsPaymentInitiation: c.payments, SupportsScheduledPayments: c.payments,
		SupportsSmartTransfers: c.supportsSmartTransf, SupportsBoletoManagement: c.supportsBoleto,
		SupportsAutomaticPix: c.payments,
		CreatedAt:            fmtTime(c.createdAt), UpdatedAt: fmtTime(c.createdAt.AddDate(5, 0, 0)),
	}
}

// checkParams validates parameters against the connector's credentials,
// like POST /connectors/{id}/validate and POST /items: "001" for a missing
// credential, "002" for one that fails its validation.
func (c *connectorDef) checkParams(params map[string]string, requireMFA bool) []paramErrorJSON {
	errs := []paramErrorJSON{}
	for _, cr := range c.credentials {
		v, ok := params[cr.Name]
		if !ok || strings.TrimSpace(v) == "" {
			if cr.Optional || (cr.MFA && !requireMFA) {
				continue
			}
			errs = append(errs, paramErrorJSON{Code: "001", Parameter: cr.Name, Message: cr.Name + " parameter is required"})
			continue
		}
		if cr.Validation != "" && !regexp.MustCompile(cr.Validation).MatchString(v) {
			msg := cr.ValidationMessage
			if msg == "" {
				msg = cr.Name + " parameter is invalid"
			}
			errs = append(errs, paramErrorJSON{Code: "002", Parameter: cr.Name, Message: msg})
		}
	}
	return errs
}

// paramErrorJSON is a FieldViolation.
type paramErrorJSON struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Parameter string `json:"parameter"`
}

func setupConnectors(s *Server) {
	s.handle("GET /connectors", s.listConnectors)
	s.handle("GET /connectors/{id}", s.getConnector)
	s.handle("POST /connectors/{id}/validate", s.validateConnector)
}

func init() { registerFeature(setupConnectors) }

// connector returns the connector with the given id.
func (s *Server) connector(id int) (*connectorDef, bool) {
	for _, c := range s.bank().connectors {
		if c.id == id {
			return c, true
		}
	}
	return nil, false
}

func (s *Server) listConnectors(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// Every connector is Brazilian: countries is only validated.
	if _, ok := csvParam(w, q.Get("countries"), "countries", []string{"BR"}); !ok {
		return
	}
	types, ok := csvParam(w, q.Get("types"), "types", connectorTypes)
	if !ok {
		return
	}
	flags := map[string]*bool{}
	for _, name := range []string{"sandbox", "healthDetails", "isOpenFinance", "supportsPaymentInitiation",
		"supportsSmartTransfers", "supportsAutomaticPix"} {
		v, ok := boolParam(w, q, name)
		if !ok {
			return
		}
		flags[name] = v
	}
	name := foldAccents(strings.ToLower(strings.TrimSpace(q.Get("name"))))
	results := []connectorJSON{}
	for _, c := range s.bank().connectors {
		switch {
		case c.sandbox && (flags["sandbox"] == nil || !*flags["sandbox"]):
			continue
		case len(types) > 0 && !contains(types, c.kind):
			continue
		case name != "" && !strings.Contains(foldAccents(strings.ToLower(c.name)), name):
			continue
		case !flagMatches(flags["isOpenFinance"], c.openFinance),
			!flagMatches(flags["supportsPaymentInitiation"], c.payments),
			!flagMatches(flags["supportsSmartTransfers"], c.supportsSmartTransf),
			!flagMatches(flags["supportsAutomaticPix"], c.payments):
			continue
		}
		results = append(results, s.withHealth(c.json(s.healthDetails(c, flags["healthDetails"]))))
	}
	writeJSON(w, http.StatusOK, map[string]any{"page": 1, "total": len(results), "totalPages": 1, "results": results})
}

func (s *Server) getConnector(w http.ResponseWriter, r *http.Request) {
	c, ok := s.connectorFromPath(w, r)
	if !ok {
		return
	}
	details, ok := boolParam(w, r.URL.Query(), "healthDetails")
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.withHealth(c.json(s.healthDetails(c, details))))
}

func (s *Server) validateConnector(w http.ResponseWriter, r *http.Request) {
	c, ok := s.connectorFromPath(w, r)
	if !ok {
		return
	}
	var params map[string]string
	if !readJSON(w, r, &params) {
		return
	}
	if params == nil {
		params = map[string]string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"parameters": params, "errors": c.checkParams(params, true)})
}

func (s *Server) connectorFromPath(w http.ResponseWriter, r *http.Request) (*connectorDef, bool) {
	id, err := strconv.ParseFloat(r.PathValue("id"), 64)
	if err != nil || id != float64(int(id)) {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "id must be a number")
		return nil, false
	}
	c, ok := s.connector(int(id))
	if !ok {
		writeError(w, http.StatusNotFound, "CONNECTOR_NOT_FOUND", "connector not found")
		return nil, false
	}
	return c, true
}

// healthDetails computes the health details of c when asked: the
// executions of its items that ended in the last 6 hours, and the share of
// them that reached the institution.
func (s *Server) healthDetails(c *connectorDef, asked *bool) *healthDetailsJSON {
	if asked == nil || !*asked {
		return nil
	}
	b := s.bank()
	now := s.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	d := &healthDetailsJSON{}
	ok := 0
	for _, e := range b.endings {
		if e.connector != c.id || now.Sub(e.at) > 6*time.Hour {
			continue
		}
		d.ConnectionsLast6Hours++
		switch e.status {
		case "CONNECTION_ERROR", "ERROR", "SITE_NOT_AVAILABLE":
		default:
			ok++
		}
	}
	if d.ConnectionsLast6Hours > 0 {
		rate := float64(100*ok) / float64(d.ConnectionsLast6Hours)
		d.ConnectionRateLast6Hours = &rate
	}
	return d
}

// csvParam splits a comma-joined query parameter and checks each value
// against allowed; it answers 400 on an unknown value.
func csvParam(w http.ResponseWriter, raw, name string, allowed []string) ([]string, bool) {
	if strings.TrimSpace(raw) == "" {
		return nil, true
	}
	var out []string
	for _, v := range strings.Split(raw, ",") {
		v = strings.TrimSpace(v)
		if !contains(allowed, v) {
			writeError(w, http.StatusBadRequest, "INVALID_REQUEST",
				"each value in "+name+" must be one of the following values: "+strings.Join(allowed, ", "))
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// boolParam reads an optional boolean query parameter; it answers 400 when
// the value is not true or false.
func boolParam(w http.ResponseWriter, q map[string][]string, name string) (*bool, bool) {
	vs, ok := q[name]
	if !ok || len(vs) == 0 || vs[0] == "" {
		return nil, true
	}
	b, err := strconv.ParseBool(vs[0])
	if err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", name+" must be a boolean value")
		return nil, false
	}
	return &b, true
}

func flagMatches(want *bool, have bool) bool { return want == nil || *want == have }

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

var accentFolder = strings.NewReplacer("á", "a", "à", "a", "â", "a", "ã", "a", "é", "e", "ê", "e", "í", "i",
	"ó", "o", "ô", "o", "õ", "o", "ú", "u", "ü", "u", "ç", "c")

// foldAccents drops the Portuguese accents of a lower-case name, so that
// name=itau finds Itaú.
func foldAccents(s string) string { return accentFolder.Replace(s) }
