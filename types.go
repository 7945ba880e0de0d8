package pluggy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Decimal is an exact decimal number, kept as the text the API wrote ("1234.56").
// Amounts pass through the client without float rounding: a Decimal decoded
// from an answer encodes back to the same digits, and one built with
// NewDecimal("10.10") reaches the server as 10.10.
//
// The zero value is no number; it encodes as null.
type Decimal struct{ s string }

// NewDecimal parses s ("10.10", "-3", "1e2") as a decimal number.
func NewDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	if !isJSONNumber(s) {
		return Decimal{}, fmt.Errorf("pluggy: %q is not a decimal number", s)
	}
	return Decimal{s: s}, nil
}

// MustDecimal is NewDecimal for constants; it panics on a malformed literal.
func MustDecimal(s string) Decimal {
	d, err := NewDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DecimalFromFloat returns the shortest decimal that reads back as f:
// DecimalFromFloat(10.10) is 10.1, never 10.0999999.
func DecimalFromFloat(f float64) Decimal {
	return Decimal{s: strconv.FormatFloat(f, 'f', -1, 64)}
}

// DecimalFromCents returns cents/100 exactly: DecimalFromCents(1010) is 10.10.
func DecimalFromCents(cents int64) Decimal {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign = "-"
		u = uint64(-cents)
	}
	return Decimal{s: fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)}
}

// IsZero reports whether d holds no number.
func (d Decimal) IsZero() bool { return d.s == "" }

// String returns the number as the API wrote it, or "" for the zero value.
func (d Decimal) String() string { return d.s }

// Float64 returns the nearest float64; use it for display, not for sums.
func (d Decimal) Float64() float64 {
	f, _ := strconv.ParseFloat(d.s, 64)
	return f
}

// Rat returns the exact value as a big.Rat (nil for the zero value).
func (d Decimal) Rat() *big.Rat {
	if d.s == "" {
		return nil
	}
	r, ok := new(big.Rat).SetString(d.s)
	if !ok {
		return nil
	}
	return r
}

// Cents returns the value in hundredths; it fails when the value has a
// fraction of a cent or does not fit an int64.
func (d Decimal) Cents() (int64, error) {
	r := d.Rat()
	if r == nil {
		return 0, fmt.Errorf("pluggy: no amount")
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("pluggy: %s is not a whole number of cents", d.s)
	}
	return r.Num().Int64(), nil
}

// Sign returns -1, 0 or +1 (0 also for the zero value).
func (d Decimal) Sign() int {
	r := d.Rat()
	if r == nil {
		return 0
	}
	return r.Sign()
}

// MarshalJSON writes the number as it is held.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d.s == "" {
		return []byte("null"), nil
	}
	if !isJSONNumber(d.s) {
		return nil, fmt.Errorf("pluggy: %q is not a decimal number", d.s)
	}
	return []byte(d.s), nil
}

// UnmarshalJSON keeps the number's text; it also accepts a number in a string
// and null.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = Decimal{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
	}
	if !isJSONNumber(s) {
		return fmt.Errorf("pluggy: %.40q is not a decimal number", s)
	}
	d.s = s
	return nil
}

// isJSONNumber reports whether s is exactly one JSON number (RFC 8259:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?) of at most 64 bytes. It
// allocates nothing: every Decimal of every answer goes through it.
func isJSONNumber(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	digits := func(i int) int {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i
	}
	i := 0
	if s[i] == '-' {
		i++
	}
	switch {
	case i == len(s):
		return false
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		i = digits(i + 1)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

// Date is a calendar date without a time of day, written YYYY-MM-DD.
// The zero value encodes as null.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("pluggy: %q is not a date (YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String returns "YYYY-MM-DD", or "" for the zero value.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time returns midnight of d in loc (UTC when loc is nil).
func (d Date) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d comes before e.
func (d Date) Before(e Date) bool { return d.Time(nil).Before(e.Time(nil)) }

// MarshalJSON writes "YYYY-MM-DD", or null for the zero value.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD", a full RFC 3339 time (keeping its date),
// or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("pluggy: date must be a string: %w", err)
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	if len(s) > len(time.DateOnly) {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("pluggy: %.40q is not a date", s)
		}
		*d = DateOf(t)
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Ptr returns a pointer to v, for optional fields: Ptr(true), Ptr("id").
func Ptr[T any](v T) *T { return &v }

// zonelessTime matches the forms Pluggy's reference shows for some loan,
// bill and credit card date-times: a bare date, or a date and time with no
// zone ("2023-07-20T00:00:00").
var zonelessTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?$`)

// lenientTimes returns the JSON object raw with each of the named fields
// that holds a zoneless date or date-time rewritten as RFC 3339 in UTC, so
// that it decodes into a time.Time. raw is returned as it is when no field
// needs it (the common case), or when it is not an object.
func lenientTimes(raw []byte, fields ...string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	changed := false
	for _, f := range fields {
		v, ok := m[f]
		if !ok || len(v) < 2 || v[0] != '"' {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil || !zonelessTime.MatchString(s) {
			continue
		}
		layout := "2006-01-02T15:04:05.999999999"
		switch {
		case len(s) == len(time.DateOnly):
			layout = time.DateOnly
		case len(s) == len("2006-01-02T15:04"):
			layout = "2006-01-02T15:04"
		}
		t, err := time.ParseInLocation(layout, s, time.UTC)
		if err != nil {
			continue
		}
		m[f], _ = json.Marshal(t.Format(time.RFC3339Nano))
		changed = true
	}
	if !changed {
		return raw
	}
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}
