package main

import (
	"bufio"
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// xvfb starts a private X server and returns its DISPLAY. It skips the test
// when Xvfb is missing, unless CLOUDMOO_REQUIRE_XVFB=1 (make test) says the
// test must run.
func xvfb(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CLOUDMOO_REQUIRE_XVFB") == "1" {
				t.Fatalf("%s is missing: run `make test`, which installs it", tool)
			}
			t.Skipf("%s is missing; `make test` installs it and runs this test", tool)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -displayfd lets Xvfb pick a free display and tell us which.
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		lines <- strings.TrimSpace(s)
	}()
	select {
	case n := <-lines:
		if n == "" {
			t.Fatal("Xvfb did not report a display")
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start")
	}
	return ""
}

// waitWindow polls xdotool until a window with the exact title is mapped.
func waitWindow(t *testing.T, display, title string, timeout time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+title+"$")
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		out, _ := cmd.Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			return ids
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no window titled %q appeared within %v", title, timeout)
	return nil
}

// TestSmokeDemoWindowUnderXvfb starts the real binary in demo mode on a
// private X server, waits for its window, takes a screenshot and checks
// the window is not blank.
func TestSmokeDemoWindowUnderXvfb(t *testing.T) {
	display := xvfb(t)
	bin := binary(t)
	cfg := t.TempDir()
	cmd := exec.Command(bin, "--demo")
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "CLOUDMOO_CONFIG_DIR="+cfg, "FYNE_SCALE=1")
	cmd.Env = withoutEnv(cmd.Env, "WAYLAND_DISPLAY")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("app output:\n%s", logs.String())
		}
	}()
	ids := waitWindow(t, display, "CloudMoo", 60*time.Second)
	// Give the demo's first checks a moment to render rows.
	time.Sleep(3 * time.Second)

	shot := filepath.Join(artifactsDir(t), "smoke-demo.png")
	imp := exec.Command("import", "-window", ids[0], shot)
	imp.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 400 || b.Dy() < 300 {
		t.Fatalf("window is only %v", b.Size())
	}
	if n := distinctColours(img, 64); n < 8 {
		t.Fatalf("screenshot has %d distinct colours: the window looks blank", n)
	}
	t.Logf("screenshot of the demo window: %s (%v)", shot, b.Size())
}

// distinctColours counts colours up to limit, sampling every other pixel.
func distinctColours(img image.Image, limit int) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// artifactsDir is where screenshots are kept: $CLOUDMOO_ARTIFACTS, or a
// directory that survives the test for a person to look at.
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("CLOUDMOO_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "cloudmoo-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func withoutEnv(env []string, key string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}
