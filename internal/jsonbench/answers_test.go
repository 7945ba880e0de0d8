package jsonbench

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	goccy "github.com/goccy/go-json"

	"github.com/pluggy-go/pluggy"
)

// answer is one recorded answer of a hot read operation other than
// transactions, with the type the client decodes it into.
type answer struct {
	name, path, route string
	args              []string
	new               func() any
}

var answers = []answer{
	{"Item", "items-retrieve/200.json", "GET /items/{id}", []string{"x"}, func() any { return new(pluggy.Item) }},
	{"AccountPage", "accounts-list/200.json", "GET /accounts", nil, func() any { return new(pluggy.Page[pluggy.Account]) }},
	{"InvestmentPage", "investments-list/200-page1.json", "GET /investments", nil, func() any { return new(pluggy.Page[pluggy.Investment]) }},
	{"PaymentIntent", "payment-intent-retrieve/200-pix.json", "GET /payments/intents/{id}", []string{"x"}, func() any { return new(pluggy.PaymentIntent) }},
	{"PaymentRequest", "payment-request-retrieve/200.json", "GET /payments/requests/{id}", []string{"x"}, func() any { return new(pluggy.PaymentRequest) }},
}

func readAnswer(tb testing.TB, a answer) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", a.path))
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

// answerDecoders are the candidates, each decoding into the client's own
// types (whose custom UnmarshalJSON methods the candidates call as they
// would in a user's program).
var answerDecoders = []struct {
	name   string
	decode func([]byte, any) error
}{
	{"encoding-json", json.Unmarshal},
	{"go-json-experiment", func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }},
	{"go-json-experiment-v1-semantics", func(b []byte, v any) error { return jsonv2.Unmarshal(b, v, jsonv1Options...) }},
	{"goccy-go-json", goccy.Unmarshal},
}

// BenchmarkDecodeAnswers measures the candidates on the hot answers beside
// the client's decoder (the plan decoder), as a user gets it: a whole call
// through the pipeline with the answer served from memory
// ("pluggy-pipeline"), and the same call into a json.RawMessage
// ("pipeline-undecoded", the pipeline's own cost): the client's decoding
// costs the difference.
func BenchmarkDecodeAnswers(b *testing.B) {
	for _, a := range answers {
		raw := readAnswer(b, a)
		b.Run(a.name, func(b *testing.B) {
			for _, d := range answerDecoders {
				b.Run(d.name, func(b *testing.B) {
					b.SetBytes(int64(len(raw)))
					b.ReportAllocs()
					for i := 0; i < b.N; i++ {
						if err := d.decode(raw, a.new()); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			c, err := pluggy.NewClient("", "", pluggy.WithAPIKey("k"), pluggy.WithBaseURL("http://pluggy.invalid"),
				pluggy.WithHTTPClient(&http.Client{Transport: memTransport{raw}}), pluggy.WithLimiter(pluggy.NoLimit))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.Run("pluggy-pipeline", func(b *testing.B) {
				b.SetBytes(int64(len(raw)))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := c.Do(ctx, a.route, a.args, nil, nil, a.new()); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("pipeline-undecoded", func(b *testing.B) {
				b.SetBytes(int64(len(raw)))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					var m json.RawMessage
					if err := c.Do(ctx, a.route, a.args, nil, nil, &m); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// TestAnswerDecodersAgree logs where the candidates decode the hot answers
// differently from encoding/json, and requires the client to agree.
func TestAnswerDecodersAgree(t *testing.T) {
	for _, a := range answers {
		raw := readAnswer(t, a)
		want := a.new()
		if err := json.Unmarshal(raw, want); err != nil {
			t.Fatal(err)
		}
		for _, d := range answerDecoders[1:] {
			got := a.new()
			if err := d.decode(raw, got); err != nil || !reflect.DeepEqual(got, want) {
				t.Logf("%s: %s differs from encoding/json (err %v)", a.name, d.name, err)
			}
		}
		c, err := pluggy.NewClient("", "", pluggy.WithAPIKey("k"), pluggy.WithBaseURL("http://pluggy.invalid"),
			pluggy.WithHTTPClient(&http.Client{Transport: memTransport{raw}}), pluggy.WithLimiter(pluggy.NoLimit))
		if err != nil {
			t.Fatal(err)
		}
		got := a.new()
		if err := c.Do(context.Background(), a.route, a.args, nil, nil, got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the client decodes differently from encoding/json (err %v)", a.name, err)
		}
	}
}
