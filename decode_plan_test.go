package pluggy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planProbe holds one field of every kind the plan decoder reads itself.
type planProbe struct {
	S      string            `json:"s"`
	P      *string           `json:"p"`
	N      int               `json:"n"`
	PN     *int              `json:"pn"`
	I8     int8              `json:"i8"`
	I64    int64             `json:"i64"`
	U16    uint16            `json:"u16"`
	F      float64           `json:"f"`
	F32    float32           `json:"f32"`
	PF     *float64          `json:"pf"`
	B      bool              `json:"b"`
	PB     *bool             `json:"pb"`
	D      Decimal           `json:"d"`
	PD     *Decimal          `json:"pd"`
	T      time.Time         `json:"t"`
	PT     *time.Time        `json:"pt"`
	Day    Date              `json:"day"`
	PDay   *Date             `json:"pday"`
	E      AccountType       `json:"e"`
	PE     *AccountType      `json:"pe"`
	M      map[string]any    `json:"m"`
	A      any               `json:"a"`
	Arr    [2]int            `json:"arr"`
	Sl     []string          `json:"sl"`
	SS     []planProbeInner  `json:"ss"`
	SP     []*planProbeInner `json:"sp"`
	In     planProbeInner    `json:"in"`
	PIn    *planProbeInner   `json:"pin"`
	Custom CreditData        `json:"custom"`
	NoTag  string
	Skip   string `json:"-"`
	hidden string // unexported: never decoded
}

var _ = planProbe{}.hidden

type planProbeInner struct {
	Name  string   `json:"name"`
	Tags  []string `json:"tags"`
	Value Decimal  `json:"value"`
}

// planTree holds itself.
type planTree struct {
	Name string     `json:"name"`
	Kids []planTree `json:"kids"`
	Next *planTree  `json:"next"`
}

// Types the plan decoder must leave to encoding/json whole.
type (
	planEmbedded struct {
		planProbeInner
		X string `json:"x"`
	}
	planStringOpt struct {
		N int `json:"n,string"`
	}
	planRaw struct {
		R json.RawMessage `json:"r"`
	}
	planOddName struct {
		X string `json:"x.y"`
	}
	planTwice struct {
		A string
		B string `json:"A"`
	}
	planNumber struct {
		N json.Number `json:"n"`
	}
	planTextOnly struct {
		T planText `json:"t"`
	}
)

// planText is a TextUnmarshaler that is no json.Unmarshaler.
type planText struct{ s string }

func (p *planText) UnmarshalText(b []byte) error { p.s = "text:" + string(b); return nil }

// decodeEqual is decodeBoth with reflect.DeepEqual besides the marshalled
// comparison (nil and empty slices, pointers to zero values).
func decodeEqual[T any](t *testing.T, name string, b []byte) {
	t.Helper()
	decodeBoth[T](t, name, b)
	var fast, std T
	if decodeFast(b, &fast) == nil && json.Unmarshal(b, &std) == nil && !reflect.DeepEqual(fast, std) {
		t.Errorf("%s: %T differs from encoding/json's (DeepEqual)\nfast: %#v\nstd:  %#v", name, fast, fast, std)
	}
}

// planDecoders decode into each answer type of the client, and the probes.
var planDecoders = []func(*testing.T, string, []byte){
	decodeEqual[Item], decodeEqual[Account], decodeEqual[Page[Account]], decodeEqual[AccountBalance],
	decodeEqual[Page[AccountStatement]], decodeEqual[Investment], decodeEqual[Page[Investment]],
	decodeEqual[Page[InvestmentTransaction]], decodeEqual[Page[Transaction]], decodeEqual[Connector],
	decodeEqual[Page[Connector]], decodeEqual[Consent], decodeEqual[Page[Consent]], decodeEqual[Identity],
	decodeEqual[Loan], decodeEqual[Page[Loan]], decodeEqual[Bill], decodeEqual[Page[Bill]],
	decodeEqual[[]Category], decodeEqual[Category], decodeEqual[ClientCategoryRule], decodeEqual[MerchantLookup],
	decodeEqual[Webhook], decodeEqual[Page[Webhook]], decodeEqual[PaymentCustomer], decodeEqual[Page[PaymentCustomer]],
	decodeEqual[PaymentRecipient], decodeEqual[Page[PaymentRecipient]], decodeEqual[PaymentInstitution],
	decodeEqual[PaymentRequest], decodeEqual[Page[PaymentRequest]], decodeEqual[PaymentIntent],
	decodeEqual[Page[PaymentIntent]], decodeEqual[ConnectorValidation],
	decodeEqual[planProbe], decodeEqual[planTree], decodeEqual[[]planProbeInner],
	decodeEqual[planEmbedded], decodeEqual[planStringOpt], decodeEqual[planRaw], decodeEqual[planOddName], decodeEqual[planTwice],
	decodeEqual[planNumber], decodeEqual[planTextOnly],
}

// TestPlanDecoderMatchesEncodingJSON decodes every fixture into every
// answer type: its own (the plan's path) and all the others (unknown
// fields, type mismatches, errors), each as encoding/json would.
func TestPlanDecoderMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for name, b := range fixtures(t) {
		for _, dec := range planDecoders {
			dec(t, name, b)
		}
	}
}

// TestPlanDecoderIsTaken requires the plan's own path (no fallback to
// encoding/json) on the fixtures of the hot answer types.
func TestPlanDecoderIsTaken(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dir string
		new func() any
	}{
		{"items-retrieve", func() any { return new(Item) }},
		{"items-create", func() any { return new(Item) }},
		{"accounts-list", func() any { return new(Page[Account]) }},
		{"accounts-retrieve", func() any { return new(Account) }},
		{"investments-list", func() any { return new(Page[Investment]) }},
		{"investments-retrieve", func() any { return new(Investment) }},
		{"investment-transactions-list", func() any { return new(Page[InvestmentTransaction]) }},
		{"transactions-list", func() any { return new(Page[Transaction]) }},
		{"connectors-list", func() any { return new(Page[Connector]) }},
		{"payment-intent-retrieve", func() any { return new(PaymentIntent) }},
		{"payment-intents-list", func() any { return new(Page[PaymentIntent]) }},
		{"payment-customers-list", func() any { return new(Page[PaymentCustomer]) }},
		{"payment-recipients-list", func() any { return new(Page[PaymentRecipient]) }},
		{"payment-request-retrieve", func() any { return new(PaymentRequest) }},
		{"payment-requests-list", func() any { return new(Page[PaymentRequest]) }},
	}
	for _, tc := range cases {
		paths, err := filepath.Glob(filepath.Join("testdata", tc.dir, "2*.json"))
		require.NoError(t, err)
		require.NotEmpty(t, paths, tc.dir)
		for _, path := range paths {
			b := fixtures(t)[path]
			out := tc.new()
			assert.True(t, decodePlanned(bytes.TrimSpace(b), out), "%s: %T fell back to encoding/json", path, out)
		}
	}
}

func TestPlanDecoderPlans(t *testing.T) {
	t.Parallel()
	for _, typ := range []reflect.Type{reflect.TypeFor[Item](), reflect.TypeFor[Account](), reflect.TypeFor[Investment](),
		reflect.TypeFor[Page[Investment]](), reflect.TypeFor[PaymentIntent](), reflect.TypeFor[PaymentCustomer](),
		reflect.TypeFor[PaymentRecipient](), reflect.TypeFor[PaymentRequest](), reflect.TypeFor[planProbe](), reflect.TypeFor[planTree](),
		reflect.TypeFor[planRaw]()} { // json.RawMessage is a json.Unmarshaler: handed its token
		assert.NotNil(t, planOf(typ), "%s has no plan", typ)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[planEmbedded](), reflect.TypeFor[planStringOpt](),
		reflect.TypeFor[planOddName](), reflect.TypeFor[planTwice](), reflect.TypeFor[planNumber](), reflect.TypeFor[planTextOnly]()} {
		assert.Nil(t, planOf(typ), "%s must be left to encoding/json", typ)
	}
	var m map[string]any
	assert.False(t, decodePlanned([]byte(`{"a":1}`), &m), "a map answer goes to encoding/json directly")
}

var planCases = []string{
	`{}`, `null`, `[]`, `{"s":null,"p":null,"n":null,"b":null,"d":null,"t":null,"sl":null,"ss":null,"m":null,"a":null,"in":null,"pin":null}`,
	`{"s":"x","p":"y","n":-7,"pn":12,"i8":127,"i64":-9223372036854775808,"u16":65535,"f":1.5e300,"f32":3.25,"pf":-0.0,"b":true,"pb":false}`,
	`{"i8":128}`, `{"i8":-129}`, `{"u16":65536}`, `{"u16":-1}`, `{"n":1.0}`, `{"n":1e2}`, `{"n":"1"}`, `{"n":true}`,
	`{"i64":9223372036854775808}`, `{"f":1e400}`, `{"f32":1e39}`, `{"f":"1"}`, `{"b":"true"}`, `{"b":1}`, `{"pb":null}`,
	`{"d":12.30,"pd":"-4.5","t":"2026-11-01T00:00:00-03:00","pt":"2026-11-01T12:00:00.123Z"}`,
	`{"d":1e5}`, `{"d":"abc"}`, `{"pd":true}`, `{"t":"2026-11-01"}`, `{"t":5}`, `{"pt":null}`,
	`{"day":"2026-11-30","pday":"2026-11-30T00:00:00.000Z"}`, `{"day":null,"pday":null}`, `{"day":"30/11/2026"}`,
	`{"e":"BANK","pe":"SOMETHING_NEW"}`, `{"e":5}`,
	`{"m":{"a":[1,{"b":null}],"c":"d"},"a":[true,2,"x"],"arr":[1,2,3]}`, `{"m":[]}`, `{"arr":[1]}`,
	`{"sl":[],"ss":[],"sp":[]}`, `{"sl":["a","b","c","d","e","f","g","h","i"],"ss":[{"name":"x","tags":["t"]},null,{"value":1}],"sp":[null,{"name":"y"}]}`,
	`{"sl":[null,"a"]}`, `{"sl":[1]}`, `{"sl":{}}`, `{"ss":[{"name":"x"},]}`, `{"ss":[{"name":"x"} {"name":"y"}]}`,
	`{"in":{"name":"i","tags":null},"pin":{"name":"p"}}`, `{"in":"x"}`, `{"pin":[]}`,
	`{"custom":{"level":"x"}}`, `{"custom":null}`, `{"custom":"x"}`,
	`{"NoTag":"a","notag":"b"}`, `{"notag":"b"}`, `{"Skip":"no","-":"x","hidden":"h"}`,
	`{"S":"case"}`, `{"s":"a","s":"b"}`, `{"ſ":"x"}`, `{"\u0073":"escaped key"}`,
	`{"s":"a\u00e9\n\"b\ud83d\ude00"}`, "{\"s\":\"a\xffb\"}", "{\"s\":\"a\x01b\"}", `{"s":"Pão de Açúcar"}`,
	`{"unknown":{"deep":[1,2,{"x":null}]},"s":"after"}`, `{"unknown":[1,2,]}`, `{"s":"x"} trailing`, `{"s":"x"`,
	`{"name":"root","kids":[{"name":"a","kids":[{"name":"b"}]},{"name":"c","next":{"name":"d"}}]}`,
	`[{"name":"x","tags":["a"],"value":"1.5"},{"name":"y"}]`, `[null]`, `[1]`,
	`{"x":"e","name":"promoted"}`, `{"n":"12"}`, `{"r":{"any":[1]}}`, `{"x.y":"odd"}`, `{"A":"twice"}`, `{"n":12.5}`, `{"n":"12.5"}`, `{"n":"abc"}`, `{"t":"x"}`, `{"a":"twice"}`,
}

func TestPlanDecoderCases(t *testing.T) {
	t.Parallel()
	for i, c := range planCases {
		for _, dec := range planDecoders {
			dec(t, fmt.Sprint("case ", i), []byte(c))
		}
	}
}

// TestPlanDecoderDeepNesting: a self-holding type nested far deeper than
// any answer is bounded (the plan hands it to encoding/json, whose own
// limit answers), and nothing overflows the stack.
func TestPlanDecoderDeepNesting(t *testing.T) {
	t.Parallel()
	for _, depth := range []int{999, 1001, 20000} {
		b := strings.Repeat(`{"next":`, depth) + `{"name":"leaf"}` + strings.Repeat(`}`, depth)
		decodeEqual[planTree](t, fmt.Sprint("depth ", depth), []byte(b))
		b = strings.Repeat(`{"kids":[`, depth) + `{"name":"leaf"}` + strings.Repeat(`]}`, depth)
		decodeEqual[planTree](t, fmt.Sprint("kids depth ", depth), []byte(b))
	}
}

// TestPlanDecoderDifferential mutates the fixtures of the hot types and
// requires encoding/json's result and error for every mutant, in every
// answer type.
func TestPlanDecoderDifferential(t *testing.T) {
	t.Parallel()
	var seeds [][]byte
	for name, b := range fixtures(t) {
		for _, dir := range []string{"items-", "accounts-", "investment", "payment-", "connectors-list", "consent"} {
			if strings.Contains(name, dir) {
				seeds = append(seeds, b)
				break
			}
		}
	}
	for _, c := range planCases {
		seeds = append(seeds, []byte(c))
	}
	rng := rand.New(rand.NewPCG(14, 11))
	n := 1500
	if testing.Short() {
		n = 150
	}
	for i := 0; i < n; i++ {
		b := mutate(rng, append([]byte(nil), seeds[rng.IntN(len(seeds))]...))
		name := fmt.Sprint("mutant ", i)
		for _, dec := range planDecoders {
			dec(t, name, b)
		}
		if t.Failed() {
			return
		}
	}
}

func FuzzPlanDecoder(f *testing.F) {
	for _, c := range planCases {
		f.Add([]byte(c))
	}
	for _, dir := range []string{"items-retrieve", "accounts-list", "investments-list", "payment-intent-retrieve"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", dir, "200*.json"))
		for _, p := range paths {
			if b, err := readFixture(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeEqual[planProbe](t, "fuzz", b)
		decodeEqual[planTree](t, "fuzz", b)
		decodeEqual[Item](t, "fuzz", b)
		decodeEqual[Page[Account]](t, "fuzz", b)
		decodeEqual[Investment](t, "fuzz", b)
		decodeEqual[PaymentIntent](t, "fuzz", b)
	})
}

func TestPlanDecoderAllocations(t *testing.T) {
	b, err := readFixture(filepath.Join("testdata", "items-retrieve", "200.json"))
	require.NoError(t, err)
	b = bytes.TrimSpace(b)
	std := testing.AllocsPerRun(50, func() {
		var it Item
		if err := json.Unmarshal(b, &it); err != nil {
			t.Fatal(err)
		}
	})
	fast := testing.AllocsPerRun(50, func() {
		var it Item
		if !decodePlanned(b, &it) {
			t.Fatal("fell back")
		}
	})
	t.Logf("Item: %.0f allocations, encoding/json %.0f", fast, std)
	assert.Less(t, fast, std/2)
}
