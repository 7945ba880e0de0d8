package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFakeEventsComeFromTheItemsOwnExecutions(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, run(ctx, func(string) string { return "" }, &out, time.Millisecond), out.String())
	text := out.String()
	lines := strings.Split(strings.TrimSpace(text), "\n")
	assert.True(t, strings.HasPrefix(lines[0], "webhook-server: using the built-in fake Pluggy API"), lines[0])
	assert.Contains(t, text, "a request without the secret header gets 401 Unauthorized")
	assert.Contains(t, text, "a second delivery of an item/updated event gets 200 OK and is dropped")
	assert.Equal(t, "webhook deleted; done", lines[len(lines)-1])

	m := regexp.MustCompile(`item (\S+) connected: UPDATED \(SUCCESS\)`).FindStringSubmatch(text)
	require.NotNil(t, m, text)
	itemID := m[1]
	assert.Contains(t, text, "item "+itemID+" synced: UPDATED (SUCCESS)")

	// The events handed on, in the order the item's two executions sent
	// them: no event was made up by the example.
	var events []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "  the bank asks") {
			continue
		}
		typ, rest, ok := strings.Cut(strings.TrimSpace(l), ": ")
		require.True(t, ok, l)
		events = append(events, typ)
		if strings.HasPrefix(typ, "item/") {
			assert.Equal(t, "item "+itemID+" (triggered by CLIENT)", rest)
		}
	}
	assert.Equal(t, []string{
		"item/created", "item/waiting_user_input", "item/login_succeeded", "item/updated",
		"item/waiting_user_input", "item/login_succeeded", "item/updated",
		"transactions/created", "transactions/created",
	}, events)
	assert.Contains(t, text, "the fake made 9 deliveries to the webhook, each answered 2xx")
	assert.Contains(t, text, "the handler handed on 9 events:")
	assert.Equal(t, 2, strings.Count(text, `the bank asks for "Token" (token)`))

	// The mirror kept from the events agrees with a full sweep of the API,
	// after a recategorisation and three deletions it heard of only through
	// transactions/updated and transactions/deleted.
	before := regexp.MustCompile(`mirror after the sync: (\d+) transactions`).FindStringSubmatch(text)
	require.NotNil(t, before, text)
	mm := regexp.MustCompile(`mirror from the events: (\d+) transactions, sum (-?[\d.]+), recategorised one in (\S+)`).FindStringSubmatch(text)
	sm := regexp.MustCompile(`full sweep of the API:  (\d+) transactions, sum (-?[\d.]+), recategorised one in (\S+)`).FindStringSubmatch(text)
	require.NotNil(t, mm, text)
	require.NotNil(t, sm, text)
	assert.Equal(t, sm[1:], mm[1:], "count, sum and category agree")
	assert.Equal(t, "10000000", mm[3])
	nb, err := strconv.Atoi(before[1])
	require.NoError(t, err)
	na, err := strconv.Atoi(mm[1])
	require.NoError(t, err)
	assert.Equal(t, nb-3, na, "the three deletions reached the mirror")
	assert.Greater(t, nb, 200, "the sync's created transactions are in the mirror")
	assert.Contains(t, text, "the mirror and the API agree")
}

func TestServerTimeouts(t *testing.T) {
	hs := newServer(http.NewServeMux())
	assert.Positive(t, hs.ReadHeaderTimeout)
	assert.Positive(t, hs.ReadTimeout)
	assert.Greater(t, hs.WriteTimeout, 5*time.Second, "longer than the synchronous handler's timeout")
	assert.Positive(t, hs.IdleTimeout)
	assert.Positive(t, hs.MaxHeaderBytes)
}

func TestRealAPIOnlyExplains(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PLUGGY_CLIENT_ID": "6f1c2a9e-3b7d-4c8e-9a15-2d4f6b8c0e13", "PLUGGY_CLIENT_SECRET": "s3cr3t-Xk29vLq"}
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), func(k string) string { return env[k] }, &out, time.Millisecond))
	assert.True(t, strings.HasPrefix(out.String(), "webhook-server: using the Pluggy API"), out.String())
	assert.Contains(t, out.String(), "client.Webhooks.Create")
	assert.NotContains(t, out.String(), env["PLUGGY_CLIENT_SECRET"])
}
