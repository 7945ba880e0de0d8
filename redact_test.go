package pluggy_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// secretCase is one type that holds a secret, filled with secrets.
type secretCase struct {
	name    string
	value   any      // a value of the type, or nil when only pointers exist
	ptr     any      // a pointer to it
	secrets []string // must never show, in any encoding
	// keep are non-secret parts the redacted fmt form still shows.
	keep []string
	// wire marks a type whose encoding/json form is a request or answer
	// body: it must keep the secrets, and a JSON handler shows them when the
	// value is nested in another type (see redact.go).
	wire bool
}

// leaks returns the first secret out shows, as is or encoded the ways fmt
// and encoding/json may show bytes (hex, base64, a []byte's decimals).
func leaks(out string, secrets []string) (string, bool) {
	for _, s := range secrets {
		b := []byte(s)
		for _, form := range []string{
			s, hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
			base64.StdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
			strings.Trim(fmt.Sprint(b), "[]"), fmt.Sprintf("%q", s),
		} {
			if strings.Contains(out, form) {
				return s, true
			}
		}
	}
	return "", false
}

// containers returns v in the places a user would put it before logging:
// a slice, a map, an exported struct field of its own type and of type any.
func containers(v any) map[string]any {
	t := reflect.TypeOf(v)
	rv := reflect.ValueOf(v)
	slice := reflect.Append(reflect.MakeSlice(reflect.SliceOf(t), 0, 1), rv)
	m := reflect.MakeMap(reflect.MapOf(reflect.TypeFor[string](), t))
	m.SetMapIndex(reflect.ValueOf("k"), rv)
	st := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "Params", Type: t}})).Elem()
	st.Field(0).Set(rv)
	return map[string]any{
		"slice": slice.Interface(), "map": m.Interface(), "struct": st.Interface(),
		"anyField": struct{ Payload any }{v}, "anySlice": []any{v},
	}
}

func secretCases(t *testing.T) []secretCase {
	const (
		password  = "senha-Secreta-7f3Q9"
		encrypted = "eyJhbGciOiJSU0EtT0FFUCJ9.Y2lmcmFkbw-8Kd2"
		urlToken  = "tok-Url-Z81mPq"
		urlPass   = "pw-Userinfo-Lk20"
		hook      = "hook-Secret-Vb6Ty1"
		boleto    = "-----BEGIN PRIVATE KEY-----MIIEvQ"
		access    = "eyJhbGciOiJIUzI1NiJ9.connect-Tk3n"
	)
	hookURL := "https://user:" + urlPass + "@hooks.example.com/pluggy?token=" + urlToken
	createItem := pluggy.CreateItemParams{
		ConnectorID: 201, Parameters: map[string]string{"agency": "0001", "password": password},
		WebhookURL: hookURL, ClientUserID: "user-42", OAuthRedirectURI: "myapp://back?code=" + urlToken,
		Products: []pluggy.Product{pluggy.ProductAccounts}, AvoidDuplicates: pluggy.Ptr(true),
	}
	createEnc := pluggy.CreateItemParams{ConnectorID: 612, EncryptedParameters: encrypted}
	updateItem := pluggy.UpdateItemParams{Parameters: map[string]string{"token": password}, WebhookURL: hookURL, ClientUserID: "user-42"}
	updateEnc := pluggy.UpdateItemParams{EncryptedParameters: encrypted}
	createHook := pluggy.CreateWebhookParams{Event: pluggy.WebhookEventAll, URL: hookURL, Headers: map[string]string{"X-Hook-Secret": hook}}
	updateHook := pluggy.UpdateWebhookParams{URL: hookURL, Headers: map[string]string{"X-Hook-Secret": hook}, Enabled: pluggy.Ptr(true)}
	boletoConn := pluggy.CreateBoletoConnectionParams{ConnectorID: 2, Credentials: map[string]string{"clientId": "inter-id", "clientSecret": password, "privateKey": boleto}}
	token := pluggy.ConnectToken{AccessToken: access}
	validation := pluggy.ConnectorValidation{
		Errors:     []pluggy.FieldViolation{{Code: "INVALID", Message: "bad agency", Parameter: "agency"}},
		Parameters: map[string]string{"agency": "0001", "password": password},
	}
	handler, err := pluggy.NewWebhookHandler(func(context.Context, pluggy.Event) error { return nil },
		pluggy.WithWebhookSecret("X-Hook-Secret", hook, "old-"+hook))
	require.NoError(t, err)
	t.Cleanup(func() { _ = handler.Close() })

	// The fake server, holding its client secret, an API key it issued,
	// an item's credentials and a webhook's secret header; and the requests
	// it recorded, whose bodies carry them.
	const srvSecret = "fake-Client-Secret-Qm4"
	srv := pluggytest.NewServer(pluggytest.WithCredentials("fake-client", srvSecret))
	t.Cleanup(srv.Close)
	resp, err := http.Post(srv.URL+"/auth", "application/json", strings.NewReader(`{"clientId":"fake-client","clientSecret":"`+srvSecret+`"}`))
	require.NoError(t, err)
	var auth struct {
		APIKey string `json:"apiKey"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&auth))
	_ = resp.Body.Close()
	require.NotEmpty(t, auth.APIKey)
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Items.Create(ctx, &pluggy.CreateItemParams{ConnectorID: pluggytest.ConnectorPluggyBank,
		Parameters: map[string]string{"user": pluggytest.SandboxUser, "password": password}})
	require.NoError(t, err)
	_, err = c.Webhooks.Create(ctx, &pluggy.CreateWebhookParams{Event: pluggy.WebhookEventAll, URL: "http://127.0.0.1:9/hook",
		Headers: map[string]string{"X-Hook-Secret": hook}})
	require.NoError(t, err)
	reqs := srv.RequestsTo("POST /items")
	require.Len(t, reqs, 1)
	require.Contains(t, string(reqs[0].Body), password, "the recorded body is the real one")
	authReqs := srv.RequestsTo("POST /auth")
	require.NotEmpty(t, authReqs)
	srvSecrets := []string{srvSecret, auth.APIKey, password, hook}

	// A client holding its secret and a key.
	client, err := pluggy.NewClient("fake-client", srvSecret, pluggy.WithBaseURL(srv.URL), pluggy.WithAPIKey(auth.APIKey))
	require.NoError(t, err)
	_, err = client.Connectors.Get(ctx, pluggytest.ConnectorPluggyBank, nil)
	require.NoError(t, err)

	urlSecrets := []string{urlToken, urlPass}
	return []secretCase{
		{name: "CreateItemParams", value: createItem, ptr: &createItem, wire: true,
			secrets: append([]string{password}, urlSecrets...), keep: []string{"201", "agency:[redacted]", "password:[redacted]", "hooks.example.com/pluggy", "user-42"}},
		{name: "CreateItemParams(encrypted)", value: createEnc, ptr: &createEnc, wire: true,
			secrets: []string{encrypted}, keep: []string{"612", "[encrypted]"}},
		{name: "UpdateItemParams", value: updateItem, ptr: &updateItem, wire: true,
			secrets: append([]string{password}, urlSecrets...), keep: []string{"token:[redacted]", "hooks.example.com"}},
		{name: "UpdateItemParams(encrypted)", value: updateEnc, ptr: &updateEnc, wire: true,
			secrets: []string{encrypted}, keep: []string{"[encrypted]"}},
		{name: "CreateWebhookParams", value: createHook, ptr: &createHook, wire: true,
			secrets: append([]string{hook}, urlSecrets...), keep: []string{"X-Hook-Secret", "hooks.example.com/pluggy"}},
		{name: "UpdateWebhookParams", value: updateHook, ptr: &updateHook, wire: true,
			secrets: append([]string{hook}, urlSecrets...), keep: []string{"X-Hook-Secret", "hooks.example.com/pluggy"}},
		{name: "CreateBoletoConnectionParams", value: boletoConn, ptr: &boletoConn, wire: true,
			secrets: []string{password, boleto}, keep: []string{"ConnectorID: 2", "clientSecret", "privateKey"}},
		{name: "ConnectToken", value: token, ptr: &token, wire: true, secrets: []string{access}, keep: []string{"[redacted]"}},
		{name: "ConnectorValidation", value: validation, ptr: &validation, wire: true,
			secrets: []string{password}, keep: []string{"agency:[redacted]", "bad agency"}},
		// A handler keeps SHA-256 digests of its secrets, which must not show
		// either; it exists only as a pointer.
		{name: "WebhookHandler", ptr: handler, secrets: []string{hook, "old-" + hook, digest(hook), digest("old-" + hook)},
			keep: []string{"X-Hook-Secret", "secrets"}},
		// Its formatting is client.go's; here only that nothing leaks (the
		// JSON handler shows its services as {}).
		{name: "Client", ptr: client, secrets: []string{srvSecret, auth.APIKey}},
		{name: "pluggytest.Server", ptr: srv, secrets: srvSecrets, keep: []string{srv.URL, "fake-client"}},
		{name: "pluggytest.Request(POST /items)", value: reqs[0], ptr: &reqs[0], secrets: []string{password},
			keep: []string{"POST /items", "bytes redacted"}},
		{name: "pluggytest.Request(POST /auth)", value: authReqs[0], ptr: &authReqs[0], secrets: []string{srvSecret},
			keep: []string{"POST /auth"}},
	}
}

// digest is the hex SHA-256 of s.
func digest(s string) string {
	h := sha256Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

var fmtVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"}

// Every type that holds a secret hides it from every fmt verb, on its value
// and on a pointer, nested in slices, maps and structs, and from both of
// log/slog's handlers; the wire JSON of request bodies keeps the secrets.
func TestSecretHoldingTypesNeverPrintTheirSecrets(t *testing.T) {
	for _, tc := range secretCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			forms := map[string]any{"pointer": tc.ptr}
			if tc.value != nil {
				forms["value"] = tc.value
			}
			var nested = map[string]any{}
			for form, v := range forms {
				for name, c := range containers(v) {
					nested[form+" in "+name] = c
				}
			}
			check := func(what, out string) {
				t.Helper()
				if s, bad := leaks(out, tc.secrets); bad {
					t.Errorf("%s shows the secret %q:\n%s", what, s, out)
				}
			}
			for _, verb := range fmtVerbs {
				for form, v := range forms {
					check(verb+" of the "+form, fmt.Sprintf(verb, v))
				}
				for form, v := range nested {
					check(verb+" of the "+form, fmt.Sprintf(verb, v))
				}
			}
			for form, v := range forms {
				check("Sprint of the "+form, fmt.Sprint(v))
				check("Sprintln of the "+form, fmt.Sprintln(v))
				out := fmt.Sprintf("%v", v)
				for _, k := range tc.keep {
					assert.Contains(t, out, k, "the redacted %s keeps what is not secret", form)
				}
			}

			for _, h := range []struct {
				name string
				new  func(*bytes.Buffer) slog.Handler
			}{
				{"JSON", func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
				{"text", func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
			} {
				var buf bytes.Buffer
				log := slog.New(h.new(&buf))
				for form, v := range forms {
					log.Info("msg", "v", v)
					log.Info("msg", slog.Any("v", v))
					log.Info("msg", slog.Group("g", slog.Any("v", v)))
					log.With("v", v).Info("msg")
					log.WithGroup("g").Info("msg", "v", v)
					check(h.name+" handler, "+form, buf.String())
					if h.name == "JSON" {
						for _, k := range tc.keep {
							if !strings.Contains(k, "[") { // the text of a group's attribute
								assert.Contains(t, buf.String(), strings.TrimPrefix(k, "ConnectorID: "), "the JSON log keeps what is not secret")
							}
						}
					}
					buf.Reset()
				}
				for form, v := range nested {
					// encoding/json writes a wire type nested in another one
					// as it goes on the wire (see redact.go): the JSON handler
					// cannot redact it there.
					if h.name == "JSON" && tc.wire {
						continue
					}
					log.Info("msg", "v", v)
					check(h.name+" handler, "+form, buf.String())
					buf.Reset()
				}
			}

			if tc.wire {
				for form, v := range forms {
					b, err := json.Marshal(v)
					require.NoError(t, err)
					for _, s := range tc.secrets {
						assert.Contains(t, string(b), s, "the JSON of the %s is the wire form and keeps every secret", form)
					}
				}
			}
		})
	}
}

// A nil pointer of a secret-holding type prints <nil> and logs without a
// panic reaching the caller.
func TestNilSecretHoldingPointersFormat(t *testing.T) {
	for _, v := range []any{(*pluggy.CreateItemParams)(nil), (*pluggy.UpdateItemParams)(nil), (*pluggy.CreateWebhookParams)(nil),
		(*pluggy.UpdateWebhookParams)(nil), (*pluggy.CreateBoletoConnectionParams)(nil), (*pluggy.ConnectToken)(nil),
		(*pluggy.ConnectorValidation)(nil), (*pluggytest.Server)(nil), (*pluggytest.Request)(nil)} {
		for _, verb := range fmtVerbs {
			assert.Equal(t, "<nil>", fmt.Sprintf(verb, v), "%s of %T", verb, v)
		}
		var buf bytes.Buffer
		assert.NotPanics(t, func() {
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("msg", "v", v)
			slog.New(slog.NewTextHandler(&buf, nil)).Info("msg", "v", v)
		})
	}
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }
