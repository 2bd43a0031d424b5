//go:build !windows

package agent

import "syscall"

// detachedAttr puts the agent in a new session, away from the terminal
// (and its hang-up) of whoever started it.
func detachedAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
