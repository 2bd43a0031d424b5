package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/monitor"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// Options set up a Local service.
type Options struct {
	Store    *project.Store
	Keychain keychain.Keychain
	API      hetzner.Config
	Now      func() time.Time // nil = time.Now; tests pass a simulated clock
	Demo     bool
	// ReloadEvery is how often Run looks for changes other processes made
	// to the config file (a stat, no request). Default 2 s.
	ReloadEvery time.Duration
}

// Local is the in-process Service over the store, the keychain and the
// monitor. The background agent runs one; the command line uses one
// directly.
type Local struct {
	store    *project.Store
	keys     keychain.Keychain
	api      hetzner.Config
	now      func() time.Time
	demo     bool
	reload   time.Duration
	monitor  *monitor.Monitor
	events   *broker
	mu       sync.Mutex
	file     project.File
	fileErr  error     // the config file cannot be used: read-only mode
	fileMod  time.Time // mtime of the file when last read
	states   map[string]*tracked
	tokens   map[string]token.Token // cache, so the keychain is not asked every minute
	keysProb *Problem
}

// tracked is the service's private view of one project.
type tracked struct {
	state   ProjectState
	tracker ratelimit.Tracker
	// ownSince counts requests this process made since the last reading,
	// so they are not mistaken for other clients' spending.
	ownSince int
}

var _ Service = (*Local)(nil)

// NewLocal loads the config and prepares the monitor; call Run to keep
// states fresh. A config file that cannot be used is not an error here:
// the service starts read-only and reports it as a Problem.
func NewLocal(opts Options) *Local {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReloadEvery <= 0 {
		opts.ReloadEvery = 2 * time.Second
	}
	opts.API.Now = opts.Now
	l := &Local{
		store:  opts.Store,
		keys:   opts.Keychain,
		api:    opts.API,
		now:    opts.Now,
		demo:   opts.Demo,
		reload: opts.ReloadEvery,
		events: newBroker(),
		file:   project.NewFile(),
		states: map[string]*tracked{},
		tokens: map[string]token.Token{},
	}
	if l.api.Endpoint == "" {
		l.api.Endpoint = hetzner.EndpointFromEnv()
	}
	l.monitor = monitor.New(monitor.Config{Checker: l, Now: opts.Now, Interval: time.Minute})
	l.mu.Lock()
	l.loadLocked()
	l.mu.Unlock()
	return l
}

// Monitor exposes the scheduler so tests and benchmarks can drive it on a
// simulated clock.
func (l *Local) Monitor() *monitor.Monitor { return l.monitor }

// Run keeps every project fresh until ctx ends.
func (l *Local) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); l.monitor.Run(ctx) }()
	t := time.NewTicker(l.reload)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			l.events.closeAll()
			return
		case <-t.C:
			l.ReloadIfChanged()
		}
	}
}

// loadLocked (re)reads the config file and brings states in line with it.
func (l *Local) loadLocked() {
	f, err := l.store.Load()
	if st, serr := os.Stat(l.store.Path()); serr == nil {
		l.fileMod = st.ModTime()
	}
	if err != nil {
		l.fileErr = err
		return
	}
	l.fileErr = nil
	l.applyFileLocked(f)
}

// applyFileLocked makes f the current file and publishes what changed.
func (l *Local) applyFileLocked(f project.File) {
	old := l.file
	l.file = f
	ids := make([]string, 0, len(f.Projects))
	for _, p := range f.Projects {
		ids = append(ids, p.ID)
		t, ok := l.states[p.ID]
		if !ok {
			t = &tracked{state: ProjectState{Status: hetzner.StatusUnchecked}}
			l.states[p.ID] = t
		}
		if !ok || t.state.Project != p {
			if ok && t.state.TokenMask != p.TokenMask {
				delete(l.tokens, p.ID) // replaced by another process
			}
			t.state.Project = p
			l.publishProjectLocked(t)
		}
	}
	for id := range l.states {
		if f.Find(id) < 0 {
			delete(l.states, id)
			delete(l.tokens, id)
			l.events.publish(Event{Kind: EventRemoved, ID: id})
		}
	}
	if old.Settings != f.Settings {
		s := f.Settings
		l.monitor.SetInterval(intervalFor(s))
		l.events.publish(Event{Kind: EventSettings, Settings: &s})
	}
	l.monitor.SetProjects(ids)
}

func intervalFor(s project.Settings) time.Duration {
	if s.RequestsPerMinute <= 0 {
		return time.Minute
	}
	return time.Duration(float64(time.Minute) / s.RequestsPerMinute)
}

// ReloadIfChanged re-reads the config file when another process changed it.
func (l *Local) ReloadIfChanged() {
	st, err := os.Stat(l.store.Path())
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil || st.ModTime().Equal(l.fileMod) {
		return
	}
	hadErr := l.fileErr != nil
	l.loadLocked()
	if hadErr || l.fileErr != nil {
		l.publishProblemsLocked()
	}
}

// update changes the config file under its lock and applies the result.
func (l *Local) update(change func(*project.File) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fileErr != nil {
		return fmt.Errorf("%w: %w", ErrReadOnly, l.fileErr)
	}
	f, err := l.store.Update(change)
	if err != nil {
		var fe *project.FileError
		if errors.As(err, &fe) {
			l.fileErr = err
			l.publishProblemsLocked()
			return fmt.Errorf("%w: %w", ErrReadOnly, err)
		}
		return err
	}
	if st, serr := os.Stat(l.store.Path()); serr == nil {
		l.fileMod = st.ModTime()
	}
	l.applyFileLocked(f)
	return nil
}

func (l *Local) problemsLocked() []Problem {
	var ps []Problem
	if l.fileErr != nil {
		ps = append(ps, Problem{Kind: ProblemConfig, Message: l.fileErr.Error()})
	}
	if l.keysProb != nil {
		ps = append(ps, *l.keysProb)
	}
	return ps
}

func (l *Local) publishProblemsLocked() {
	l.events.publish(Event{Kind: EventProblems, Problems: l.problemsLocked()})
}

// noteKeychain records whether the keychain works, for the banner.
func (l *Local) noteKeychain(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var p *Problem
	if errors.Is(err, keychain.ErrUnavailable) || errors.Is(err, keychain.ErrLocked) || errors.Is(err, keychain.ErrRefused) {
		p = &Problem{Kind: ProblemKeychain, Message: err.Error()}
	}
	if (p == nil) == (l.keysProb == nil) && (p == nil || *p == *l.keysProb) {
		return
	}
	l.keysProb = p
	l.publishProblemsLocked()
}

func (l *Local) publishProjectLocked(t *tracked) {
	s := l.stateLocked(t)
	l.events.publish(Event{Kind: EventProject, Project: &s})
}

// stateLocked returns a copy of t's state with derived fields filled in.
func (l *Local) stateLocked(t *tracked) ProjectState {
	s := t.state
	if last := t.tracker.Last(); last.Known() {
		rl := last
		s.RateLimit = &rl
	}
	if perMin, ok := t.tracker.OthersPerMinute(); ok {
		s.OthersPerMinute = &perMin
		if d, ok := t.tracker.ExhaustedIn(l.now()); ok {
			s.ExhaustedAt = l.now().Add(d)
		}
	}
	return s
}

// Snapshot implements Service.
func (l *Local) Snapshot(context.Context) (Snapshot, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	snap := Snapshot{
		Projects:   make([]ProjectState, 0, len(l.file.Projects)),
		Settings:   l.file.Settings,
		Problems:   l.problemsLocked(),
		ConfigPath: l.store.Path(),
		Endpoint:   l.api.Endpoint,
		Demo:       l.demo,
		Seq:        l.events.lastSeq(),
	}
	if snap.Settings == (project.Settings{}) {
		snap.Settings = project.DefaultSettings()
	}
	for _, p := range l.file.Projects {
		snap.Projects = append(snap.Projects, l.stateLocked(l.states[p.ID]))
	}
	sort.SliceStable(snap.Projects, func(i, j int) bool { return lessName(snap.Projects[i].Name, snap.Projects[j].Name) })
	return snap, nil
}

// Subscribe implements Service.
func (l *Local) Subscribe(ctx context.Context) (<-chan Event, error) {
	return l.events.subscribe(ctx), nil
}

// History implements Service.
func (l *Local) History(_ context.Context, id string) ([]ratelimit.Point, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.states[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", project.ErrNotFound, id)
	}
	return t.tracker.History(), nil
}
