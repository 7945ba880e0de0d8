// Package jsonbench measures JSON decoders side by side on pages of
// GET /v2/transactions and on the other hot answers (answers_test.go), to
// choose the client's decoder with figures:
// encoding/json, github.com/go-json-experiment/json (the prototype of
// encoding/json/v2), github.com/goccy/go-json, and the client's own
// decoders, hand-written for transactions, plan-driven for the rest (through the client's pipeline, on an in-memory
// transport). It is a module of its own so that the candidates never become
// dependencies of the client. Run it with `make bench-decoders`; with
// GOEXPERIMENT=jsonv2 it also measures Go 1.26's encoding/json/v2.
package jsonbench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	goccy "github.com/goccy/go-json"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// page returns one raw 500-transaction page of GET /v2/transactions as
// pluggytest writes it (Pluggy's shapes: merchants, payment data, card
// metadata, decimals, millisecond UTC times).
func page(tb testing.TB) []byte {
	tb.Helper()
	srv := pluggytest.NewServer(pluggytest.WithoutRateLimit(), pluggytest.WithTransactionsPerAccount(2000), pluggytest.WithSeed(14))
	defer srv.Close()
	itemID, err := srv.AddConnectedItem(201)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := srv.Client(pluggy.WithLimiter(pluggy.NoLimit))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	accounts, err := c.Accounts.List(ctx, itemID, &pluggy.AccountListParams{Type: pluggy.AccountTypeBank})
	if err != nil || len(accounts.Results) == 0 {
		tb.Fatal(err)
	}
	var raw json.RawMessage
	if err := c.Do(ctx, "GET /v2/transactions", nil, url.Values{"accountId": {accounts.Results[0].ID}}, nil, &raw); err != nil {
		tb.Fatal(err)
	}
	return raw
}

type decoder struct {
	name   string
	decode func([]byte, *pluggy.CursorPage[pluggy.Transaction]) error
}

var decoders = []decoder{
	{"encoding-json", func(b []byte, p *pluggy.CursorPage[pluggy.Transaction]) error { return json.Unmarshal(b, p) }},
	{"go-json-experiment", func(b []byte, p *pluggy.CursorPage[pluggy.Transaction]) error { return jsonv2.Unmarshal(b, p) }},
	{"go-json-experiment-v1-semantics", func(b []byte, p *pluggy.CursorPage[pluggy.Transaction]) error {
		return jsonv2.Unmarshal(b, p, jsonv1Options...)
	}},
	{"goccy-go-json", func(b []byte, p *pluggy.CursorPage[pluggy.Transaction]) error { return goccy.Unmarshal(b, p) }},
}

// memTransport answers every request with the same page, from memory.
type memTransport struct{ body []byte }

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		ContentLength: int64(len(m.body)), Body: io.NopCloser(bytes.NewReader(m.body)), Request: r}, nil
}

func BenchmarkDecodeTransactionsPage(b *testing.B) {
	raw := page(b)
	var want pluggy.CursorPage[pluggy.Transaction]
	if err := json.Unmarshal(raw, &want); err != nil || len(want.Results) == 0 {
		b.Fatal(err)
	}
	n := len(want.Results)
	report := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/tx")
	}
	for _, d := range decoders {
		b.Run(d.name, func(b *testing.B) {
			var check pluggy.CursorPage[pluggy.Transaction]
			if err := d.decode(raw, &check); err != nil || len(check.Results) != n || check.Results[n-1].Amount != want.Results[n-1].Amount {
				b.Fatalf("%s: %v", d.name, err)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var p pluggy.CursorPage[pluggy.Transaction]
				if err := d.decode(raw, &p); err != nil {
					b.Fatal(err)
				}
			}
			report(b)
			b.ReportMetric(float64(testing.AllocsPerRun(3, func() {
				var p pluggy.CursorPage[pluggy.Transaction]
				_ = d.decode(raw, &p)
			}))/float64(n), "allocs/tx")
		})
	}
	b.Run("pluggy-pipeline", func(b *testing.B) {
		// The client's decoder as a user gets it: a whole ListNext through
		// the pipeline, the page served from memory.
		c, err := pluggy.NewClient("", "", pluggy.WithAPIKey("k"), pluggy.WithBaseURL("http://pluggy.invalid"),
			pluggy.WithHTTPClient(&http.Client{Transport: memTransport{raw}}), pluggy.WithLimiter(pluggy.NoLimit))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		p, err := c.Transactions.ListNext(ctx, "?accountId=x&after=y")
		if err != nil || len(p.Results) != n || p.Results[n-1].Amount != want.Results[n-1].Amount {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := c.Transactions.ListNext(ctx, "?accountId=x&after=y"); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
		b.ReportMetric(float64(testing.AllocsPerRun(3, func() { _, _ = c.Transactions.ListNext(ctx, "?accountId=x&after=y") }))/float64(n), "allocs/tx")
	})
}

// TestDecodersAgree requires every candidate to decode the page as
// encoding/json does (or their figures would not compare the same work),
// and logs where they differ from it on the semantics the client keeps
// (it does not choose).
func TestDecodersAgree(t *testing.T) {
	raw := page(t)
	var want pluggy.CursorPage[pluggy.Transaction]
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	for _, d := range decoders {
		var got pluggy.CursorPage[pluggy.Transaction]
		if err := d.decode(raw, &got); err != nil {
			t.Errorf("%s: %v", d.name, err)
			continue
		}
		if gotJSON, _ := json.Marshal(got); !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("%s decodes the page differently from encoding/json", d.name)
		}
	}
	for _, c := range []string{`{"results":[{"ID":"a"}]}`, `{"results":[{"id":"a","id":"b"}]}`, "{\"results\":[{\"id\":\"\xff\"}]}"} {
		var std pluggy.CursorPage[pluggy.Transaction]
		errStd := json.Unmarshal([]byte(c), &std)
		for _, d := range decoders[1:] {
			var got pluggy.CursorPage[pluggy.Transaction]
			err := d.decode([]byte(c), &got)
			a, _ := json.Marshal(got)
			s, _ := json.Marshal(std)
			if (err == nil) != (errStd == nil) || !bytes.Equal(a, s) {
				t.Logf("%s differs from encoding/json on %q: err %v", d.name, c, err)
			}
		}
	}
}
