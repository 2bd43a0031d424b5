// Package monitor decides when each project is checked so every project's
// state stays fresh without wasting its request budget: at most the
// configured rate, staggered, slower when the budget is low, paused until
// the bucket refills after a 429, backing off while offline.
package monitor

import (
	"container/heap"
	"context"
	"hash/fnv"
	"math/bits"
	"sync"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
)

// Checker checks one project; the service implements it (keychain read,
// API call) and records the result itself. The monitor records the result
// it gets back only if nothing was recorded while the check ran, so a
// Checker may record or not.
type Checker interface {
	CheckProject(ctx context.Context, id string) hetzner.CheckResult
}

// Settings of the scheduling policy (nextCheck) and of the worker pool.
const (
	lowFactor        = 4                // a low budget is checked 4× less often
	maxOfflineDelay  = 30 * time.Minute // cap of the offline/error backoff
	invalidDelay     = 30 * time.Minute // a revoked token will not heal by itself
	keychainDelay    = 5 * time.Minute  // the keychain may be unlocked meanwhile
	defaultParallel  = 8
	minimumRetryWait = time.Second
	// maxRateLimitWait bounds how long a 429 pauses a project. A bucket
	// refills completely within an hour, so a RateLimit-Reset further out
	// comes from a skewed clock or a broken proxy and must not silence the
	// project for days.
	maxRateLimitWait = time.Hour + time.Minute
)

// Config sets up a monitor.
type Config struct {
	Checker  Checker
	Interval time.Duration // between two checks of one project (default 1 min)
	Now      func() time.Time
	Parallel int // checks in flight at once (default 8)
}

type entry struct {
	id       string
	index    int // position in the schedule heap, -1 once removed
	next     time.Time
	failures int
	inFlight bool
	// recorded is set when a result reached Record while the monitor's own
	// check was in flight: the service's Checker records its results itself,
	// and recording the same result twice would double the offline backoff.
	recorded bool
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
	queue    schedule // the same entries, soonest first
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
	now := m.now()
	m.mu.Lock()
	shorter := d < m.interval
	m.interval = d
	if shorter {
		// A user who asks for fresher data should not wait out the old,
		// longer interval: pull each planned check in, still staggered.
		for id, e := range m.entries {
			if at := now.Add(stagger(id, d)); !e.inFlight && e.failures == 0 && at.Before(e.next) {
				e.next = at
				m.queue.fix(e)
			}
		}
	}
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
			e := &entry{id: id, next: now.Add(stagger(id, m.interval))}
			m.entries[id] = e
			heap.Push(&m.queue, e)
		}
	}
	for id, e := range m.entries {
		if !keep[id] {
			delete(m.entries, id)
			heap.Remove(&m.queue, e.index)
		}
	}
	m.mu.Unlock()
	m.Wake()
}

// stagger spreads first checks over the first interval. FNV-1a alone
// barely moves the high bits for IDs that differ only at the end
// ("project-01", "project-02" land within a second of each other), so its
// hash goes through splitmix64's finalizer, which spreads every input bit.
func stagger(id string, interval time.Duration) time.Duration {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	v := h.Sum64()
	v = (v ^ v>>30) * 0xbf58476d1ce4e5b9
	v = (v ^ v>>27) * 0x94d049bb133111eb
	v ^= v >> 31
	// v/2^64 of the interval. A plain product overflows for any interval
	// above 4.3 s, which folded every first check into a few seconds.
	hi, _ := bits.Mul64(v, uint64(interval))
	return time.Duration(hi)
}

// Record reschedules a project after a result obtained anywhere (the
// monitor's own check, "check now", the check made while adding).
func (m *Monitor) Record(id string, res hetzner.CheckResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[id]; ok {
		m.recordLocked(e, res)
	}
}

func (m *Monitor) recordLocked(e *entry, res hetzner.CheckResult) {
	at := res.CheckedAt
	if at.IsZero() {
		at = m.now()
	}
	e.next, e.failures = nextCheck(at, m.interval, e.failures, res)
	if e.inFlight {
		e.recorded = true
	}
	m.queue.fix(e)
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
			if limit := at.Add(maxRateLimitWait); next.After(limit) {
				next = limit
			}
		}
		return next, 0
	case hetzner.StatusInvalidToken:
		return at.Add(max(invalidDelay, interval)), 0
	case hetzner.StatusKeychainError:
		return at.Add(max(keychainDelay, interval)), 0
	default: // offline, error: exponential backoff
		d := min(interval, maxOfflineDelay)
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
	if len(m.queue) == 0 || m.queue[0].inFlight {
		return time.Time{}, false
	}
	return m.queue[0].next, true
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
			m.queue.fix(e)
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
	for len(m.queue) > 0 && !m.queue[0].inFlight && !m.queue[0].next.After(now) {
		e := m.queue[0]
		e.inFlight, e.recorded = true, false
		m.queue.fix(e)
		due = append(due, e.id)
	}
	m.mu.Unlock()
	for _, id := range due {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case m.sem <- struct{}{}:
			case <-ctx.Done():
				m.finish(ctx, id, nil)
				return
			}
			res := m.checker.CheckProject(ctx, id)
			<-m.sem
			m.finish(ctx, id, &res)
		}()
	}
	return &wg
}

// finish ends a check started by startDue. A failure seen after ctx ended
// was most likely caused by the cancellation, so it is not held against
// the project: the check stays due for the next run.
func (m *Monitor) finish(ctx context.Context, id string, res *hetzner.CheckResult) {
	m.mu.Lock()
	if e, ok := m.entries[id]; ok {
		if res != nil && !e.recorded && (ctx.Err() == nil || res.Status.Healthy()) {
			m.recordLocked(e, *res)
		}
		e.inFlight, e.recorded = false, false
		m.queue.fix(e)
	}
	m.mu.Unlock()
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
