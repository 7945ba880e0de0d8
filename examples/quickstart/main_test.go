package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

func TestQuickstartAgainstTheFake(t *testing.T) {
	t.Parallel()
	srv := pluggytest.NewServer(pluggytest.WithTransactionsPerAccount(700), pluggytest.WithStepDuration(0))
	defer srv.Close()
	client, err := srv.Client()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// The fake moves an item one step per read, so polling need not wait.
	noWait := pluggy.PollOptions{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
	require.NoError(t, run(ctx, client, noWait))

	assert.Len(t, srv.RequestsTo("POST /items"), 1)
	assert.Len(t, srv.RequestsTo("POST /items/{id}/mfa"), 1, "the token was answered once")
	assert.Len(t, srv.RequestsTo("GET /accounts"), 1)
	// 700 transactions at 500 a page: two cursor pages per account.
	assert.Len(t, srv.RequestsTo("GET /v2/transactions"), 4)
	assert.Len(t, srv.RequestsTo("DELETE /items/{id}"), 1, "the sandbox item is deleted")
}
