package sqltest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pluggy-go/pluggy"
)

// randomAmount writes a random decimal: up to 30 digits before the point
// and 12 after, sometimes negative, sometimes with trailing zeros or an
// exponent, and now and then at the edges of a Decimal's bounds.
func randomAmount(r *rand.Rand) string {
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	sign := ""
	if r.IntN(3) == 0 {
		sign = "-"
	}
	switch r.IntN(20) {
	case 0: // the largest integer part a Decimal holds
		return sign + "9" + digits(63)
	case 1: // the longest fraction
		return sign + "0." + digits(63) + "1"
	case 2: // an exponent
		return sign + fmt.Sprintf("%d.%se%d", 1+r.IntN(9), digits(1+r.IntN(6)), r.IntN(40)-20)
	}
	whole := strings.TrimLeft(digits(1+r.IntN(30)), "0")
	if whole == "" {
		whole = "0"
	}
	if scale := r.IntN(13); scale > 0 {
		return sign + whole + "." + digits(scale)
	}
	return sign + whole
}

// randomDate is any calendar date a Date holds (years 1 to 9999).
func randomDate(r *rand.Rand) pluggy.Date {
	first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24)
	return pluggy.DateOf(first.AddDate(0, 0, r.IntN(days+1)))
}

// randomTimestamp is a time between 1900 and 2200 with microseconds (what
// PostgreSQL keeps), in a random zone.
func randomTimestamp(r *rand.Rand) pluggy.Timestamp {
	from := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	to := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	zone := time.FixedZone("", (r.IntN(27)-12)*3600)
	return pluggy.Timestamp{Time: time.UnixMicro(from + r.Int64N(to-from)).In(zone)}
}

func TestRoundTripThroughPostgreSQL(t *testing.T) {
	db := openPostgres(t)
	db.SetMaxOpenConns(1) // one session: the table is TEMP, nothing stays behind in a PLUGGY_POSTGRES_URL database
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TEMP TABLE money (id int PRIMARY KEY, amount numeric, day date,
		at timestamptz, no_amount numeric, no_day date, no_at timestamptz)`); err != nil {
		t.Fatal(err)
	}
	const n = 1000
	r := rand.New(rand.NewPCG(2026, 11))
	amounts := make([]pluggy.Decimal, n)
	days := make([]pluggy.Date, n)
	ats := make([]pluggy.Timestamp, n)
	var sum pluggy.Decimal
	for i := range n {
		amounts[i] = pluggy.MustDecimal(randomAmount(r))
		days[i], ats[i] = randomDate(r), randomTimestamp(r)
		if lim := pluggy.MustDecimal("1e31"); amounts[i].Cmp(lim) < 0 && amounts[i].Cmp(lim.Neg()) > 0 {
			sum = sum.Add(amounts[i])
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO money VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			i, amounts[i], days[i], ats[i], pluggy.Decimal{}, pluggy.Date{}, pluggy.Timestamp{}); err != nil {
			t.Fatalf("insert %d (%s, %s, %s): %v", i, amounts[i], days[i], ats[i].Time, err)
		}
	}

	rows, err := db.QueryContext(ctx, `SELECT id, amount, day, at, no_amount, no_day, no_at,
		no_amount IS NULL AND no_day IS NULL AND no_at IS NULL FROM money ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	exactAmounts, exactDays, exactAts, seen := 0, 0, 0, 0
	for rows.Next() {
		var (
			id       int
			amount   pluggy.Decimal
			day      pluggy.Date
			at       pluggy.Timestamp
			noAmount = pluggy.MustDecimal("1")
			noDay    = pluggy.Date{Year: 2000, Month: 1, Day: 1}
			noAt     = pluggy.Timestamp{Time: time.Unix(1, 0)}
			nulls    bool
		)
		if err := rows.Scan(&id, &amount, &day, &at, &noAmount, &noDay, &noAt, &nulls); err != nil {
			t.Fatal(err)
		}
		seen++
		want, _ := amounts[id].Value()
		// Same value, and every digit the Decimal wrote (trailing zeros too).
		if amount.Equal(amounts[id]) && amount.String() == want.(string) {
			exactAmounts++
		} else {
			t.Errorf("row %d: sent %s (as %v), read %s", id, amounts[id], want, amount)
		}
		if day == days[id] {
			exactDays++
		} else {
			t.Errorf("row %d: sent date %s, read %s", id, days[id], day)
		}
		if at.Equal(ats[id].Time) {
			exactAts++
		} else {
			t.Errorf("row %d: sent time %s, read %s", id, ats[id].Time, at.Time)
		}
		if !nulls || !noAmount.IsZero() || !noDay.IsZero() || !noAt.IsZero() {
			t.Errorf("row %d: the zero values must be NULL and come back zero: %v %v %v %v", id, nulls, noAmount, noDay, noAt)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != n {
		t.Fatalf("read %d rows, wrote %d", seen, n)
	}
	t.Logf("SQL round trip: %d/%d amounts, %d/%d dates, %d/%d timestamps exact", exactAmounts, n, exactDays, n, exactAts, n)

	// PostgreSQL's own sum equals Decimal.Add's, digit for digit.
	var dbSum pluggy.Decimal
	if err := db.QueryRowContext(ctx, `SELECT sum(amount) FROM money WHERE abs(amount) < 1e31`).Scan(&dbSum); err != nil {
		t.Fatal(err)
	}
	if !dbSum.Equal(sum) || dbSum.String() != sum.String() {
		t.Errorf("sum: PostgreSQL %s, Decimal.Add %s", dbSum, sum)
	}

	// A Date that is no calendar date never reaches the database.
	_, err = db.ExecContext(ctx, `INSERT INTO money (id, day) VALUES (-1, $1)`, pluggy.Date{Year: 2026, Month: 2, Day: 30})
	if err == nil || !strings.Contains(err.Error(), "2026-02-30 is not a calendar date") {
		t.Errorf("Date{2026, 2, 30}: %v", err)
	}
	// A number beyond a Decimal's bounds is refused when read.
	var big pluggy.Decimal
	err = db.QueryRowContext(ctx, `SELECT 1e64::numeric`).Scan(&big)
	if err == nil || !strings.Contains(err.Error(), "beyond a Decimal's range") {
		t.Errorf("1e64: %v, %s", err, big)
	}
}
