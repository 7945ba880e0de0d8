package pluggy

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// movingItem is a fake GET /items/{id} whose updatedAt is the clock's time
// on every read, as a server that touches the item on each poll: state says
// what the item is at each read.
type movingItem struct {
	t     *testing.T
	clock *fakeClock
	mu    sync.Mutex
	reads int
	mfa   []map[string]any
	state func(now time.Time, reads int, mfa []map[string]any) map[string]any
}

func (m *movingItem) install(mock *httpmock.MockTransport) {
	answer := func(over map[string]any) *http.Response {
		body := map[string]any{"id": fixtureItemID, "products": []any{"ACCOUNTS"},
			"updatedAt": m.clock.Now().Format("2006-01-02T15:04:05.000Z")}
		for k, v := range over {
			body[k] = v
		}
		resp := httpmock.NewBytesResponse(200, mustJSON(m.t, body))
		resp.Header.Set("Content-Type", "application/json")
		return resp
	}
	mock.RegisterResponder(http.MethodGet, u("/items/"+fixtureItemID), func(*http.Request) (*http.Response, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.reads++
		return answer(m.state(m.clock.Now(), m.reads, m.mfa)), nil
	})
	mock.RegisterResponder(http.MethodPost, u("/items/"+fixtureItemID+"/mfa"), func(req *http.Request) (*http.Response, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.mfa = append(m.mfa, requestBody(m.t, req))
		return answer(map[string]any{"status": "UPDATING", "executionStatus": "LOGIN_MFA_IN_PROGRESS"}), nil
	})
}

// sleepOn makes the driver's waits move the fake clock instead of sleeping.
func sleepOn(clock *fakeClock) func(ctx context.Context, d time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		clock.Advance(d)
		return ctx.Err()
	}
}

// The issue 11 figure: an oauth ask, answered with nil as the docs say,
// while Pluggy waits 60 s for the institution's callback and the item's
// updatedAt moves on every read. OnParameter is called once, not once per
// poll (it was 60 times in 60 s).
func TestWaitHandsAnOAuthAskOverOnceWhileUpdatedAtMoves(t *testing.T) {
	for name, expiry := range map[string]bool{"with expiresAt": true, "without expiresAt": false} {
		t.Run(name, func(t *testing.T) {
			start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
			clock := newFakeClock(start)
			c, mock := newTestClient(t, WithClock(clock))
			oauth := map[string]any{"name": "oauthCode", "label": "Autorize no seu banco", "type": "oauth",
				"data": "https://banco.example/consent?state=8f2c"}
			if expiry {
				oauth["expiresAt"] = start.Add(10 * time.Minute).Format("2006-01-02T15:04:05.000Z")
			}
			srv := &movingItem{t: t, clock: clock, state: func(now time.Time, _ int, _ []map[string]any) map[string]any {
				if now.Sub(start) < 60*time.Second {
					return map[string]any{"status": "WAITING_USER_INPUT", "executionStatus": "WAITING_USER_INPUT", "parameter": oauth}
				}
				return map[string]any{"status": "UPDATED", "executionStatus": "SUCCESS"}
			}}
			srv.install(mock)
			calls := 0
			item, err := c.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
				OnParameter: func(ctx context.Context, item *Item, p *Parameter) (map[string]string, error) {
					calls++
					_, err := p.OAuthURL()
					return nil, err // the user is sent to the URL; Pluggy gets the callback
				},
				Poll: PollOptions{Sleep: sleepOn(clock)},
			})
			require.NoError(t, err)
			assert.Equal(t, ExecutionStatusSuccess, item.ExecutionStatus)
			assert.Equal(t, 1, calls, "OnParameter calls for one ask")
			assert.Empty(t, srv.mfa, "nothing is sent for an oauth parameter")
			waited := clock.Now().Sub(start)
			assert.GreaterOrEqual(t, waited, 60*time.Second)
			assert.GreaterOrEqual(t, srv.reads, 55, "polled about once a second")
			t.Logf("oauth wait %s: %d reads, updatedAt moving on each, %d call(s) of OnParameter", waited, srv.reads, calls)
		})
	}
}

// A token ask answered once even though a few later reads still show it
// with a newer updatedAt; then the same name asked again with a new expiry
// (Safra) is a new ask, answered once too.
func TestWaitAnswersEachAskOnceWhileUpdatedAtMoves(t *testing.T) {
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := newFakeClock(start)
	c, mock := newTestClient(t, WithClock(clock))
	token := func(exp time.Time) map[string]any {
		return map[string]any{"status": "WAITING_USER_INPUT", "executionStatus": "WAITING_USER_INPUT",
			"parameter": map[string]any{"name": "token", "label": "Token Safra", "type": "number",
				"expiresAt": exp.Format("2006-01-02T15:04:05.000Z")}}
	}
	first, second := start.Add(5*time.Minute), start.Add(7*time.Minute)
	var answeredAt int
	srv := &movingItem{t: t, clock: clock}
	srv.state = func(now time.Time, reads int, mfa []map[string]any) map[string]any {
		switch len(mfa) {
		case 0:
			return token(first)
		case 1:
			if answeredAt == 0 {
				answeredAt = reads
			}
			switch n := reads - answeredAt; {
			case n < 3: // late reads still show the answered ask
				return token(first)
			case n < 5:
				return map[string]any{"status": "UPDATING", "executionStatus": "LOGIN_MFA_IN_PROGRESS", "parameter": nil}
			}
			return token(second)
		}
		return map[string]any{"status": "UPDATED", "executionStatus": "SUCCESS", "parameter": nil}
	}
	srv.install(mock)
	var asked []time.Time
	item, err := c.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnParameter: func(ctx context.Context, item *Item, p *Parameter) (map[string]string, error) {
			asked = append(asked, p.ExpiresAt.Time)
			return map[string]string{"token": []string{"730118", "264905"}[min(len(asked)-1, 1)]}, nil
		},
		Poll: PollOptions{Sleep: sleepOn(clock)},
	})
	require.NoError(t, err)
	assert.Equal(t, ExecutionStatusSuccess, item.ExecutionStatus)
	assert.Equal(t, []time.Time{first, second}, asked, "each ask handed over once")
	assert.Equal(t, []map[string]any{{"token": "730118"}, {"token": "264905"}}, srv.mfa, "each answer sent once")
}

// "The user took too long" has one test, errors.Is(err,
// ErrParameterExpired), for both of its forms, and the item that comes
// back with a late answer is read after the expiry.
func TestUserTookTooLongIsOneOutcome(t *testing.T) {
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	exp := start.Add(90 * time.Second)
	waiting := map[string]any{"status": "WAITING_USER_INPUT", "executionStatus": "WAITING_USER_INPUT",
		"parameter": map[string]any{"name": "token", "label": "Token", "type": "number", "expiresAt": exp.Format(time.RFC3339)}}
	timedOut := map[string]any{"status": "OUTDATED", "executionStatus": "USER_INPUT_TIMEOUT", "parameter": nil,
		"error": map[string]any{"code": "USER_INPUT_TIMEOUT", "message": "User did not provide the input in time"}}

	// Late answer: nothing sent, *ParameterExpiredError, the item re-read.
	clock := newFakeClock(start)
	c, mock := newTestClient(t, WithClock(clock))
	srv := &movingItem{t: t, clock: clock, state: func(now time.Time, _ int, _ []map[string]any) map[string]any {
		if now.Before(exp) {
			return waiting
		}
		return timedOut
	}}
	srv.install(mock)
	item, err := c.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnParameter: func(context.Context, *Item, *Parameter) (map[string]string, error) {
			clock.Advance(2 * time.Minute) // the user answers after expiresAt
			return map[string]string{"token": "123456"}, nil
		},
		Poll: PollOptions{Sleep: sleepOn(clock)},
	})
	require.ErrorIs(t, err, ErrParameterExpired)
	var pe *ParameterExpiredError
	require.ErrorAs(t, err, &pe)
	assert.Empty(t, srv.mfa, "no answer sent after expiresAt")
	assert.Equal(t, 2, srv.reads, "the item is read once more after the expiry")
	assert.Equal(t, ItemStatusOutdated, item.Status, "the item returned is the fresh one")
	assert.Same(t, item, pe.Item)

	// No answer at all: Pluggy's USER_INPUT_TIMEOUT, the same test.
	clock = newFakeClock(start)
	c, mock = newTestClient(t, WithClock(clock))
	srv = &movingItem{t: t, clock: clock, state: func(now time.Time, _ int, _ []map[string]any) map[string]any {
		if now.Before(exp) {
			return waiting
		}
		return timedOut
	}}
	srv.install(mock)
	item, err = c.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnParameter: func(context.Context, *Item, *Parameter) (map[string]string, error) { return nil, nil },
		Poll:        PollOptions{Sleep: sleepOn(clock)},
	})
	require.ErrorIs(t, err, ErrParameterExpired)
	require.ErrorIs(t, err, ErrItemFailed)
	var ie *ItemError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, ItemErrorCodeUserInputTimeout, ie.Code)
	assert.Same(t, item, ie.Item)

	// Other failures are not the user taking too long.
	other := newItemError(&Item{ID: "x", Status: ItemStatusLoginError, Error: &ItemErrorDetail{Code: ItemErrorCodeInvalidCredentials}})
	assert.False(t, errors.Is(other, ErrParameterExpired))
}
