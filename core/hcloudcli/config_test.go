package hcloudcli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

var (
	tokProd    = hcloudsim.TokenFor("cli-prod")
	tokStaging = hcloudsim.TokenFor("cli-staging")
	tokDev     = hcloudsim.TokenFor("cli-dev")
)

// hcloudWritten is cli.toml as hcloud v1.5x writes it (BurntSushi/toml's
// encoder: two-space indents, global and per-context preferences).
var hcloudWritten = `active_context = "prod"

[preferences]
  debug = true
  poll_interval = "1s"

[[contexts]]
  name = "prod"
  token = "` + tokProd + `"

[[contexts]]
  name = "staging"
  token = "` + tokStaging + `"
  [contexts.preferences]
    endpoint = "https://api.example.test/v1"
    default_ssh_keys = ["me@laptop"]
    quiet = true

[[contexts]]
  name = "dev"
  token = "` + tokDev + `"
`

func TestParseVariants(t *testing.T) {
	type want struct {
		name    string
		active  bool
		problem Problem
		reason  string // substring of Reason
	}
	tests := []struct {
		name     string
		file     string
		active   string
		contexts []want
		err      error
		errHas   []string
	}{
		{"as hcloud writes it", hcloudWritten, "prod", []want{{"prod", true, "", ""}, {"staging", false, "", ""}, {"dev", false, "", ""}}, nil, nil},
		{"no active context", "[[contexts]]\nname = \"prod\"\ntoken = \"" + tokProd + "\"\n", "", []want{{"prod", false, "", ""}}, nil, nil},
		{"active context missing", "active_context = \"gone\"\n[[contexts]]\nname = \"prod\"\ntoken = \"" + tokProd + "\"\n", "gone", []want{{"prod", false, "", ""}}, nil, nil},
		{"windows line endings and BOM", "\ufeffactive_context = \"prod\"\r\n\r\n[[contexts]]\r\n  name = \"prod\"\r\n  token = \"" + tokProd + "\"\r\n", "prod", []want{{"prod", true, "", ""}}, nil, nil},
		{"inline contexts", `contexts = [{name = "prod", token = "` + tokProd + `"}]`, "", []want{{"prod", false, "", ""}}, nil, nil},
		{"unknown keys everywhere", "active_context = \"prod\"\nfuture = 1\n[telemetry]\nx = true\n[[contexts]]\nname = \"prod\"\ntoken = \"" + tokProd + "\"\nlabel = \"x\"\n[contexts.preferences]\nendpoint = 5\nnew_thing = [1, 2]\n", "prod", []want{{"prod", true, "", ""}}, nil, nil},
		{"duplicate names", "active_context = \"prod\"\n[[contexts]]\nname = \"prod\"\ntoken = \"" + tokProd + "\"\n[[contexts]]\nname = \"prod\"\ntoken = \"" + tokDev + "\"\n[[contexts]]\nname = \"Prod\"\ntoken = \"" + tokStaging + "\"\n", "prod",
			[]want{{"prod", true, "", ""}, {"prod", false, ProblemDuplicateName, "also called"}, {"Prod", false, "", ""}}, nil, nil},
		{"bad tokens", "[[contexts]]\nname = \"short\"\ntoken = \"abc123\"\n" +
			"[[contexts]]\nname = \"space\"\ntoken = \"" + tokProd[:30] + " " + tokProd[31:] + "\"\n" +
			"[[contexts]]\nname = \"quoted\"\ntoken = \"'" + tokProd + "'\"\n" +
			"[[contexts]]\nname = \"number\"\ntoken = 12345\n" +
			"[[contexts]]\nname = \"bearer\"\ntoken = \"Bearer " + tokDev + "\"\n", "",
			[]want{{"short", false, ProblemMalformedToken, "6 characters"}, {"space", false, ProblemMalformedToken, "is a space"}, {"quoted", false, ProblemMalformedToken, "quotes"},
				{"number", false, ProblemMalformedToken, "a number"}, {"bearer", false, "", ""}}, nil, nil},
		{"empty file", "", "", nil, nil, nil},
		{"only comments and preferences", "# hcloud\n[preferences]\ndebug = false\n", "", nil, nil, nil},
		{"contexts without token", "[[contexts]]\nname = \"a\"\n[[contexts]]\nname = \"b\"\ntoken = \"  \"\n[[contexts]]\nname = \"c\"\ntoken_command = \"pass show hcloud\"\n", "",
			[]want{{"a", false, ProblemNoToken, "no token"}, {"b", false, ProblemNoToken, "no token"}, {"c", false, ProblemTokenCommand, "does not run it"}}, nil, nil},
		{"context without name", "[[contexts]]\ntoken = \"" + tokProd + "\"\n[[contexts]]\nname = \"" + strings.Repeat("x", 70) + "\"\ntoken = \"" + tokDev + "\"\n", "",
			[]want{{"context 1", false, ProblemNoName, "no name"}, {strings.Repeat("x", 70), false, ProblemNoName, "70 characters"}}, nil, nil},
		{"not TOML", "active_context = \"prod\"\n\n[[contexts]\nname = \"prod\"\n", "", nil, ErrSyntax, []string{"line 3"}},
		{"unquoted token", "[[contexts]]\nname = \"prod\"\ntoken = " + tokProd + "\n", "", nil, ErrSyntax, []string{"line 3", "double quotes"}},
		{"JSON instead of TOML", `{"contexts": []}`, "", nil, ErrSyntax, []string{"line 1"}},
		{"duplicate key", "active_context = \"a\"\nactive_context = \"b\"\n", "", nil, ErrSyntax, []string{"line 2", "already been defined"}},
		{"contexts is text", "contexts = \"prod\"\n", "", nil, ErrShape, []string{"[[contexts]]"}},
		{"contexts as a table", "[contexts.prod]\ntoken = \"" + tokProd + "\"\n", "", nil, ErrShape, []string{"a table"}},
		{"context entry not a table", "contexts = [1, 2]\n", "", nil, ErrShape, []string{"entry 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tt.file))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				for _, s := range tt.errHas {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
				assertNoToken(t, err.Error())
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ActiveContext != tt.active {
				t.Errorf("active_context %q, want %q", cfg.ActiveContext, tt.active)
			}
			if len(cfg.Contexts) != len(tt.contexts) {
				t.Fatalf("%d contexts, want %d: %v", len(cfg.Contexts), len(tt.contexts), cfg.Contexts)
			}
			for i, w := range tt.contexts {
				c := cfg.Contexts[i]
				if c.Name != w.name || c.Active != w.active || c.Problem != w.problem || !strings.Contains(c.Reason, w.reason) {
					t.Errorf("context %d = %+v (%s), want %+v", i, c, c.Reason, w)
				}
				if c.Importable() != (w.problem == "") {
					t.Errorf("%s: importable %v", c.Name, c.Importable())
				}
				if (w.problem == "") != (c.Reason == "") {
					t.Errorf("%s: reason %q with problem %q", c.Name, c.Reason, c.Problem)
				}
				assertNoToken(t, c.Reason, c.String(), fmt.Sprintf("%+v %#v %d %x %q", c, c, c, c, c))
			}
		})
	}
}

func TestParseDetails(t *testing.T) {
	cfg, err := Parse([]byte(hcloudWritten))
	if err != nil {
		t.Fatal(err)
	}
	prod, staging := cfg.Contexts[0], cfg.Contexts[1]
	if prod.TokenMask != token.Mask(tokProd) || prod.tok.Value() != tokProd {
		t.Errorf("prod mask %q", prod.TokenMask)
	}
	if staging.Endpoint != "https://api.example.test/v1" || prod.Endpoint != "" {
		t.Errorf("endpoints %q %q", prod.Endpoint, staging.Endpoint)
	}
	if len(cfg.Importable()) != 3 {
		t.Errorf("importable %v", cfg.Importable())
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoToken(t, string(b))
	if !strings.Contains(string(b), `"token_mask":"`+token.Mask(tokProd)+`"`) || !strings.Contains(string(b), `"active":true`) {
		t.Errorf("JSON %s", b)
	}
	if s := prod.String(); s != "prod (token "+token.Mask(tokProd)+", active)" {
		t.Errorf("String() = %q", s)
	}

	// A global endpoint applies to contexts without their own.
	cfg, err = Parse([]byte("[preferences]\nendpoint = \"http://127.0.0.1:1/v1\"\n[[contexts]]\nname = \"a\"\ntoken = \"" + tokProd + "\"\n"))
	if err != nil || cfg.Contexts[0].Endpoint != "http://127.0.0.1:1/v1" {
		t.Fatalf("global endpoint: %v %+v", err, cfg)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "cli.toml")
	if err := os.WriteFile(good, []byte(hcloudWritten), 0o600); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "locked.toml")
	if err := os.WriteFile(unreadable, []byte(hcloudWritten), 0o000); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.toml")
	if err := os.WriteFile(huge, []byte("# "+strings.Repeat("x", MaxFileSize)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nope", "cli.toml")
	tests := []struct {
		name   string
		path   string
		err    error
		errHas string
	}{
		{"good", good, nil, ""},
		{"missing", missing, ErrNotFound, "no hcloud CLI config at " + missing + "; pass --config PATH"},
		{"a folder", dir, ErrUnreadable, "is a folder"},
		{"unreadable", unreadable, ErrUnreadable, "permission denied"},
		{"too large", huge, ErrUnreadable, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "unreadable" && os.Geteuid() == 0 {
				t.Skip("root reads any file")
			}
			cfg, err := Load(tt.path)
			if tt.err == nil {
				if err != nil || cfg.Path != tt.path || len(cfg.Contexts) != 3 {
					t.Fatalf("Load: %v %+v", err, cfg)
				}
				return
			}
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("error %v, want %v containing %q", err, tt.err, tt.errHas)
			}
		})
	}
}

func TestDefaultPath(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	tests := []struct {
		name   string
		goos   string
		env    map[string]string
		home   func() (string, error)
		exists []string
		want   string
		err    bool
	}{
		{"HCLOUD_CONFIG wins", "linux", map[string]string{"HCLOUD_CONFIG": "/etc/x.toml", "XDG_CONFIG_HOME": "/xdg"}, home, []string{"/xdg/hcloud/cli.toml"}, "/etc/x.toml", false},
		{"hcloud's own path", "linux", nil, home, nil, filepath.Join("/home/u", ".config", "hcloud", "cli.toml"), false},
		{"XDG when the file is there", "linux", map[string]string{"XDG_CONFIG_HOME": "/xdg"}, home, []string{filepath.Join("/xdg", "hcloud", "cli.toml")}, filepath.Join("/xdg", "hcloud", "cli.toml"), false},
		{"XDG without the file", "linux", map[string]string{"XDG_CONFIG_HOME": "/xdg"}, home, nil, filepath.Join("/home/u", ".config", "hcloud", "cli.toml"), false},
		{"relative XDG ignored", "linux", map[string]string{"XDG_CONFIG_HOME": "xdg"}, home, []string{filepath.Join("xdg", "hcloud", "cli.toml")}, filepath.Join("/home/u", ".config", "hcloud", "cli.toml"), false},
		{"macOS", "darwin", nil, home, nil, filepath.Join("/home/u", ".config", "hcloud", "cli.toml"), false},
		{"windows", "windows", map[string]string{"APPDATA": `C:\Users\u\AppData\Roaming`}, noHome, nil, filepath.Join(`C:\Users\u\AppData\Roaming`, "hcloud", "cli.toml"), false},
		{"windows without APPDATA", "windows", nil, home, nil, "", true},
		{"no home", "linux", nil, noHome, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exists := func(p string) bool {
				for _, e := range tt.exists {
					if e == p {
						return true
					}
				}
				return false
			}
			got, err := defaultPath(tt.goos, func(k string) string { return tt.env[k] }, tt.home, exists)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("defaultPath = %q, %v; want %q (error %v)", got, err, tt.want, tt.err)
			}
			if err != nil && !strings.Contains(err.Error(), "--config") {
				t.Errorf("error %q does not say what to do", err)
			}
		})
	}
	t.Setenv("HCLOUD_CONFIG", "/tmp/x/cli.toml")
	if p, err := DefaultPath(); err != nil || p != "/tmp/x/cli.toml" {
		t.Fatalf("DefaultPath with HCLOUD_CONFIG = %q, %v", p, err)
	}
}

// assertNoToken fails if any of the test tokens, or a 16-character piece
// of one, appears in ss.
func assertNoToken(t *testing.T, ss ...string) {
	t.Helper()
	for _, s := range ss {
		for _, tok := range []string{tokProd, tokStaging, tokDev} {
			for i := 0; i+16 <= len(tok); i++ {
				if strings.Contains(s, tok[i:i+16]) {
					t.Fatalf("a token leaks into %q", s)
				}
			}
		}
	}
}
