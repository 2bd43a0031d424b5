//go:build windows

package agent

import "syscall"

// detachedProcess is DETACHED_PROCESS: no console, not even the parent's.
const detachedProcess = 0x00000008

// detachedAttr starts the agent without a console and in its own process
// group, so Ctrl+C in the parent's console does not reach it.
func detachedAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP | detachedProcess, HideWindow: true}
}
