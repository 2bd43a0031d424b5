package core

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCoreDoesNotImportFyne keeps core usable by the agent and the command
// line without linking a GUI toolkit.
func TestCoreDoesNotImportFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps ./core/...: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list returned only %d packages; the check would prove nothing", len(deps))
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "fyne.io/") {
			t.Errorf("core depends on %s; core must stay free of fyne.io", dep)
		}
	}
}
