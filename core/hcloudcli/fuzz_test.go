package hcloudcli

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// fakeService answers Add by the token's hash with each outcome the
// importer handles, with messages that hold no token, so any token in a
// Result came from the importer itself.
type fakeService struct {
	service.Service // nil: other methods are not used
	projects        []service.ProjectState
}

func (s *fakeService) Add(_ context.Context, req service.AddRequest) (service.ProjectState, error) {
	h := fnv.New32a()
	h.Write([]byte(req.Token))
	switch h.Sum32() % 6 {
	case 0:
		return service.ProjectState{}, fmt.Errorf("%w: revoked", service.ErrTokenRejected)
	case 1:
		if !req.SkipCheck {
			return service.ProjectState{}, fmt.Errorf("%w: offline. Save it without the check", service.ErrNotVerified)
		}
	case 2:
		return service.ProjectState{}, fmt.Errorf("%w: this token is already saved as project %q", service.ErrDuplicateToken, "x")
	case 3:
		return service.ProjectState{}, fmt.Errorf("%w: taken", project.ErrDuplicateName)
	}
	return service.ProjectState{Project: project.Project{ID: "p_1", Name: req.Name, Permission: project.PermissionRead}}, nil
}

func (s *fakeService) Snapshot(context.Context) (service.Snapshot, error) {
	return service.Snapshot{Projects: s.projects, Endpoint: "https://api.hetzner.cloud/v1"}, nil
}

var alnumRun = regexp.MustCompile(`[A-Za-z0-9]{16,}`)

// FuzzParse feeds arbitrary files to Parse and the importer: they must not
// panic, and no error, reason, result or printed form may hold 16
// characters in a row of any token text in the file.
func FuzzParse(f *testing.F) {
	f.Add([]byte(hcloudWritten))
	f.Add([]byte("[[contexts]]\nname = \"prod\"\ntoken = " + tokProd + "\n"))
	f.Add([]byte("contexts = [{name = \"a\", token = \"" + tokDev + "x\"}]\n"))
	f.Add([]byte("active_context = \"a\"\n[[contexts]]\nname = \"a\"\ntoken = '" + tokStaging + "'\n[[contexts]]\nname = \"a\"\ntoken = \"" + tokProd + "\"\n"))
	f.Add([]byte("[[contexts]]\nname = \"a\"\ntoken = \"\\u00e9" + tokProd + "\"\n"))
	f.Add([]byte("[[contexts]]\nname = \"x\"\ntoken = 0x" + tokProd[:10] + "\n"))
	f.Add([]byte("[[contexts]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data)
		if err != nil {
			// Nothing from the file is meant to be in a syntax error.
			for _, run := range alnumRun.FindAllString(string(data), -1) {
				assertNoPiece(t, run, nil, err.Error())
			}
			return
		}
		var shown []string // names and endpoints are meant to be shown
		for _, c := range cfg.Contexts {
			shown = append(shown, c.Name, c.Endpoint)
		}
		secrets := rawTokens(data)
		svc := &fakeService{projects: []service.ProjectState{{Project: project.Project{Name: "prod", TokenMask: token4(tokProd)}}}}
		results, err := Import(context.Background(), svc, cfg, Options{Resolve: RenameConflict})
		if err != nil && len(cfg.Contexts) > 0 {
			t.Fatalf("Import: %v", err)
		}
		var out []string
		for _, c := range cfg.Contexts {
			b, _ := json.Marshal(c)
			out = append(out, c.Reason, c.String(), string(b), fmt.Sprintf("%v %+v %#v %d %x %q %s", c, c, c, c, c, c, c))
		}
		for _, r := range results {
			b, _ := json.Marshal(r)
			out = append(out, r.Message, string(b), fmt.Sprintf("%+v %#v", r, r))
		}
		for _, s := range secrets {
			assertNoPiece(t, s, shown, out...)
		}
	})
}

func token4(s string) string { return s[:4] + "…" + s[len(s)-4:] }

// rawTokens returns every token value the file holds, as TOML decodes it.
func rawTokens(data []byte) []string {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil
	}
	var out []string
	add := func(t any) {
		if m, ok := t.(map[string]any); ok {
			if s, ok := m["token"].(string); ok {
				out = append(out, s)
			}
		}
	}
	switch v := raw["contexts"].(type) {
	case []map[string]any:
		for _, t := range v {
			add(t)
		}
	case []any:
		for _, t := range v {
			add(t)
		}
	}
	return out
}

// assertNoPiece fails if any 16-byte piece of secret that is not part of a
// shown name appears in outs.
func assertNoPiece(t *testing.T, secret string, shown []string, outs ...string) {
	t.Helper()
	for i := 0; i+16 <= len(secret); i++ {
		piece := secret[i : i+16]
		legit := false
		for _, s := range shown {
			legit = legit || strings.Contains(s, piece)
		}
		if legit {
			continue
		}
		for _, o := range outs {
			if strings.Contains(o, piece) {
				t.Fatalf("a piece of a token (%q) leaks into %q", piece, o)
			}
		}
	}
}
