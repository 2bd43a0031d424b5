package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simenv"
)

// fixture is a real agent on a socket in a temporary config directory: a
// service.Local over the simulated API and an in-memory keychain, a
// Server, and a Client whose replies are recorded.
type fixture struct {
	*simenv.Env
	svc    *service.Local
	srv    *Server
	sock   string
	client *Client
	rec    *recorder
	stop   context.CancelFunc
	served chan error
}

// newFixture starts an agent; tune adjusts the server before it serves.
func newFixture(t testing.TB, opts ServerOptions, tune ...func(*Server)) *fixture {
	t.Helper()
	f := &fixture{Env: simenv.New(t, hcloudsim.Options{}), served: make(chan error, 1)}
	f.svc = service.NewLocal(service.Options{
		Store:       f.Store(),
		Keychain:    f.Keys,
		API:         f.API(),
		ReloadEvery: 50 * time.Millisecond,
	})
	f.sock = SocketPath(f.Dir)
	opts.SocketPath = f.sock
	if opts.Version == "" {
		opts.Version = "test"
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.stop = cancel
	if opts.Quit == nil {
		opts.Quit = cancel
	}
	f.srv = NewServer(f.svc, opts)
	for _, fn := range tune {
		fn(f.srv)
	}
	if err := f.srv.Listen(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); f.svc.Run(ctx) }()
	go func() { f.served <- f.srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-f.served:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
			f.served <- err
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after its context ended")
		}
		wg.Wait()
	})
	f.client, f.rec = f.dial(t)
	return f
}

// dial returns a new client whose replies are recorded.
func (f *fixture) dial(t testing.TB) (*Client, *recorder) {
	t.Helper()
	c, err := Dial(context.Background(), f.sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	rec := &recorder{next: c.http.Transport}
	c.http.Transport = rec
	return c, rec
}

// token registers a project with the simulated API and returns its token.
func (f *fixture) token(name string, perm hcloudsim.Permission) string {
	tok := hcloudsim.TokenFor(name)
	f.Sim.AddProject(name, 3600).AddToken(tok, perm)
	return tok
}

// recorder keeps every reply body the client reads, event streams
// included, to prove that no token ever comes back.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	buf  bytes.Buffer
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	r.mu.Lock()
	for k, vs := range resp.Header {
		r.buf.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	r.mu.Unlock()
	resp.Body = &teeBody{ReadCloser: resp.Body, rec: r}
	return resp, nil
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String()
}

type teeBody struct {
	io.ReadCloser
	rec *recorder
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.rec.mu.Lock()
	b.rec.buf.Write(p[:n])
	b.rec.mu.Unlock()
	return n, err
}

// raw sends one request over the socket without the Client, with the
// given headers (the protocol header is not added).
func raw(t *testing.T, sock, method, path string, header map[string]string, body io.Reader) (int, wireError) {
	t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequest(method, "http://agent"+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var eb struct {
		Error wireError `json:"error"`
	}
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &eb)
	return resp.StatusCode, eb.Error
}

// proto is the header a well-behaved raw request carries.
var proto = map[string]string{HeaderProtocol: "1"}

// waitFor reads ch until match, failing on timeout or a closed stream.
func waitFor(t *testing.T, ch <-chan service.Event, match func(service.Event) bool) service.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatal("event stream closed")
			}
			if match(e) {
				return e
			}
		case <-deadline:
			t.Fatal("event did not arrive")
		}
	}
}

// waitClosed fails unless ch closes soon.
func waitClosed(t *testing.T, ch <-chan service.Event) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("event stream still open")
		}
	}
}

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// isProject matches the project event of id.
func isProject(id string) func(service.Event) bool {
	return func(e service.Event) bool {
		return e.Kind == service.EventProject && e.Project != nil && e.Project.ID == id
	}
}

// errIs is errors.Is that also accepts a nil want for "no error".
func errIs(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}
