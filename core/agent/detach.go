package agent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// StartDetached starts exe with args as an agent that outlives the caller:
// in its own session (no controlling terminal, no signals from the
// caller's terminal), stdin from the null device, stdout and stderr
// appended to logPath. env nil inherits the caller's environment. It
// returns the new process's ID; use WaitReady to know when it serves.
func StartDetached(exe string, args []string, env []string, logPath string) (pid int, err error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		return 0, fmt.Errorf("cannot create the agent's log directory: %w", err)
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, fmt.Errorf("cannot open the agent's log %s: %w", logPath, err)
	}
	defer logFile.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		return 0, err
	}
	defer null.Close()
	cmd := exec.Command(exe, args...)
	cmd.Env = env
	cmd.Stdin = null
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = detachedAttr()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("cannot start the agent (%s): %w", exe, err)
	}
	pid = cmd.Process.Pid
	// Reap it if it exits while the caller still runs, so it leaves no
	// zombie; if the caller exits first, init adopts it.
	go func() { _ = cmd.Wait() }()
	return pid, nil
}

// WaitReady polls the socket until an agent answers, and returns a client
// for it. It gives up when ctx ends, or at once on an error that waiting
// will not fix (an agent of another version, a socket directory of
// another user).
func WaitReady(ctx context.Context, socketPath string) (*Client, error) {
	delay := 20 * time.Millisecond
	for {
		c, err := Dial(ctx, socketPath)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, ErrNotRunning) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("the agent did not start on %s (%w); its log says why: %w", socketPath, ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 250*time.Millisecond)
	}
}
