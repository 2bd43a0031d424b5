package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/internal/snihost"
)

// TestAgentIdleCost is a measurement, not a check: `make bench` runs it
// (CLOUDMOO_BENCH=1) to print the agent's idle CPU and memory with 20 demo
// projects and its tray icon up on a stand-in panel. Timed assertions
// would flake on a busy machine, so it only fails if the tray never came up.
func TestAgentIdleCost(t *testing.T) {
	if os.Getenv("CLOUDMOO_BENCH") != "1" {
		t.Skip("a measurement for `make bench` (CLOUDMOO_BENCH=1)")
	}
	settle := 60 * time.Second
	if s, err := strconv.Atoi(os.Getenv("BENCH_SETTLE_SECONDS")); err == nil && s > 0 {
		settle = time.Duration(s) * time.Second
	}
	// With a throwaway Secret Service (make bench runs this through
	// scripts/with-secret-service.sh) the real agent is measured: OS
	// keychain, projects added by the command line, the simulated API in
	// this test process. Without one, the demo agent, which carries the
	// simulator inside it.
	real := os.Getenv("CLOUDMOO_SECRET_SERVICE") == "1" && os.Getenv("DBUS_SESSION_BUS_ADDRESS") != ""
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if !real {
		addr = snihost.StartBus(t)
	}
	w := snihost.StartWatcher(t, addr)
	env := []string{"CLOUDMOO_CONFIG_DIR=" + t.TempDir(), "CLOUDMOO_DEMO_PROJECTS=20", "DBUS_SESSION_BUS_ADDRESS=" + addr}
	args, kind := []string{"agent", "--demo"}, "demo agent (simulator inside)"
	if real {
		sim := hcloudsim.New(hcloudsim.Options{})
		env = append(env, "HCLOUD_ENDPOINT="+sim.Start())
		t.Cleanup(sim.Close)
		for i := range 20 {
			name := fmt.Sprintf("idle-%02d", i)
			tok := hcloudsim.TokenFor(name)
			sim.AddProject(name, 3600).AddToken(tok, hcloudsim.Read)
			if code, _, errOut := run(t, env, tok, "add", name); code != 0 {
				t.Fatalf("add: %s", errOut)
			}
		}
		args, kind = []string{"agent"}, "agent"
	}
	agentCmd, logs := start(t, env, args...)
	w.WaitRegistration(t, 30*time.Second)
	statusArgs := append([]string{"agent", "status", "--json"}, args[1:]...)
	eventually(t, "the agent answers", func() bool {
		code, _, _ := run(t, env, "", statusArgs...)
		return code == 0
	})
	pid := agentCmd.Process.Pid
	time.Sleep(5 * time.Second) // first checks, start-up allocations
	t0, c0 := time.Now(), cpuTicks(t, pid)
	time.Sleep(settle)
	c1, elapsed := cpuTicks(t, pid), time.Since(t0)
	const hz = 100 // USER_HZ on Linux
	cpu := float64(c1-c0) / hz / elapsed.Seconds() * 100
	fmt.Printf("%s idle with its tray up, 20 projects, over %v: CPU %.3f %% of a core, RSS %d MB (goal <= 0.3 %%, <= 30 MB)\n",
		kind, settle, cpu, rssKB(t, pid)/1024)
	if real {
		_, _, _ = run(t, env, "", "agent", "quit")
	}
	if strings.Contains(logs.String(), "panic") {
		t.Fatalf("the agent panicked:\n%s", logs.String())
	}
}

func procFields(t *testing.T, pid int) []string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
}

// cpuTicks is utime+stime of pid in clock ticks.
func cpuTicks(t *testing.T, pid int) int64 {
	f := procFields(t, pid)
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

func rssKB(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return 0
}
