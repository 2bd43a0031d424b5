// Package gui is CloudMoo Desktop's window: a thin view that renders what
// core's Service publishes and sends the user's intent back through it. It
// never speaks HTTP or touches the keychain.
//
// Service calls run off the UI goroutine and come back through the bridge
// (bridge.go), the package's one caller of fyne.Do.
package gui

import (
	"context"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// Options configure the window.
type Options struct {
	Version string
	Now     func() time.Time // nil = time.Now; tests pass a fixed clock
	// Notice, when set, is said once above the projects, e.g. that no
	// system tray was found. It is remembered as shown in the app's
	// Preferences under a key derived from its text, so a new text is
	// said again but the same one not at every start.
	Notice string
}

// Preference keys under which the window remembers its size.
const (
	PrefWidth  = "window.width"
	PrefHeight = "window.height"
)

// Default and smallest window sizes.
var (
	defaultSize = fyne.NewSize(1000, 660)
	minimumSize = fyne.NewSize(640, 420)
)

// uiEnv is how the window reaches the UI goroutine and the clock. The app
// uses fyne.Do and a one-second tick; tests pass a queue their goroutine
// drains (Fyne's test driver runs fyne.Do inline on the caller's
// goroutine) and may stop the tick to render golden files.
type uiEnv struct {
	do   func(func())
	tick time.Duration
	loc  *time.Location
}

// MainWindow is the app's one window.
type MainWindow struct {
	app    fyne.App
	win    fyne.Window
	opts   Options
	env    uiEnv
	now    func() time.Time
	cancel context.CancelFunc
	bridge *bridge

	model      viewModel
	serviceErr error
	selected   string         // ID of the selected project
	selIndex   int            // its row, to select a neighbour when it goes
	histID     string         // the project whose history was last asked for…
	histAt     time.Time      // …after the check at this time
	inflight   map[string]int // running actions per project ID ("" = all)
	busy       int
	open       modalPart // the dialog that is open, if any

	list        *projectList
	detail      *projectDetail
	empty       *emptyState
	banners     *problemBanners
	top         *fyne.Container // toolbar, notice, banners
	notice      *noticeCard     // nil when there is none, or once dismissed
	body        *fyne.Container
	split       *container.Split
	loading     fyne.CanvasObject
	demo        *widget.Label
	addBtn      *widget.Button
	importBtn   *widget.Button
	checkAllBtn *widget.Button
	settingsBtn *widget.Button
	status      *widget.Label
	activity    *widget.Activity
	shortcuts   *widget.Label
}

// NewMainWindow builds the window over svc and starts following it until
// ctx ends or the window closes. It is not shown yet.
func NewMainWindow(ctx context.Context, a fyne.App, svc service.Service, opts Options) *MainWindow {
	return newMainWindow(ctx, a, svc, opts, uiEnv{do: fyne.Do, tick: time.Second, loc: time.Local})
}

func newMainWindow(ctx context.Context, a fyne.App, svc service.Service, opts Options, env uiEnv) *MainWindow {
	ctx, cancel := context.WithCancel(ctx)
	w := &MainWindow{
		app: a, win: a.NewWindow("CloudMoo"), opts: opts, env: env, now: opts.Now, cancel: cancel,
		bridge:   &bridge{ctx: ctx, svc: svc, do: env.do},
		inflight: map[string]int{},
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.env.loc == nil {
		w.env.loc = time.Local
	}
	w.buildUI()
	w.restoreSize()
	w.addShortcuts()
	w.win.SetOnClosed(func() {
		w.saveSize()
		w.cancel()
	})
	w.showNotice()
	w.refresh()
	w.bridge.watch(w.onUpdate)
	w.bridge.every(env.tick, w.onTick)
	return w
}

// Window returns the Fyne window.
func (w *MainWindow) Window() fyne.Window { return w.win }

func (w *MainWindow) buildUI() {
	w.list = newProjectList(&w.model, w.now, w.onSelect, w.onRemove)
	w.detail = newProjectDetail(w.env.loc, detailActions{
		check: w.onCheckNow, detect: w.onDetect, rename: w.onRename, replace: w.onReplace, remove: w.onRemove,
	})
	w.empty = newEmptyState(w.onAdd, w.onImport)
	w.banners = newProblemBanners()

	w.addBtn = widget.NewButtonWithIcon("Add project…", theme.ContentAddIcon(), w.onAdd)
	w.importBtn = widget.NewButtonWithIcon("Import from hcloud CLI…", theme.DownloadIcon(), w.onImport)
	w.checkAllBtn = widget.NewButtonWithIcon("Check all", theme.ViewRefreshIcon(), w.onCheckAll)
	w.settingsBtn = widget.NewButtonWithIcon("Settings…", theme.SettingsIcon(), w.onSettings)
	w.demo = widget.NewLabelWithStyle("Demo — simulated API", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	w.demo.Importance = widget.WarningImportance
	w.demo.Hide()
	toolbar := container.NewHBox(w.addBtn, w.importBtn, w.checkAllBtn, w.settingsBtn, layout.NewSpacer(), w.demo)

	w.split = container.NewHSplit(w.list.list, w.detail.content)
	w.split.Offset = 0.36
	w.loading = container.NewCenter(widget.NewLabel("Loading projects…"))
	w.body = container.NewStack(w.loading)

	w.status = widget.NewLabel("")
	w.status.Truncation = fyne.TextTruncateEllipsis
	w.activity = widget.NewActivity()
	w.activity.Hide()
	w.shortcuts = newHint()
	w.shortcuts.Wrapping = fyne.TextWrapOff
	w.shortcuts.SetText(shortcutHelp())
	statusBar := container.NewBorder(nil, nil, w.activity, w.shortcuts, w.status)

	w.top = container.NewVBox(toolbar, w.banners.content)
	w.win.SetContent(container.NewBorder(w.top, statusBar, nil, nil, w.body))
}

// shortcutHelp names the keyboard shortcuts in the platform's words.
func shortcutHelp() string {
	mod := "Ctrl+"
	if runtime.GOOS == "darwin" {
		mod = "Cmd+"
	}
	return mod + "N add · " + mod + "R check all · Delete remove · " + mod + "Q quit"
}

// onUpdate folds what the bridge delivered into the view model, then
// answers a request to show the window, if one came: after the state, so
// that a project added just before can be selected.
func (w *MainWindow) onUpdate(u update) {
	shows := requests(u.events)
	if u.err != nil {
		w.serviceErr = u.err
	} else {
		w.serviceErr = nil
		if u.snap != nil {
			w.model.reset(*u.snap)
		}
		w.model.apply(u.events)
	}
	w.refresh()
	for _, e := range shows {
		w.raise(e.ID)
	}
}

// raise brings the window to the front (a second launch, the tray's menu)
// and selects project id when it is set and known.
func (w *MainWindow) raise(id string) {
	w.win.Show()
	w.win.RequestFocus()
	if id != "" && id != w.selected && w.model.index(id) >= 0 {
		w.selected = id
		w.selIndex = w.model.index(id)
		w.refresh()
	}
}

// refresh makes every part show the view model.
func (w *MainWindow) refresh() {
	m := &w.model
	w.banners.show(bannersFor(m, w.serviceErr))
	w.demo.Hidden = !m.demo
	w.demo.Refresh()
	switch {
	case !m.loaded:
		w.setBody(w.loading)
		setEnabled(w.checkAllBtn, false)
		return
	case len(m.projects) == 0:
		w.selected, w.selIndex = "", 0
		w.setBody(w.empty.content)
		setEnabled(w.checkAllBtn, false)
		return
	}
	setEnabled(w.checkAllBtn, w.inflight[""] == 0)
	if i := m.index(w.selected); i >= 0 {
		w.selIndex = i
	} else {
		w.selIndex = min(max(w.selIndex, 0), len(m.projects)-1)
		w.selected = m.projects[w.selIndex].ID
	}
	w.setBody(w.split)
	w.list.sync(w.selected)
	w.showSelected()
}

func (w *MainWindow) setBody(o fyne.CanvasObject) {
	if len(w.body.Objects) == 1 && w.body.Objects[0] == o {
		return
	}
	w.body.Objects = []fyne.CanvasObject{o}
	w.body.Refresh()
}

// onSelect is the list's selection.
func (w *MainWindow) onSelect(id string) {
	if id == w.selected && w.histID == id {
		return
	}
	w.selected = id
	w.selIndex = w.model.index(id)
	w.showSelected()
}

// showSelected fills the detail and fetches the history when a new
// reading came in.
func (w *MainWindow) showSelected() {
	st, ok := w.model.find(w.selected)
	if !ok {
		return
	}
	w.detail.busy = w.inflight[st.ID] > 0 || w.inflight[""] > 0
	w.detail.show(st, w.now(), w.model.settings.LowPercent)
	if st.ID != w.histID || !st.CheckedAt.Equal(w.histAt) {
		w.histID, w.histAt = st.ID, st.CheckedAt
		w.loadHistory(st.ID)
	}
}

func (w *MainWindow) loadHistory(id string) {
	background(w.bridge, func(ctx context.Context) ([]ratelimit.Point, error) {
		return w.bridge.svc.History(ctx, id)
	}, func(points []ratelimit.Point, err error) {
		if err == nil {
			w.detail.setHistory(id, points, w.now())
		}
	})
}

// onTick redraws what changes with time: projections, "checked 12 s ago".
func (w *MainWindow) onTick() {
	if len(w.model.projects) == 0 {
		return
	}
	w.list.list.Refresh()
	if _, ok := w.model.find(w.selected); ok {
		w.detail.tick(w.now())
	}
}

// addShortcuts wires the keyboard: Ctrl/Cmd+N, +R, +Q on the canvas;
// Delete, Escape and Enter when no widget has the focus.
func (w *MainWindow) addShortcuts() {
	c := w.win.Canvas()
	mod := fyne.KeyModifierShortcutDefault
	for key, fn := range map[fyne.KeyName]func(){fyne.KeyN: w.onAdd, fyne.KeyR: w.onCheckAll, fyne.KeyQ: w.onQuit} {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod}, func(fyne.Shortcut) { fn() })
	}
	c.SetOnTypedKey(w.onTypedKey)
}

func (w *MainWindow) onTypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		if w.open != nil {
			w.open.dismiss()
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if w.open != nil {
			w.open.submit()
		}
	case fyne.KeyDelete:
		w.onRemove()
	}
}

// restoreSize applies the size the window had when it was last closed.
func (w *MainWindow) restoreSize() {
	p := w.app.Preferences()
	width := float32(p.FloatWithFallback(PrefWidth, float64(defaultSize.Width)))
	height := float32(p.FloatWithFallback(PrefHeight, float64(defaultSize.Height)))
	w.win.Resize(fyne.NewSize(max(width, minimumSize.Width), max(height, minimumSize.Height)))
}

// saveSize remembers the window's size for the next start.
func (w *MainWindow) saveSize() {
	s := w.win.Canvas().Size()
	if s.Width < minimumSize.Width || s.Height < minimumSize.Height {
		return // not laid out yet, or minimised: keep what we had
	}
	p := w.app.Preferences()
	p.SetFloat(PrefWidth, float64(s.Width))
	p.SetFloat(PrefHeight, float64(s.Height))
}

// onQuit is Ctrl/Cmd+Q.
func (w *MainWindow) onQuit() {
	w.saveSize()
	w.app.Quit()
}
