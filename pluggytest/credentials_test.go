package pluggytest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

// Encrypted credentials end to end: a key pair made in the test, the
// client holding the public half, the fake the private one. Items connect
// and refresh with parameters that never left the client in plain text,
// the fake checks what it decrypted, and refuses plain parameters.
func TestFakeDecryptsEncryptedParameters(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})

	srv := NewServer(WithCredentialsPrivateKey(key), WithStepDuration(0), WithoutRateLimit())
	defer srv.Close()
	c, err := srv.Client(pluggy.WithCredentialsPublicKey(pub))
	require.NoError(t, err)
	ctx := context.Background()
	noWait := pluggy.PollOptions{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
	token := &pluggy.ItemHandler{
		OnParameter: func(_ context.Context, _ *pluggy.Item, p *pluggy.Parameter) (map[string]string, error) {
			return map[string]string{p.Name: "123456"}, nil
		},
		Poll: noWait,
	}

	item, err := c.Items.Connect(ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorPluggyBank,
		Parameters: map[string]string{"user": "user-ok", "password": "password-ok"}}, token)
	require.NoError(t, err)
	assert.Equal(t, pluggy.ExecutionStatusSuccess, item.ExecutionStatus, "the fake decrypted the right credentials")
	sent := srv.RequestsTo("POST /items")
	require.Len(t, sent, 1)
	assert.NotContains(t, string(sent[0].Body), "password-ok")
	var body map[string]any
	require.NoError(t, json.Unmarshal(sent[0].Body, &body))
	assert.IsType(t, "", body["parameters"], "sent as the encrypted string")

	// Wrong credentials, encrypted: the fake reads them and refuses them.
	_, err = c.Items.Connect(ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorPluggyBank,
		Parameters: map[string]string{"user": "user-ok", "password": "errada"}}, token)
	var ie *pluggy.ItemError
	require.ErrorAs(t, err, &ie)
	assert.True(t, ie.LoginFailed())

	// PATCH with new credentials, encrypted too.
	item, err = c.Items.Refresh(ctx, item.ID, &pluggy.UpdateItemParams{Parameters: map[string]string{"user": "user-ok", "password": "password-ok"}}, token)
	require.NoError(t, err)
	assert.Equal(t, pluggy.ExecutionStatusSuccess, item.ExecutionStatus)
	patches := srv.RequestsTo("PATCH /items/{id}")
	require.NotEmpty(t, patches)
	assert.NotContains(t, string(patches[0].Body), "password-ok")

	// A client without the key: its plain parameters are refused.
	plain, err := srv.Client()
	require.NoError(t, err)
	_, err = plain.Items.Create(ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorPluggyBank,
		Parameters: map[string]string{"user": "user-ok", "password": "password-ok"}})
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "must be encrypted")

	// Encrypted with another key, or not base64: refused.
	for _, enc := range []string{"bm90LXNlYWxlZA==", "não é base64"} {
		_, err = plain.Items.Create(ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorPluggyBank, EncryptedParameters: enc})
		require.ErrorAs(t, err, &apiErr)
		assert.Contains(t, apiErr.Message, "could not be decrypted")
	}

	// A server without a key cannot read encrypted parameters.
	bare := NewServer()
	defer bare.Close()
	keyed, err := bare.Client(pluggy.WithCredentialsPublicKey(pub))
	require.NoError(t, err)
	_, err = keyed.Items.Create(ctx, &pluggy.CreateItemParams{ConnectorID: ConnectorPluggyBank,
		Parameters: map[string]string{"user": "user-ok", "password": "password-ok"}})
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "WithCredentialsPrivateKey")
}
