package pluggy

// Every error type of the package lives here:
//
//   - *Error: Pluggy answered outside 2xx (with FieldViolation for a 400's
//     findings); *AuthError when that answer refused POST /auth.
//   - *RequestError: no answer came (connection, timeout, ctx, or nothing was
//     sent at all); *DecodeError: a 2xx answer that could not be read.
//   - *ArgumentError: the client refused an argument before any request.
//   - *ItemError and *ParameterExpiredError: the item driver's outcomes.
//
// The webhook handler's *WebhookShutdownError is beside the handler.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors for errors.Is. An *Error matches the ones that describe it,
// so callers can write errors.Is(err, pluggy.ErrNotFound) without unwrapping.
var (
	// ErrNotFound matches a 404 answer.
	ErrNotFound = errors.New("pluggy: not found")
	// ErrRateLimited matches a 429 answer.
	ErrRateLimited = errors.New("pluggy: rate limited")
	// ErrUnauthorized matches a 401 answer, such as wrong client keys on POST /auth.
	ErrUnauthorized = errors.New("pluggy: unauthorized")
	// ErrExpiredKey matches a 403 without a codeDescription: Pluggy's answer to
	// a missing, invalid or expired API key. The client refreshes its key and
	// replays once before returning it.
	ErrExpiredKey = errors.New("pluggy: API key missing, invalid or expired")
	// ErrForbidden matches a 403 with a codeDescription: a real denial.
	ErrForbidden = errors.New("pluggy: forbidden")
	// ErrDeprecated matches a 410 or an ENDPOINT_DEPRECATED answer.
	ErrDeprecated = errors.New("pluggy: endpoint deprecated")
	// ErrConflict matches a 409 answer, such as a duplicate item.
	ErrConflict = errors.New("pluggy: conflict")
)

// Error is an answer of the Pluggy API outside 2xx.
//
// The fields come from Pluggy's error body (GlobalErrorResponse):
//
//	{"code": 404, "codeDescription": "ITEM_NOT_FOUND", "message": "Item not found"}
//
// A body that is not JSON (an HTML page from a proxy) still becomes an *Error,
// with the status and a short snippet of the body in Message.
type Error struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is the body's "code", usually equal to StatusCode.
	Code int
	// CodeDescription is a stable upper-case name ("ITEM_NOT_FOUND"); empty
	// when the body has none.
	CodeDescription string
	// Message is the body's "message", or a snippet of a non-JSON body.
	Message string
	// Data is the body's "data" object as sent, or nil.
	Data json.RawMessage
	// ErrorID is the body's "errorId" when Pluggy sends one; quote it to support.
	ErrorID string
	// Errors lists the parameter problems of a 400 on item creation (the
	// body's "errors", or "details" in some answers).
	Errors []FieldViolation
	// Route is the route literal of the call that failed ("GET /items/{id}").
	Route string
	// RetryAfter is how long the server asked to wait (Retry-After or
	// RateLimit-Reset), zero when it did not say.
	RetryAfter time.Duration
	// NotJSON is true when the body was not a JSON error object.
	NotJSON bool

	// body is the JSON error object as received, for the accessors of
	// operation-specific fields (such as the items of a duplicate-item answer).
	body []byte
}

// FieldViolation is one parameter problem reported by the API in a 400
// answer (the spec's ParameterValidationError), found in Error.Errors. It is
// the server's finding; an *ArgumentError is the client's own refusal before
// sending anything.
type FieldViolation struct {
	// Code names the problem.
	Code string `json:"code"`
	// Message explains it.
	Message string `json:"message"`
	// Parameter is the name of the offending parameter.
	Parameter string `json:"parameter"`
	// Data holds details of the problem when the API sends them
	// ({"min": 6}), as sent.
	Data json.RawMessage `json:"data,omitempty"`
}

// Error describes the failure: route, status, codeDescription and message.
// The server's text is written with its control characters escaped (CR, LF
// and ESC become \r, \n and \x1b), so that an error message cannot forge a
// log line or a terminal sequence; the fields keep the text as sent.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("pluggy: ")
	if e.Route != "" {
		b.WriteString(e.Route)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" && e.CodeDescription == "" {
		b.WriteString(" " + t)
	}
	if e.CodeDescription != "" {
		b.WriteString(" " + sanitize(e.CodeDescription))
	}
	if e.Message != "" {
		b.WriteString(": " + sanitize(e.Message))
	}
	for i, p := range e.Errors {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", sanitize(p.Parameter), sanitize(p.Message))
		if i == len(e.Errors)-1 {
			b.WriteString(")")
		}
	}
	if e.ErrorID != "" {
		b.WriteString(" [errorId " + sanitize(e.ErrorID) + "]")
	}
	return b.String()
}

// Is reports whether e is described by one of the package's sentinel errors.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrExpiredKey:
		return e.expiredKey()
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden && !e.expiredKey()
	case ErrDeprecated:
		return e.StatusCode == http.StatusGone || e.CodeDescription == "ENDPOINT_DEPRECATED"
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	}
	return false
}

// expiredKey reports Pluggy's answer to a missing, invalid or expired API key:
// a 403 with no codeDescription.
func (e *Error) expiredKey() bool {
	return e.StatusCode == http.StatusForbidden && e.CodeDescription == ""
}

const maxErrorBody = 64 << 10

// parseError builds the *Error for a non-2xx answer from its status, headers
// and (at most maxErrorBody bytes of) body.
func parseError(route string, status int, h http.Header, body []byte, wait time.Duration) *Error {
	e := &Error{StatusCode: status, Route: route, RetryAfter: wait}
	var b struct {
		Code            json.RawMessage  `json:"code"`
		CodeDescription *string          `json:"codeDescription"`
		Message         *string          `json:"message"`
		Data            json.RawMessage  `json:"data"`
		ErrorID         *string          `json:"errorId"`
		Errors          []FieldViolation `json:"errors"`
		Details         []FieldViolation `json:"details"`
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &b) != nil {
		e.NotJSON = len(trimmed) > 0
		e.Message = snippet(trimmed)
		return e
	}
	e.body = trimmed
	var code float64
	if json.Unmarshal(b.Code, &code) == nil && code >= 0 && code < 1000 {
		e.Code = int(code)
	}
	if b.CodeDescription != nil {
		e.CodeDescription = *b.CodeDescription
	}
	if b.Message != nil {
		e.Message = *b.Message
	}
	if len(b.Data) > 0 && string(b.Data) != "null" {
		e.Data = append(json.RawMessage(nil), b.Data...)
	}
	if b.ErrorID != nil {
		e.ErrorID = *b.ErrorID
	}
	e.Errors = b.Errors
	if len(e.Errors) == 0 {
		e.Errors = b.Details
	}
	return e
}

// snippet returns at most 200 characters of body on one line.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	const max = 200
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// ArgumentError reports an argument the client refused before sending anything
// (the API's own findings are FieldViolation values in
// Error.Errors).
type ArgumentError struct {
	// Param names the argument as the API does ("pageSize", "itemId").
	Param string
	// Problem says what is wrong with it.
	Problem string
}

// Error names the parameter and the problem.
func (e *ArgumentError) Error() string {
	return "pluggy: invalid " + e.Param + ": " + e.Problem
}

// ErrInvalidArgument matches every *ArgumentError.
var ErrInvalidArgument = errors.New("pluggy: invalid argument")

// Is lets errors.Is(err, ErrInvalidArgument) match any *ArgumentError.
func (e *ArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

func paramErr(param, format string, args ...any) error {
	return &ArgumentError{Param: param, Problem: fmt.Sprintf(format, args...)}
}

// sanitize escapes what a server could use to forge a log line or drive a
// terminal: control characters (CR, LF, ESC, ...), Unicode line and
// paragraph separators, bidirectional overrides, and invalid UTF-8. Other
// text is kept as it is.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i, r := range s {
		switch {
		case r == utf8.RuneError && isInvalidAt(s, i):
			b.WriteString(`\ufffd`)
		case unsafeRune(r):
			q := strconv.QuoteRune(r) // '\x1b', '\r', '\u2028'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isInvalidAt(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return r == utf8.RuneError && size <= 1
}

func unsafeRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x2028, r == 0x2029, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
		return true
	}
	return false
}

// ErrItemFailed matches every *ItemError.
var ErrItemFailed = errors.New("pluggy: item execution failed")

// ErrParameterExpired means the user took too long: it matches a
// *ParameterExpiredError (an answer came after the parameter's expiresAt,
// nothing was sent) and an *ItemError whose Code is USER_INPUT_TIMEOUT
// (no answer came before Pluggy gave up). Test for it with errors.Is.
var ErrParameterExpired = errors.New("pluggy: parameter expired")

// ItemError is an item whose execution ended badly: LOGIN_ERROR, OUTDATED,
// or an error execution status. Code says why (INVALID_CREDENTIALS,
// USER_AUTHORIZATION_NOT_GRANTED, USER_INPUT_TIMEOUT, ...).
type ItemError struct {
	// ItemID is the item's id.
	ItemID string
	// Status is the item's final status.
	Status ItemStatus
	// ExecutionStatus is the execution's final status.
	ExecutionStatus ExecutionStatus
	// Code is item.error.code, or the execution status when the item has
	// no error object.
	Code ItemErrorCode
	// Message is item.error.message.
	Message string
	// ProviderMessage is the institution's own words, when it sent any.
	ProviderMessage string
	// Item is the item as last read.
	Item *Item
}

func newItemError(it *Item) *ItemError {
	e := &ItemError{ItemID: it.ID, Status: it.Status, ExecutionStatus: it.ExecutionStatus,
		Code: ItemErrorCode(it.ExecutionStatus), Item: it}
	if it.Error != nil {
		if it.Error.Code != "" {
			e.Code = it.Error.Code
		}
		e.Message = it.Error.Message
		if it.Error.ProviderMessage != nil {
			e.ProviderMessage = *it.Error.ProviderMessage
		}
	}
	return e
}

// Error describes the failure: item, status, code and messages.
func (e *ItemError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pluggy: item %s ended %s", e.ItemID, e.Status)
	if e.Code != "" && string(e.Code) != string(e.Status) {
		b.WriteString(" " + string(e.Code))
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.ProviderMessage != "" && e.ProviderMessage != e.Message {
		b.WriteString(" (institution: " + e.ProviderMessage + ")")
	}
	return sanitize(b.String()) // every part is the server's text
}

// Is makes errors.Is(err, ErrItemFailed) match, and errors.Is(err,
// ErrParameterExpired) for USER_INPUT_TIMEOUT.
func (e *ItemError) Is(target error) bool {
	return target == ErrItemFailed || (target == ErrParameterExpired && e.Code == ItemErrorCodeUserInputTimeout)
}

// LoginFailed reports a failure the user must fix by connecting again
// (status LOGIN_ERROR, or refused credentials or MFA).
func (e *ItemError) LoginFailed() bool {
	return e.Status == ItemStatusLoginError || e.Code == ItemErrorCodeInvalidCredentials ||
		e.Code == ItemErrorCodeInvalidCredentialsMFA
}

// Retryable reports a failure on the institution's or Pluggy's side that a
// later update may not meet (SITE_NOT_AVAILABLE, CONNECTION_ERROR,
// UNEXPECTED_ERROR, ERROR).
func (e *ItemError) Retryable() bool {
	switch e.Code {
	case ItemErrorCodeSiteNotAvailable, ItemErrorCodeConnectionError, ItemErrorCodeUnexpected,
		ItemErrorCode(ExecutionStatusError), ItemErrorCode(ExecutionStatusMergeError):
		return true
	}
	return false
}

// ParameterExpiredError reports a parameter whose expiresAt passed before an
// answer could be sent; nothing was sent. It matches ErrParameterExpired,
// as a USER_INPUT_TIMEOUT *ItemError does.
type ParameterExpiredError struct {
	// ItemID is the item's id.
	ItemID string
	// Parameter is the name of the parameter.
	Parameter string
	// ExpiresAt is when it expired.
	ExpiresAt time.Time
	// Item is the item read after the expiry was noticed: when the user
	// answered too late, the driver reads the item once more, so Item
	// shows what Pluggy did meanwhile (often USER_INPUT_TIMEOUT). When that
	// read fails, Item is the item as last read.
	Item *Item
}

// Error names the item and the parameter and says nothing was sent.
func (e *ParameterExpiredError) Error() string {
	return fmt.Sprintf("pluggy: item %s: parameter %q expired at %s; no answer sent",
		sanitize(e.ItemID), e.Parameter, e.ExpiresAt.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrParameterExpired) match.
func (e *ParameterExpiredError) Is(target error) bool { return target == ErrParameterExpired }

// RequestError is a call that got no answer: the connection failed, the
// context ended, or the attempts ran out without a response.
type RequestError struct {
	// Route is the route literal of the call.
	Route string
	// Attempts is how many attempts were sent; 0 when nothing was sent
	// (the rate limiter's wait would have outlasted the context).
	Attempts int
	// Err is the underlying error (context.Canceled, a net error, ...).
	Err error
}

// Error names the route, the attempts made and the cause.
func (e *RequestError) Error() string {
	s := "pluggy: " + e.Route + ": "
	if e.Attempts > 1 {
		s += fmt.Sprintf("after %d attempts: ", e.Attempts)
	}
	return s + sanitize(e.Err.Error())
}

// Unwrap returns the cause, so that errors.Is(err, context.Canceled) works.
func (e *RequestError) Unwrap() error { return e.Err }

// DecodeError is a 2xx answer whose body could not be decoded (empty,
// null, truncated, not JSON, too large, or not the shape the API documents).
type DecodeError struct {
	// Route is the route literal of the call.
	Route string
	// StatusCode is the status of the answer.
	StatusCode int
	// Err is the decoding error.
	Err error
}

// Error names the route, the status and what could not be decoded.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("pluggy: %s: decoding %d answer: %s", e.Route, e.StatusCode, sanitize(e.Err.Error()))
}

// Unwrap returns the decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// AuthError is a refused POST /auth: the client id or secret is wrong
// (401 CLIENT_KEYS_UNAUTHORIZED). Retrying will not help until the
// credentials change. It wraps the *Error of the answer.
type AuthError struct{ Err *Error }

// Error says the credentials were refused and why; it never shows them.
func (e *AuthError) Error() string {
	return "pluggy: authentication failed, check the client id and secret: " + e.Err.Error()
}

// Unwrap returns the *Error of POST /auth.
func (e *AuthError) Unwrap() error { return e.Err }
