package hetzner

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
)

// probeCase is one answer the API can give the permission probe. setup
// prepares the simulator and returns the token to probe with.
type probeCase struct {
	name     string
	setup    func(e *simEnv) string
	want     project.Permission
	status   Status // the Problem's status; "" when there must be none
	http     int    // the Problem's HTTP status, when status is set
	requests int    // requests the probe reports having sent
}

func probeCases() []probeCase {
	return []probeCase{
		{name: "read token", setup: func(e *simEnv) string { return e.read },
			want: project.PermissionRead, requests: 1},
		{name: "read and write token", setup: func(e *simEnv) string { return e.rw },
			want: project.PermissionReadWrite, requests: 1},
		{name: "unknown token", setup: func(e *simEnv) string { return hcloudsim.TokenFor("nobody") },
			want: project.PermissionUnknown, status: StatusInvalidToken, http: 401, requests: 1},
		{name: "revoked token", setup: func(e *simEnv) string { e.sim.RevokeToken(e.rw); return e.rw },
			want: project.PermissionUnknown, status: StatusInvalidToken, http: 401, requests: 1},
		{name: "rate limited", setup: func(e *simEnv) string { e.prod.SetRemaining(0); return e.rw },
			want: project.PermissionUnknown, status: StatusRateLimited, http: 429, requests: 1},
		{name: "maintenance", setup: func(e *simEnv) string {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.Maintenance})
			return e.read
		}, want: project.PermissionUnknown, status: StatusError, http: 403, requests: 1},
		{name: "5xx every time is retried, then unknown", setup: func(e *simEnv) string {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.ServerError, Status: 503})
			return e.rw
		}, want: project.PermissionUnknown, status: StatusError, http: 503, requests: 3},
		{name: "one 5xx is retried, then answered", setup: func(e *simEnv) string {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.ServerError, Count: 1, Status: 502})
			return e.read
		}, want: project.PermissionRead, requests: 2},
		{name: "dropped connection", setup: func(e *simEnv) string {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.DropConnection})
			return e.rw
		}, want: project.PermissionUnknown, status: StatusOffline, requests: 3},
		{name: "malformed JSON", setup: func(e *simEnv) string {
			e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.MalformedJSON})
			return e.rw
		}, want: project.PermissionUnknown, status: StatusError, http: 200, requests: 3},
	}
}

var readOnlyForms = []struct {
	name string
	form hcloudsim.ReadOnlyForm
}{
	{"403 forbidden", hcloudsim.Forbidden403},
	{"401 token_readonly", hcloudsim.TokenReadonly401},
}

func TestProbePermission(t *testing.T) {
	for _, form := range readOnlyForms {
		for _, tt := range probeCases() {
			t.Run(form.name+"/"+tt.name, func(t *testing.T) {
				e := newSimEnv(t, form.form)
				tok := tt.setup(e)
				res := e.client(t, tok).ProbePermission(context.Background())

				if res.Permission != tt.want {
					t.Errorf("permission = %q, want %q (problem: %+v)", res.Permission, tt.want, res.Problem)
				}
				if res.Requests != tt.requests {
					t.Errorf("Requests = %d, want %d", res.Requests, tt.requests)
				}
				if !res.CheckedAt.Equal(e.clock.Now()) {
					t.Errorf("CheckedAt = %v, want the simulated now %v", res.CheckedAt, e.clock.Now())
				}
				if tt.status == "" {
					if res.Problem != nil {
						t.Fatalf("unexpected problem %+v", res.Problem)
					}
					if !res.RateLimit.Known() {
						t.Error("the probe's answer carried rate-limit headers, but RateLimit is not known")
					}
					return
				}
				if res.Problem == nil {
					t.Fatalf("no problem reported, want %s", tt.status)
				}
				if res.Problem.Status != tt.status || res.Problem.HTTP != tt.http {
					t.Errorf("problem = %s/%d, want %s/%d (%s)", res.Problem.Status, res.Problem.HTTP, tt.status, tt.http, res.Problem.Message)
				}
				if res.Problem.Message == "" {
					t.Error("a problem must say what happened")
				}
				if strings.Contains(res.Problem.Message, tok) {
					t.Error("the message contains the token")
				}
				if tt.status == StatusRateLimited {
					// The bucket was empty, so it is full again in exactly an hour.
					want := e.clock.Now().Add(time.Hour)
					if !res.Problem.RetryAt.Equal(want) || !res.Problem.RetryAt.Equal(res.RateLimit.Reset) {
						t.Errorf("RetryAt = %v, want the reset %v (header: %v)", res.Problem.RetryAt, want, res.RateLimit.Reset)
					}
				}
			})
		}
	}
}

// TestProbeNeverMutates probes with every kind of token under every fault
// and proves the simulated project did not change.
func TestProbeNeverMutates(t *testing.T) {
	faults := []hcloudsim.Fault{{}, {Kind: hcloudsim.ServerError}, {Kind: hcloudsim.DropConnection},
		{Kind: hcloudsim.MalformedJSON}, {Kind: hcloudsim.MissingHeaders}, {Kind: hcloudsim.Maintenance}}
	for _, form := range readOnlyForms {
		t.Run(form.name, func(t *testing.T) {
			e := newSimEnv(t, form.form)
			revoked := hcloudsim.TokenFor("prod-revoked")
			e.prod.AddToken(revoked, hcloudsim.ReadWrite)
			e.sim.RevokeToken(revoked)
			keys := e.prod.Count(hcloudsim.KindSSHKeys)
			tokens := []string{e.read, e.rw, revoked, hcloudsim.TokenFor("nobody")}
			probes := 0
			for _, f := range faults {
				for _, tok := range tokens {
					if f.Kind == hcloudsim.NoFault {
						e.sim.ClearFaults()
					} else {
						e.sim.SetFault(f)
					}
					e.client(t, tok).ProbePermission(context.Background())
					probes++
				}
			}
			e.sim.ClearFaults()
			e.prod.SetRemaining(0) // and once more with an empty bucket
			e.client(t, e.rw).ProbePermission(context.Background())

			if m := e.sim.Mutations(); len(m) != 0 {
				t.Fatalf("%d probes caused mutations: %+v", probes+1, m)
			}
			if got := e.prod.Count(hcloudsim.KindSSHKeys); got != keys {
				t.Errorf("SSH keys: %d before, %d after probing", keys, got)
			}
			for _, r := range e.apiRequests() {
				if r.Method != http.MethodPost || r.Path != "/v1/ssh_keys" {
					t.Errorf("the probe sent %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

// TestProbeRequest records the raw request on its way to the simulator: it
// must be exactly POST /v1/ssh_keys with the body {}.
func TestProbeRequest(t *testing.T) {
	e := newSimEnv(t, hcloudsim.Forbidden403)
	type seen struct {
		method, path, body, contentType, auth string
	}
	var mu sync.Mutex
	var got []seen
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.RequestURI(), string(body), r.Header.Get("Content-Type"), r.Header.Get("Authorization")})
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		e.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	res := newTestClient(t, e.rw, ts.URL+"/v1", e.clock.Now).ProbePermission(context.Background())
	if res.Permission != project.PermissionReadWrite {
		t.Fatalf("permission = %q (%+v)", res.Permission, res.Problem)
	}
	mu.Lock()
	defer mu.Unlock()
	want := seen{http.MethodPost, "/v1/ssh_keys", "{}", "application/json", "Bearer " + e.rw}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("requests = %+v, want exactly one %s %s with body %s", got, want.method, want.path, want.body)
	}
}
