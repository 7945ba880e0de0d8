package pluggy

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaymentSchedulesList(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodGet, "/payments/requests/"+requestID+"/schedules", 200, fixture(t, "payment-schedules-list", "200"))
	page, err := c.Payments.Schedules.List(context.Background(), requestID)
	require.NoError(t, err)
	r, _ := cap.one(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Empty(t, r.URL.RawQuery)
	require.Len(t, page.Results, 3)
	assert.Equal(t, SchedulePaymentCompleted, page.Results[0].Status)
	assert.Equal(t, mustDate(t, "2026-12-10"), page.Results[0].ScheduledDate)
	assert.Equal(t, "E18236120202612101000a1b2c3d4e5f6", *page.Results[0].EndToEndID)
	assert.Equal(t, SchedulePaymentError, page.Results[1].Status)
	assert.Equal(t, "SALDO_INSUFICIENTE", *page.Results[1].ErrorDetail.Code)
	assert.Equal(t, SchedulePaymentScheduled, page.Results[2].Status)
	_, err = c.Payments.Schedules.List(context.Background(), "")
	requireArgumentErr(t, err, "paymentRequestId")
}

func TestPaymentSchedulesCancelAnswers204(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	const sid = "7f8a9b0c-1d2e-4f3a-8b4c-5d6e7f8a9b0c"
	all := onRoute(t, mock, http.MethodPost, "/payments/requests/"+requestID+"/schedules/cancel", http.StatusNoContent, nil)
	one := onRoute(t, mock, http.MethodPost, "/payments/requests/"+requestID+"/schedules/"+sid+"/cancel", http.StatusNoContent, nil)

	require.NoError(t, c.Payments.Schedules.CancelAll(ctx, requestID))
	r, b := all.one(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Empty(t, b, "no body is sent")

	require.NoError(t, c.Payments.Schedules.Cancel(ctx, requestID, sid))
	r, b = one.one(t)
	assert.Equal(t, "/api/payments/requests/"+requestID+"/schedules/"+sid+"/cancel", r.URL.Path)
	assert.Empty(t, b)

	requireArgumentErr(t, c.Payments.Schedules.CancelAll(ctx, ""), "paymentRequestId")
	requireArgumentErr(t, c.Payments.Schedules.Cancel(ctx, requestID, ""), "scheduleId")
	requireArgumentErr(t, c.Payments.Schedules.Cancel(ctx, "", sid), "paymentRequestId")
}
