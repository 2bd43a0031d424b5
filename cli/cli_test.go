package cli

import (
	"bytes"
	"context"
	"encoding/json"
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

// harness runs the command line in-process against the simulator, a config
// directory of its own and an in-memory keychain.
type harness struct {
	*simenv.Env
	t   *testing.T
	out bytes.Buffer // every stdout and stderr, for the leak check
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return &harness{Env: simenv.New(t, hcloudsim.Options{}), t: t}
}

func (h *harness) env(stdin string, stdout, stderr *bytes.Buffer) Env {
	return Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: stdout,
		Stderr: stderr,
		OpenService: func(context.Context) (service.Service, func(), error) {
			return service.NewLocal(service.Options{Store: h.Store(), Keychain: h.Keys, API: h.API()}), func() {}, nil
		},
		Version: "1.2.3-test",
	}
}

// run returns exit code, stdout and stderr.
func (h *harness) run(stdin string, args ...string) (int, string, string) {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := Run(ctx, args, h.env(stdin, &stdout, &stderr))
	h.out.WriteString(stdout.String())
	h.out.WriteString(stderr.String())
	return code, stdout.String(), stderr.String()
}

func (h *harness) project(name string, limit int, perm hcloudsim.Permission) string {
	tok := hcloudsim.TokenFor(name)
	h.Sim.AddProject(name, limit).AddToken(tok, perm)
	return tok
}

func decodeLines[T any](t *testing.T, s string) []T {
	t.Helper()
	var out []T
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var v T
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out = append(out, v)
	}
	return out
}

func TestAddListRenameRemove(t *testing.T) {
	h := newHarness(t)
	readTok := h.project("prod", 3600, hcloudsim.Read)
	rwTok := h.project("staging", 7200, hcloudsim.ReadWrite)

	steps := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		outHas  string
		errHas  string
		records int // projects stored afterwards
	}{
		{"add read token with spaces and Bearer", "  Bearer " + readTok + "\n", []string{"add", "prod"}, 0, "Read", "", 1},
		{"add read&write warns", rwTok, []string{"add", "staging"}, 0, "Monitoring needs only Read", "", 2},
		{"duplicate name ignoring case", rwTok, []string{"add", "PROD"}, 1, "", "exists already", 2},
		{"malformed token", "abc def", []string{"add", "x"}, 1, "", "character 4 is a space", 2},
		{"empty stdin", "", []string{"add", "x"}, 1, "", "no token on standard input", 2},
		{"unknown token rejected", hcloudsim.TokenFor("nobody"), []string{"add", "ghost"}, 1, "", "401", 2},
		{"add --no-check after name", hcloudsim.TokenFor("nobody"), []string{"add", "ghost", "--no-check"}, 0, "Unknown", "", 3},
		{"rename", "", []string{"rename", "ghost", "spare"}, 0, "Renamed", "", 3},
		{"rename to taken", "", []string{"rename", "spare", "Staging"}, 1, "", "exists already", 3},
		{"rename missing", "", []string{"rename", "nope", "x"}, 1, "", "no such project", 3},
		{"remove", "", []string{"remove", "spare"}, 0, "Removed", "", 2},
		{"remove again", "", []string{"remove", "spare"}, 1, "", "no such project", 2},
		{"add wrong arg count", readTok, []string{"add"}, 1, "", "one project name", 2},
		{"help", "", []string{"add", "--help"}, 0, "Usage: cloudmoo-desktop add", "", 2},
		{"unknown command", "", []string{"frobnicate"}, 1, "", "unknown command", 2},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, out, errOut := h.run(st.stdin, st.args...)
			if code != st.code || !strings.Contains(out, st.outHas) || !strings.Contains(errOut, st.errHas) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, st.code, out, errOut)
			}
			f, err := project.NewStore(h.Dir).Load()
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Projects) != st.records {
				t.Fatalf("%d projects stored, want %d", len(f.Projects), st.records)
			}
			if h.Keys.Len() != st.records {
				t.Fatalf("%d keychain entries, want %d", h.Keys.Len(), st.records)
			}
		})
	}

	code, out, _ := h.run("", "list", "--json")
	if code != 0 {
		t.Fatalf("list --json exit %d", code)
	}
	lines := decodeLines[listLine](t, out)
	if len(lines) != 2 || lines[0].Name != "prod" || lines[0].Permission != "read" || lines[1].Permission != "read_write" {
		t.Fatalf("list --json = %+v", lines)
	}
	for _, l := range lines {
		if _, err := time.Parse(time.RFC3339, l.AddedAt); err != nil || !strings.HasPrefix(l.ID, "p_") {
			t.Errorf("bad line %+v", l)
		}
	}
	assertNoTokenAnywhere(t, h, readTok, rwTok, hcloudsim.TokenFor("nobody"))
}

func TestCheckContract(t *testing.T) {
	h := newHarness(t)
	okTok := h.project("prod", 3600, hcloudsim.Read)
	emptyTok := h.project("busy", 3600, hcloudsim.ReadWrite)
	revTok := h.project("old", 3600, hcloudsim.Read)
	for name, tok := range map[string]string{"prod": okTok, "busy": emptyTok, "old": revTok} {
		if code, _, errOut := h.run(tok, "add", name); code != 0 {
			t.Fatalf("add %s: %s", name, errOut)
		}
	}

	tests := []struct {
		name   string
		setup  func()
		args   []string
		stdin  string
		code   int
		status map[string]string
		perm   map[string]string
	}{
		{"all ok", nil, []string{"check", "--json"}, "", 0,
			map[string]string{"prod": "ok", "busy": "ok", "old": "ok"}, map[string]string{"prod": "read", "busy": "read_write"}},
		{"rate limited", func() { h.Sim.AddProject("busy", 3600).SetRemaining(0) }, []string{"check", "--json", "busy", "prod"}, "", 3,
			map[string]string{"prod": "ok", "busy": "rate_limited"}, nil},
		{"invalid wins", func() { h.Sim.RevokeToken(revTok) }, []string{"check", "--json"}, "", 2,
			map[string]string{"prod": "ok", "busy": "rate_limited", "old": "invalid_token"}, nil},
		{"token-stdin read&write", nil, []string{"check", "--token-stdin", "--json"}, emptyTok + "\n", 3, nil, nil},
		{"token-stdin read", nil, []string{"check", "--json", "--token-stdin"}, okTok, 0, nil, nil},
		{"unknown name", nil, []string{"check", "--json", "nope"}, "", 1, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			start := time.Now()
			code, out, errOut := h.run(tt.stdin, tt.args...)
			if time.Since(start) > 5*time.Second {
				t.Errorf("check took %v; a 429 must answer within a few seconds", time.Since(start))
			}
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, out, errOut)
			}
			if code == 1 {
				return
			}
			lines := decodeLines[checkLine](t, out)
			for _, l := range lines {
				if _, err := time.Parse(time.RFC3339, l.CheckedAt); err != nil {
					t.Errorf("checked_at %q", l.CheckedAt)
				}
				if want, ok := tt.status[l.Name]; ok && string(l.Status) != want {
					t.Errorf("%s: status %s, want %s (%s)", l.Name, l.Status, want, l.Error)
				}
				if want, ok := tt.perm[l.Name]; ok && string(l.Permission) != want {
					t.Errorf("%s: permission %s, want %s", l.Name, l.Permission, want)
				}
				if l.Status == "ok" && (l.RateLimit == nil || l.RateLimit.Limit != 3600 || l.Servers == nil || l.Error != "") {
					t.Errorf("%s: ok line incomplete: %+v", l.Name, l)
				}
				if l.Status != "ok" && l.Error == "" {
					t.Errorf("%s: %s without an error message", l.Name, l.Status)
				}
			}
			if tt.status != nil && len(lines) != len(tt.status) {
				t.Errorf("%d lines, want %d", len(lines), len(tt.status))
			}
		})
	}
	// The raw JSON keeps the contract's keys, nulls included.
	_, out, _ := h.run("", "check", "--json", "old")
	for _, key := range []string{`"name":"old"`, `"status":"invalid_token"`, `"permission":"read"`, `"rate_limit":{"limit":3600,`, `"servers":null`, `"error":"`} {
		if !strings.Contains(out, key) {
			t.Errorf("check --json output %s lacks %s", out, key)
		}
	}
	_, out, _ = h.run(emptyTok, "check", "--token-stdin", "--json")
	if !strings.Contains(out, `"permission":"unknown"`) || !strings.Contains(out, `"status":"rate_limited"`) {
		t.Errorf("token-stdin on an empty bucket: %s", out)
	}
	h.Sim.AddProject("busy", 3600).SetRemaining(3600)
	_, out, _ = h.run(emptyTok, "check", "--token-stdin", "--json")
	if !strings.Contains(out, `"permission":"read_write"`) || !strings.Contains(out, `"status":"ok"`) {
		t.Errorf("token-stdin read&write: %s", out)
	}
	if n := len(h.Sim.Mutations()); n != 0 {
		t.Errorf("checks changed %d things in the project", n)
	}
	assertNoTokenAnywhere(t, h, okTok, emptyTok, revTok)
}

func TestCorruptConfigLosesNothing(t *testing.T) {
	h := newHarness(t)
	bad := []byte(`{"version":1,"projects":[{"id":"p_1","name":"prod"`)
	path := filepath.Join(h.Dir, project.FileName)
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	tok := h.project("prod", 3600, hcloudsim.Read)
	code, _, errOut := h.run(tok, "add", "new")
	if code != 1 || !strings.Contains(errOut, path) {
		t.Fatalf("add on a corrupt config: exit %d, %s", code, errOut)
	}
	if code, _, errOut = h.run("", "list"); code != 1 || !strings.Contains(errOut, "not valid JSON") {
		t.Fatalf("list on a corrupt config: exit %d, %s", code, errOut)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, bad) {
		t.Fatal("the corrupt file was changed")
	}
	if h.Keys.Len() != 0 {
		t.Fatal("a token reached the keychain although nothing could be saved")
	}
}

func TestKeychainUnavailable(t *testing.T) {
	h := newHarness(t)
	tok := h.project("prod", 3600, hcloudsim.Read)
	h.Keys.Fail(keychain.ErrUnavailable)
	code, _, errOut := h.run(tok, "add", "prod")
	if code != 1 || !strings.Contains(strings.ToLower(errOut), "secret service") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, _ := project.NewStore(h.Dir).Load()
	if len(f.Projects) != 0 {
		t.Fatal("project saved without its token")
	}
	h.Keys.Fail(nil)
	if code, _, errOut := h.run(tok, "add", "prod"); code != 0 {
		t.Fatalf("after the keychain came back: %s", errOut)
	}
	h.Keys.Fail(keychain.ErrLocked)
	code, out, _ := h.run("", "check", "--json")
	if code != 1 || !strings.Contains(out, `"status":"keychain_error"`) {
		t.Fatalf("check with a locked keychain: exit %d %s", code, out)
	}
}

func TestVersion(t *testing.T) {
	h := newHarness(t)
	if code, out, _ := h.run("", "version"); code != 0 || out != "cloudmoo-desktop 1.2.3-test\n" {
		t.Fatalf("version: %d %q", code, out)
	}
}

// assertNoTokenAnywhere searches the config directory and everything the
// command line printed for any token: it must be found 0 times.
func assertNoTokenAnywhere(t *testing.T, h *harness, tokens ...string) {
	t.Helper()
	var haystack bytes.Buffer
	haystack.Write(h.out.Bytes())
	_ = filepath.Walk(h.Dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(path)
			haystack.Write(b)
		}
		return nil
	})
	if haystack.Len() == 0 {
		t.Fatal("nothing to search: the check would prove nothing")
	}
	for _, tok := range tokens {
		if n := bytes.Count(haystack.Bytes(), []byte(tok[:20])); n != 0 {
			t.Errorf("a token (or its first 20 characters) was found %d times in output or config", n)
		}
	}
}
