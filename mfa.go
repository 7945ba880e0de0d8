package pluggy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParameterType is the kind of value a parameter asks for (ConnectorCredential
// type). The spec lists text, password, number, image and select; the live
// API also sends oauth. Any other value still decodes.
type ParameterType string

// The parameter types.
const (
	// ParameterTypeText is a line of text.
	ParameterTypeText ParameterType = "text"
	// ParameterTypePassword is a secret line of text.
	ParameterTypePassword ParameterType = "password"
	// ParameterTypeNumber is digits (a token, an account number).
	ParameterTypeNumber ParameterType = "number"
	// ParameterTypeImage shows an image (often a QR code) in Data; the answer is
	// what the user reads from it. See ImageBytes.
	ParameterTypeImage ParameterType = "image"
	// ParameterTypeSelect asks to pick one of Options; the answer is its Value.
	ParameterTypeSelect ParameterType = "select"
	// ParameterTypeOAuth sends the user to the URL in Data (see OAuthURL) to
	// consent at their institution. There is no answer to send: the
	// institution calls Pluggy back, and Pluggy moves the item on. Under
	// ItemsService.Connect, Wait or Refresh, OnParameter sends the user to
	// the URL (a redirect, a link, a push) and returns nil at once; the
	// driver then keeps polling the item until Pluggy has the consent (or
	// the parameter's expiresAt passes, USER_INPUT_TIMEOUT), and does not
	// call OnParameter again for the same ask.
	ParameterTypeOAuth ParameterType = "oauth"
)

// Parameter describes a value an item needs (ConnectorCredential): one of a
// connector's credentials, or what a running item waits for in
// item.parameter (an MFA token, a choice, a QR code, an OAuth redirect).
// Answer an item's parameter with ItemsService.SendMFA, {Name: value},
// before ExpiresAt; ItemsService.Wait does it through ItemHandler.
type Parameter struct {
	// Name is the key to send the value under (name).
	Name string `json:"name"`
	// Label is the text to show beside the input (label).
	Label string `json:"label"`
	// Type is the kind of value (type).
	Type ParameterType `json:"type"`
	// AssistiveText helps the user fill the input (assistiveText).
	AssistiveText *string `json:"assistiveText,omitempty"`
	// Data is a base64 image (type image) or a URL (type oauth) (data).
	Data *string `json:"data,omitempty"`
	// Placeholder is the input's placeholder (placeholder).
	Placeholder *string `json:"placeholder,omitempty"`
	// Validation is a regular expression the value must match (validation).
	Validation *string `json:"validation,omitempty"`
	// ValidationMessage is what to tell the user when it does not
	// (validationMessage).
	ValidationMessage *string `json:"validationMessage,omitempty"`
	// Instructions tell the user where to find the value (instructions;
	// sent by the live API, not in the spec).
	Instructions *string `json:"instructions,omitempty"`
	// MFA marks a one-time value that must be given again on each
	// execution (mfa).
	MFA *bool `json:"mfa,omitempty"`
	// Optional tells that the value may be left out (optional; live API).
	Optional *bool `json:"optional,omitempty"`
	// Options are the choices of a select (options).
	Options []SelectOption `json:"options"`
	// ExpiresAt is when the item stops waiting for the value (expiresAt;
	// live API). No answer may be sent after it.
	ExpiresAt *Timestamp `json:"expiresAt,omitempty"`
}

// SelectOption is one choice of a select parameter (CredentialSelectOption).
type SelectOption struct {
	// Value is what to send back (value).
	Value string `json:"value"`
	// Label is what to show the user (label).
	Label string `json:"label"`
}

// IsOptional reports whether the value may be left out.
func (p *Parameter) IsOptional() bool { return p != nil && p.Optional != nil && *p.Optional }

// Expired reports whether the parameter's expiresAt has passed at now. A
// parameter without expiresAt never expires.
func (p *Parameter) Expired(now time.Time) bool {
	return p != nil && p.ExpiresAt != nil && !p.ExpiresAt.IsZero() && !now.Before(p.ExpiresAt.Time)
}

// Option returns the select option whose value is v.
func (p *Parameter) Option(v string) (SelectOption, bool) {
	if p == nil {
		return SelectOption{}, false
	}
	for _, o := range p.Options {
		if o.Value == v {
			return o, true
		}
	}
	return SelectOption{}, false
}

// Validate checks a value the user typed before it is sent: present unless
// the parameter is optional, one of the options of a select, and matching
// the validation regex. The error is an *ArgumentError naming the parameter
// whose Problem is the parameter's validationMessage; it never repeats the
// value. A regex Go cannot compile is not held against the value: the API
// still checks it.
func (p *Parameter) Validate(value string) error {
	if p == nil {
		return paramErr("parameter", "is nil")
	}
	if value == "" {
		if p.IsOptional() {
			return nil
		}
		return &ArgumentError{Param: p.Name, Problem: "is required"}
	}
	if p.Type == ParameterTypeSelect && len(p.Options) > 0 {
		if _, ok := p.Option(value); !ok {
			vals := make([]string, len(p.Options))
			for i, o := range p.Options {
				vals[i] = strconv.Quote(o.Value)
			}
			return &ArgumentError{Param: p.Name, Problem: "must be one of " + strings.Join(vals, ", ")}
		}
	}
	if p.Validation != nil && *p.Validation != "" {
		if re, err := compileValidation(*p.Validation); err == nil && !re.MatchString(value) {
			msg := "does not match the expected format"
			if p.ValidationMessage != nil && strings.TrimSpace(*p.ValidationMessage) != "" {
				msg = *p.ValidationMessage
			}
			return &ArgumentError{Param: p.Name, Problem: msg}
		}
	}
	return nil
}

// compileValidation compiles a validation regex, also in the JavaScript
// literal form "/^\d{6}$/i".
func compileValidation(expr string) (*regexp.Regexp, error) {
	if len(expr) > 2 && expr[0] == '/' {
		if end := strings.LastIndexByte(expr, '/'); end > 0 {
			flags := expr[end+1:]
			expr = expr[1:end]
			if strings.Contains(flags, "i") {
				expr = "(?i)" + expr
			}
		}
	}
	return regexp.Compile(expr)
}

// ErrNoImage is returned by ImageBytes when there is no image data.
var ErrNoImage = errors.New("pluggy: no image data")

// ImageBytes returns the image of an image parameter (often a QR code to
// scan), decoded from Data, which is base64 or a data URL
// ("data:image/png;base64,..."). Detect its format with
// http.DetectContentType.
func (p *Parameter) ImageBytes() ([]byte, error) {
	if p == nil || p.Data == nil {
		return nil, ErrNoImage
	}
	return decodeImage(*p.Data)
}

// decodeImage decodes base64 (standard or URL alphabet, padded or not,
// line breaks allowed) or a data URL.
func decodeImage(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ErrNoImage
	}
	if strings.HasPrefix(strings.ToLower(s), "data:") {
		comma := strings.IndexByte(s, ',')
		if comma < 0 {
			return nil, errors.New("pluggy: malformed data URL: no comma")
		}
		header, payload := strings.ToLower(s[5:comma]), s[comma+1:]
		if !strings.HasSuffix(header, ";base64") {
			b, err := url.PathUnescape(payload)
			if err != nil {
				return nil, fmt.Errorf("pluggy: malformed data URL: %w", err)
			}
			return []byte(b), nil
		}
		s = payload
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 {
			return b, nil
		}
	}
	return nil, errors.New("pluggy: image data is neither base64 nor a data URL")
}

// OAuthURL returns the URL an oauth parameter sends the user to (its Data),
// checked to be an absolute http(s) URL. Send the user there and return
// nil from OnParameter: the institution calls Pluggy back after the
// consent, Pluggy moves the item on, and the driver, still polling, sees
// it; nothing is sent to POST /items/{id}/mfa.
func (p *Parameter) OAuthURL() (string, error) {
	if p == nil || p.Data == nil || strings.TrimSpace(*p.Data) == "" {
		return "", errors.New("pluggy: parameter has no URL")
	}
	raw := strings.TrimSpace(*p.Data)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", errors.New("pluggy: parameter data is not an absolute http(s) URL")
	}
	return raw, nil
}

// UserAction is what an item waiting for the user (WAITING_USER_ACTION)
// asks them to do outside Pluggy, such as authorising a device or scanning
// a QR code in the bank's app (ConnectorUserAction).
type UserAction struct {
	// Instructions tell the user what to do (instructions).
	Instructions string `json:"instructions"`
	// Attributes carry details: deviceNickname, or name "qr" with data a
	// QR code (attributes).
	Attributes map[string]any `json:"attributes,omitempty"`
	// ExpiresAt is when the item stops waiting (expiresAt), a date string
	// in most answers and a number in some.
	ExpiresAt *Timestamp `json:"expiresAt,omitempty"`
}

// Attribute returns the attribute called name as text ("" when absent).
func (a *UserAction) Attribute(name string) string {
	if a == nil {
		return ""
	}
	return attrString(a.Attributes, name)
}

// Expired reports whether the action's expiresAt has passed at now.
func (a *UserAction) Expired(now time.Time) bool {
	return a != nil && a.ExpiresAt != nil && !a.ExpiresAt.IsZero() && !now.Before(a.ExpiresAt.Time)
}

// ImageBytes decodes the image in attributes.data (Inter's QR code), base64
// or a data URL.
func (a *UserAction) ImageBytes() ([]byte, error) {
	if a == nil {
		return nil, ErrNoImage
	}
	return decodeImage(a.Attribute("data"))
}

// Timestamp is a point in time the API sends either as an RFC 3339 string
// or as a number of seconds or milliseconds since the Unix epoch (numbers
// from 1e11 up are taken as milliseconds). It encodes back the way it came;
// one built in Go encodes as RFC 3339. The zero value encodes as null, as
// empty text and as SQL NULL. Value and Scan carry it through database/sql
// as a time.Time (a TIMESTAMPTZ column); MarshalText and UnmarshalText
// write and read RFC 3339. It compares as its time.Time does (Before,
// After, Equal, Compare).
type Timestamp struct {
	time.Time
	raw    []byte
	parsed time.Time
}

// UnmarshalJSON reads a date-time string, a number (seconds or
// milliseconds), a number in a string, or null. A string or number it
// cannot read as a time decodes as the zero time and is written back as
// sent, so that one odd value does not fail a whole item; other JSON types
// are an error.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*t = Timestamp{}
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	text := string(b)
	switch {
	case b[0] == '"':
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
		text = strings.TrimSpace(text)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
	default:
		return fmt.Errorf("pluggy: a time must be a string or a number, got %.20s", b)
	}
	t.raw = append([]byte(nil), b...)
	t.Time, _ = parseTimeText(text)
	t.parsed = t.Time
	return nil
}

// parseTimeText reads an RFC 3339 date-time or a number of seconds or
// milliseconds since the Unix epoch (from 1e11 up, milliseconds).
func parseTimeText(text string) (time.Time, bool) {
	if v, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return v, true
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) <= 1e16 {
		unit := time.Second
		if math.Abs(f) >= 1e11 {
			unit = time.Millisecond
		}
		return epoch(text, f, unit).UTC(), true
	}
	return time.Time{}, false
}

// MarshalText writes RFC 3339 ("" for the zero value), for
// encoding.TextMarshaler users.
func (t Timestamp) MarshalText() ([]byte, error) {
	if t.IsZero() {
		return []byte{}, nil
	}
	return t.Time.MarshalText()
}

// UnmarshalText reads an RFC 3339 date-time or a number of seconds or
// milliseconds since the epoch; "" is the zero value. Unlike UnmarshalJSON,
// text that is no time is an error.
func (t *Timestamp) UnmarshalText(b []byte) error {
	text := strings.TrimSpace(string(b))
	*t = Timestamp{}
	if text == "" {
		return nil
	}
	v, ok := parseTimeText(text)
	if !ok {
		return fmt.Errorf("pluggy: %.40q is not a time", text)
	}
	t.Time = v
	return nil
}

// Value implements driver.Valuer: the time.Time, for a TIMESTAMPTZ column,
// or NULL for the zero value.
func (t Timestamp) Value() (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	return t.Time, nil
}

// Scan implements sql.Scanner: NULL is the zero value, a time.Time is
// taken as it is, text is read as UnmarshalText reads it, an integer as
// seconds or milliseconds since the epoch.
func (t *Timestamp) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*t = Timestamp{}
		return nil
	case time.Time:
		*t = Timestamp{Time: v}
		return nil
	case string:
		return t.UnmarshalText([]byte(v))
	case []byte:
		return t.UnmarshalText(v)
	case int64:
		return t.UnmarshalText(strconv.AppendInt(nil, v, 10))
	}
	return fmt.Errorf("pluggy: cannot scan a %T into a Timestamp", src)
}

// epoch converts a count of units (seconds or milliseconds) since the Unix
// epoch, exactly when text is a plain decimal ("1795435500.123"), through f
// otherwise.
func epoch(text string, f float64, unit time.Duration) time.Time {
	neg := strings.HasPrefix(text, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(text, "-"), ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	var sub int64 // the fraction of a unit, in billionths
	if err == nil && len(frac) <= 9 && strings.Trim(frac, "0123456789") == "" {
		sub, _ = strconv.ParseInt((frac + "000000000")[:9], 10, 64)
	} else {
		i := math.Floor(math.Abs(f))
		n, sub = int64(i), int64((math.Abs(f)-i)*1e9)
	}
	if neg {
		n, sub = -n, -sub
	}
	if unit == time.Millisecond {
		return time.UnixMilli(n).Add(time.Duration(sub / 1000))
	}
	return time.Unix(n, sub)
}

// MarshalJSON writes the value as it was received, or RFC 3339 when it was
// built or changed in Go, or null for the zero value.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.raw != nil && t.Time.Equal(t.parsed) {
		return append([]byte(nil), t.raw...), nil
	}
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.Time)
}

// ItemHandler receives what an item asks for while ItemsService.Wait,
// Connect or Refresh drives it. Every field is optional.
//
// The callbacks run on the driver's goroutine: while one runs, the item is
// not polled. A callback that waits for the user (a terminal prompt, an
// answer posted to another HTTP request of a web backend) should wait on a
// channel or a function that honours ctx and gives up at the parameter's
// ExpiresAt, as ExampleItemHandler_answerFromAnotherRequest shows; an
// oauth parameter needs no waiting at all (see ParameterTypeOAuth).
//
// Every driver polls GET /items/{id}, and all the drivers of one Client
// share that route's rate limit (360 requests a minute for every item
// together): one item is read about once a second while the user has
// something to do, but many items driven at once are read less often (16
// at once stretch the 1 s polling to about 2 s).
type ItemHandler struct {
	// OnParameter is called once for each ask the item waits for
	// (WAITING_USER_INPUT) and returns the answers to send, {p.Name:
	// value}. An ask is the parameter's name, type, data, options and
	// expiresAt: however often the item is read and however its updatedAt
	// moves, the same ask is handed over once and answered at most once;
	// the same name asked again with a new expiresAt (Safra asks its token
	// twice), or after the item left WAITING_USER_INPUT, is a new ask. The
	// answer is checked with p.Validate and sent with POST /items/{id}/mfa,
	// unless the parameter has expired by then. Return nil to send nothing
	// (an oauth parameter: send the user to p.OAuthURL() and return; the
	// institution calls Pluggy back and the driver sees the item move on).
	// An error stops the wait and is returned. When OnParameter is nil, a
	// parameter ends the wait with ErrInputRequired.
	OnParameter func(ctx context.Context, item *Item, p *Parameter) (map[string]string, error)
	// OnUserAction is called when the item waits for the user to act
	// elsewhere (WAITING_USER_ACTION), and again each time the action
	// changes (Inter's QR code changes every few seconds). Show a.Instructions
	// and a.ImageBytes(); return at once. An error stops the wait.
	OnUserAction func(ctx context.Context, item *Item, a *UserAction) error
	// OnAuthorizationPending is called when the item ends with
	// USER_AUTHORIZATION_PENDING (Caixa): the user must authorise the
	// device item.Error.DeviceNickname() in the bank's app, scanning
	// item.Error.QRCodes(). Return once they have; the item is then updated
	// (PATCH /items/{id}, empty body) and driven on. An error stops the
	// wait. When nil, the pending state ends the wait with an *ItemError.
	OnAuthorizationPending func(ctx context.Context, item *Item) error
	// OnStatus is told each time the item's status or execution status
	// changes, for progress reports.
	OnStatus func(item *Item)
	// Poll tunes the polling; the zero value is sensible.
	Poll PollOptions
}

// PollOptions tune how an item is polled while it is driven.
type PollOptions struct {
	// Interval is the first wait between two reads of the item (1s by
	// default); it doubles while nothing changes, up to MaxInterval.
	Interval time.Duration
	// MaxInterval caps the wait (10s by default).
	MaxInterval time.Duration
	// InputInterval is the wait while a short-lived parameter or user
	// action is pending, or just after an answer (1s by default): QR codes
	// change every few seconds.
	InputInterval time.Duration
	// MaxAuthorizations caps how many times a USER_AUTHORIZATION_PENDING
	// item is handed to OnAuthorizationPending and updated (3 by default).
	MaxAuthorizations int
	// Sleep waits d or until ctx ends (then it returns ctx's error). Tests
	// replace it to run without waiting; the default uses a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// shortLived is how far ahead an expiresAt makes a pending parameter or
// action short-lived, polled every InputInterval.
const shortLived = 10 * time.Minute

// maxStaleSkips bounds how many reads in a row older than the last write
// answer are ignored.
const maxStaleSkips = 5

func (o PollOptions) withDefaults() PollOptions {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = 10 * time.Second
	}
	if o.MaxInterval < o.Interval {
		o.MaxInterval = o.Interval
	}
	if o.InputInterval <= 0 {
		o.InputInterval = time.Second
	}
	if o.MaxAuthorizations <= 0 {
		o.MaxAuthorizations = 3
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	return o
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrInputRequired is returned by Wait when the item asks for a parameter
// and the handler has no OnParameter.
var ErrInputRequired = errors.New("pluggy: item waits for input and ItemHandler.OnParameter is nil")

// Wait drives an item to the end of its execution: it reads the item (GET
// /items/{id}) with a capped backoff, about every second while a
// short-lived parameter or user action is pending, hands each new
// parameter, user action or device authorisation to h (which may be nil for
// flows without any), sends the answers, and returns the final item.
//
// It returns the item and a nil error on SUCCESS or PARTIAL_SUCCESS (see
// item.StatusDetail for the products not updated). On failure it returns
// the item as last read with: *ItemError for LOGIN_ERROR, OUTDATED and
// error execution statuses; *ParameterExpiredError when a parameter expired
// before its answer could be sent (the item is then read once more);
// *ArgumentError when an answer fails the parameter's checks (nothing sent);
// ErrInputRequired; the error of a handler or of a request; or ctx's
// error, wrapped, when ctx ends. errors.Is(err, ErrParameterExpired) tells
// "the user took too long" in both its forms: an answer after expiresAt,
// and no answer before Pluggy's USER_INPUT_TIMEOUT.
//
// Each ask is handed to OnParameter once, however often the item is read
// (see ItemHandler); the same name asked anew with a new expiresAt, or
// after the item moved on (Safra asks its token twice), is a new ask.
// Requests stay within the client's rate limits.
func (s *ItemsService) Wait(ctx context.Context, itemID string, h *ItemHandler, opts ...RequestOption) (*Item, error) {
	item, err := s.Get(ctx, itemID, opts...)
	if err != nil {
		return nil, err
	}
	return s.drive(withCallOptions(ctx, opts), itemID, item, h, false)
}

// Connect creates an item (POST /items) and drives it to its end as Wait
// does. It returns the errors of Create, then those of Wait.
func (s *ItemsService) Connect(ctx context.Context, params *CreateItemParams, h *ItemHandler, opts ...RequestOption) (*Item, error) {
	item, err := s.Create(ctx, params, opts...)
	if err != nil {
		return nil, err
	}
	return s.drive(withCallOptions(ctx, opts), item.ID, item, h, true)
}

// Refresh updates an item (PATCH /items/{id}, limited by Pluggy to 20 a
// minute; params may be nil to sync with the stored credentials) and
// drives the new execution to its end as Wait does.
func (s *ItemsService) Refresh(ctx context.Context, itemID string, params *UpdateItemParams, h *ItemHandler, opts ...RequestOption) (*Item, error) {
	item, err := s.Update(ctx, itemID, params, opts...)
	if err != nil {
		return nil, err
	}
	return s.drive(withCallOptions(ctx, opts), itemID, item, h, true)
}

// itemDriver holds what the driver remembers of one item between reads.
type itemDriver struct {
	s     *ItemsService
	h     ItemHandler
	id    string
	delay time.Duration

	// baseline is the updatedAt of the last write answer; reads older
	// than it are stale.
	baseline   time.Time
	staleSkips int
	lastKey    string

	// The ask last handed to OnParameter, whether a read has shown the
	// item out of WAITING_USER_INPUT since, and every dated ask handed
	// over (bounded).
	currentAsk string
	leftInput  bool
	handled    map[string]bool
	// Whether an answer to currentAsk was sent and the MFA's answer showed
	// the item moved on, and that answer's updatedAt.
	answerMoved bool
	answerAt    time.Time

	actionFP string

	authRounds     int
	handledPending bool
	pendingAt      time.Time
	leftPending    bool
}

// drive runs the driver on item id from its first state, item, which a
// write answered with when fromWrite.
func (s *ItemsService) drive(ctx context.Context, id string, item *Item, h *ItemHandler, fromWrite bool) (*Item, error) {
	d := &itemDriver{s: s, id: id}
	if h != nil {
		d.h = *h
	}
	d.h.Poll = d.h.Poll.withDefaults()
	d.delay = d.h.Poll.Interval
	if d.id == "" {
		return item, &DecodeError{Route: "POST /items", StatusCode: 200, Err: errors.New("the created item has no id")}
	}
	if fromWrite {
		d.noteWrite(item)
	}
	for {
		if err := ctx.Err(); err != nil {
			return item, d.ctxErr(err)
		}
		done, wait, err := d.step(ctx, item)
		if pe, ok := err.(*ParameterExpiredError); ok && pe.Item != nil {
			item = pe.Item
		}
		if done || err != nil {
			if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				err = d.ctxErr(err)
			}
			return item, err
		}
		if err := d.h.Poll.Sleep(ctx, wait); err != nil {
			return item, d.ctxErr(err)
		}
		next, err := s.Get(ctx, d.id)
		if err != nil {
			return item, err
		}
		item = next
	}
}

func (d *itemDriver) ctxErr(err error) error {
	return fmt.Errorf("pluggy: waiting on item %s: %w", d.id, err)
}

// noteWrite remembers the updatedAt of an item a write answered with.
func (d *itemDriver) noteWrite(it *Item) {
	if it != nil && it.UpdatedAt.After(d.baseline) {
		d.baseline = it.UpdatedAt
	}
	d.staleSkips = 0
	d.delay = d.h.Poll.Interval
}

// step handles one read of the item. It reports whether the wait is over
// (with the error to return) or how long to wait before the next read.
func (d *itemDriver) step(ctx context.Context, it *Item) (done bool, wait time.Duration, err error) {
	if !d.baseline.IsZero() && !it.UpdatedAt.IsZero() && it.UpdatedAt.Before(d.baseline) && d.staleSkips < maxStaleSkips {
		// A read older than what a write answered: ignore it.
		d.staleSkips++
		return false, d.h.Poll.InputInterval, nil
	}
	d.staleSkips = 0
	if key := string(it.Status) + "|" + string(it.ExecutionStatus); key != d.lastKey {
		d.lastKey = key
		d.delay = d.h.Poll.Interval
		if d.h.OnStatus != nil {
			d.h.OnStatus(it)
		}
	}
	switch {
	case it.Status == ItemStatusWaitingUserInput || (it.Status != ItemStatusWaitingUserAction && it.ExecutionStatus == ExecutionStatusWaitingUserInput):
		d.actionFP = ""
		if it.Parameter == nil {
			return false, d.h.Poll.InputInterval, nil
		}
		return d.parameter(ctx, it)
	case it.Status == ItemStatusWaitingUserAction || it.ExecutionStatus == ExecutionStatusWaitingUserAction:
		d.leftInput = true
		return d.userAction(ctx, it)
	}
	d.leftInput = true
	d.actionFP = ""
	if authorizationPending(it) {
		return d.authorize(ctx, it)
	}
	d.leftPending = true
	if itemFinished(it) {
		if it.ExecutionStatus.Succeeded() || (it.Status == ItemStatusUpdated && !it.ExecutionStatus.Finished()) {
			return true, 0, nil
		}
		return true, 0, newItemError(it)
	}
	return false, d.backoff(), nil
}

func (d *itemDriver) backoff() time.Duration {
	w := d.delay
	if d.delay > d.h.Poll.MaxInterval/2 {
		d.delay = d.h.Poll.MaxInterval // doubling could overflow
	} else {
		d.delay *= 2
	}
	return w
}

// pendingWait is the wait while the user has something to do that expires
// at exp (nil: unknown).
func (d *itemDriver) pendingWait(exp *Timestamp) time.Duration {
	if exp == nil || exp.IsZero() || exp.Time.Sub(d.s.client.clock.Now()) <= shortLived {
		return d.h.Poll.InputInterval
	}
	return d.backoff()
}

// maxHandledAsks bounds how many dated asks the driver remembers.
const maxHandledAsks = 256

func (d *itemDriver) parameter(ctx context.Context, it *Item) (bool, time.Duration, error) {
	p := it.Parameter
	ask := askOf(p)
	dated := p.ExpiresAt != nil && !p.ExpiresAt.IsZero()
	if d.seen(it, ask, dated) {
		// An ask already handled, read again.
		return false, d.pendingWait(p.ExpiresAt), nil
	}
	if p.Expired(d.s.client.clock.Now()) {
		return true, 0, d.expired(it)
	}
	if d.h.OnParameter == nil {
		return true, 0, fmt.Errorf("pluggy: item %s asks for %q: %w", d.id, p.Name, ErrInputRequired)
	}
	answers, err := d.h.OnParameter(ctx, it, p)
	if err != nil {
		return true, 0, err
	}
	if err := ctx.Err(); err != nil {
		return true, 0, err
	}
	d.currentAsk, d.leftInput, d.answerMoved = ask, false, false
	if dated {
		if d.handled == nil || len(d.handled) >= maxHandledAsks {
			d.handled = map[string]bool{}
		}
		d.handled[ask] = true
	}
	if len(answers) == 0 {
		return false, d.pendingWait(p.ExpiresAt), nil
	}
	if err := checkAnswers(p, answers); err != nil {
		return true, 0, err
	}
	if p.Expired(d.s.client.clock.Now()) {
		// The user took too long: what was read is stale, read it again.
		e := d.expired(it)
		if fresh, err := d.s.Get(ctx, d.id); err == nil {
			e.Item = fresh
		}
		return true, 0, e
	}
	resp, err := d.s.SendMFA(ctx, d.id, answers)
	if err != nil {
		return true, 0, err
	}
	d.noteWrite(resp)
	if resp != nil && resp.Status != ItemStatusWaitingUserInput && resp.ExecutionStatus != ExecutionStatusWaitingUserInput {
		d.answerMoved, d.answerAt = true, resp.UpdatedAt
	}
	return false, d.h.Poll.InputInterval, nil
}

// seen reports whether ask, read in it, was handed to OnParameter already.
// An ask with an expiresAt is seen once for all: a new ask comes with a new
// expiry. One without is the same ask until the item moves on: until a
// read shows it out of WAITING_USER_INPUT, or, after an answer, until the
// item is updated after the MFA's answer showed it moving on (the only
// way to tell Safra's second, identical token from a late read).
func (d *itemDriver) seen(it *Item, ask string, dated bool) bool {
	if dated {
		return d.handled[ask] || (ask == d.currentAsk && !d.leftInput)
	}
	if ask != d.currentAsk || d.leftInput {
		return false
	}
	return !(d.answerMoved && it.UpdatedAt.After(d.answerAt))
}

func (d *itemDriver) expired(it *Item) *ParameterExpiredError {
	return &ParameterExpiredError{ItemID: d.id, Parameter: it.Parameter.Name, ExpiresAt: it.Parameter.ExpiresAt.Time, Item: it}
}

// checkAnswers checks the answer to p before it is sent.
func checkAnswers(p *Parameter, answers map[string]string) error {
	if err := checkAnswerNames(answers); err != nil {
		return err
	}
	v, ok := answers[p.Name]
	if !ok {
		if p.IsOptional() {
			return nil
		}
		return &ArgumentError{Param: p.Name, Problem: "the answers do not include it"}
	}
	return p.Validate(v)
}

func (d *itemDriver) userAction(ctx context.Context, it *Item) (bool, time.Duration, error) {
	a := it.UserAction
	if a == nil {
		return false, d.h.Poll.InputInterval, nil
	}
	if fp := fingerprint(a); fp != d.actionFP {
		d.actionFP = fp
		if d.h.OnUserAction != nil {
			if err := d.h.OnUserAction(ctx, it, a); err != nil {
				return true, 0, err
			}
		}
	}
	return false, d.pendingWait(a.ExpiresAt), nil
}

func (d *itemDriver) authorize(ctx context.Context, it *Item) (bool, time.Duration, error) {
	if d.handledPending && !d.leftPending && !it.UpdatedAt.After(d.pendingAt) {
		// The state already handled, read again before the update shows.
		return false, d.h.Poll.InputInterval, nil
	}
	if d.h.OnAuthorizationPending == nil || d.authRounds >= d.h.Poll.MaxAuthorizations {
		return true, 0, newItemError(it)
	}
	d.authRounds++
	if err := d.h.OnAuthorizationPending(ctx, it); err != nil {
		return true, 0, err
	}
	if err := ctx.Err(); err != nil {
		return true, 0, err
	}
	resp, err := d.s.Update(ctx, d.id, nil)
	if err != nil {
		return true, 0, err
	}
	d.handledPending, d.pendingAt, d.leftPending = true, it.UpdatedAt, false
	d.noteWrite(resp)
	return false, d.h.Poll.Interval, nil
}

// authorizationPending reports an execution that ended waiting for the
// user to authorise a device (Caixa).
func authorizationPending(it *Item) bool {
	if it.ExecutionStatus == ExecutionStatusUserAuthorizationPending {
		return true
	}
	return it.Error != nil && it.Error.Code == ItemErrorCodeUserAuthorizationPending &&
		it.Status != ItemStatusUpdating && it.Status != ItemStatusMerging
}

// itemFinished reports an item whose execution has ended.
func itemFinished(it *Item) bool {
	switch it.Status {
	case ItemStatusUpdated, ItemStatusLoginError, ItemStatusOutdated:
		return true
	case ItemStatusUpdating, ItemStatusWaitingUserInput, ItemStatusWaitingUserAction, ItemStatusMerging:
		return false
	}
	return it.ExecutionStatus.Finished()
}

// askOf identifies what a parameter asks: its name, type, data, options and
// expiresAt (the instant, however it is written). Not its label or other
// wording, and never the item's updatedAt.
func askOf(p *Parameter) string {
	var exp string
	if p.ExpiresAt != nil {
		if !p.ExpiresAt.IsZero() {
			exp = p.ExpiresAt.UTC().Format(time.RFC3339Nano)
		} else if raw, err := p.ExpiresAt.MarshalJSON(); err == nil && string(raw) != "null" {
			exp = "raw:" + string(raw)
		}
	}
	return fingerprint(struct {
		Name, Type, Data, ExpiresAt string
		Options                     []SelectOption
	}{p.Name, string(p.Type), Deref(p.Data), exp, p.Options})
}

// fingerprint identifies a parameter or user action by its whole content.
func fingerprint(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		b = fmt.Appendf(nil, "%#v", v)
	}
	sum := sha256.Sum256(b)
	return string(sum[:])
}
