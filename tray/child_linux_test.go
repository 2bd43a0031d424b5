package tray

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// childEnv marks the test binary re-run as the tray process: systray keeps
// global state and runs once per process, so each tray gets its own.
const childEnv = "CLOUDMOO_TRAY_TEST_CHILD"

// TestMain runs the tray process of TestTrayOnPrivateSessionBus when the
// binary is started as one: outside any test, so that a race inside
// fyne.io/systray is reported (and judged by the parent) rather than
// failing the run by itself.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(trayChild())
	}
	os.Exit(m.Run())
}

// trayChild is the agent of TestTrayOnPrivateSessionBus: a service.Local
// on the simulated API with an in-memory keychain, and the tray.
func trayChild() int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc := service.NewLocal(service.Options{
		Store:       project.NewStore(os.Getenv("CLOUDMOO_TEST_DIR")),
		Keychain:    keychain.NewMemory(),
		API:         hetzner.Config{Endpoint: os.Getenv("CLOUDMOO_TEST_ENDPOINT"), Retries: -1},
		ReloadEvery: 50 * time.Millisecond,
	})
	for _, name := range strings.Fields(os.Getenv("CLOUDMOO_TEST_PROJECTS")) {
		st, err := svc.Add(ctx, service.AddRequest{Name: name, Token: hcloudsim.TokenFor(name)})
		if err != nil {
			fmt.Fprintln(os.Stderr, "add:", err)
			return 1
		}
		fmt.Printf("PROJECT %s %s\n", name, st.ID)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); svc.Run(ctx) }()
	err := Run(ctx, Options{
		Service: svc,
		OnShow:  func(id string) { fmt.Println(strings.TrimSpace("SHOW " + id)) },
		OnQuit:  func() { fmt.Println("QUIT"); cancel() },
		Refresh: 200 * time.Millisecond,
		Logf:    func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) },
	})
	cancel()
	wg.Wait()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tray.Run:", err)
		return 1
	}
	return 0
}

type childProc struct {
	cmd    *exec.Cmd
	lines  chan string
	ids    map[string]string // project name → ID
	out    *strings.Builder  // stdout and stderr, for the log
	stderr *strings.Builder
	mu     *sync.Mutex
	done   chan error
}

func startChild(t *testing.T, addr, endpoint, dir string, projects ...string) *childProc {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // dies with the test, even on -timeout
	cmd.Env = append(os.Environ(),
		childEnv+"=1",
		"DBUS_SESSION_BUS_ADDRESS="+addr,
		"CLOUDMOO_TEST_ENDPOINT="+endpoint,
		"CLOUDMOO_TEST_DIR="+dir,
		"CLOUDMOO_TEST_PROJECTS="+strings.Join(projects, " "),
		// fyne.io/systray has data races of its own (its first GetLayout
		// starts a refresh that writes the menu version another GetLayout
		// reads under a different lock). Exit 0 on a race and let waitExit
		// sort the reports: a race with a frame of ours still fails.
		"GORACE=exitcode=0",
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &childProc{cmd: cmd, lines: make(chan string, 64), ids: map[string]string{}, out: &strings.Builder{}, stderr: &strings.Builder{}, mu: &sync.Mutex{}, done: make(chan error, 1)}
	cmd.Stderr = lockedWriter{io.MultiWriter(c.out, c.stderr), c.mu}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.mu.Lock()
			c.out.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-c.done
		}
		if t.Failed() {
			c.mu.Lock()
			t.Logf("tray process output:\n%s", c.out.String())
			c.mu.Unlock()
		}
	})
	for len(c.ids) < len(projects) {
		line := c.waitLine(t, "PROJECT ")
		f := strings.Fields(line)
		c.ids[f[1]] = f[2]
	}
	return c
}

func (c *childProc) waitLine(t *testing.T, prefix string) string {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				t.Fatalf("the tray process ended before printing %q", prefix)
			}
			if strings.HasPrefix(line, prefix) {
				return line
			}
		case <-timeout:
			t.Fatalf("the tray process printed no %q within 20 s", prefix)
		}
	}
}

func (c *childProc) waitExit(t *testing.T) {
	t.Helper()
	select {
	case err := <-c.done:
		if err != nil {
			t.Fatalf("the tray process failed after Quit: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the tray process did not exit within 20 s of Quit")
	}
	c.mu.Lock()
	stderr := c.stderr.String()
	c.mu.Unlock()
	checkRaces(t, stderr)
}

// checkRaces fails on every race report that has a frame of this module;
// reports entirely inside fyne.io/systray and godbus are upstream's and
// only logged.
func checkRaces(t *testing.T, stderr string) {
	t.Helper()
	const start = "WARNING: DATA RACE"
	for _, chunk := range strings.Split(stderr, start)[1:] {
		report, _, _ := strings.Cut(chunk, "==================")
		if strings.Contains(report, "github.com/cloudmoo/") {
			t.Errorf("data race in the tray process:\n%s%s", start, report)
			continue
		}
		if !strings.Contains(report, "fyne.io/systray") {
			t.Errorf("data race outside fyne.io/systray in the tray process:\n%s%s", start, report)
			continue
		}
		lines := strings.Split(strings.TrimSpace(report), "\n")
		t.Logf("tolerated a data race inside fyne.io/systray (upstream):\n%s", strings.Join(lines[:min(len(lines), 3)], "\n"))
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
