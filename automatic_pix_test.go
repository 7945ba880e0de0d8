package pluggy

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	autoPixRequestID = "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d"
	autoPixPaymentID = "0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b"
)

func validAutoPix(t *testing.T) *CreateAutomaticPixParams {
	return &CreateAutomaticPixParams{
		FixedAmount:                   MustDecimal("59.90"),
		Description:                   "Plano Família - internet fibra 500 Mega",
		StartDate:                     mustDate(t, "2026-12-10"),
		ExpiresAt:                     mustDate(t, "2027-12-10"),
		IsRetryAccepted:               Ptr(true),
		FirstPayment:                  &AutomaticPixFirstPaymentParams{Date: mustDate(t, "2026-11-25"), Description: "Primeira mensalidade do plano Família", Amount: MustDecimal("59.90")},
		Interval:                      AutomaticPixMonthly,
		AutomaticRetriesConfiguration: &AutomaticPixRetriesConfiguration{RetryDays: []int{1, 3, 5}},
		SchedulerConfiguration:        &AutomaticPixSchedulerConfiguration{Enabled: true, Description: Ptr("Mensalidade plano Família")},
		RecipientID:                   recipientID,
		ClientPaymentID:               "contrato-88213",
		CustomerID:                    customerID,
	}
}

func TestAutomaticPixCreate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/payments/requests/automatic-pix", 200, fixture(t, "payment-request-create-automatic-pix", "200"))
	got, err := c.Payments.AutomaticPix.Create(context.Background(), validAutoPix(t))
	require.NoError(t, err)
	assert.JSONEq(t, `{"fixedAmount":59.90,"description":"Plano Família - internet fibra 500 Mega","startDate":"2026-12-10","expiresAt":"2027-12-10",
		"isRetryAccepted":true,"firstPayment":{"date":"2026-11-25","description":"Primeira mensalidade do plano Família","amount":59.90},
		"interval":"MONTHLY","automaticRetriesConfiguration":{"retryDays":[1,3,5]},
		"schedulerConfiguration":{"enabled":true,"description":"Mensalidade plano Família"},
		"recipientId":"`+recipientID+`","clientPaymentId":"contrato-88213","customerId":"`+customerID+`"}`, cap.body(t))
	assert.Equal(t, autoPixRequestID, got.ID)
	assert.True(t, got.Amount.IsZero(), "automatic PIX requests carry no amount")
	require.NotNil(t, got.AutomaticPix)
	ap := got.AutomaticPix
	assert.Equal(t, "59.9", ap.FixedAmount.String())
	assert.Equal(t, AutomaticPixMonthly, ap.Interval)
	assert.Equal(t, time.Date(2026, 12, 10, 3, 0, 0, 1000000, time.UTC), ap.StartDate)
	assert.Equal(t, 2027, ap.ExpiresAt.Year())
	assert.Equal(t, "59.9", ap.FirstPayment.Amount.String())
	assert.Equal(t, 25, ap.FirstPayment.Date.Day())
	assert.Equal(t, []int{1, 3, 5}, ap.AutomaticRetriesConfiguration.RetryDays)
	assert.True(t, ap.SchedulerConfiguration.Enabled)
}

func TestAutomaticPixDatesDecodeLoosely(t *testing.T) {
	t.Parallel()
	var ap AutomaticPix
	require.NoError(t, json.Unmarshal([]byte(`{"startDate":"2026-12-10","expiresAt":null,"interval":"WEEKLY","firstPayment":{"date":"2026-11-25","amount":10.5}}`), &ap))
	assert.Equal(t, time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), ap.StartDate)
	assert.Nil(t, ap.ExpiresAt)
	assert.Equal(t, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), *ap.FirstPayment.Date)
	assert.Error(t, json.Unmarshal([]byte(`{"startDate":"10/12/2026","interval":"WEEKLY"}`), &ap))
	assert.Error(t, json.Unmarshal([]byte(`{"startDate":20261210,"interval":"WEEKLY"}`), &ap))
}

func TestAutomaticPixCreateChecks(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	for _, tc := range []struct {
		edit  func(p *CreateAutomaticPixParams)
		param string
	}{
		{func(p *CreateAutomaticPixParams) { p.RecipientID = "" }, "recipientId"},
		{func(p *CreateAutomaticPixParams) { p.Interval = "" }, "interval"},
		{func(p *CreateAutomaticPixParams) { p.Interval = "DAILY" }, "interval"},
		{func(p *CreateAutomaticPixParams) { p.StartDate = Date{} }, "startDate"},
		{func(p *CreateAutomaticPixParams) { p.StartDate = mustDate(t, "2026-11-20") }, "startDate"},
		{func(p *CreateAutomaticPixParams) { p.ExpiresAt = mustDate(t, "2026-12-01") }, "expiresAt"},
		{func(p *CreateAutomaticPixParams) { p.ExpiresAt = Date{2027, 2, 29} }, "expiresAt"},
		{func(p *CreateAutomaticPixParams) { p.MinimumVariableAmount = MustDecimal("10") }, "fixedAmount"},
		{func(p *CreateAutomaticPixParams) { p.FixedAmount = MustDecimal("0") }, "fixedAmount"},
		{func(p *CreateAutomaticPixParams) {
			p.FixedAmount = Decimal{}
			p.MinimumVariableAmount, p.MaximumVariableAmount = MustDecimal("100"), MustDecimal("50")
		}, "minimumVariableAmount"},
		{func(p *CreateAutomaticPixParams) {
			p.FixedAmount = Decimal{}
			p.MinimumVariableAmount, p.MaximumVariableAmount = MustDecimal("10"), MustDecimal("50.001")
		}, "maximumVariableAmount"},
		{func(p *CreateAutomaticPixParams) { p.FirstPayment.Amount = Decimal{} }, "firstPayment.amount"},
		{func(p *CreateAutomaticPixParams) { p.FirstPayment.Date = mustDate(t, "2026-11-01") }, "firstPayment.date"},
		{func(p *CreateAutomaticPixParams) { p.AutomaticRetriesConfiguration.RetryDays = nil }, "automaticRetriesConfiguration.retryDays"},
		{func(p *CreateAutomaticPixParams) { p.AutomaticRetriesConfiguration.RetryDays = []int{1, 8} }, "automaticRetriesConfiguration.retryDays[1]"},
		{func(p *CreateAutomaticPixParams) { p.AutomaticRetriesConfiguration.RetryDays = []int{2, 2} }, "automaticRetriesConfiguration.retryDays[1]"},
		{func(p *CreateAutomaticPixParams) {
			p.SchedulerConfiguration.Description = Ptr(string(make([]byte, 141)))
		}, "schedulerConfiguration.description"},
		{func(p *CreateAutomaticPixParams) {
			p.FixedAmount = Decimal{}
			p.MinimumVariableAmount, p.MaximumVariableAmount = MustDecimal("10"), MustDecimal("50")
		}, "schedulerConfiguration.valueForVariableAmount"},
		{func(p *CreateAutomaticPixParams) {
			p.FixedAmount = Decimal{}
			p.MinimumVariableAmount, p.MaximumVariableAmount = MustDecimal("10"), MustDecimal("50")
			p.SchedulerConfiguration.ValueForVariableAmount = MustDecimal("60")
		}, "schedulerConfiguration.valueForVariableAmount"},
		{func(p *CreateAutomaticPixParams) { p.CallbackURLs = &PaymentCallbackURLs{Error: "erro"} }, "callbackUrls.error"},
	} {
		p := validAutoPix(t)
		tc.edit(p)
		_, err := c.Payments.AutomaticPix.Create(ctx, p)
		requireArgumentErr(t, err, tc.param)
	}
	_, err := c.Payments.AutomaticPix.Create(ctx, nil)
	requireArgumentErr(t, err, "params")
	assertNothingSent(t, mock)

	// Variable amounts with a scheduling value inside the bounds are fine.
	cap := onRoute(t, mock, http.MethodPost, "/payments/requests/automatic-pix", 200, fixture(t, "payment-request-create-automatic-pix", "200"))
	p := validAutoPix(t)
	p.FixedAmount = Decimal{}
	p.MinimumVariableAmount, p.MaximumVariableAmount = MustDecimal("10.00"), MustDecimal("250.00")
	p.SchedulerConfiguration.ValueForVariableAmount = MustDecimal("99.90")
	_, err = c.Payments.AutomaticPix.Create(ctx, p)
	require.NoError(t, err)
	var sent map[string]any
	require.NoError(t, json.Unmarshal([]byte(cap.body(t)), &sent))
	assert.NotContains(t, sent, "fixedAmount")
	assert.Contains(t, cap.body(t), `"valueForVariableAmount":99.90`)
}

func TestAutomaticPixSchedulePayment(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/payments/requests/"+autoPixRequestID+"/automatic-pix/schedule", 200, fixture(t, "payment-request-create-automatic-pix-schedule", "200"))
	got, err := c.Payments.AutomaticPix.SchedulePayment(context.Background(), autoPixRequestID, &ScheduleAutomaticPixParams{
		Amount: MustDecimal("59.90"), Description: "Mensalidade janeiro", Date: mustDate(t, "2027-01-10"), ClientPaymentID: "contrato-88213-03",
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"amount":59.90,"description":"Mensalidade janeiro","date":"2027-01-10","clientPaymentId":"contrato-88213-03"}`, cap.body(t))
	assert.Equal(t, AutomaticPixPaymentCreated, got.Status)
	assert.Equal(t, mustDate(t, "2027-01-10"), got.Date)
	assert.Equal(t, recipientID, got.RecipientID)
	assert.False(t, *got.IsFirstPayment)

	_, err = c.Payments.AutomaticPix.SchedulePayment(context.Background(), "", &ScheduleAutomaticPixParams{})
	requireArgumentErr(t, err, "paymentRequestId")
	_, err = c.Payments.AutomaticPix.SchedulePayment(context.Background(), autoPixRequestID, &ScheduleAutomaticPixParams{Date: mustDate(t, "2027-01-10")})
	requireArgumentErr(t, err, "amount")
	_, err = c.Payments.AutomaticPix.SchedulePayment(context.Background(), autoPixRequestID, &ScheduleAutomaticPixParams{Amount: MustDecimal("1")})
	requireArgumentErr(t, err, "date")
	_, err = c.Payments.AutomaticPix.SchedulePayment(context.Background(), autoPixRequestID, nil)
	requireArgumentErr(t, err, "params")
	assert.Equal(t, 1, cap.n())
}

func TestAutomaticPixListAndGetPayments(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	list := onRoute(t, mock, http.MethodGet, "/payments/requests/"+autoPixRequestID+"/automatic-pix/schedules", 200, fixture(t, "payment-request-get-automatic-pix-schedules", "200"))
	one := onRoute(t, mock, http.MethodGet, "/payments/requests/"+autoPixRequestID+"/automatic-pix/schedules/"+autoPixPaymentID, 200, fixture(t, "payment-request-get-automatic-pix-schedule", "200"))
	ctx := context.Background()

	page, err := c.Payments.AutomaticPix.ListPayments(ctx, autoPixRequestID)
	require.NoError(t, err)
	list.one(t)
	require.Len(t, page.Results, 3)
	assert.True(t, *page.Results[0].IsFirstPayment)
	assert.Equal(t, AutomaticPixAttemptCompleted, page.Results[0].Attempts[0].Status)
	assert.Equal(t, AutomaticPixPaymentScheduled, page.Results[2].Status)

	got, err := c.Payments.AutomaticPix.GetPayment(ctx, autoPixRequestID, autoPixPaymentID)
	require.NoError(t, err)
	r, _ := one.one(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.True(t, got.ScheduledStatusReached)
	assert.Equal(t, AutomaticPixPaymentError, got.Status)
	assert.Equal(t, AutomaticPixErrInsufficientBalance, got.ErrorDetail.Code)
	require.Len(t, got.Attempts, 2)
	assert.Equal(t, AutomaticPixAttemptError, got.Attempts[0].Status)
	assert.Equal(t, AutomaticPixAttemptInProgress, got.Attempts[1].Status)
	assert.Equal(t, mustDate(t, "2026-12-11"), got.Attempts[1].Date)

	_, err = c.Payments.AutomaticPix.ListPayments(ctx, "")
	requireArgumentErr(t, err, "paymentRequestId")
	_, err = c.Payments.AutomaticPix.GetPayment(ctx, autoPixRequestID, "")
	requireArgumentErr(t, err, "paymentId")
}

func TestAutomaticPixCancelAndRetryAnswer204(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	ctx := context.Background()
	base := "/payments/requests/" + autoPixRequestID + "/automatic-pix"
	consent := onRoute(t, mock, http.MethodPost, base+"/cancel", http.StatusNoContent, nil)
	cancel := onRoute(t, mock, http.MethodPost, base+"/schedules/"+autoPixPaymentID+"/cancel", http.StatusNoContent, nil)
	retry := onRoute(t, mock, http.MethodPost, base+"/schedules/"+autoPixPaymentID+"/retry", http.StatusNoContent, nil)

	require.NoError(t, c.Payments.AutomaticPix.CancelAuthorization(ctx, autoPixRequestID))
	_, b := consent.one(t)
	assert.Empty(t, b)
	require.NoError(t, c.Payments.AutomaticPix.CancelPayment(ctx, autoPixRequestID, autoPixPaymentID))
	_, b = cancel.one(t)
	assert.Empty(t, b)
	require.NoError(t, c.Payments.AutomaticPix.RetryPayment(ctx, autoPixRequestID, autoPixPaymentID, mustDate(t, "2026-11-26")))
	assert.JSONEq(t, `{"date":"2026-11-26"}`, retry.body(t))

	requireArgumentErr(t, c.Payments.AutomaticPix.CancelAuthorization(ctx, ""), "paymentRequestId")
	requireArgumentErr(t, c.Payments.AutomaticPix.CancelPayment(ctx, autoPixRequestID, ""), "paymentId")
	requireArgumentErr(t, c.Payments.AutomaticPix.RetryPayment(ctx, autoPixRequestID, autoPixPaymentID, Date{}), "date")
	requireArgumentErr(t, c.Payments.AutomaticPix.RetryPayment(ctx, autoPixRequestID, autoPixPaymentID, mustDate(t, "2026-11-22")), "date")
	requireArgumentErr(t, c.Payments.AutomaticPix.RetryPayment(ctx, "", autoPixPaymentID, mustDate(t, "2026-11-26")), "paymentRequestId")
	assert.Equal(t, 1, retry.n())
}

func TestAutomaticPixStatusesAreComplete(t *testing.T) {
	t.Parallel()
	assert.Len(t, []AutomaticPixPaymentStatus{AutomaticPixPaymentScheduled, AutomaticPixPaymentCreated, AutomaticPixPaymentCompleted, AutomaticPixPaymentCanceled, AutomaticPixPaymentError}, 5)
	assert.Len(t, []AutomaticPixAttemptStatus{AutomaticPixAttemptInProgress, AutomaticPixAttemptCompleted, AutomaticPixAttemptCanceled, AutomaticPixAttemptError}, 4)
	assert.Len(t, []AutomaticPixInterval{AutomaticPixWeekly, AutomaticPixMonthly, AutomaticPixQuarterly, AutomaticPixSemester, AutomaticPixYearly}, 5)
}
