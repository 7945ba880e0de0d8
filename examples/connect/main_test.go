package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

func noEnv(string) string { return "" }

// testConfig runs against the fake, polling every millisecond.
func testConfig(t *testing.T, connector int, interactive bool, input string) (config, *bytes.Buffer) {
	var out bytes.Buffer
	return config{
		connector: connector, params: pairs{}, answers: pairs{}, interactive: interactive,
		in: strings.NewReader(input), out: &out, imageDir: t.TempDir(), getenv: noEnv,
		poll: pluggy.PollOptions{Interval: time.Millisecond, InputInterval: time.Millisecond},
	}, &out
}

func TestScriptedConnectsEveryFakeConnector(t *testing.T) {
	t.Parallel()
	for _, id := range []int{pluggytest.ConnectorPluggyBank, pluggytest.ConnectorMFAOneStep, pluggytest.ConnectorBusiness,
		pluggytest.ConnectorJointAccount, pluggytest.ConnectorQRToken, pluggytest.ConnectorAppApproval,
		pluggytest.ConnectorOpenFinance, pluggytest.ConnectorItau, pluggytest.ConnectorCaixa} {
		t.Run(strconv.Itoa(id), func(t *testing.T) {
			cfg, out := testConfig(t, id, false, "")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			require.NoError(t, run(ctx, cfg), out.String())
			lines := strings.Split(out.String(), "\n")
			assert.True(t, strings.HasPrefix(lines[0], "connect: using the built-in fake Pluggy API"), lines[0])
			assert.Contains(t, out.String(), "is UPDATED (SUCCESS)")
			assert.NotContains(t, out.String(), pluggytest.SandboxPassword, "passwords are not echoed")
		})
	}
}

func TestScriptedWritesTheQRCodeToAPNG(t *testing.T) {
	t.Parallel()
	cfg, out := testConfig(t, pluggytest.ConnectorQRToken, false, "")
	require.NoError(t, run(context.Background(), cfg), out.String())
	files, err := filepath.Glob(filepath.Join(cfg.imageDir, "pluggy-*-token.png"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	img, err := os.ReadFile(files[0])
	require.NoError(t, err)
	assert.Equal(t, "image/png", http.DetectContentType(img))
	assert.Contains(t, out.String(), "The image to scan is in "+files[0])
}

func TestInteractivePromptsUntilValid(t *testing.T) {
	t.Parallel()
	// A token too short is refused with the parameter's message, then
	// the right one goes through.
	cfg, out := testConfig(t, pluggytest.ConnectorPluggyBank, true, "user-ok\npassword-ok\n12\n123456\n")
	require.NoError(t, run(context.Background(), cfg), out.String())
	text := out.String()
	assert.Equal(t, 2, strings.Count(text, "\nToken"), "asked twice:\n"+text)
	assert.Contains(t, text, "is UPDATED (SUCCESS)")

	// A choice by its number, with the options listed.
	cfg, out = testConfig(t, pluggytest.ConnectorJointAccount, true, "user-ok\npassword-ok\n2\n123456\n")
	require.NoError(t, run(context.Background(), cfg), out.String())
	assert.Contains(t, out.String(), "  1) Maria Aparecida da Silva - 1º titular\n  2) José Carlos da Silva - 2º titular")
	assert.Contains(t, out.String(), "is UPDATED (SUCCESS)")
}

func TestInteractiveInputEnds(t *testing.T) {
	t.Parallel()
	cfg, out := testConfig(t, pluggytest.ConnectorPluggyBank, true, "user-ok\n")
	err := run(context.Background(), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reading Senha")
	assert.NotContains(t, out.String(), "Connected")
}

func TestScriptedFailures(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		params, answers pairs
		want            string
	}{
		"locked":      {pairs{"user": "user-locked"}, pairs{}, "the connection failed: ACCOUNT_LOCKED"},
		"unavailable": {pairs{"user": "user-unavailable"}, pairs{}, "SITE_NOT_AVAILABLE; trying again later may work"},
		"wrong token": {pairs{}, pairs{"token": "000000"}, "INVALID_CREDENTIALS_MFA"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg, out := testConfig(t, pluggytest.ConnectorPluggyBank, false, "")
			cfg.params, cfg.answers = tc.params, tc.answers
			err := run(context.Background(), cfg)
			require.Error(t, err, out.String())
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	cfg, out := testConfig(t, pluggytest.ConnectorPluggyBank, false, "")
	cfg.params = pairs{"user": "user-ok-account-error"}
	require.NoError(t, run(context.Background(), cfg))
	assert.Contains(t, out.String(), "is UPDATED (PARTIAL_SUCCESS)\nNot updated this time: ")
}

func TestNewClientSaysWhich(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PLUGGY_CLIENT_ID": "3f7b6c1e-2a4d-4e8f-9b0c-5d6e7f8a9b0c", "PLUGGY_CLIENT_SECRET": "segredo"}
	c, fake, banner, err := newClient(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Nil(t, fake)
	assert.Equal(t, "connect: using the Pluggy API at https://api.pluggy.ai", banner)
	assert.Equal(t, pluggy.DefaultBaseURL, c.BaseURL())

	c, fake, banner, err = newClient(noEnv)
	require.NoError(t, err)
	defer fake.Close()
	assert.Contains(t, banner, "built-in fake")
	assert.Equal(t, fake.URL, c.BaseURL())
}

func TestPairsFlag(t *testing.T) {
	t.Parallel()
	p := pairs{}
	require.NoError(t, p.Set("token=123=456"))
	assert.Equal(t, "123=456", p["token"])
	assert.Error(t, p.Set("sem-igual"))
	assert.Error(t, p.Set("=x"))
	assert.Equal(t, "1 values", p.String())
}
