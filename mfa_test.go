package pluggy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scenario is one scripted item timeline of testdata/scenarios: the answers
// of GET /items/{id} in turn, what the user does when asked, and what must
// be sent and returned.
type scenario struct {
	// Flow says which connector flow the file plays.
	Flow string `json:"flow"`
	// Start is how the item is driven: connect (POST /items first),
	// refresh (PATCH /items/{id} first) or wait.
	Start string `json:"start"`
	// Create is the body POST /items must carry (connect).
	Create map[string]any `json:"create"`
	// Update is the body of the first PATCH (refresh).
	Update map[string]any `json:"update"`
	// Base is the item every timeline entry is laid over.
	Base map[string]any `json:"base"`
	// Timeline lists the item's states: the first answers the write
	// (connect, refresh) or the first GET (wait); each next one answers
	// the next GET. Each is laid over Base, a null clearing a field.
	Timeline []map[string]any `json:"timeline"`
	// Script is what the user does, callback by callback, in order.
	Script []scriptStep `json:"script"`
	// MFA lists the bodies POST /items/{id}/mfa must receive, in order.
	MFA []map[string]string `json:"mfa"`
	// Patches is how many PATCH /items/{id} must be sent.
	Patches int `json:"patches"`
	// Sleeps, when present, are the waits between reads.
	Sleeps []string `json:"sleeps"`
	// Timeout gives the caller's context a deadline, which passes when a
	// blocking script step is reached (not on a real timer, which a busy
	// machine could beat before the item is even created).
	Timeout string `json:"timeout"`
	// Expect is the outcome.
	Expect struct {
		Result          string   `json:"result"` // success, itemError, expired, deadline, paramError
		ExecutionStatus string   `json:"executionStatus"`
		Status          string   `json:"status"`
		Code            string   `json:"code"`
		Parameter       string   `json:"parameter"`
		Param           string   `json:"param"`
		NotUpdated      []string `json:"notUpdated"`
		Retryable       bool     `json:"retryable"`
	} `json:"expect"`
}

// scriptStep is one callback the driver must make and the user's response.
type scriptStep struct {
	On string `json:"on"` // parameter, userAction, authorizationPending
	// parameter checks
	Name    string `json:"name"`
	Type    string `json:"type"`
	Options int    `json:"options"`
	Image   bool   `json:"image"`
	URL     string `json:"url"`
	// userAction / authorizationPending checks
	Instructions   string `json:"instructions"`
	DeviceNickname string `json:"deviceNickname"`
	QRCodes        int    `json:"qrCodes"`
	// what the user does
	Answer  map[string]string `json:"answer"`
	Advance string            `json:"advance"` // fake time the user takes
	Block   bool              `json:"block"`   // wait for ctx to end
}

// scenarioRun is a scenario wired to a test client.
type scenarioRun struct {
	t       *testing.T
	sc      scenario
	client  *Client
	mock    *httpmock.MockTransport
	clock   *fakeClock
	mu      sync.Mutex
	items   [][]byte
	gets    int
	served  map[string]any
	mfa     []map[string]string
	patches []map[string]any
	sleeps  []time.Duration
	step    int
	statusN int
}

func loadScenario(t *testing.T, name string) scenario {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "scenarios", name))
	require.NoError(t, err)
	var sc scenario
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&sc), name)
	return sc
}

// layer returns base with over laid on it.
func layer(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func newScenarioRun(t *testing.T, sc scenario) *scenarioRun {
	r := &scenarioRun{t: t, sc: sc, clock: newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))}
	r.client, r.mock = newTestClient(t, WithClock(r.clock))
	for _, st := range sc.Timeline {
		r.items = append(r.items, mustJSON(t, layer(sc.Base, st)))
	}
	require.NotEmpty(t, r.items)
	id, _ := sc.Base["id"].(string)
	itemURL := u("/items/" + id)

	r.mock.RegisterResponder(http.MethodPost, u("/items"), func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, "connect", sc.Start, "POST /items")
		assert.Equal(t, sc.Create, requestBody(t, req))
		return r.answerWrite(0, nil), nil
	})
	r.mock.RegisterResponder(http.MethodGet, itemURL, func(*http.Request) (*http.Response, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		i := r.gets
		if sc.Start != "wait" {
			i++
		}
		r.gets++
		if i >= len(r.items) {
			t.Errorf("GET /items/{id} #%d: the timeline has only %d states", r.gets, len(r.items))
			return httpmock.NewStringResponse(500, `{"code":500,"message":"timeline exhausted"}`), nil
		}
		return r.serve(r.items[i]), nil
	})
	r.mock.RegisterResponder(http.MethodPost, itemURL+"/mfa", func(req *http.Request) (*http.Response, error) {
		var body map[string]string
		raw, _ := json.Marshal(requestBody(t, req))
		require.NoError(t, json.Unmarshal(raw, &body))
		r.mu.Lock()
		r.mfa = append(r.mfa, body)
		r.mu.Unlock()
		return r.answerWrite(-1, map[string]any{"status": "UPDATING", "executionStatus": "LOGIN_MFA_IN_PROGRESS",
			"parameter": nil, "userAction": nil}), nil
	})
	r.mock.RegisterResponder(http.MethodPatch, itemURL, func(req *http.Request) (*http.Response, error) {
		r.mu.Lock()
		r.patches = append(r.patches, requestBody(t, req))
		first := len(r.patches) == 1
		r.mu.Unlock()
		if sc.Start == "refresh" && first {
			assert.Equal(t, sc.Update, requestBody(t, req))
			return r.answerWrite(0, nil), nil
		}
		return r.answerWrite(-1, map[string]any{"status": "UPDATING", "executionStatus": "CREATED",
			"error": nil, "parameter": nil, "userAction": nil}), nil
	})
	return r
}

func (r *scenarioRun) serve(raw []byte) *http.Response {
	var m map[string]any
	require.NoError(r.t, json.Unmarshal(raw, &m))
	r.served = m
	resp := httpmock.NewBytesResponse(200, raw)
	resp.Header.Set("Content-Type", "application/json")
	return resp
}

// answerWrite answers a write: timeline[i], or (i < 0) the last state served
// changed by over, one millisecond later.
func (r *scenarioRun) answerWrite(i int, over map[string]any) *http.Response {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i >= 0 {
		return r.serve(r.items[i])
	}
	m := layer(r.served, over)
	if s, ok := m["updatedAt"].(string); ok {
		at, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(r.t, err)
		m["updatedAt"] = at.Add(time.Millisecond).Format("2006-01-02T15:04:05.000Z")
	}
	keep := r.served
	resp := r.serve(mustJSON(r.t, m))
	r.served = keep
	return resp
}

// handler plays the scenario's script.
func (r *scenarioRun) handler(cancel context.CancelFunc) *ItemHandler {
	t := r.t
	next := func(on string) (scriptStep, bool) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.step >= len(r.sc.Script) {
			t.Errorf("unexpected %s callback: the script has %d steps", on, len(r.sc.Script))
			return scriptStep{}, false
		}
		s := r.sc.Script[r.step]
		r.step++
		if !assert.Equal(t, s.On, on, "callback #%d", r.step) {
			return scriptStep{}, false
		}
		if s.Advance != "" {
			d, err := time.ParseDuration(s.Advance)
			require.NoError(t, err)
			r.clock.Advance(d)
		}
		return s, true
	}
	return &ItemHandler{
		OnParameter: func(ctx context.Context, item *Item, p *Parameter) (map[string]string, error) {
			s, ok := next("parameter")
			if !ok {
				return nil, errors.New("script mismatch")
			}
			assert.Equal(t, ItemStatusWaitingUserInput, item.Status)
			assert.Equal(t, s.Name, p.Name)
			assert.Equal(t, ParameterType(s.Type), p.Type)
			assert.NotEmpty(t, p.Label)
			if s.Options > 0 {
				assert.Len(t, p.Options, s.Options)
				for k, v := range s.Answer {
					if k == p.Name {
						_, found := p.Option(v)
						assert.True(t, found, "the answer is one of the options")
					}
				}
			}
			if s.Image {
				img, err := p.ImageBytes()
				require.NoError(t, err)
				assert.True(t, bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")), "a PNG image")
				assert.Equal(t, "image/png", http.DetectContentType(img))
			}
			if s.URL != "" {
				got, err := p.OAuthURL()
				require.NoError(t, err)
				assert.Equal(t, s.URL, got)
			}
			if s.Block {
				cancel() // the deadline passes while the user is being asked
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return s.Answer, nil
		},
		OnUserAction: func(ctx context.Context, item *Item, a *UserAction) error {
			s, ok := next("userAction")
			if !ok {
				return errors.New("script mismatch")
			}
			assert.Equal(t, ItemStatusWaitingUserAction, item.Status)
			if s.Instructions != "" {
				assert.Equal(t, s.Instructions, a.Instructions)
			}
			if s.DeviceNickname != "" {
				assert.Equal(t, s.DeviceNickname, a.Attribute("deviceNickname"))
			}
			if s.Image {
				img, err := a.ImageBytes()
				require.NoError(t, err)
				assert.Equal(t, "image/png", http.DetectContentType(img))
			}
			require.NotNil(t, a.ExpiresAt)
			assert.False(t, a.Expired(r.clock.Now()))
			return nil
		},
		OnAuthorizationPending: func(ctx context.Context, item *Item) error {
			s, ok := next("authorizationPending")
			if !ok {
				return errors.New("script mismatch")
			}
			require.NotNil(t, item.Error)
			assert.Equal(t, s.DeviceNickname, item.Error.DeviceNickname())
			assert.Len(t, item.Error.QRCodes(), s.QRCodes)
			return nil
		},
		OnStatus: func(*Item) { r.statusN++ },
		Poll: PollOptions{Sleep: func(ctx context.Context, d time.Duration) error {
			r.mu.Lock()
			r.sleeps = append(r.sleeps, d)
			r.mu.Unlock()
			return ctx.Err()
		}},
	}
}

func (r *scenarioRun) run() (*Item, error) {
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if r.sc.Timeout != "" {
		_, err := time.ParseDuration(r.sc.Timeout)
		require.NoError(r.t, err)
		dc := newDeadlineCtx()
		ctx, cancel = dc, dc.expire
	}
	defer cancel()
	h := r.handler(cancel)
	id, _ := r.sc.Base["id"].(string)
	switch r.sc.Start {
	case "connect":
		var params CreateItemParams
		require.NoError(r.t, json.Unmarshal(mustJSON(r.t, r.sc.Create), &params))
		var body struct {
			Parameters map[string]string `json:"parameters"`
		}
		require.NoError(r.t, json.Unmarshal(mustJSON(r.t, r.sc.Create), &body))
		params.Parameters = body.Parameters
		return r.client.Items.Connect(ctx, &params, h)
	case "refresh":
		var body struct {
			Parameters map[string]string `json:"parameters"`
		}
		require.NoError(r.t, json.Unmarshal(mustJSON(r.t, r.sc.Update), &body))
		return r.client.Items.Refresh(ctx, id, &UpdateItemParams{Parameters: body.Parameters}, h)
	case "wait":
		return r.client.Items.Wait(ctx, id, h)
	}
	r.t.Fatalf("unknown start %q", r.sc.Start)
	return nil, nil
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 16)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			sc := loadScenario(t, name)
			require.NotEmpty(t, sc.Flow)
			r := newScenarioRun(t, sc)
			for _, raw := range r.items {
				assertRoundTrip[Item](t, raw)
			}
			item, err := r.run()

			// Every state of the timeline was read, no more.
			wantGets := len(r.items)
			if sc.Start != "wait" {
				wantGets--
			}
			assert.Equal(t, wantGets, r.gets, "GET /items/{id} count")
			assert.Equal(t, len(sc.Script), r.step, "callbacks made")
			if sc.MFA == nil {
				sc.MFA = []map[string]string{}
			}
			if r.mfa == nil {
				r.mfa = []map[string]string{}
			}
			assert.Equal(t, sc.MFA, r.mfa, "POST /items/{id}/mfa bodies")
			assert.Len(t, r.patches, sc.Patches, "PATCH /items/{id} count")
			for i, p := range r.patches {
				if sc.Start == "refresh" && i == 0 {
					continue
				}
				assert.Equal(t, map[string]any{}, p, "the PATCH after an authorisation has an empty body")
			}
			if sc.Sleeps != nil {
				var got []string
				for _, d := range r.sleeps {
					got = append(got, d.String())
				}
				assert.Equal(t, sc.Sleeps, got, "waits between reads")
			}
			for _, d := range r.sleeps {
				assert.LessOrEqual(t, d, 10*time.Second)
				assert.Greater(t, d, time.Duration(0))
			}
			require.NotNil(t, item, "the last item read comes back, error or not")
			assert.Equal(t, sc.Base["id"], item.ID)
			assert.Positive(t, r.statusN)

			switch sc.Expect.Result {
			case "success":
				require.NoError(t, err)
				assert.Equal(t, ExecutionStatus(sc.Expect.ExecutionStatus), item.ExecutionStatus)
				assert.Equal(t, ItemStatusUpdated, item.Status)
				if sc.Expect.NotUpdated != nil {
					assert.Equal(t, sc.Expect.NotUpdated, item.StatusDetail.NotUpdated())
				}
			case "itemError":
				var ie *ItemError
				require.ErrorAs(t, err, &ie)
				assert.True(t, errors.Is(err, ErrItemFailed))
				assert.Equal(t, ItemErrorCode(sc.Expect.Code), ie.Code)
				assert.Equal(t, ItemStatus(sc.Expect.Status), ie.Status)
				assert.Equal(t, sc.Expect.Retryable, ie.Retryable())
				assert.Contains(t, err.Error(), sc.Expect.Code)
				assert.Same(t, item, ie.Item)
				assert.Equal(t, ie.Code == ItemErrorCodeUserInputTimeout, errors.Is(err, ErrParameterExpired),
					"USER_INPUT_TIMEOUT, and only it, is the user taking too long")
			case "expired":
				var pe *ParameterExpiredError
				require.ErrorAs(t, err, &pe)
				assert.True(t, errors.Is(err, ErrParameterExpired))
				assert.Equal(t, sc.Expect.Parameter, pe.Parameter)
				assert.True(t, r.clock.Now().After(pe.ExpiresAt))
				assert.False(t, errors.Is(err, ErrItemFailed))
				if sc.Expect.Status != "" {
					// The item was read once more after the expiry.
					assert.Same(t, item, pe.Item)
					assert.Equal(t, ItemStatus(sc.Expect.Status), item.Status)
				}
			case "deadline":
				require.Error(t, err)
				assert.True(t, errors.Is(err, context.DeadlineExceeded), err)
			case "paramError":
				var pe *ArgumentError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, sc.Expect.Param, pe.Param)
				assert.NotContains(t, err.Error(), "7Kq2Z", "the refused value is not repeated")
			default:
				t.Fatalf("unknown expected result %q", sc.Expect.Result)
			}
		})
	}
}

// timelineScenario builds a wait scenario from bare states (no updatedAt
// unless given), for the driver's corner cases.
func timelineScenario(states ...map[string]any) scenario {
	return scenario{
		Start: "wait",
		Base: map[string]any{"id": fixtureItemID, "status": "UPDATING", "executionStatus": "LOGIN_IN_PROGRESS",
			"products": []any{"ACCOUNTS"}},
		Timeline: states,
	}
}

func waitingFor(p map[string]any) map[string]any {
	return map[string]any{"status": "WAITING_USER_INPUT", "executionStatus": "WAITING_USER_INPUT", "parameter": p}
}

var tokenParam = map[string]any{"name": "token", "label": "Token", "type": "number", "validation": `^\d{6}$`}

func TestWaitTellsSameParameterFromNewWithoutTimestamps(t *testing.T) {
	t.Parallel()
	inProgress := map[string]any{"status": "UPDATING", "executionStatus": "LOGIN_MFA_IN_PROGRESS", "parameter": nil}
	done := map[string]any{"status": "UPDATED", "executionStatus": "SUCCESS"}
	cases := map[string]struct {
		states []map[string]any
		asks   int
	}{
		// Read again before the item moved on: the same parameter, asked once.
		"re-read": {[]map[string]any{waitingFor(tokenParam), waitingFor(tokenParam), waitingFor(tokenParam), inProgress, done}, 1},
		// Asked anew after the item moved on (Safra): answered twice.
		"asked twice": {[]map[string]any{waitingFor(tokenParam), inProgress, waitingFor(tokenParam), inProgress, done}, 2},
		// A different parameter under the same name is new at once.
		"changed": {[]map[string]any{waitingFor(tokenParam), waitingFor(layer(tokenParam, map[string]any{"type": "password"})), done}, 2},
		// New wording is not a new ask: an ask is its name, type, data,
		// options and expiresAt.
		"relabelled": {[]map[string]any{waitingFor(tokenParam), waitingFor(layer(tokenParam, map[string]any{"label": "Novo token"})), inProgress, done}, 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := newScenarioRun(t, timelineScenario(tc.states...))
			asks := 0
			h := &ItemHandler{
				OnParameter: func(ctx context.Context, item *Item, p *Parameter) (map[string]string, error) {
					asks++
					return map[string]string{"token": fmt.Sprintf("%06d", asks)}, nil
				},
				Poll: PollOptions{Sleep: func(ctx context.Context, d time.Duration) error { return nil }},
			}
			item, err := r.client.Items.Wait(context.Background(), fixtureItemID, h)
			require.NoError(t, err)
			assert.Equal(t, ExecutionStatusSuccess, item.ExecutionStatus)
			assert.Equal(t, tc.asks, asks)
			assert.Len(t, r.mfa, tc.asks)
			assert.Equal(t, len(tc.states), r.gets)
		})
	}
}

func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

func TestWaitWithoutParameterHandler(t *testing.T) {
	t.Parallel()
	r := newScenarioRun(t, timelineScenario(waitingFor(tokenParam)))
	item, err := r.client.Items.Wait(context.Background(), fixtureItemID, nil)
	require.ErrorIs(t, err, ErrInputRequired)
	assert.Contains(t, err.Error(), `"token"`)
	assert.Equal(t, ItemStatusWaitingUserInput, item.Status)
	assert.Empty(t, r.mfa)
}

func TestWaitHandlerErrorStops(t *testing.T) {
	t.Parallel()
	boom := errors.New("usuário desistiu")
	r := newScenarioRun(t, timelineScenario(waitingFor(tokenParam)))
	_, err := r.client.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnParameter: func(context.Context, *Item, *Parameter) (map[string]string, error) { return nil, boom },
	})
	assert.ErrorIs(t, err, boom)
	assert.Empty(t, r.mfa)

	action := map[string]any{"status": "WAITING_USER_ACTION", "executionStatus": "WAITING_USER_ACTION",
		"userAction": map[string]any{"instructions": "Autorize no app"}}
	r = newScenarioRun(t, timelineScenario(action))
	_, err = r.client.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnUserAction: func(context.Context, *Item, *UserAction) error { return boom },
	})
	assert.ErrorIs(t, err, boom)
}

func TestWaitRefusesBadAnswersLocally(t *testing.T) {
	t.Parallel()
	selectParam := map[string]any{"name": "selectedOwner", "label": "Titular", "type": "select",
		"options": []any{map[string]any{"value": "1", "label": "JOSÉ"}, map[string]any{"value": "2", "label": "ANA"}}}
	cases := map[string]struct {
		param   map[string]any
		answers map[string]string
		problem string
	}{
		"regex":       {tokenParam, map[string]string{"token": "12a"}, "does not match the expected format"},
		"missing":     {tokenParam, map[string]string{"codigo": "123456"}, "the answers do not include it"},
		"empty":       {tokenParam, map[string]string{"token": ""}, "is required"},
		"not offered": {selectParam, map[string]string{"selectedOwner": "3"}, `must be one of "1", "2"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := newScenarioRun(t, timelineScenario(waitingFor(tc.param)))
			_, err := r.client.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
				OnParameter: func(context.Context, *Item, *Parameter) (map[string]string, error) { return tc.answers, nil },
				Poll:        PollOptions{Sleep: noSleep},
			})
			var pe *ArgumentError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.param["name"], pe.Param)
			assert.Equal(t, tc.problem, pe.Problem)
			assert.Empty(t, r.mfa, "nothing sent")
		})
	}
}

func TestWaitOptionalParameterMayBeLeftOut(t *testing.T) {
	t.Parallel()
	opt := layer(tokenParam, map[string]any{"optional": true})
	r := newScenarioRun(t, timelineScenario(waitingFor(opt), map[string]any{"status": "UPDATED", "executionStatus": "SUCCESS"}))
	_, err := r.client.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnParameter: func(context.Context, *Item, *Parameter) (map[string]string, error) {
			return map[string]string{"other": "x"}, nil
		},
		Poll: PollOptions{Sleep: noSleep},
	})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"other": "x"}}, r.mfa)
}

func TestWaitAlreadyExpiredParameterIsNotAsked(t *testing.T) {
	t.Parallel()
	p := layer(tokenParam, map[string]any{"expiresAt": "2026-11-23T11:59:59.5Z"})
	r := newScenarioRun(t, timelineScenario(waitingFor(p)))
	_, err := r.client.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnParameter: func(context.Context, *Item, *Parameter) (map[string]string, error) {
			t.Error("an expired parameter must not be asked")
			return nil, nil
		},
	})
	assert.ErrorIs(t, err, ErrParameterExpired)
	assert.Contains(t, err.Error(), `parameter "token" expired at 2026-11-23T11:59:59Z; no answer sent`)
}

func TestWaitAuthorizationPendingWithoutHandlerOrTooOften(t *testing.T) {
	t.Parallel()
	pending := map[string]any{"status": "OUTDATED", "executionStatus": "USER_AUTHORIZATION_PENDING",
		"error": map[string]any{"code": "USER_AUTHORIZATION_PENDING", "message": "authorize the device",
			"attributes": map[string]any{"deviceNickname": "Pluggy-1"}}}
	r := newScenarioRun(t, timelineScenario(pending))
	_, err := r.client.Items.Wait(context.Background(), fixtureItemID, nil)
	var ie *ItemError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, ItemErrorCodeUserAuthorizationPending, ie.Code)
	assert.Empty(t, r.patches)

	// The pending state read again after the PATCH (no timestamps to tell)
	// is not handled twice.
	running := map[string]any{"status": "UPDATING", "executionStatus": "LOGIN_IN_PROGRESS"}
	success := map[string]any{"status": "UPDATED", "executionStatus": "SUCCESS", "error": nil}
	r = newScenarioRun(t, timelineScenario(pending, pending, running, success))
	calls := 0
	item, err := r.client.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnAuthorizationPending: func(context.Context, *Item) error { calls++; return nil },
		Poll:                   PollOptions{Sleep: noSleep},
	})
	require.NoError(t, err)
	assert.Equal(t, ExecutionStatusSuccess, item.ExecutionStatus)
	assert.Equal(t, 1, calls)
	assert.Equal(t, []map[string]any{{}}, r.patches)

	// The item keeps ending pending: after MaxAuthorizations rounds, give up.
	r = newScenarioRun(t, timelineScenario(pending, running, pending, running, pending))
	rounds := 0
	_, err = r.client.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnAuthorizationPending: func(context.Context, *Item) error { rounds++; return nil },
		Poll:                   PollOptions{MaxAuthorizations: 2, Sleep: noSleep},
	})
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 2, rounds)
	assert.Len(t, r.patches, 2)
}

func TestWaitStopsWhenContextEnds(t *testing.T) {
	t.Parallel()
	running := map[string]any{"status": "UPDATING", "executionStatus": "LOGIN_IN_PROGRESS"}
	r := newScenarioRun(t, timelineScenario(running, running, running))
	ctx, cancel := context.WithCancel(context.Background())
	sleeps := 0
	item, err := r.client.Items.Wait(ctx, fixtureItemID, &ItemHandler{Poll: PollOptions{Sleep: func(ctx context.Context, d time.Duration) error {
		if sleeps++; sleeps == 2 {
			cancel()
		}
		return ctx.Err()
	}}})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "waiting on item "+fixtureItemID)
	assert.Equal(t, ExecutionStatusLoginInProgress, item.ExecutionStatus)
	assert.Equal(t, 2, r.gets)

	// The default sleeper also ends with ctx.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, sleepCtx(ctx, time.Hour), context.Canceled)
	assert.NoError(t, sleepCtx(context.Background(), time.Microsecond))
}

func TestWaitGetErrorStops(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/items/"+fixtureItemID), fixtureResponder(t, 404, "items-retrieve", "404"))
	item, err := c.Items.Wait(context.Background(), fixtureItemID, nil)
	assert.True(t, errors.Is(err, ErrNotFound))
	assert.Nil(t, item)
}

func TestWaitUsesTheRequestedID(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/items/"+fixtureItemID), jsonResponder(t, 200,
		[]byte(`{"status":"UPDATED","executionStatus":"SUCCESS"}`)))
	item, err := c.Items.Wait(context.Background(), fixtureItemID, nil)
	require.NoError(t, err)
	assert.Equal(t, ItemStatusUpdated, item.Status)

	mock.RegisterResponder(http.MethodPost, u("/items"), jsonResponder(t, 200, []byte(`{"status":"UPDATING","executionStatus":"CREATED"}`)))
	_, err = c.Items.Connect(context.Background(), &CreateItemParams{ConnectorID: 0}, nil)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), "no id")
}

func TestConnectCreateErrorSendsNothingElse(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/items"), fixtureResponder(t, 400, "items-create", "400"))
	item, err := c.Items.Connect(context.Background(), &CreateItemParams{ConnectorID: 0}, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Nil(t, item)
	assert.Equal(t, 1, mock.GetTotalCallCount()-mock.GetCallCountInfo()["POST "+u("/auth")])
}

func TestPollDefaultsAndBackoff(t *testing.T) {
	t.Parallel()
	o := PollOptions{}.withDefaults()
	assert.Equal(t, time.Second, o.Interval)
	assert.Equal(t, 10*time.Second, o.MaxInterval)
	assert.Equal(t, time.Second, o.InputInterval)
	assert.Equal(t, 3, o.MaxAuthorizations)
	require.NotNil(t, o.Sleep)
	o = PollOptions{Interval: 5 * time.Second, MaxInterval: time.Second}.withDefaults()
	assert.Equal(t, 5*time.Second, o.MaxInterval, "the cap is never below the first wait")

	d := &itemDriver{h: ItemHandler{Poll: PollOptions{Interval: 500 * time.Millisecond, MaxInterval: 3 * time.Second}.withDefaults()}}
	d.delay = d.h.Poll.Interval
	var got []time.Duration
	for range 6 {
		got = append(got, d.backoff())
	}
	assert.Equal(t, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}, got)
}

// A MaxInterval near time.Duration's limit ("no cap") must not make the
// doubling overflow into a negative wait, which sleeps not at all: the
// driver would poll as fast as the rate limiter lets it.
func TestPollBackoffDoesNotOverflowUnderAHugeCap(t *testing.T) {
	t.Parallel()
	const huge = time.Duration(math.MaxInt64)
	d := &itemDriver{h: ItemHandler{Poll: PollOptions{Interval: time.Second, MaxInterval: huge}.withDefaults()}}
	d.delay = d.h.Poll.Interval
	prev := time.Duration(0)
	for i := range 100 {
		w := d.backoff()
		require.GreaterOrEqual(t, w, prev, "wait %d shrank to %s", i, w)
		prev = w
	}
	assert.Equal(t, huge, prev, "the cap is reached and kept")
}

func TestParameterValidate(t *testing.T) {
	t.Parallel()
	p := &Parameter{Name: "sms", Label: "Link", Type: ParameterTypeText, Validation: Ptr(`^.{10,120}$`), ValidationMessage: Ptr("Cole o link completo")}
	assert.NoError(t, p.Validate("https://bb.com.br/a/7Kq2Zp9xW3"))
	assert.EqualError(t, p.Validate("curto"), "pluggy: invalid sms: Cole o link completo")
	assert.ErrorIs(t, p.Validate("curto"), ErrInvalidArgument)
	assert.EqualError(t, p.Validate(""), "pluggy: invalid sms: is required")
	assert.EqualError(t, p.Validate(strings.Repeat("x", 121)), "pluggy: invalid sms: Cole o link completo")

	js := &Parameter{Name: "code", Validation: Ptr(`/^[a-f]{4}$/i`)}
	assert.NoError(t, js.Validate("ABCD"))
	assert.Error(t, js.Validate("abcg"))

	// A regex Go cannot compile is left to the API.
	look := &Parameter{Name: "x", Validation: Ptr(`^(?=.*\d).{6}$`)}
	assert.NoError(t, look.Validate("abcdef"))

	opt := &Parameter{Name: "apelido", Optional: Ptr(true), Validation: Ptr(`^\w+$`)}
	assert.NoError(t, opt.Validate(""))
	assert.True(t, opt.IsOptional())

	var nilP *Parameter
	assert.Error(t, nilP.Validate("x"))
	assert.False(t, nilP.IsOptional())
	assert.False(t, nilP.Expired(time.Now()))
	_, ok := nilP.Option("1")
	assert.False(t, ok)
}

func TestParameterExpired(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	var p Parameter
	require.NoError(t, json.Unmarshal([]byte(`{"name":"token","label":"Token","type":"number","expiresAt":"2026-11-23T12:04:00.000Z"}`), &p))
	assert.False(t, p.Expired(now))
	assert.False(t, p.Expired(now.Add(4*time.Minute-time.Nanosecond)))
	assert.True(t, p.Expired(now.Add(4*time.Minute)))
	assert.False(t, (&Parameter{}).Expired(now.Add(1000*time.Hour)), "no expiresAt never expires")
}

func TestParameterImageBytes(t *testing.T) {
	t.Parallel()
	img := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image bytes ÿ")
	std := base64.StdEncoding.EncodeToString(img)
	for name, data := range map[string]string{
		"base64":           std,
		"raw base64":       base64.RawStdEncoding.EncodeToString(img),
		"url base64":       base64.URLEncoding.EncodeToString(img),
		"line breaks":      std[:10] + "\n" + std[10:20] + "\r\n" + std[20:],
		"data URL":         "data:image/png;base64," + std,
		"data URL, spaced": "  DATA:image/png;BASE64," + std + "\n",
	} {
		p := &Parameter{Type: ParameterTypeImage, Data: Ptr(data)}
		got, err := p.ImageBytes()
		require.NoError(t, err, name)
		assert.Equal(t, img, got, name)
	}
	got, err := (&Parameter{Data: Ptr("data:text/plain,ol%C3%A1")}).ImageBytes()
	require.NoError(t, err)
	assert.Equal(t, "olá", string(got))

	for name, data := range map[string]*string{"nil": nil, "empty": Ptr(" "), "not base64": Ptr("não é base64!"), "no comma": Ptr("data:image/png;base64")} {
		_, err := (&Parameter{Data: data}).ImageBytes()
		assert.Error(t, err, name)
	}
	_, err = (*Parameter)(nil).ImageBytes()
	assert.ErrorIs(t, err, ErrNoImage)
}

func TestParameterOAuthURL(t *testing.T) {
	t.Parallel()
	p := &Parameter{Type: ParameterTypeOAuth, Data: Ptr(" https://auth.nubank.com.br/oauth2/authorize?state=1 ")}
	got, err := p.OAuthURL()
	require.NoError(t, err)
	assert.Equal(t, "https://auth.nubank.com.br/oauth2/authorize?state=1", got)
	for _, bad := range []*string{nil, Ptr(""), Ptr("javascript:alert(1)"), Ptr("/relative"), Ptr("https://")} {
		_, err := (&Parameter{Type: ParameterTypeOAuth, Data: bad}).OAuthURL()
		assert.Error(t, err)
	}
}

func TestParameterOptions(t *testing.T) {
	t.Parallel()
	var item Item
	require.NoError(t, json.Unmarshal(fixture(t, "items-retrieve", "200-select"), &item))
	p := item.Parameter
	require.Len(t, p.Options, 2)
	o, ok := p.Option("98765432000110")
	require.True(t, ok)
	assert.Equal(t, "Mercadinho Boa Vista ME - 98.765.432/0001-10", o.Label)
	_, ok = p.Option("00000000000000")
	assert.False(t, ok)
	assert.NoError(t, p.Validate("12345678000195"))
	assert.Error(t, p.Validate("00000000000000"))

	require.NoError(t, json.Unmarshal(fixture(t, "items-retrieve", "200-image"), &item))
	img, err := item.Parameter.ImageBytes()
	require.NoError(t, err)
	assert.Equal(t, "image/png", http.DetectContentType(img))
}

func TestUserActionHelpers(t *testing.T) {
	t.Parallel()
	var a UserAction
	require.NoError(t, json.Unmarshal([]byte(`{"instructions":"Escaneie","attributes":{"name":"qr","data":"aGVsbG8=","n":7,"ok":true,"list":[1]},"expiresAt":1795435500}`), &a))
	assert.Equal(t, "qr", a.Attribute("name"))
	assert.Equal(t, "7", a.Attribute("n"))
	assert.Equal(t, "true", a.Attribute("ok"))
	assert.Equal(t, "", a.Attribute("list"))
	assert.Equal(t, "", a.Attribute("absent"))
	b, err := a.ImageBytes()
	require.NoError(t, err)
	assert.Equal(t, "hello", string(b))
	exp := time.Date(2026, 11, 23, 12, 5, 0, 0, time.UTC)
	assert.Equal(t, exp, a.ExpiresAt.Time)
	assert.False(t, a.Expired(exp.Add(-time.Second)))
	assert.True(t, a.Expired(exp))
	var nilA *UserAction
	assert.Equal(t, "", nilA.Attribute("x"))
	assert.False(t, nilA.Expired(exp))
	_, err = nilA.ImageBytes()
	assert.ErrorIs(t, err, ErrNoImage)
}

func TestTimestamp(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 11, 23, 12, 5, 0, 123e6, time.UTC)
	for _, raw := range []string{`"2026-11-23T12:05:00.123Z"`, `"2026-11-23T09:05:00.123-03:00"`, `1795435500123`, `1795435500.123`, `"1795435500123"`, `1.795435500123e12`} {
		var ts Timestamp
		require.NoError(t, json.Unmarshal([]byte(raw), &ts), raw)
		assert.True(t, want.Equal(ts.Time), "%s: %s", raw, ts.Time)
		out, err := json.Marshal(ts)
		require.NoError(t, err)
		assert.Equal(t, raw, string(out), "encodes back the way it came")
	}
	for _, raw := range []string{`null`} {
		ts := Timestamp{Time: want}
		require.NoError(t, json.Unmarshal([]byte(raw), &ts))
		assert.True(t, ts.IsZero())
		out, _ := json.Marshal(ts)
		assert.Equal(t, "null", string(out))
	}
	for _, raw := range []string{`true`, `{}`, `[1]`} {
		var ts Timestamp
		assert.Error(t, json.Unmarshal([]byte(raw), &ts), raw)
	}
	// A string or number that is no time decodes as zero and goes back as sent.
	for _, raw := range []string{`"amanhã"`, `1e300`, `"NaN"`, `""`} {
		var ts Timestamp
		require.NoError(t, json.Unmarshal([]byte(raw), &ts), raw)
		assert.True(t, ts.IsZero(), raw)
		out, err := json.Marshal(ts)
		require.NoError(t, err)
		assert.Equal(t, raw, string(out))
	}
	var odd Item
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","status":"WAITING_USER_ACTION","executionStatus":"WAITING_USER_ACTION","userAction":{"instructions":"i","expiresAt":"em 5 minutos"}}`), &odd))
	assert.False(t, odd.UserAction.Expired(time.Now()))
	out, err := json.Marshal(Timestamp{Time: want})
	require.NoError(t, err)
	assert.Equal(t, `"2026-11-23T12:05:00.123Z"`, string(out))

	// Changed in Go, it encodes the new time.
	var ts Timestamp
	require.NoError(t, json.Unmarshal([]byte(`1795435500123`), &ts))
	ts.Time = ts.Add(time.Minute)
	out, _ = json.Marshal(ts)
	assert.Equal(t, `"2026-11-23T12:06:00.123Z"`, string(out))
}

func TestItemErrorText(t *testing.T) {
	t.Parallel()
	var item Item
	require.NoError(t, json.Unmarshal(fixture(t, "items-retrieve", "200-login-error"), &item))
	e := newItemError(&item)
	assert.Equal(t, "pluggy: item "+fixtureItemID+" ended LOGIN_ERROR INVALID_CREDENTIALS: The credentials provided are invalid (institution: Usuário ou senha inválidos. Restam 2 tentativas.)", e.Error())
	assert.True(t, e.LoginFailed())
	assert.False(t, e.Retryable())

	bare := newItemError(&Item{ID: "x", Status: ItemStatusOutdated, ExecutionStatus: ExecutionStatusError})
	assert.Equal(t, ItemErrorCode("ERROR"), bare.Code)
	assert.Equal(t, "pluggy: item x ended OUTDATED ERROR", bare.Error())
	assert.True(t, bare.Retryable())
	assert.False(t, bare.LoginFailed())
}

func TestWaitErrorsKeepSecretsOut(t *testing.T) {
	t.Parallel()
	const secret = "739164"
	r := newScenarioRun(t, timelineScenario(waitingFor(layer(tokenParam, map[string]any{"validation": `^\d{8}$`}))))
	_, err := r.client.Items.Wait(context.Background(), fixtureItemID, &ItemHandler{
		OnParameter: func(context.Context, *Item, *Parameter) (map[string]string, error) {
			return map[string]string{"token": secret}, nil
		},
	})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, err.Error(), testSecret)
}

// ExampleItemsService_Connect connects a sandbox item, answering its MFA
// token from a terminal prompt.
func ExampleItemsService_Connect() {
	client, err := NewClient("your-client-id", "your-client-secret")
	if err != nil {
		panic(err)
	}
	item, err := client.Items.Connect(context.Background(), &CreateItemParams{
		ConnectorID: 0, // Pluggy Bank, the sandbox
		Parameters:  map[string]string{"user": "user-ok", "password": "password-ok"},
	}, &ItemHandler{
		OnParameter: func(ctx context.Context, item *Item, p *Parameter) (map[string]string, error) {
			if p.Type == ParameterTypeOAuth {
				u, err := p.OAuthURL()
				if err != nil {
					return nil, err
				}
				fmt.Println("Open", u)
				return nil, nil // the institution calls Pluggy back
			}
			fmt.Printf("%s: ", p.Label)
			var v string
			_, _ = fmt.Scanln(&v)
			return map[string]string{p.Name: v}, p.Validate(v)
		},
		OnUserAction: func(ctx context.Context, item *Item, a *UserAction) error {
			fmt.Println(a.Instructions)
			return nil
		},
	})
	var itemErr *ItemError
	switch {
	case errors.Is(err, ErrParameterExpired):
		fmt.Println("too late: connect again") // answered after expiresAt, or never
	case errors.As(err, &itemErr):
		fmt.Println("connection failed:", itemErr.Code)
	case err != nil:
		fmt.Println("error:", err)
	default:
		fmt.Println("connected:", item.ID, item.ExecutionStatus)
	}
}

// deadlineCtx is a context whose deadline passes when expire is called, so
// that a test ends it at an exact point rather than racing a timer.
type deadlineCtx struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newDeadlineCtx() *deadlineCtx {
	return &deadlineCtx{Context: context.Background(), done: make(chan struct{})}
}

func (c *deadlineCtx) expire() { c.once.Do(func() { close(c.done) }) }

func (c *deadlineCtx) Done() <-chan struct{} { return c.done }

func (c *deadlineCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}
