package ratelimit_test

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simclock"
)

// hour is one simulated hour of a project: the app checks once a minute at
// a random second of that minute (as the monitor's stagger, "check now" and
// restarts make it), and observe sees every second.
type hour struct {
	clock   *simclock.Clock
	project *hcloudsim.Project
	sim     *hcloudsim.Server
	client  *hetzner.Client
}

func newHour(t *testing.T, limit int) *hour {
	t.Helper()
	clock := simclock.New()
	sim := hcloudsim.New(hcloudsim.Options{Now: clock.Now, LogLimit: 100})
	t.Cleanup(sim.Close)
	p := sim.AddProject("prod", limit)
	secret := hcloudsim.TokenFor("prod")
	p.AddToken(secret, hcloudsim.Read)
	tok, err := token.Parse(secret)
	if err != nil {
		t.Fatal(err)
	}
	c := hetzner.NewClient(tok, hetzner.Config{Endpoint: sim.Start(), Now: clock.Now,
		HTTPClient: &http.Client{Transport: &http.Transport{}}})
	return &hour{clock: clock, project: p, sim: sim, client: c}
}

// run drives the hour second by second. Each minute's check happens at a
// moment drawn from rng; observe gets the latest reading after each second.
func (h *hour) run(t *testing.T, rng *rand.Rand, observe func(now time.Time, last hetzner.CheckResult)) {
	t.Helper()
	var last hetzner.CheckResult
	checkAt := rng.IntN(60)
	for s := range 3600 {
		step := time.Second
		if s == checkAt {
			// Checks happen at any millisecond, so refill since the reading
			// is rarely a whole number of requests.
			offset := time.Duration(rng.IntN(1000)) * time.Millisecond
			h.clock.Advance(offset)
			step -= offset
			last = h.client.Check(context.Background(), 10)
			if !last.RateLimit.Known() {
				t.Fatalf("check at %ds: %s %s", s, last.Status, last.Message)
			}
			checkAt = (s/60+1)*60 + rng.IntN(60)
		}
		h.clock.Advance(step)
		if last.RateLimit.Known() {
			observe(h.clock.Now(), last)
		}
	}
}

// TestProjectionMatchesBucket compares the projection from the last reading
// with the simulator's true bucket every simulated second of an hour, when
// nobody else spends the budget.
func TestProjectionMatchesBucket(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		start int // bucket level at the start: low enough that refill shows
	}{
		{"3600 per hour, refilling from 1000", 3600, 1000},
		{"7200 per hour, refilling from 500", 7200, 500},
		{"5000 per hour (1.39 a second), refilling from 800", 5000, 800},
		{"full bucket", 3600, 3600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHour(t, tt.limit)
			h.project.SetRemaining(tt.start)
			worst, worstAt := 0.0, time.Duration(0)
			start := h.clock.Now()
			h.run(t, rand.New(rand.NewPCG(1, uint64(tt.limit))), func(now time.Time, last hetzner.CheckResult) {
				proj := last.RateLimit.Project(now)
				if proj.Remaining > tt.limit {
					t.Fatalf("projection %d above the limit", proj.Remaining)
				}
				if err := math.Abs(float64(proj.Remaining) - h.project.Remaining()); err > worst {
					worst, worstAt = err, now.Sub(start)
				}
			})
			t.Logf("largest projection error: %.3f requests (%.4f %% of the limit) at %v", worst, 100*worst/float64(tt.limit), worstAt)
			if worst > float64(tt.limit)/100 {
				t.Errorf("projection off by %.1f, more than 1 %% of %d", worst, tt.limit)
			}
		})
	}
}

// TestTrackerEstimatesOthers lets other clients spend at a known rate and
// checks that the Tracker, fed the app's own checks, finds that rate.
func TestTrackerEstimatesOthers(t *testing.T) {
	tests := []struct {
		name      string
		start     int
		perMinute float64
	}{
		// Below the refill of 60/min: the bucket climbs but never fills.
		{"30 a minute, refilling from 1000", 1000, 30},
		// Above the refill: the bucket drains; the first readings, near a
		// full bucket, can only tell "at least".
		{"90 a minute, draining from full", 3600, 90},
		{"45 a minute, from 2000", 2000, 45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHour(t, 3600)
			h.project.SetRemaining(tt.start)
			h.sim.StartOthers(t.Context(), h.project, tt.perMinute)
			var tr ratelimit.Tracker
			var seen time.Time
			var worstLate float64 // the worst estimate in the second half hour
			start := h.clock.Now()
			h.run(t, rand.New(rand.NewPCG(2, uint64(tt.perMinute))), func(now time.Time, last hetzner.CheckResult) {
				if last.CheckedAt.Equal(seen) {
					return
				}
				seen = last.CheckedAt
				tr.Observe(last.RateLimit, last.Requests)
				if got, ok := tr.OthersPerMinute(); ok && now.Sub(start) > 30*time.Minute {
					worstLate = max(worstLate, math.Abs(got-tt.perMinute))
				}
			})
			got, ok := tr.OthersPerMinute()
			if !ok {
				t.Fatal("no estimate after an hour of readings")
			}
			t.Logf("others: true %.0f/min, estimate %.1f/min after an hour, worst %.1f off in the second half hour", tt.perMinute, got, worstLate)
			if math.Abs(got-tt.perMinute) > 0.2*tt.perMinute {
				t.Errorf("estimate %.1f/min, want %.0f ± 20 %%", got, tt.perMinute)
			}
			if worstLate > 0.2*tt.perMinute {
				t.Errorf("estimate strayed %.1f/min from %.0f in the second half hour", worstLate, tt.perMinute)
			}
		})
	}
}
