package pluggy

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchPageSize is what GET /v2/transactions answers per page.
const benchPageSize = 500

// benchCursorPrefix and benchCursorSuffix wrap the offset in a cursor that,
// like Pluggy's base64 cursors, holds a '+', a '/' and '=' padding. The
// server reads it from the raw query, so a client that re-encoded the cursor
// would be answered 400 and fail the benchmark.
const (
	benchCursorPrefix = "MjAyNi0xMS0yMFQ+"
	benchCursorSuffix = "/fQ=="
)

// cursorPages serves an account of total transactions as GET /v2/transactions
// cursor pages of benchPageSize, each generated on the fly.
func cursorPages(accountID string, total int) http.Handler {
	pool := sync.Pool{New: func() any { b := make([]byte, 0, 512<<10); return &b }}
	base := time.Date(2026, 11, 20, 23, 59, 0, 0, time.UTC)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/transactions" || r.Header.Get("X-API-KEY") == "" {
			http.Error(w, `{"code":404,"message":"not found"}`, http.StatusNotFound)
			return
		}
		offset := 0
		for _, kv := range strings.Split(r.URL.RawQuery, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if k != "after" {
				continue
			}
			n, ok := strings.CutPrefix(v, benchCursorPrefix)
			n, ok2 := strings.CutSuffix(n, benchCursorSuffix)
			var err error
			if offset, err = strconv.Atoi(n); !ok || !ok2 || err != nil {
				http.Error(w, `{"code":400,"message":"invalid cursor"}`, http.StatusBadRequest)
				return
			}
		}
		bp := pool.Get().(*[]byte)
		b := (*bp)[:0]
		b = append(b, `{"results":[`...)
		end := min(offset+benchPageSize, total)
		for i := offset; i < end; i++ {
			if i > offset {
				b = append(b, ',')
			}
			b = appendBenchTransaction(b, accountID, i, base)
		}
		b = append(b, `],"next":`...)
		if end < total {
			b = append(b, `"?accountId=`...)
			b = append(b, accountID...)
			b = append(b, "&after="+benchCursorPrefix...)
			b = strconv.AppendInt(b, int64(end), 10)
			b = append(b, benchCursorSuffix+`"}`...)
		} else {
			b = append(b, "null}"...)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
		*bp = b
		pool.Put(bp)
	})
}

// appendBenchTransaction appends transaction number i: a card purchase with a
// merchant, a Pix with its payment data, or a plain debit, in turn.
func appendBenchTransaction(b []byte, accountID string, i int, base time.Time) []byte {
	at := base.Add(-time.Duration(i) * time.Minute)
	b = append(b, `{"id":"00000000-0000-4000-8000-`...)
	b = appendPadded(b, i, 12)
	b = append(b, `","description":"Compra no debito - Supermercado Pao de Acucar","descriptionRaw":"COMPRA CARTAO DEB PAO DE ACUCAR 1234","currencyCode":"BRL","amount":-`...)
	b = strconv.AppendInt(b, int64(1+i%4000), 10)
	b = append(b, '.')
	b = appendPadded(b, i%100, 2)
	b = append(b, `,"date":"`...)
	b = at.AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	b = append(b, `","type":"DEBIT","balance":`...)
	b = strconv.AppendInt(b, int64(50000-i%40000), 10)
	b = append(b, `.17,"status":"POSTED","category":"Groceries","categoryId":"11010000","accountId":"`...)
	b = append(b, accountID...)
	b = append(b, `","providerCode":"NSU`...)
	b = strconv.AppendInt(b, int64(880000+i), 10)
	b = append(b, '"')
	switch i % 3 {
	case 0:
		b = append(b, `,"merchant":{"name":"Pao de Acucar","businessName":"COMPANHIA BRASILEIRA DE DISTRIBUICAO","cnpj":"47508411000156","cnae":"4711302","category":"Groceries"},"creditCardMetadata":{"payeeMCC":"5411","cardNumber":"6127","billForecastDate":"2026-12"}`...)
	case 1:
		b = append(b, `,"paymentData":{"payer":{"documentNumber":{"type":"CPF","value":"***.456.789-**"},"name":"MARIANA ALVES FERREIRA","accountNumber":"45821-7","branchNumber":"0341","routingNumber":"341","routingNumberISPB":"60701190"},"receiver":{"documentNumber":{"type":"CPF","value":"***.318.447-**"},"name":"JOAO PEDRO SANTOS"},"paymentMethod":"PIX","referenceNumber":"E60701190202611`...)
		b = appendPadded(b, i, 10)
		b = append(b, `"},"operationType":"PIX"`...)
	}
	b = append(b, `,"createdAt":"`...)
	b = at.Add(37*time.Minute).AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	b = append(b, `","updatedAt":"`...)
	b = at.Add(37*time.Minute).AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	return append(b, `"}`...)
}

func appendPadded(b []byte, v, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// sweepBench starts a server answering total transactions of accountID in
// 500-transaction cursor pages, closed when b's run ends, and a client of
// it with a given key and NoLimit.
func sweepBench(b *testing.B, accountID string, total int) (*httptest.Server, *Client) {
	srv := httptest.NewServer(cursorPages(accountID, total))
	b.Cleanup(srv.Close)
	c, err := NewClient("", "", WithAPIKey("bench-api-key"), WithBaseURL(srv.URL),
		WithHTTPClient(srv.Client()), WithLimiter(NoLimit))
	if err != nil {
		b.Fatal(err)
	}
	return srv, c
}

// BenchmarkTransactionsAll sweeps an account through the v2 iterator over
// real HTTP (an httptest server answering 500-transaction cursor pages made
// on the fly) and reports the cost per transaction: ns/tx, B/tx and
// allocs/tx. The figures are per transaction so that N=10k and N=100k can be
// compared: they must not grow with N (memory stays one page deep). The
// allocation figures include the fake server's share (the same process);
// it writes from a pooled buffer to keep that share small.
func BenchmarkTransactionsAll(b *testing.B) {
	for _, total := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("N=%d", total), func(b *testing.B) {
			const accountID = "3f9b6c2a-1d4e-4f8a-9b7c-2e5d8a1f6c30"
			_, c := sweepBench(b, accountID, total)
			ctx := context.Background()
			sweep := func() {
				n := 0
				for tx, err := range c.Transactions.All(ctx, accountID, nil) {
					if err != nil {
						b.Fatal(err)
					}
					if tx.Amount.IsZero() || tx.ID == "" {
						b.Fatalf("transaction %d decoded without id or amount", n)
					}
					n++
				}
				if n != total {
					b.Fatalf("swept %d transactions, want %d", n, total)
				}
			}
			sweep() // warm the connection and the pools

			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sweep()
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			txs := float64(b.N) * float64(total)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/txs, "ns/tx")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/txs, "B/tx")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/txs, "allocs/tx")
		})
	}
}
