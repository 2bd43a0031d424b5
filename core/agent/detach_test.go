//go:build !windows

package agent

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// helperEnv names the config directory of the agent the test binary runs
// when started as a helper process.
const helperEnv = "CLOUDMOO_AGENT_TEST_HELPER_DIR"

// TestHelperAgentProcess is not a test: it is the agent StartDetached
// starts, this test binary run again with helperEnv set.
func TestHelperAgentProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("runs only as the helper process of TestStartDetached")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	ctx, quit := context.WithCancel(ctx)
	srv := NewServer(idleService(t, dir), ServerOptions{SocketPath: SocketPath(dir), Version: "helper", Quit: quit})
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	os.Stderr.WriteString("helper agent listening\n")
	if err := srv.Serve(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestStartDetached(t *testing.T) {
	dir := t.TempDir()
	sock := SocketPath(dir)
	logPath := filepath.Join(dir, "logs", "agent.log")
	env := append(os.Environ(), helperEnv+"="+dir)
	pid, err := StartDetached(os.Args[0], []string{"-test.run=^TestHelperAgentProcess$"}, env, logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGTERM) })

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := WaitReady(ctx, sock)
	if err != nil {
		log, _ := os.ReadFile(logPath)
		t.Fatalf("%v\nlog:\n%s", err, log)
	}
	defer c.Close()
	st, err := c.Status(ctx)
	if err != nil || st.PID != pid || st.Version != "helper" {
		t.Fatalf("status %+v, %v; started PID %d", st, err, pid)
	}
	if sid, err := getsid(pid); err != nil || sid != pid {
		t.Errorf("the agent is not in a session of its own: sid %d, %v", sid, err)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the agent to stop", func() bool {
		_, err := Dial(ctx, sock)
		return errors.Is(err, ErrNotRunning)
	})
	eventually(t, "the process to exit", func() bool { return syscall.Kill(pid, 0) != nil })
	if log, err := os.ReadFile(logPath); err != nil || len(log) == 0 {
		t.Errorf("nothing in the log: %v", err)
	}
}

func TestWaitReadyGivesUp(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := WaitReady(ctx, SocketPath(t.TempDir()))
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrNotRunning) {
		t.Fatalf("got %v", err)
	}
}

// getsid returns a process's session ID.
func getsid(pid int) (int, error) {
	sid, _, errno := syscall.RawSyscall(syscall.SYS_GETSID, uintptr(pid), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(sid), nil
}
