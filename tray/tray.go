package tray

import (
	"context"
	"errors"
	"fmt"
	"log"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/systray"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// Options set up the tray.
type Options struct {
	// Service is where the tray reads state and sends "check now"; the
	// agent passes its service.Local.
	Service service.Service
	// OnShow opens the window, on a project when projectID is not empty.
	// It runs on a goroutine of its own, so it may take its time.
	OnShow func(projectID string)
	// OnQuit ends the agent and any open window. The tray calls it when
	// Quit is chosen and then stops; Run returns.
	OnQuit func()
	// Now is the clock for projected budgets; nil means time.Now.
	Now func() time.Time
	// Refresh is how often the projected budgets are redrawn, without a
	// request; 0 means 30 s.
	Refresh time.Duration
	// Logf receives what goes wrong; nil means log.Printf.
	Logf func(format string, args ...any)
}

// ErrUnavailable is wrapped by Run's error when the session cannot show a
// tray icon (see Available). The agent should carry on without a tray.
var ErrUnavailable = errors.New("no system tray")

// errAlreadyRan: fyne.io/systray keeps global state and supports one
// tray per process.
var errAlreadyRan = errors.New("tray.Run was already called in this process; fyne.io/systray supports one tray per process")

var ran atomic.Bool

// Run shows the tray icon and menu and keeps them live until ctx ends or
// Quit is chosen (after OnQuit returns). When Available says no, it
// returns an error wrapping ErrUnavailable at once and starts nothing.
//
// Call Run once per process. On macOS and Windows call it from the main
// goroutine (the one main runs on): the menu bar and the notification
// area need the main thread, which fyne.io/systray locks at init. On Linux
// any goroutine will do.
func Run(ctx context.Context, opts Options) (err error) {
	if opts.Service == nil {
		return errors.New("tray.Run: Options.Service is nil")
	}
	if ok, reason := Available(); !ok {
		return fmt.Errorf("%w: %s", ErrUnavailable, reason)
	}
	if !ran.CompareAndSwap(false, true) {
		return errAlreadyRan
	}
	t := newTrayUI(opts)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	defer func() {
		// Older systray releases closed a nil D-Bus connection at quit when
		// the bus was gone; a tray problem must never take the agent down.
		if r := recover(); r != nil {
			err = fmt.Errorf("the system tray stopped unexpectedly: %v", r)
		}
		stop()
		t.wg.Wait()
	}()

	ready := make(chan struct{})
	t.wg.Add(2)
	go func() {
		defer t.wg.Done()
		select {
		case <-ready:
			t.loop(runCtx, stop)
		case <-runCtx.Done():
		}
	}()
	go func() {
		defer t.wg.Done()
		<-runCtx.Done()
		quitSystray(t.logf)
	}()

	if runtime.GOOS != "darwin" {
		// Windows and Linux panels open the app on a left click; macOS
		// shows the menu, as its users expect.
		systray.SetTitle("CloudMoo") // also the item's Id on Linux
		systray.SetOnTapped(func() { t.click(click{kind: ItemShow}) })
	}
	// onReady only signals: the loop makes every systray call, so they
	// never race with each other.
	systray.Run(func() { close(ready) }, nil)
	return nil
}

func quitSystray(logf func(string, ...any)) {
	defer func() {
		if r := recover(); r != nil {
			logf("tray: quitting the system tray failed: %v", r)
		}
	}()
	systray.Quit()
}

// click is a menu choice, sent to the loop.
type click struct {
	kind ItemKind
	id   string
}

// trayUI is the live tray. Everything but the channels belongs to the
// loop goroutine.
type trayUI struct {
	svc     service.Service
	onShow  func(string)
	onQuit  func()
	now     func() time.Time
	refresh time.Duration
	logf    func(string, ...any)
	wg      sync.WaitGroup

	clicks    chan click
	checkDone chan struct{}

	snap     service.Snapshot
	haveSnap bool
	snapErr  error
	checking bool

	shown     Menu
	built     bool
	iconShown State
	items     []*systray.MenuItem // parallel to shown.Items; nil for separators
	itemsDone chan struct{}       // closed when items are replaced: ends their listeners
}

func newTrayUI(opts Options) *trayUI {
	t := &trayUI{
		svc:       opts.Service,
		onShow:    opts.OnShow,
		onQuit:    opts.OnQuit,
		now:       opts.Now,
		refresh:   opts.Refresh,
		logf:      opts.Logf,
		clicks:    make(chan click, 8),
		checkDone: make(chan struct{}, 1),
		iconShown: -1,
	}
	if t.onShow == nil {
		t.onShow = func(string) {}
	}
	if t.onQuit == nil {
		t.onQuit = func() {}
	}
	if t.now == nil {
		t.now = time.Now
	}
	if t.refresh <= 0 {
		t.refresh = 30 * time.Second
	}
	if t.logf == nil {
		t.logf = log.Printf
	}
	return t
}

// click hands a choice to the loop without ever blocking systray's
// D-Bus or event thread; a click lost while eight wait is no loss.
func (t *trayUI) click(c click) {
	select {
	case t.clicks <- c:
	default:
	}
}

// loop subscribes, draws, and redraws on every event, click and tick until
// ctx ends. stop ends the tray (Quit).
func (t *trayUI) loop(ctx context.Context, stop func()) {
	defer func() {
		if t.itemsDone != nil {
			close(t.itemsDone)
		}
	}()
	events := t.subscribe(ctx)
	t.resync(ctx)
	t.render()
	tick := time.NewTicker(t.refresh)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				// The service stopped publishing (an agent restarting its
				// service, a lost connection): try again on the next tick.
				events = nil
				continue
			}
			t.apply(ctx, ev)
		case c := <-t.clicks:
			if c.kind == ItemQuit {
				t.onQuit()
				stop()
				return
			}
			t.onClick(ctx, c)
		case <-t.checkDone:
			t.checking = false
		case <-tick.C:
			if events == nil {
				if events = t.subscribe(ctx); events != nil {
					t.resync(ctx)
				}
			} else if !t.haveSnap {
				t.resync(ctx)
			}
		}
		t.render()
	}
}

func (t *trayUI) subscribe(ctx context.Context) <-chan service.Event {
	events, err := t.svc.Subscribe(ctx)
	if err != nil {
		t.logf("tray: cannot follow CloudMoo's projects (%v); retrying in %s", err, t.refresh)
		return nil
	}
	return events
}

// resync takes a fresh snapshot; events up to its Seq are in it.
func (t *trayUI) resync(ctx context.Context) {
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	snap, err := t.svc.Snapshot(sctx)
	if err != nil {
		if t.snapErr == nil || t.snapErr.Error() != err.Error() {
			t.logf("tray: cannot read CloudMoo's projects: %v", err)
		}
		t.snapErr = err
		return
	}
	t.snap, t.haveSnap, t.snapErr = snap, true, nil
}

// apply folds one event into the local snapshot. A project that is new or
// renamed takes a fresh snapshot, so the order stays the service's.
func (t *trayUI) apply(ctx context.Context, ev service.Event) {
	if ev.Kind == service.EventResync || !t.haveSnap {
		t.resync(ctx)
		return
	}
	if ev.Seq != 0 && ev.Seq <= t.snap.Seq {
		return // already in the snapshot
	}
	switch ev.Kind {
	case service.EventProject:
		if ev.Project == nil {
			return
		}
		i := t.indexOf(ev.Project.ID)
		if i < 0 || t.snap.Projects[i].Name != ev.Project.Name {
			t.resync(ctx)
			return
		}
		t.snap.Projects[i] = *ev.Project
	case service.EventRemoved:
		if i := t.indexOf(ev.ID); i >= 0 {
			t.snap.Projects = append(t.snap.Projects[:i:i], t.snap.Projects[i+1:]...)
		}
	case service.EventSettings:
		if ev.Settings != nil {
			t.snap.Settings = *ev.Settings
		}
	case service.EventProblems:
		t.snap.Problems = ev.Problems
	}
	if ev.Seq > t.snap.Seq {
		t.snap.Seq = ev.Seq
	}
}

func (t *trayUI) indexOf(id string) int {
	for i, p := range t.snap.Projects {
		if p.ID == id {
			return i
		}
	}
	return -1
}

func (t *trayUI) onClick(ctx context.Context, c click) {
	switch c.kind {
	case ItemProject:
		go t.onShow(c.id)
	case ItemProblem, ItemNoProjects, ItemShow:
		go t.onShow("")
	case ItemCheckAll:
		if t.checking {
			return
		}
		t.checking = true
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			if _, err := t.svc.CheckNow(cctx); err != nil && ctx.Err() == nil {
				t.logf("tray: check now: %v", err)
			}
			t.checkDone <- struct{}{}
		}()
	}
}

// render draws the menu for now, touching only what changed.
func (t *trayUI) render() {
	m := BuildMenu(t.snap, t.now())
	if !t.haveSnap && t.snapErr != nil {
		m.Tooltip = "CloudMoo — cannot read the projects: " + t.snapErr.Error()
	}
	if t.checking {
		for i := range m.Items {
			if m.Items[i].Kind == ItemCheckAll {
				m.Items[i].Title, m.Items[i].Disabled = TitleChecking, true
			}
		}
	}
	if m.State != t.iconShown {
		systray.SetIcon(iconFor(m.State))
		t.iconShown = m.State
	}
	if !t.built || m.Tooltip != t.shown.Tooltip {
		systray.SetTooltip(m.Tooltip)
	}
	if !t.built || !m.sameShape(t.shown) {
		t.rebuild(m)
	} else {
		t.update(m)
	}
	t.shown, t.built = m, true
}

// rebuild replaces every item: the set of projects or banners changed.
func (t *trayUI) rebuild(m Menu) {
	if t.itemsDone != nil {
		close(t.itemsDone)
	}
	if t.built {
		systray.ResetMenu()
	}
	t.itemsDone = make(chan struct{})
	t.items = make([]*systray.MenuItem, len(m.Items))
	for i, it := range m.Items {
		if it.Kind == ItemSeparator {
			systray.AddSeparator()
			continue
		}
		mi := systray.AddMenuItem(it.Title, it.Tooltip)
		if it.Disabled {
			mi.Disable()
		}
		t.items[i] = mi
		go t.listen(mi.ClickedCh, click{kind: it.Kind, id: it.ID}, t.itemsDone)
	}
}

// update changes titles, tooltips and enabled states in place, so an open
// menu does not flicker or close.
func (t *trayUI) update(m Menu) {
	for i, it := range m.Items {
		mi, old := t.items[i], t.shown.Items[i]
		if mi == nil {
			continue
		}
		if it.Title != old.Title {
			mi.SetTitle(it.Title)
		}
		if it.Tooltip != old.Tooltip {
			mi.SetTooltip(it.Tooltip)
		}
		if it.Disabled != old.Disabled {
			if it.Disabled {
				mi.Disable()
			} else {
				mi.Enable()
			}
		}
	}
}

// listen forwards an item's clicks until the item is removed or replaced.
func (t *trayUI) listen(clicked <-chan struct{}, c click, done <-chan struct{}) {
	for {
		select {
		case _, ok := <-clicked:
			if !ok {
				return
			}
			select {
			case t.clicks <- c:
			case <-done:
				return
			}
		case <-done:
			return
		}
	}
}
