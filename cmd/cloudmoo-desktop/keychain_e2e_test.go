package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
)

// TestCLIAgainstRealKeychain drives every command-line flow of the real
// binary against gnome-keyring's Secret Service and the simulated API, then
// looks for the tokens on disk and in the output: they must be found only
// in the keychain.
func TestCLIAgainstRealKeychain(t *testing.T) {
	if os.Getenv("CLOUDMOO_SECRET_SERVICE") != "1" {
		t.Skip("needs a throwaway Secret Service: run through scripts/with-secret-service.sh (make test does)")
	}
	sim := hcloudsim.New(hcloudsim.Options{})
	url := sim.Start()
	defer sim.Close()
	readTok := hcloudsim.TokenFor("e2e-read")
	rwTok := hcloudsim.TokenFor("e2e-rw")
	sim.AddProject("e2e-prod", 3600).AddToken(readTok, hcloudsim.Read)
	rwTok2 := hcloudsim.TokenFor("e2e-rw-rotated")
	staging := sim.AddProject("e2e-staging", 3600)
	staging.AddToken(rwTok, hcloudsim.ReadWrite)
	staging.AddToken(rwTok2, hcloudsim.Read)

	cfg := t.TempDir()
	env := []string{"CLOUDMOO_CONFIG_DIR=" + cfg, "HCLOUD_ENDPOINT=" + url}
	var transcript strings.Builder
	step := func(wantCode int, stdin string, args ...string) string {
		t.Helper()
		code, out, errOut := run(t, env, stdin, args...)
		transcript.WriteString(out + errOut)
		if code != wantCode {
			t.Fatalf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, wantCode, out, errOut)
		}
		return out
	}

	step(0, readTok+"\n", "add", "prod")
	step(0, "Bearer "+rwTok, "add", "staging")
	step(1, rwTok, "add", "Prod")          // duplicate name
	step(1, "  not-a-token  ", "add", "x") // malformed
	out := step(0, "", "list", "--json")
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var l struct{ ID, Name, Permission string }
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("list --json line %q: %v", line, err)
		}
		ids = append(ids, l.ID)
	}
	if len(ids) != 2 {
		t.Fatalf("list: %s", out)
	}
	if n := secretToolCount(t, ids...); n != 2 {
		t.Fatalf("secret-tool finds %d entries for service com.cloudmoo.desktop, want 2", n)
	}
	out = step(0, "", "check", "--json")
	if !strings.Contains(out, `"status":"ok"`) || !strings.Contains(out, `"permission":"read_write"`) {
		t.Fatalf("check: %s", out)
	}
	step(0, "", "rename", "prod", "production")
	step(1, readTok, "replace", "staging") // that token is already prod's
	step(0, rwTok2, "replace", "staging")  // rotation to a new token of the same project
	step(0, "", "remove", "staging")
	if n := secretToolCount(t, ids...); n != 1 {
		t.Fatalf("after remove secret-tool finds %d entries, want 1", n)
	}
	// Deleted behind our back: check reports it, nothing crashes.
	if err := exec.Command("secret-tool", "clear", "service", "com.cloudmoo.desktop").Run(); err != nil {
		t.Fatal(err)
	}
	out = step(1, "", "check", "--json")
	if !strings.Contains(out, `"status":"keychain_error"`) {
		t.Fatalf("check after the entry vanished: %s", out)
	}
	step(0, "", "remove", "production")

	haystack := transcript.String()
	_ = filepath.Walk(cfg, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			haystack += string(b)
		}
		return nil
	})
	for _, tok := range []string{readTok, rwTok, rwTok2} {
		if n := strings.Count(haystack, tok[:16]); n != 0 {
			t.Errorf("a token was found %d times in the config directory or the output", n)
		}
	}
}

// secretToolCount counts the Secret Service entries of the app that
// belong to the given project IDs (other tests share the keyring).
func secretToolCount(t *testing.T, ids ...string) int {
	t.Helper()
	// secret-tool exits 1 when nothing matches, so only the output counts.
	out, _ := exec.Command("secret-tool", "search", "--all", "service", "com.cloudmoo.desktop").CombinedOutput()
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		for _, id := range ids {
			if strings.TrimSpace(line) == "attribute.username = "+id {
				n++
			}
		}
	}
	return n
}
