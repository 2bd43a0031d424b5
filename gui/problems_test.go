package gui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// bannerText returns the text of every banner shown.
func (h *harness) bannerText() string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(h.w.banners.content) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// addThroughDialog fills in the Add dialog and presses Save; it returns
// the dialog, still open when saving failed.
func (h *harness) addThroughDialog(name, tok string) *tokenDialog {
	h.t.Helper()
	if h.w.open != nil {
		h.t.Fatalf("a dialog is open already: %T", h.w.open)
	}
	h.w.onAdd()
	d := h.tokenDialog()
	h.typeInto(d.name, name)
	h.typeInto(d.token, tok)
	test.Tap(d.saveBtn)
	h.waitFor("saving to end", func() bool { return !d.busy })
	return d
}

func TestProblemBanners(t *testing.T) {
	const badConfig = "{not json"
	tests := []struct {
		name   string
		opts   harnessOptions
		cause  func(h *harness)
		want   []string
		verify func(h *harness)
	}{
		{
			name: "keychain locked",
			cause: func(h *harness) {
				h.keys.Fail(keychain.ErrLocked)
				d := h.addThroughDialog("production", h.simToken("prod", hcloudsim.Read))
				assertShows(h.t, "dialog error", d.errText, "The token was not saved: Could not save the token")
			},
			want: []string{"The system keychain cannot be used", "locked", "Once it works again, press Check all."},
			verify: func(h *harness) {
				if h.keys.Len() != 0 || len(h.snapshot().Projects) != 0 {
					h.t.Error("something was stored although the keychain is locked")
				}
			},
		},
		{
			name: "config file unreadable",
			opts: harnessOptions{configText: badConfig},
			want: []string{"The config file cannot be used — nothing is being changed", project.FileName, "is not valid JSON", "fix or move the file away"},
			verify: func(h *harness) {
				d := h.addThroughDialog("production", h.simToken("prod", hcloudsim.Read))
				assertShows(h.t, "dialog error", d.errText, "Config file unusable")
				data, err := os.ReadFile(filepath.Join(h.dir, project.FileName))
				if err != nil || string(data) != badConfig {
					h.t.Errorf("the config file was touched: %q, %v", data, err)
				}
				if h.keys.Len() != 0 {
					h.t.Error("a token went to the keychain although nothing can be saved")
				}
			},
		},
		{
			name: "everything offline",
			cause: func(h *harness) {
				h.seed("production", hcloudsim.Read)
				h.seed("staging", hcloudsim.Read)
				h.waitFor("the projects", func() bool { return len(h.w.model.projects) == 2 })
				h.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.DropConnection})
				h.shortcut(fyne.KeyR)
				h.waitFor("the checks", func() bool { return h.w.busy == 0 && h.w.model.allOffline() })
			},
			want: []string{"Offline", "No project could reach Hetzner's API"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts)
			h.open(0)
			if tt.cause != nil {
				tt.cause(h)
			}
			h.waitFor("a banner", func() bool { return len(h.w.banners.shown) > 0 })
			got := h.bannerText()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("banners do not say %q:\n%s", w, got)
				}
			}
			if tt.verify != nil {
				tt.verify(h)
			}
		})
	}
}

func TestRateLimitedSaysUntilWhen(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	prod := h.seed("production", hcloudsim.Read)
	w := h.open(0)
	h.waitFor("production selected", func() bool { return w.selected == prod.ID })
	h.sim.AddProject("production", 3600).SetRemaining(0)
	test.Tap(w.detail.checkBtn)
	h.waitFor("the check", func() bool { return w.busy == 0 })
	assertShows(t, "status", w.detail.status, "Rate limited")
	assertShows(t, "problem", w.detail.problemText, "rate limit is used up (429 rate_limit_exceeded)")
	assertShows(t, "full again", w.detail.fullAgain, "Rate limited: CloudMoo asks again at 15:00 (in 1 h); the budget refills meanwhile.")
	if w.detail.problemFix.Visible() {
		t.Error("Replace token offered for a rate limit")
	}
}

// failingService fails Snapshot until healed, as an agent that is down.
type failingService struct {
	service.Service
	broken chan bool // receives the new state
	down   bool
}

func (f *failingService) Snapshot(ctx context.Context) (service.Snapshot, error) {
	select {
	case f.down = <-f.broken:
	default:
	}
	if f.down {
		return service.Snapshot{}, errors.New("the agent's socket refused the connection")
	}
	return f.Service.Snapshot(ctx)
}

func TestServiceErrorBanner(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	svc := &failingService{Service: h.svc, broken: make(chan bool, 1), down: true}
	w := newMainWindow(t.Context(), h.app, svc, Options{Now: h.clock.Now}, uiEnv{do: h.ui.do, loc: h.clock.Now().Location()})
	h.w = w
	t.Cleanup(w.win.Close)
	h.waitFor("the banner", func() bool { return w.serviceErr != nil })
	if got := h.bannerText(); !strings.Contains(got, "CloudMoo's service does not answer") || !strings.Contains(got, "socket refused") {
		t.Errorf("banner: %q", got)
	}
	if w.body.Objects[0] != w.loading {
		t.Error("the window shows something other than Loading while it has no state")
	}
	svc.broken <- false
	h.waitFor("recovery", func() bool { return w.model.loaded && w.serviceErr == nil && len(w.banners.shown) == 0 })
	if w.body.Objects[0] != w.empty.content {
		t.Error("no empty state after recovery")
	}
}

func TestEmptyStateAndImport(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "cli.toml")
	t.Setenv("HCLOUD_CONFIG", missing) // never the real one in $HOME
	h := newHarness(t, harnessOptions{})
	w := newMainWindow(t.Context(), h.app, h.svc, Options{Now: h.clock.Now}, uiEnv{do: h.ui.do})
	h.w = w
	t.Cleanup(w.win.Close)
	h.waitFor("the empty state", func() bool { return w.body.Objects[0] == w.empty.content })
	if w.win.Title() != "CloudMoo" {
		t.Errorf("title %q", w.win.Title())
	}
	var text strings.Builder
	links := 0
	for _, o := range test.LaidOutObjects(w.empty.content) {
		switch o := o.(type) {
		case *canvas.Text:
			text.WriteString(o.Text + " ")
		case *widget.Hyperlink:
			links++
			if o.URL.String() != consoleURL {
				t.Errorf("link to %s", o.URL)
			}
		}
	}
	if links != 1 {
		t.Errorf("%d links to the Console, want 1", links)
	}
	for _, want := range []string{"Open the Hetzner Console", "Security › API Tokens", "Generate API Token", "choose  Read", "Hetzner shows it only once"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("empty state does not say %q:\n%s", want, text.String())
		}
	}
	if !disabled(w.checkAllBtn) {
		t.Error("Check all enabled with no project")
	}
	test.Tap(w.empty.importBtn)
	d, ok := w.open.(*importDialog)
	if !ok {
		t.Fatalf("the empty state's import button opened %T, want the import dialog", w.open)
	}
	h.waitFor("the missing file's error", func() bool { return !d.loading })
	assertShows(t, "import error", d.errText, "There is no hcloud CLI config at "+missing)
	if !disabled(d.importBtn) || len(d.rows) != 0 {
		t.Error("Import is offered without a file")
	}
}

func TestWindowRemembersItsSize(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	w := h.open(0)
	if got := w.win.Canvas().Size(); got != testSize {
		t.Fatalf("size %v", got)
	}
	w.win.Resize(fyne.NewSize(820, 540))
	w.win.Close()
	if w.bridge.ctx.Err() == nil {
		t.Error("closing the window did not stop its goroutines")
	}
	if got := h.app.Preferences().Float(PrefWidth); got != 820 {
		t.Errorf("saved width %v", got)
	}
	w2 := newMainWindow(t.Context(), h.app, h.svc, Options{Now: h.clock.Now}, uiEnv{do: h.ui.do})
	t.Cleanup(w2.win.Close)
	if got := w2.win.Canvas().Size(); got != fyne.NewSize(820, 540) {
		t.Errorf("reopened at %v, want 820×540", got)
	}
	w2.win.Resize(fyne.NewSize(900, 600))
	h.w = w2
	h.shortcut(fyne.KeyQ)
	if got := h.app.Preferences().Float(PrefHeight); got != 600 {
		t.Errorf("Ctrl+Q saved height %v, want 600", got)
	}
}
