package keychain

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
)

// errNoSessionBus stops go-keyring before godbus autolaunches a session bus.
// With no bus address godbus runs dbus-launch, and the private bus it starts
// (plus the gnome-keyring that bus activates, with a new, locked keyring)
// outlives the app: a stray daemon per run, and a token stored where the
// user's desktop will never look.
var errNoSessionBus = errors.New("DBUS_SESSION_BUS_ADDRESS is not set and no session bus was found; not starting one")

// checkSessionBus returns errNoSessionBus where go-keyring would use the
// Secret Service but godbus would have to autolaunch a bus to reach it.
func checkSessionBus() error {
	switch runtime.GOOS {
	case "darwin", "windows":
		return nil // go-keyring uses no D-Bus there.
	}
	runtimeDir := filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	if needsAutolaunch(os.Getenv("DBUS_SESSION_BUS_ADDRESS"), runtimeDir) {
		return errNoSessionBus
	}
	return nil
}

// needsAutolaunch mirrors how godbus finds the session bus: the address in
// DBUS_SESSION_BUS_ADDRESS ("autolaunch:" means none), else the "bus" socket
// or "dbus-session" file in /run/user/<uid>, else dbus-launch.
func needsAutolaunch(address, runtimeDir string) bool {
	if address != "" && address != "autolaunch:" {
		return false
	}
	for _, name := range []string{"bus", "dbus-session"} {
		// Like godbus, count anything but "does not exist" as present.
		if _, err := os.Stat(filepath.Join(runtimeDir, name)); !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return true
}
