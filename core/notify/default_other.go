//go:build !((linux || freebsd || openbsd || netbsd) && !android)

package notify

// Default returns the platform's Notifier. macOS and Windows need a native
// API that the agent does not link yet (see docs/desktop-integration.md),
// so notifications are discarded there; the tray icon still shows every
// state.
func Default() Notifier { return Discard }
