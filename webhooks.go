package pluggy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Webhook is a registration: Pluggy POSTs every event of type Event to URL.
type Webhook struct {
	// ID identifies the webhook (id).
	ID string `json:"id"`
	// URL receives the notifications (url).
	URL string `json:"url"`
	// Event is the event type it listens to, or WebhookEventAll (event).
	Event WebhookEventType `json:"event"`
	// DisabledAt is when Pluggy disabled it (after repeated failures) or you
	// did; nil while it is enabled (disabledAt).
	DisabledAt *time.Time `json:"disabledAt,omitempty"`
	// CreatedAt is when it was created (createdAt).
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// UpdatedAt is when it last changed (updatedAt).
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// Enabled reports whether the webhook receives notifications.
func (w *Webhook) Enabled() bool { return w != nil && w.DisabledAt == nil }

// CreateWebhookParams is the body of POST /webhooks (CreateWebhook).
//
// Its String, GoString, Format and LogValue hide the header values, which
// usually hold the secret your receiver checks, and the URL's query; the
// request body keeps them.
type CreateWebhookParams struct {
	// Event is the event type to listen to, or WebhookEventAll (required;
	// event).
	Event WebhookEventType `json:"event"`
	// URL receives the notifications (required; url). It must be an
	// absolute https URL; plain http is accepted only for a loopback host
	// (localhost, 127.0.0.0/8, ::1), which only a local fake such as
	// pluggytest can reach: Pluggy itself refuses it.
	URL string `json:"url"`
	// Headers are sent back with every notification (headers): put a long
	// random secret in one and check it with NewWebhookHandler's
	// WithWebhookSecret.
	Headers map[string]string `json:"headers,omitempty"`
}

func (p *CreateWebhookParams) validate() error {
	if p == nil {
		return paramErr("params", "must not be nil")
	}
	if err := checkWebhookEvent("event", p.Event, true); err != nil {
		return err
	}
	if err := checkWebhookURL("url", p.URL, true); err != nil {
		return err
	}
	return checkWebhookHeaders("headers", p.Headers)
}

// String describes the params without the header values.
func (p CreateWebhookParams) String() string {
	return fmt.Sprintf("pluggy.CreateWebhookParams{Event: %q, URL: %q, Headers: %s}",
		p.Event, redactedURL(p.URL), redactedWebhookHeaders(p.Headers))
}

// LogValue is what log/slog handlers print: the fields of String, the
// headers' names but not their values.
func (p CreateWebhookParams) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("event", string(p.Event)),
		slog.String("url", redactedURL(p.URL)),
		slog.String("headers", redactedWebhookHeaders(p.Headers)),
	)
}

// GoString is String.
func (p CreateWebhookParams) GoString() string { return p.String() }

// Format prints String for every verb.
func (p CreateWebhookParams) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// UpdateWebhookParams is the body of PATCH /webhooks/{id} (UpdateWebhook).
// Every field is optional; at least one must be set.
//
// Its String, GoString, Format and LogValue hide the header values and the
// URL's query; MarshalJSON, the request body, keeps them.
type UpdateWebhookParams struct {
	// URL moves the webhook to a new URL (url), with the same rules as
	// CreateWebhookParams.URL.
	URL string `json:"url,omitempty"`
	// Event changes the event type listened to (event).
	Event WebhookEventType `json:"event,omitempty"`
	// Headers replaces the headers sent with every notification (headers);
	// nil leaves them as they are.
	Headers map[string]string `json:"-"`
	// ClearHeaders removes every header (sends "headers": null). It cannot
	// be combined with Headers.
	ClearHeaders bool `json:"-"`
	// Enabled re-enables (true) a webhook Pluggy disabled, or disables it
	// (false) (enabled).
	Enabled *bool `json:"enabled,omitempty"`
}

// MarshalJSON writes the body; headers only when set or cleared.
func (p UpdateWebhookParams) MarshalJSON() ([]byte, error) {
	type plain UpdateWebhookParams
	b, err := json.Marshal(plain(p))
	if err != nil {
		return nil, err
	}
	var hv []byte
	switch {
	case p.ClearHeaders:
		hv = []byte("null")
	case p.Headers != nil:
		if hv, err = json.Marshal(p.Headers); err != nil {
			return nil, err
		}
	default:
		return b, nil
	}
	out := make([]byte, 0, len(b)+len(hv)+12)
	out = append(out, `{"headers":`...)
	out = append(out, hv...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

func (p *UpdateWebhookParams) validate() error {
	if p == nil || (p.URL == "" && p.Event == "" && p.Headers == nil && !p.ClearHeaders && p.Enabled == nil) {
		return paramErr("params", "set at least one of URL, Event, Headers, ClearHeaders or Enabled")
	}
	if p.Headers != nil && p.ClearHeaders {
		return paramErr("headers", "set either Headers or ClearHeaders, not both")
	}
	if err := checkWebhookEvent("event", p.Event, false); err != nil {
		return err
	}
	if err := checkWebhookURL("url", p.URL, false); err != nil {
		return err
	}
	return checkWebhookHeaders("headers", p.Headers)
}

// String describes the params without the header values.
func (p UpdateWebhookParams) String() string {
	enabled := "nil"
	if p.Enabled != nil {
		enabled = fmt.Sprint(*p.Enabled)
	}
	return fmt.Sprintf("pluggy.UpdateWebhookParams{URL: %q, Event: %q, Headers: %s, ClearHeaders: %t, Enabled: %s}",
		redactedURL(p.URL), p.Event, redactedWebhookHeaders(p.Headers), p.ClearHeaders, enabled)
}

// LogValue is what log/slog handlers print: the fields of String, the
// headers' names but not their values.
func (p UpdateWebhookParams) LogValue() slog.Value {
	var attrs []slog.Attr
	attrs = appendNonEmpty(attrs, "url", redactedURL(p.URL))
	attrs = appendNonEmpty(attrs, "event", string(p.Event))
	attrs = append(attrs, slog.String("headers", redactedWebhookHeaders(p.Headers)))
	if p.ClearHeaders {
		attrs = append(attrs, slog.Bool("clearHeaders", true))
	}
	if p.Enabled != nil {
		attrs = append(attrs, slog.Bool("enabled", *p.Enabled))
	}
	return slog.GroupValue(attrs...)
}

// GoString is String.
func (p UpdateWebhookParams) GoString() string { return p.String() }

// Format prints String for every verb.
func (p UpdateWebhookParams) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// checkWebhookEvent accepts WebhookEventAll or any "topic/name" made of
// lower-case letters and underscores. Event types this version does not know
// are let through, so that a new Pluggy event can be registered before the
// SDK learns it; Pluggy answers 400 ("Invalid event type") to a type it does
// not have.
func checkWebhookEvent(param string, e WebhookEventType, required bool) error {
	if e == "" {
		if required {
			return paramErr(param, "must not be empty")
		}
		return nil
	}
	if e == WebhookEventAll || e.Known() {
		return nil
	}
	topic, name, ok := strings.Cut(string(e), "/")
	if !ok || !webhookEventWord(topic) || !webhookEventWord(name) {
		return paramErr(param, "%.60q is not an event type (\"topic/name\" in lower case, or \"all\")", string(e))
	}
	return nil
}

func webhookEventWord(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// checkWebhookURL accepts an absolute https URL, or an http URL whose host is
// loopback (for local fakes). It refuses credentials in the URL: pass them
// as Headers.
func checkWebhookURL(param, raw string, required bool) error {
	if raw == "" {
		if required {
			return paramErr(param, "must not be empty")
		}
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return paramErr(param, "must be an absolute https URL")
	}
	if u.User != nil {
		return paramErr(param, "must not carry credentials (user:password@); send them as headers")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if webhookLoopbackHost(u.Hostname()) {
			return nil
		}
		return paramErr(param, "must use https (plain http only for a loopback host)")
	}
	return paramErr(param, "must be an absolute https URL")
}

func webhookLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkWebhookHeaders refuses header names that are not HTTP tokens and
// values with line breaks or other control characters. Problems name the
// header, never its value.
func checkWebhookHeaders(param string, h map[string]string) error {
	for name, value := range h {
		if !webhookHeaderName(name) {
			return paramErr(param, "%.60q is not a valid header name", name)
		}
		for i := 0; i < len(value); i++ {
			if c := value[i]; (c < ' ' && c != '\t') || c == 0x7f {
				return paramErr(param, "the value of %q holds a control character", name)
			}
		}
	}
	return nil
}

// webhookHeaderName reports whether s is an RFC 9110 token.
func webhookHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func redactedWebhookHeaders(h map[string]string) string {
	if h == nil {
		return "nil"
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k+":[redacted]")
	}
	sort.Strings(names)
	return "map[" + strings.Join(names, " ") + "]"
}

// List returns the application's webhooks (GET /webhooks), all in one page.
// When there are none Pluggy may answer 204; List then returns an empty page.
//
// Errors: *Error for an answer outside 2xx.
func (s *WebhooksService) List(ctx context.Context, opts ...RequestOption) (*Page[Webhook], error) {
	var out Page[Webhook]
	if err := s.client.call(ctx, "GET /webhooks", nil, nil, nil, &out, opts...); err != nil {
		return nil, err
	}
	if out.Results == nil {
		out.Results = []Webhook{}
	}
	return &out, nil
}

// Create registers a webhook (POST /webhooks): Pluggy will POST every event
// of params.Event to params.URL, with params.Headers. Pluggy answers 201.
//
// The POST is not retried after it may have reached Pluggy (a retry could
// register the webhook twice).
//
// Errors: *ArgumentError before any request (nil params, empty or malformed
// event, a URL that is not absolute https, credentials in the URL, a bad
// header name or value); *Error for 400 (invalid event, a URL Pluggy
// refuses — localhost, an IP literal, a private address —, the same event
// and URL already registered, or 5 webhooks for the event already).
func (s *WebhooksService) Create(ctx context.Context, params *CreateWebhookParams, opts ...RequestOption) (*Webhook, error) {
	if err := params.validate(); err != nil {
		return nil, err
	}
	return callFor[Webhook](ctx, s.client, "POST /webhooks", nil, nil, params, opts...)
}

// Get returns the webhook with the given id (GET /webhooks/{id}).
//
// Errors: *ArgumentError for an empty id; *Error matching ErrNotFound
// (WEBHOOK_NOT_FOUND).
func (s *WebhooksService) Get(ctx context.Context, id string, opts ...RequestOption) (*Webhook, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	return callFor[Webhook](ctx, s.client, "GET /webhooks/{id}", []string{id}, nil, nil, opts...)
}

// Update changes a webhook's URL, event or headers, or enables or disables
// it (PATCH /webhooks/{id}). Fields left zero are not changed.
//
// Errors: *ArgumentError before any request (empty id, nothing to update,
// Headers with ClearHeaders, the checks of Create); *Error for 400 (as
// Create) or 404 WEBHOOK_NOT_FOUND.
func (s *WebhooksService) Update(ctx context.Context, id string, params *UpdateWebhookParams, opts ...RequestOption) (*Webhook, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := params.validate(); err != nil {
		return nil, err
	}
	return callFor[Webhook](ctx, s.client, "PATCH /webhooks/{id}", []string{id}, nil, params, opts...)
}

// Delete removes a webhook (DELETE /webhooks/{id}).
//
// Errors: *ArgumentError for an empty id; *Error matching ErrNotFound.
func (s *WebhooksService) Delete(ctx context.Context, id string, opts ...RequestOption) error {
	if err := requireID("id", id); err != nil {
		return err
	}
	// The answer is {"count": 1}; it is read (an empty 2xx is a
	// *DecodeError) but carries nothing a caller needs.
	var out struct {
		Count int `json:"count"`
	}
	return s.client.call(ctx, "DELETE /webhooks/{id}", []string{id}, nil, nil, &out, opts...)
}
