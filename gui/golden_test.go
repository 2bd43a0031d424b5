package gui

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/cloudmoo/cloudmoo-desktop/core/demo"
	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// updateGolden rewrites the golden files: go test -tags migrated_fynedo ./gui/ -run Golden -update
var updateGolden = flag.Bool("update", false, "rewrite the golden files under gui/testdata/")

// assertGolden compares the canvas with testdata/name.xml (markup) and,
// when withImage, testdata/name.png; -update rewrites them.
func assertGolden(t *testing.T, name string, c fyne.Canvas, withImage bool) {
	t.Helper()
	settle(c)
	if *updateGolden {
		writeGolden(t, name+".xml", []byte(test.RenderToMarkup(c)))
		if withImage {
			var buf bytes.Buffer
			if err := png.Encode(&buf, c.Capture()); err != nil {
				t.Fatal(err)
			}
			writeGolden(t, name+".png", buf.Bytes())
		}
		return
	}
	test.AssertRendersToMarkup(t, name+".xml", c)
	if withImage {
		test.AssertRendersToImage(t, name+".png", c)
	}
}

// settle lays the whole tree out again, top down, a few times, as the
// desktop driver does frame by frame when a minimum size changes (a label
// that wraps is only as tall as its width allows). The test canvas lays
// out only on resize, so without this a golden file would show the first,
// unsettled pass.
func settle(c fyne.Canvas) {
	for range 3 {
		layoutTree(c.Content())
		for _, o := range c.Overlays().List() {
			layoutTree(o)
		}
	}
}

func layoutTree(o fyne.CanvasObject) {
	switch o := o.(type) {
	case *fyne.Container:
		if o.Layout != nil {
			o.Layout.Layout(o.Objects, o.Size())
		}
		for _, child := range o.Objects {
			layoutTree(child)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(o)
		r.Layout(o.Size())
		for _, child := range r.Objects() {
			layoutTree(child)
		}
	}
}

func writeGolden(t *testing.T, file string, data []byte) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// demoHarness builds the --demo mode's sample projects on the harness's
// still clock (demo.Start runs on the wall clock, which golden files cannot
// use), then lets eight minutes pass in two-minute checks so every figure
// — budgets, others' spending, history — is there and fixed.
func demoHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, harnessOptions{demo: true})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	for _, s := range demo.Samples() {
		p := h.sim.AddProject(s.Name, s.Limit)
		tok := hcloudsim.TokenFor(s.Name)
		p.AddToken(tok, s.Permission)
		p.AddServers(s.Servers)
		if s.Remaining > 0 {
			p.SetRemaining(s.Remaining)
		}
		if s.OthersRate > 0 {
			h.sim.StartOthers(ctx, p, s.OthersRate)
		}
		req := service.AddRequest{Name: s.Name, Token: tok}
		if s.Revoked {
			req.SkipCheck, req.Permission = true, project.PermissionRead
		}
		if _, err := h.svc.Add(ctx, req); err != nil {
			t.Fatalf("adding %s: %v", s.Name, err)
		}
		if s.Revoked {
			h.sim.RevokeToken(tok)
		}
	}
	for range 4 {
		h.clock.Add(2 * time.Minute)
		if _, err := h.svc.CheckNow(ctx); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Add(12 * time.Second) // so the projection shows as one
	return h
}

func TestGoldenMainWindow(t *testing.T) {
	h := demoHarness(t)
	w := h.open(0) // no ticking: the golden file must not move
	ci, _ := h.projectNamed("ci-runners")
	w.list.list.Select(w.model.index(ci.ID))
	h.waitFor("ci-runners with its history", func() bool {
		return w.detail.title.Text == "ci-runners" && len(w.detail.spark.values) > 1 && w.demo.Visible()
	})
	assertGolden(t, "main_window_demo", w.win.Canvas(), true)

	prod, _ := h.projectNamed("production")
	w.list.list.Select(w.model.index(prod.ID))
	h.waitFor("production with its history", func() bool { return w.detail.title.Text == "production" && w.detail.history != nil })
	assertGolden(t, "main_window_demo_production", w.win.Canvas(), false)
}

func TestGoldenEmptyWindow(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	w := h.open(0)
	h.waitFor("the empty state", func() bool { return w.body.Objects[0] == w.empty.content })
	assertGolden(t, "main_window_empty", w.win.Canvas(), true)
}

func TestGoldenAddDialog(t *testing.T) {
	h := demoHarness(t)
	tok := h.simToken("prod-eu", hcloudsim.ReadWrite)
	p := h.sim.AddProject("prod-eu", 3600)
	p.AddServers(4)
	w := h.open(0)
	h.shortcut(fyne.KeyN)
	d := h.tokenDialog()
	h.typeInto(d.name, "prod-eu")
	h.typeInto(d.token, tok)
	test.Tap(d.checkBtn)
	h.waitFor("the check's result", func() bool { return d.resultBox.Visible() && !d.busy })
	w.win.Canvas().Unfocus() // no cursor in the picture
	assertGolden(t, "add_dialog_checked", w.win.Canvas(), true)
}
