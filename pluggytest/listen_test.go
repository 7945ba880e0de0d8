package pluggytest

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithListenerServesOnIt(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := NewServer(WithListener(l))
	defer srv.Close()
	assert.Equal(t, "http://"+l.Addr().String(), srv.URL)

	c, err := srv.Client()
	require.NoError(t, err)
	conn, err := c.Connectors.Get(context.Background(), 0, nil)
	require.NoError(t, err)
	require.NotNil(t, conn.Name)
	assert.Equal(t, "Pluggy Bank", *conn.Name)
	assert.Len(t, srv.RequestsTo("GET /connectors/{id}"), 1)
}

// waitFor polls cond every millisecond for at most 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestShutdownWaitsForTheRequestInProgress(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	c, err := srv.Client(pluggy.WithRetries(0))
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Connectors.Get(ctx, 0, nil) // fetches the API key too
	require.NoError(t, err)

	srv.Fail("GET /connectors/{id}", 1, SlowBody(time.Millisecond))
	type result struct {
		name string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		conn, err := c.Connectors.Get(ctx, 0, nil)
		if err != nil {
			done <- result{err: err}
			return
		}
		done <- result{name: *conn.Name}
	}()
	waitFor(t, "the slow request to arrive", func() bool { return len(srv.RequestsTo("GET /connectors/{id}")) == 2 })

	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	require.NoError(t, srv.Shutdown(sctx))
	r := <-done
	require.NoError(t, r.err, "the request in progress was answered in full")
	assert.Equal(t, "Pluggy Bank", r.name)

	_, err = c.Connectors.Get(ctx, 0, nil)
	assert.Error(t, err, "a stopped server accepts no new request")
	srv.Close() // harmless after Shutdown
}

func TestShutdownCutsShortWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	c, err := srv.Client(pluggy.WithRetries(0))
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Connectors.Get(ctx, 0, nil)
	require.NoError(t, err)

	// A body written 16 bytes every 100ms: minutes long, unless cut short.
	srv.Fail("GET /connectors", 1, SlowBody(100*time.Millisecond))
	done := make(chan error, 1)
	go func() {
		_, err := c.Connectors.List(ctx, nil)
		done <- err
	}()
	waitFor(t, "the slow request to arrive", func() bool { return len(srv.RequestsTo("GET /connectors")) == 1 })

	sctx, cancel := context.WithCancel(ctx)
	cancel()
	assert.ErrorIs(t, srv.Shutdown(sctx), context.Canceled)
	assert.Error(t, <-done, "the request in progress was cut off")
}
