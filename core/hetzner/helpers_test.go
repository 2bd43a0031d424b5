package hetzner

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simclock"
)

// simEnv is a simulator on loopback with project "prod" (3600/h) holding a
// Read token and a Read & Write token.
type simEnv struct {
	sim   *hcloudsim.Server
	clock *simclock.Clock
	url   string
	prod  *hcloudsim.Project
	read  string
	rw    string
}

func newSimEnv(t testing.TB, form hcloudsim.ReadOnlyForm) *simEnv {
	t.Helper()
	clock := simclock.New()
	sim := hcloudsim.New(hcloudsim.Options{Now: clock.Now, ReadOnlyForm: form})
	t.Cleanup(sim.Close)
	e := &simEnv{sim: sim, clock: clock, url: sim.Start(),
		read: hcloudsim.TokenFor("prod-read"), rw: hcloudsim.TokenFor("prod-rw")}
	e.prod = sim.AddProject("prod", 3600)
	e.prod.AddToken(e.read, hcloudsim.Read)
	e.prod.AddToken(e.rw, hcloudsim.ReadWrite)
	return e
}

// client returns a client for tok with fast retries, so a test that goes
// through every retry still takes milliseconds.
func (e *simEnv) client(t testing.TB, tok string) *Client {
	t.Helper()
	return newTestClient(t, tok, e.url, e.clock.Now)
}

// apiRequests returns the requests that reached the simulator over HTTP.
func (e *simEnv) apiRequests() []hcloudsim.Request {
	var out []hcloudsim.Request
	for _, r := range e.sim.Requests() {
		if r.Source == hcloudsim.SourceAPI {
			out = append(out, r)
		}
	}
	return out
}

func newTestClient(t testing.TB, tok, endpoint string, now func() time.Time) *Client {
	t.Helper()
	return NewClient(mustToken(t, tok), Config{
		Endpoint:  endpoint,
		Now:       now,
		RetryBase: time.Millisecond,
		// A transport per client: a test that closes its server must not
		// leave idle connections behind for the next one to trip on.
		HTTPClient: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}},
	})
}

func mustToken(t testing.TB, s string) token.Token {
	t.Helper()
	tok, err := token.Parse(s)
	if err != nil {
		t.Fatalf("token.Parse: %v", err)
	}
	return tok
}

// refusedEndpoint returns an API URL on a loopback port nothing listens on.
func refusedEndpoint(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr + "/v1"
}
