//go:build !windows && !darwin

package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Path returns where the autostart entry lives:
// $XDG_CONFIG_HOME/autostart/com.cloudmoo.desktop.desktop, or under
// ~/.config when XDG_CONFIG_HOME is unset (a relative value is ignored,
// as the XDG Base Directory Specification asks).
func Path() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot find the config directory for the autostart entry: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", ID+".desktop"), nil
}

// Enable writes the XDG autostart entry that runs `exe agent` at login,
// replacing an older one (a moved binary, an entry the user switched off).
// exe must be an absolute path; see Executable.
func Enable(exe string) error {
	return writeEntry(exe, DesktopEntry, "autostart entry", "; check that the directory is writable")
}

// Disable removes the autostart entry; it is not an error when there is
// none. A running agent keeps running.
func Disable() error { return removeEntry("autostart entry") }

// Enabled reports whether the agent starts at login: the entry exists and
// the user has not switched it off in the desktop's session settings.
func Enabled() (bool, error) {
	path, err := Path()
	if err != nil {
		return false, err
	}
	content, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot read the autostart entry %s: %w", path, err)
	}
	return entryEnabled(content), nil
}
