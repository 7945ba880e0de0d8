package pluggy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkDecodeTransactionsPage decodes one 500-transaction page of
// GET /v2/transactions with encoding/json (the baseline) and with the
// client's decoder, side by side; figures per transaction.
func BenchmarkDecodeTransactionsPage(b *testing.B) {
	page := benchPage(b)
	b.SetBytes(int64(len(page)))
	compareBench(b, "tx", benchPageSize, func() {
		var p CursorPage[Transaction]
		if err := json.Unmarshal(page, &p); err != nil || len(p.Results) != benchPageSize {
			b.Fatal(err)
		}
	}, func() {
		var p CursorPage[Transaction]
		if err := decodeFast(page, &p); err != nil || len(p.Results) != benchPageSize {
			b.Fatal(err)
		}
	})
}

// BenchmarkGetVsPlain is one GET through the client's whole pipeline (route
// expansion, key, limiter, retrying transport, error check, decode) beside
// the same GET by hand with net/http and encoding/json, against the same
// local server and payload. The key is given (WithAPIKey), so that no
// POST /auth and no recorded key's expiry date enters the figures.
func BenchmarkGetVsPlain(b *testing.B) {
	srv, _ := benchServer(b)
	ctx := context.Background()
	const id = "6c1d3f5e-8a2b-4c7d-9e0f-1a2b3c4d5e6f"
	hc := benchHTTPClient()
	plain := func() { plainGet(b, ctx, hc, srv.URL+"/items/"+id) }
	for _, tc := range pipelineCases("") {
		b.Run(tc.name, func(b *testing.B) {
			c, err := NewClient("", "", WithAPIKey("bench-api-key"), WithBaseURL(srv.URL),
				WithHTTPClient(benchHTTPClient()), WithLimiter(tc.limiter))
			if err != nil {
				b.Fatal(err)
			}
			compareBench(b, "op", 1, plain, func() {
				var out benchItem
				if err := c.call(ctx, "GET /items/{id}", []string{id}, nil, nil, &out); err != nil || out.ID == "" {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkSweepVsPlain sweeps an account with Transactions.All (NoLimit)
// beside a plain sequential loop of net/http + encoding/json into
// {id, amount}, against the same server answering 500-transaction cursor
// pages; figures per transaction (the server's own allocations, in the
// same process, are in both sides' counts).
func BenchmarkSweepVsPlain(b *testing.B) {
	for _, total := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("N=%d", total), func(b *testing.B) {
			const accountID = "3f9b6c2a-1d4e-4f8a-9b7c-2e5d8a1f6c30"
			srv, c := sweepBench(b, accountID, total)
			ctx := context.Background()
			hc := srv.Client()
			plain := func() {
				type page struct {
					Results []struct {
						ID     string      `json:"id"`
						Amount json.Number `json:"amount"`
					} `json:"results"`
					Next *string `json:"next"`
				}
				n, query := 0, "accountId="+accountID
				for {
					req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v2/transactions?"+query, nil)
					req.Header.Set("X-API-KEY", "bench-api-key")
					resp, err := hc.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					raw, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					var p page
					if err != nil || json.Unmarshal(raw, &p) != nil {
						b.Fatal(err)
					}
					for _, r := range p.Results {
						if r.ID == "" || r.Amount == "" {
							b.Fatal("no id or amount")
						}
						n++
					}
					if p.Next == nil {
						break
					}
					query = strings.TrimPrefix(*p.Next, "?")
				}
				if n != total {
					b.Fatalf("plain swept %d, want %d", n, total)
				}
			}
			sdk := func() {
				n := 0
				for tx, err := range c.Transactions.All(ctx, accountID, nil) {
					if err != nil {
						b.Fatal(err)
					}
					if tx.ID == "" || tx.Amount.IsZero() {
						b.Fatal("no id or amount")
					}
					n++
				}
				if n != total {
					b.Fatalf("sdk swept %d, want %d", n, total)
				}
			}
			compareBench(b, "tx", total, plain, sdk)
		})
	}
}

// BenchmarkDecodeAnswers decodes the recorded answers of the hot read
// operations other than transactions with encoding/json (the baseline) and
// with the client's decoder (the plan decoder), side by side.
func BenchmarkDecodeAnswers(b *testing.B) {
	for _, tc := range []struct {
		name, path string
		new        func() any
	}{
		{"Item", "items-retrieve/200.json", func() any { return new(Item) }},
		{"AccountPage", "accounts-list/200.json", func() any { return new(Page[Account]) }},
		{"InvestmentPage", "investments-list/200-page1.json", func() any { return new(Page[Investment]) }},
		{"PaymentIntent", "payment-intent-retrieve/200-pix.json", func() any { return new(PaymentIntent) }},
		{"PaymentRequest", "payment-request-retrieve/200.json", func() any { return new(PaymentRequest) }},
		{"ConnectorPage", "connectors-list/200.json", func() any { return new(Page[Connector]) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			raw, err := readFixture("testdata/" + tc.path)
			if err != nil {
				b.Fatal(err)
			}
			raw = bytes.TrimSpace(raw)
			b.SetBytes(int64(len(raw)))
			compareBench(b, "op", 1, func() {
				if err := json.Unmarshal(raw, tc.new()); err != nil {
					b.Fatal(err)
				}
			}, func() {
				if err := decodeFast(raw, tc.new()); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
