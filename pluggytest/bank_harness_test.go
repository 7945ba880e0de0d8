package pluggytest

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pluggy-go/pluggy"
)

// bankStart is the frozen start time of the bank tests' servers.
var bankStart = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// bankHarness is a server with a frozen clock, a client on it (no pacing,
// short retry waits, the server's clock) and the events the server emitted.
type bankHarness struct {
	t   *testing.T
	srv *Server
	c   *pluggy.Client
	ctx context.Context

	mu     sync.Mutex
	events []Event
}

func newBankHarness(t *testing.T, opts ...Option) *bankHarness {
	t.Helper()
	srv := NewServer(append([]Option{WithStartTime(bankStart)}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := srv.Client(pluggy.WithLimiter(pluggy.NoLimit), pluggy.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		pluggy.WithClock(srv))
	require.NoError(t, err)
	h := &bankHarness{t: t, srv: srv, c: c, ctx: context.Background()}
	srv.onEvent(func(ev Event) {
		h.mu.Lock()
		h.events = append(h.events, ev)
		h.mu.Unlock()
	})
	return h
}

// do sends a request that must succeed and returns its JSON object answer.
func (h *bankHarness) do(route string, args []string, q url.Values, body any) map[string]any {
	h.t.Helper()
	var out map[string]any
	require.NoError(h.t, h.c.Do(h.ctx, route, args, q, body, &out), route)
	return out
}

// doInto sends a request that must succeed and decodes its answer into out.
func (h *bankHarness) doInto(route string, args []string, q url.Values, body, out any) {
	h.t.Helper()
	require.NoError(h.t, h.c.Do(h.ctx, route, args, q, body, out), route)
}

// fail sends a request that must fail with an API error and returns it.
func (h *bankHarness) fail(route string, args []string, q url.Values, body any) *pluggy.Error {
	h.t.Helper()
	var out json.RawMessage
	err := h.c.Do(h.ctx, route, args, q, body, &out)
	var apiErr *pluggy.Error
	require.True(h.t, errors.As(err, &apiErr), "%s: want an *Error, got %v (answer %s)", route, err, out)
	return apiErr
}

func (h *bankHarness) createItem(connector int, params map[string]string) map[string]any {
	h.t.Helper()
	return h.do("POST /items", nil, nil, map[string]any{"connectorId": connector, "parameters": params})
}

func (h *bankHarness) item(id string) map[string]any {
	h.t.Helper()
	return h.do("GET /items/{id}", []string{id}, nil, nil)
}

// connected creates an item already connected and returns its id and its
// accounts (bank first, then credit card).
func (h *bankHarness) connected(connector int) (itemID, bank, card string) {
	h.t.Helper()
	id, err := h.srv.AddConnectedItem(connector)
	require.NoError(h.t, err)
	accs := h.do("GET /accounts", nil, url.Values{"itemId": {id}}, nil)["results"].([]any)
	require.Len(h.t, accs, 2)
	return id, accs[0].(map[string]any)["id"].(string), accs[1].(map[string]any)["id"].(string)
}

// eventTypes returns the types of the events emitted so far.
func (h *bankHarness) eventTypes() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.events))
	for _, ev := range h.events {
		out = append(out, ev.Type)
	}
	return out
}

// eventsOf returns the events of one type emitted so far.
func (h *bankHarness) eventsOf(typ string) []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Event
	for _, ev := range h.events {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// str returns m[k] as a string ("" when absent or not a string).
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// state is an item's status and execution status, "STATUS/EXECUTION".
func state(it map[string]any) string { return str(it, "status") + "/" + str(it, "executionStatus") }
