package pluggy

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	mathrand "math/rand/v2"
	"strings"
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

// TestLenientTimesQuickPass: the quick pass over the keys changes nothing
// lenientTimes returns, on the fixtures of the types that use it and on
// mutations of them (escaped keys and values, repeated keys, invalid JSON).
func TestLenientTimesQuickPass(t *testing.T) {
	t.Parallel()
	fields := []string{"balanceCloseDate", "balanceDueDate", "dueDate", "billClosingDate", "date", "contractDate", "paidDate", "a"}
	seeds := [][]byte{
		[]byte(`{"a":"2023-07-20T00:00:00","b":1}`), []byte(`{"a":"2023-07-20T00:00:00Z"}`), []byte(`{"\u0061":"2023-07-20"}`),
		[]byte(`{"a":"\u0032023-07-20"}`), []byte(`{"a":"2023-07-20","a":"2023-07-20T00:00:00Z"}`), []byte(`{"A":"2023-07-20"}`),
		[]byte(`{"a":5}`), []byte(`{"a":null}`), []byte(`{"a":"x"} y`), []byte(`[1]`), []byte(`{"a":`),
	}
	for name, b := range fixtures(t) {
		if strings.Contains(name, "accounts") || strings.Contains(name, "bills") || strings.Contains(name, "loans") {
			seeds = append(seeds, b)
		}
	}
	check := func(b []byte) {
		if got, want := lenientTimes(b, fields...), lenientTimesMap(b, fields); !bytes.Equal(got, want) {
			t.Errorf("lenientTimes differs with the quick pass\ninput: %.300q\ngot:  %.300q\nwant: %.300q", b, got, want)
		}
	}
	rng := mathrand.New(mathrand.NewPCG(14, 12))
	for _, b := range seeds {
		check(b)
	}
	for i := 0; i < 1000; i++ {
		check(mutate(rng, append([]byte(nil), seeds[rng.IntN(len(seeds))]...)))
	}
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

func TestDecimalRefusesNumbersBeyondItsBounds(t *testing.T) {
	for _, ok := range []string{"1e63", "-9" + strings.Repeat("9", 63), "1e-64", "0." + strings.Repeat("0", 63) + "1",
		"0e64", "123.45e-30", "0.000e-61", "1E+63"} {
		d, err := NewDecimal(ok)
		require.NoError(t, err, ok)
		require.NotNil(t, d.Rat(), ok)
		assert.Equal(t, d.Rat().Sign(), d.Sign(), ok)
	}
	for _, bad := range []string{"1e64", "1e-65", "1e1000001", "1e999999", "-1e99999999999999999999", "0e65", "0.5e-64",
		"1" + strings.Repeat("0", 64), "0." + strings.Repeat("0", 64) + "1", "1e-1000001", strings.Repeat("1", decimalMaxText+1)} {
		_, err := NewDecimal(bad)
		require.Error(t, err, bad)
		assert.Panics(t, func() { MustDecimal(bad) }, bad)
		var d Decimal
		assert.Error(t, json.Unmarshal([]byte(bad), &d), bad)
		assert.Error(t, json.Unmarshal([]byte(`"`+bad+`"`), &d), bad)
		assert.Error(t, d.UnmarshalText([]byte(bad)), bad)
		assert.Error(t, d.Scan(bad), bad)
		assert.Error(t, d.Scan([]byte(bad)), bad)
		assert.True(t, d.IsZero(), "nothing kept from %s", bad)
	}
	_, err := NewDecimal("1e1000001")
	assert.ErrorContains(t, err, "beyond a Decimal's range (at most 64 digits before the point and 64 after)")
	var d Decimal
	assert.Error(t, d.Scan(1e300))
	assert.Zero(t, DecimalFromFloat(1e300), "a float beyond the bounds gives no number")
	// Within the bounds, every accessor answers at once and never nil.
	d = MustDecimal("1e63")
	assert.Equal(t, 1, d.Sign())
	_, err = d.Cents()
	assert.ErrorContains(t, err, "too large for an int64 of cents")
	assert.Equal(t, "1"+strings.Repeat("0", 63), d.Canonical().String())
}

func TestDecimalComparesByValue(t *testing.T) {
	a, b := MustDecimal("10.10"), MustDecimal("10.1")
	assert.NotEqual(t, a, b, "== compares the text")
	assert.True(t, a.Equal(b))
	assert.Zero(t, a.Cmp(b))
	assert.True(t, MustDecimal("1.01e1").Equal(a))
	assert.Equal(t, -1, MustDecimal("-0.5").Cmp(MustDecimal("0")))
	assert.Equal(t, 1, MustDecimal("2").Cmp(MustDecimal("1.999999")))
	assert.True(t, MustDecimal("-0").Equal(MustDecimal("0.00")))
	// The zero value: before every number, equal only to itself, no panic.
	assert.Equal(t, -1, Decimal{}.Cmp(MustDecimal("-1e63")))
	assert.Equal(t, 1, MustDecimal("0").Cmp(Decimal{}))
	assert.True(t, Decimal{}.Equal(Decimal{}))
	assert.False(t, Decimal{}.Equal(MustDecimal("0")))

	// Canonical: one text per value, for map keys.
	for _, s := range []string{"10.10", "10.1", "1.01e1", "1010e-2", "10.1000"} {
		assert.Equal(t, "10.1", MustDecimal(s).Canonical().String(), s)
	}
	assert.Equal(t, "0", MustDecimal("-0.000").Canonical().String())
	assert.Equal(t, "100", MustDecimal("1e2").Canonical().String())
	assert.Equal(t, "-0.05", MustDecimal("-5e-2").Canonical().String())
	m := map[Decimal]int{}
	m[MustDecimal("10.10").Canonical()]++
	m[MustDecimal("10.1").Canonical()]++
	assert.Equal(t, map[Decimal]int{MustDecimal("10.1"): 2}, m)
	assert.True(t, Decimal{}.Canonical().IsZero())
}

func TestDecimalArithmeticIsExact(t *testing.T) {
	for _, tc := range []struct{ a, b, sum, diff string }{
		{"10.10", "0.5", "10.60", "9.60"},
		{"0.1", "0.2", "0.3", "-0.1"},
		{"1e2", "1", "101", "99"},
		{"-287.64", "287.64", "0.00", "-575.28"},
		{"1.5e-3", "1", "1.0015", "-0.9985"},
		{"99999999999999999999.99", "0.01", "100000000000000000000.00", "99999999999999999999.98"},
		{"-0.005", "0.003", "-0.002", "-0.008"},
	} {
		a, b := MustDecimal(tc.a), MustDecimal(tc.b)
		assert.Equal(t, tc.sum, a.Add(b).String(), "%s + %s", tc.a, tc.b)
		assert.Equal(t, tc.diff, a.Sub(b).String(), "%s - %s", tc.a, tc.b)
		assert.Zero(t, new(big.Rat).Add(a.Rat(), b.Rat()).Cmp(a.Add(b).Rat()))
	}
	// A statement's sum, from the zero value: 0.1 ten times is exactly 1.
	var total Decimal
	for range 10 {
		total = total.Add(MustDecimal("0.1"))
	}
	assert.Equal(t, "1.0", total.String())
	assert.True(t, total.Equal(MustDecimal("1")))
	assert.True(t, Decimal{}.Add(Decimal{}).IsZero())
	assert.Equal(t, "-5", Decimal{}.Sub(MustDecimal("5")).String())
	assert.Equal(t, "5", MustDecimal("5").Sub(Decimal{}).String())
	assert.Equal(t, "-3", MustDecimal("3").Neg().String())
	assert.Equal(t, "3", MustDecimal("-3").Neg().String())
	assert.Equal(t, "0", MustDecimal("0").Neg().String())
	// A sum beyond the bounds stays exact.
	huge := MustDecimal("9" + strings.Repeat("9", 63))
	assert.Equal(t, "1"+strings.Repeat("9", 63)+"8", huge.Add(huge).String())
}

func TestDecimalTextAndSQL(t *testing.T) {
	var _ interface {
		encoding.TextMarshaler
		driver.Valuer
	} = Decimal{}
	var _ interface {
		encoding.TextUnmarshaler
		sql.Scanner
	} = &Decimal{}

	d := MustDecimal("-0.30")
	txt, err := d.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "-0.30", string(txt))
	var back Decimal
	require.NoError(t, back.UnmarshalText([]byte(" 1234.10 ")))
	assert.Equal(t, "1234.10", back.String())
	require.NoError(t, back.UnmarshalText(nil))
	assert.True(t, back.IsZero())
	assert.Error(t, back.UnmarshalText([]byte("1,5")))
	txt, _ = Decimal{}.MarshalText()
	assert.Empty(t, txt)

	// As a JSON map key, through the text interfaces.
	out, err := json.Marshal(map[Decimal]string{MustDecimal("10.10"): "x"})
	require.NoError(t, err)
	assert.Equal(t, `{"10.10":"x"}`, string(out))

	for in, want := range map[string]string{"10.10": "10.10", "1e2": "100", "1.50e1": "15.0", "-2.5e-3": "-0.0025", "0": "0"} {
		v, err := MustDecimal(in).Value()
		require.NoError(t, err)
		assert.Equal(t, want, v, in)
	}
	v, err := Decimal{}.Value()
	require.NoError(t, err)
	assert.Nil(t, v, "the zero value is NULL")

	for _, tc := range []struct {
		src  any
		want string
	}{{"123.4500", "123.4500"}, {[]byte("-7.10"), "-7.10"}, {int64(-42), "-42"}, {10.1, "10.1"}, {1e-7, "0.0000001"}, {" 5 ", "5"}} {
		var got Decimal
		require.NoError(t, got.Scan(tc.src), "%v", tc.src)
		assert.Equal(t, tc.want, got.String(), "%v", tc.src)
	}
	got := MustDecimal("1")
	require.NoError(t, got.Scan(nil))
	assert.True(t, got.IsZero())
	for _, bad := range []any{true, "abc", math.NaN(), math.Inf(1), time.Now()} {
		assert.Error(t, got.Scan(bad), "%v", bad)
	}
}

func TestDateValidationAndComparison(t *testing.T) {
	feb30 := Date{2026, time.February, 30}
	assert.False(t, feb30.IsValid())
	_, err := json.Marshal(feb30)
	assert.ErrorContains(t, err, "2026-02-30 is not a calendar date")
	_, err = feb30.MarshalText()
	assert.Error(t, err)
	_, err = feb30.Value()
	assert.Error(t, err)
	_, err = NewDate(2026, time.February, 30)
	assert.ErrorContains(t, err, "not a calendar date")
	for _, bad := range []Date{{2026, 13, 1}, {2026, 0, 1}, {2026, 4, 31}, {2025, 2, 29}, {-1, 1, 1}, {10000, 1, 1}, {2026, 1, 0}} {
		_, err := NewDate(bad.Year, bad.Month, bad.Day)
		assert.Error(t, err, "%v", bad)
	}
	d, err := NewDate(2028, time.February, 29)
	require.NoError(t, err, "a leap day")
	assert.True(t, d.IsValid())
	assert.False(t, Date{}.IsValid())
	_, err = ParseDate("0000-01-01")
	assert.NoError(t, err, "year 0000 is four digits")

	a, b := Date{2026, 12, 10}, Date{2027, 1, 2}
	assert.Equal(t, -1, a.Compare(b))
	assert.Equal(t, 1, b.Compare(a))
	assert.Zero(t, a.Compare(Date{2026, 12, 10}))
	assert.True(t, a.Before(b))
	assert.True(t, b.After(a))
	assert.False(t, a.After(a))
	assert.True(t, a.Equal(Date{2026, 12, 10}))
	assert.False(t, a.Equal(b))
	assert.True(t, Date{}.Before(Date{1, 1, 1}))
	assert.True(t, Date{2026, 3, 1}.After(Date{2026, 2, 28}))
}

func TestDateTextAndSQL(t *testing.T) {
	var _ interface {
		encoding.TextMarshaler
		driver.Valuer
	} = Date{}
	var _ interface {
		encoding.TextUnmarshaler
		sql.Scanner
	} = &Date{}
	d := Date{2026, 12, 10}
	txt, err := d.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "2026-12-10", string(txt))
	var back Date
	require.NoError(t, back.UnmarshalText(txt))
	assert.Equal(t, d, back)
	require.NoError(t, back.UnmarshalText([]byte("2026-12-09T23:30:00-03:00")))
	assert.Equal(t, Date{2026, 12, 9}, back)
	require.NoError(t, back.UnmarshalText(nil))
	assert.True(t, back.IsZero())
	assert.Error(t, back.UnmarshalText([]byte("2026-02-30")))

	v, err := d.Value()
	require.NoError(t, err)
	assert.Equal(t, "2026-12-10", v)
	v, err = Date{}.Value()
	require.NoError(t, err)
	assert.Nil(t, v)

	sp := time.FixedZone("BRT", -3*3600)
	for _, src := range []any{
		time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 10, 23, 0, 0, 0, sp), // its own location's date
		"2026-12-10",
		[]byte("2026-12-10"),
	} {
		var got Date
		require.NoError(t, got.Scan(src), "%v", src)
		assert.Equal(t, d, got, "%v", src)
	}
	got := d
	require.NoError(t, got.Scan(nil))
	assert.True(t, got.IsZero())
	for _, bad := range []any{int64(20261210), "10/12/2026", "2026-02-30", time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		assert.Error(t, got.Scan(bad), "%v", bad)
	}
}

func TestTimestampTextAndSQL(t *testing.T) {
	want := time.Date(2026, 11, 23, 12, 5, 0, 123e6, time.UTC)
	var ts Timestamp
	require.NoError(t, ts.UnmarshalText([]byte("2026-11-23T09:05:00.123-03:00")))
	assert.True(t, want.Equal(ts.Time))
	require.NoError(t, ts.UnmarshalText([]byte("1795435500123")))
	assert.True(t, want.Equal(ts.Time))
	txt, err := ts.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "2026-11-23T12:05:00.123Z", string(txt))
	assert.Error(t, ts.UnmarshalText([]byte("amanhã")))
	require.NoError(t, ts.UnmarshalText(nil))
	assert.True(t, ts.IsZero())
	txt, _ = ts.MarshalText()
	assert.Empty(t, txt)

	v, err := Timestamp{Time: want}.Value()
	require.NoError(t, err)
	assert.Equal(t, want, v)
	v, err = Timestamp{}.Value()
	require.NoError(t, err)
	assert.Nil(t, v)
	for _, src := range []any{want, "2026-11-23T12:05:00.123Z", []byte("2026-11-23T12:05:00.123Z"), int64(1795435500123)} {
		var got Timestamp
		require.NoError(t, got.Scan(src), "%v", src)
		assert.True(t, want.Equal(got.Time), "%v: %s", src, got.Time)
	}
	got := Timestamp{Time: want}
	require.NoError(t, got.Scan(nil))
	assert.True(t, got.IsZero())
	assert.Error(t, got.Scan(true))
	assert.Error(t, got.Scan("soon"))
	assert.Equal(t, -1, Timestamp{Time: want}.Compare(want.Add(time.Second)), "time.Time's comparisons come with it")
}

func TestDeref(t *testing.T) {
	assert.Equal(t, "Nubank", Deref(Ptr("Nubank")))
	assert.Equal(t, "", Deref[string](nil))
	assert.Equal(t, 0, Deref[int](nil))
	assert.Equal(t, 7, DerefOr(Ptr(7), 3))
	assert.Equal(t, 3, DerefOr(nil, 3))
	var c Connector
	assert.Equal(t, "sem nome", DerefOr(c.Name, "sem nome"))
}

// Random numbers in every written form: Cmp, Add, Sub, Canonical and the
// SQL text agree with big.Rat, exactly.
func TestDecimalAgreesWithBigRat(t *testing.T) {
	r := mathrand.New(mathrand.NewPCG(11, 2026))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	number := func() string {
		s := strings.TrimLeft(digits(1+r.IntN(20)), "0")
		if s == "" {
			s = "0"
		}
		if r.IntN(2) == 0 {
			s += "." + digits(1+r.IntN(15))
		}
		if r.IntN(4) == 0 {
			s += fmt.Sprintf("e%d", r.IntN(30)-15)
		}
		if r.IntN(3) == 0 {
			s = "-" + s
		}
		return s
	}
	for range 2000 {
		a, b := MustDecimal(number()), MustDecimal(number())
		ra, rb := a.Rat(), b.Rat()
		require.NotNil(t, ra)
		assert.Equal(t, ra.Cmp(rb), a.Cmp(b), "%s cmp %s", a, b)
		assert.Equal(t, ra.Sign(), a.Sign(), "%s", a)
		sum, diff := a.Add(b), a.Sub(b)
		assert.Zero(t, new(big.Rat).Add(ra, rb).Cmp(sum.Rat()), "%s + %s = %s", a, b, sum)
		assert.Zero(t, new(big.Rat).Sub(ra, rb).Cmp(diff.Rat()), "%s - %s = %s", a, b, diff)
		assert.NotContains(t, sum.String(), "e", "plain text")
		assert.True(t, a.Canonical().Equal(a))
		assert.Equal(t, a.Canonical(), MustDecimal(ra.FloatString(64)).Canonical(), "one canonical text per value: %s", a)
		v, err := a.Value()
		require.NoError(t, err)
		var back Decimal
		require.NoError(t, back.Scan(v))
		assert.True(t, back.Equal(a), "%s through SQL text %v", a, v)
	}
}

// The accessors at the edges of a Decimal's bounds, beside an ordinary
// amount (go test -bench Decimal): within the bounds they stay cheap.
func BenchmarkDecimalAccessors(b *testing.B) {
	for name, s := range map[string]string{"amount": "-1234.56", "largest": "9" + strings.Repeat("9", 63), "smallest": "1e-64", "exponent": "1e63"} {
		d := MustDecimal(s)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_ = d.Rat()
				_ = d.Sign()
				_, _ = d.Cents()
				_ = d.Cmp(d)
				_ = d.Add(d)
			}
		})
	}
}
