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
	p := Ptr(42)
	assert.Equal(t, 42, *p)
}
