package gui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
)

func TestRename(t *testing.T) {
	tests := []struct {
		name     string
		newName  string
		wantHint string // non-empty: refused, with this hint
	}{
		{name: "new name", newName: "prod-eu"},
		{name: "name of another project", newName: "Staging", wantHint: "A project called \"Staging\" exists already; choose another name."},
		{name: "empty", newName: "", wantHint: "The name is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOptions{})
			prod := h.seed("production", hcloudsim.Read)
			h.seed("staging", hcloudsim.Read)
			w := h.open(0)
			h.waitFor("production selected", func() bool { return w.selected == prod.ID })

			test.Tap(w.detail.renameBtn)
			d, ok := w.open.(*renameDialog)
			if !ok {
				t.Fatalf("rename dialog not open: %T", w.open)
			}
			d.name.SetText("")
			h.typeInto(d.name, tt.newName)
			if tt.wantHint != "" {
				assertShows(t, "hint", d.hint, tt.wantHint)
				if !disabled(d.saveBtn) {
					t.Error("Rename is enabled for a refused name")
				}
				if st, _ := h.projectNamed("production"); st.ID != prod.ID {
					t.Error("production was renamed")
				}
				return
			}
			d.name.TypedKey(&fyneKeyReturn)
			h.waitFor("the new name in the window", func() bool { return w.open == nil && w.detail.title.Text == tt.newName })
			st, ok := h.projectNamed(tt.newName)
			if !ok || st.ID != prod.ID {
				t.Fatalf("core has no %q with the same ID: %+v", tt.newName, h.snapshot().Projects)
			}
			if h.secret(prod.ID) == "" {
				t.Error("the keychain entry went away with the rename")
			}
			if _, ok := h.rowTexts()[tt.newName]; !ok {
				t.Errorf("no row shows %q: %v", tt.newName, h.rowTexts())
			}
		})
	}
}

func TestReplaceToken(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	prod := h.seed("production", hcloudsim.Read)
	newTok := hcloudsim.TokenFor("production-rotated")
	h.sim.AddProject("production", 3600).AddToken(newTok, hcloudsim.ReadWrite)
	w := h.open(0)
	h.waitFor("production selected", func() bool { return w.selected == prod.ID })
	if w.detail.lpHint.Visible() {
		t.Error("least-privilege hint shown for a Read token")
	}

	test.Tap(w.detail.replaceBtn)
	d := h.tokenDialog()
	if d.target == nil || d.target.ID != prod.ID {
		t.Fatalf("dialog is not replacing production: %+v", d.target)
	}
	h.typeInto(d.token, newTok)
	test.Tap(d.saveBtn)
	h.waitFor("the dialog to close", func() bool { return w.open == nil })

	st, _ := h.projectNamed("production")
	if st.ID != prod.ID || st.Permission != project.PermissionReadWrite || st.TokenMask == prod.TokenMask {
		t.Errorf("core after replace: %+v", st.Project)
	}
	if got := h.secret(prod.ID); got != newTok {
		t.Errorf("keychain holds %q, want the new token", got)
	}
	h.waitFor("the detail to show the new token", func() bool {
		return w.detail.badge.label.Text == "Read & Write" && w.detail.lpHint.Visible()
	})
	assertShows(t, "token", w.detail.token, st.TokenMask)
	assertShows(t, "status bar", w.status, "Delete the old token in the Hetzner Console")
}

func TestRevokedTokenOffersReplace(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	prod := h.seed("production", hcloudsim.Read)
	h.sim.RevokeToken(hcloudsim.TokenFor("production-" + hcloudsim.Read.String()))
	w := h.open(0)
	h.waitFor("production selected", func() bool { return w.selected == prod.ID })

	test.Tap(w.detail.checkBtn)
	h.waitFor("the rejection", func() bool { return w.detail.problem.Visible() && w.detail.problemFix.Visible() })
	assertShows(t, "problem", w.detail.problemText, "rejected by Hetzner")
	assertShows(t, "status", w.detail.status, "Token rejected")
	if got := h.rowTexts()["production"]; got != "Token rejected · 3\u202f597 / 3\u202f600 [Read]" {
		t.Errorf("row shows %q", got)
	}
	test.Tap(w.detail.problemFix)
	if d := h.tokenDialog(); d.target == nil || d.target.ID != prod.ID {
		t.Fatal("Replace token from the problem did not open the replace dialog")
	}
}

func TestRemove(t *testing.T) {
	tests := []struct {
		name    string
		open    func(h *harness)
		confirm func(h *harness, d *removeDialog)
		removed bool
	}{
		{name: "button, confirmed", open: func(h *harness) { test.Tap(h.w.detail.removeBtn) }, confirm: func(_ *harness, d *removeDialog) { test.Tap(d.remove) }, removed: true},
		{name: "button, cancelled", open: func(h *harness) { test.Tap(h.w.detail.removeBtn) }, confirm: func(_ *harness, d *removeDialog) { test.Tap(d.cancel) }},
		{name: "Delete key, Enter", open: func(h *harness) { h.w.win.Canvas().OnTypedKey()(&fyneKeyDelete) },
			confirm: func(h *harness, _ *removeDialog) { h.w.win.Canvas().OnTypedKey()(&fyneKeyReturn) }, removed: true},
		{name: "Delete on the list, Escape", open: func(h *harness) { h.w.list.list.TypedKey(&fyneKeyDelete) },
			confirm: func(h *harness, _ *removeDialog) { h.w.win.Canvas().OnTypedKey()(&fyneKeyEscape) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOptions{})
			prod := h.seed("production", hcloudsim.Read)
			staging := h.seed("staging", hcloudsim.Read)
			w := h.open(0)
			h.waitFor("production selected", func() bool { return w.selected == prod.ID })

			tt.open(h)
			d, ok := w.open.(*removeDialog)
			if !ok {
				t.Fatalf("no confirmation: %T", w.open)
			}
			tt.confirm(h, d)
			if !tt.removed {
				if w.open != nil {
					t.Error("the confirmation is still open")
				}
				if _, ok := h.projectNamed("production"); !ok || h.secret(prod.ID) == "" {
					t.Error("production was removed without confirmation")
				}
				return
			}
			h.waitFor("the row to go", func() bool { return len(w.model.projects) == 1 })
			if _, ok := h.projectNamed("production"); ok {
				t.Error("core still has production")
			}
			if h.secret(prod.ID) != "" || h.keys.Len() != 1 {
				t.Errorf("keychain still holds production's token (%d entries)", h.keys.Len())
			}
			if w.selected != staging.ID || w.detail.title.Text != "staging" {
				t.Errorf("after removal the selection is %q (%q), want staging", w.selected, w.detail.title.Text)
			}
			assertShows(t, "status bar", w.status, "Removed \"production\" and its keychain entry.")
		})
	}
}

func TestCheckNowAndCheckAll(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	prod := h.seed("production", hcloudsim.Read)
	h.seed("staging", hcloudsim.Read)
	w := h.open(0)
	h.waitFor("production selected", func() bool { return w.selected == prod.ID })

	// Someone else spends most of the budget; a minute later we look.
	h.clock.Add(time.Minute)
	h.sim.AddProject("production", 3600).SetRemaining(200)
	test.Tap(w.detail.checkBtn)
	h.waitFor("the check to finish", func() bool { return w.busy == 0 })
	if w.detail.barText != "199 of 3\u202f600 left" {
		t.Errorf("bar shows %q", w.detail.barText)
	}
	st, _ := h.projectNamed("production")
	if st.Status != hetzner.StatusLow || st.RateLimit.Remaining != 199 {
		t.Errorf("core: status %s, remaining %d; want low, 199", st.Status, st.RateLimit.Remaining)
	}
	if got := h.rowTexts()["production"]; got != "Low · 199 / 3\u202f600 [Read]" {
		t.Errorf("row shows %q", got)
	}
	assertShows(t, "status", w.detail.status, "Low")
	assertShows(t, "status bar", w.status, "Checked \"production\": Low.")
	assertShows(t, "checked", w.detail.checked, "Checked just now")

	before := len(h.sim.Requests())
	h.shortcut(fyne.KeyR)
	h.waitFor("check all to finish", func() bool { return w.inflight[""] == 0 && w.busy == 0 })
	if n := len(h.sim.Requests()) - before; n != 2 {
		t.Errorf("Check all sent %d requests, want one per project (2)", n)
	}
	assertShows(t, "status bar", w.status, "Checked 2 projects: no problems.")
}

func TestDetectPermission(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	prod := h.seed("production", hcloudsim.Read)
	w := h.open(0)
	h.waitFor("production selected", func() bool { return w.selected == prod.ID })
	// The token was given more rights in the Console meanwhile.
	h.sim.AddProject("production", 3600).AddToken(hcloudsim.TokenFor("production-"+hcloudsim.Read.String()), hcloudsim.ReadWrite)

	test.Tap(w.detail.detectBtn)
	if !disabled(w.detail.detectBtn) {
		t.Error("Re-detect stays enabled while it runs")
	}
	h.waitFor("the new permission", func() bool { return w.detail.badge.label.Text == "Read & Write" && w.busy == 0 })
	if st, _ := h.projectNamed("production"); st.Permission != project.PermissionReadWrite {
		t.Errorf("core has %s", st.Permission)
	}
	if !w.detail.lpHint.Visible() {
		t.Error("no least-privilege hint for a Read & Write token")
	}
	assertShows(t, "status bar", w.status, "has the permission Read & Write")
}

func TestSettings(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	w := h.open(0)
	test.Tap(w.settingsBtn)
	d, ok := w.open.(*settingsDialog)
	if !ok {
		t.Fatalf("settings not open: %T", w.open)
	}
	if d.autostart.Disabled() || d.autostart.Checked {
		t.Errorf("autostart disabled = %v, checked = %v; want it offered and off by default", d.autostart.Disabled(), d.autostart.Checked)
	}
	if d.autostart.Text != "Start CloudMoo's background agent when you log in" {
		t.Errorf("autostart says %q", d.autostart.Text)
	}
	assertShows(t, "notifications", d.notifyTxt, "Notify when a token is revoked, a project runs low or is rate limited, and when it recovers")
	d.rate.SetValue(2)
	d.low.SetValue(25)
	d.notify.SetChecked(false)
	test.Tap(d.autostart)
	assertShows(t, "rate", d.rateText, "2 requests a minute per project: 120 an hour, 3.3 %")
	test.Tap(d.saveBtn)
	want := project.Settings{RequestsPerMinute: 2, LowPercent: 25, Notifications: false, Autostart: true}
	h.waitFor("the settings to be saved", func() bool { return w.open == nil && w.model.settings == want })
	if got := h.snapshot().Settings; got != want {
		t.Errorf("core settings %+v, want %+v", got, want)
	}
	if got := h.svc.Monitor().Interval(); got != 30*time.Second {
		t.Errorf("monitor interval %s, want 30s", got)
	}
}

func TestProjectionTicksWithoutRequests(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	prod := h.seed("production", hcloudsim.Read)
	h.sim.AddProject("production", 3600).SetRemaining(1000)
	if _, err := h.svc.CheckNow(context.Background(), prod.ID); err != nil {
		t.Fatal(err)
	}
	w := h.open(5 * time.Millisecond)
	h.waitFor("the reading", func() bool { return w.detail.barText == "999 of 3\u202f600 left" })
	before := len(h.sim.Requests())

	h.clock.Add(90 * time.Second) // refills 1 a second
	h.waitFor("the projection", func() bool { return w.detail.barText == "~1\u202f089 of 3\u202f600 left (projected)" })
	assertShows(t, "note", w.detail.projNote, "Projected from Hetzner's answer 1 min 30 s ago, without a request")
	assertShows(t, "full again", w.detail.fullAgain, "Full again in 42 min (at 14:43)")
	h.waitFor("the row's projection", func() bool { return h.rowTexts()["production"] == "OK · ~1\u202f089 / 3\u202f600 [Read]" })
	if n := len(h.sim.Requests()) - before; n != 0 {
		t.Errorf("ticking sent %d requests", n)
	}
}

func TestSparklineFromHistory(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	prod := h.seed("production", hcloudsim.Read)
	p := h.sim.AddProject("production", 3600)
	for i := range 5 {
		h.clock.Add(10 * time.Minute)
		p.SetRemaining(3000 - 500*i)
		if _, err := h.svc.CheckNow(context.Background(), prod.ID); err != nil {
			t.Fatal(err)
		}
	}
	w := h.open(0)
	h.waitFor("the history", func() bool { return len(w.detail.spark.values) == 6 })
	if got, want := fmt.Sprint(w.detail.spark.values[1:]), fmt.Sprint([]float32{2999.0 / 3600, 2499.0 / 3600, 1999.0 / 3600, 1499.0 / 3600, 999.0 / 3600}); got != want {
		t.Errorf("sparkline values %s, want %s", got, want)
	}
}
