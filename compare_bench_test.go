package pluggy

import (
	"runtime"
	"testing"
	"time"
)

// compareBench runs a baseline and the SDK's way of doing the same work in
// one benchmark, in alternating blocks so that both see the same machine
// (a noisy shared one drifts), and reports each side's time and
// allocations per op and the ratios sdk/baseline. units names what one op
// is ("op", "tx"); perOp is how many of them one call does.
func compareBench(b *testing.B, units string, perOp int, baseline, sdk func()) {
	b.Helper()
	baseline() // warm connections, pools and caches
	sdk()
	const block = 8
	var tb, ts time.Duration
	var ab, as uint64
	var ms runtime.MemStats
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += block {
		n := min(block, b.N-done)
		runtime.ReadMemStats(&ms)
		m0 := ms.Mallocs
		t0 := time.Now()
		for i := 0; i < n; i++ {
			baseline()
		}
		t1 := time.Now()
		runtime.ReadMemStats(&ms)
		m1 := ms.Mallocs
		for i := 0; i < n; i++ {
			sdk()
		}
		t2 := time.Now()
		runtime.ReadMemStats(&ms)
		tb += t1.Sub(t0)
		ts += t2.Sub(t1)
		ab += m1 - m0
		as += ms.Mallocs - m1
	}
	b.StopTimer()
	ops := float64(b.N) * float64(perOp)
	b.ReportMetric(float64(tb.Nanoseconds())/ops, "base-ns/"+units)
	b.ReportMetric(float64(ts.Nanoseconds())/ops, "sdk-ns/"+units)
	b.ReportMetric(float64(ts)/float64(tb), "ratio-ns")
	b.ReportMetric(float64(ab)/ops, "base-allocs/"+units)
	b.ReportMetric(float64(as)/ops, "sdk-allocs/"+units)
	if ab > 0 {
		b.ReportMetric(float64(as)/float64(ab), "ratio-allocs")
	}
}
