package pluggy

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test client's clock reads 2026-11-23 12:00 UTC: 09:00 in Brasília.
var testToday = Date{2026, time.November, 23}

func TestPaymentTodayIsInBrasilia(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t)
	assert.Equal(t, testToday, c.today())
	clk := newFakeClock(time.Date(2026, 11, 24, 2, 30, 0, 0, time.UTC)) // 23:30 on the 23rd in Brasília
	c2, _ := newTestClient(t, WithClock(clk))
	assert.Equal(t, testToday, c2.today())
}

func TestDecimalAmountsAreExactBothWays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, mock := newTestClient(t)
	cap := onRoute(t, mock, http.MethodPost, "/payments/requests", 200, fixture(t, "payment-request-create", "200"))
	_, err := c.Payments.Requests.Create(ctx, &CreatePaymentRequestParams{Amount: DecimalFromFloat(10.10)})
	require.NoError(t, err)
	sent := cap.body(t)
	assert.Contains(t, sent, `"amount":10.1`)
	assert.NotContains(t, sent, "10.0999")
	assert.JSONEq(t, `{"amount":10.1}`, sent)

	// A Decimal the API sent goes back with the same digits.
	var pr PaymentRequest
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","status":"CREATED","createdAt":"2026-11-23T11:58:03.417Z","updatedAt":"2026-11-23T11:58:03.417Z","paymentUrl":"u","amount":10.10,"fees":0.30}`), &pr))
	assert.Equal(t, "10.10", pr.Amount.String())
	cents, err := pr.Amount.Cents()
	require.NoError(t, err)
	assert.EqualValues(t, 1010, cents)
	c2, mock2 := newTestClient(t)
	cap2 := onRoute(t, mock2, http.MethodPatch, "/payments/requests/x", 200, fixture(t, "payment-request-update", "200"))
	_, err = c2.Payments.Requests.Update(ctx, "x", &UpdatePaymentRequestParams{Amount: pr.Amount})
	require.NoError(t, err)
	assert.Equal(t, `{"amount":10.10}`, cap2.body(t))

	// Many floats: the shortest decimal that reads back, never a binary tail.
	for _, f := range []float64{0.1, 0.3, 10.1, 19.99, 1234.56, 99999.99, 0.07} {
		d := DecimalFromFloat(f)
		b, err := json.Marshal(struct {
			A Decimal `json:"a"`
		}{d})
		require.NoError(t, err)
		assert.LessOrEqual(t, len(d.String()), 8, "%v -> %s", f, d)
		var back struct{ A float64 }
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, f, back.A)
	}
}

func TestAmountChecks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    Decimal
		ok   bool
		want string
	}{
		{Decimal{}, false, "is required"},
		{MustDecimal("0"), false, "greater than 0"},
		{MustDecimal("-5.00"), false, "greater than 0"},
		{MustDecimal("10.001"), false, "whole number of cents"},
		{MustDecimal("0.01"), true, ""},
		{MustDecimal("1e2"), true, ""},
		{DecimalFromFloat(10.10), true, ""},
	} {
		err := checkAmount("amount", tc.d)
		if tc.ok {
			assert.NoError(t, err, tc.d.String())
			continue
		}
		requireArgumentErr(t, err, "amount")
		assert.Contains(t, err.Error(), tc.want)
	}
}

func TestTaxDigits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		lengths []int
		want    string
		errPart string
	}{
		{"123.456.789-09", []int{cpfLen}, "12345678909", ""},
		{"12345678909", []int{cpfLen}, "12345678909", ""},
		{" 123 456 789 09", []int{cpfLen}, "12345678909", ""},
		{"12.345.678/0001-95", []int{cnpjLen}, "12345678000195", ""},
		{"12.345.678/0001-95", []int{cpfLen, cnpjLen}, "12345678000195", ""},
		{"123.456.789-0", []int{cpfLen}, "", "a CPF has 11 digits, got 10"},
		{"123456789012", []int{cnpjLen}, "", "a CNPJ has 14 digits, got 12"},
		{"1234567890", []int{cpfLen, cnpjLen}, "", "CPF (11 digits) or a CNPJ (14 digits)"},
		{"***.456.789-**", []int{cpfLen}, "", "only digits"},
		{"１２３", []int{cpfLen}, "", "only digits"},
	} {
		got, err := taxDigits("cpf", tc.in, tc.lengths...)
		if tc.errPart == "" {
			require.NoError(t, err, tc.in)
			assert.Equal(t, tc.want, got)
			continue
		}
		requireArgumentErr(t, err, "cpf")
		assert.Contains(t, err.Error(), tc.errPart, tc.in)
	}
}

func TestDateChecks(t *testing.T) {
	t.Parallel()
	requireArgumentErr(t, checkFutureDate("date", Date{}, testToday), "date")
	err := checkFutureDate("date", Date{2027, time.February, 30}, testToday)
	requireArgumentErr(t, err, "date")
	assert.Contains(t, err.Error(), "not a calendar date")
	err = checkFutureDate("date", Date{2026, time.November, 22}, testToday)
	requireArgumentErr(t, err, "date")
	assert.Contains(t, err.Error(), "in the past")
	assert.NoError(t, checkFutureDate("date", testToday, testToday))
	assert.NoError(t, checkDateRange(Date{}, Date{}))
	requireArgumentErr(t, checkDateRange(mustDate(t, "2026-11-10"), mustDate(t, "2026-11-01")), "from")
	requireArgumentErr(t, checkDateRange(Date{2026, 13, 1}, Date{}), "from")
	requireArgumentErr(t, checkDateRange(Date{}, Date{2026, 4, 31}), "to")
	requireArgumentErr(t, checkHTTPURL("callbackUrls.success", "/relative"), "callbackUrls.success")
	requireArgumentErr(t, checkHTTPURL("callbackUrls.success", "ftp://x.com"), "callbackUrls.success")
	assert.NoError(t, checkHTTPURL("callbackUrls.success", "https://loja.com.br/ok"))
	requireArgumentErr(t, checkHTTPURL("callbackUrls.error", "https://"), "callbackUrls.error")
	assert.NoError(t, checkHTTPURL("callbackUrls.pending", ""), "an unset callback is fine")
}

func TestScheduleUnionEncodesAndDecodesByType(t *testing.T) {
	t.Parallel()
	start := mustDate(t, "2026-12-01")
	cases := []struct {
		s    Schedule
		json string
	}{
		{&SingleSchedule{Date: mustDate(t, "2026-12-15")}, `{"type":"SINGLE","date":"2026-12-15"}`},
		{&DailySchedule{StartDate: start, Occurrences: 5}, `{"type":"DAILY","startDate":"2026-12-01","occurrences":5}`},
		{&WeeklySchedule{StartDate: start, DayOfWeek: DayOfWeekFriday, Occurrences: 4}, `{"type":"WEEKLY","startDate":"2026-12-01","dayOfWeek":"FRIDAY","occurrences":4}`},
		{&MonthlySchedule{StartDate: start, DayOfMonth: 10, Occurrences: 12}, `{"type":"MONTHLY","startDate":"2026-12-01","dayOfMonth":10,"occurrences":12}`},
		{&CustomSchedule{PaymentDates: []Date{mustDate(t, "2026-12-05"), mustDate(t, "2027-01-05")}, AdditionalInformation: "Parcelas"}, `{"type":"CUSTOM","dates":["2026-12-05","2027-01-05"],"additionalInformation":"Parcelas"}`},
	}
	for _, tc := range cases {
		b, err := json.Marshal(tc.s)
		require.NoError(t, err)
		assert.JSONEq(t, tc.json, string(b))
		back, err := decodeSchedule(b)
		require.NoError(t, err)
		assert.Equal(t, tc.s, back)
		assert.Equal(t, tc.s.ScheduleType(), back.ScheduleType())
		// Inside a payment request, too.
		raw := `{"id":"r","status":"SCHEDULED","createdAt":"2026-11-23T11:58:03.417Z","updatedAt":"2026-11-23T11:58:03.417Z","paymentUrl":"u","schedule":` + tc.json + `}`
		var pr PaymentRequest
		require.NoError(t, json.Unmarshal([]byte(raw), &pr))
		assert.Equal(t, tc.s, pr.Schedule)
		assertRoundTrip[PaymentRequest](t, []byte(raw))
	}

	// An unknown type decodes and encodes back unchanged.
	raw := []byte(`{"type":"YEARLY","startDate":"2027-01-01","occurrences":3}`)
	s, err := decodeSchedule(raw)
	require.NoError(t, err)
	unk, ok := s.(*UnknownSchedule)
	require.True(t, ok)
	assert.Equal(t, ScheduleType("YEARLY"), unk.ScheduleType())
	assert.Nil(t, unk.Dates())
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(b))

	// null and absent are no schedule; garbage is an error, not a panic.
	s, err = decodeSchedule([]byte("null"))
	require.NoError(t, err)
	assert.Nil(t, s)
	_, err = decodeSchedule([]byte(`"MONTHLY"`))
	assert.Error(t, err)
	_, err = decodeSchedule([]byte(`{"type":"DAILY","occurrences":"five"}`))
	assert.Error(t, err)
	var pr PaymentRequest
	assert.Error(t, json.Unmarshal([]byte(`{"id":"r","schedule":{"type":"SINGLE","date":"tomorrow"}}`), &pr))
}

func TestScheduleDates(t *testing.T) {
	t.Parallel()
	d := func(s string) Date { return mustDate(t, s) }
	assert.Equal(t, []Date{d("2026-12-15")}, (&SingleSchedule{Date: d("2026-12-15")}).Dates())
	assert.Equal(t, []Date{d("2026-12-30"), d("2026-12-31"), d("2027-01-01")}, (&DailySchedule{StartDate: d("2026-12-30"), Occurrences: 3}).Dates())
	// 2026-12-01 is a Tuesday: the first Friday is the 4th.
	assert.Equal(t, []Date{d("2026-12-04"), d("2026-12-11"), d("2026-12-18")}, (&WeeklySchedule{StartDate: d("2026-12-01"), DayOfWeek: DayOfWeekFriday, Occurrences: 3}).Dates())
	assert.Equal(t, []Date{d("2026-12-01"), d("2026-12-08"), d("2026-12-15")}, (&WeeklySchedule{StartDate: d("2026-12-01"), DayOfWeek: DayOfWeekTuesday, Occurrences: 3}).Dates())
	// Day 10 on or after 2026-12-15 is January's; day 30 of February is its last day.
	assert.Equal(t, []Date{d("2027-01-10"), d("2027-02-10"), d("2027-03-10")}, (&MonthlySchedule{StartDate: d("2026-12-15"), DayOfMonth: 10, Occurrences: 3}).Dates())
	assert.Equal(t, []Date{d("2027-01-30"), d("2027-02-28"), d("2027-03-30")}, (&MonthlySchedule{StartDate: d("2027-01-05"), DayOfMonth: 30, Occurrences: 3}).Dates())
	assert.Equal(t, []Date{d("2026-12-05"), d("2026-12-01")}, (&CustomSchedule{PaymentDates: []Date{d("2026-12-05"), d("2026-12-01")}}).Dates())
	assert.Nil(t, (*MonthlySchedule)(nil).Dates())
	assert.Nil(t, (&WeeklySchedule{StartDate: d("2026-12-01"), DayOfWeek: "FUNDAY", Occurrences: 3}).Dates())
	assert.Equal(t, DayOfWeekFriday, DayOfWeekOf(time.Friday))
}

func TestScheduleChecks(t *testing.T) {
	t.Parallel()
	d := func(s string) Date { return mustDate(t, s) }
	for _, tc := range []struct {
		s     Schedule
		param string
	}{
		{&SingleSchedule{}, "schedule.date"},
		{&SingleSchedule{Date: d("2026-11-22")}, "schedule.date"},
		{&SingleSchedule{Date: d("2029-01-01")}, "schedule.date"},
		{&DailySchedule{StartDate: d("2026-12-01"), Occurrences: 2}, "schedule.occurrences"},
		{&DailySchedule{StartDate: d("2026-12-01"), Occurrences: 60}, "schedule.occurrences"},
		{&DailySchedule{Occurrences: 5}, "schedule.startDate"},
		{&WeeklySchedule{StartDate: d("2026-12-01"), DayOfWeek: "friday", Occurrences: 4}, "schedule.dayOfWeek"},
		{&WeeklySchedule{StartDate: d("2026-12-01"), DayOfWeek: DayOfWeekFriday, Occurrences: 1}, "schedule.occurrences"},
		{&MonthlySchedule{StartDate: d("2026-12-01"), DayOfMonth: 31, Occurrences: 12}, "schedule.dayOfMonth"},
		{&MonthlySchedule{StartDate: d("2026-12-01"), DayOfMonth: 10, Occurrences: 24}, "schedule.occurrences"},
		{&MonthlySchedule{StartDate: Date{2026, 2, 29}, DayOfMonth: 10, Occurrences: 12}, "schedule.startDate"},
		{&CustomSchedule{}, "schedule.dates"},
		{&CustomSchedule{PaymentDates: []Date{d("2026-12-05"), d("2026-11-01")}}, "schedule.dates[1]"},
		{&CustomSchedule{PaymentDates: []Date{d("2026-12-05"), d("2026-12-05")}}, "schedule.dates[1]"},
		{&CustomSchedule{PaymentDates: []Date{d("2026-12-05"), d("2029-12-05")}}, "schedule.dates"},
		{(*SingleSchedule)(nil), "schedule"},
		{&UnknownSchedule{}, "schedule.type"},
	} {
		requireArgumentErr(t, checkSchedule("schedule", tc.s, testToday), tc.param)
	}
	for _, s := range []Schedule{
		&SingleSchedule{Date: testToday},
		&DailySchedule{StartDate: d("2026-12-01"), Occurrences: 59},
		&WeeklySchedule{StartDate: d("2026-12-01"), DayOfWeek: DayOfWeekMonday, Occurrences: 59},
		&MonthlySchedule{StartDate: d("2026-12-01"), DayOfMonth: 30, Occurrences: 23},
		&CustomSchedule{PaymentDates: []Date{d("2027-01-05"), d("2026-12-05")}},
		&UnknownSchedule{Type: "YEARLY"},
		nil,
	} {
		assert.NoError(t, checkSchedule("schedule", s, testToday))
	}
}

// paymentPOST is one creating, cancelling or retrying POST of the payment
// routes, with a call that passes local validation.
type paymentPOST struct {
	route, path string
	call        func(ctx context.Context, c *Client) error
}

func paymentPOSTs(t *testing.T) []paymentPOST {
	d := func(s string) Date { return mustDate(t, s) }
	const id, sid = "d1b2c3a4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "3b4c5d6e-7f8a-4b9c-9d0e-1f2a3b4c5d6e"
	return []paymentPOST{
		{"POST /payments/customers", "/payments/customers", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.Customers.Create(ctx, &CreatePaymentCustomerParams{Type: PaymentCustomerIndividual, Name: "João", CPF: "12345678909"})
			return err
		}},
		{"POST /payments/recipients", "/payments/recipients", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.Recipients.Create(ctx, &CreatePaymentRecipientParams{PixKey: "financeiro@paodemel.com.br"})
			return err
		}},
		{"POST /payments/requests", "/payments/requests", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.Requests.Create(ctx, &CreatePaymentRequestParams{Amount: MustDecimal("150.00")})
			return err
		}},
		{"POST /payments/requests/pix-qr", "/payments/requests/pix-qr", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.Requests.CreatePixQR(ctx, &CreatePixQRPaymentRequestParams{PixQRCode: "000201..."})
			return err
		}},
		{"POST /payments/requests/automatic-pix", "/payments/requests/automatic-pix", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.AutomaticPix.Create(ctx, &CreateAutomaticPixParams{FixedAmount: MustDecimal("59.90"), StartDate: d("2026-12-10"), Interval: AutomaticPixMonthly, RecipientID: id})
			return err
		}},
		{"POST /payments/requests/{id}/automatic-pix/schedule", "/payments/requests/" + id + "/automatic-pix/schedule", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.AutomaticPix.SchedulePayment(ctx, id, &ScheduleAutomaticPixParams{Amount: MustDecimal("59.90"), Date: d("2026-11-27")})
			return err
		}},
		{"POST /payments/requests/{id}/automatic-pix/cancel", "/payments/requests/" + id + "/automatic-pix/cancel", func(ctx context.Context, c *Client) error {
			return c.Payments.AutomaticPix.CancelAuthorization(ctx, id)
		}},
		{"POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/cancel", "/payments/requests/" + id + "/automatic-pix/schedules/" + sid + "/cancel", func(ctx context.Context, c *Client) error {
			return c.Payments.AutomaticPix.CancelPayment(ctx, id, sid)
		}},
		{"POST /payments/requests/{id}/automatic-pix/schedules/{scheduleId}/retry", "/payments/requests/" + id + "/automatic-pix/schedules/" + sid + "/retry", func(ctx context.Context, c *Client) error {
			return c.Payments.AutomaticPix.RetryPayment(ctx, id, sid, d("2026-11-25"))
		}},
		{"POST /payments/requests/{id}/schedules/cancel", "/payments/requests/" + id + "/schedules/cancel", func(ctx context.Context, c *Client) error {
			return c.Payments.Schedules.CancelAll(ctx, id)
		}},
		{"POST /payments/requests/{id}/schedules/{scheduleId}/cancel", "/payments/requests/" + id + "/schedules/" + sid + "/cancel", func(ctx context.Context, c *Client) error {
			return c.Payments.Schedules.Cancel(ctx, id, sid)
		}},
		{"POST /payments/intents", "/payments/intents", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.Intents.Create(ctx, &CreatePaymentIntentParams{PaymentRequestID: id, Parameters: &PaymentIntentParameters{CPF: "12345678909"}})
			return err
		}},
		{"POST /smart-transfers/preauthorizations", "/smart-transfers/preauthorizations", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.SmartTransfers.CreatePreauthorization(ctx, &CreateSmartTransferPreauthorizationParams{ConnectorID: 601, Parameters: SmartTransferPreauthorizationParameters{CPF: "12345678909"}, RecipientIDs: []string{id}})
			return err
		}},
		{"POST /smart-transfers/payments", "/smart-transfers/payments", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.SmartTransfers.CreatePayment(ctx, &CreateSmartTransferPaymentParams{PreauthorizationID: id, RecipientID: sid, Amount: MustDecimal("10.00")})
			return err
		}},
		{"POST /boleto-connections", "/boleto-connections", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.Boletos.CreateConnection(ctx, &CreateBoletoConnectionParams{ConnectorID: 225, Credentials: map[string]string{"clientId": "a"}})
			return err
		}},
		{"POST /boleto-connections/from-item", "/boleto-connections/from-item", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.Boletos.CreateConnectionFromItem(ctx, id)
			return err
		}},
		{"POST /boletos", "/boletos", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.Boletos.Create(ctx, validBoletoParams())
			return err
		}},
		{"POST /boletos/{id}/cancel", "/boletos/" + id + "/cancel", func(ctx context.Context, c *Client) error {
			_, err := c.Payments.Boletos.Cancel(ctx, id)
			return err
		}},
	}
}

func TestPaymentPOSTsAreNotReplayable(t *testing.T) {
	t.Parallel()
	for _, p := range paymentPOSTs(t) {
		assert.False(t, replayablePOSTs[p.route], "%s must not be replayed", p.route)
	}
	assert.Len(t, paymentPOSTs(t), 18, "every POST of the payment tags")
}

func TestPaymentPOSTsAreSentOnceOn5xx(t *testing.T) {
	t.Parallel()
	for _, p := range paymentPOSTs(t) {
		t.Run(p.route, func(t *testing.T) {
			c, mock := newTestClient(t)
			cap := onRoute(t, mock, http.MethodPost, p.path, http.StatusBadGateway, []byte(`{"code":502,"message":"Bad Gateway"}`))
			err := p.call(context.Background(), c)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
			assert.Equal(t, p.route, apiErr.Route)
			assert.Equal(t, 1, cap.n(), "a POST the server may have acted on is sent once")
			assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u(p.path)])
		})
	}
}

func TestPaymentPOSTsAreRetriedOn429(t *testing.T) {
	t.Parallel()
	for _, p := range paymentPOSTs(t) {
		t.Run(p.route, func(t *testing.T) {
			c, mock := newTestClient(t)
			n := 0
			mock.RegisterResponder(http.MethodPost, u(p.path), func(r *http.Request) (*http.Response, error) {
				n++
				if n == 1 {
					resp := httpmock.NewStringResponse(http.StatusTooManyRequests, `{"code":429,"codeDescription":"RATE_LIMIT_EXCEEDED","message":"Too many requests"}`)
					resp.Header.Set("Retry-After", "0")
					return resp, nil
				}
				if strings.HasSuffix(p.route, "cancel") && !strings.HasPrefix(p.route, "POST /boletos") || strings.HasSuffix(p.route, "retry") {
					return httpmock.NewBytesResponse(http.StatusNoContent, nil), nil
				}
				return httpmock.NewStringResponse(http.StatusOK, `{}`), nil
			})
			require.NoError(t, p.call(context.Background(), c))
			assert.Equal(t, 2, mock.GetCallCountInfo()["POST "+u(p.path)], "a 429 means the server did not act: retried")
		})
	}
}

func TestPaymentGETsAreRetriedOn5xx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, mock := newTestClient(t)
	const id = "d1b2c3a4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
	n := 0
	mock.RegisterResponder(http.MethodGet, u("/payments/requests/"+id), func(r *http.Request) (*http.Response, error) {
		n++
		if n < 3 {
			return httpmock.NewStringResponse(http.StatusServiceUnavailable, `{"code":503,"message":"Service Unavailable"}`), nil
		}
		return httpmock.NewBytesResponse(http.StatusOK, fixture(t, "payment-request-retrieve", "200")), nil
	})
	pr, err := c.Payments.Requests.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, PaymentRequestCompleted, pr.Status)
	assert.Equal(t, 3, mock.GetCallCountInfo()["GET "+u("/payments/requests/"+id)])

	// The same holds for PATCH and DELETE, which are idempotent.
	cap := onRoute(t, mock, http.MethodDelete, "/payments/customers/"+id, http.StatusInternalServerError, []byte(`{"code":500,"message":"Internal Server Error"}`))
	err = c.Payments.Customers.Delete(ctx, id)
	require.Error(t, err)
	assert.Equal(t, 1+DefaultRetries, cap.n())
}

func TestPaymentPOSTNotReplayedAfterConnectionDrop(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodPost, u("/payments/intents"), func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("connection reset by peer")
	})
	_, err := c.Payments.Intents.Create(context.Background(), &CreatePaymentIntentParams{
		PaymentRequestID: "d1b2c3a4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", Parameters: &PaymentIntentParameters{CPF: "12345678909"},
	})
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+u("/payments/intents")])
}

// TestPaymentFixturesRoundTrip decodes every 2xx fixture of the payment
// operations into its Go type and encodes it back: no field is lost.
func TestPaymentFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	types := map[string]func(*testing.T, []byte){
		"payment-customers-list":                        assertRoundTrip[Page[PaymentCustomer]],
		"payment-customer-create":                       assertRoundTrip[PaymentCustomer],
		"payment-customer-retrieve":                     assertRoundTrip[PaymentCustomer],
		"payment-customer-update":                       assertRoundTrip[PaymentCustomer],
		"payment-recipients-list":                       assertRoundTrip[Page[PaymentRecipient]],
		"payment-recipient-create":                      assertRoundTrip[PaymentRecipient],
		"payment-recipient-retrieve":                    assertRoundTrip[PaymentRecipient],
		"payment-recipient-update":                      assertRoundTrip[PaymentRecipient],
		"payment-recipients-institution-list":           assertRoundTrip[Page[PaymentInstitution]],
		"payment-recipient-institutions-retrieve":       assertRoundTrip[PaymentInstitution],
		"payment-requests-list":                         assertRoundTrip[Page[PaymentRequest]],
		"payment-request-create":                        assertRoundTrip[PaymentRequest],
		"payment-request-create-pix-qr":                 assertRoundTrip[PaymentRequest],
		"payment-request-retrieve":                      assertRoundTrip[PaymentRequest],
		"payment-request-update":                        assertRoundTrip[PaymentRequest],
		"payment-request-create-automatic-pix":          assertRoundTrip[PaymentRequest],
		"payment-request-create-automatic-pix-schedule": assertRoundTrip[AutomaticPixPayment],
		"payment-request-get-automatic-pix-schedules":   assertRoundTrip[Page[AutomaticPixPayment]],
		"payment-request-get-automatic-pix-schedule":    assertRoundTrip[AutomaticPixPaymentDetail],
		"payment-schedules-list":                        assertRoundTrip[Page[SchedulePayment]],
		"payment-intent-create":                         assertRoundTrip[PaymentIntent],
		"payment-intents-list":                          assertRoundTrip[Page[PaymentIntent]],
		"payment-intent-retrieve":                       assertRoundTrip[PaymentIntent],
		"smart-tranfers-preauthorizations-list":         assertRoundTrip[Page[SmartTransferPreauthorization]],
		"smart-transfer-preauthorization-create":        assertRoundTrip[SmartTransferPreauthorization],
		"smart-transfer-preauthorization-retrieve":      assertRoundTrip[SmartTransferPreauthorization],
		"smart-transfer-preauthorization-payments-list": assertRoundTrip[Page[SmartTransferPayment]],
		"smart-transfer-payment-create":                 assertRoundTrip[SmartTransferPayment],
		"smart-transfer-paymentretrieve":                assertRoundTrip[SmartTransferPayment],
		"boleto-connection-create":                      assertRoundTrip[BoletoConnection],
		"boleto-connection-create-from-item":            assertRoundTrip[BoletoConnection],
		"boleto-create":                                 assertRoundTrip[IssuedBoleto],
		"boleto-cancel":                                 assertRoundTrip[IssuedBoleto],
		"boleto-get":                                    assertRoundTrip[IssuedBoleto],
	}
	checked := 0
	for op, check := range types {
		files, err := filepath.Glob(filepath.Join("testdata", op, "2*.json"))
		require.NoError(t, err)
		require.NotEmpty(t, files, op)
		for _, f := range files {
			t.Run(op+"/"+filepath.Base(f), func(t *testing.T) {
				raw, err := os.ReadFile(f)
				require.NoError(t, err)
				check(t, raw)
			})
			checked++
		}
	}
	assert.GreaterOrEqual(t, checked, 40)

	// Every error fixture decodes as an *Error naming its codeDescription.
	errs, err := filepath.Glob(filepath.Join("testdata", "*", "4*.json"))
	require.NoError(t, err)
	for _, f := range errs {
		op := filepath.Base(filepath.Dir(f))
		if _, ok := types[op]; !ok {
			continue
		}
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		e := parseError("X /", 400, nil, raw, 0)
		assert.NotEmpty(t, e.CodeDescription, f)
		assert.NotEmpty(t, e.Message, f)
	}
}

func TestPaymentErrorsDecode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, mock := newTestClient(t)
	onRoute(t, mock, http.MethodGet, "/payments/intents/nope", 404, fixture(t, "payment-intent-retrieve", "404"))
	_, err := c.Payments.Intents.Get(ctx, "nope")
	assert.True(t, errors.Is(err, ErrNotFound))
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "PAYMENT_INTENT_NOT_FOUND", apiErr.CodeDescription)
	assert.Equal(t, "GET /payments/intents/{id}", apiErr.Route)

	onRoute(t, mock, http.MethodPost, "/payments/customers", 400, fixture(t, "payment-customer-create", "400"))
	_, err = c.Payments.Customers.Create(ctx, &CreatePaymentCustomerParams{Type: PaymentCustomerIndividual, Name: "João", CPF: "11111111111"})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Equal(t, "INVALID_PAYMENT_CUSTOMER", apiErr.CodeDescription)

	// A truncated 2xx answer is a *DecodeError, not a panic nor a half value.
	onRoute(t, mock, http.MethodGet, "/payments/requests/half", 200, fixture(t, "payment-request-retrieve", "200")[:200])
	_, err = c.Payments.Requests.Get(ctx, "half")
	var decErr *DecodeError
	require.ErrorAs(t, err, &decErr)
}

// BenchmarkDecodePaymentRequestsPage decodes a page of 100 payment requests
// (each with a recipient, a customer and a schedule): the cost of the
// schedule union's custom decoding on a realistic list.
func BenchmarkDecodePaymentRequestsPage(b *testing.B) {
	var one map[string]any
	require.NoError(b, json.Unmarshal(fixture(b, "payment-request-create", "200-scheduled"), &one))
	one["recipient"] = json.RawMessage(fixture(b, "payment-recipient-retrieve", "200"))
	one["customer"] = json.RawMessage(fixture(b, "payment-customer-retrieve", "200"))
	results := make([]any, 100)
	for i := range results {
		results[i] = one
	}
	raw, err := json.Marshal(map[string]any{"page": 1, "total": 100, "totalPages": 1, "results": results})
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var p Page[PaymentRequest]
		if err := json.Unmarshal(raw, &p); err != nil || len(p.Results) != 100 || p.Results[99].Schedule == nil {
			b.Fatal("decode", err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/request")
}
