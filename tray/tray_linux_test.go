package tray

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/internal/snihost"
)

func TestAvailableWithoutSessionBus(t *testing.T) {
	_, err := os.Stat(filepath.Join(runtimeDir(), "bus"))
	userBus := err == nil
	for _, addr := range []string{"", "autolaunch:", "unix:path=" + filepath.Join(t.TempDir(), "no-bus")} {
		t.Run(addr, func(t *testing.T) {
			if userBus && (addr == "" || addr == "autolaunch:") {
				t.Skip("this machine has a session bus in " + runtimeDir() + ", which is found without the variable")
			}
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
			start := time.Now()
			ok, reason := Available()
			if ok || reason == "" {
				t.Fatalf("Available() = %v, %q with no bus", ok, reason)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("Available took %s with no bus", d)
			}
			err := Run(context.Background(), Options{Service: nopService{}})
			if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), reason) {
				t.Fatalf("Run with no bus: %v", err)
			}
			if ran.Load() {
				t.Fatal("Run started systray without a bus")
			}
		})
	}
}

func TestAvailableWithSilentBus(t *testing.T) {
	// A socket that accepts and never answers: the handshake would hang.
	sock := filepath.Join(t.TempDir(), "silent")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+sock)
	start := time.Now()
	ok, reason := available(300 * time.Millisecond)
	if ok || !strings.Contains(reason, "did not answer") {
		t.Fatalf("available = %v, %q", ok, reason)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("available took %s", d)
	}
}

func TestAvailableNeedsAWatcher(t *testing.T) {
	addr := snihost.StartBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	if ok, reason := Available(); ok || !strings.Contains(reason, "org.kde.StatusNotifierWatcher") {
		t.Fatalf("without a watcher: %v, %q", ok, reason)
	}
	snihost.StartWatcher(t, addr)
	if ok, reason := Available(); !ok {
		t.Fatalf("with a watcher: %q", reason)
	}
}

// TestTrayOnPrivateSessionBus runs the tray against a real service.Local on
// the simulated API, in a child process on a private session bus with a
// stand-in panel, and reads its menu the way a panel does.
func TestTrayOnPrivateSessionBus(t *testing.T) {
	addr := snihost.StartBus(t)
	watcher := snihost.StartWatcher(t, addr)
	panel := snihost.Connect(t, addr)

	sim := hcloudsim.New(hcloudsim.Options{})
	sim.Start()
	t.Cleanup(sim.Close)
	sim.AddProject("prod", 3600).AddToken(hcloudsim.TokenFor("prod"), hcloudsim.Read)
	sim.AddProject("old-laptop", 3600).AddToken(hcloudsim.TokenFor("old-laptop"), hcloudsim.Read)
	sim.AddProject("ci", 3600).AddToken(hcloudsim.TokenFor("ci"), hcloudsim.Read)
	dir := t.TempDir()

	child := startChild(t, addr, sim.URL(), dir, "prod", "old-laptop")
	reg := watcher.WaitRegistration(t, 20*time.Second)
	if _, path := reg.Item(); path != "/StatusNotifierItem" {
		t.Errorf("registered item path %q", path)
	}

	// The menu lists the projects, then the fixed entries.
	items := waitMenu(t, panel, reg, "both projects", func(items []snihost.MenuItem) bool {
		return hasLabel(items, "prod — Read — ") && hasLabel(items, "old-laptop — Read — ")
	})
	want := []string{"old-laptop — Read — ", "prod — Read — ", "---", TitleCheckAll, TitleShow, TitleQuit}
	if got := labels(items); len(got) != len(want) {
		t.Fatalf("menu %q, want the shape %q", got, want)
	} else {
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Fatalf("menu %q, want the shape %q", got, want)
			}
		}
	}
	if w, h, pix, err := snihost.IconPixmap(panel, reg); err != nil || w != 64 || h != 64 || len(pix) != 64*64*4 {
		t.Errorf("icon %dx%d, %d bytes, %v", w, h, len(pix), err)
	}
	waitTooltip(t, panel, reg, "CloudMoo — all 2 projects OK")

	// A token revoked in the Console shows after "Check all now", updated
	// in place (same item IDs).
	sim.RevokeToken(hcloudsim.TokenFor("old-laptop"))
	clickItem(t, panel, reg, items, TitleCheckAll)
	after := waitMenu(t, panel, reg, "old-laptop revoked", func(items []snihost.MenuItem) bool {
		return hasLabel(items, "old-laptop — token revoked")
	})
	if ids(after) != ids(items) {
		t.Errorf("a status change rebuilt the menu: ids %v, then %v", ids(items), ids(after))
	}
	waitTooltip(t, panel, reg, "CloudMoo — old-laptop token revoked")

	// A project added by another process (the window, the command line)
	// appears: the agent's service rereads the config file. Its token is
	// not in this agent's in-memory keychain, which the menu says.
	other := service.NewLocal(service.Options{
		Store: project.NewStore(dir), Keychain: keychain.NewMemory(),
		API: hetzner.Config{Endpoint: sim.URL(), Retries: -1},
	})
	if _, err := other.Add(context.Background(), service.AddRequest{Name: "ci", Token: hcloudsim.TokenFor("ci"), SkipCheck: true, Permission: project.PermissionRead}); err != nil {
		t.Fatal(err)
	}
	items = waitMenu(t, panel, reg, "ci added", func(items []snihost.MenuItem) bool {
		return hasLabel(items, "ci — ")
	})
	if got := labels(items); !strings.HasPrefix(got[0], "ci — ") || !strings.HasPrefix(got[1], "old-laptop — ") || !strings.HasPrefix(got[2], "prod — ") {
		t.Errorf("menu after add %q: want ci, old-laptop, prod in the snapshot's order", got)
	}

	// A project line opens the window on that project.
	clickItem(t, panel, reg, items, "prod — ")
	if line := child.waitLine(t, "SHOW "); line != "SHOW "+child.ids["prod"] {
		t.Errorf("clicking prod: %q, want SHOW %s", line, child.ids["prod"])
	}
	clickItem(t, panel, reg, items, TitleShow)
	if line := child.waitLine(t, "SHOW"); line != "SHOW" {
		t.Errorf("clicking Show CloudMoo: %q", line)
	}

	// Quit ends the agent: OnQuit runs, Run returns, the process exits 0.
	clickItem(t, panel, reg, items, TitleQuit)
	child.waitLine(t, "QUIT")
	child.waitExit(t)
}

// waitMenu polls GetLayout until ok accepts the visible items.
func waitMenu(t *testing.T, conn *dbus.Conn, reg snihost.Registration, what string, ok func([]snihost.MenuItem) bool) []snihost.MenuItem {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last []snihost.MenuItem
	var lastErr error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, items, err := snihost.Menu(ctx, conn, reg)
		cancel()
		if err == nil {
			last = visible(items)
			if ok(last) {
				return last
			}
		}
		lastErr = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("menu never showed %s; last %q, %v", what, labels(last), lastErr)
	return nil
}

func waitTooltip(t *testing.T, conn *dbus.Conn, reg snihost.Registration, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got string
	var err error
	for time.Now().Before(deadline) {
		if got, err = snihost.Tooltip(conn, reg); err == nil && got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("tooltip %q (%v), want %q", got, err, want)
}

func clickItem(t *testing.T, conn *dbus.Conn, reg snihost.Registration, items []snihost.MenuItem, labelPrefix string) {
	t.Helper()
	for _, it := range items {
		if strings.HasPrefix(it.Label, labelPrefix) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := snihost.Click(ctx, conn, reg, it.ID); err != nil {
				t.Fatalf("click %q: %v", it.Label, err)
			}
			return
		}
	}
	t.Fatalf("no menu item %q in %q", labelPrefix, labels(items))
}

func visible(items []snihost.MenuItem) []snihost.MenuItem {
	var out []snihost.MenuItem
	for _, it := range items {
		if it.Visible {
			out = append(out, it)
		}
	}
	return out
}

func labels(items []snihost.MenuItem) []string {
	var out []string
	for _, it := range items {
		if it.Type == "separator" {
			out = append(out, "---")
		} else {
			out = append(out, it.Label)
		}
	}
	return out
}

func hasLabel(items []snihost.MenuItem, prefix string) bool {
	for _, l := range labels(items) {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func ids(items []snihost.MenuItem) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "%d ", it.ID)
	}
	return b.String()
}

// nopService is a Service that is never asked anything in the tests that
// use it.
type nopService struct{ service.Service }
