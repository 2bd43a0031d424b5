// Package monitor decides when each project is checked so every project's
// state stays fresh without wasting its request budget: at most the
// configured rate, staggered, slower when the budget is low, paused until
// the bucket refills after a 429, backing off while offline.
package monitor

import (
	"context"
	"hash/fnv"
	"sync"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
)

// Checker checks one project; the service implements it (keychain read,
// API call) and records the result itself.
type Checker interface {
	CheckProject(ctx context.Context, id string) hetzner.CheckResult
}

// Back-off settings. They are variables of the Policy so tests can see them.
const (
	lowFactor        = 4                // a low budget is checked 4× less often
	maxOfflineDelay  = 30 * time.Minute // cap of the offline/error backoff
	invalidDelay     = 30 * time.Minute // a revoked token will not heal by itself
	keychainDelay    = 5 * time.Minute  // the keychain may be unlocked meanwhile
	defaultParallel  = 8
	minimumRetryWait = time.Second
)

// Config sets up a monitor.
type Config struct {
	Checker  Checker
	Interval time.Duration // between two checks of one project (default 1 min)
	Now      func() time.Time
	Parallel int // checks in flight at once (default 8)
}

type entry struct {
	next     time.Time
	failures int
	inFlight bool
}

// Monitor schedules checks. Its methods are safe for concurrent use.
type Monitor struct {
	checker  Checker
	now      func() time.Time
	sem      chan struct{}
	wake     chan struct{}
	mu       sync.Mutex
	interval time.Duration
	entries  map[string]*entry
}

// New returns a monitor; call Run to start it, or RunDue to drive it by hand.
func New(cfg Config) *Monitor {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = defaultParallel
	}
	return &Monitor{
		checker:  cfg.Checker,
		now:      cfg.Now,
		sem:      make(chan struct{}, cfg.Parallel),
		wake:     make(chan struct{}, 1),
		interval: cfg.Interval,
		entries:  map[string]*entry{},
	}
}

// SetInterval changes how often each project is checked.
func (m *Monitor) SetInterval(d time.Duration) {
	if d <= 0 {
		return
	}
	m.mu.Lock()
	m.interval = d
	m.mu.Unlock()
	m.Wake()
}

// Interval returns the current interval.
func (m *Monitor) Interval() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.interval
}

// SetProjects makes ids the watched set. New projects get a first check at
// a point of the interval derived from their ID, so 200 projects added at
// once do not fire at once.
func (m *Monitor) SetProjects(ids []string) {
	now := m.now()
	m.mu.Lock()
	keep := make(map[string]bool, len(ids))
	for _, id := range ids {
		keep[id] = true
		if _, ok := m.entries[id]; !ok {
			m.entries[id] = &entry{next: now.Add(stagger(id, m.interval))}
		}
	}
	for id := range m.entries {
		if !keep[id] {
			delete(m.entries, id)
		}
	}
	m.mu.Unlock()
	m.Wake()
}

// stagger spreads first checks over the first interval.
func stagger(id string, interval time.Duration) time.Duration {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return time.Duration(uint64(h.Sum32()) * uint64(interval) / (1 << 32))
}

// Record reschedules a project after a result obtained anywhere (the
// monitor's own check, "check now", the check made while adding).
func (m *Monitor) Record(id string, res hetzner.CheckResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return
	}
	at := res.CheckedAt
	if at.IsZero() {
		at = m.now()
	}
	e.next, e.failures = nextCheck(at, m.interval, e.failures, res)
}

// nextCheck is the scheduling policy.
func nextCheck(at time.Time, interval time.Duration, failures int, res hetzner.CheckResult) (time.Time, int) {
	switch res.Status {
	case hetzner.StatusOK:
		return at.Add(interval), 0
	case hetzner.StatusLow:
		return at.Add(interval * lowFactor), 0
	case hetzner.StatusRateLimited:
		next := at.Add(interval)
		if res.Problem != nil && res.Problem.RetryAt.After(next) {
			next = res.Problem.RetryAt
		}
		return next, 0
	case hetzner.StatusInvalidToken:
		return at.Add(max(invalidDelay, interval)), 0
	case hetzner.StatusKeychainError:
		return at.Add(max(keychainDelay, interval)), 0
	default: // offline, error: exponential backoff
		d := interval
		for range failures {
			d *= 2
			if d >= maxOfflineDelay {
				d = maxOfflineDelay
				break
			}
		}
		return at.Add(max(d, minimumRetryWait)), failures + 1
	}
}

// NextDue returns when the next check is due, and false when none is
// scheduled.
func (m *Monitor) NextDue() (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var first time.Time
	for _, e := range m.entries {
		if !e.inFlight && (first.IsZero() || e.next.Before(first)) {
			first = e.next
		}
	}
	return first, !first.IsZero()
}

// NextOf returns when project id is next due.
func (m *Monitor) NextOf(id string) (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[id]; ok {
		return e.next, true
	}
	return time.Time{}, false
}

// CheckNow makes ids (all when empty) due now.
func (m *Monitor) CheckNow(ids ...string) {
	now := m.now()
	m.mu.Lock()
	for id, e := range m.entries {
		if len(ids) == 0 || contains(ids, id) {
			e.next = now
		}
	}
	m.mu.Unlock()
	m.Wake()
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Wake makes Run look at the schedule again.
func (m *Monitor) Wake() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// startDue launches the checks due at now and returns a WaitGroup that is
// done when they are.
func (m *Monitor) startDue(ctx context.Context, now time.Time) *sync.WaitGroup {
	var wg sync.WaitGroup
	m.mu.Lock()
	var due []string
	for id, e := range m.entries {
		if !e.inFlight && !e.next.After(now) {
			e.inFlight = true
			due = append(due, id)
		}
	}
	m.mu.Unlock()
	for _, id := range due {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case m.sem <- struct{}{}:
			case <-ctx.Done():
				m.finish(id, nil)
				return
			}
			res := m.checker.CheckProject(ctx, id)
			<-m.sem
			m.finish(id, &res)
		}()
	}
	return &wg
}

func (m *Monitor) finish(id string, res *hetzner.CheckResult) {
	m.mu.Lock()
	if e, ok := m.entries[id]; ok {
		e.inFlight = false
	}
	m.mu.Unlock()
	if res != nil {
		m.Record(id, *res)
	}
	m.Wake()
}

// RunDue performs every check due at now and waits for them: tests drive a
// simulated hour with it in milliseconds.
func (m *Monitor) RunDue(ctx context.Context, now time.Time) {
	m.startDue(ctx, now).Wait()
}

// Run checks projects as they fall due until ctx ends.
func (m *Monitor) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		started := m.startDue(ctx, m.now())
		wg.Add(1)
		go func() { started.Wait(); wg.Done() }()
		wait := time.Hour
		if next, ok := m.NextDue(); ok {
			wait = max(next.Sub(m.now()), 10*time.Millisecond)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		case <-timer.C:
		}
	}
}
