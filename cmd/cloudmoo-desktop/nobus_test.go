package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestNoSessionBusQuitsCleanly: on a desktop with no usable D-Bus session
// (so no tray, no Secret Service), the app still starts, shows its window,
// quits on Ctrl+Q with exit 0, and leaves no process behind.
func TestNoSessionBusQuitsCleanly(t *testing.T) {
	display := xvfb(t)
	cfg := t.TempDir()
	env := []string{
		"CLOUDMOO_CONFIG_DIR=" + cfg, "DISPLAY=" + display, "FYNE_SCALE=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + cfg + "/no-such-bus",
		"HCLOUD_ENDPOINT=http://127.0.0.1:9/v1", // nothing listens: offline, never the internet
	}
	win, logs := start(t, env)
	ids := waitWindow(t, display, "CloudMoo", 60*time.Second)

	// Without a window manager, focus comes from a click; the key then goes
	// through XTEST like a real keypress.
	xdo := func(args ...string) {
		t.Helper()
		cmd := exec.Command("xdotool", args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v %s", args, err, out)
		}
	}
	xdo("mousemove", "--window", ids[0], "600", "400", "click", "1")
	time.Sleep(300 * time.Millisecond)
	xdo("key", "ctrl+q")

	exited := make(chan error, 1)
	go func() { exited <- win.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the window exited with %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("Ctrl+Q did not quit the window\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "panic") {
		t.Fatalf("panic:\n%s", logs.String())
	}
	// The agent the window started for itself has no tray here, so it
	// ends with the window.
	eventually(t, "no CloudMoo process is left", func() bool {
		out, _ := exec.Command("pgrep", "-f", binary(t)).Output()
		return strings.TrimSpace(string(out)) == ""
	})
	if code, _, _ := run(t, env, "", "agent", "status"); code != 1 {
		t.Fatal("an agent still answers")
	}
}
