package pluggy

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"
)

// "What changed": the reads every receiver of Pluggy's webhooks writes.
// Each takes an Event as the handler delivers it and returns exactly the
// data the event announces, through the client's one request pipeline
// (rate limits, retries, key renewal); opts apply to every request made.
// Each checks the event's type and fields first and returns an
// *ArgumentError, before any request, for an event it does not apply to.

// ErrItemDeleted is returned by EventItem for an item/deleted event: the
// item is gone, there is nothing to read; drop your copy of it.
var ErrItemDeleted = errors.New("pluggy: the event's item was deleted")

// maxIDsPerRequest is the most ids GET /v2/transactions takes at once.
const maxIDsPerRequest = 500

// CreatedTransactions yields the transactions a transactions/created event
// announces: GET /v2/transactions for the event's account with
// createdAtFrom set to its transactionsCreatedAtFrom, every page through
// the cursor, lazily (breaking out of the loop stops the requests).
//
// When the event lacks accountId or transactionsCreatedAtFrom, they are
// taken from the query of its createdTransactionsLink. The link itself is
// never requested: only its accountId and createdAtFrom are read, and the
// request goes to the client's base URL through GET /v2/transactions (the
// link may name the deprecated GET /transactions), so that the API key
// never goes to a host named by a payload.
//
// Errors, yielded once: an *ArgumentError for an event of another type, or one
// whose account or start cannot be found; then what Transactions.All
// yields.
func (s *WebhooksService) CreatedTransactions(ctx context.Context, ev Event, opts ...RequestOption) iter.Seq2[Transaction, error] {
	accountID, from, err := createdQuery(ev)
	if err != nil {
		return func(yield func(Transaction, error) bool) { yield(Transaction{}, err) }
	}
	return s.client.Transactions.All(ctx, accountID, &TransactionListParams{CreatedAtFrom: from}, opts...)
}

func createdQuery(ev Event) (string, time.Time, error) {
	if ev.Type != WebhookEventTransactionsCreated {
		return "", time.Time{}, paramErr("event", "%s is not %s", ev.Type.safe(), WebhookEventTransactionsCreated)
	}
	p, ok := ev.Payload.(*TransactionsCreatedEvent)
	if !ok || p == nil {
		return "", time.Time{}, paramErr("event", "has no transactions/created payload (use ParseWebhookEvent)")
	}
	accountID, from := p.AccountID, p.TransactionsCreatedAtFrom
	if (accountID == "" || from.IsZero()) && p.CreatedTransactionsLink != "" {
		u, err := url.Parse(p.CreatedTransactionsLink)
		if err != nil {
			return "", time.Time{}, paramErr("createdTransactionsLink", "is not a URL")
		}
		q := u.Query()
		if accountID == "" {
			accountID = strings.TrimSpace(q.Get("accountId"))
		}
		if v := strings.TrimSpace(q.Get("createdAtFrom")); from.IsZero() && v != "" {
			t, ok := parseEventTime(v)
			if !ok {
				return "", time.Time{}, paramErr("createdTransactionsLink", "createdAtFrom %.40q is not a date-time", v)
			}
			from = t
		}
	}
	if accountID == "" {
		return "", time.Time{}, paramErr("accountId", "the event names no account (no accountId, none in createdTransactionsLink)")
	}
	if from.IsZero() {
		return "", time.Time{}, paramErr("transactionsCreatedAtFrom", "the event gives no start (no transactionsCreatedAtFrom, no createdAtFrom in createdTransactionsLink)")
	}
	return accountID, from, nil
}

// UpdatedTransactions yields the transactions a transactions/updated event
// names, as they are now: GET /v2/transactions for the event's account
// with ids, at most 500 ids a request, every page of each. An id named
// twice is asked for once; an id the API no longer returns (deleted since)
// is not yielded. Requests are made lazily, as the loop asks.
//
// Errors, yielded once: an *ArgumentError for an event of another type, without
// an accountId, or with an empty id; then what Transactions.All yields.
func (s *WebhooksService) UpdatedTransactions(ctx context.Context, ev Event, opts ...RequestOption) iter.Seq2[Transaction, error] {
	p, err := changedPayload(ev, WebhookEventTransactionsUpdated)
	if err != nil {
		return func(yield func(Transaction, error) bool) { yield(Transaction{}, err) }
	}
	ids := uniqueIDs(p.TransactionIDs)
	return func(yield func(Transaction, error) bool) {
		for start := 0; start < len(ids); start += maxIDsPerRequest {
			chunk := ids[start:min(start+maxIDsPerRequest, len(ids))]
			for t, err := range s.client.Transactions.All(ctx, p.AccountID, &TransactionListParams{IDs: chunk}, opts...) {
				if !yield(t, err) || err != nil {
					return
				}
			}
		}
	}
}

// DeletedTransactionIDs returns the ids of the transactions a
// transactions/deleted event says were removed (each once, in the event's
// order): drop them from your copy. It makes no request.
//
// Errors: an *ArgumentError for an event of another type, or with an empty id.
func DeletedTransactionIDs(ev Event) ([]string, error) {
	p, err := changedPayload(ev, WebhookEventTransactionsDeleted)
	if err != nil {
		return nil, err
	}
	return uniqueIDs(p.TransactionIDs), nil
}

func changedPayload(ev Event, want WebhookEventType) (*TransactionsChangedEvent, error) {
	if ev.Type != want {
		return nil, paramErr("event", "%s is not %s", ev.Type.safe(), want)
	}
	p, ok := ev.Payload.(*TransactionsChangedEvent)
	if !ok || p == nil {
		return nil, paramErr("event", "has no %s payload (use ParseWebhookEvent)", want)
	}
	if want == WebhookEventTransactionsUpdated && strings.TrimSpace(p.AccountID) == "" {
		return nil, paramErr("accountId", "the event names no account")
	}
	for i, id := range p.TransactionIDs {
		if strings.TrimSpace(id) == "" {
			return nil, paramErr("transactionIds", "id #%d is empty", i)
		}
	}
	return p, nil
}

func uniqueIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// EventItem re-reads the item of an item/* event (GET /items/{id}), as
// Pluggy advises rather than trusting the payload. For item/deleted it
// sends nothing and returns ErrItemDeleted.
//
// Errors: an *ArgumentError for an event that is not item/* or names no item;
// ErrItemDeleted; then what Items.Get returns.
func (s *WebhooksService) EventItem(ctx context.Context, ev Event, opts ...RequestOption) (*Item, error) {
	p, ok := ev.Payload.(*ItemEvent)
	if ev.Type.Topic() != "item" || !ok || p == nil {
		return nil, paramErr("event", "%s is not an item/* event", ev.Type.safe())
	}
	id := p.ItemID
	if id == "" {
		id = ev.ID
	}
	if id == "" {
		return nil, paramErr("itemId", "the event names no item")
	}
	if ev.Type == WebhookEventItemDeleted {
		return nil, ErrItemDeleted
	}
	return s.client.Items.Get(ctx, id, opts...)
}

// EventPayment is the payment entity a payment event is about, as the API
// returns it now. Exactly one field is set, according to the event's topic.
type EventPayment struct {
	// Intent, for payment_intent/* (GET /payments/intents/{id}).
	Intent *PaymentIntent
	// Request, for payment_request/updated and the scheduled_payment/all_*
	// events, which are about the whole schedule (GET /payments/requests/{id}).
	Request *PaymentRequest
	// Scheduled, for the other scheduled_payment/* events: the schedule's
	// payment the event names (from GET /payments/requests/{id}/schedules).
	Scheduled *SchedulePayment
	// Boleto, for boleto/updated (GET /boletos/{id}).
	Boleto *IssuedBoleto
	// AutomaticPix, for automatic_pix_payment/*
	// (GET /payments/requests/{requestId}/automatic-pix/schedules/{paymentId}).
	AutomaticPix *AutomaticPixPaymentDetail
	// Preauthorization, for smart_transfer_preauthorization/*
	// (GET /smart-transfers/preauthorizations/{id}).
	Preauthorization *SmartTransferPreauthorization
	// SmartTransfer, for smart_transfer_payment/*
	// (GET /smart-transfers/payments/{id}).
	SmartTransfer *SmartTransferPayment
}

// EventPayment re-reads the payment entity of a payment event: the intent,
// request, scheduled payment, boleto, automatic PIX payment, smart transfer
// preauthorization or payment it names (see EventPayment's fields).
//
// Errors: an *ArgumentError for an event that is not about a payment or lacks
// the entity's id; an error matching ErrNotFound for a scheduled payment
// its schedule does not list; then what the service's Get returns.
func (s *WebhooksService) EventPayment(ctx context.Context, ev Event, opts ...RequestOption) (*EventPayment, error) {
	pay := s.client.Payments
	need := func(name, v string) error {
		if strings.TrimSpace(v) == "" {
			return paramErr(name, "the %s event gives no %s", ev.Type.safe(), name)
		}
		return nil
	}
	switch p := ev.Payload.(type) {
	case *PaymentIntentEvent:
		if err := need("paymentIntentId", p.PaymentIntentID); err != nil {
			return nil, err
		}
		v, err := pay.Intents.Get(ctx, p.PaymentIntentID, opts...)
		return wrapPayment(err, &EventPayment{Intent: v})
	case *PaymentRequestEvent:
		if err := need("paymentRequestId", p.PaymentRequestID); err != nil {
			return nil, err
		}
		v, err := pay.Requests.Get(ctx, p.PaymentRequestID, opts...)
		return wrapPayment(err, &EventPayment{Request: v})
	case *ScheduledPaymentEvent:
		if err := need("paymentRequestId", p.PaymentRequestID); err != nil {
			return nil, err
		}
		if p.ScheduledPaymentID == "" {
			v, err := pay.Requests.Get(ctx, p.PaymentRequestID, opts...)
			return wrapPayment(err, &EventPayment{Request: v})
		}
		page, err := pay.Schedules.List(ctx, p.PaymentRequestID, opts...)
		if err != nil {
			return nil, err
		}
		for i := range page.Results {
			if page.Results[i].ID == p.ScheduledPaymentID {
				return &EventPayment{Scheduled: &page.Results[i]}, nil
			}
		}
		return nil, fmt.Errorf("%w: scheduled payment %.40q is not in the schedule of payment request %.40q",
			ErrNotFound, p.ScheduledPaymentID, p.PaymentRequestID)
	case *BoletoEvent:
		id := p.BoletoID
		if id == "" {
			id = ev.ID
		}
		if err := need("boletoId", id); err != nil {
			return nil, err
		}
		v, err := pay.Boletos.Get(ctx, id, opts...)
		return wrapPayment(err, &EventPayment{Boleto: v})
	case *AutomaticPixPaymentEvent:
		if err := need("paymentRequestId", p.PaymentRequestID); err != nil {
			return nil, err
		}
		if err := need("automaticPixPaymentId", p.AutomaticPixPaymentID); err != nil {
			return nil, err
		}
		v, err := pay.AutomaticPix.GetPayment(ctx, p.PaymentRequestID, p.AutomaticPixPaymentID, opts...)
		return wrapPayment(err, &EventPayment{AutomaticPix: v})
	case *SmartTransferPreauthorizationEvent:
		if err := need("smartTransferPreauthorizationId", p.SmartTransferPreauthorizationID); err != nil {
			return nil, err
		}
		v, err := pay.SmartTransfers.GetPreauthorization(ctx, p.SmartTransferPreauthorizationID, opts...)
		return wrapPayment(err, &EventPayment{Preauthorization: v})
	case *SmartTransferPaymentEvent:
		if err := need("smartTransferPaymentId", p.SmartTransferPaymentID); err != nil {
			return nil, err
		}
		v, err := pay.SmartTransfers.GetPayment(ctx, p.SmartTransferPaymentID, opts...)
		return wrapPayment(err, &EventPayment{SmartTransfer: v})
	}
	return nil, paramErr("event", "%s is not a payment event", ev.Type.safe())
}

func wrapPayment(err error, p *EventPayment) (*EventPayment, error) {
	if err != nil {
		return nil, err
	}
	return p, nil
}
