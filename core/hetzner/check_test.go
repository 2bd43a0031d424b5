package hetzner

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
)

// Values of TestCheck's servers field besides a count.
const (
	noServers  = -1 // Servers must be nil
	allServers = -2 // every server of "prod", counted after setup
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares the simulator and returns the token and endpoint to
		// use ("" = the simulator).
		setup     func(t *testing.T, e *simEnv) (tok, endpoint string)
		status    Status
		requests  int
		servers   int // noServers, allServers or a count
		limit     int // 0: RateLimit must not be Known
		remaining int
		message   string // a part the message must contain
	}{
		{name: "ok counts servers from pagination", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.prod.AddServers(7)
			if n := e.prod.Count(hcloudsim.KindServers); n < 2 {
				t.Fatalf("setup: %d servers; the count must exceed per_page=1 to prove it comes from total_entries", n)
			}
			return e.read, ""
		}, status: StatusOK, requests: 1, servers: allServers, limit: 3600, remaining: 3599},
		{name: "empty project", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.prod.Clear(hcloudsim.KindServers)
			return e.read, ""
		}, status: StatusOK, requests: 1, servers: 0, limit: 3600, remaining: 3599},
		{name: "low below the threshold", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.prod.SetRemaining(300) // 299 after this check, under 10 % of 3600
			return e.rw, ""
		}, status: StatusLow, requests: 1, servers: allServers, limit: 3600, remaining: 299, message: "low threshold"},
		{name: "just above the threshold", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.prod.SetRemaining(361)
			return e.rw, ""
		}, status: StatusOK, requests: 1, servers: allServers, limit: 3600, remaining: 360},
		{name: "7200 limit read from headers", setup: func(t *testing.T, e *simEnv) (string, string) {
			big := e.sim.AddProject("big", 7200)
			tok := hcloudsim.TokenFor("big")
			big.AddToken(tok, hcloudsim.Read)
			return tok, ""
		}, status: StatusOK, requests: 1, servers: allServers, limit: 7200, remaining: 7199},
		{name: "missing headers", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.MissingHeaders})
			return e.read, ""
		}, status: StatusOK, requests: 1, servers: allServers, message: "remaining budget is unknown"},
		{name: "5xx retried then success", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.ServerError, Count: 1, Status: 503})
			return e.read, ""
		}, status: StatusOK, requests: 2, servers: allServers, limit: 3600, remaining: 3598},
		{name: "5xx every time", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.ServerError, Status: 500})
			return e.read, ""
		}, status: StatusError, requests: 3, servers: noServers, limit: 3600, remaining: 3597, message: "Hetzner's side"},
		{name: "malformed JSON", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.MalformedJSON})
			return e.read, ""
		}, status: StatusError, requests: 3, servers: noServers, limit: 3600, remaining: 3597, message: "could not read"},
		{name: "maintenance", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.Maintenance})
			return e.read, ""
		}, status: StatusError, requests: 1, servers: noServers, limit: 3600, remaining: 3599, message: "maintenance"},
		{name: "invalid token", setup: func(t *testing.T, e *simEnv) (string, string) {
			return hcloudsim.TokenFor("nobody"), ""
		}, status: StatusInvalidToken, requests: 1, servers: noServers, limit: hcloudsim.AnonymousLimit, remaining: 3599, message: "Replace token"},
		{name: "revoked token", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.sim.RevokeToken(e.read)
			return e.read, ""
		}, status: StatusInvalidToken, requests: 1, servers: noServers, limit: 3600, remaining: 3599, message: "Replace token"},
		{name: "offline: refused port", setup: func(t *testing.T, e *simEnv) (string, string) {
			return e.read, refusedEndpoint(t)
		}, status: StatusOffline, requests: 3, servers: noServers, message: "Check your internet connection"},
		{name: "offline: server closed", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.sim.Close()
			return e.read, ""
		}, status: StatusOffline, requests: 3, servers: noServers, message: "Cannot reach"},
		{name: "offline: dropped connections", setup: func(t *testing.T, e *simEnv) (string, string) {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.DropConnection})
			return e.read, ""
		}, status: StatusOffline, requests: 3, servers: noServers, message: "Cannot reach"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSimEnv(t, hcloudsim.Forbidden403)
			tok, endpoint := tt.setup(t, e)
			if tt.servers == allServers {
				tt.servers = e.prod.Count(hcloudsim.KindServers)
			}
			res := newTestClient(t, tok, cmp.Or(endpoint, e.url), e.clock.Now).Check(context.Background(), 10)

			if res.Status != tt.status {
				t.Errorf("status = %s, want %s (%s)", res.Status, tt.status, res.Message)
			}
			if res.Requests != tt.requests {
				t.Errorf("Requests = %d, want %d (Retries+1 = 3)", res.Requests, tt.requests)
			}
			switch {
			case tt.servers == noServers && res.Servers != nil:
				t.Errorf("Servers = %d, want none", *res.Servers)
			case tt.servers >= 0 && (res.Servers == nil || *res.Servers != tt.servers):
				t.Errorf("Servers = %v, want %d", res.Servers, tt.servers)
			}
			if tt.limit == 0 {
				if res.RateLimit.Known() {
					t.Errorf("RateLimit = %+v, want unknown", res.RateLimit)
				}
			} else if res.RateLimit.Limit != tt.limit || res.RateLimit.Remaining != tt.remaining || !res.RateLimit.ObservedAt.Equal(e.clock.Now()) {
				t.Errorf("RateLimit = %+v, want %d of %d", res.RateLimit, tt.remaining, tt.limit)
			}
			if !strings.Contains(res.Message, tt.message) {
				t.Errorf("message %q does not contain %q", res.Message, tt.message)
			}
			if !tt.status.Healthy() && (res.Problem == nil || res.Problem.Message != res.Message || res.Message == "") {
				t.Errorf("a failed check needs a Problem with its message: %+v", res.Problem)
			}
			for _, s := range []string{res.Message, fmt.Sprint(res.Problem), fmt.Sprintf("%+v", res)} {
				if strings.Contains(s, tok) {
					t.Fatalf("the token leaks into %q", s)
				}
			}
		})
	}
}

// TestCheckRateLimitedAtOnce: hcloud-go would sleep through five retries of
// a 429 (1 s … 16 s); the check must answer at once with the reset time.
func TestCheckRateLimitedAtOnce(t *testing.T) {
	e := newSimEnv(t, hcloudsim.Forbidden403)
	e.prod.SetRemaining(0)
	c := NewClient(mustToken(t, e.read), Config{Endpoint: e.url, Now: e.clock.Now}) // default retries and backoff
	start := time.Now()
	res := c.Check(context.Background(), 10)
	elapsed := time.Since(start)

	if res.Status != StatusRateLimited {
		t.Fatalf("status = %s (%s)", res.Status, res.Message)
	}
	if res.Requests != 1 || len(e.apiRequests()) != 1 {
		t.Errorf("Requests = %d, simulator saw %d: a 429 must never be retried", res.Requests, len(e.apiRequests()))
	}
	if elapsed >= 2*time.Second {
		t.Errorf("took %v: something slept on the 429", elapsed)
	}
	if want := e.clock.Now().Add(time.Hour); !res.Problem.RetryAt.Equal(want) {
		t.Errorf("RetryAt = %v, want the reset %v", res.Problem.RetryAt, want)
	}
	if res.RateLimit.Remaining != 0 || !strings.Contains(res.Message, "429") {
		t.Errorf("RateLimit = %+v, message %q", res.RateLimit, res.Message)
	}
}

func TestIsLow(t *testing.T) {
	tests := []struct {
		remaining, limit, percent int
		want                      bool
	}{
		{359, 3600, 10, true},
		{360, 3600, 10, false},
		{0, 3600, 0, false},
		{0, 0, 10, false}, // unknown limit is never "low"
		{719, 7200, 10, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d of %d at %d%%", tt.remaining, tt.limit, tt.percent), func(t *testing.T) {
			if got := IsLow(tt.remaining, tt.limit, tt.percent); got != tt.want {
				t.Errorf("IsLow = %v, want %v", got, tt.want)
			}
		})
	}
}
