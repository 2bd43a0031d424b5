package autostart

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// The per-user Run key, and where Task Manager's Startup tab records an
// entry the user switched off.
const (
	runKey      = `Software\Microsoft\Windows\CurrentVersion\Run`
	approvedKey = `Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run`
	valueName   = "CloudMoo"
)

// Path returns where the entry lives, for messages.
func Path() (string, error) { return `HKCU\` + runKey + `\` + valueName, nil }

// Enable sets the Run value to `"exe" agent`, and clears a "disabled" mark
// Task Manager may have left, since the user now asked for it. exe must be
// an absolute path.
func Enable(exe string) error {
	if err := checkExe(exe); err != nil {
		return err
	}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("cannot open the Run key HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	if err := k.SetStringValue(valueName, RunCommand(exe)); err != nil {
		return fmt.Errorf("cannot set HKCU\\%s\\%s: %w", runKey, valueName, err)
	}
	if a, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.SET_VALUE); err == nil {
		if err := a.DeleteValue(valueName); err != nil && !errors.Is(err, registry.ErrNotExist) {
			a.Close()
			return fmt.Errorf("cannot clear Task Manager's startup mark HKCU\\%s\\%s: %w", approvedKey, valueName, err)
		}
		a.Close()
	}
	return nil
}

// Disable deletes the Run value; it is not an error when there is none. A
// running agent keeps running.
func Disable() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot open the Run key HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	if err := k.DeleteValue(valueName); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("cannot delete HKCU\\%s\\%s: %w", runKey, valueName, err)
	}
	return nil
}

// Enabled reports whether the Run value exists and Task Manager's Startup
// tab has not switched it off. That tab stores 12 bytes per entry whose
// first byte is even (02, 06) when enabled and odd (03) when disabled.
func Enabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot open the Run key HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	if _, _, err := k.GetStringValue(valueName); errors.Is(err, registry.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("cannot read HKCU\\%s\\%s: %w", runKey, valueName, err)
	}
	a, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.QUERY_VALUE)
	if err != nil {
		return true, nil // no Task Manager record: enabled
	}
	defer a.Close()
	if mark, _, err := a.GetBinaryValue(valueName); err == nil && len(mark) > 0 && mark[0]&1 == 1 {
		return false, nil
	}
	return true, nil
}
