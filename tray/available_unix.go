//go:build (linux || freebsd || openbsd || netbsd) && !android

package tray

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/godbus/dbus/v5"
)

// watcherName is the D-Bus name of the StatusNotifierWatcher: the part of a
// desktop's panel that StatusNotifierItems (tray icons) register with. KDE,
// Xfce, Cinnamon, MATE, LXQt and GNOME with the AppIndicator extension
// provide one; stock GNOME does not.
const watcherName = "org.kde.StatusNotifierWatcher"

// Available reports whether this session can show a tray icon, and if not,
// why, in words for a log line. On Linux that needs a D-Bus session bus
// (found without starting one) and an owner of org.kde.StatusNotifierWatcher.
// It answers within a few seconds whatever the bus does, and never panics.
func Available() (ok bool, reason string) { return available(3 * time.Second) }

func available(timeout time.Duration) (bool, string) {
	type answer struct {
		ok     bool
		reason string
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	done := make(chan answer, 1)
	go func() {
		ok, reason := probe(ctx)
		done <- answer{ok, reason}
	}()
	select {
	case a := <-done:
		return a.ok, a.reason
	case <-ctx.Done():
		return false, fmt.Sprintf("the D-Bus session bus did not answer within %s", timeout)
	}
}

// probe asks the session bus whether a tray host is there. Cancelling ctx
// closes the connection, which ends a stuck handshake.
func probe(ctx context.Context) (bool, string) {
	if !hasSessionBus() {
		return false, "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set and " +
			filepath.Join(runtimeDir(), "bus") + " does not exist), so no tray icon can be shown"
	}
	// Never autolaunch: godbus would start a private bus (dbus-launch) that
	// outlives the agent and that no panel listens on.
	conn, err := dbus.SessionBusPrivateNoAutoStartup(dbus.WithContext(ctx))
	if err != nil {
		return false, "cannot reach the D-Bus session bus: " + err.Error()
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return false, "the D-Bus session bus refused the connection: " + err.Error()
	}
	if err := conn.Hello(); err != nil {
		return false, "the D-Bus session bus refused the connection: " + err.Error()
	}
	var has bool
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&has); err != nil {
		return false, "cannot ask the D-Bus session bus for a tray host: " + err.Error()
	}
	if !has {
		return false, "the desktop has no system tray host (nothing owns " + watcherName + " on the session bus); " +
			"on GNOME, install the \"AppIndicator and KStatusNotifierItem Support\" extension to see CloudMoo's icon"
	}
	return true, ""
}

// hasSessionBus mirrors where godbus looks for the session bus, short of
// autolaunching one.
func hasSessionBus() bool {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return true
	}
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(runtimeDir(), name)); err == nil {
			return true
		}
	}
	return false
}

// runtimeDir is where godbus looks for a session bus socket; like godbus,
// it ignores XDG_RUNTIME_DIR.
func runtimeDir() string { return "/run/user/" + strconv.Itoa(os.Getuid()) }
