package pluggy

// The webhook event model: the event types a registration listens to and
// the notification Pluggy POSTs (Event, its typed payloads and
// ParseWebhookEvent). Registration CRUD is in webhooks.go, the receiving
// handler in webhook_handler.go and webhook_delivery.go.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// WebhookEventType is the type of a webhook notification, and the event a
// webhook registration listens to (the spec's WebhookEventType). Register
// WebhookEventAll to receive every event. An event this version does not know
// still decodes: it is just a string.
type WebhookEventType string

// The webhook event types of the Pluggy API.
const (
	// WebhookEventAll subscribes to every event (registrations only; no
	// notification carries it).
	WebhookEventAll WebhookEventType = "all"

	// WebhookEventItemCreated: an item was created and connected.
	WebhookEventItemCreated WebhookEventType = "item/created"
	// WebhookEventItemUpdated: an item finished an execution with new data.
	WebhookEventItemUpdated WebhookEventType = "item/updated"
	// WebhookEventItemError: an execution ended in error (see ItemEvent.Error).
	WebhookEventItemError WebhookEventType = "item/error"
	// WebhookEventItemDeleted: an item was deleted.
	WebhookEventItemDeleted WebhookEventType = "item/deleted"
	// WebhookEventItemWaitingUserInput: an item waits for an MFA answer.
	WebhookEventItemWaitingUserInput WebhookEventType = "item/waiting_user_input"
	// WebhookEventItemWaitingUserAction: an item waits for the user to act
	// at the institution.
	WebhookEventItemWaitingUserAction WebhookEventType = "item/waiting_user_action"
	// WebhookEventItemLoginSucceeded: the institution accepted the
	// credentials; data is still being collected.
	WebhookEventItemLoginSucceeded WebhookEventType = "item/login_succeeded"

	// WebhookEventConnectorStatusUpdated: a connector's health changed
	// (ONLINE, OFFLINE, UNSTABLE).
	WebhookEventConnectorStatusUpdated WebhookEventType = "connector/status_updated"

	// WebhookEventTransactionsCreated: an execution added transactions.
	WebhookEventTransactionsCreated WebhookEventType = "transactions/created"
	// WebhookEventTransactionsUpdated: an execution changed transactions.
	WebhookEventTransactionsUpdated WebhookEventType = "transactions/updated"
	// WebhookEventTransactionsDeleted: an execution removed transactions.
	WebhookEventTransactionsDeleted WebhookEventType = "transactions/deleted"

	// WebhookEventPaymentIntentCreated: a payment intent was created.
	WebhookEventPaymentIntentCreated WebhookEventType = "payment_intent/created"
	// WebhookEventPaymentIntentCompleted: the institution confirmed the payment.
	WebhookEventPaymentIntentCompleted WebhookEventType = "payment_intent/completed"
	// WebhookEventPaymentIntentWaitingPayerAuthorization: the payer still has
	// to authorise the payment.
	WebhookEventPaymentIntentWaitingPayerAuthorization WebhookEventType = "payment_intent/waiting_payer_authorization"
	// WebhookEventPaymentIntentError: the payment was rejected or failed.
	WebhookEventPaymentIntentError WebhookEventType = "payment_intent/error"

	// WebhookEventPaymentRequestUpdated: a payment request's status changed.
	WebhookEventPaymentRequestUpdated WebhookEventType = "payment_request/updated"

	// WebhookEventScheduledPaymentCreated: a scheduled payment was created.
	WebhookEventScheduledPaymentCreated WebhookEventType = "scheduled_payment/created"
	// WebhookEventScheduledPaymentCompleted: a scheduled payment was paid.
	WebhookEventScheduledPaymentCompleted WebhookEventType = "scheduled_payment/completed"
	// WebhookEventScheduledPaymentError: a scheduled payment failed.
	WebhookEventScheduledPaymentError WebhookEventType = "scheduled_payment/error"
	// WebhookEventScheduledPaymentCanceled: a scheduled payment was canceled.
	WebhookEventScheduledPaymentCanceled WebhookEventType = "scheduled_payment/canceled"
	// WebhookEventScheduledPaymentAllCompleted: every payment of a schedule
	// was paid.
	WebhookEventScheduledPaymentAllCompleted WebhookEventType = "scheduled_payment/all_completed"
	// WebhookEventScheduledPaymentAllCreated: every payment of a schedule was
	// created.
	WebhookEventScheduledPaymentAllCreated WebhookEventType = "scheduled_payment/all_created"

	// WebhookEventBoletoUpdated: an issued boleto changed (paid, expired, ...).
	WebhookEventBoletoUpdated WebhookEventType = "boleto/updated"

	// WebhookEventAutomaticPixPaymentCreated: an automatic PIX payment was
	// scheduled.
	WebhookEventAutomaticPixPaymentCreated WebhookEventType = "automatic_pix_payment/created"
	// WebhookEventAutomaticPixPaymentCompleted: an automatic PIX payment was
	// confirmed.
	WebhookEventAutomaticPixPaymentCompleted WebhookEventType = "automatic_pix_payment/completed"
	// WebhookEventAutomaticPixPaymentError: an automatic PIX payment failed.
	WebhookEventAutomaticPixPaymentError WebhookEventType = "automatic_pix_payment/error"
	// WebhookEventAutomaticPixPaymentCanceled: an automatic PIX payment was
	// canceled.
	WebhookEventAutomaticPixPaymentCanceled WebhookEventType = "automatic_pix_payment/canceled"

	// WebhookEventSmartTransferPreauthorizationCompleted: the payer accepted
	// a smart transfer preauthorization.
	WebhookEventSmartTransferPreauthorizationCompleted WebhookEventType = "smart_transfer_preauthorization/completed"
	// WebhookEventSmartTransferPreauthorizationError: a smart transfer
	// preauthorization failed.
	WebhookEventSmartTransferPreauthorizationError WebhookEventType = "smart_transfer_preauthorization/error"
	// WebhookEventSmartTransferPaymentCompleted: a smart transfer payment
	// succeeded.
	WebhookEventSmartTransferPaymentCompleted WebhookEventType = "smart_transfer_payment/completed"
	// WebhookEventSmartTransferPaymentError: a smart transfer payment failed.
	WebhookEventSmartTransferPaymentError WebhookEventType = "smart_transfer_payment/error"
)

// webhookEvents lists every WebhookEventType the spec defines, in its order.
var webhookEvents = []WebhookEventType{
	WebhookEventAll,
	WebhookEventItemCreated, WebhookEventItemUpdated, WebhookEventItemError, WebhookEventItemDeleted,
	WebhookEventItemWaitingUserInput, WebhookEventItemWaitingUserAction, WebhookEventItemLoginSucceeded,
	WebhookEventConnectorStatusUpdated,
	WebhookEventTransactionsCreated, WebhookEventTransactionsUpdated, WebhookEventTransactionsDeleted,
	WebhookEventPaymentIntentCreated, WebhookEventPaymentIntentCompleted,
	WebhookEventPaymentIntentWaitingPayerAuthorization, WebhookEventPaymentIntentError,
	WebhookEventPaymentRequestUpdated,
	WebhookEventScheduledPaymentCreated, WebhookEventScheduledPaymentCompleted, WebhookEventScheduledPaymentError,
	WebhookEventScheduledPaymentCanceled, WebhookEventScheduledPaymentAllCompleted, WebhookEventScheduledPaymentAllCreated,
	WebhookEventBoletoUpdated,
	WebhookEventAutomaticPixPaymentCreated, WebhookEventAutomaticPixPaymentCompleted,
	WebhookEventAutomaticPixPaymentError, WebhookEventAutomaticPixPaymentCanceled,
	WebhookEventSmartTransferPreauthorizationCompleted, WebhookEventSmartTransferPreauthorizationError,
	WebhookEventSmartTransferPaymentCompleted, WebhookEventSmartTransferPaymentError,
}

// WebhookEvents returns every event type this version knows, WebhookEventAll
// first. The slice is a copy.
func WebhookEvents() []WebhookEventType { return append([]WebhookEventType(nil), webhookEvents...) }

// Known reports whether e is one of the event types this version knows.
func (e WebhookEventType) Known() bool {
	for _, k := range webhookEvents {
		if e == k {
			return true
		}
	}
	return false
}

// Topic returns the part before the slash ("item" for "item/updated"), or
// the whole value when it has none.
func (e WebhookEventType) Topic() string {
	topic, _, _ := strings.Cut(string(e), "/")
	return topic
}

// ErrInvalidEvent matches every error of ParseWebhookEvent: a body that is
// not a JSON object, has no "event", or whose fields do not have the types
// of the event's documented payload.
var ErrInvalidEvent = errors.New("pluggy: invalid webhook event")

// Event is one webhook notification as Pluggy POSTs it. The fields every
// event shares are here; the fields of its type are in Payload.
//
// Pluggy's payloads are notifications, not data: re-fetch what changed with
// the client (by ItemID, PaymentRequestID, ...) rather than trusting them.
type Event struct {
	// Type is the event type (event).
	Type WebhookEventType
	// EventID identifies this event; a redelivery carries the same one
	// (eventId). The handler drops duplicates by it.
	EventID string
	// ClientID is the Pluggy application the event belongs to; Pluggy
	// leaves it out of some events (clientId).
	ClientID string
	// ID is the id of the entity the event is about (the item, the
	// connector, the payment intent, ...); older than EventID and kept for
	// compatibility (id).
	ID string
	// Payload holds the type's own fields: *ItemEvent, *ConnectorStatusEvent,
	// *TransactionsCreatedEvent, *TransactionsChangedEvent,
	// *PaymentIntentEvent, *PaymentRequestEvent, *ScheduledPaymentEvent,
	// *BoletoEvent, *AutomaticPixPaymentEvent,
	// *SmartTransferPreauthorizationEvent, *SmartTransferPaymentEvent, or
	// *UnknownEvent for a type this version does not know. Never nil in an
	// Event returned by ParseWebhookEvent.
	Payload EventPayload
	// Raw is the body exactly as received.
	Raw json.RawMessage
}

// Decode decodes the raw body into v, for fields this package does not
// model.
func (e *Event) Decode(v any) error {
	if e == nil || len(e.Raw) == 0 {
		return fmt.Errorf("%w: no body", ErrInvalidEvent)
	}
	return json.Unmarshal(e.Raw, v)
}

// String names the event without its content: "item/updated (eventId ...)".
func (e Event) String() string {
	return fmt.Sprintf("%s (eventId %s)", e.Type, e.EventID)
}

// EventPayload is the typed part of an Event. It is implemented by this
// package's *...Event types only; switch on the concrete type:
//
//	switch p := ev.Payload.(type) {
//	case *pluggy.ItemEvent:
//		item, err := client.Items.Get(ctx, p.ItemID)
//	case *pluggy.PaymentRequestEvent:
//		...
//	}
type EventPayload interface {
	eventPayload()
}

// TriggeredBy says who started the execution an item event reports.
type TriggeredBy string

// The values of TriggeredBy.
const (
	// TriggeredByUser: the user, in Pluggy Connect.
	TriggeredByUser TriggeredBy = "USER"
	// TriggeredByClient: your application, through the API.
	TriggeredByClient TriggeredBy = "CLIENT"
	// TriggeredBySync: Pluggy's scheduled auto-sync.
	TriggeredBySync TriggeredBy = "SYNC"
	// TriggeredByInternal: Pluggy itself.
	TriggeredByInternal TriggeredBy = "INTERNAL"
)

// EventError is the error an event reports. Item events fill Code and
// Message; smart transfer events Code, Description and Detail.
type EventError struct {
	// Code names the error ("INVALID_CREDENTIALS", ...) (code).
	Code string `json:"code,omitempty"`
	// Message explains it (message).
	Message string `json:"message,omitempty"`
	// Description explains it, in smart transfer events (description).
	Description string `json:"description,omitempty"`
	// Detail adds detail, in smart transfer events (detail).
	Detail string `json:"detail,omitempty"`
}

// ItemEvent is the payload of the item/* events.
type ItemEvent struct {
	// ItemID is the item the event is about (itemId).
	ItemID string `json:"itemId"`
	// TriggeredBy says who started the execution, when Pluggy says
	// (triggeredBy).
	TriggeredBy TriggeredBy `json:"triggeredBy,omitempty"`
	// Error is why the execution failed, in item/error (error).
	Error *EventError `json:"error,omitempty"`
}

// ConnectorStatusEvent is the payload of connector/status_updated. The
// connector's id is Event.ID.
type ConnectorStatusEvent struct {
	// Data holds the new status (data).
	Data struct {
		// Status is the connector's health: ONLINE, OFFLINE or UNSTABLE; a
		// value this version does not list decodes as is (status).
		Status ConnectorHealthStatus `json:"status"`
	} `json:"data"`
}

// TransactionsCreatedEvent is the payload of transactions/created: list the
// new transactions with CreatedTransactionsLink, or with GET
// /v2/transactions filtered by AccountID and TransactionsCreatedAtFrom.
type TransactionsCreatedEvent struct {
	// ItemID is the item that synced (itemId).
	ItemID string `json:"itemId"`
	// AccountID is the account with new transactions (accountId).
	AccountID string `json:"accountId"`
	// TransactionsCreatedAtFrom is when the new transactions start
	// (transactionsCreatedAtFrom); a date-only value reads as midnight UTC.
	TransactionsCreatedAtFrom time.Time `json:"transactionsCreatedAtFrom,omitzero"`
	// CreatedTransactionsLink is a ready API URL listing the new
	// transactions (createdTransactionsLink).
	CreatedTransactionsLink string `json:"createdTransactionsLink,omitempty"`
}

// UnmarshalJSON reads transactionsCreatedAtFrom as RFC 3339 or YYYY-MM-DD.
func (e *TransactionsCreatedEvent) UnmarshalJSON(b []byte) error {
	var v struct {
		ItemID                    string  `json:"itemId"`
		AccountID                 string  `json:"accountId"`
		TransactionsCreatedAtFrom *string `json:"transactionsCreatedAtFrom"`
		CreatedTransactionsLink   string  `json:"createdTransactionsLink"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = TransactionsCreatedEvent{ItemID: v.ItemID, AccountID: v.AccountID, CreatedTransactionsLink: v.CreatedTransactionsLink}
	if v.TransactionsCreatedAtFrom != nil && *v.TransactionsCreatedAtFrom != "" {
		s := *v.TransactionsCreatedAtFrom
		t, ok := parseEventTime(s)
		if !ok {
			return fmt.Errorf("transactionsCreatedAtFrom %.40q is not a date-time", s)
		}
		e.TransactionsCreatedAtFrom = t
	}
	return nil
}

// parseEventTime reads a date-time of an event (or of its
// createdTransactionsLink): RFC 3339, or YYYY-MM-DD as midnight UTC.
func parseEventTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// TransactionsChangedEvent is the payload of transactions/updated and
// transactions/deleted: fetch updated ones with GET /v2/transactions by
// these ids; drop deleted ones from your copy.
type TransactionsChangedEvent struct {
	// ItemID is the item that synced (itemId).
	ItemID string `json:"itemId"`
	// AccountID is the account whose transactions changed (accountId).
	AccountID string `json:"accountId"`
	// TransactionIDs are the transactions updated or deleted
	// (transactionIds).
	TransactionIDs []string `json:"transactionIds"`
}

// PaymentIntentEvent is the payload of the payment_intent/* events.
type PaymentIntentEvent struct {
	// PaymentIntentID is the intent (paymentIntentId).
	PaymentIntentID string `json:"paymentIntentId"`
	// PaymentRequestID is its payment request (paymentRequestId).
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	// BulkPaymentID is its bulk payment, when it belongs to one
	// (bulkPaymentId).
	BulkPaymentID string `json:"bulkPaymentId,omitempty"`
	// Error is why it failed, when Pluggy says (error).
	Error *EventError `json:"error,omitempty"`
}

// PaymentRequestEvent is the payload of payment_request/updated.
type PaymentRequestEvent struct {
	// PaymentRequestID is the payment request (paymentRequestId).
	PaymentRequestID string `json:"paymentRequestId"`
	// Data holds its new status (data).
	Data struct {
		// Status is the payment request's new status (AUTHORIZED,
		// COMPLETED, ERROR, CANCELED, ...); a value this version does not
		// list decodes as is (status).
		Status PaymentRequestStatus `json:"status"`
	} `json:"data"`
}

// ScheduledPaymentEvent is the payload of the scheduled_payment/* events.
type ScheduledPaymentEvent struct {
	// PaymentRequestID is the payment request of the schedule
	// (paymentRequestId).
	PaymentRequestID string `json:"paymentRequestId"`
	// ScheduledPaymentID is the scheduled payment; empty in the all_*
	// events, which are about the whole schedule (scheduledPaymentId).
	ScheduledPaymentID string `json:"scheduledPaymentId,omitempty"`
	// Error is why it failed, when Pluggy says (error).
	Error *EventError `json:"error,omitempty"`
}

// BoletoEvent is the payload of boleto/updated: re-fetch the boleto to see
// what changed. Its id is Event.ID (and BoletoID when sent).
type BoletoEvent struct {
	// BoletoID is the boleto (boletoId).
	BoletoID string `json:"boletoId,omitempty"`
	// Status is its new status (OPEN, PAID, OVERDUE, CANCELLED, ...); a
	// value this version does not list decodes as is (status).
	Status IssuedBoletoStatus `json:"status,omitempty"`
}

// AutomaticPixPaymentEvent is the payload of the automatic_pix_payment/*
// events.
type AutomaticPixPaymentEvent struct {
	// AutomaticPixPaymentID is the payment (automaticPixPaymentId).
	AutomaticPixPaymentID string `json:"automaticPixPaymentId"`
	// PaymentRequestID is its authorisation's payment request
	// (paymentRequestId).
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	// EndToEndID is the PIX end-to-end id, once there is one (endToEndId).
	EndToEndID string `json:"endToEndId,omitempty"`
	// Error is why it failed, when Pluggy says (error).
	Error *EventError `json:"error,omitempty"`
}

// SmartTransferPreauthorizationEvent is the payload of the
// smart_transfer_preauthorization/* events.
type SmartTransferPreauthorizationEvent struct {
	// SmartTransferPreauthorizationID is the preauthorization
	// (smartTransferPreauthorizationId).
	SmartTransferPreauthorizationID string `json:"smartTransferPreauthorizationId"`
	// Status is its new status (COMPLETED, ERROR, ...); a value this
	// version does not list decodes as is (status).
	Status SmartTransferPreauthorizationStatus `json:"status,omitempty"`
	// Error is why it failed, in the error event (error).
	Error *EventError `json:"error,omitempty"`
}

// SmartTransferPaymentEvent is the payload of the smart_transfer_payment/*
// events.
type SmartTransferPaymentEvent struct {
	// SmartTransferPaymentID is the payment (smartTransferPaymentId).
	SmartTransferPaymentID string `json:"smartTransferPaymentId"`
	// SmartTransferPreauthorizationID is the preauthorization it was made
	// under (smartTransferPreauthorizationId).
	SmartTransferPreauthorizationID string `json:"smartTransferPreauthorizationId,omitempty"`
	// Status is its new status (PAYMENT_COMPLETED, ERROR, ...); a value
	// this version does not list decodes as is (status).
	Status SmartTransferPaymentStatus `json:"status,omitempty"`
	// Error is why it failed, in the error event (error).
	Error *EventError `json:"error,omitempty"`
}

// UnknownEvent is the payload of an event type this version does not know:
// its fields, undecoded. Event.Raw and Event.Decode give the whole body.
type UnknownEvent struct {
	// Fields maps each top-level field of the body to its raw JSON.
	Fields map[string]json.RawMessage
}

func (*ItemEvent) eventPayload()                          {}
func (*ConnectorStatusEvent) eventPayload()               {}
func (*TransactionsCreatedEvent) eventPayload()           {}
func (*TransactionsChangedEvent) eventPayload()           {}
func (*PaymentIntentEvent) eventPayload()                 {}
func (*PaymentRequestEvent) eventPayload()                {}
func (*ScheduledPaymentEvent) eventPayload()              {}
func (*BoletoEvent) eventPayload()                        {}
func (*AutomaticPixPaymentEvent) eventPayload()           {}
func (*SmartTransferPreauthorizationEvent) eventPayload() {}
func (*SmartTransferPaymentEvent) eventPayload()          {}
func (*UnknownEvent) eventPayload()                       {}

// newEventPayload returns an empty payload of the type for t, or nil when t
// is not a known event type.
func newEventPayload(t WebhookEventType) EventPayload {
	switch t {
	case WebhookEventItemCreated, WebhookEventItemUpdated, WebhookEventItemError, WebhookEventItemDeleted,
		WebhookEventItemWaitingUserInput, WebhookEventItemWaitingUserAction, WebhookEventItemLoginSucceeded:
		return &ItemEvent{}
	case WebhookEventConnectorStatusUpdated:
		return &ConnectorStatusEvent{}
	case WebhookEventTransactionsCreated:
		return &TransactionsCreatedEvent{}
	case WebhookEventTransactionsUpdated, WebhookEventTransactionsDeleted:
		return &TransactionsChangedEvent{}
	case WebhookEventPaymentIntentCreated, WebhookEventPaymentIntentCompleted,
		WebhookEventPaymentIntentWaitingPayerAuthorization, WebhookEventPaymentIntentError:
		return &PaymentIntentEvent{}
	case WebhookEventPaymentRequestUpdated:
		return &PaymentRequestEvent{}
	case WebhookEventScheduledPaymentCreated, WebhookEventScheduledPaymentCompleted, WebhookEventScheduledPaymentError,
		WebhookEventScheduledPaymentCanceled, WebhookEventScheduledPaymentAllCompleted, WebhookEventScheduledPaymentAllCreated:
		return &ScheduledPaymentEvent{}
	case WebhookEventBoletoUpdated:
		return &BoletoEvent{}
	case WebhookEventAutomaticPixPaymentCreated, WebhookEventAutomaticPixPaymentCompleted,
		WebhookEventAutomaticPixPaymentError, WebhookEventAutomaticPixPaymentCanceled:
		return &AutomaticPixPaymentEvent{}
	case WebhookEventSmartTransferPreauthorizationCompleted, WebhookEventSmartTransferPreauthorizationError:
		return &SmartTransferPreauthorizationEvent{}
	case WebhookEventSmartTransferPaymentCompleted, WebhookEventSmartTransferPaymentError:
		return &SmartTransferPaymentEvent{}
	}
	return nil
}

// ParseWebhookEvent parses the body of a webhook notification. It keeps a
// copy of body in Event.Raw and fills Payload with the type's fields; an
// event type this version does not know parses too, into *UnknownEvent.
//
// It does not authenticate anything: use NewWebhookHandler to receive
// notifications, or check the secret header yourself first.
//
// Errors (all matching ErrInvalidEvent): the body is not one JSON object,
// has no "event", or a field has the wrong JSON type (eventId not a string,
// transactionIds not an array, ...). It never panics, whatever body holds.
func ParseWebhookEvent(body []byte) (*Event, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: body is not a JSON object", ErrInvalidEvent)
	}
	var env struct {
		Event    *string `json:"event"`
		EventID  *string `json:"eventId"`
		ClientID *string `json:"clientId"`
		ID       *string `json:"id"`
	}
	if err := json.Unmarshal(trimmed, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidEvent, err)
	}
	if env.Event == nil || strings.TrimSpace(*env.Event) == "" {
		return nil, fmt.Errorf("%w: no \"event\"", ErrInvalidEvent)
	}
	ev := &Event{
		Type: WebhookEventType(*env.Event),
		Raw:  append(json.RawMessage(nil), trimmed...),
	}
	if env.EventID != nil {
		ev.EventID = *env.EventID
	}
	if env.ClientID != nil {
		ev.ClientID = *env.ClientID
	}
	if env.ID != nil {
		ev.ID = *env.ID
	}
	p := newEventPayload(ev.Type)
	if p == nil {
		u := &UnknownEvent{}
		if err := json.Unmarshal(ev.Raw, &u.Fields); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidEvent, err)
		}
		ev.Payload = u
		return ev, nil
	}
	if err := json.Unmarshal(ev.Raw, p); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidEvent, ev.Type.safe(), err)
	}
	ev.Payload = p
	return ev, nil
}

// safe returns the event type for an error message: quoted and cut short,
// since it comes from outside.
func (e WebhookEventType) safe() string {
	if e.Known() {
		return string(e)
	}
	return fmt.Sprintf("%.60q", string(e))
}
