package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// TestMain lets a test start this test binary as the command itself: with
// PLUGGY_FAKE_RUN_MAIN=1 it runs main with the process's arguments.
func TestMain(m *testing.M) {
	if os.Getenv("PLUGGY_FAKE_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// announcement is what the fake prints on start.
type announcement struct {
	url, clientID, clientSecret string
	lines                       []string
}

// readAnnouncement reads stdout up to the PLUGGY_CLIENT_SECRET line and the
// comment lines after it, then keeps draining it into rest. The returned
// channel closes once stdout has ended and everything in it is in rest:
// until then, a line the program wrote may still be on its way to rest.
func readAnnouncement(t *testing.T, stdout io.Reader, rest *syncBuffer) (announcement, <-chan struct{}) {
	t.Helper()
	got := make(chan announcement, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		var a announcement
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			a.lines = append(a.lines, line)
			k, v, _ := strings.Cut(line, "=")
			switch k {
			case "PLUGGY_API_URL":
				a.url = v
			case "PLUGGY_CLIENT_ID":
				a.clientID = v
			case "PLUGGY_CLIENT_SECRET":
				a.clientSecret = v
			}
			if strings.HasPrefix(line, "# Sandbox connector") {
				break
			}
		}
		got <- a
		for sc.Scan() {
			_, _ = rest.Write([]byte(sc.Text() + "\n"))
		}
		_, _ = io.Copy(rest, stdout)
	}()
	select {
	case a := <-got:
		require.NotEmpty(t, a.url, "no PLUGGY_API_URL line in %q", a.lines)
		return a, drained
	case <-time.After(30 * time.Second):
		t.Fatal("the fake printed no announcement within 30s")
		return announcement{}, drained
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun runs run with args on a free loopback port, returning what it
// announced, a func that stops it and returns run's error, and the output
// after the announcement (complete once stop has returned).
func startRun(t *testing.T, args ...string) (announcement, func() error, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr, rest syncBuffer
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw, &stderr)
		_ = pw.Close()
		done <- err
	}()
	a, drained := readAnnouncement(t, pr, &rest)
	stopped := false
	var runErr error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("run did not return within 30s of its context ending")
			}
			// run closed pw on its way out: the reader reaches EOF once
			// it has copied the last lines into rest.
			select {
			case <-drained:
			case <-time.After(30 * time.Second):
				t.Fatal("stdout was not drained within 30s of run returning")
			}
		}
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return a, stop, &rest
}

// noWait polls without sleeping: the fake moves an item one step per read.
var noWait = pluggy.PollOptions{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}

func TestFakeServesAClientThroughMFA(t *testing.T) {
	t.Parallel()
	a, stop, rest := startRun(t, "-transactions", "7", "-step", "0")
	assert.True(t, strings.HasPrefix(a.url, "http://127.0.0.1:"), a.url)
	assert.Equal(t, pluggytest.DefaultClientID, a.clientID)
	assert.Equal(t, pluggytest.DefaultClientSecret, a.clientSecret, "the fake's own test secret is printed")
	assert.Contains(t, strings.Join(a.lines, "\n"), "printed on purpose")

	client, err := pluggy.NewClient(a.clientID, a.clientSecret, pluggy.WithBaseURL(a.url))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var asked []string
	item, err := client.Items.Connect(ctx, &pluggy.CreateItemParams{
		ConnectorID: 0,
		Parameters:  map[string]string{"user": "user-ok", "password": "password-ok"},
	}, &pluggy.ItemHandler{
		OnParameter: func(_ context.Context, _ *pluggy.Item, p *pluggy.Parameter) (map[string]string, error) {
			asked = append(asked, p.Name)
			return map[string]string{p.Name: pluggytest.SandboxToken}, nil
		},
		Poll: noWait,
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"token"}, asked, "the sandbox bank asked for its MFA token once")
	assert.Equal(t, pluggy.ExecutionStatusSuccess, item.ExecutionStatus)

	accounts, err := client.Accounts.List(ctx, item.ID, nil)
	require.NoError(t, err)
	require.NotEmpty(t, accounts.Results)
	n := 0
	for _, err := range client.Transactions.All(ctx, accounts.Results[0].ID, nil) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 7, n, "-transactions 7 gives each account 7 transactions")

	require.NoError(t, stop(), "a graceful stop is no error")
	assert.Contains(t, rest.String(), "pluggy-fake: stopping")
	_, err = http.Get(a.url + "/connectors")
	assert.Error(t, err, "a stopped fake no longer listens")
}

func TestFakeRejectsOtherCredentials(t *testing.T) {
	t.Parallel()
	a, _, _ := startRun(t, "-client-id", "my-id", "-client-secret", "my-secret")
	assert.Equal(t, "my-id", a.clientID)
	assert.NotContains(t, strings.Join(a.lines, "\n"), "my-secret", "a secret given on the command line is not echoed")

	ctx := context.Background()
	good, err := pluggy.NewClient("my-id", "my-secret", pluggy.WithBaseURL(a.url))
	require.NoError(t, err)
	_, err = good.Connectors.Get(ctx, 0, nil)
	require.NoError(t, err)

	bad, err := pluggy.NewClient(pluggytest.DefaultClientID, pluggytest.DefaultClientSecret, pluggy.WithBaseURL(a.url), pluggy.WithRetries(0))
	require.NoError(t, err)
	_, err = bad.Connectors.Get(ctx, 0, nil)
	assert.ErrorIs(t, err, pluggy.ErrUnauthorized)
}

// authAndGet posts the credentials, then reads GET /connectors/0 with the
// key, returning the key's lifetime from its claims and the answer's
// RateLimit-Limit header.
func authAndGet(t *testing.T, a announcement) (ttl time.Duration, rateLimit string) {
	t.Helper()
	body := fmt.Sprintf(`{"clientId":%q,"clientSecret":%q}`, a.clientID, a.clientSecret)
	resp, err := http.Post(a.url+"/auth", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var auth struct{ APIKey string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&auth))
	parts := strings.Split(auth.APIKey, ".")
	require.Len(t, parts, 3, "a JWT-shaped key")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims struct{ Iat, Exp int64 }
	require.NoError(t, json.Unmarshal(payload, &claims))

	req, err := http.NewRequest(http.MethodGet, a.url+"/connectors/0", nil)
	require.NoError(t, err)
	req.Header.Set("X-API-KEY", auth.APIKey)
	got, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer got.Body.Close()
	require.Equal(t, http.StatusOK, got.StatusCode)
	return time.Duration(claims.Exp-claims.Iat) * time.Second, got.Header.Get("RateLimit-Limit")
}

func TestFakeKeyTTLAndRateLimitFlags(t *testing.T) {
	t.Parallel()
	a, _, _ := startRun(t)
	ttl, limit := authAndGet(t, a)
	assert.Equal(t, 2*time.Hour, ttl, "keys live 2 hours by default, as Pluggy's")
	assert.Equal(t, "360", limit, "rate limits are on by default")

	a, _, _ = startRun(t, "-key-ttl", "90s", "-rate-limits=false")
	ttl, limit = authAndGet(t, a)
	assert.Equal(t, 90*time.Second, ttl)
	assert.Empty(t, limit, "-rate-limits=false turns them off")
}

func TestFakeRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-transactions", "-1"}, "-transactions -1 is negative"},
		{[]string{"-transactions-per-sync", "-2"}, "-transactions-per-sync -2 is negative"},
		{[]string{"-step", "-1s"}, "-step -1s is negative"},
		{[]string{"-payment-step", "-1s"}, "-payment-step -1s is negative"},
		{[]string{"-key-ttl", "0s"}, "-key-ttl 0s is not positive"},
		{[]string{"-parameter-timeout", "0s"}, "-parameter-timeout 0s is not positive"},
		{[]string{"-client-id", ""}, "-client-id is empty"},
		{[]string{"-client-secret", ""}, "-client-secret is empty"},
		{[]string{"serve"}, `unexpected argument "serve"`},
		{[]string{"-step", "soon"}, `invalid value "soon" for flag -step`},
		{[]string{"-addr", "127.0.0.1:notaport"}, "cannot listen on -addr 127.0.0.1:notaport"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tc.args, &stdout, &stderr)
		require.Error(t, err, tc.args)
		assert.Contains(t, err.Error()+stderr.String(), tc.want, tc.args)
		assert.Empty(t, stdout.String(), "nothing is announced when the flags are wrong: %v", tc.args)
	}
	err := run(context.Background(), []string{"-h"}, io.Discard, io.Discard)
	assert.True(t, errors.Is(err, flag.ErrHelp), "-h asks for help: %v", err)
}

// TestCommandStopsOnSIGTERM runs the command as a process (this test binary
// standing in for it) and stops it with a signal.
func TestCommandStopsOnSIGTERM(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-addr", "127.0.0.1:0", "-rate-limits=false")
	cmd.Env = append(os.Environ(), "PLUGGY_FAKE_RUN_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	var rest syncBuffer
	a, drained := readAnnouncement(t, stdout, &rest)
	// Wait closes the stdout pipe once the process exits, so it must not
	// run before the reader has seen EOF: the last lines would be lost.
	exited := make(chan error, 1)
	go func() {
		<-drained
		exited <- cmd.Wait()
	}()
	client, err := pluggy.NewClient(a.clientID, a.clientSecret, pluggy.WithBaseURL(a.url))
	require.NoError(t, err)
	conns, err := client.Connectors.List(context.Background(), nil)
	require.NoError(t, err)
	assert.NotEmpty(t, conns.Results)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		require.NoError(t, err, "exit status 0 after SIGTERM; stderr: %s", stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the command did not exit within 30s of SIGTERM")
	}
	assert.Contains(t, rest.String(), "pluggy-fake: stopping")
}
