package monitor

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simclock"
)

// fakeChecker answers every check with status at the clock's now, and
// remembers when each project was checked.
type fakeChecker struct {
	now    func() time.Time
	mu     sync.Mutex
	status map[string]hetzner.Status // per project; default ok
	calls  map[string][]time.Time
	// record, when set, also hands the result to the monitor as the
	// service's Checker does.
	record *Monitor
}

func newFakeChecker(now func() time.Time) *fakeChecker {
	return &fakeChecker{now: now, status: map[string]hetzner.Status{}, calls: map[string][]time.Time{}}
}

func (f *fakeChecker) CheckProject(_ context.Context, id string) hetzner.CheckResult {
	now := f.now()
	f.mu.Lock()
	f.calls[id] = append(f.calls[id], now)
	st := f.status[id]
	f.mu.Unlock()
	res := hetzner.CheckResult{Status: st, CheckedAt: now, Requests: 1}
	if st == "" {
		res.Status = hetzner.StatusOK
	}
	if !res.Status.Healthy() {
		res.Problem = &hetzner.Problem{Status: res.Status, Message: "fake " + string(res.Status)}
	}
	if f.record != nil {
		f.record.Record(id, res)
	}
	return res
}

func (f *fakeChecker) callsOf(id string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.calls[id]...)
}

// drive calls RunDue once every simulated second for d.
func drive(ctx context.Context, m *Monitor, clock *simclock.Clock, d time.Duration) {
	for range int(d / time.Second) {
		clock.Advance(time.Second)
		m.RunDue(ctx, clock.Now())
	}
}

// gaps returns the intervals between consecutive times.
func gaps(ts []time.Time) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(ts); i++ {
		out = append(out, ts[i].Sub(ts[i-1]))
	}
	return out
}

func TestNextCheck(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	limited := func(retry time.Duration) hetzner.CheckResult {
		return hetzner.CheckResult{Status: hetzner.StatusRateLimited, Problem: &hetzner.Problem{RetryAt: at.Add(retry)}}
	}
	tests := []struct {
		name     string
		interval time.Duration
		failures int
		res      hetzner.CheckResult
		want     time.Duration
		failed   int
	}{
		{"ok", time.Minute, 3, hetzner.CheckResult{Status: hetzner.StatusOK}, time.Minute, 0},
		{"low is checked 4x less often", time.Minute, 0, hetzner.CheckResult{Status: hetzner.StatusLow}, 4 * time.Minute, 0},
		{"rate limited waits for the reset", time.Minute, 0, limited(40 * time.Minute), 40 * time.Minute, 0},
		{"rate limited, reset sooner than the interval", time.Minute, 0, limited(10 * time.Second), time.Minute, 0},
		{"rate limited without a problem", time.Minute, 0, hetzner.CheckResult{Status: hetzner.StatusRateLimited}, time.Minute, 0},
		{"rate limited, absurd reset is capped", time.Minute, 0, limited(7 * 24 * time.Hour), maxRateLimitWait, 0},
		{"invalid token", time.Minute, 0, hetzner.CheckResult{Status: hetzner.StatusInvalidToken}, 30 * time.Minute, 0},
		{"keychain", time.Minute, 0, hetzner.CheckResult{Status: hetzner.StatusKeychainError}, 5 * time.Minute, 0},
		{"keychain, long interval", time.Hour, 0, hetzner.CheckResult{Status: hetzner.StatusKeychainError}, time.Hour, 0},
		{"offline 1st", time.Minute, 0, hetzner.CheckResult{Status: hetzner.StatusOffline}, time.Minute, 1},
		{"offline 2nd", time.Minute, 1, hetzner.CheckResult{Status: hetzner.StatusOffline}, 2 * time.Minute, 2},
		{"offline 5th", time.Minute, 4, hetzner.CheckResult{Status: hetzner.StatusOffline}, 16 * time.Minute, 5},
		{"offline 6th is capped", time.Minute, 5, hetzner.CheckResult{Status: hetzner.StatusOffline}, 30 * time.Minute, 6},
		{"offline 100th is capped", time.Minute, 99, hetzner.CheckResult{Status: hetzner.StatusOffline}, 30 * time.Minute, 100},
		{"error backs off too", time.Minute, 2, hetzner.CheckResult{Status: hetzner.StatusError}, 4 * time.Minute, 3},
		{"offline with a 2 h interval is capped too", 2 * time.Hour, 0, hetzner.CheckResult{Status: hetzner.StatusOffline}, 30 * time.Minute, 1},
		{"offline with a tiny interval waits a second", time.Millisecond, 0, hetzner.CheckResult{Status: hetzner.StatusOffline}, time.Second, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, failed := nextCheck(at, tt.interval, tt.failures, tt.res)
			if got := next.Sub(at); got != tt.want || failed != tt.failed {
				t.Errorf("next in %v with %d failures, want %v with %d", got, failed, tt.want, tt.failed)
			}
		})
	}
}

// TestRecordedOnce: the service's Checker records its result itself, and
// the monitor must not count the same failure twice (the backoff would
// grow 4x per failure instead of 2x).
func TestRecordedOnce(t *testing.T) {
	for _, selfRecording := range []bool{false, true} {
		t.Run(fmt.Sprintf("checker records itself: %v", selfRecording), func(t *testing.T) {
			clock := simclock.New()
			fc := newFakeChecker(clock.Now)
			fc.status["p"] = hetzner.StatusOffline
			m := New(Config{Checker: fc, Now: clock.Now, Interval: time.Minute})
			if selfRecording {
				fc.record = m
			}
			m.SetProjects([]string{"p"})
			drive(t.Context(), m, clock, 40*time.Minute)
			want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute}
			if got := gaps(fc.callsOf("p")); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("gaps = %v, want %v", got, want)
			}
		})
	}
}

func TestSetProjects(t *testing.T) {
	clock := simclock.New()
	fc := newFakeChecker(clock.Now)
	m := New(Config{Checker: fc, Now: clock.Now, Interval: time.Minute})
	ids := make([]string, 50)
	for i := range ids {
		ids[i] = fmt.Sprintf("project-%02d", i)
	}
	m.SetProjects(ids)
	start := clock.Now()
	seconds := map[time.Duration]bool{}
	for _, id := range ids {
		next, ok := m.NextOf(id)
		if !ok || next.Before(start) || !next.Before(start.Add(time.Minute)) {
			t.Fatalf("%s first due at %v, want within the first interval", id, next.Sub(start))
		}
		seconds[next.Sub(start).Truncate(time.Second)] = true
	}
	if len(seconds) < 25 {
		t.Errorf("50 first checks fall in only %d distinct seconds", len(seconds))
	}

	// Setting the same set again must not reschedule anyone.
	before, _ := m.NextOf("project-07")
	clock.Advance(10 * time.Second)
	m.SetProjects(ids)
	if after, _ := m.NextOf("project-07"); !after.Equal(before) {
		t.Errorf("SetProjects with the same IDs moved a check from %v to %v", before, after)
	}

	m.SetProjects(ids[:1])
	if _, ok := m.NextOf("project-07"); ok {
		t.Error("a removed project is still scheduled")
	}
	drive(t.Context(), m, clock, 5*time.Minute)
	for _, id := range ids[1:] {
		if n := len(fc.callsOf(id)); n != 0 {
			t.Errorf("removed %s was checked %d times", id, n)
		}
	}
	if n := len(fc.callsOf(ids[0])); n < 4 {
		t.Errorf("the kept project was checked %d times in 5 minutes", n)
	}
	m.SetProjects(nil)
	if _, ok := m.NextDue(); ok {
		t.Error("NextDue with no projects")
	}
}

func TestCheckNow(t *testing.T) {
	clock := simclock.New()
	fc := newFakeChecker(clock.Now)
	m := New(Config{Checker: fc, Now: clock.Now, Interval: time.Hour})
	m.SetProjects([]string{"a", "b", "c"})
	drive(t.Context(), m, clock, time.Hour) // everyone checked once
	for _, id := range []string{"a", "b", "c"} {
		if n := len(fc.callsOf(id)); n != 1 {
			t.Fatalf("%s checked %d times in the first hour", id, n)
		}
	}

	m.CheckNow("b")
	now := clock.Now()
	if next, _ := m.NextOf("b"); !next.Equal(now) {
		t.Errorf("after CheckNow b is due at %v, want now %v", next, now)
	}
	if next, _ := m.NextDue(); !next.Equal(now) {
		t.Errorf("NextDue = %v, want now", next)
	}
	m.RunDue(t.Context(), now)
	if calls := fc.callsOf("b"); len(calls) != 2 || !calls[1].Equal(now) {
		t.Errorf("b checked at %v, want a second check now", calls)
	}
	if len(fc.callsOf("a")) != 1 {
		t.Error("CheckNow(b) checked a too")
	}

	m.CheckNow() // all
	m.RunDue(t.Context(), now)
	for _, id := range []string{"a", "b", "c"} {
		if calls := fc.callsOf(id); !calls[len(calls)-1].Equal(now) {
			t.Errorf("CheckNow() did not check %s now", id)
		}
	}
}

// blockingChecker holds every check until its context ends, so a test can
// see whether Run waits for checks in flight.
type blockingChecker struct {
	started  chan string
	mu       sync.Mutex
	inFlight int
	finished int
}

func (b *blockingChecker) CheckProject(ctx context.Context, id string) hetzner.CheckResult {
	b.mu.Lock()
	b.inFlight++
	b.mu.Unlock()
	b.started <- id
	<-ctx.Done()
	b.mu.Lock()
	b.inFlight--
	b.finished++
	b.mu.Unlock()
	return hetzner.CheckResult{Status: hetzner.StatusError, CheckedAt: time.Now(), Problem: &hetzner.Problem{Err: ctx.Err(), Message: "cancelled"}}
}

// TestRunStopsOnCancel runs the real-time loop with a short interval: it
// must check repeatedly, and return after cancel only once every check it
// started has returned.
func TestRunStopsOnCancel(t *testing.T) {
	t.Run("checks repeat", func(t *testing.T) {
		fc := newFakeChecker(time.Now)
		calls := make(chan struct{}, 100)
		m := New(Config{Checker: checkerFunc(func(ctx context.Context, id string) hetzner.CheckResult {
			res := fc.CheckProject(ctx, id)
			select {
			case calls <- struct{}{}:
			default:
			}
			return res
		}), Interval: 50 * time.Millisecond})
		m.SetProjects([]string{"a", "b"})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); m.Run(ctx) }()
		for range 6 { // three rounds of two projects
			select {
			case <-calls:
			case <-time.After(5 * time.Second):
				t.Fatal("Run made fewer than 6 checks in 5 s with a 50 ms interval")
			}
		}
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	})
	t.Run("waits for checks in flight", func(t *testing.T) {
		bc := &blockingChecker{started: make(chan string, 10)}
		m := New(Config{Checker: bc, Interval: 50 * time.Millisecond})
		m.SetProjects([]string{"a", "b"})
		m.CheckNow()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); m.Run(ctx) }()
		for range 2 {
			select {
			case <-bc.started:
			case <-time.After(5 * time.Second):
				t.Fatal("checks did not start")
			}
		}
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
		bc.mu.Lock()
		defer bc.mu.Unlock()
		if bc.inFlight != 0 || bc.finished != 2 {
			t.Errorf("after Run returned: %d checks in flight, %d finished", bc.inFlight, bc.finished)
		}
		// A check cut short by the cancel is not a failure of the project:
		// it stays due for the next start.
		if next, _ := m.NextOf("a"); next.After(time.Now()) {
			t.Errorf("a cancelled check pushed the project back to %v", next)
		}
	})
}

type checkerFunc func(ctx context.Context, id string) hetzner.CheckResult

func (f checkerFunc) CheckProject(ctx context.Context, id string) hetzner.CheckResult {
	return f(ctx, id)
}

func TestShorterIntervalPullsChecksIn(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	m := New(Config{Checker: nil, Interval: time.Hour, Now: func() time.Time { return now }})
	m.SetProjects([]string{"a", "b", "c"})
	m.SetInterval(10 * time.Second)
	for _, id := range []string{"a", "b", "c"} {
		next, ok := m.NextOf(id)
		if !ok || next.After(now.Add(10*time.Second)) {
			t.Errorf("%s next check at %v, want within the new 10 s interval", id, next.Sub(now))
		}
	}
	m.SetInterval(time.Hour) // longer: planned checks stay where they are
	if next, _ := m.NextOf("a"); next.After(now.Add(10 * time.Second)) {
		t.Error("a longer interval must not push planned checks out")
	}
}
