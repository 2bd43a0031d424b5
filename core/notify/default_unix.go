//go:build (linux || freebsd || openbsd || netbsd) && !android

package notify

// Default returns the platform's Notifier: the freedesktop.org
// Notifications service on the session bus.
func Default() Notifier { return NewDesktop() }
