// Command otel shows the client's two observability seams with
// OpenTelemetry:
//
//   - otelhttp wraps the client's transport (pluggy.WithHTTPClient), and its
//     span name formatter reads the route literal of each request from the
//     request's context (pluggy.RouteFromContext): spans are named
//     "GET /items/{id}", not by raw URL, so one operation is one series;
//   - pluggy.WithHooks feeds OpenTelemetry metrics: attempts by route and
//     status, attempt durations, retries by reason, limiter waits, 429
//     holds and key renewals, without parsing a log line.
//
// It runs against the built-in fake Pluggy API (pluggytest) and prints the
// spans and metrics it recorded in memory; in a service you would give the
// providers an OTLP exporter instead. It lives in a module of its own so
// that the pluggy module does not depend on OpenTelemetry:
//
//	cd examples/otel && go run .
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "otel:", err)
		os.Exit(1)
	}
}

// telemetry is what one run recorded.
type telemetry struct {
	Spans   tracetest.SpanStubs
	Metrics metricdata.ResourceMetrics
	// secret is the fake's client secret, for the test to look for.
	secret string
}

// spanName names a client span by the route of its call.
func spanName(_ string, r *http.Request) string {
	if route, ok := pluggy.RouteFromContext(r.Context()); ok {
		return route
	}
	return "HTTP " + r.Method
}

// metricHooks turns the client's hooks into OpenTelemetry instruments.
func metricHooks(meter metric.Meter) (pluggy.Hooks, error) {
	attempts, err := meter.Int64Counter("pluggy.client.attempts", metric.WithDescription("Requests sent, by route and status"))
	if err != nil {
		return pluggy.Hooks{}, err
	}
	duration, err := meter.Float64Histogram("pluggy.client.attempt.duration", metric.WithUnit("s"))
	if err != nil {
		return pluggy.Hooks{}, err
	}
	retries, err := meter.Int64Counter("pluggy.client.retries", metric.WithDescription("Retries, by route and reason"))
	if err != nil {
		return pluggy.Hooks{}, err
	}
	waits, err := meter.Float64Histogram("pluggy.client.limiter.wait", metric.WithUnit("s"))
	if err != nil {
		return pluggy.Hooks{}, err
	}
	holds, err := meter.Int64Counter("pluggy.client.rate_limit.holds")
	if err != nil {
		return pluggy.Hooks{}, err
	}
	renewals, err := meter.Int64Counter("pluggy.client.key.renewals", metric.WithDescription("POST /auth for a new API key, by outcome"))
	if err != nil {
		return pluggy.Hooks{}, err
	}
	bg := context.Background()
	return pluggy.Hooks{
		Attempt: func(e pluggy.AttemptEvent) {
			attrs := metric.WithAttributes(attribute.String("route", e.Route), attribute.Int("status", e.StatusCode))
			attempts.Add(bg, 1, attrs)
			duration.Record(bg, e.Duration.Seconds(), attrs)
		},
		Retry: func(e pluggy.RetryEvent) {
			retries.Add(bg, 1, metric.WithAttributes(attribute.String("route", e.Route), attribute.String("reason", e.Reason)))
		},
		LimiterWait: func(e pluggy.LimiterWaitEvent) {
			waits.Record(bg, e.Wait.Seconds(), metric.WithAttributes(attribute.String("route", e.Route), attribute.Bool("refused", e.Err != nil)))
		},
		RateLimitHold: func(e pluggy.RateLimitHoldEvent) {
			holds.Add(bg, 1, metric.WithAttributes(attribute.String("route", e.Route)))
		},
		KeyRenewal: func(e pluggy.KeyRenewalEvent) {
			renewals.Add(bg, 1, metric.WithAttributes(attribute.Bool("ok", e.Err == nil)))
		},
	}, nil
}

// run connects the sandbox bank's item on a fake API through an
// instrumented client, lists its accounts, and reports what was recorded.
func run(ctx context.Context, out io.Writer) (*telemetry, error) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(context.Background())
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())

	hooks, err := metricHooks(mp.Meter("github.com/pluggy-go/pluggy/examples/otel"))
	if err != nil {
		return nil, err
	}
	transport := otelhttp.NewTransport(http.DefaultTransport,
		otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(mp), otelhttp.WithSpanNameFormatter(spanName))

	srv := pluggytest.NewServer(pluggytest.WithStepDuration(10 * time.Millisecond))
	defer srv.Close()
	fmt.Fprintln(out, "otel: using the built-in fake Pluggy API at", srv.URL)
	client, err := srv.Client(pluggy.WithHTTPClient(&http.Client{Transport: transport}), pluggy.WithHooks(hooks))
	if err != nil {
		return nil, err
	}

	item, err := client.Items.Connect(ctx, &pluggy.CreateItemParams{
		ConnectorID: 0, Parameters: map[string]string{"user": "user-ok", "password": "password-ok"},
	}, &pluggy.ItemHandler{
		OnParameter: func(ctx context.Context, _ *pluggy.Item, p *pluggy.Parameter) (map[string]string, error) {
			return map[string]string{p.Name: pluggytest.SandboxToken}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	accounts, err := client.Accounts.List(ctx, item.ID, nil)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "otel: item %s is %s with %d accounts\n", item.ID, item.Status, len(accounts.Results))

	t := &telemetry{Spans: spans.GetSpans(), secret: srv.ClientSecret}
	if err := reader.Collect(ctx, &t.Metrics); err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, s := range t.Spans {
		counts[s.Name]++
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(out, "otel: spans by name:")
	for _, n := range names {
		fmt.Fprintf(out, "  %-28s %d\n", n, counts[n])
	}
	fmt.Fprintln(out, "otel: metrics:")
	for _, sm := range t.Metrics.ScopeMetrics {
		for _, m := range sm.Metrics {
			fmt.Fprintf(out, "  %s (%s)\n", m.Name, sm.Scope.Name)
		}
	}
	return t, nil
}
