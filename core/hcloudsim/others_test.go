package hcloudsim_test

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
)

func TestOthersSpending(t *testing.T) {
	tests := []struct {
		name      string
		limit     int
		start     int
		perMinute float64
		advance   time.Duration
		want      float64
	}{
		// 300 requests against 600 refilled.
		{"30/min for 10 min below the cap", 3600, 1000, 30, 10 * time.Minute, 1300},
		// Each request, 2 s apart, is refilled before the next: a naive
		// "spend 300 at once" would say 3300.
		{"30/min at a full bucket", 3600, 3600, 30, 10 * time.Minute, 3599},
		// 120/min outspends 60/min of refill.
		{"120/min drains", 3600, 1000, 120, 10 * time.Minute, 400},
		{"nothing due yet", 3600, 1000, 30, time.Second, 1001},
		{"7200/h project", 7200, 1000, 60, time.Minute, 1060},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, hcloudsim.Options{})
			p := e.sim.AddProject("shared", tt.limit)
			p.SetRemaining(tt.start)
			e.sim.StartOthers(t.Context(), p, tt.perMinute)
			e.clock.Advance(tt.advance)
			if got := p.Remaining(); !near(got, tt.want) {
				t.Errorf("Remaining() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOthersSeenByRequests(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	e.prod.SetRemaining(100)
	e.sim.StartOthers(t.Context(), e.prod, 600) // 10 a second, refill 1 a second
	e.clock.Advance(5 * time.Second)
	r := e.do(t, http.MethodGet, "/servers", e.readTok, "")
	// 100 + 5 refilled - 50 others - 1 this request.
	if r.remaining != 54 {
		t.Errorf("RateLimit-Remaining = %d, want 54", r.remaining)
	}
	var others int
	for _, req := range e.sim.Requests() {
		if req.Source == hcloudsim.SourceOther && req.Project == "prod" {
			others++
		}
	}
	if others != 50 {
		t.Errorf("logged %d requests by others, want 50", others)
	}

	e.sim.StopOthers(e.prod)
	e.clock.Advance(10 * time.Second)
	if got := e.prod.Remaining(); !near(got, 64) {
		t.Errorf("after StopOthers Remaining() = %v, want 64 (refill only)", got)
	}
}

func TestOthersStopOnCancel(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	e.prod.SetRemaining(1000)
	ctx, cancel := context.WithCancel(t.Context())
	e.sim.StartOthers(ctx, e.prod, 60)
	e.clock.Advance(10 * time.Second) // 10 due
	cancel()
	// Cancellation is noticed asynchronously; wait until it settled.
	deadline := time.Now().Add(5 * time.Second)
	for e.othersCount() != 10 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	e.clock.Advance(time.Minute)
	if got := e.prod.Remaining(); !near(got, 1000+70-10) {
		t.Errorf("Remaining() = %v, want %d: spending must stop at cancellation", got, 1000+70-10)
	}
}

func TestSpend(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	e.prod.SetRemaining(5)
	e.prod.Spend(8)
	if got := e.prod.Remaining(); got != 0 {
		t.Errorf("Remaining() = %v, want 0", got)
	}
	var ok, refused int
	for _, r := range e.sim.Requests() {
		switch {
		case r.Source != hcloudsim.SourceOther:
		case r.Status == http.StatusOK:
			ok++
		case r.Status == http.StatusTooManyRequests:
			refused++
		}
	}
	if ok != 5 || refused != 3 {
		t.Errorf("logged %d served and %d refused, want 5 and 3", ok, refused)
	}
}

// othersCount counts other clients' requests in the log.
func (e *env) othersCount() int {
	n := 0
	for _, r := range e.sim.Requests() {
		if r.Source == hcloudsim.SourceOther {
			n++
		}
	}
	return n
}

// near compares bucket levels that went through many fractional refills.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
