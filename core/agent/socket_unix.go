//go:build !windows

package agent

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// checkOwner refuses a directory another user owns: they could swap the
// socket for their own and read every token the window sends.
func checkOwner(dir string, fi os.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(st.Uid) != uid {
		return fmt.Errorf("the agent's directory %s belongs to user %d, not you (%d); remove it (or set TMPDIR elsewhere) and start CloudMoo again", dir, st.Uid, uid)
	}
	return nil
}

// lockInstance takes the agent's instance lock without waiting; closing
// the returned file releases it, and the kernel does when the agent dies.
func lockInstance(path string) (io.Closer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the agent's lock file %s: %w", path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errLocked
		}
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	return f, nil
}

// isRefused reports a connection refused: a socket file nobody listens on.
func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
