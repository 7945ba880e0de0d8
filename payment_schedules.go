package pluggy

import "context"

// SchedulePaymentStatus is the status of one payment of a schedule
// (SchedulePayment status).
type SchedulePaymentStatus string

// The scheduled payment statuses. The spec lists SCHEDULED, COMPLETED and
// ERROR; Pluggy's SDKs add CANCELED, which a canceled payment shows.
const (
	// SchedulePaymentScheduled: waiting for its date.
	SchedulePaymentScheduled SchedulePaymentStatus = "SCHEDULED"
	// SchedulePaymentCompleted: paid.
	SchedulePaymentCompleted SchedulePaymentStatus = "COMPLETED"
	// SchedulePaymentError: failed (see ErrorDetail).
	SchedulePaymentError SchedulePaymentStatus = "ERROR"
	// SchedulePaymentCanceled: canceled before its date.
	SchedulePaymentCanceled SchedulePaymentStatus = "CANCELED"
)

// SchedulePayment is one payment of a scheduled payment request
// (SchedulePayment).
type SchedulePayment struct {
	// ID is the scheduled payment's identifier (id).
	ID string `json:"id"`
	// Description is its description (description).
	Description string `json:"description"`
	// Status is SCHEDULED, COMPLETED, ERROR or CANCELED (status).
	Status SchedulePaymentStatus `json:"status"`
	// ScheduledDate is the day it is due (scheduledDate).
	ScheduledDate Date `json:"scheduledDate"`
	// EndToEndID is the PIX end-to-end id that links it to the payment
	// received (endToEndId).
	EndToEndID *string `json:"endToEndId,omitempty"`
	// ErrorDetail says why it failed (errorDetail).
	ErrorDetail *SchedulePaymentErrorDetail `json:"errorDetail,omitempty"`
}

// SchedulePaymentErrorDetail says why a scheduled payment failed
// (SchedulePayment errorDetail).
type SchedulePaymentErrorDetail struct {
	// Code is the error code (code).
	Code *string `json:"code,omitempty"`
	// Description explains it (description).
	Description *string `json:"description,omitempty"`
	// Detail is the institution's own words (detail).
	Detail *string `json:"detail,omitempty"`
}

// List returns the payments of a scheduled payment request
// (GET /payments/requests/{id}/schedules). The route takes no page
// parameters; the answer is one page holding them all.
func (s *PaymentSchedulesService) List(ctx context.Context, paymentRequestID string, opts ...RequestOption) (*Page[SchedulePayment], error) {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return nil, err
	}
	return callFor[Page[SchedulePayment]](ctx, s.client, "GET /payments/requests/{id}/schedules", []string{paymentRequestID}, nil, nil, opts...)
}

// CancelAll cancels the whole schedule authorisation of a payment request:
// every payment not yet made (POST /payments/requests/{id}/schedules/cancel,
// answered 204). It is not replayed after a 5xx or a dropped connection:
// List the payments to see whether it took effect.
func (s *PaymentSchedulesService) CancelAll(ctx context.Context, paymentRequestID string, opts ...RequestOption) error {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return err
	}
	return s.client.call(ctx, "POST /payments/requests/{id}/schedules/cancel", []string{paymentRequestID}, nil, nil, nil, opts...)
}

// Cancel cancels one scheduled payment
// (POST /payments/requests/{id}/schedules/{scheduleId}/cancel, answered
// 204). Not replayed after a 5xx or a dropped connection.
func (s *PaymentSchedulesService) Cancel(ctx context.Context, paymentRequestID, scheduleID string, opts ...RequestOption) error {
	if err := requireID("paymentRequestId", paymentRequestID); err != nil {
		return err
	}
	if err := requireID("scheduleId", scheduleID); err != nil {
		return err
	}
	return s.client.call(ctx, "POST /payments/requests/{id}/schedules/{scheduleId}/cancel", []string{paymentRequestID, scheduleID}, nil, nil, nil, opts...)
}
