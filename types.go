package pluggy

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
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
// Compare Decimals with Cmp or Equal, which go by value (10.10 equals 10.1);
// == compares the text. Add and Sub are exact. As a map key, use
// Canonical, which is the same for equal values.
//
// A Decimal goes into database/sql as it is: Value writes the digits as
// text, so a PostgreSQL NUMERIC column keeps every one of them, and Scan
// reads NUMERIC, text, integer and float columns. The zero value is no
// number (an absent amount): it encodes as JSON null and SQL NULL.
//
// # Bounds
//
// No real amount comes near it, but a server can send any number, so every
// decoder (NewDecimal, MustDecimal, UnmarshalJSON, UnmarshalText, Scan)
// refuses a number that, written out without an exponent, would have more
// than 64 digits before the decimal point or more than 64 after it (1e63 and
// 1e-64 are accepted; 1e64, 1e-65 and 1e1000001 are not), and a text longer
// than 160 bytes. Within that bound every method is cheap, and Rat is nil
// only for the zero value.
type Decimal struct{ s string }

// Bounds of a Decimal, see the type's documentation.
const (
	decimalMaxIntDigits  = 64
	decimalMaxFracDigits = 64
	decimalMaxText       = 160
)

// NewDecimal parses s ("10.10", "-3", "1e2") as a decimal number: a JSON
// number, surrounding spaces allowed, within the bounds the type documents.
func NewDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	if err := checkDecimal(s); err != nil {
		return Decimal{}, err
	}
	return Decimal{s: s}, nil
}

// errDecimalTooLong refuses a decimal text of n bytes.
func errDecimalTooLong(n int) error {
	return fmt.Errorf("pluggy: a decimal number of %d bytes is too long (at most %d)", n, decimalMaxText)
}

// checkDecimal reports why s is not a Decimal's text, or nil.
func checkDecimal(s string) error {
	if len(s) > decimalMaxText {
		return errDecimalTooLong(len(s))
	}
	p, ok := splitNumber(s)
	if !ok {
		return fmt.Errorf("pluggy: %.40q is not a decimal number", s)
	}
	if !p.inBounds() {
		return fmt.Errorf("pluggy: %.40q is beyond a Decimal's range (at most %d digits before the point and %d after)",
			s, decimalMaxIntDigits, decimalMaxFracDigits)
	}
	return nil
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
// DecimalFromFloat(10.10) is 10.1, never 10.0999999. NaN and infinities give
// the zero Decimal, as does a float beyond the bounds of a Decimal.
func DecimalFromFloat(f float64) Decimal {
	d, err := NewDecimal(strconv.FormatFloat(f, 'g', -1, 64))
	if err != nil {
		return Decimal{}
	}
	return Decimal{s: d.plain()}
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

// IsZero reports whether d holds no number (an absent amount); a Decimal
// holding 0 is not zero in this sense.
func (d Decimal) IsZero() bool { return d.s == "" }

// String returns the number as the API wrote it, or "" for the zero value.
func (d Decimal) String() string { return d.s }

// Float64 returns the nearest float64; use it for display, not for sums.
func (d Decimal) Float64() float64 {
	f, _ := strconv.ParseFloat(d.s, 64)
	return f
}

// Rat returns the exact value as a big.Rat: nil for the zero value only.
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
	if !r.IsInt() {
		return 0, fmt.Errorf("pluggy: %s is not a whole number of cents", d.s)
	}
	if !r.Num().IsInt64() {
		return 0, fmt.Errorf("pluggy: %s is too large for an int64 of cents", d.s)
	}
	return r.Num().Int64(), nil
}

// Sign returns -1, 0 or +1 (0 also for the zero value).
func (d Decimal) Sign() int {
	p, ok := splitNumber(d.s)
	if !ok || p.sigLen == 0 {
		return 0
	}
	if p.neg {
		return -1
	}
	return 1
}

// Cmp compares d and e by value: -1 when d < e, 0 when they are equal
// (10.10 and 10.1 are), +1 when d > e. The zero Decimal (no number) sorts
// before every number and equals only itself.
func (d Decimal) Cmp(e Decimal) int {
	switch {
	case d.s == "" && e.s == "":
		return 0
	case d.s == "":
		return -1
	case e.s == "":
		return 1
	}
	a, b := d.Rat(), e.Rat()
	if a == nil || b == nil { // only for text built outside the decoders
		return strings.Compare(d.s, e.s)
	}
	return a.Cmp(b)
}

// Equal reports whether d and e hold the same value (Cmp is 0):
// MustDecimal("10.10").Equal(MustDecimal("10.1")) is true.
func (d Decimal) Equal(e Decimal) bool { return d.Cmp(e) == 0 }

// Add returns d + e, exactly. Its text is plain (no exponent) with as many
// fraction digits as the operand that has more, as SQL NUMERIC does:
// 10.10 + 0.5 is 10.60, 1e2 + 1 is 101. An absent operand adds nothing, so a
// sum can start from the zero value; two absent operands give the zero
// value. Sums are not bounded: only adding numbers close to the bounds of a
// Decimal can give a result beyond them, which is kept exactly.
func (d Decimal) Add(e Decimal) Decimal {
	if d.s == "" && e.s == "" {
		return Decimal{}
	}
	a, as := d.unscaled()
	b, bs := e.unscaled()
	scale := max(as, bs)
	a.Mul(a, pow10(scale-as))
	b.Mul(b, pow10(scale-bs))
	return Decimal{s: formatUnscaled(a.Add(a, b), scale)}
}

// Sub returns d - e, exactly, written as Add writes its result. An absent
// operand counts as nothing: the zero value minus 5 is -5.
func (d Decimal) Sub(e Decimal) Decimal { return d.Add(e.Neg()) }

// Neg returns -d (the zero value and 0 unchanged).
func (d Decimal) Neg() Decimal {
	if d.Sign() == 0 {
		return d
	}
	if strings.HasPrefix(d.s, "-") {
		return Decimal{s: d.s[1:]}
	}
	return Decimal{s: "-" + d.s}
}

// Canonical returns d's value in its shortest plain text: no exponent, no
// trailing fraction zeros, no negative zero. Equal values have equal
// Canonical forms (10.10, 10.1 and 1.01e1 all give 10.1), so it suits a map
// key. The zero value stays the zero value.
func (d Decimal) Canonical() Decimal {
	if d.s == "" {
		return d
	}
	n, scale := d.unscaled()
	ten := big.NewInt(10)
	var q, r big.Int
	for scale > 0 {
		q.QuoRem(n, ten, &r)
		if r.Sign() != 0 {
			break
		}
		n.Set(&q)
		scale--
	}
	return Decimal{s: formatUnscaled(n, scale)}
}

// plain returns d's text without an exponent, keeping every written digit
// (1.50e1 is 15.0, 1e2 is 100); "" for the zero value.
func (d Decimal) plain() string {
	p, ok := splitNumber(d.s)
	if !ok {
		return d.s
	}
	if p.exp == "" {
		return d.s
	}
	n, scale := d.unscaled()
	return formatUnscaled(n, scale)
}

// unscaled returns d as n × 10^-scale with scale >= 0 the number of fraction
// digits d has once its exponent is applied. The zero value is 0, scale 0.
func (d Decimal) unscaled() (*big.Int, int) {
	n := new(big.Int)
	p, ok := splitNumber(d.s)
	if !ok {
		return n, 0
	}
	n.SetString(p.int+p.frac, 10)
	last := p.lastDigitExp()
	scale := max(0, -last)
	if last > 0 {
		n.Mul(n, pow10(last))
	}
	if p.neg {
		n.Neg(n)
	}
	return n, scale
}

func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// formatUnscaled writes n × 10^-scale in plain decimal with scale fraction
// digits.
func formatUnscaled(n *big.Int, scale int) string {
	neg := n.Sign() < 0
	digits := new(big.Int).Abs(n).String()
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// MarshalJSON writes the number as it is held.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d.s == "" {
		return []byte("null"), nil
	}
	if _, ok := splitNumber(d.s); !ok {
		return nil, fmt.Errorf("pluggy: %.40q is not a decimal number", d.s)
	}
	return []byte(d.s), nil
}

// UnmarshalJSON keeps the number's text; it also accepts a number in a string
// and null. A number beyond the bounds of a Decimal is an error.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = Decimal{}
		return nil
	}
	if len(b) > 2*decimalMaxText {
		return errDecimalTooLong(len(b))
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
	}
	if err := checkDecimal(s); err != nil {
		return err
	}
	d.s = s
	return nil
}

// MarshalText writes the number as it is held ("" for the zero value), for
// encoding.TextMarshaler users: map keys, flags, CSV and the like.
func (d Decimal) MarshalText() ([]byte, error) {
	if d.s == "" {
		return []byte{}, nil
	}
	if _, ok := splitNumber(d.s); !ok {
		return nil, fmt.Errorf("pluggy: %.40q is not a decimal number", d.s)
	}
	return []byte(d.s), nil
}

// UnmarshalText reads a number as NewDecimal does; empty text is the zero
// value.
func (d *Decimal) UnmarshalText(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 {
		*d = Decimal{}
		return nil
	}
	if len(b) > 2*decimalMaxText {
		return errDecimalTooLong(len(b))
	}
	v, err := NewDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value implements driver.Valuer: the number as text without an exponent,
// every digit kept (for a NUMERIC or DECIMAL column), or NULL for the zero
// value.
func (d Decimal) Value() (driver.Value, error) {
	if d.s == "" {
		return nil, nil
	}
	if _, ok := splitNumber(d.s); !ok {
		return nil, fmt.Errorf("pluggy: %.40q is not a decimal number", d.s)
	}
	return d.plain(), nil
}

// Scan implements sql.Scanner: NULL is the zero value; text (NUMERIC
// arrives as text) is read as NewDecimal reads it, an empty text as the zero
// value; an integer exactly; a float as DecimalFromFloat does (NaN and
// infinities are errors). Values beyond the bounds of a Decimal are errors.
func (d *Decimal) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*d = Decimal{}
		return nil
	case string:
		s = v
	case []byte:
		if len(v) > 2*decimalMaxText {
			return errDecimalTooLong(len(v))
		}
		s = string(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("pluggy: cannot scan %v into a Decimal", v)
		}
		s = strconv.FormatFloat(v, 'g', -1, 64)
	default:
		return fmt.Errorf("pluggy: cannot scan a %T into a Decimal", src)
	}
	if strings.TrimSpace(s) == "" {
		*d = Decimal{}
		return nil
	}
	v, err := NewDecimal(s)
	if err != nil {
		return err
	}
	if _, isFloat := src.(float64); isFloat {
		v.s = v.plain()
	}
	*d = v
	return nil
}

// numberParts is a JSON number cut into its parts, each a slice of the text.
type numberParts struct {
	neg       bool
	int, frac string // the digits before and after the point
	exp       string // the exponent's digits and sign ("" when none)
	sigLen    int    // how many digits of int+frac follow the first non-zero one (0 for zero)
}

// splitNumber cuts s, which must be exactly one JSON number (RFC 8259:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), into its parts. It
// allocates nothing: every Decimal of every answer goes through it.
func splitNumber(s string) (numberParts, bool) {
	var p numberParts
	if s == "" {
		return p, false
	}
	digits := func(i int) int {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i
	}
	i := 0
	if s[i] == '-' {
		p.neg = true
		i++
	}
	start := i
	switch {
	case i == len(s):
		return p, false
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		i = digits(i + 1)
	default:
		return p, false
	}
	p.int = s[start:i]
	if i < len(s) && s[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return p, false
		}
		p.frac = s[i+1 : j]
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		es := i
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return p, false
		}
		p.exp = s[es:j]
		i = j
	}
	if i != len(s) {
		return p, false
	}
	if nz := strings.TrimLeft(p.int, "0"); nz != "" {
		p.sigLen = len(nz) + len(p.frac)
	} else {
		p.sigLen = len(strings.TrimLeft(p.frac, "0"))
	}
	return p, true
}

// expValue returns the exponent, and false when it is beyond ±9999 (far
// outside every bound).
func (p numberParts) expValue() (int, bool) {
	e := strings.TrimLeft(strings.TrimLeft(p.exp, "+-"), "0")
	if len(e) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(e); i++ {
		n = n*10 + int(e[i]-'0')
	}
	if strings.HasPrefix(p.exp, "-") {
		n = -n
	}
	return n, true
}

// lastDigitExp is the power of ten of the last written digit: the number is
// (int+frac digits) × 10^lastDigitExp. Only for numbers within bounds.
func (p numberParts) lastDigitExp() int {
	e, _ := p.expValue()
	return e - len(p.frac)
}

// inBounds reports whether the number, written without an exponent, has at
// most decimalMaxIntDigits digits before the point and decimalMaxFracDigits
// after it.
func (p numberParts) inBounds() bool {
	e, ok := p.expValue()
	if !ok {
		return false
	}
	last := e - len(p.frac)
	return last >= -decimalMaxFracDigits && p.sigLen+last <= decimalMaxIntDigits
}

// Date is a calendar date without a time of day, written YYYY-MM-DD.
// The zero value is no date: it encodes as JSON null and SQL NULL.
//
// A Date built field by field may be no calendar date (Date{2026, 2, 30});
// IsValid tells, NewDate refuses one, and MarshalJSON, MarshalText and Value
// return an error for one rather than write it. Years run from 0 to 9999
// (four digits, as YYYY writes them).
// Compare dates with Compare, Before, After and Equal; a Date goes into a
// SQL DATE column through Value and Scan.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date year-month-day, or an error when it is no
// calendar date (February 30th, month 13, year 10000).
func NewDate(year int, month time.Month, day int) (Date, error) {
	d := Date{Year: year, Month: month, Day: day}
	if !d.IsValid() {
		return Date{}, d.invalid()
	}
	return d, nil
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
		return Date{}, fmt.Errorf("pluggy: %.40q is not a date (YYYY-MM-DD)", s)
	}
	return validDateOf(t)
}

// validDateOf is DateOf(t), or an error when that is beyond the years a
// Date holds (0 to 9999).
func validDateOf(t time.Time) (Date, error) {
	d := DateOf(t)
	if !d.IsValid() {
		return Date{}, d.invalid()
	}
	return d, nil
}

// parseDateText reads "YYYY-MM-DD" or a full RFC 3339 time (keeping its
// date); "" is the zero Date.
func parseDateText(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	if len(s) > len(time.DateOnly) {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return Date{}, fmt.Errorf("pluggy: %.40q is not a date", s)
		}
		return validDateOf(t)
	}
	return ParseDate(s)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d is a calendar date between 0000-01-01 and
// 9999-12-31 (proleptic Gregorian). The zero Date is not.
func (d Date) IsValid() bool {
	return d.Year >= 0 && d.Year <= 9999 && d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func (d Date) invalid() error {
	return fmt.Errorf("pluggy: %04d-%02d-%02d is not a calendar date", d.Year, int(d.Month), d.Day)
}

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

// Compare returns -1 when d comes before e, 0 when they are the same date
// and +1 when d comes after e. The zero Date comes before every date.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	}
	return cmpInt(d.Day, e.Day)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d comes before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d comes after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Equal reports whether d and e are the same date.
func (d Date) Equal(e Date) bool { return d == e }

// MarshalJSON writes "YYYY-MM-DD", or null for the zero value; a Date that
// is no calendar date is an error.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	if !d.IsValid() {
		return nil, d.invalid()
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
	v, err := parseDateText(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText writes "YYYY-MM-DD", or "" for the zero value; a Date that is
// no calendar date is an error.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	if !d.IsValid() {
		return nil, d.invalid()
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads what UnmarshalJSON reads, unquoted; "" is the zero
// Date.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := parseDateText(strings.TrimSpace(string(b)))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value implements driver.Valuer: "YYYY-MM-DD" for a DATE column, NULL for
// the zero value, an error for a Date that is no calendar date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	if !d.IsValid() {
		return nil, d.invalid()
	}
	return d.String(), nil
}

// Scan implements sql.Scanner: NULL is the zero Date; a time.Time (how
// drivers hand a DATE column over) gives its date in its own location; text
// is read as UnmarshalText reads it.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		dt, err := validDateOf(v)
		if err != nil {
			return err
		}
		*d = dt
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("pluggy: cannot scan a %T into a Date", src)
}

// Ptr returns a pointer to v, for optional fields: Ptr(true), Ptr("id").
func Ptr[T any](v T) *T { return &v }

// Deref returns *p, or T's zero value when p is nil: the read side of Ptr,
// for the optional fields of answers (Deref(connector.Name)).
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// DerefOr returns *p, or fallback when p is nil: DerefOr(item.ClientUserID,
// "unknown").
func DerefOr[T any](p *T, fallback T) T {
	if p == nil {
		return fallback
	}
	return *p
}

// zonelessTime matches the forms Pluggy's reference shows for some loan,
// bill and credit card date-times: a bare date, or a date and time with no
// zone ("2023-07-20T00:00:00").
var zonelessTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?$`)

// noZonelessTimes reports, from one quick pass over raw's keys, that none
// of the named fields holds a string that may be a zoneless time, so that
// lenientTimes has nothing to rewrite. It says false whenever it cannot
// tell (escapes, invalid JSON, a candidate found): lenientTimes then looks
// the slow way.
func noZonelessTimes(raw []byte, fields []string) bool {
	var d fastDecoder
	if !d.init(raw) {
		return false
	}
	return d.object(func(key string) bool {
		for _, f := range fields {
			if key == f && d.peek() == '"' {
				s, plain, ok := d.rawString()
				return ok && plain && !zonelessTime.Match(s)
			}
		}
		return d.skip(0)
	}) && d.end()
}

// lenientTimes returns the JSON object raw with each of the named fields
// that holds a zoneless date or date-time rewritten as RFC 3339 in UTC, so
// that it decodes into a time.Time. raw is returned as it is when no field
// needs it (the common case), or when it is not an object.
func lenientTimes(raw []byte, fields ...string) []byte {
	if noZonelessTimes(raw, fields) {
		return raw
	}
	return lenientTimesMap(raw, fields)
}

// lenientTimesMap is lenientTimes without the quick pass.
func lenientTimesMap(raw []byte, fields []string) []byte {
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
