package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
)

// hcloudConfig writes a cli.toml the way the hcloud CLI does, dated in the
// past so that any write would show in its mtime.
func hcloudConfig(t *testing.T, body string) (path string, unchanged func()) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "hcloud", "cli.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-72 * time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	return path, func() {
		t.Helper()
		got, err := os.ReadFile(path)
		fi, serr := os.Stat(path)
		if err != nil || serr != nil || !bytes.Equal(got, []byte(body)) || !fi.ModTime().Equal(old) || fi.Mode().Perm() != 0o600 {
			t.Fatalf("the user's cli.toml was changed (%v %v)", err, serr)
		}
	}
}

func contexts(active string, pairs ...string) string {
	var b strings.Builder
	if active != "" {
		fmt.Fprintf(&b, "active_context = %q\n\n[preferences]\n  debug = false\n\n", active)
	}
	for i := 0; i < len(pairs); i += 2 {
		fmt.Fprintf(&b, "[[contexts]]\n  name = %q\n  token = %q\n\n", pairs[i], pairs[i+1])
	}
	return b.String()
}

// keychainTokens maps each stored project's name to its keychain token.
func keychainTokens(t *testing.T, h *harness) map[string]string {
	t.Helper()
	f, err := project.NewStore(h.Dir).Load()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range f.Projects {
		tok, err := h.Keys.Get(context.Background(), p.ID)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		out[p.Name] = tok
	}
	return out
}

func TestImportHcloud(t *testing.T) {
	h := newHarness(t)
	prod := h.project("prod", 3600, hcloudsim.Read)
	staging := h.project("staging", 7200, hcloudsim.ReadWrite)
	old := h.project("old", 3600, hcloudsim.Read)
	h.Sim.RevokeToken(old)
	path, unchanged := hcloudConfig(t, contexts("prod", "prod", prod, "staging", staging, "broken", "abc def"))

	code, out, errOut := h.run("", "import-hcloud", "--config", path)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, s := range []string{"prod: imported as \"prod\" (permission Read)", "staging: imported as \"staging\" (permission Read & Write)", "broken: skipped: malformed token", "2 imported, 0 unchecked, 0 already present, 1 skipped, 0 not imported.", "can change your infrastructure"} {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	if !strings.Contains(errOut, path+" still holds these tokens in plain text") || !strings.Contains(errOut, "HCLOUD_TOKEN") {
		t.Errorf("stderr lacks the plain-text warning:\n%s", errOut)
	}
	if got := keychainTokens(t, h); got["prod"] != prod || got["staging"] != staging || len(got) != 2 {
		t.Fatalf("keychain after import: %d entries", len(got))
	}
	unchanged()

	// HCLOUD_CONFIG is the default, as for the hcloud CLI; --json; the
	// revoked token fails the run; a conflicting name needs the flag.
	other := h.project("other", 3600, hcloudsim.Read)
	path2, unchanged2 := hcloudConfig(t, contexts("", "prod", prod, "old", old, "Staging", other))
	t.Setenv("HCLOUD_CONFIG", path2)
	code, out, errOut = h.run("", "import-hcloud", "--json")
	if code != ExitError {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	lines := decodeLines[importLine](t, out)
	want := []importLine{
		{"prod", "prod", "already_present", "read", `already present as "prod"`},
		{"old", "", "rejected", "unknown", "401"},
		{"Staging", "", "conflict", "unknown", `a project called "staging" exists already; run again with --rename-conflicts to import it as "Staging (hcloud)"`},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	for i, w := range want {
		l := lines[i]
		if l.Context != w.Context || l.Name != w.Name || l.Outcome != w.Outcome || l.Permission != w.Permission || !strings.Contains(l.Message, w.Message) {
			t.Errorf("line %d = %+v, want %+v", i, l, w)
		}
	}
	if !strings.Contains(errOut, "plain text") {
		t.Errorf("--json still warns on stderr: %s", errOut)
	}
	for _, key := range []string{`"context":"old"`, `"name":""`, `"outcome":"rejected"`, `"permission":"unknown"`, `"message":"not imported: `} {
		if !strings.Contains(out, key) {
			t.Errorf("--json output lacks %s", key)
		}
	}

	code, out, errOut = h.run("", "import-hcloud", "Staging", "prod", "--rename-conflicts")
	if code != ExitOK || !strings.Contains(out, `Staging: imported as "Staging (hcloud)"`) || !strings.Contains(out, "prod: already present") || strings.Contains(out, "old:") {
		t.Fatalf("--rename-conflicts: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := keychainTokens(t, h); got["Staging (hcloud)"] != other || len(got) != 3 {
		t.Fatalf("keychain after rename: %d entries", len(got))
	}
	unchanged2()
	assertNoTokenAnywhere(t, h, prod, staging, old, other)
}

func TestImportHcloudErrors(t *testing.T) {
	h := newHarness(t)
	tok := h.project("prod", 3600, hcloudsim.Read)
	missing := filepath.Join(t.TempDir(), "nope.toml")
	notTOML, _ := hcloudConfig(t, "[[contexts]]\nname = \"prod\"\ntoken = "+tok+"\n")
	noTokens, _ := hcloudConfig(t, "[[contexts]]\nname = \"a\"\n[[contexts]]\nname = \"b\"\ntoken = \"short\"\n")
	empty, _ := hcloudConfig(t, "")
	good, _ := hcloudConfig(t, contexts("", "prod", tok))
	tests := []struct {
		name   string
		args   []string
		code   int
		errHas string
		outHas string
	}{
		{"missing file", []string{"--config", missing}, 1, "no hcloud CLI config at " + missing + "; pass --config PATH", ""},
		{"not TOML", []string{"--config", notTOML}, 1, "line 3", ""},
		{"no usable token", []string{"--config", noTokens}, 1, "none of the chosen contexts", "a: skipped: the context has no token"},
		{"empty file", []string{"--config", empty}, 1, "hcloud context create", ""},
		{"unknown context", []string{"--config", good, "staging"}, 1, `no such hcloud CLI context "staging"`, ""},
		{"help documents the exit status", []string{"--help"}, 0, "", "Exit status:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := h.run("", append([]string{"import-hcloud"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.errHas) || !strings.Contains(out, tt.outHas) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if strings.Contains(errOut, "plain text") {
				t.Errorf("nothing was imported, yet the warning was printed")
			}
		})
	}
	if h.Keys.Len() != 0 {
		t.Fatal("a failed import stored a token")
	}
	code, _, errOut := h.run("", "--help")
	if code != 0 || !strings.Contains(errOut+h.out.String(), "import-hcloud [--config PATH]") {
		t.Errorf("import-hcloud is not listed in the usage")
	}
	assertNoTokenAnywhere(t, h, tok)
}
