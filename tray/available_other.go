//go:build darwin || windows

package tray

// Available reports whether this session can show a tray icon: macOS's menu
// bar and Windows' notification area are always there.
func Available() (ok bool, reason string) { return true, "" }
