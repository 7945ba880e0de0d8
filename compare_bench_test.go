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
	b.ReportAllocs()
	b.ResetTimer()
	var ms runtime.MemStats
	r := compareRun(b.N, time.Now, func() uint64 {
		runtime.ReadMemStats(&ms)
		return ms.Mallocs
	}, baseline, sdk)
	b.StopTimer()
	ops := float64(b.N) * float64(perOp)
	b.ReportMetric(float64(r.baseTime.Nanoseconds())/ops, "base-ns/"+units)
	b.ReportMetric(float64(r.sdkTime.Nanoseconds())/ops, "sdk-ns/"+units)
	b.ReportMetric(float64(r.sdkTime)/float64(r.baseTime), "ratio-ns")
	b.ReportMetric(float64(r.baseAllocs)/ops, "base-allocs/"+units)
	b.ReportMetric(float64(r.sdkAllocs)/ops, "sdk-allocs/"+units)
	if r.baseAllocs > 0 {
		b.ReportMetric(float64(r.sdkAllocs)/float64(r.baseAllocs), "ratio-allocs")
	}
}

// compareResult is what compareRun measured of each side.
type compareResult struct {
	baseTime, sdkTime     time.Duration
	baseAllocs, sdkAllocs uint64
}

// compareBlock is how many calls of one side run in a row.
const compareBlock = 8

// compareRun calls baseline and sdk n times each, in blocks of
// compareBlock, the side that goes first alternating from block to block
// (so that neither always runs right after the other, or on a cold
// cache), and times each block alone: the allocation count (mallocs, which
// stops the world) is read outside both sides' clocks.
func compareRun(n int, now func() time.Time, mallocs func() uint64, baseline, sdk func()) compareResult {
	var r compareResult
	side := func(f func(), k int, t *time.Duration, a *uint64) {
		m0 := mallocs()
		t0 := now()
		for i := 0; i < k; i++ {
			f()
		}
		*t += now().Sub(t0)
		*a += mallocs() - m0
	}
	for done, block := 0, 0; done < n; done, block = done+compareBlock, block+1 {
		k := min(compareBlock, n-done)
		if block%2 == 0 {
			side(baseline, k, &r.baseTime, &r.baseAllocs)
			side(sdk, k, &r.sdkTime, &r.sdkAllocs)
		} else {
			side(sdk, k, &r.sdkTime, &r.sdkAllocs)
			side(baseline, k, &r.baseTime, &r.baseAllocs)
		}
	}
	return r
}

// TestCompareRunCharges checks the harness on a fake clock: each side is
// charged for its own calls only, not for reading the allocation count (a
// stop of the world, which the first harness charged to the SDK's side:
// the same function on both sides came out 1.13-1.18x), and both sides
// make as many calls.
func TestCompareRunCharges(t *testing.T) {
	t.Parallel()
	var clock time.Time
	now := func() time.Time { return clock }
	mallocs := func() uint64 {
		clock = clock.Add(time.Millisecond) // a costly read
		return 0
	}
	var nb, ns int
	work := func(calls *int) func() {
		return func() {
			*calls++
			clock = clock.Add(time.Microsecond)
		}
	}
	for _, n := range []int{1, 7, 8, 9, 100} {
		nb, ns = 0, 0
		r := compareRun(n, now, mallocs, work(&nb), work(&ns))
		if nb != n || ns != n {
			t.Fatalf("n=%d: %d baseline and %d sdk calls", n, nb, ns)
		}
		want := time.Duration(n) * time.Microsecond
		if r.baseTime != want || r.sdkTime != want {
			t.Errorf("n=%d: baseline charged %v, sdk %v, want %v each", n, r.baseTime, r.sdkTime, want)
		}
	}
}
