package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// ServerOptions set up a Server.
type ServerOptions struct {
	// SocketPath is where to listen, normally SocketPath(configDir).
	SocketPath string
	// Version is the app version reported by status.
	Version string
	// Demo is reported by status: the agent serves simulated projects.
	Demo bool
	// Now is the clock for the uptime; nil = time.Now.
	Now func() time.Time
	// OnIdle is called when the last window client disconnects (not when
	// the server itself stops), e.g. to free what only a window needs.
	OnIdle func()
	// Quit is called by the quit endpoint, after the reply is sent; it
	// should end the context passed to Serve. Nil = quit is refused.
	Quit func()
}

// Server serves a service.Service on a Unix socket to windows and the
// command line. Create it with NewServer, then call Listen and Serve.
type Server struct {
	svc     service.Service
	opts    ServerOptions
	started time.Time
	pid     string
	routes  map[string]route
	shows   showFanout

	// Timeouts, shortened by tests.
	heartbeat         time.Duration // SSE comment that keeps idle streams alive
	writeStall        time.Duration // how long one SSE write may block before the stream is dropped
	readHeaderTimeout time.Duration
	readTimeout       time.Duration // a whole request, body included
	writeTimeout      time.Duration // a whole reply; cleared on event streams

	mu        sync.Mutex
	ln        *net.UnixListener
	lock      io.Closer
	windows   int
	streams   int
	tray      bool
	transient bool
	stopping  bool
}

var _ http.Handler = (*Server)(nil)

// NewServer returns a Server for svc; nothing listens until Listen.
func NewServer(svc service.Service, opts ServerOptions) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		svc:               svc,
		opts:              opts,
		started:           opts.Now(),
		pid:               strconv.Itoa(os.Getpid()),
		heartbeat:         15 * time.Second,
		writeStall:        30 * time.Second,
		readHeaderTimeout: 5 * time.Second,
		readTimeout:       30 * time.Second,
		// Longer than the slowest intent: checks with retries, or a
		// keychain that asks the user first.
		writeTimeout: 3 * time.Minute,
	}
	s.shows.subs = map[chan service.Event]struct{}{}
	s.routes = s.routeTable()
	return s
}

// Listen takes the socket: it fails with *AlreadyRunningError when another
// agent serves it, and replaces a socket file left by a crashed agent. The
// socket file gets mode 0600 in a 0700 directory.
func (s *Server) Listen() error {
	path := s.opts.SocketPath
	if path == "" {
		return errors.New("the agent has no socket path: set ServerOptions.SocketPath (see SocketPath)")
	}
	s.mu.Lock()
	busy := s.ln != nil
	s.mu.Unlock()
	if busy {
		return fmt.Errorf("the agent already listens on %s", path)
	}
	if err := privateDir(filepath.Dir(path), true); err != nil {
		return err
	}
	lock, err := lockInstance(path + ".lock")
	if errors.Is(err, errLocked) {
		return otherAgent(path)
	}
	if err != nil {
		return err
	}
	ln, err := listenUnix(path)
	if err != nil {
		lock.Close()
		return err
	}
	s.mu.Lock()
	s.ln, s.lock = ln, lock
	s.mu.Unlock()
	return nil
}

// otherAgent names the agent holding the instance lock. It may be between
// Listen and Serve, so it is asked for a few seconds.
func otherAgent(path string) error {
	deadline := time.Now().Add(3 * time.Second)
	for {
		state, pid, _ := probe(path, time.Second)
		if state == probeRunning || time.Now().After(deadline) {
			return &AlreadyRunningError{PID: pid, Socket: path}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// listenUnix listens on path once nothing else answers there.
func listenUnix(path string) (*net.UnixListener, error) {
	state, pid, err := probe(path, 2*time.Second)
	if err != nil {
		return nil, err
	}
	switch state {
	case probeRunning, probeSilent:
		return nil, &AlreadyRunningError{PID: pid, Socket: path}
	case probeStale:
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot remove the stale socket %s left by an agent that stopped: %w; delete it by hand", path, err)
		}
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	if runtime.GOOS != "windows" {
		if err := os.Chmod(path, 0o600); err != nil {
			ln.Close()
			return nil, fmt.Errorf("cannot make the socket %s private (chmod 600): %w", path, err)
		}
	}
	return ln, nil
}

// Serve answers requests until ctx ends, then stops, closes every stream,
// removes the socket and releases the instance lock.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	ln, lock := s.ln, s.lock
	s.ln, s.lock = nil, nil
	s.stopping = false
	s.mu.Unlock()
	if ln == nil {
		return errors.New("the agent is not listening: call Listen before Serve")
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.readHeaderTimeout,
		ReadTimeout:       s.readTimeout,
		WriteTimeout:      s.writeTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		// Requests end with ctx, so streams and long checks do not hold
		// the shutdown up.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	served := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case <-ctx.Done():
		case <-served:
		}
		s.mu.Lock()
		s.stopping = true
		s.mu.Unlock()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if hs.Shutdown(sctx) != nil {
			hs.Close()
		}
	}()
	err := hs.Serve(ln)
	close(served)
	<-stopped
	if rerr := os.Remove(s.opts.SocketPath); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
		err = fmt.Errorf("the agent stopped but could not remove its socket %s: %w", s.opts.SocketPath, rerr)
	}
	lock.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Windows returns how many windows are connected (event streams marked
// with HeaderClient: window).
func (s *Server) Windows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.windows
}

// Streams returns how many event streams are open, windows included.
func (s *Server) Streams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streams
}

// Show asks every open stream's window to come to the front, on projectID
// when set (the tray in the agent's process calls it directly), and
// returns how many windows are connected.
func (s *Server) Show(projectID string) int {
	s.shows.publish(service.Event{Kind: service.EventShowWindow, ID: projectID})
	return s.Windows()
}

// Status reports the agent as the status endpoint does.
func (s *Server) Status(ctx context.Context) (Status, error) {
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return Status{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return Status{
		Running:          true,
		PID:              os.Getpid(),
		Socket:           s.opts.SocketPath,
		Projects:         len(snap.Projects),
		UptimeSeconds:    int64(s.opts.Now().Sub(s.started) / time.Second),
		Version:          s.opts.Version,
		Demo:             s.opts.Demo,
		Windows:          s.windows,
		Streams:          s.streams,
		Protocol:         ProtocolVersion,
		Tray:             s.tray,
		ExitsWithWindows: s.transient,
	}, nil
}

// SetLifecycle records, for status, whether a tray icon is up and whether
// the agent ends with its last window.
func (s *Server) SetLifecycle(tray, exitsWithWindows bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tray, s.transient = tray, exitsWithWindows
}

// streamOpened counts a new event stream.
func (s *Server) streamOpened(window bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.streams++
	if window {
		s.windows++
	}
}

// streamClosed uncounts a stream and calls OnIdle when it was the last
// window and the agent is not stopping anyway.
func (s *Server) streamClosed(window bool) {
	s.mu.Lock()
	s.streams--
	idle := false
	if window {
		s.windows--
		idle = s.windows == 0 && !s.stopping
	}
	s.mu.Unlock()
	if idle && s.opts.OnIdle != nil {
		s.opts.OnIdle()
	}
}
