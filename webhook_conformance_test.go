package pluggy_test

import (
	"sync"
	"testing"
	"time"

	"github.com/pluggy-go/pluggy"
	"github.com/pluggy-go/pluggy/pluggytest"
)

// manualClock is a pluggy.Clock that moves only when told.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestMemoryDedupeStoreConformance(t *testing.T) {
	clk := &manualClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	pluggytest.TestDedupeStore(t, pluggytest.DedupeStoreHarness{
		New:     func(*testing.T) pluggy.DedupeStore { return pluggy.NewMemoryDedupeStore(time.Hour, 0, clk) },
		Advance: clk.Advance,
	})
}

func TestMemoryDedupeStoreConformanceRealTime(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out real leases")
	}
	pluggytest.TestDedupeStore(t, pluggytest.DedupeStoreHarness{
		New: func(*testing.T) pluggy.DedupeStore { return pluggy.NewMemoryDedupeStore(time.Hour, 0, nil) },
	})
}

func TestMemoryQueueConformance(t *testing.T) {
	clk := &manualClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	pluggytest.TestQueue(t, pluggytest.QueueHarness{
		New: func(_ *testing.T, visibility time.Duration) pluggy.Queue {
			return pluggy.NewMemoryQueue(1024, visibility, clk)
		},
		Advance: clk.Advance,
	})
}

func TestMemoryQueueConformanceRealTime(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out real visibility timeouts")
	}
	pluggytest.TestQueue(t, pluggytest.QueueHarness{
		New: func(_ *testing.T, visibility time.Duration) pluggy.Queue {
			return pluggy.NewMemoryQueue(1024, visibility, nil)
		},
	})
}
