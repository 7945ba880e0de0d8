package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func TestSpansAreNamedByRouteAndHooksFeedMetrics(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	tel, err := run(ctx, &out)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, s := range tel.Spans {
		names[s.Name]++
		for _, a := range s.Attributes {
			if tel.secret == "" || strings.Contains(a.Value.Emit(), tel.secret) {
				t.Errorf("span %s attribute %s carries %q", s.Name, a.Key, a.Value.Emit())
			}
		}
	}
	for _, want := range []string{"POST /auth", "POST /items", "GET /items/{id}", "POST /items/{id}/mfa", "GET /accounts"} {
		if names[want] == 0 {
			t.Errorf("no span named %q; got %v", want, names)
		}
	}
	for n := range names {
		if !strings.Contains(n, " /") || strings.Contains(n, "://") {
			t.Errorf("span %q is not named by a route literal", n)
		}
	}

	sums := map[string]int64{}
	for _, sm := range tel.Metrics.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					sums[m.Name] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					sums[m.Name] += int64(p.Count)
				}
			}
		}
	}
	total := 0
	for _, n := range names {
		total += n
	}
	if got := sums["pluggy.client.attempts"]; got != int64(total) {
		t.Errorf("pluggy.client.attempts = %d, want one per span (%d)", got, total)
	}
	if sums["pluggy.client.attempt.duration"] != int64(total) {
		t.Errorf("attempt.duration has %d points, want %d", sums["pluggy.client.attempt.duration"], total)
	}
	if sums["pluggy.client.limiter.wait"] < int64(total) {
		t.Errorf("limiter.wait has %d points, want at least %d", sums["pluggy.client.limiter.wait"], total)
	}
	if sums["pluggy.client.key.renewals"] != 1 {
		t.Errorf("key.renewals = %d, want 1", sums["pluggy.client.key.renewals"])
	}
	if !strings.Contains(out.String(), "GET /items/{id}") {
		t.Errorf("the report does not list the spans:\n%s", out.String())
	}
}
