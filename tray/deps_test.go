package tray

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTrayDoesNotStartFyne keeps the agent free of Fyne's app and driver:
// the tray needs fyne.io/systray only, and linking the driver would start
// a GL context in a process that has no window.
func TestTrayDoesNotStartFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list returned only %d packages; the check would prove nothing", len(deps))
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "fyne.io/fyne/") {
			t.Errorf("the tray depends on %s; it may use fyne.io/systray only", dep)
		}
	}
}
