package pluggytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/pluggy-go/pluggy"
)

// The fake's webhooks: the five routes of the Webhook tag, and delivery of
// the server's events to the registered URLs.
//
// Unlike Pluggy, the fake accepts http URLs and local hosts (a test's
// receiver listens on 127.0.0.1). Deliveries are POSTed one at a time, in
// the order the events happened, each with the registered headers, a
// bounded timeout and a few retries on a connection error, 408, 429 or 5xx
// (not on other answers: Pluggy does not retry a 401).

func init() { registerFeature(setupWebhooks) }

// maxWebhooksPerEvent is Pluggy's limit of webhooks for one event.
const maxWebhooksPerEvent = 5

// Delivery is one notification the server POSTed (or tried to) to a
// registered webhook.
type Delivery struct {
	// WebhookID is the registration it was sent for.
	WebhookID string
	// URL is where it was sent.
	URL string
	// Event is the event type; EventID the event's id.
	Event, EventID string
	// Body is the JSON sent.
	Body []byte
	// Attempts is how many times it was sent.
	Attempts int
	// StatusCode is the last answer's status, 0 when none came.
	StatusCode int
	// Err describes the last failure to get an answer, "" when one came.
	Err string
}

// OK reports whether the receiver answered 2xx.
func (d Delivery) OK() bool { return d.StatusCode >= 200 && d.StatusCode < 300 }

// WithWebhookDelivery sets how the server delivers webhooks: each attempt
// ends after timeout (5 seconds by default), a delivery is tried at most
// attempts times (3 by default), waiting backoff, then twice that, ...
// between tries (20 milliseconds by default).
func WithWebhookDelivery(timeout time.Duration, attempts int, backoff time.Duration) Option {
	return func(s *Server) {
		st := s.webhooks()
		st.mu.Lock()
		defer st.mu.Unlock()
		if timeout > 0 {
			st.client.Timeout = timeout
		}
		if attempts > 0 {
			st.attempts = attempts
		}
		if backoff >= 0 {
			st.backoff = backoff
		}
	}
}

type fakeWebhook struct {
	id, url, event string
	headers        map[string]string
	disabledAt     *time.Time
	createdAt      time.Time
	updatedAt      time.Time
}

func (w *fakeWebhook) json() map[string]any {
	var disabled any
	if w.disabledAt != nil {
		disabled = fmtTime(*w.disabledAt)
	}
	return map[string]any{
		"id": w.id, "url": w.url, "event": w.event, "disabledAt": disabled,
		"createdAt": fmtTime(w.createdAt), "updatedAt": fmtTime(w.updatedAt),
	}
}

type deliveryJob struct {
	hook           fakeWebhook
	event, eventID string
	body           []byte
}

type webhookState struct {
	mu    sync.Mutex
	idle  *sync.Cond // signalled when pending reaches 0
	hooks map[string]*fakeWebhook
	order []string

	client   *http.Client
	attempts int
	backoff  time.Duration
	queue    []deliveryJob
	running  bool
	pending  int
	done     []Delivery
}

func (s *Server) webhooks() *webhookState {
	return s.feature("webhooks", func() any {
		st := &webhookState{
			hooks: map[string]*fakeWebhook{},
			client: &http.Client{
				Timeout:       5 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			},
			attempts: 3,
			backoff:  20 * time.Millisecond,
		}
		st.idle = sync.NewCond(&st.mu)
		return st
	}).(*webhookState)
}

func setupWebhooks(s *Server) {
	st := s.webhooks()
	s.handle("GET /webhooks", func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		out := make([]map[string]any, 0, len(st.order))
		for _, id := range st.order {
			out = append(out, st.hooks[id].json())
		}
		st.mu.Unlock()
		if len(out) == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writePage(w, out, 1, len(out), 1)
	})
	s.handle("POST /webhooks", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			URL     string            `json:"url"`
			Event   string            `json:"event"`
			Headers map[string]string `json:"headers"`
		}
		if !readJSON(w, r, &body) {
			return
		}
		now := s.Now()
		hook := &fakeWebhook{id: s.newID(), url: body.URL, event: body.Event, headers: body.Headers, createdAt: now, updatedAt: now}
		st.mu.Lock()
		msg := st.checkLocked(hook, "")
		if msg == "" {
			st.hooks[hook.id] = hook
			st.order = append(st.order, hook.id)
		}
		out := hook.json()
		st.mu.Unlock()
		if msg != "" {
			writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "message": msg})
			return
		}
		writeJSON(w, http.StatusCreated, out)
	})
	s.handle("GET /webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		hook, ok := st.hooks[r.PathValue("id")]
		var out map[string]any
		if ok {
			out = hook.json()
		}
		st.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "WEBHOOK_NOT_FOUND", "webhook not found")
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
	s.handle("PATCH /webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			URL     *string          `json:"url"`
			Event   *string          `json:"event"`
			Headers *json.RawMessage `json:"headers"`
			Enabled *bool            `json:"enabled"`
		}
		if !readJSON(w, r, &body) {
			return
		}
		var headers map[string]string
		clearHeaders := false
		if body.Headers != nil {
			if string(*body.Headers) == "null" {
				clearHeaders = true
			} else if err := json.Unmarshal(*body.Headers, &headers); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "message": "headers must be an object of strings"})
				return
			}
		}
		now := s.Now()
		st.mu.Lock()
		hook, ok := st.hooks[r.PathValue("id")]
		if !ok {
			st.mu.Unlock()
			writeError(w, http.StatusNotFound, "WEBHOOK_NOT_FOUND", "webhook not found")
			return
		}
		next := *hook
		if body.URL != nil {
			next.url = *body.URL
		}
		if body.Event != nil {
			next.event = *body.Event
		}
		switch {
		case clearHeaders:
			next.headers = nil
		case headers != nil:
			next.headers = headers
		}
		if body.Enabled != nil {
			if *body.Enabled {
				next.disabledAt = nil
			} else if next.disabledAt == nil {
				next.disabledAt = &now
			}
		}
		next.updatedAt = now
		msg := st.checkLocked(&next, hook.id)
		if msg == "" {
			*hook = next
		}
		out := hook.json()
		st.mu.Unlock()
		if msg != "" {
			writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "message": msg})
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
	s.handle("DELETE /webhooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		st.mu.Lock()
		_, ok := st.hooks[id]
		if ok {
			delete(st.hooks, id)
			for i, o := range st.order {
				if o == id {
					st.order = append(st.order[:i], st.order[i+1:]...)
					break
				}
			}
		}
		st.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "WEBHOOK_NOT_FOUND", "webhook not found")
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"count": 1})
	})
	s.onEvent(func(ev Event) { st.dispatch(s, ev) })
}

// checkLocked validates a webhook about to be stored (self is the id of the
// one it replaces, "" for a new one) and returns Pluggy's message, or "".
func (st *webhookState) checkLocked(h *fakeWebhook, self string) string {
	if !pluggy.WebhookEventType(h.event).Known() {
		return fmt.Sprintf("Invalid event type '%s' for webhook", h.event)
	}
	u, err := url.Parse(h.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "Webhook url must be valid URL address and not localhost"
	}
	same := 0
	for id, o := range st.hooks {
		if id == self || o.event != h.event {
			continue
		}
		if o.url == h.url {
			return fmt.Sprintf("A webhook for event '%s' and url '%s' already exists.", h.event, h.url)
		}
		same++
	}
	if same >= maxWebhooksPerEvent {
		return fmt.Sprintf("You have reached the maximum of %d webhooks for event '%s'.", maxWebhooksPerEvent, h.event)
	}
	return ""
}

// entityKeys are the payload fields whose value becomes the event's "id"
// when the emitter gave none, in order of preference.
var entityKeys = []string{
	"itemId", "paymentIntentId", "scheduledPaymentId", "automaticPixPaymentId", "smartTransferPaymentId",
	"smartTransferPreauthorizationId", "boletoId", "paymentRequestId", "connectorId", "accountId",
}

// dispatch builds the notification of ev and queues it for every enabled
// webhook registered for ev's type or for "all", and for the webhookUrl of
// the item it is about.
func (st *webhookState) dispatch(s *Server, ev Event) {
	payload := make(map[string]any, len(ev.Payload)+4)
	for k, v := range ev.Payload {
		payload[k] = v
	}
	eventID, _ := payload["eventId"].(string)
	if eventID == "" {
		eventID = s.newID()
	}
	payload["event"] = ev.Type
	payload["eventId"] = eventID
	if _, ok := payload["clientId"]; !ok && ev.Type != "connector/status_updated" {
		// Pluggy's connector events are about no application.
		payload["clientId"] = s.ClientID
	}
	if _, ok := payload["id"]; !ok {
		payload["id"] = eventID
		for _, k := range entityKeys {
			if v, ok := payload[k]; ok && v != nil {
				payload["id"] = v
				break
			}
		}
	}
	body, err := json.Marshal(payload)
	// An item created or updated with a webhookUrl also gets its own
	// events there, without custom headers, as Pluggy does; the fake sends
	// them only to a loopback address, so that a test's example URL never
	// makes it reach out to the network.
	var itemURL string
	if itemID, ok := payload["itemId"].(string); ok && itemID != "" {
		if u, ok := s.itemWebhookURL(itemID); ok && isLoopbackURL(u) {
			itemURL = u
		}
	}

	st.mu.Lock()
	defer st.mu.Unlock()
	if err != nil {
		// Nothing can be sent; the failure shows in Deliveries.
		st.done = append(st.done, Delivery{Event: ev.Type, EventID: eventID, Err: "payload is not JSON: " + err.Error()})
		return
	}
	for _, id := range st.order {
		h := st.hooks[id]
		if h.disabledAt != nil || (h.event != ev.Type && h.event != string(pluggy.WebhookEventAll)) {
			continue
		}
		snap := *h
		snap.headers = make(map[string]string, len(h.headers))
		for k, v := range h.headers {
			snap.headers[k] = v
		}
		st.queue = append(st.queue, deliveryJob{hook: snap, event: ev.Type, eventID: eventID, body: body})
		st.pending++
	}
	if itemURL != "" {
		st.queue = append(st.queue, deliveryJob{hook: fakeWebhook{url: itemURL, event: ev.Type}, event: ev.Type, eventID: eventID, body: body})
		st.pending++
	}
	if len(st.queue) > 0 && !st.running {
		st.running = true
		go st.run()
	}
}

// isLoopbackURL reports whether raw is an http(s) URL on this machine.
func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// run delivers the queued notifications one at a time, then exits.
func (st *webhookState) run() {
	for {
		st.mu.Lock()
		if len(st.queue) == 0 {
			st.running = false
			st.mu.Unlock()
			return
		}
		job := st.queue[0]
		st.queue = st.queue[1:]
		client, attempts, backoff := st.client, st.attempts, st.backoff
		st.mu.Unlock()

		d := deliver(client, attempts, backoff, job)

		st.mu.Lock()
		st.done = append(st.done, d)
		st.pending--
		if st.pending == 0 {
			st.idle.Broadcast()
		}
		st.mu.Unlock()
	}
}

func deliver(client *http.Client, attempts int, backoff time.Duration, job deliveryJob) Delivery {
	d := Delivery{WebhookID: job.hook.id, URL: job.hook.url, Event: job.event, EventID: job.eventID, Body: job.body}
	names := make([]string, 0, len(job.hook.headers))
	for k := range job.hook.headers {
		names = append(names, k)
	}
	sort.Strings(names)
	if !isLoopbackURL(job.hook.url) {
		// A fake for tests never sends anything off this machine.
		d.Err = "not sent: pluggytest delivers webhooks to loopback addresses only"
		return d
	}
	for d.Attempts < attempts {
		if d.Attempts > 0 {
			time.Sleep(backoff * time.Duration(d.Attempts))
		}
		d.Attempts++
		req, err := http.NewRequest(http.MethodPost, job.hook.url, bytes.NewReader(job.body))
		if err != nil {
			d.StatusCode, d.Err = 0, err.Error()
			return d
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "pluggytest-webhooks")
		for _, k := range names {
			req.Header.Set(k, job.hook.headers[k])
		}
		resp, err := client.Do(req)
		if err != nil {
			d.StatusCode, d.Err = 0, err.Error()
			continue
		}
		_ = resp.Body.Close()
		d.StatusCode, d.Err = resp.StatusCode, ""
		if d.OK() || !retryableDelivery(resp.StatusCode) {
			return d
		}
	}
	return d
}

func retryableDelivery(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500
}

// SendWebhookEvent emits an event of type eventType (a pluggy.WebhookEventType
// value such as "item/updated") with payload's fields, as if something in
// the server had changed, and returns its eventId. The server adds "event",
// "clientId" (except to connector/status_updated, as Pluggy) and "id" (the
// entity's id, from itemId, paymentIntentId, ...) unless payload has them, and a new "eventId" unless payload has one:
// giving the eventId of an earlier event simulates a redelivery.
//
// Delivery to the registered webhooks is asynchronous; FlushWebhooks or
// Deliveries wait for it.
func (s *Server) SendWebhookEvent(eventType string, payload map[string]any) string {
	p := make(map[string]any, len(payload)+1)
	for k, v := range payload {
		p[k] = v
	}
	id, _ := p["eventId"].(string)
	if id == "" {
		id = s.newID()
		p["eventId"] = id
	}
	s.emit(Event{Type: eventType, Payload: p})
	return id
}

// FlushWebhooks waits until every notification emitted so far has been
// delivered or has run out of attempts.
func (s *Server) FlushWebhooks() {
	st := s.webhooks()
	st.mu.Lock()
	for st.pending > 0 {
		st.idle.Wait()
	}
	st.mu.Unlock()
}

// Deliveries waits like FlushWebhooks, then returns every delivery so far,
// oldest first.
func (s *Server) Deliveries() []Delivery {
	s.FlushWebhooks()
	st := s.webhooks()
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]Delivery(nil), st.done...)
}
