package gui

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// TestMonitorPublishesWhileUIRuns runs the service's monitor on the wall
// clock, keeps it checking, and uses the window meanwhile. Under -race it
// proves no widget is touched off the UI goroutine (here: the test's).
func TestMonitorPublishesWhileUIRuns(t *testing.T) {
	h := newHarness(t, harnessOptions{now: time.Now})
	const projects = 12
	for i := range projects {
		h.seed(fmt.Sprintf("project-%02d", i), hcloudsim.Read)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var run sync.WaitGroup
	run.Go(func() { h.svc.Run(ctx) })
	hammer, stopHammer := context.WithCancel(ctx)
	var hammering sync.WaitGroup
	hammering.Go(func() { // every project due again and again
		for hammer.Err() == nil {
			h.svc.Monitor().CheckNow()
			time.Sleep(40 * time.Millisecond)
		}
	})
	defer func() {
		stopHammer()
		hammering.Wait()
		h.quiesce()
		cancel()
		run.Wait()
	}()

	w := h.open(20 * time.Millisecond) // tick fast, too
	before := len(h.sim.Requests())
	for i := range 400 {
		h.ui.drain()
		switch i % 50 {
		case 0:
			w.list.list.Select(i / 50 % projects)
		case 10:
			test.Tap(w.detail.checkBtn)
		case 20:
			h.shortcut(fyne.KeyN)
		case 30:
			if w.open != nil {
				w.open.dismiss()
			}
		case 40:
			h.shortcut(fyne.KeyR)
		}
		time.Sleep(3 * time.Millisecond)
	}
	h.waitFor("the monitor's checks in the window", func() bool {
		n := 0
		for _, p := range w.model.projects {
			if !p.CheckedAt.IsZero() && p.NextCheckAt.After(p.CheckedAt) {
				n++
			}
		}
		return n == projects && w.busy == 0
	})
	if n := len(h.sim.Requests()) - before; n < projects*2 {
		t.Errorf("only %d requests while the window was up; the monitor did not run", n)
	}
}

// quiesce waits until the monitor has nothing in flight and nothing due
// soon. core's CheckProject dereferences a nil *hetzner.Problem when its
// context ends right after a successful check (errors.Is on a typed nil),
// so Run's context must not end mid-check; reported to core.
func (h *harness) quiesce() {
	h.t.Helper()
	last, since := -1, time.Now()
	h.waitFor("the monitor to go quiet", func() bool {
		if n := len(h.sim.Requests()); n != last {
			last, since = n, time.Now()
			return false
		}
		next, ok := h.svc.Monitor().NextDue()
		return time.Since(since) > 300*time.Millisecond && (!ok || time.Until(next) > 5*time.Second)
	})
}

// scriptedService is a Service whose event stream the test writes.
type scriptedService struct {
	service.Service
	events    chan service.Event
	mu        sync.Mutex
	snapshots int
	snap      func(n int) service.Snapshot
}

func (s *scriptedService) Subscribe(context.Context) (<-chan service.Event, error) {
	return s.events, nil
}

func (s *scriptedService) Snapshot(context.Context) (service.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snapshots++
	return s.snap(s.snapshots), nil
}

// TestBridgeResyncs: after EventResync the window takes a new Snapshot
// rather than trusting the events it has.
func TestBridgeResyncs(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	svc := &scriptedService{Service: h.svc, events: make(chan service.Event, 8), snap: func(n int) service.Snapshot {
		s := service.Snapshot{Seq: uint64(n * 10)}
		for i := range n {
			s.Projects = append(s.Projects, service.ProjectState{})
			s.Projects[i].ID, s.Projects[i].Name = fmt.Sprintf("p%d", i), fmt.Sprintf("snapshot-%d-project-%d", n, i)
		}
		return s
	}}
	w := newMainWindow(t.Context(), h.app, svc, Options{Now: h.clock.Now}, uiEnv{do: h.ui.do})
	h.w = w
	t.Cleanup(w.win.Close)
	h.waitFor("the first snapshot", func() bool { return len(w.model.projects) == 1 })

	stale := service.ProjectState{}
	stale.ID, stale.Name = "p0", "stale"
	svc.events <- service.Event{Seq: 5, Kind: service.EventProject, Project: &stale} // older than the snapshot: ignored
	svc.events <- service.Event{Seq: 11, Kind: service.EventResync}
	h.waitFor("the second snapshot", func() bool { return len(w.model.projects) == 2 })
	if got := w.model.projects[0].Name; got != "snapshot-2-project-0" {
		t.Errorf("first project %q", got)
	}
	if w.model.seq != 20 {
		t.Errorf("seq %d, want the snapshot's 20", w.model.seq)
	}
}
