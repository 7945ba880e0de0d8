package pluggy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
)

// credentialsKey returns an RSA key pair made for the tests (one per run)
// and its public half as PEM.
func credentialsKey(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	testKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	der, err := x509.MarshalPKIXPublicKey(&testKey.PublicKey)
	require.NoError(t, err)
	return testKey, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// openParameters decrypts the "parameters" string of a request body.
func openParameters(t *testing.T, key *rsa.PrivateKey, body []byte) map[string]string {
	t.Helper()
	var b struct {
		Parameters any `json:"parameters"`
	}
	require.NoError(t, json.Unmarshal(body, &b))
	s, ok := b.Parameters.(string)
	require.True(t, ok, "parameters is the encrypted string, got %T", b.Parameters)
	sealed, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err, "standard base64")
	plain, err := rsa.DecryptOAEP(sha1.New(), nil, key, sealed, nil)
	require.NoError(t, err, "RSA-OAEP with SHA-1")
	var out map[string]string
	require.NoError(t, json.Unmarshal(plain, &out), "a JSON object")
	return out
}

func TestWithCredentialsPublicKeyRefusesBadKeys(t *testing.T) {
	_, good := credentialsKey(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	smallDER, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&testKey.PublicKey)})
	block, _ := pem.Decode(good)
	for name, tc := range map[string]struct {
		pem  []byte
		want string
	}{
		"empty":          {nil, "no PEM block"},
		"not PEM":        {block.Bytes, "no PEM block"},
		"PKCS#1":         {pkcs1, `type "RSA PUBLIC KEY", want PUBLIC KEY`},
		"private key":    {pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}), `type "PRIVATE KEY"`},
		"garbage inside": {pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("nope")}), "not an X.509 SubjectPublicKeyInfo"},
		"EC key":         {pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}), "want an RSA public key"},
		"1024 bits":      {pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: smallDER}), "1024-bit RSA key, want at least 2048"},
	} {
		_, err := NewClient("id", testSecret, WithCredentialsPublicKey(tc.pem))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "pluggy: WithCredentialsPublicKey: ", name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
	_, err = NewClient("id", testSecret, WithCredentialsPublicKey(good))
	assert.NoError(t, err)
}

func TestItemParametersAreEncrypted(t *testing.T) {
	key, pub := credentialsKey(t)
	c, mock := newTestClient(t, WithCredentialsPublicKey(pub))
	ctx := context.Background()
	create := onRoute(t, mock, http.MethodPost, "/items", 200, fixture(t, "items-create", "200"))
	params := &CreateItemParams{ConnectorID: 201, Parameters: map[string]string{"user": "maria.silva", "password": "S3nh@-do-banco"}, WebhookURL: "https://app.example.com.br/hook"}
	_, err := c.Items.Create(ctx, params)
	require.NoError(t, err)
	_, body := create.one(t)
	assert.NotContains(t, string(body), "S3nh@-do-banco", "no plain credential leaves the process")
	assert.NotContains(t, string(body), "maria.silva")
	assert.Equal(t, map[string]string{"user": "maria.silva", "password": "S3nh@-do-banco"}, openParameters(t, key, body))
	assert.Contains(t, string(body), `"webhookUrl":"https://app.example.com.br/hook"`, "the rest of the body as before")
	assert.Equal(t, "S3nh@-do-banco", params.Parameters["password"], "the caller's params are not changed")
	assert.Empty(t, params.EncryptedParameters)

	// No parameters: the encrypted empty object.
	_, err = c.Items.Create(ctx, &CreateItemParams{ConnectorID: 201})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{}, openParameters(t, key, create.bodyAt(t, 1)))

	// PATCH: encrypted when there are parameters; none sent otherwise.
	update := onRoute(t, mock, http.MethodPatch, "/items/"+fixtureItemID, 200, fixture(t, "items-update", "200"))
	_, err = c.Items.Update(ctx, fixtureItemID, &UpdateItemParams{Parameters: map[string]string{"password": "nova-S3nha"}})
	require.NoError(t, err)
	assert.NotContains(t, string(update.bodyAt(t, 0)), "nova-S3nha")
	assert.Equal(t, map[string]string{"password": "nova-S3nha"}, openParameters(t, key, update.bodyAt(t, 0)))
	_, err = c.Items.Update(ctx, fixtureItemID, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(update.bodyAt(t, 1)))

	// Encrypted by hand: sent as it is.
	_, err = c.Items.Create(ctx, &CreateItemParams{ConnectorID: 201, EncryptedParameters: "sealed-elsewhere"})
	require.NoError(t, err)
	assert.Contains(t, string(create.bodyAt(t, 2)), `"parameters":"sealed-elsewhere"`)

	// Two encryptions of the same parameters differ (OAEP is randomised).
	_, err = c.Items.Create(ctx, params)
	require.NoError(t, err)
	assert.NotEqual(t, string(create.bodyAt(t, 0)), string(create.bodyAt(t, 3)))

	// Parameters too long for one RSA block: refused before sending.
	n := create.n()
	_, err = c.Items.Create(ctx, &CreateItemParams{ConnectorID: 201, Parameters: map[string]string{"certificate": strings.Repeat("A", 300)}})
	requireArgumentErr(t, err, "parameters")
	assert.Contains(t, err.Error(), "more than the 214 bytes one RSA-OAEP block of the 2048-bit credentials key holds")
	assert.NotContains(t, err.Error(), "AAAA")
	assert.Equal(t, n, create.n(), "nothing sent")
}
