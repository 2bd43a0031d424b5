//go:build windows

package project

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockFile takes an exclusive lock with LockFileEx, waiting for other
// processes; Windows releases it when the holder dies.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	ol := new(windows.Overlapped)
	if err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, ol); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
		f.Close()
	}, nil
}

// syncDir is a no-op: Windows has no directory fsync, and MoveFileEx is
// already as durable as it gets there.
func syncDir(string) {}

// isChmodUnsupported: Windows has no Unix modes; the file inherits the
// per-user ACL of %AppData%.
func isChmodUnsupported(error) bool { return true }
