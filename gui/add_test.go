package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// TestAddProject drives the Add dialog against the simulator and asserts
// both what core stored (config and keychain) and what the window shows.
func TestAddProject(t *testing.T) {
	type outcome struct {
		added    bool
		perm     project.Permission
		saveOff  bool   // Save stays disabled
		hint     string // in the dialog: name hint, token hint, result or error
		rowsText string // what the new row shows
	}
	tests := []struct {
		name string
		// prepare returns the name and token to type.
		prepare func(h *harness) (name, tok string)
		// afterTyping runs with the dialog filled in, before Check/Save.
		afterTyping func(h *harness)
		checkFirst  bool
		unchecked   bool // press "Save unchecked" instead of Save
		want        outcome
	}{
		{
			name:    "valid Read token",
			prepare: func(h *harness) (string, string) { return "production", h.simToken("prod", hcloudsim.Read) },
			want:    outcome{added: true, perm: project.PermissionRead, rowsText: "OK · 3\u202f599 / 3\u202f600 [Read]"},
		},
		{
			name:       "valid Read & Write token, checked first",
			prepare:    func(h *harness) (string, string) { return "staging", h.simToken("staging", hcloudsim.ReadWrite) },
			checkFirst: true,
			// Save after Check reuses the Check's reading: the budget shows
			// at once, with no request spent twice.
			want: outcome{added: true, perm: project.PermissionReadWrite, rowsText: "OK · 3\u202f598 / 3\u202f600 [Read & Write]",
				hint: "Valid. Permission: Read & Write."},
		},
		{
			name:    "malformed token",
			prepare: func(*harness) (string, string) { return "production", "abc" },
			want:    outcome{saveOff: true, hint: "It has 3 characters, a Hetzner token has exactly 64"},
		},
		{
			name:    "token in quotes",
			prepare: func(h *harness) (string, string) { return "production", `"` + h.simToken("p", hcloudsim.Read) + `"` },
			want:    outcome{saveOff: true, hint: "The token is wrapped in quotes; paste it without them."},
		},
		{
			name: "revoked token rejected by the API",
			prepare: func(h *harness) (string, string) {
				tok := h.simToken("old", hcloudsim.Read)
				h.sim.RevokeToken(tok)
				return "old-laptop", tok
			},
			want: outcome{hint: "This token was rejected by Hetzner (401 unauthorized)"},
		},
		{
			name: "revoked token, checked first: Save stays off",
			prepare: func(h *harness) (string, string) {
				tok := h.simToken("old", hcloudsim.Read)
				h.sim.RevokeToken(tok)
				return "old-laptop", tok
			},
			checkFirst: true,
			want:       outcome{saveOff: true, hint: "Generate a new token in the Console under Security › API Tokens"},
		},
		{
			name: "duplicate name, seen as it is typed",
			prepare: func(h *harness) (string, string) {
				h.seed("production", hcloudsim.Read)
				return "PRODUCTION", h.simToken("other", hcloudsim.Read)
			},
			want: outcome{saveOff: true, hint: "A project called \"PRODUCTION\" exists already; choose another name."},
		},
		{
			name:    "duplicate name, found by the service",
			prepare: func(h *harness) (string, string) { return "production", h.simToken("other", hcloudsim.Read) },
			afterTyping: func(h *harness) {
				// Another front end adds the name; the window has not heard yet.
				if _, err := h.svc.Add(h.t.Context(), service.AddRequest{Name: "Production", Token: h.simToken("x", hcloudsim.Read)}); err != nil {
					h.t.Fatal(err)
				}
			},
			want: outcome{hint: "A project called \"Production\" exists already; choose another name."},
		},
		{
			name:        "offline: Save unchecked",
			prepare:     func(h *harness) (string, string) { return "production", h.simToken("prod", hcloudsim.Read) },
			afterTyping: func(h *harness) { h.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.DropConnection}) },
			checkFirst:  true,
			unchecked:   true,
			want:        outcome{added: true, perm: project.PermissionUnknown, hint: "You can save it unchecked"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessOptions{})
			name, tok := tt.prepare(h)
			w := h.open(0)
			before := len(h.snapshot().Projects)
			if before == 0 {
				test.Tap(w.empty.addBtn)
			} else {
				test.Tap(w.addBtn)
			}
			d := h.tokenDialog()
			h.typeInto(d.name, name)
			h.typeInto(d.token, tok)
			if tt.afterTyping != nil {
				tt.afterTyping(h)
			}
			if tt.checkFirst {
				test.Tap(d.checkBtn)
				h.waitFor("the check's result", func() bool { return d.resultBox.Visible() })
			}
			if got := disabled(d.saveBtn); got != tt.want.saveOff {
				t.Fatalf("Save disabled = %v, want %v (token hint %q, name hint %q)", got, tt.want.saveOff, d.tokenHint.Text, d.nameHint.Text)
			}
			requestsBefore := len(h.sim.Requests())
			switch {
			case tt.unchecked:
				if !d.uncheckedBtn.Visible() {
					t.Fatalf("Save unchecked not offered; result %q", d.result.Text)
				}
				assertShows(t, "check result", d.result, tt.want.hint)
				h.sim.ClearFaults()
				test.Tap(d.uncheckedBtn)
			case !tt.want.saveOff:
				test.Tap(d.saveBtn)
			}
			if !tt.want.added {
				if !tt.want.saveOff {
					h.waitFor("the error in the dialog", func() bool {
						return !d.busy && (d.errText.Visible() || d.nameHint.Importance == widget.DangerImportance)
					})
				}
				if !strings.Contains(d.tokenHint.Text+d.nameHint.Text+d.result.Text+d.errText.Text, tt.want.hint) {
					t.Errorf("dialog does not say %q:\nname: %q\ntoken: %q\nresult: %q\nerror: %q", tt.want.hint, d.nameHint.Text, d.tokenHint.Text, d.result.Text, d.errText.Text)
				}
				if w.open != d {
					t.Error("the dialog closed although nothing was saved")
				}
				if _, ok := h.projectNamed(name); ok {
					t.Errorf("%q was stored", name)
				}
				for _, p := range h.snapshot().Projects {
					if h.secret(p.ID) == tok {
						t.Errorf("the typed token was stored for %q", p.Name)
					}
				}
				return
			}
			h.waitFor("the dialog to close", func() bool { return w.open == nil })
			st, ok := h.projectNamed(name)
			if !ok {
				t.Fatalf("core has no project %q: %+v", name, h.snapshot().Projects)
			}
			if st.Permission != tt.want.perm {
				t.Errorf("stored permission %q, want %q", st.Permission, tt.want.perm)
			}
			if got := h.secret(st.ID); got != tok {
				t.Errorf("keychain holds %q for %s, want the token", got, st.ID)
			}
			if tt.checkFirst && !tt.unchecked {
				if n := len(h.sim.Requests()) - requestsBefore; n != 0 {
					t.Errorf("Save after Check spent %d more requests, want 0", n)
				}
				assertShows(t, "check result", d.result, tt.want.hint)
			}
			h.waitFor("the new project selected", func() bool { return w.selected == st.ID && w.detail.title.Text == name })
			if tt.want.rowsText != "" {
				if got := h.rowTexts()[name]; got != tt.want.rowsText {
					t.Errorf("row shows %q, want %q", got, tt.want.rowsText)
				}
			}
			assertShows(t, "status bar", w.status, "Added \""+name+"\"")
		})
	}
}

// assertShows fails when label l does not contain want.
func assertShows(t testing.TB, what string, l *widget.Label, want string) {
	t.Helper()
	if !strings.Contains(l.Text, want) {
		t.Errorf("%s shows %q, want it to contain %q", what, l.Text, want)
	}
}

// TestAddDialogKeyboard: Escape cancels, Enter saves, Ctrl+N opens.
func TestAddDialogKeyboard(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	tok := h.simToken("prod", hcloudsim.Read)
	w := h.open(0)

	h.shortcut("N")
	d := h.tokenDialog()
	d.name.TypedKey(&fyneKeyEscape)
	if w.open != nil {
		t.Fatal("Escape did not close the dialog")
	}

	h.shortcut("N")
	d = h.tokenDialog()
	h.typeInto(d.name, "production")
	d.name.TypedKey(&fyneKeyReturn) // Enter in the name moves on to the token
	if focused := w.win.Canvas().Focused(); focused != d.token {
		t.Fatalf("focus after Enter in the name is %T, want the token entry", focused)
	}
	test.Type(d.token, tok)
	d.token.TypedKey(&fyneKeyReturn)
	h.waitFor("the project to be saved", func() bool { _, ok := h.projectNamed("production"); return ok && w.open == nil })
}

// TestAddOfflineWithoutCheck: Save asks Hetzner; when it cannot be reached
// the service refuses, says why, and the dialog offers Save unchecked.
func TestAddOfflineWithoutCheck(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	tok := h.simToken("prod", hcloudsim.Read)
	w := h.open(0)
	h.w.onAdd()
	d := h.tokenDialog()
	h.typeInto(d.name, "production")
	h.typeInto(d.token, tok)
	h.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.DropConnection})
	test.Tap(d.saveBtn)
	if !disabled(d.cancelBtn) {
		t.Error("Cancel is offered while saving")
	}
	h.waitFor("the refusal", func() bool { return !d.busy })
	assertShows(t, "error", d.errText, "Token could not be verified: Cannot reach the Hetzner API")
	if !d.uncheckedBtn.Visible() || disabled(d.uncheckedBtn) {
		t.Fatal("Save unchecked not offered")
	}
	if len(h.snapshot().Projects) != 0 || h.keys.Len() != 0 {
		t.Fatal("saved although the check failed")
	}
	test.Tap(d.uncheckedBtn)
	h.waitFor("the dialog to close", func() bool { return w.open == nil })
	st, ok := h.projectNamed("production")
	if !ok || h.secret(st.ID) != tok || st.Permission != project.PermissionUnknown {
		t.Errorf("after Save unchecked: %+v", st.Project)
	}
}
