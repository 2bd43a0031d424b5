//go:build !windows && !darwin

package autostart

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnableDisable(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	path := filepath.Join(dir, "autostart", "com.cloudmoo.desktop.desktop")
	if p, err := Path(); err != nil || p != path {
		t.Fatalf("Path() = %q, %v; want %q", p, err, path)
	}
	if on, err := Enabled(); on || err != nil {
		t.Fatalf("before Enable: %v, %v", on, err)
	}
	exe := "/opt/Cloud Moo/cloudmoo-desktop"
	if err := Enable(exe); err != nil {
		t.Fatal(err)
	}
	if on, err := Enabled(); !on || err != nil {
		t.Fatalf("after Enable: %v, %v", on, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o644 {
		t.Errorf("entry mode %v", info.Mode().Perm())
	}
	content, _ := os.ReadFile(path)
	if !strings.Contains(string(content), `Exec="/opt/Cloud Moo/cloudmoo-desktop" agent`) {
		t.Errorf("entry:\n%s", content)
	}

	// The user switches it off in the session settings: not enabled; Enable
	// again (they opted in in CloudMoo) rewrites it.
	if err := os.WriteFile(path, append(content, "Hidden=true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if on, _ := Enabled(); on {
		t.Fatal("an entry with Hidden=true counts as enabled")
	}
	if err := Enable("/usr/bin/cloudmoo-desktop"); err != nil {
		t.Fatal(err)
	}
	if on, _ := Enabled(); !on {
		t.Fatal("Enable did not replace the switched-off entry")
	}
	left, _ := filepath.Glob(filepath.Join(dir, "autostart", ".cloudmoo-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if on, err := Enabled(); on || err != nil {
		t.Fatalf("after Disable: %v, %v", on, err)
	}
	if err := Disable(); err != nil {
		t.Fatalf("Disable twice: %v", err)
	}
}

func TestEnableNeedsAbsolutePath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, exe := range []string{"cloudmoo-desktop", "./bin/cloudmoo-desktop", ""} {
		if err := Enable(exe); !errors.Is(err, ErrNotAbsolute) {
			t.Errorf("Enable(%q) = %v", exe, err)
		}
	}
	if err := Enable("/a\nb"); err == nil {
		t.Error("a path with a line break was accepted")
	}
	if on, _ := Enabled(); on {
		t.Error("a refused Enable left an entry")
	}
}

func TestPathIgnoresRelativeXDGConfigHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "relative/config")
	want := filepath.Join(home, ".config", "autostart", ID+".desktop")
	if p, err := Path(); err != nil || p != want {
		t.Fatalf("Path() = %q, %v; want %q: a relative XDG_CONFIG_HOME is ignored", p, err, want)
	}
}

func TestExecutablePrefersAppImage(t *testing.T) {
	t.Setenv("APPIMAGE", "/home/a/Apps/CloudMoo.AppImage")
	if got, err := Executable(); err != nil || got != "/home/a/Apps/CloudMoo.AppImage" {
		t.Fatalf("Executable() = %q, %v", got, err)
	}
	t.Setenv("APPIMAGE", "")
	if got, err := Executable(); err != nil || !filepath.IsAbs(got) {
		t.Fatalf("Executable() = %q, %v", got, err)
	}
}

// TestDesktopEntryValidates runs desktop-file-validate (desktop-file-utils)
// on entries for awkward paths, where it is installed.
func TestDesktopEntryValidates(t *testing.T) {
	validate, err := exec.LookPath("desktop-file-validate")
	if err != nil {
		t.Skip("desktop-file-validate not found; install it with: apt install desktop-file-utils")
	}
	for _, exe := range []string{"/usr/bin/cloudmoo-desktop", "/opt/Cloud Moo/cloudmoo-desktop", `/home/a/$x "q" 100%/b\c/cm`} {
		path := filepath.Join(t.TempDir(), ID+".desktop")
		if err := os.WriteFile(path, DesktopEntry(exe), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(validate, path).CombinedOutput()
		if err != nil || len(strings.TrimSpace(string(out))) > 0 {
			t.Errorf("desktop-file-validate for %q: %v\n%s\n%s", exe, err, out, DesktopEntry(exe))
		}
	}
}
