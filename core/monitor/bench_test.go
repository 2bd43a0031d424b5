package monitor

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simclock"
)

// okChecker answers every check at once, without HTTP, so the benchmark
// measures the monitor's own cost.
type okChecker struct {
	now    func() time.Time
	checks atomic.Int64
}

func (c *okChecker) CheckProject(context.Context, string) hetzner.CheckResult {
	c.checks.Add(1)
	return hetzner.CheckResult{Status: hetzner.StatusOK, CheckedAt: c.now(), Requests: 1}
}

// BenchmarkMonitorHour200Projects drives 200 projects through one simulated
// hour per op, calling RunDue every simulated second as the agent's timer
// would at worst. ns/op and allocs/op are per simulated hour.
func BenchmarkMonitorHour200Projects(b *testing.B) {
	clock := simclock.New()
	checker := &okChecker{now: clock.Now}
	m := New(Config{Checker: checker, Now: clock.Now, Interval: time.Minute})
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprintf("p_%016x", i*7919)
	}
	m.SetProjects(ids)
	ctx := context.Background()
	cpuStart, cpuOK := cpuTime()
	b.ReportAllocs()
	hours := 0
	for b.Loop() {
		for range 3600 {
			clock.Advance(time.Second)
			m.RunDue(ctx, clock.Now())
		}
		hours++
	}
	if cpuEnd, ok := cpuTime(); ok && cpuOK && hours > 0 {
		b.ReportMetric((cpuEnd-cpuStart).Seconds()/float64(hours), "cpu-s/simhour")
	}
	if hours > 0 {
		b.ReportMetric(float64(checker.checks.Load())/float64(hours), "checks/simhour")
	}
}
