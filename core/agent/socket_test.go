package agent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// idleService is a Local with no projects and no API, for socket tests.
func idleService(t *testing.T, dir string) service.Service {
	t.Helper()
	return service.NewLocal(service.Options{Store: project.NewStore(dir), Keychain: keychain.NewMemory()})
}

// serve runs srv until the test ends.
func serve(t *testing.T, srv *Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
}

func TestSocketAndDirectoryArePrivate(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "agent"), 0o755); err != nil {
		t.Fatal(err)
	}
	sock := SocketPath(dir)
	if want := filepath.Join(dir, "agent", "agent.sock"); sock != want {
		t.Fatalf("SocketPath = %s, want %s", sock, want)
	}
	srv := NewServer(idleService(t, dir), ServerOptions{SocketPath: sock})
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	serve(t, srv)
	tests := []struct {
		path string
		want os.FileMode
	}{
		{sock, 0o600},
		{filepath.Dir(sock), 0o700},
	}
	for _, tt := range tests {
		fi, err := os.Stat(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != tt.want {
			t.Errorf("%s: mode %v, want %v", tt.path, got, tt.want)
		}
	}
	if fi, _ := os.Stat(sock); fi.Mode().Type() != os.ModeSocket {
		t.Errorf("%s is not a socket", sock)
	}
}

func TestLongConfigDirFallsBackToTempDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	long := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))
	if err := os.MkdirAll(long, 0o700); err != nil {
		t.Fatal(err)
	}
	sock := SocketPath(long)
	if len(sock) > maxSocketPath() {
		t.Fatalf("%s is %d bytes, over the limit %d", sock, len(sock), maxSocketPath())
	}
	prefix := filepath.Join(tmp, "cloudmoo-"+strconv.Itoa(os.Getuid())+"-")
	if !strings.HasPrefix(sock, prefix) || filepath.Base(sock) != "agent.sock" {
		t.Fatalf("fallback %s, want it under %s…", sock, prefix)
	}
	if again := SocketPath(long + "/"); again != sock {
		t.Errorf("same directory, other path: %s vs %s", again, sock)
	}
	if other := SocketPath(long + "x"); other == sock {
		t.Error("two config directories share one agent")
	}
	if fi, err := os.Stat(filepath.Dir(sock)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("fallback directory: %v, %v", fi, err)
	}
	srv := NewServer(idleService(t, long), ServerOptions{SocketPath: sock})
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	serve(t, srv)
	if _, err := Dial(context.Background(), sock); err != nil {
		t.Fatal(err)
	}
}

func TestSecondAgentForOneConfigDir(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	want := fmt.Sprintf("an agent is already running (PID %d) on %s", os.Getpid(), f.sock)
	tests := []struct {
		name   string
		listen func() error
	}{
		{"second server", NewServer(f.svc, ServerOptions{SocketPath: f.sock}).Listen},
		{"lock file gone, socket answers", func() error { _, err := listenUnix(f.sock); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.listen()
			var running *AlreadyRunningError
			if !errors.As(err, &running) || running.PID != os.Getpid() || running.Socket != f.sock {
				t.Fatalf("got %v", err)
			}
			if err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
			if _, err := f.client.Status(context.Background()); err != nil {
				t.Fatalf("the first agent stopped serving: %v", err)
			}
		})
	}
}

func TestStaleSocketIsReplaced(t *testing.T) {
	dir := t.TempDir()
	sock := SocketPath(dir)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close() // a crashed agent: the file stays, nobody listens
	if _, err := os.Stat(sock); err != nil {
		t.Fatal("the stale socket file is missing")
	}
	if _, err := Dial(context.Background(), sock); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Dial on a stale socket: %v", err)
	}
	srv := NewServer(idleService(t, dir), ServerOptions{SocketPath: sock})
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	serve(t, srv)
	c, err := Dial(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if st, err := c.Status(context.Background()); err != nil || st.PID != os.Getpid() {
		t.Fatalf("status %+v, %v", st, err)
	}
}

func TestServeRemovesTheSocket(t *testing.T) {
	dir := t.TempDir()
	sock := SocketPath(dir)
	srv := NewServer(idleService(t, dir), ServerOptions{SocketPath: sock})
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	if _, err := WaitReady(ctx, sock); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
	// The lock is free again: a new agent may start.
	srv2 := NewServer(idleService(t, dir), ServerOptions{SocketPath: sock})
	if err := srv2.Listen(); err != nil {
		t.Fatal(err)
	}
	serve(t, srv2)
}

func TestDialFailsFastWhenNothingListens(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		sock string
	}{
		{"no directory", filepath.Join(dir, "missing", "agent.sock")},
		{"no socket", SocketPath(dir)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Dial(context.Background(), tt.sock)
			if !errors.Is(err, ErrNotRunning) {
				t.Fatalf("got %v", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestDialRefusesADirectoryOthersCanChange(t *testing.T) {
	dir := t.TempDir()
	sock := SocketPath(dir)
	if err := os.Chmod(filepath.Dir(sock), 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := Dial(context.Background(), sock)
	if err == nil || errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), "chmod 700") {
		t.Fatalf("got %v", err)
	}
}
