package pluggy

import "time"

// ReserveAt books a send time on route at now, for the tests of package
// pluggy_test that drive the limiter on a fake clock (see reserve).
func (l *RouteLimiter) ReserveAt(route string, now time.Time) (time.Duration, func()) {
	return l.reserve(route, now)
}
