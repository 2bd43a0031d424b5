//go:build windows

package agent

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Windows error numbers the syscall package does not name.
const (
	errSharingViolation syscall.Errno = 32    // ERROR_SHARING_VIOLATION
	wsaConnRefused      syscall.Errno = 10061 // WSAECONNREFUSED
)

// checkOwner is a no-op: the socket lives under the user's profile, whose
// ACL already keeps other users out.
func checkOwner(string, os.FileInfo) error { return nil }

// lockInstance opens the lock file without sharing, so a second agent's open
// fails until the first closes it or dies.
func lockInstance(path string) (io.Closer, error) {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ|syscall.GENERIC_WRITE, 0, nil,
		syscall.OPEN_ALWAYS, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		if errors.Is(err, errSharingViolation) {
			return nil, errLocked
		}
		return nil, fmt.Errorf("cannot open the agent's lock file %s: %w", path, err)
	}
	return os.NewFile(uintptr(h), path), nil
}

// isRefused reports a connection refused: a socket file nobody listens on.
func isRefused(err error) bool {
	return errors.Is(err, wsaConnRefused) || errors.Is(err, syscall.ECONNREFUSED)
}
