package pluggy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeBoth decodes b with decodeFast and with encoding/json into fresh
// values of out's type and reports any difference in result or error.
func decodeBoth[T any](t *testing.T, name string, b []byte) {
	t.Helper()
	var fast, std T
	errFast := decodeFast(b, &fast)
	errStd := json.Unmarshal(b, &std)
	if (errFast == nil) != (errStd == nil) || (errStd != nil && errFast.Error() != errStd.Error()) {
		t.Errorf("%s: %T: error %v, encoding/json says %v\ninput: %.300q", name, fast, errFast, errStd, b)
		return
	}
	if errStd != nil {
		return
	}
	jf, err1 := json.Marshal(fast)
	js, err2 := json.Marshal(std)
	require.NoError(t, err1)
	require.NoError(t, err2)
	if !bytes.Equal(jf, js) {
		t.Errorf("%s: %T decoded differently\nfast: %s\nstd:  %s\ninput: %.300q", name, fast, jf, js, b)
	}
	// Marshal hides the difference between a nil and an empty Results.
	if p, ok := any(&fast).(*CursorPage[Transaction]); ok {
		q := any(&std).(*CursorPage[Transaction])
		if (p.Results == nil) != (q.Results == nil) {
			t.Errorf("%s: results nil %v, encoding/json nil %v", name, p.Results == nil, q.Results == nil)
		}
		// The sweep's read-ahead of next agrees with the decoded page.
		if next, nonEmpty, ok := scanCursorNext(b); ok {
			if (next == nil) != (q.Next == nil) || (next != nil && *next != *q.Next) || (nonEmpty == 1) != (len(q.Results) > 0) {
				t.Errorf("%s: scanCursorNext says next %v (results: %d), encoding/json %v (%d results)", name, next, nonEmpty, q.Next, len(q.Results))
			}
		}
	}
}

// fixtures returns every JSON file under testdata.
func fixtures(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir("testdata", func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = b
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

func TestFastDecoderMatchesEncodingJSON(t *testing.T) {
	fx := fixtures(t)
	for name, b := range fx {
		// Every fixture, whatever its shape: a transaction page, a
		// transaction, or something else that either decodes with unknown
		// fields ignored or fails the same way.
		decodeBoth[CursorPage[Transaction]](t, name, b)
		decodeBoth[Transaction](t, name, b)
	}
	// The fast path must actually be taken on the transaction fixtures,
	// not fall back: count what it decodes alone.
	var fastOK int
	for name, b := range fx {
		if !strings.Contains(name, "transactions-list-by-cursor") || !strings.Contains(name, "200") {
			continue
		}
		var d fastDecoder
		var p CursorPage[Transaction]
		if d.init(b) && d.cursorPage(&p) && d.end() {
			fastOK++
		} else {
			t.Errorf("%s: the fast decoder fell back on a fixture of its own shape", name)
		}
	}
	assert.Positive(t, fastOK)
}

// cases that must come out exactly as encoding/json says: the semantics the
// fast decoder keeps, and the inputs it must hand over.
var fastDecoderCases = []string{
	`{"results":[],"next":null}`,
	`{"results":null}`,
	`{}`,
	`null`,
	`{"results":[null]}`,
	`{"results":[{"id":"a","amount":-12.30,"balance":"7.10","amountInAccountCurrency":null}]}`,
	`{"results":[{"id":"a","amount":1e2}]}`,
	`{"results":[{"id":"a","amount":123456789012345678901234.5}]}`,
	`{"results":[{"id":"a","amount":"  3.5 "}]}`,
	`{"results":[{"id":"a","amount":true}]}`,
	`{"results":[{"id":"a","amount":"abc"}]}`,
	`{"results":[{"id":"a","amount":01}]}`,
	`{"results":[{"id":"a","date":"2026-11-01T00:00:00-03:00","createdAt":"2026-11-01T00:00:00Z","updatedAt":null}]}`,
	`{"results":[{"id":"a","date":"2026-11-01T00:00:00"}]}`,
	`{"results":[{"id":"a","date":"2026-11-01"}]}`,
	`{"results":[{"id":"a","date":5}]}`,
	`{"results":[{"id":"a","type":"SOMETHING_NEW","status":"LATER"}]}`,
	`{"results":[{"id":"a","type":null,"description":null,"descriptionRaw":null}]}`,
	`{"results":[{"id":"a","ID":"b"}]}`,
	`{"results":[{"Id":"a"}]}`,
	`{"results":[{"id":"a","id":"b"}]}`,
	`{"results":[{"id":"a\u00e9\n\"b"}]}`,
	`{"results":[{"id":"a\ud83d\ude00"}]}`,
	`{"results":[{"id":"a\ud83d"}]}`,
	"{\"results\":[{\"id\":\"a\xff\xfeb\"}]}",
	"{\"results\":[{\"id\":\"a\x01b\"}]}",
	`{"results":[{"id":"é-ok","description":"Pão de Açúcar"}]}`,
	`{"results":[{"id":"a","unknown":{"deep":[1,2,{"x":null}],"t":true,"f":false}}],"page":3}`,
	`{"results":[{"id":"a","unknown":[1,2,]}]}`,
	`{"results":[{"id":"a","unknown":tru}]}`,
	`{"results":[{"id":"a","order":7,"creditCardMetadata":{"installmentNumber":2,"totalInstallments":-10,"totalAmount":99.9,"purchaseDate":"2026-10-01T12:00:00.000Z","feeType":"NEW_FEE"}}]}`,
	`{"results":[{"id":"a","order":7.5}]}`,
	`{"results":[{"id":"a","order":1e3}]}`,
	`{"results":[{"id":"a","order":99999999999999999999}]}`,
	`{"results":[{"id":"a","order":"7"}]}`,
	`{"results":[{"id":"a","order":-0}]}`,
	`{"results":[{"id":"a","order":3000000000,"creditCardMetadata":{"installmentNumber":-3000000000}}]}`, // beyond a 32-bit int
	`{"results":[{"id":"a","order":999999999999999999}]}`,
	`{"results":[{"id":"a","order":01}]}`,
	`{"results":[{"id":"a","order":-}]}`,
	`{"results":[{"id":"a","order":null,"creditCardMetadata":{"installmentNumber":null}}]}`,
	`{"results":[{"id":"a","paymentData":{"payer":{"documentNumber":{"type":"CPF","value":"1"},"name":"x"},"receiver":null,"paymentMethod":"PIX","boletoMetadata":{"baseAmount":10,"barcode":"123"}}}]}`,
	`{"results":[{"id":"a","paymentData":"x"}]}`,
	`{"results":[{"id":"a","merchant":{"name":"N","cnpj":null,"extra":1}}]}`,
	`{"results":[{"id":"a","merchant":[]}]}`,
	`{"results":[{"id":"a"}],"next":"?accountId=x&after=QUJD+RA=="}`,
	`{"results":[{"id":"a"}],"next":5}`,
	`{"results":[{"id":"a"}]} x`,
	`{"results":[{"id":"a"}]`,
	`{"results":[{"id":"a"},]}`,
	`{"results":[{"id":"a"} {"id":"b"}]}`,
	` {"results" : [ { "id" : "a" , "amount" : 1 } ] } `,
	`{"results":{"id":"a"}}`,
	`{"results":[{"id":"a","amount":-}]}`,
	`{"results":[{"id":"a","amount":1.}]}`,
	`{"results":[{"id":"a","amount":-0.0e+0}]}`,
	`{"results":[{"id":"a","ſtatus":"POSTED"}]}`,
	`{"results":[{"id":"a","\u0069d":"b"}]}`,
	`{"id":"a","amount":1,"merchant":null}`,
}

func TestFastDecoderCases(t *testing.T) {
	for i, c := range fastDecoderCases {
		decodeBoth[CursorPage[Transaction]](t, fmt.Sprint("case ", i), []byte(c))
		decodeBoth[Transaction](t, fmt.Sprint("case ", i), []byte(c))
	}
}

// TestFastDecoderDifferential mutates the transaction fixtures (bytes
// changed, dropped, duplicated; keys recased; values swapped for null,
// numbers, strings and objects) and requires the same result and error as
// encoding/json for every mutant.
func TestFastDecoderDifferential(t *testing.T) {
	var seeds [][]byte
	for name, b := range fixtures(t) {
		if strings.Contains(name, "transaction") {
			seeds = append(seeds, b)
		}
	}
	seeds = append(seeds, benchPage(t))
	require.NotEmpty(t, seeds)
	rng := rand.New(rand.NewPCG(14, 10))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		b := mutate(rng, append([]byte(nil), seeds[rng.IntN(len(seeds))]...))
		name := fmt.Sprint("mutant ", i)
		decodeBoth[CursorPage[Transaction]](t, name, b)
		decodeBoth[Transaction](t, name, b)
		if t.Failed() {
			return
		}
	}
}

func FuzzFastDecoder(f *testing.F) {
	for _, c := range fastDecoderCases {
		f.Add([]byte(c))
	}
	for _, name := range []string{"200-page1", "200-page2", "200-page3"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "transactions-list-by-cursor", name+".json")); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeBoth[CursorPage[Transaction]](t, "fuzz", b)
		decodeBoth[Transaction](t, "fuzz", b)
	})
}

// benchPage is one page of the benchmark server's transactions: a card
// purchase with a merchant, a Pix with payment data, a plain debit, ...
func benchPage(t testing.TB) []byte {
	t.Helper()
	base := time.Date(2026, 11, 20, 23, 59, 0, 0, time.UTC)
	b := []byte(`{"results":[`)
	for i := 0; i < benchPageSize; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendBenchTransaction(b, "3f9b6c2a-1d4e-4f8a-9b7c-2e5d8a1f6c30", i, base)
	}
	return append(b, `],"next":"?accountId=3f9b6c2a-1d4e-4f8a-9b7c-2e5d8a1f6c30&after=MjAyNi0xMS0yMFQ+500/fQ=="}`...)
}

// TestFastDecoderKnowsEveryField fails when a field is added to one of the
// decoded types without teaching the fast decoder its name.
func TestFastDecoderKnowsEveryField(t *testing.T) {
	for _, tc := range []struct {
		typ   any
		names []string
	}{
		{Transaction{}, transactionFields},
		{CursorPage[Transaction]{}, cursorPageFields},
		{PaymentData{}, paymentDataFields},
		{PaymentDataParticipant{}, participantFields},
		{Document{}, documentFields},
		{PaymentDataBoletoMetadata{}, boletoFields},
		{CreditCardMetadata{}, creditCardFields},
		{Merchant{}, merchantFields},
	} {
		rt := reflect.TypeOf(tc.typ)
		var tags []string
		for i := 0; i < rt.NumField(); i++ {
			tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			tags = append(tags, tag)
		}
		assert.ElementsMatch(t, tags, tc.names, "%s", rt.Name())
	}
}

func TestFastDecoderAllocations(t *testing.T) {
	page := benchPage(t)
	allocs := testing.AllocsPerRun(20, func() {
		var p CursorPage[Transaction]
		if err := decodeFast(page, &p); err != nil || len(p.Results) != benchPageSize {
			t.Fatal(err)
		}
	})
	perTx := allocs / benchPageSize
	t.Logf("%.2f allocations per transaction", perTx)
	// One string per transaction plus the shared blocks; encoding/json
	// makes about 30.
	assert.LessOrEqual(t, perTx, 0.5)
}

// mutate changes b at one to three places: a byte changed, a span dropped,
// a token inserted, a letter recased (keys match case-insensitively), a
// value swapped for a token, a field repeated.
func mutate(rng *rand.Rand, b []byte) []byte {
	tokens := []string{`null`, `0`, `-1.5`, `1e5`, `"x"`, `"\u00e9"`, `{}`, `[]`, `true`, `"2026-11-01T00:00:00Z"`, `{"a":1}`, `,`, `:`, `"`, `\`, "\xff"}
	for k := 1 + rng.IntN(3); k > 0 && len(b) > 0; k-- {
		at := rng.IntN(len(b))
		switch rng.IntN(6) {
		case 0: // change a byte
			b[at] = byte(rng.IntN(128))
		case 1: // drop a span
			end := min(len(b), at+1+rng.IntN(8))
			b = append(b[:at], b[end:]...)
		case 2: // insert a token
			tok := tokens[rng.IntN(len(tokens))]
			b = append(b[:at], append([]byte(tok), b[at:]...)...)
		case 3: // recase a letter (keys matched case-insensitively)
			if c := b[at]; c >= 'a' && c <= 'z' {
				b[at] = c - 'a' + 'A'
			}
		case 4: // replace a value after a colon with a token
			if j := bytes.IndexByte(b[at:], ':'); j >= 0 {
				j += at + 1
				end := j
				for end < len(b) && b[end] != ',' && b[end] != '}' {
					end++
				}
				tok := tokens[rng.IntN(len(tokens))]
				b = append(b[:j], append([]byte(tok), b[end:]...)...)
			}
		case 5: // duplicate a field
			if j := bytes.Index(b[at:], []byte(`,"`)); j >= 0 {
				j += at
				end := bytes.IndexByte(b[j+1:], ',')
				if end > 0 {
					field := append([]byte(nil), b[j:j+1+end]...)
					b = append(b[:j], append(field, b[j:]...)...)
				}
			}
		}
	}
	return b
}

// isJSONNumber reports whether s is exactly one JSON number of at most
// decimalMaxText bytes, as every Decimal decoder checks it (checkDecimal:
// splitNumber and the length bound), for TestIsJSONNumberMatchesEncodingJSON.
// It allocates nothing.
func isJSONNumber(s string) bool {
	if len(s) > decimalMaxText {
		return false
	}
	_, ok := splitNumber(s)
	return ok
}

// readFixture reads one recorded answer.
func readFixture(path string) ([]byte, error) { return os.ReadFile(path) }

// TestFastDecoderIntoNonZeroValue: decoding into a value that already holds
// data (a Transaction reused across c.Do calls) merges as encoding/json
// does: fields absent from the answer kept, nested objects decoded into the
// ones already pointed to, and the same after a fallback.
func TestFastDecoderIntoNonZeroValue(t *testing.T) {
	prior := func() Transaction {
		return Transaction{ID: "old", Description: "kept", Category: Ptr("kept"),
			Merchant:    &Merchant{Name: Ptr("old"), CNPJ: Ptr("kept")},
			PaymentData: &PaymentData{Reason: Ptr("kept"), Payer: &PaymentDataParticipant{Name: Ptr("kept")}}}
	}
	for _, c := range []string{
		`{"id":"new","merchant":{"name":"new"},"paymentData":{"payer":{"accountNumber":"1"}}}`,
		`{"id":"new","merchant":{"name":"new"},"Category":"recased"}`, // the fast path falls back
		`{"id":"new","merchant":null}`,
	} {
		fast, std := prior(), prior()
		require.NoError(t, decodeFast([]byte(c), &fast), c)
		require.NoError(t, json.Unmarshal([]byte(c), &std), c)
		assert.Equal(t, std, fast, c)

		pf := CursorPage[Transaction]{Results: []Transaction{prior()}, Next: Ptr("kept")}
		ps := CursorPage[Transaction]{Results: []Transaction{prior()}, Next: Ptr("kept")}
		page := []byte(`{"results":[` + c + `]}`)
		require.NoError(t, decodeFast(page, &pf), c)
		require.NoError(t, json.Unmarshal(page, &ps), c)
		assert.Equal(t, ps, pf, c)
	}
}

// TestFastDecoderNilPointer: a nil *Transaction or *CursorPage (c.Do with a
// typed nil) gets encoding/json's error, not a panic.
func TestFastDecoderNilPointer(t *testing.T) {
	b := []byte(`{"results":[{"id":"a"}],"id":"a"}`)
	for _, out := range []any{(*Transaction)(nil), (*CursorPage[Transaction])(nil), (*Item)(nil)} {
		want := json.Unmarshal(b, out)
		require.Error(t, want)
		var got error
		require.NotPanics(t, func() { got = decodeFast(b, out) }, "%T", out)
		assert.Equal(t, want, got, "%T", out)
	}
}

// TestDoIntoNilTransaction: c.Do with a typed nil *Transaction is a
// *DecodeError carrying encoding/json's InvalidUnmarshalError, not a panic
// in the hand-written decoder.
func TestDoIntoNilTransaction(t *testing.T) {
	c, mock := newTestClient(t)
	mock.RegisterResponder(http.MethodGet, u("/transactions/tx-1"), jsonResponder(t, 200, []byte(`{"id":"tx-1"}`)))
	var out *Transaction
	var err error
	require.NotPanics(t, func() { err = c.Do(context.Background(), "GET /transactions/{id}", []string{"tx-1"}, nil, nil, out) })
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	var ie *json.InvalidUnmarshalError
	assert.ErrorAs(t, err, &ie)
}

// allocatedBytes is how many bytes f allocates (TotalAlloc, which no GC
// lowers).
func allocatedBytes(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestFastDecoderBigStringMemory: one string as large as an answer (a
// server may send one up to the body cap) costs about what encoding/json
// allocates for it, not a multiple: the string arrays grow with what they
// hold, not by doubling the newcomer, and an escaped string is not given
// room for three times its length up front.
func TestFastDecoderBigStringMemory(t *testing.T) {
	const size = 2 << 20
	for _, tail := range []string{"", `\n\u00e9`, "\xff"} {
		big := strings.Repeat("x", size) + tail
		for _, tc := range []struct {
			name string
			body string
			new  func() any
		}{
			{"page", `{"results":[{"id":"a","description":"` + big + `"}]}`, func() any { return new(CursorPage[Transaction]) }},
			{"transaction", `{"id":"a","description":"` + big + `"}`, func() any { return new(Transaction) }},
			{"item", `{"id":"` + big + `"}`, func() any { return new(Item) }},
		} {
			b := []byte(tc.body)
			var fastOut, stdOut any
			fast := allocatedBytes(func() {
				fastOut = tc.new()
				require.NoError(t, decodeFast(b, fastOut))
			})
			std := allocatedBytes(func() {
				stdOut = tc.new()
				require.NoError(t, json.Unmarshal(b, stdOut))
			})
			require.Equal(t, stdOut, fastOut)
			t.Logf("%s %q: %.1f MiB, encoding/json %.1f MiB", tc.name, tail, float64(fast)/(1<<20), float64(std)/(1<<20))
			assert.LessOrEqual(t, fast, std*5/4+1<<20, "%s %q: %d bytes allocated, encoding/json %d", tc.name, tail, fast, std)
		}
	}
}
