package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Path returns where the LaunchAgent lives:
// ~/Library/LaunchAgents/com.cloudmoo.desktop.plist.
func Path() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the home directory for the LaunchAgent: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", ID+".plist"), nil
}

// Enable writes the LaunchAgent that runs `exe agent` at login. launchd
// reads it at the next login; the agent already running is not touched
// (loading it now with launchctl would start a second one). exe must be an
// absolute path, e.g. /Applications/CloudMoo.app/Contents/MacOS/cloudmoo-desktop.
// macOS 13 and later tell the user that a background item was added and
// list it under System Settings → General → Login Items.
func Enable(exe string) error {
	return writeEntry(exe, LaunchAgentPlist, "LaunchAgent", "")
}

// Disable removes the LaunchAgent; it is not an error when there is none.
// A running agent keeps running.
func Disable() error { return removeEntry("LaunchAgent") }

// Enabled reports whether the LaunchAgent exists. A user who switched it
// off under Login Items is not seen here (launchd keeps that elsewhere).
func Enabled() (bool, error) {
	path, err := Path()
	if err != nil {
		return false, err
	}
	_, err = os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot read the LaunchAgent %s: %w", path, err)
	}
	return true, nil
}
