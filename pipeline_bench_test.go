package pluggy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// benchItem is the shape decoded by both sides of BenchmarkGet.
type benchItem struct {
	ID              string     `json:"id"`
	Status          string     `json:"status"`
	ExecutionStatus string     `json:"executionStatus"`
	CreatedAt       time.Time  `json:"createdAt"`
	UpdatedAt       time.Time  `json:"updatedAt"`
	LastUpdatedAt   *time.Time `json:"lastUpdatedAt"`
	ClientUserID    *string    `json:"clientUserId"`
	Connector       struct {
		ID       int    `json:"id"`
		Name     string `json:"name"`
		Type     string `json:"type"`
		Country  string `json:"country"`
		ImageURL string `json:"imageUrl"`
	} `json:"connector"`
	Products []string `json:"products"`
}

var benchPayload = []byte(`{"id":"6c1d3f5e-8a2b-4c7d-9e0f-1a2b3c4d5e6f","status":"UPDATED","executionStatus":"SUCCESS",` +
	`"createdAt":"2026-11-20T14:03:11.512Z","updatedAt":"2026-11-23T09:41:27.089Z","lastUpdatedAt":"2026-11-23T09:41:27.089Z",` +
	`"clientUserId":"user-42","connector":{"id":201,"name":"Itaú","type":"PERSONAL_BANK","country":"BR",` +
	`"imageUrl":"https://cdn.pluggy.ai/assets/connector-icons/201.svg"},` +
	`"products":["ACCOUNTS","TRANSACTIONS","CREDIT_CARDS","IDENTITY","INVESTMENTS","LOANS"]}`)

// benchServer answers GET with benchPayload and POST /auth with a 2-hour
// key minted at the moment of the request, by the same (system) clock the
// benchmark's clients use: a recorded key would expire on a fixed date,
// after which every operation would log in again. logins counts the POST
// /auth requests.
func benchServer(b *testing.B) (*httptest.Server, *atomic.Int32) {
	var logins atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/auth" {
			n := int(logins.Add(1))
			now := time.Now()
			json.NewEncoder(w).Encode(map[string]string{"apiKey": jwtKey(n, now, now.Add(2*time.Hour))})
			return
		}
		w.Write(benchPayload)
	}))
	b.Cleanup(srv.Close)
	return srv, &logins
}

// benchHTTPClient is the HTTP client both sides of the GET benchmarks use.
func benchHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
}

// plainGet is one GET of url by hand with net/http and encoding/json into
// a benchItem, the baseline of the GET benchmarks.
func plainGet(b *testing.B, ctx context.Context, hc *http.Client, url string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("X-API-KEY", "key")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var out benchItem
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil || out.ID == "" {
		b.Fatal(err)
	}
}

// pipelineCases are the limiters the GET benchmarks run the pipeline with,
// named prefix+"pipeline" and prefix+"pipeline+limiter".
func pipelineCases(prefix string) []struct {
	name    string
	limiter Limiter
} {
	return []struct {
		name    string
		limiter Limiter
	}{
		{prefix + "pipeline", NoLimit},
		// A limiter whose buckets never run dry shows the cost of the
		// per-attempt token bookkeeping itself.
		{prefix + "pipeline+limiter", NewRouteLimiter(time.Second, nil, 1<<30)},
	}
}

// BenchmarkGet compares one GET through the client's whole pipeline (route
// expansion, cached key, limiter, retrying transport, error check, decode)
// with the same GET done by hand with net/http and encoding/json, against
// the same local server and payload.
func BenchmarkGet(b *testing.B) {
	srv, logins := benchServer(b)
	ctx := context.Background()

	b.Run("plain-net-http", func(b *testing.B) {
		hc := benchHTTPClient()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			plainGet(b, ctx, hc, srv.URL+"/items/6c1d3f5e-8a2b-4c7d-9e0f-1a2b3c4d5e6f")
		}
	})

	for _, tc := range pipelineCases("pluggy-") {
		b.Run(tc.name, func(b *testing.B) {
			logins.Store(0)
			c, err := NewClient("id", "secret", WithBaseURL(srv.URL), WithHTTPClient(benchHTTPClient()), WithLimiter(tc.limiter))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var out benchItem
				if err := c.call(ctx, "GET /items/{id}", []string{"6c1d3f5e-8a2b-4c7d-9e0f-1a2b3c4d5e6f"}, nil, nil, &out); err != nil || out.ID == "" {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if n := logins.Load(); n > 1 {
				b.Fatalf("%d POST /auth for one client: the key did not stay valid, the benchmark measures logins", n)
			}
		})
	}
}
