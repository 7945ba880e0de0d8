package pluggy

import (
	"encoding/json"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecimalKeepsTheDigitsItWasSent(t *testing.T) {
	t.Parallel()
	var v struct {
		Amount  Decimal  `json:"amount"`
		Balance Decimal  `json:"balance"`
		Limit   *Decimal `json:"limit"`
		Fee     Decimal  `json:"fee,omitzero"`
	}
	raw := `{"amount":1234.10,"balance":-0.30,"limit":null}`
	require.NoError(t, json.Unmarshal([]byte(raw), &v))
	assert.Equal(t, "1234.10", v.Amount.String())
	assert.Equal(t, "-0.30", v.Balance.String())
	assert.Nil(t, v.Limit)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	assert.Equal(t, `{"amount":1234.10,"balance":-0.30,"limit":null}`, string(out))

	c, err := v.Amount.Cents()
	require.NoError(t, err)
	assert.Equal(t, int64(123410), c)
	assert.Equal(t, -1, v.Balance.Sign())
	assert.Equal(t, big.NewRat(123410, 100), v.Amount.Rat())
}

func TestDecimalConstructors(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "10.1", DecimalFromFloat(10.10).String(), "never 10.0999999")
	assert.Equal(t, "10.10", DecimalFromCents(1010).String())
	assert.Equal(t, "-0.05", DecimalFromCents(-5).String())
	out, _ := json.Marshal(map[string]Decimal{"amount": DecimalFromFloat(10.10)})
	assert.Equal(t, `{"amount":10.1}`, string(out))

	d, err := NewDecimal(" 1e2 ")
	require.NoError(t, err)
	assert.Equal(t, 100.0, d.Float64())
	for _, bad := range []string{"", "1,5", "abc", "1.2.3", "01", "NaN", "+1", "1 2"} {
		_, err := NewDecimal(bad)
		assert.Error(t, err, bad)
	}
	assert.Panics(t, func() { MustDecimal("x") })
	_, err = MustDecimal("0.001").Cents()
	assert.ErrorContains(t, err, "not a whole number of cents")
	_, err = Decimal{}.Cents()
	assert.Error(t, err)
	assert.True(t, Decimal{}.IsZero())
	assert.Zero(t, Decimal{}.Sign())
}

func TestDecimalAcceptsQuotedNumbersAndRejectsGarbage(t *testing.T) {
	t.Parallel()
	var d Decimal
	require.NoError(t, json.Unmarshal([]byte(`"99.90"`), &d))
	assert.Equal(t, "99.90", d.String())
	for _, bad := range []string{`"abc"`, `true`, `{}`, `"1e"`, `[1]`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &d), bad)
	}
	_, err := json.Marshal(Decimal{s: "1,5"})
	assert.Error(t, err)
}

func TestDate(t *testing.T) {
	t.Parallel()
	var v struct {
		Due  Date  `json:"dueDate"`
		Paid *Date `json:"paidAt"`
		Cut  Date  `json:"cut,omitzero"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"dueDate":"2026-12-10","paidAt":"2026-12-09T03:00:00.000Z"}`), &v))
	assert.Equal(t, Date{2026, time.December, 10}, v.Due)
	assert.Equal(t, "2026-12-09", v.Paid.String())
	out, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"dueDate":"2026-12-10","paidAt":"2026-12-09"}`, string(out))

	require.NoError(t, json.Unmarshal([]byte(`{"dueDate":null,"paidAt":null}`), &v))
	assert.True(t, v.Due.IsZero())
	for _, bad := range []string{`{"dueDate":"10/12/2026"}`, `{"dueDate":20261210}`, `{"dueDate":"2026-13-01"}`, `{"dueDate":"2026-12-10T99"}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &v), bad)
	}
	d, err := ParseDate("2026-02-28")
	require.NoError(t, err)
	assert.True(t, d.Before(Date{2026, 3, 1}))
	assert.Equal(t, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), d.Time(nil))
	assert.Equal(t, "", Date{}.String())
	_, err = ParseDate("tomorrow")
	assert.Error(t, err)
}

func TestPtr(t *testing.T) {
	t.Parallel()
	p := Ptr(42)
	assert.Equal(t, 42, *p)
}

func TestLenientTimes(t *testing.T) {
	t.Parallel()
	raw := []byte(`{"a":"2023-07-20T00:00:00","b":"2022-01-03","c":"2021-05-21T10:30","d":"2026-11-23T12:00:00.000Z","e":"soon","f":5}`)
	var m map[string]any
	require.NoError(t, json.Unmarshal(lenientTimes(raw, "a", "b", "c", "d", "e", "f", "missing"), &m))
	assert.Equal(t, "2023-07-20T00:00:00Z", m["a"])
	assert.Equal(t, "2022-01-03T00:00:00Z", m["b"])
	assert.Equal(t, "2021-05-21T10:30:00Z", m["c"])
	assert.Equal(t, "2026-11-23T12:00:00.000Z", m["d"], "a zoned time is left as sent")
	assert.Equal(t, "soon", m["e"], "what is no date is left for the decoder to refuse")
	assert.Equal(t, 5.0, m["f"])

	same := []byte(`{"a":"2026-11-23T12:00:00.000Z"}`)
	assert.Equal(t, &same[0], &lenientTimes(same, "a")[0], "nothing to fix: the same bytes, no copy")
	notObject := []byte(`[1,2]`)
	assert.Equal(t, notObject, lenientTimes(notObject, "a"))
}

func TestZonelessDateTimesDecode(t *testing.T) {
	t.Parallel()
	var loan Loan
	require.NoError(t, json.Unmarshal([]byte(`{"id":"l-1","date":"2023-07-13T00:00:00","contractDate":"2023-07-20T00:00:00",
		"settlementDate":"2023-07-20","dueDate":"2028-01-15T00:00:00","firstInstallmentDueDate":"2023-08-15T00:00:00",
		"installments":{"balloonPayments":[{"dueDate":"2028-01-15T00:00:00"}]},
		"payments":{"releases":[{"paidDate":"2023-08-15T00:00:00"}]}}`), &loan))
	assert.Equal(t, time.Date(2023, 7, 20, 0, 0, 0, 0, time.UTC), loan.ContractDate)
	assert.Equal(t, time.Date(2023, 7, 20, 0, 0, 0, 0, time.UTC), loan.SettlementDate)
	assert.Equal(t, time.Date(2028, 1, 15, 0, 0, 0, 0, time.UTC), loan.DueDate)
	assert.Equal(t, time.Date(2023, 8, 15, 0, 0, 0, 0, time.UTC), loan.FirstInstallmentDueDate)
	assert.Equal(t, time.Date(2023, 7, 13, 0, 0, 0, 0, time.UTC), loan.Date)
	require.NotNil(t, loan.Installments)
	require.Len(t, loan.Installments.BalloonPayments, 1)
	assert.Equal(t, time.Date(2028, 1, 15, 0, 0, 0, 0, time.UTC), loan.Installments.BalloonPayments[0].DueDate)
	require.NotNil(t, loan.Payments)
	require.Len(t, loan.Payments.Releases, 1)
	assert.Equal(t, time.Date(2023, 8, 15, 0, 0, 0, 0, time.UTC), loan.Payments.Releases[0].PaidDate)

	var bill Bill
	require.NoError(t, json.Unmarshal([]byte(`{"id":"b-1","dueDate":"2022-08-10T00:00:00","billClosingDate":"2022-08-01T00:00:00","totalAmount":10.5}`), &bill))
	assert.Equal(t, time.Date(2022, 8, 10, 0, 0, 0, 0, time.UTC), bill.DueDate)
	assert.Equal(t, time.Date(2022, 8, 1, 0, 0, 0, 0, time.UTC), *bill.BillClosingDate)
	assert.Equal(t, "10.5", bill.TotalAmount.String())

	var cd CreditData
	require.NoError(t, json.Unmarshal([]byte(`{"balanceCloseDate":"2018-01-15","balanceDueDate":"2018-02-15T00:00:00.000Z"}`), &cd))
	assert.Equal(t, time.Date(2018, 1, 15, 0, 0, 0, 0, time.UTC), cd.BalanceCloseDate)
	assert.Equal(t, time.Date(2018, 2, 15, 0, 0, 0, 0, time.UTC), cd.BalanceDueDate)

	assert.Error(t, json.Unmarshal([]byte(`{"dueDate":"in two weeks"}`), &bill), "what is no date still fails")
}
