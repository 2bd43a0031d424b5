package gui

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// waitDeadline is how long a test waits for an asynchronous result before
// it fails; waitPoll is how often it looks.
const (
	waitDeadline = 10 * time.Second
	waitPoll     = 10 * time.Millisecond
)

// testSize is the fixed window size of every test, golden files included.
var testSize = fyne.NewSize(1000, 660)

// t0 is the fixed start of every test clock (a UTC weekday afternoon).
var t0 = time.Date(2026, 3, 4, 14, 0, 0, 0, time.UTC)

// testClock is a clock tests move by hand; it stands still otherwise.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// uiQueue stands in for the UI goroutine. Fyne's test driver runs fyne.Do
// inline on whatever goroutine calls it, which would let the bridge's
// goroutines touch widgets while the test does; instead the bridge queues
// here and the test goroutine runs the queue, exactly as the app's event
// loop runs fyne.Do's queue. A widget touched off this path races with the
// test goroutine, and -race reports it.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) do(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

// drain runs what is queued now, on the calling (test) goroutine. What
// those functions queue waits for the next drain, as in an event loop, so
// a fast ticker cannot keep drain from returning.
func (q *uiQueue) drain() {
	q.mu.Lock()
	fns := q.fns
	q.fns = nil
	q.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// harness is a window over core's Local service, the simulated Hetzner API
// and an in-memory keychain.
type harness struct {
	t     testing.TB
	app   fyne.App
	clock *testClock
	now   func() time.Time // the clock everything runs on
	sim   *hcloudsim.Server
	url   string
	keys  *keychain.Memory
	dir   string
	svc   *service.Local
	ui    *uiQueue
	w     *MainWindow
}

type harnessOptions struct {
	demo       bool
	configText string           // written to the config file before the service starts
	preload    int              // projects written to the config file (and keychain) beforehand
	now        func() time.Time // nil: the harness's still clock
}

func newHarness(t testing.TB, opts harnessOptions) *harness {
	t.Helper()
	h := &harness{t: t, app: test.NewTempApp(t), clock: &testClock{t: t0}, keys: keychain.NewMemory(), dir: t.TempDir(), ui: &uiQueue{}}
	now := opts.now
	if now == nil {
		now = h.clock.Now
	}
	h.now = now
	h.sim = hcloudsim.New(hcloudsim.Options{Now: now})
	h.url = h.sim.Start()
	t.Cleanup(h.sim.Close)
	store := project.NewStore(h.dir)
	if opts.configText != "" {
		if err := os.WriteFile(store.Path(), []byte(opts.configText), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if opts.preload > 0 {
		preload(t, store, h.keys, opts.preload)
	}
	h.svc = service.NewLocal(service.Options{
		Store:    store,
		Keychain: h.keys,
		API:      hetzner.Config{Endpoint: h.url, Retries: -1},
		Now:      now,
		Demo:     opts.demo,
	})
	return h
}

// simToken creates a project in the simulator and returns a token for it.
func (h *harness) simToken(project string, perm hcloudsim.Permission) string {
	p := h.sim.AddProject(project, 3600)
	tok := hcloudsim.TokenFor(project + "-" + perm.String())
	p.AddToken(tok, perm)
	return tok
}

// seed adds a project through the service, before or behind the window.
func (h *harness) seed(name string, perm hcloudsim.Permission) service.ProjectState {
	h.t.Helper()
	st, err := h.svc.Add(h.t.Context(), service.AddRequest{Name: name, Token: h.simToken(name, perm)})
	if err != nil {
		h.t.Fatalf("seeding %s: %v", name, err)
	}
	return st
}

// open builds the window (no ticking unless tick > 0) and waits for the
// first snapshot to be shown.
func (h *harness) open(tick time.Duration) *MainWindow {
	h.t.Helper()
	return h.openWith(h.svc, Options{}, tick)
}

// openWith is open over svc (e.g. the harness's service wrapped) with
// opts; Version and Now default to the harness's.
func (h *harness) openWith(svc service.Service, opts Options, tick time.Duration) *MainWindow {
	h.t.Helper()
	if opts.Version == "" {
		opts.Version = "test"
	}
	if opts.Now == nil {
		opts.Now = h.now
	}
	w := newMainWindow(h.t.Context(), h.app, svc, opts, uiEnv{do: h.ui.do, tick: tick, loc: time.UTC})
	h.w = w
	h.t.Cleanup(func() { closeWindow(w) })
	h.w.win.Resize(testSize)
	h.w.win.Show()
	h.waitFor("the first snapshot", func() bool { return h.w.model.loaded })
	return h.w
}

// closeWindow closes w unless the test did (Fyne's test driver panics
// on a second Close).
func closeWindow(w *MainWindow) {
	if w.bridge.ctx.Err() == nil {
		w.win.Close()
	}
}

// waitFor runs the UI queue until cond holds, failing after waitDeadline.
// cond runs on the test goroutine, which plays the UI goroutine, so it may
// read widgets.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(waitDeadline)
	for {
		h.ui.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out after %s waiting for %s", waitDeadline, what)
		}
		time.Sleep(waitPoll)
	}
}

// snapshot returns the service's state.
func (h *harness) snapshot() service.Snapshot {
	h.t.Helper()
	s, err := h.svc.Snapshot(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// projectNamed returns the project called name from the service.
func (h *harness) projectNamed(name string) (service.ProjectState, bool) {
	for _, p := range h.snapshot().Projects {
		if p.Name == name {
			return p, true
		}
	}
	return service.ProjectState{}, false
}

// secret returns what the keychain holds for id ("" when nothing).
func (h *harness) secret(id string) string {
	s, err := h.keys.Get(context.Background(), id)
	if err != nil {
		return ""
	}
	return s
}

// tokenDialog returns the open Add/Replace dialog.
func (h *harness) tokenDialog() *tokenDialog {
	h.t.Helper()
	d, ok := h.w.open.(*tokenDialog)
	if !ok {
		h.t.Fatalf("no token dialog is open (open: %T)", h.w.open)
	}
	return d
}

// typeInto focuses e and types s, as a person would.
func (h *harness) typeInto(e *dialogEntry, s string) {
	h.w.win.Canvas().Focus(e)
	test.Type(e, s)
}

// shortcut sends Ctrl/Cmd+key to the window's canvas, as the desktop
// driver does when no focused widget takes it. The test canvas hides its
// ShortcutHandler behind an interface, so reach the canvas it wraps.
func (h *harness) shortcut(key fyne.KeyName) {
	h.t.Helper()
	inner := reflect.ValueOf(h.w.win.Canvas()).Elem().FieldByName("WindowlessCanvas").Interface()
	sc, ok := inner.(fyne.Shortcutable)
	if !ok {
		h.t.Fatalf("the test canvas %T takes no shortcuts", inner)
	}
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault})
}

// rowTexts returns each visible row's name and status line.
func (h *harness) rowTexts() map[string]string {
	out := map[string]string{}
	for _, o := range test.LaidOutObjects(h.w.list.list) {
		if r, ok := o.(*projectRow); ok && r.Visible() && r.name.Text != "" {
			out[r.name.Text] = r.line.Text + " [" + r.badge.label.Text + "]"
		}
	}
	return out
}

func disabled(b *widget.Button) bool { return b.Disabled() }

// Keys the tests press.
var (
	fyneKeyEscape = fyne.KeyEvent{Name: fyne.KeyEscape}
	fyneKeyReturn = fyne.KeyEvent{Name: fyne.KeyReturn}
	fyneKeyDelete = fyne.KeyEvent{Name: fyne.KeyDelete}
)

// preload writes n projects straight into the config file and keychain,
// as if added earlier: no request is spent, so they start unchecked.
func preload(t testing.TB, store *project.Store, keys *keychain.Memory, n int) {
	t.Helper()
	_, err := store.Update(func(f *project.File) error {
		for i := range n {
			tok := hcloudsim.TokenFor(fmt.Sprintf("preload-%d", i))
			p := project.Project{ID: project.NewID(), Name: fmt.Sprintf("project-%03d", i), AddedAt: t0,
				Permission: project.PermissionRead, TokenMask: token.Mask(tok)}
			if err := f.Add(p); err != nil {
				return err
			}
			if err := keys.Set(context.Background(), p.ID, tok); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
