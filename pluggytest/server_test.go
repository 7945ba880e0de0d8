package pluggytest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

func TestAuthAndConnectToken(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)

	tok, err := c.Auth.CreateConnectToken(context.Background(), &pluggy.ConnectTokenParams{ItemID: "0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"})
	require.NoError(t, err)
	assert.NotEmpty(t, tok.AccessToken)
	assert.Len(t, srv.RequestsTo("POST /auth"), 1)
	ct := srv.RequestsTo("POST /connect_token")
	require.Len(t, ct, 1)
	assert.True(t, ct[0].HadAPIKey)
	assert.JSONEq(t, `{"itemId":"0b7d4c2e-9a1f-4e6b-8c3d-5f2a7e9b1c40"}`, string(ct[0].Body))
}

func TestWrongClientKeysGet401(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	c, err := pluggy.NewClient(srv.ClientID, "wrong", pluggy.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = c.Auth.CreateConnectToken(context.Background(), nil)
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "CLIENT_KEYS_UNAUTHORIZED", apiErr.CodeDescription)
	assert.Len(t, srv.RequestsTo("POST /auth"), 1, "a refused login is not retried")
}

func TestExpiredKeyIsRenewed(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithKeyTTL(time.Minute))
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Auth.CreateConnectToken(ctx, nil)
	require.NoError(t, err)

	srv.ExpireKeys()
	_, err = c.Auth.CreateConnectToken(ctx, nil)
	require.NoError(t, err, "a 403 without codeDescription renews the key and replays")
	assert.Len(t, srv.RequestsTo("POST /auth"), 2)
	assert.Len(t, srv.RequestsTo("POST /connect_token"), 3)
}

func TestFaultsAndRateLimit(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	c, err := srv.Client(pluggy.WithRetries(0), pluggy.WithLimiter(pluggy.NoLimit))
	require.NoError(t, err)
	ctx := context.Background()

	srv.Fail("POST /connect_token", 1, Status(http.StatusBadGateway))
	_, err = c.Auth.CreateConnectToken(ctx, nil)
	var apiErr *pluggy.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)

	srv.Fail("POST /connect_token", 1, Reset())
	_, err = c.Auth.CreateConnectToken(ctx, nil)
	var reqErr *pluggy.RequestError
	require.ErrorAs(t, err, &reqErr)

	srv.Fail("POST /connect_token", 1, TruncatedBody())
	_, err = c.Auth.CreateConnectToken(ctx, nil)
	require.Error(t, err)

	srv.Fail("POST /connect_token", 1, TooManyRequests(7))
	_, err = c.Auth.CreateConnectToken(ctx, nil)
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, errors.Is(err, pluggy.ErrRateLimited))
	assert.Equal(t, 7*time.Second, apiErr.RetryAfter)

	srv.Fail("POST /connect_token", 1, SlowBody(time.Millisecond))
	_, err = c.Auth.CreateConnectToken(ctx, nil)
	require.NoError(t, err)
}
