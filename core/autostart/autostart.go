// Package autostart starts CloudMoo's background agent when the user logs
// in, when they opt in (Settings.Autostart). Each platform has its own
// mechanism, and each is a per-user file or value that needs no
// administrator rights:
//
//   - Linux and the BSDs: an XDG autostart entry,
//     $XDG_CONFIG_HOME/autostart/com.cloudmoo.desktop.desktop (default
//     ~/.config/autostart), running `EXE agent`.
//   - macOS: a LaunchAgent, ~/Library/LaunchAgents/com.cloudmoo.desktop.plist,
//     with RunAtLoad and ProgramArguments [EXE, agent].
//   - Windows: the value CloudMoo under
//     HKCU\Software\Microsoft\Windows\CurrentVersion\Run, `"EXE" agent`.
//
// Enable(exe), Disable() and Enabled() are the same on every platform. The
// entry's contents are built by pure functions (DesktopEntry,
// LaunchAgentPlist, RunCommand) that are tested on any platform.
package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ID names the entry on every platform: the desktop file, the launchd
// label, and the icon.
const ID = "com.cloudmoo.desktop"

// AgentArg is the subcommand the entry runs.
const AgentArg = "agent"

// ErrNotAbsolute is returned by Enable for an exe that is not an absolute
// path: at login there is no working directory or PATH to resolve it.
var ErrNotAbsolute = errors.New("autostart needs the program's absolute path")

// Executable returns the path an autostart entry should run: $APPIMAGE
// when CloudMoo runs from an AppImage (its mount point changes on every
// start), otherwise the running program.
func Executable() (string, error) {
	if p := os.Getenv("APPIMAGE"); p != "" && filepath.IsAbs(p) {
		return p, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot tell where CloudMoo is installed, so it cannot start at login: %w", err)
	}
	return exe, nil
}

func checkExe(exe string) error {
	if !filepath.IsAbs(exe) {
		return fmt.Errorf("%w (got %q)", ErrNotAbsolute, exe)
	}
	if strings.ContainsAny(exe, "\x00\r\n") {
		return fmt.Errorf("autostart cannot run a program whose path contains a line break (%q)", exe)
	}
	return nil
}

// DesktopEntry returns the XDG autostart entry that runs `exe agent`. It
// follows the Desktop Entry Specification: the path is quoted in Exec when
// it holds a reserved character, and TryExec makes the session skip the
// entry quietly once the program is gone.
func DesktopEntry(exe string) []byte {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Version=1.4\n")
	b.WriteString("Name=CloudMoo\n")
	b.WriteString("Comment=Watches your Hetzner Cloud API tokens and their request budgets in the background\n")
	b.WriteString("Exec=" + escapeString(execArg(exe)+" "+AgentArg) + "\n")
	b.WriteString("TryExec=" + escapeString(exe) + "\n")
	b.WriteString("Icon=" + ID + "\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("NoDisplay=true\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	return []byte(b.String())
}

// execArg quotes one argument of an Exec key: double quotes around any
// argument with a reserved character, a backslash before `"`, "`", `$` and
// `\` inside them, and `%%` for a literal percent sign.
func execArg(s string) string {
	s = strings.ReplaceAll(s, "%", "%%")
	if s != "" && !strings.ContainsAny(s, " \t\n\"'\\><~|&;$*?#()`") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if strings.ContainsRune("\"`$\\", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// escapeString applies the escapes of a desktop entry string value; the
// Exec quoting above comes first, so a backslash ends up doubled twice.
func escapeString(s string) string {
	return strings.NewReplacer("\\", "\\\\", "\n", "\\n", "\t", "\\t", "\r", "\\r").Replace(s)
}

// entryEnabled reads whether an existing desktop entry still starts: the
// user can switch it off with Hidden=true or, in GNOME's and Xfce's
// session settings, X-GNOME-Autostart-enabled=false.
func entryEnabled(content []byte) bool {
	for line := range strings.Lines(string(content)) {
		key, value, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if (key == "Hidden" && value == "true") || (key == "X-GNOME-Autostart-enabled" && value == "false") {
			return false
		}
	}
	return true
}

// LaunchAgentPlist returns the macOS LaunchAgent that runs `exe agent` at
// login. KeepAlive is left off: Quit in the tray must stay quit until the
// next login.
func LaunchAgentPlist(exe string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + ID + `</string>
	<key>ProgramArguments</key>
	<array>
		<string>` + xmlText(exe) + `</string>
		<string>` + AgentArg + `</string>
	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Interactive</string>
	<key>LimitLoadToSessionType</key>
	<string>Aqua</string>
	<key>AssociatedBundleIdentifiers</key>
	<string>` + ID + `</string>
</dict>
</plist>
`)
	return []byte(b.String())
}

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

// RunCommand returns the command line of the Windows Run value: the
// program in double quotes (paths under "Program Files" have spaces, and
// Windows paths cannot contain a double quote), then the subcommand.
func RunCommand(exe string) string { return `"` + exe + `" ` + AgentArg }

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so a crash never leaves half an entry for the session to run.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cloudmoo-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// removeFile deletes path; a missing file is already the goal.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
