package agent

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// openRaw starts an event stream on a bare connection and reads only the
// response headers, like a client that then hangs or stops reading.
func openRaw(t *testing.T, sock string) net.Conn {
	t.Helper()
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /v1/events HTTP/1.1\r\nHost: agent\r\n%s: 1\r\n\r\n", HeaderProtocol)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("raw stream: %v", err)
	}
	return conn
}

func TestVanishedSubscriberIsReleased(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	ctx := context.Background()

	subCtx, cancel := context.WithCancel(ctx)
	events, err := f.client.Subscribe(subCtx)
	if err != nil {
		t.Fatal(err)
	}
	conn := openRaw(t, f.sock)
	eventually(t, "two streams", func() bool { return f.srv.Streams() == 2 })

	cancel()
	waitClosed(t, events)
	conn.Close() // mid-stream, without a word
	eventually(t, "streams released", func() bool { return f.srv.Streams() == 0 })

	events, err = f.client.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.client.Add(ctx, service.AddRequest{Name: "after", Token: f.token("after", hcloudsim.Read)})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, isProject(st.ID))
}

func TestSlowSubscriberDoesNotBlockOthers(t *testing.T) {
	f := newFixture(t, ServerOptions{}, func(s *Server) { s.writeStall = 200 * time.Millisecond })
	ctx := context.Background()
	const renames = 400        // far more than a socket buffers for a reader that never reads
	slow := openRaw(t, f.sock) // never reads
	defer slow.Close()
	events, err := f.client.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.client.Add(ctx, service.AddRequest{Name: "p", Token: f.token("p", hcloudsim.Read), SkipCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	last := fmt.Sprintf("name-%d", renames-1)
	got := make(chan service.Event, 1)
	go func() {
		for e := range events {
			if e.Kind == service.EventResync || isProject(st.ID)(e) && e.Project.Name == last {
				got <- e
				return
			}
		}
	}()
	start := time.Now()
	for i := range renames {
		if _, err := f.client.Rename(ctx, st.ID, fmt.Sprintf("name-%d", i)); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			f.srv.Show(st.ID)
		}
	}
	select {
	case e := <-got:
		if e.Kind == service.EventResync {
			t.Fatal("a prompt reader fell behind: the slow one held it up")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the last change did not reach the prompt reader")
	}
	t.Logf("%d renames and their events in %v", renames, time.Since(start))
	// The stalled stream is dropped once a write blocks for writeStall.
	eventually(t, "the stalled stream is dropped", func() bool { return f.srv.Streams() == 1 })
}

func TestWindowsAreCountedAndOnIdleFires(t *testing.T) {
	var idle atomic.Int32
	f := newFixture(t, ServerOptions{OnIdle: func() { idle.Add(1) }})
	ctx := context.Background()
	ctx1, cancel1 := context.WithCancel(ctx)
	ctx2, cancel2 := context.WithCancel(ctx)
	defer cancel2()
	w1, err := f.client.SubscribeAs(ctx1, true)
	if err != nil {
		t.Fatal(err)
	}
	w2, err := f.client.SubscribeAs(ctx2, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Subscribe(ctx); err != nil { // the command line: not a window
		t.Fatal(err)
	}
	if n := f.srv.Windows(); n != 2 {
		t.Fatalf("Windows() = %d, want 2", n)
	}
	if st, _ := f.client.Status(ctx); st.Windows != 2 || st.Streams != 3 {
		t.Fatalf("status %+v", st)
	}
	cancel1()
	waitClosed(t, w1)
	eventually(t, "one window", func() bool { return f.srv.Windows() == 1 })
	if idle.Load() != 0 {
		t.Fatal("OnIdle fired while a window is open")
	}
	cancel2()
	waitClosed(t, w2)
	eventually(t, "OnIdle", func() bool { return idle.Load() == 1 })
	if f.srv.Windows() != 0 || f.srv.Streams() != 1 {
		t.Fatalf("windows %d, streams %d", f.srv.Windows(), f.srv.Streams())
	}
}

func TestShowReachesWindows(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	ctx := context.Background()
	events, err := f.client.SubscribeAs(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.Show(ctx, "p_1234"); err != nil {
		t.Fatal(err)
	}
	e := waitFor(t, events, func(e service.Event) bool { return e.Kind == service.EventShowWindow })
	if e.ID != "p_1234" || e.Seq != 0 {
		t.Fatalf("show event %+v", e)
	}
}

func TestStreamOutlivesRequestTimeouts(t *testing.T) {
	f := newFixture(t, ServerOptions{}, func(s *Server) {
		s.readTimeout, s.writeTimeout, s.heartbeat = 100*time.Millisecond, 100*time.Millisecond, 30*time.Millisecond
	})
	ctx := context.Background()
	f.client.streamIdle = time.Second
	events, err := f.client.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	st, err := f.client.Add(ctx, service.AddRequest{Name: "late", Token: f.token("late", hcloudsim.Read), SkipCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, isProject(st.ID))
}

func TestSilentAgentIsTakenForDead(t *testing.T) {
	f := newFixture(t, ServerOptions{}) // heartbeat every 15 s
	f.client.streamIdle = 100 * time.Millisecond
	events, err := f.client.Subscribe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waitClosed(t, events)
}

func TestQuitStopsTheAgent(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	ctx := context.Background()
	events, err := f.client.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, events) // the window learns that the agent is gone
	select {
	case err := <-f.served:
		f.served <- err
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after quit")
	}
	if _, err := Dial(ctx, f.sock); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Dial after quit: %v", err)
	}
	if _, err := f.client.Snapshot(ctx); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("a call after quit: %v", err)
	}
}

func TestQuitWithoutQuitFuncIsRefused(t *testing.T) {
	f := newFixture(t, ServerOptions{}, func(s *Server) { s.opts.Quit = nil })
	var coded *service.CodedError
	if err := f.client.Quit(context.Background()); !errors.As(err, &coded) || coded.Code != CodeUnsupported {
		t.Fatalf("got %v", err)
	}
}
