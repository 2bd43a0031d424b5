package monitor

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simclock"
)

// simChecker is a real Checker: one hetzner.Client per project, talking to
// the simulator on loopback. Project IDs are the simulator's project names.
type simChecker struct {
	clients map[string]*hetzner.Client
	mu      sync.Mutex
	calls   map[string][]time.Time
	last    map[string]hetzner.CheckResult
	now     func() time.Time
}

func (c *simChecker) CheckProject(ctx context.Context, id string) hetzner.CheckResult {
	at := c.now()
	res := c.clients[id].Check(ctx, 10)
	c.mu.Lock()
	c.calls[id] = append(c.calls[id], at)
	c.last[id] = res
	c.mu.Unlock()
	return res
}

func (c *simChecker) callsOf(id string) []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time(nil), c.calls[id]...)
}

// simWorld is the simulator, a monitor and its Checker on one simulated clock.
type simWorld struct {
	clock    *simclock.Clock
	sim      *hcloudsim.Server
	projects map[string]*hcloudsim.Project
	ids      []string
	checker  *simChecker
	m        *Monitor
}

func newSimWorld(t *testing.T, n int) *simWorld {
	t.Helper()
	clock := simclock.New()
	sim := hcloudsim.New(hcloudsim.Options{Now: clock.Now})
	t.Cleanup(sim.Close)
	url := sim.Start()
	httpClient := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	t.Cleanup(httpClient.CloseIdleConnections)
	w := &simWorld{clock: clock, sim: sim, projects: map[string]*hcloudsim.Project{},
		checker: &simChecker{clients: map[string]*hetzner.Client{}, calls: map[string][]time.Time{},
			last: map[string]hetzner.CheckResult{}, now: clock.Now}}
	for i := range n {
		id := fmt.Sprintf("project-%02d", i)
		p := sim.AddProject(id, 3600)
		secret := hcloudsim.TokenFor(id)
		p.AddToken(secret, hcloudsim.Read)
		tok, err := token.Parse(secret)
		if err != nil {
			t.Fatal(err)
		}
		w.checker.clients[id] = hetzner.NewClient(tok, hetzner.Config{Endpoint: url, Now: clock.Now,
			HTTPClient: httpClient, RetryBase: time.Millisecond})
		w.projects[id] = p
		w.ids = append(w.ids, id)
	}
	w.m = New(Config{Checker: w.checker, Now: clock.Now, Interval: time.Minute})
	w.m.SetProjects(w.ids)
	return w
}

// requests returns the times of the HTTP requests made for project id.
func (w *simWorld) requests(id string) []time.Time {
	var out []time.Time
	for _, r := range w.sim.Requests() {
		if r.Source == hcloudsim.SourceAPI && r.Project == id {
			out = append(out, r.Time)
		}
	}
	return out
}

func TestSimulatedHour(t *testing.T) {
	w := newSimWorld(t, 20)
	start := w.clock.Now()
	drive(t.Context(), w.m, w.clock, time.Hour)

	firsts := map[time.Time]bool{}
	for _, id := range w.ids {
		reqs := w.requests(id)
		if len(reqs) > 60 || len(reqs) < 59 {
			t.Errorf("%s: %d requests in the hour, want about one a minute and never more than 60", id, len(reqs))
		}
		if len(reqs) > 0 {
			firsts[reqs[0]] = true
			if reqs[0].Sub(start) > time.Minute {
				t.Errorf("%s: first check after %v, want within the first interval", id, reqs[0].Sub(start))
			}
		}
		if res := w.checker.last[id]; res.Status != hetzner.StatusOK || res.RateLimit.Remaining < 3590 {
			t.Errorf("%s: last check %s with %d remaining", id, res.Status, res.RateLimit.Remaining)
		}
	}
	t.Logf("20 projects: first checks in %d distinct seconds of the first minute", len(firsts))
	if len(firsts) < 10 {
		t.Errorf("first checks fall in only %d distinct seconds: not staggered", len(firsts))
	}
}

// TestNoRequestBeforeReset: after a 429 the project is left alone until its
// bucket is full again (RateLimit-Reset), watched every simulated second.
func TestNoRequestBeforeReset(t *testing.T) {
	w := newSimWorld(t, 2)
	limited, other := w.projects["project-00"], "project-01"
	start := w.clock.Now()
	var firstAt, resetAt time.Time
	for range 2 * 3600 {
		w.clock.Advance(time.Second)
		if next, _ := w.m.NextOf("project-00"); firstAt.IsZero() && !next.After(w.clock.Now()) {
			limited.SetRemaining(0) // others emptied it just before our first check
		}
		w.m.RunDue(t.Context(), w.clock.Now())
		if firstAt.IsZero() {
			if reqs := w.requests("project-00"); len(reqs) > 0 {
				firstAt = reqs[0]
				res := w.checker.last["project-00"]
				if res.Status != hetzner.StatusRateLimited || res.Problem == nil {
					t.Fatalf("first check: %s %s", res.Status, res.Message)
				}
				resetAt = res.Problem.RetryAt
				// An empty 3600/h bucket is full again in an hour.
				if want := firstAt.Add(time.Hour); !resetAt.Equal(want) {
					t.Fatalf("RetryAt %v, want the bucket's reset %v", resetAt, want)
				}
			}
		}
	}
	if firstAt.IsZero() {
		t.Fatal("the rate-limited project was never checked")
	}
	reqs := w.requests("project-00")
	for _, at := range reqs[1:] {
		if at.Before(resetAt) {
			t.Fatalf("request at %v, %v before the reset", at.Sub(start), resetAt.Sub(at))
		}
	}
	if len(reqs) < 2 || reqs[1].Sub(resetAt) > time.Second {
		t.Fatalf("requests at %v: the next check should come right at the reset %v", reqs, resetAt)
	}
	if res := w.checker.last["project-00"]; res.Status != hetzner.StatusOK {
		t.Errorf("after the reset: %s %s", res.Status, res.Message)
	}
	if n := len(w.requests(other)); n < 119 {
		t.Errorf("the other project was checked %d times in two hours; one 429 must not hold it up", n)
	}
}

// TestOfflineBacksOff closes the simulator: checks then back off
// exponentially up to the cap, and recover once it is back.
func TestOfflineBacksOff(t *testing.T) {
	w := newSimWorld(t, 1)
	id := w.ids[0]
	drive(t.Context(), w.m, w.clock, time.Minute)
	if n := len(w.checker.callsOf(id)); n != 1 {
		t.Fatalf("%d checks in the first minute", n)
	}
	w.sim.Close()
	drive(t.Context(), w.m, w.clock, 3*time.Hour)

	calls := w.checker.callsOf(id)
	g := gaps(calls)
	t.Logf("gaps while offline: %v", g)
	want := []time.Duration{time.Minute, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 30 * time.Minute}
	for i, d := range want {
		if i >= len(g) || g[i] != d {
			t.Fatalf("gaps = %v, want them to start %v", g, want)
		}
	}
	for _, d := range g[len(want):] {
		if d != 30*time.Minute {
			t.Fatalf("gap %v after the cap, want 30m", d)
		}
	}
	if res := w.checker.last[id]; res.Status != hetzner.StatusOffline {
		t.Errorf("status while closed: %s", res.Status)
	}
}

// TestLowChecksLessOften keeps one project's budget low (others spend the
// whole refill) and compares how often it is checked with a healthy one.
func TestLowChecksLessOften(t *testing.T) {
	w := newSimWorld(t, 2)
	low, healthy := "project-00", "project-01"
	w.projects[low].SetRemaining(200) // under 10 % of 3600
	w.sim.StartOthers(t.Context(), w.projects[low], 60)
	drive(t.Context(), w.m, w.clock, time.Hour)

	nLow, nHealthy := len(w.requests(low)), len(w.requests(healthy))
	t.Logf("in an hour: low project %d checks, healthy project %d", nLow, nHealthy)
	if res := w.checker.last[low]; res.Status != hetzner.StatusLow {
		t.Fatalf("the low project ended %s with %d remaining", res.Status, res.RateLimit.Remaining)
	}
	if nLow > 16 || nHealthy < 59 {
		t.Errorf("low project checked %d times, healthy %d: want at most 16 (every 4 min) and about 60", nLow, nHealthy)
	}
}

func TestCheckNowAndRemovalWithSimulator(t *testing.T) {
	w := newSimWorld(t, 3)
	drive(t.Context(), w.m, w.clock, 10*time.Minute)
	a, b := w.ids[0], w.ids[1]

	before := len(w.requests(a))
	w.m.CheckNow(a)
	w.m.RunDue(t.Context(), w.clock.Now())
	reqs := w.requests(a)
	if len(reqs) != before+1 || !reqs[len(reqs)-1].Equal(w.clock.Now()) {
		t.Fatalf("CheckNow: %d → %d requests, last at %v, want one more now (%v)", before, len(reqs), reqs[len(reqs)-1], w.clock.Now())
	}

	w.m.SetProjects([]string{a, w.ids[2]})
	removedAt := w.clock.Now()
	drive(t.Context(), w.m, w.clock, 10*time.Minute)
	for _, at := range w.requests(b) {
		if at.After(removedAt) {
			t.Fatalf("removed project requested at %v, after removal at %v", at, removedAt)
		}
	}
	if n := len(w.requests(a)); n < len(reqs)+9 {
		t.Errorf("the kept project made %d requests in 10 more minutes", n-len(reqs))
	}
}
