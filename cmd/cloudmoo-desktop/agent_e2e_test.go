package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
)

type agentStatus struct {
	Running  bool   `json:"running"`
	PID      int    `json:"pid"`
	Socket   string `json:"socket"`
	Projects int    `json:"projects"`
	UptimeS  int64  `json:"uptime_s"`
	Windows  int    `json:"windows"`
}

func statusOf(t *testing.T, env []string) (agentStatus, int) {
	t.Helper()
	code, out, _ := run(t, env, "", "agent", "status", "--json")
	var st agentStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("agent status --json printed %q: %v", out, err)
	}
	return st, code
}

// eventually polls cond for up to 20 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func start(t *testing.T, env []string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_, _ = cmd.Process.Wait()
	})
	return cmd, logs
}

// TestAgentEndToEnd: the agent runs, the command line's add reaches it at
// once, a second window launch raises the first instead of opening
// another, killing the window leaves the agent monitoring, and quit ends it.
func TestAgentEndToEnd(t *testing.T) {
	if os.Getenv("CLOUDMOO_SECRET_SERVICE") != "1" {
		t.Skip("needs a throwaway Secret Service: run through scripts/with-secret-service.sh (make test does)")
	}
	display := xvfb(t)
	sim := hcloudsim.New(hcloudsim.Options{})
	url := sim.Start()
	defer sim.Close()
	tok := hcloudsim.TokenFor("agent-e2e")
	sim.AddProject("agent-e2e", 3600).AddToken(tok, hcloudsim.Read)
	env := []string{"CLOUDMOO_CONFIG_DIR=" + t.TempDir(), "HCLOUD_ENDPOINT=" + url, "DISPLAY=" + display, "FYNE_SCALE=1"}

	if st, code := statusOf(t, env); code != 1 || st.Running {
		t.Fatalf("status before start: exit %d, %+v", code, st)
	}
	agentCmd, agentLog := start(t, env, "agent", "--no-tray")
	eventually(t, "the agent answers", func() bool { st, code := statusOf(t, env); return code == 0 && st.Running })
	st, _ := statusOf(t, env)
	if st.PID != agentCmd.Process.Pid || st.Socket == "" {
		t.Fatalf("status %+v names another process than %d", st, agentCmd.Process.Pid)
	}
	if info, err := os.Stat(st.Socket); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("socket %s: %v %v", st.Socket, info.Mode(), err)
	}

	if code, _, errOut := run(t, env, tok, "add", "prod"); code != 0 {
		t.Fatalf("add: %s", errOut)
	}
	if st, _ := statusOf(t, env); st.Projects != 1 {
		t.Fatalf("the agent does not see the added project at once: %+v", st)
	}
	if code, _, errOut := run(t, env, "", "agent"); code != 1 || !strings.Contains(errOut, "already running") {
		t.Fatalf("a second agent: exit %d, %s", code, errOut)
	}

	win, _ := start(t, env)
	waitWindow(t, display, "CloudMoo", 60*time.Second)
	eventually(t, "the window is connected", func() bool { st, _ := statusOf(t, env); return st.Windows == 1 })
	if code, out, errOut := run(t, env, ""); code != 0 {
		t.Fatalf("second launch: exit %d\n%s%s", code, out, errOut)
	}
	if ids := waitWindow(t, display, "CloudMoo", 5*time.Second); len(ids) != 1 {
		t.Fatalf("%d CloudMoo windows after a second launch, want 1", len(ids))
	}

	_ = syscall.Kill(-win.Process.Pid, syscall.SIGKILL)
	_, _ = win.Process.Wait()
	eventually(t, "the agent sees the window gone", func() bool { st, _ := statusOf(t, env); return st.Windows == 0 })
	if st, code := statusOf(t, env); code != 0 || !st.Running || st.Projects != 1 {
		t.Fatalf("agent after the window died: exit %d %+v", code, st)
	}

	// Leave the shared test keyring as we found it.
	if code, _, errOut := run(t, env, "", "remove", "prod"); code != 0 {
		t.Fatalf("remove: %s", errOut)
	}
	if code, _, errOut := run(t, env, "", "agent", "quit"); code != 0 {
		t.Fatalf("agent quit: %s", errOut)
	}
	done := make(chan error, 1)
	go func() { _, err := agentCmd.Process.Wait(); done <- err }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("the agent did not stop after quit\n%s", agentLog.String())
	}
	if st, code := statusOf(t, env); code != 1 || st.Running {
		t.Fatalf("status after quit: exit %d %+v", code, st)
	}
	if strings.Contains(agentLog.String(), tok[:16]) {
		t.Fatal("the agent's log contains the token")
	}
}
