package hcloudcli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simenv"
)

type fixture struct {
	*simenv.Env
	svc *service.Local
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{Env: simenv.New(t, hcloudsim.Options{})}
	f.svc = service.NewLocal(service.Options{Store: f.Store(), Keychain: f.Keys, API: f.API()})
	return f
}

// stored maps each keychain token to its project's name.
func (f *fixture) stored(t *testing.T) map[string]string {
	t.Helper()
	snap, err := f.svc.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range snap.Projects {
		secret, err := f.Keys.Get(context.Background(), p.ID)
		if err != nil {
			t.Fatalf("project %s has no keychain entry: %v", p.Name, err)
		}
		out[secret] = p.Name
	}
	if len(out) != f.Keys.Len() {
		t.Fatalf("%d keychain entries for %d projects", f.Keys.Len(), len(out))
	}
	return out
}

// writeCLI writes a cli.toml with one context per name/token pair, dated
// in the past so that any write would show in its mtime.
func writeCLI(t *testing.T, active string, pairs ...string) (string, []byte, time.Time) {
	t.Helper()
	var b strings.Builder
	if active != "" {
		fmt.Fprintf(&b, "active_context = %q\n\n", active)
	}
	for i := 0; i < len(pairs); i += 2 {
		fmt.Fprintf(&b, "[[contexts]]\n  name = %q\n  token = %q\n  [contexts.preferences]\n    debug = true\n\n", pairs[i], pairs[i+1])
	}
	path := filepath.Join(t.TempDir(), "cli.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	return path, []byte(b.String()), old
}

func assertUnchanged(t *testing.T, path string, data []byte, mtime time.Time) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("cli.toml changed (%v)", err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(mtime) || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cli.toml mtime or mode changed: %v %v", fi.ModTime(), err)
	}
}

func TestImport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	prod := f.Token("prod", hcloudsim.Read)
	staging := f.Token("staging", hcloudsim.ReadWrite)
	busy := f.Token("busy", hcloudsim.Read)
	f.Sim.AddProject("busy", 3600).SetRemaining(0)
	old := f.Token("old", hcloudsim.Read)
	f.Sim.RevokeToken(old)
	dev := f.Token("dev", hcloudsim.Read)
	same := f.Token("same", hcloudsim.Read)
	taken := f.Token("taken", hcloudsim.Read)
	other := f.Token("other", hcloudsim.Read)
	// Already in CloudMoo: dev under another name, same under its own
	// name, and a different project called "Taken".
	for name, tok := range map[string]string{"development": dev, "same": same, "Taken": other} {
		if _, err := f.svc.Add(ctx, service.AddRequest{Name: name, Token: tok}); err != nil {
			t.Fatal(err)
		}
	}

	path, data, mtime := writeCLI(t, "prod",
		"prod", prod, "staging", staging, "busy", busy, "old", old, "dev", dev, "same", same, "taken", taken,
		"broken", "not-a-token", "prod", hcloudsim.TokenFor("shadowed"))
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var resolved []string
	var progress []Progress
	results, err := Import(ctx, f.svc, cfg, Options{
		Resolve: func(c Context, existing string) (string, bool) {
			resolved = append(resolved, c.Name+"/"+existing)
			return RenameConflict(c, existing)
		},
		Progress: func(p Progress) { progress = append(progress, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		ctx     string
		outcome Outcome
		name    string
		perm    project.Permission
		msg     string
	}{
		{"prod", OutcomeImported, "prod", project.PermissionRead, "imported as \"prod\" (permission Read)"},
		{"staging", OutcomeImported, "staging", project.PermissionReadWrite, "Read & Write"},
		{"busy", OutcomeUnchecked, "busy", project.PermissionUnknown, "unchecked — CloudMoo checks it when it can"},
		{"old", OutcomeRejected, "", project.PermissionUnknown, "401"},
		{"dev", OutcomeAlreadyPresent, "development", project.PermissionRead, "already present as \"development\""},
		{"same", OutcomeAlreadyPresent, "same", project.PermissionRead, "already present as \"same\""},
		{"taken", OutcomeImported, "taken (hcloud)", project.PermissionRead, "imported as \"taken (hcloud)\""},
		{"broken", OutcomeSkipped, "", project.PermissionUnknown, "malformed token"},
		{"prod", OutcomeSkipped, "", project.PermissionUnknown, "also called"},
	}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d", len(results), len(want))
	}
	for i, w := range want {
		r := results[i]
		if r.Context.Name != w.ctx || r.Outcome != w.outcome || r.ProjectName != w.name || r.Permission != w.perm || !strings.Contains(r.Message, w.msg) {
			t.Errorf("result %d = %+v\nwant %+v", i, r, w)
		}
	}
	if strings.Join(resolved, ",") != "taken/Taken" {
		t.Errorf("Resolve calls %q, want only taken/Taken (an already stored token needs no question)", resolved)
	}
	if len(progress) != 2*len(want) || progress[0].Result != nil || progress[len(progress)-1].Done != len(want) || progress[len(progress)-1].Result == nil {
		t.Errorf("progress %+v", progress)
	}

	got := f.stored(t)
	for tok, name := range map[string]string{prod: "prod", staging: "staging", busy: "busy", dev: "development", same: "same", taken: "taken (hcloud)", other: "Taken"} {
		if got[tok] != name {
			t.Errorf("keychain holds %q for a token, want %q", got[tok], name)
		}
	}
	if _, ok := got[old]; ok || len(got) != 7 {
		t.Errorf("keychain has %d tokens (the revoked one: %v)", len(got), ok)
	}
	b, _ := json.Marshal(results)
	for _, tok := range []string{prod, staging, busy, old, dev, same, taken} {
		if strings.Contains(string(b), tok[:16]) || strings.Contains(fmt.Sprintf("%+v %v", results, progress), tok[:16]) {
			t.Fatal("a token leaks into the results")
		}
	}
	assertUnchanged(t, path, data, mtime)

	// A second run finds everything in place and asks nothing.
	resolved = nil
	results, err = Import(ctx, f.svc, cfg, Options{Contexts: []string{"prod", "taken", "staging"}, Resolve: func(c Context, e string) (string, bool) {
		resolved = append(resolved, c.Name)
		return "", true
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The second "prod" comes along: asking for a name takes every context
	// by it, and the shadowed one says why it is left out.
	if len(results) != 4 || len(resolved) != 0 || results[3].Outcome != OutcomeSkipped {
		t.Fatalf("second run: %d results, resolve %v", len(results), resolved)
	}
	for _, r := range results[:3] {
		if r.Outcome != OutcomeAlreadyPresent {
			t.Errorf("second run: %s %s (%s)", r.Context.Name, r.Outcome, r.Message)
		}
	}
	assertUnchanged(t, path, data, mtime)
}

func TestImportOffline(t *testing.T) {
	f := newFixture(t)
	a, b := f.Token("a", hcloudsim.Read), f.Token("b", hcloudsim.ReadWrite)
	f.Sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.DropConnection})
	path, data, mtime := writeCLI(t, "", "a", a, "b", b)
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	results, err := Import(context.Background(), f.svc, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Outcome != OutcomeUnchecked || r.Permission != project.PermissionUnknown || !strings.Contains(r.Message, "checks it when it can") {
			t.Errorf("offline: %+v", r)
		}
		if strings.Contains(r.Message, "--no-check") {
			t.Errorf("offline message repeats advice already followed: %s", r.Message)
		}
	}
	if got := f.stored(t); got[a] != "a" || got[b] != "b" {
		t.Errorf("offline: keychain %v", len(got))
	}
	assertUnchanged(t, path, data, mtime)
}

func TestImportConflicts(t *testing.T) {
	tests := []struct {
		name    string
		resolve Resolver
		outcome Outcome
		project string
		msg     string
		asked   int
	}{
		{"no resolver", nil, OutcomeConflict, "", "a project called \"Prod\" exists already", 0},
		{"skip", func(Context, string) (string, bool) { return "", true }, OutcomeConflict, "", "chose to skip", 1},
		{"rename", func(c Context, e string) (string, bool) { return "prod from hcloud", false }, OutcomeImported, "prod from hcloud", "imported", 1},
		{"suffixes until free", RenameConflict, OutcomeImported, "prod (hcloud 3)", "imported", 3},
		{"proposes taken names forever", func(Context, string) (string, bool) { return "PROD", false }, OutcomeConflict, "", "other names were tried", maxRenames},
		{"proposes an invalid name", func(Context, string) (string, bool) { return " ", false }, OutcomeError, "", "name is empty", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			for i, name := range []string{"Prod", "prod (hcloud)", "prod (hcloud 2)"} {
				if _, err := f.svc.Add(ctx, service.AddRequest{Name: name, Token: f.Token(fmt.Sprint("existing", i), hcloudsim.Read)}); err != nil {
					t.Fatal(err)
				}
			}
			tok := f.Token("new", hcloudsim.Read)
			path, _, _ := writeCLI(t, "", "prod", tok)
			cfg, _ := Load(path)
			asked := 0
			var resolve Resolver
			if tt.resolve != nil {
				resolve = func(c Context, existing string) (string, bool) { asked++; return tt.resolve(c, existing) }
			}
			results, err := Import(ctx, f.svc, cfg, Options{Resolve: resolve})
			if err != nil {
				t.Fatal(err)
			}
			r := results[0]
			if r.Outcome != tt.outcome || r.ProjectName != tt.project || !strings.Contains(r.Message, tt.msg) || asked != tt.asked {
				t.Fatalf("%+v (%s), asked %d times", r, r.Message, asked)
			}
			if got := f.stored(t); (got[tok] != "") != (tt.project != "") || (tt.project != "" && got[tok] != tt.project) {
				t.Fatalf("keychain: %q", got[tok])
			}
		})
	}
}

// TestImportMaskCollision covers the probe's rare branch: a stored token
// with the same first and last four characters but a different middle.
func TestImportMaskCollision(t *testing.T) {
	mk := func(mid string) string { return "AAAA" + strings.Repeat(mid, 56) + "ZZZZ" }
	for _, resolve := range []Resolver{nil, RenameConflict} {
		f := newFixture(t)
		ctx := context.Background()
		stored, twin := mk("b"), mk("c")
		f.Sim.AddProject("one", 3600).AddToken(stored, hcloudsim.Read)
		f.Sim.AddProject("two", 3600).AddToken(twin, hcloudsim.Read)
		if _, err := f.svc.Add(ctx, service.AddRequest{Name: "prod", Token: stored}); err != nil {
			t.Fatal(err)
		}
		path, _, _ := writeCLI(t, "", "prod", twin)
		cfg, _ := Load(path)
		results, err := Import(ctx, f.svc, cfg, Options{Resolve: resolve})
		if err != nil {
			t.Fatal(err)
		}
		got := f.stored(t)
		if resolve == nil {
			if results[0].Outcome != OutcomeConflict || len(got) != 1 {
				t.Errorf("no resolver: %+v, %d stored", results[0], len(got))
			}
			continue
		}
		if results[0].Outcome != OutcomeImported || got[twin] != "prod (hcloud)" || len(got) != 2 {
			t.Errorf("with resolver: %+v, stored as %q", results[0], got[twin])
		}
	}
}

func TestImportStopsWhenKeychainUnavailable(t *testing.T) {
	f := newFixture(t)
	a, b := f.Token("a", hcloudsim.Read), f.Token("b", hcloudsim.Read)
	path, _, _ := writeCLI(t, "", "a", a, "bad", "x", "b", b)
	cfg, _ := Load(path)
	f.Keys.Fail(keychain.ErrUnavailable)
	f.Sim.ResetLog()
	results, err := Import(context.Background(), f.svc, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Outcome != OutcomeError || results[1].Outcome != OutcomeSkipped || results[2].Outcome != OutcomeError {
		t.Fatalf("%+v", results)
	}
	if !strings.Contains(results[2].Message, "not imported") || len(f.Sim.Requests()) > 2 {
		t.Errorf("after the keychain failed, b was still tried (%d requests): %s", len(f.Sim.Requests()), results[2].Message)
	}
}

func TestImportChoose(t *testing.T) {
	f := newFixture(t)
	a := f.Token("a", hcloudsim.Read)
	path, _, _ := writeCLI(t, "", "a", a, "b", "short")
	cfg, _ := Load(path)
	if _, err := Import(context.Background(), f.svc, cfg, Options{Contexts: []string{"a", "zz", "A"}}); !errors.Is(err, ErrUnknownContext) ||
		!strings.Contains(err.Error(), `"A", "zz"`) || !strings.Contains(err.Error(), `it has "a", "b"`) {
		t.Fatalf("unknown names: %v", err)
	}
	if f.Keys.Len() != 0 {
		t.Fatal("an unknown name must stop the import before anything is stored")
	}
	if _, err := Import(context.Background(), f.svc, &Config{Path: "/x/cli.toml"}, Options{}); !errors.Is(err, ErrNoContexts) || !strings.Contains(err.Error(), "hcloud context create") {
		t.Fatalf("no contexts: %v", err)
	}
	results, err := Import(context.Background(), f.svc, cfg, Options{Contexts: []string{"b"}})
	if err != nil || len(results) != 1 || results[0].Outcome != OutcomeSkipped {
		t.Fatalf("only b: %v %+v", err, results)
	}
}

func TestRenameConflict(t *testing.T) {
	long := strings.Repeat("é", 64)
	tests := []struct{ ctx, existing, want string }{
		{"prod", "prod", "prod (hcloud)"},
		{"prod", "PROD", "prod (hcloud)"},
		{"prod", "prod (hcloud)", "prod (hcloud 2)"},
		{"prod", "Prod (Hcloud 2)", "prod (hcloud)"},
		{"prod", "prod (hcloud 2)", "prod (hcloud 3)"},
		{"prod (hcloud)", "prod (hcloud)", "prod (hcloud) (hcloud)"},
		{long, long, strings.Repeat("é", 55) + " (hcloud)"},
	}
	for _, tt := range tests {
		got, skip := RenameConflict(Context{Name: tt.ctx}, tt.existing)
		if got != tt.want || skip {
			t.Errorf("RenameConflict(%q, %q) = %q, want %q", tt.ctx, tt.existing, got, tt.want)
		}
		if _, err := project.NormalizeName(got); err != nil {
			t.Errorf("%q is no valid project name: %v", got, err)
		}
	}
}

func TestPlainTextWarning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cli.toml")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	w := PlainTextWarning(path)
	for _, s := range []string{path, "plain text", "never changes it", "HCLOUD_TOKEN", "remove the token lines"} {
		if !strings.Contains(w, s) {
			t.Errorf("warning lacks %q: %s", s, w)
		}
	}
	if strings.Contains(w, "chmod") {
		t.Errorf("a 0600 file needs no chmod: %s", w)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if w := PlainTextWarning(path); !strings.Contains(w, "chmod 600 "+path) {
		t.Errorf("a 0644 file: %s", w)
	}
}
