package gui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// cliContext is one [[contexts]] entry of a test cli.toml.
type cliContext struct{ name, token string }

// writeCLIConfig writes a cli.toml to a temporary folder, dated in the
// past so that a write would show in its mtime, and returns its path and
// contents.
func writeCLIConfig(t *testing.T, active string, contexts ...cliContext) (string, []byte) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "active_context = %q\n\n", active)
	for _, c := range contexts {
		fmt.Fprintf(&b, "[[contexts]]\n  name = %q\n  token = %q\n\n", c.name, c.token)
	}
	path := filepath.Join(t.TempDir(), "hcloud", "cli.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	return path, []byte(b.String())
}

// assertUntouched fails when the file at path no longer holds want or was
// written to.
func assertUntouched(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("cli.toml changed:\n%s", got)
	}
	if fi, err := os.Stat(path); err != nil || time.Since(fi.ModTime()) < 30*time.Minute {
		t.Errorf("cli.toml was written to (%v)", err)
	}
}

// importDialog returns the open import dialog once it has read its file.
func (h *harness) importDialog() *importDialog {
	h.t.Helper()
	d, ok := h.w.open.(*importDialog)
	if !ok {
		h.t.Fatalf("no import dialog is open (open: %T)", h.w.open)
	}
	h.waitFor("the file to be read", func() bool { return !d.loading })
	return d
}

// labelText returns the text of every label under o.
func labelText(o fyne.CanvasObject) string {
	var b strings.Builder
	for _, x := range test.LaidOutObjects(o) {
		if l, ok := x.(*widget.Label); ok && l.Visible() {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// TestImportFromHcloudCLI imports a cli.toml with a valid context, a
// malformed one and one whose name is taken, answering the name question.
func TestImportFromHcloudCLI(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.seed("staging", hcloudsim.Read)
	prodTok := h.simToken("prod", hcloudsim.Read)
	stagingTok := h.simToken("staging-cli", hcloudsim.Read)
	path, contents := writeCLIConfig(t, "production",
		cliContext{"production", prodTok}, cliContext{"broken", "abc"}, cliContext{"staging", stagingTok})
	t.Setenv("HCLOUD_CONFIG", path)
	w := h.open(0)

	test.Tap(w.importBtn)
	d := h.importDialog()
	if d.path.Text != path {
		t.Errorf("path entry %q, want %q", d.path.Text, path)
	}
	if d.errText.Visible() {
		t.Fatalf("error: %s", d.errText.Text)
	}
	if len(d.rows) != 3 {
		t.Fatalf("%d rows, want 3", len(d.rows))
	}
	prod, broken, staging := d.rows[0], d.rows[1], d.rows[2]
	for _, tt := range []struct {
		row      *importRow
		label    string
		checked  bool
		disabled bool
		plan     string
	}{
		{prod, "production — active", true, false, "Token " + token.Mask(prodTok) + ": will be checked with Hetzner and saved to your system keychain."},
		{broken, "broken", false, true, "Cannot be imported: "},
		{staging, "staging", true, false, "the name is used already, so CloudMoo will ask you for another"},
	} {
		if tt.row.check.Text != tt.label || tt.row.check.Checked != tt.checked || tt.row.check.Disabled() != tt.disabled {
			t.Errorf("row %q: checked %v, disabled %v; want %q, %v, %v", tt.row.check.Text, tt.row.check.Checked, tt.row.check.Disabled(), tt.label, tt.checked, tt.disabled)
		}
		assertShows(t, tt.label+" plan", tt.row.plan, tt.plan)
	}
	assertShows(t, "broken's reason", broken.plan, "3 characters")
	assertShows(t, "summary", d.summary, "3 contexts in this file; 2 can be imported")

	test.Tap(d.importBtn)
	h.waitFor("the name question", func() bool { return d.question != nil })
	q := d.question
	if q.name.Text != "staging (hcloud)" {
		t.Errorf("suggested name %q, want \"staging (hcloud)\"", q.name.Text)
	}
	if !disabled(d.closeBtn) {
		t.Error("the dialog can be closed while importing")
	}
	test.Tap(q.renameBtn)
	h.waitFor("the results", func() bool { return d.done })

	// What core stored.
	for name, tok := range map[string]string{"production": prodTok, "staging (hcloud)": stagingTok} {
		st, ok := h.projectNamed(name)
		if !ok {
			t.Errorf("no project %q: %+v", name, h.snapshot().Projects)
			continue
		}
		if h.secret(st.ID) != tok || st.Permission != project.PermissionRead {
			t.Errorf("%q: keychain holds the token: %v, permission %s", name, h.secret(st.ID) == tok, st.Permission)
		}
	}
	if n := h.keys.Len(); n != 3 {
		t.Errorf("%d keychain entries, want 3 (staging, production, staging (hcloud))", n)
	}

	// What the dialog says.
	assertShows(t, "production's result", prod.result, "Imported as \"production\" (permission Read).")
	assertShows(t, "staging's result", staging.result, "Imported as \"staging (hcloud)\"")
	assertShows(t, "broken's result", broken.result, "Skipped: ")
	assertShows(t, "broken's result", broken.result, "3 characters")
	assertShows(t, "summary", d.summary, "Imported 2 projects from the hcloud CLI; 1 skipped.")
	if !d.warning.Visible() {
		t.Fatal("no plain-text warning")
	}
	if got := labelText(d.warning); !strings.Contains(got, "still holds these tokens in plain text") || !strings.Contains(got, path) {
		t.Errorf("warning says %q", got)
	}
	assertShows(t, "status bar", w.status, "Imported 2 projects")
	assertUntouched(t, path, contents)

	// Loading the file again: the tokens are known now, and importing
	// them again changes nothing and asks nothing.
	h.waitFor("the imported projects in the window", func() bool { return w.model.nameTaken("staging (hcloud)", "") })
	test.Tap(d.loadBtn)
	h.waitFor("the file read again", func() bool { return !d.loading && !d.done && len(d.rows) == 3 })
	assertShows(t, "staging plan", d.rows[2].plan, "the same token seems to be in CloudMoo already, as \"staging (hcloud)\"")
	if d.closeBtn.Text != "Cancel" || disabled(d.importBtn) {
		t.Errorf("after Load: close button %q, Import enabled %v", d.closeBtn.Text, !disabled(d.importBtn))
	}
	test.Tap(d.importBtn)
	h.waitFor("the second results", func() bool { return d.done })
	if d.question != nil {
		t.Error("asked about a name although the token is stored already")
	}
	assertShows(t, "summary", d.summary, "No new project imported from the hcloud CLI; 2 already in CloudMoo; 1 skipped.")
	if n := h.keys.Len(); n != 3 {
		t.Errorf("%d keychain entries after importing again, want 3", n)
	}

	test.Tap(d.closeBtn)
	if w.open != nil {
		t.Error("Done did not close the dialog")
	}
}

// TestImportConflictSkipped: Escape on the name question skips the
// context; nothing is stored, so there is no warning.
func TestImportConflictSkipped(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.seed("staging", hcloudsim.Read)
	path, contents := writeCLIConfig(t, "", cliContext{"staging", h.simToken("other", hcloudsim.Read)})
	t.Setenv("HCLOUD_CONFIG", path)
	w := h.open(0)
	w.onImport()
	d := h.importDialog()
	d.submit() // Enter: Import
	h.waitFor("the name question", func() bool { return d.question != nil })
	d.question.name.TypedKey(&fyneKeyEscape)
	h.waitFor("the results", func() bool { return d.done })
	assertShows(t, "result", d.rows[0].result, "you chose to skip it")
	if h.keys.Len() != 1 || d.warning.Visible() {
		t.Errorf("keychain entries %d, warning shown %v; want 1, false", h.keys.Len(), d.warning.Visible())
	}
	assertUntouched(t, path, contents)
}

// TestImportBadFiles: a file that cannot be read says why in the dialog,
// and nothing else happens.
func TestImportBadFiles(t *testing.T) {
	dir := t.TempDir()
	notTOML := filepath.Join(dir, "not.toml")
	if err := os.WriteFile(notTOML, []byte("[[contexts]\nname = production\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nowhere", "cli.toml"), "There is no hcloud CLI config at " + filepath.Join(dir, "nowhere", "cli.toml")},
		{"not TOML", notTOML, "The hcloud CLI config is not valid TOML"},
		{"a folder", dir, "is a folder"},
		{"no path", "", "Enter where your hcloud CLI config (cli.toml) is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HCLOUD_CONFIG", filepath.Join(dir, "absent.toml"))
			h := newHarness(t, harnessOptions{})
			w := h.open(0)
			w.onImport()
			d := h.importDialog()
			d.path.SetText(tt.path)
			test.Tap(d.loadBtn)
			h.waitFor("the file to be read", func() bool { return !d.loading })
			assertShows(t, "error", d.errText, tt.want)
			if !d.errText.Visible() || len(d.rows) != 0 || !disabled(d.importBtn) {
				t.Errorf("error shown %v, rows %d, Import enabled %v", d.errText.Visible(), len(d.rows), !disabled(d.importBtn))
			}
			if n := len(h.snapshot().Projects); n != 0 || len(h.sim.Requests()) != 0 {
				t.Errorf("%d projects, %d requests after a bad file", n, len(h.sim.Requests()))
			}
		})
	}
}
