package hcloudsim_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
)

func TestContinuousRefill(t *testing.T) {
	tests := []struct {
		name    string
		limit   int
		start   int
		advance time.Duration
		want    float64
	}{
		{"one second at 3600/h gives back one", 3600, 100, time.Second, 101},
		{"one second at 7200/h gives back two", 7200, 100, time.Second, 102},
		{"half a second at 3600/h gives back half", 3600, 100, 500 * time.Millisecond, 100.5},
		{"a minute at 3600/h", 3600, 0, time.Minute, 60},
		{"refill stops at the limit", 3600, 3590, time.Hour, 3600},
		{"empty to full in an hour at 7200/h", 7200, 0, time.Hour, 7200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, hcloudsim.Options{})
			p := e.sim.AddProject("p", tt.limit)
			p.SetRemaining(tt.start)
			e.clock.Advance(tt.advance)
			if got := p.Remaining(); got != tt.want {
				t.Errorf("Remaining() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	big := e.sim.AddProject("big", 7200)
	bigTok := hcloudsim.TokenFor("big")
	big.AddToken(bigTok, hcloudsim.Read)
	now := e.clock.Now().Unix()

	tests := []struct {
		name          string
		method, path  string
		tok           string
		wantStatus    int
		wantLimit     int
		wantRemaining int
		wantReset     int64
	}{
		// A full 3600 bucket less one: one second to refill.
		{"first GET", http.MethodGet, "/servers", e.readTok, 200, 3600, 3599, now + 1},
		{"second GET", http.MethodGet, "/servers", e.readTok, 200, 3600, 3598, now + 2},
		{"error response too", http.MethodGet, "/servers/1", e.readTok, 404, 3600, 3597, now + 3},
		{"refused write too", http.MethodPost, "/ssh_keys", e.readTok, 403, 3600, 3596, now + 4},
		// 7200/h: each request takes half a second to come back, rounded up.
		{"7200 first", http.MethodGet, "/servers", bigTok, 200, 7200, 7199, now + 1},
		{"7200 second", http.MethodGet, "/servers", bigTok, 200, 7200, 7198, now + 1},
		{"7200 third", http.MethodGet, "/servers", bigTok, 200, 7200, 7197, now + 2},
		// Unknown tokens draw from the anonymous bucket, not from prod's.
		{"unknown token", http.MethodGet, "/servers", hcloudsim.TokenFor("nobody"), 401, 3600, 3599, now + 1},
		{"no token", http.MethodGet, "/servers", "", 401, 3600, 3598, now + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, tt.method, tt.path, tt.tok, "{}")
			if r.status != tt.wantStatus || r.limit != tt.wantLimit || r.remaining != tt.wantRemaining || r.reset != tt.wantReset {
				t.Errorf("got %d limit=%d remaining=%d reset=now%+d; want %d limit=%d remaining=%d reset=now%+d",
					r.status, r.limit, r.remaining, r.reset-now, tt.wantStatus, tt.wantLimit, tt.wantRemaining, tt.wantReset-now)
			}
		})
	}
	if got := e.prod.Remaining(); got != 3596 {
		t.Errorf("prod Remaining() = %v after 4 requests, want 3596 (anonymous ones must not count)", got)
	}
}

func TestEmptyBucket(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	e.prod.SetRemaining(0)
	now := e.clock.Now().Unix()

	r := e.do(t, http.MethodGet, "/servers", e.readTok, "")
	if r.status != http.StatusTooManyRequests || r.code != "rate_limit_exceeded" ||
		r.message != "limit of 3600 requests per hour reached" {
		t.Fatalf("empty bucket: %d %q %q, want 429 rate_limit_exceeded", r.status, r.code, r.message)
	}
	if r.limit != 3600 || r.remaining != 0 || r.reset != now+3600 {
		t.Errorf("429 headers limit=%d remaining=%d reset=now%+d, want 3600, 0, now+3600", r.limit, r.remaining, r.reset-now)
	}
	if got := e.prod.Remaining(); got != 0 {
		t.Errorf("a 429 consumed something: Remaining() = %v", got)
	}

	_, resp, err := e.client(e.readTok).Server.List(t.Context(), hcloud.ServerListOpts{})
	if errCode(err) != "rate_limit_exceeded" || resp.Meta.Ratelimit.Remaining != 0 || resp.Meta.Ratelimit.Limit != 3600 {
		t.Errorf("hcloud-go: %v, ratelimit %+v", err, resp.Meta.Ratelimit)
	}

	e.clock.Advance(time.Second)
	r = e.do(t, http.MethodGet, "/servers", e.readTok, "")
	if r.status != http.StatusOK || r.remaining != 0 {
		t.Errorf("after one second: %d remaining=%d, want 200 remaining=0", r.status, r.remaining)
	}

	t.Run("revoked token still spends its project's bucket", func(t *testing.T) {
		e.clock.Advance(time.Hour)
		e.sim.RevokeToken(e.readTok)
		before := e.prod.Remaining()
		r := e.do(t, http.MethodGet, "/servers", e.readTok, "")
		if r.status != http.StatusUnauthorized || r.code != "unauthorized" {
			t.Errorf("revoked token got %d %q", r.status, r.code)
		}
		if got := e.prod.Remaining(); got != before-1 {
			t.Errorf("Remaining() = %v, want %v", got, before-1)
		}
	})
}

func TestSetLimit(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	e.prod.SetLimit(7200)
	if e.prod.Limit() != 7200 || e.prod.Remaining() != 3600 {
		t.Fatalf("after SetLimit(7200): limit %d remaining %v, want 7200 and the level kept", e.prod.Limit(), e.prod.Remaining())
	}
	e.clock.Advance(time.Second)
	if got := e.prod.Remaining(); got != 3602 {
		t.Errorf("refill at the new rate: %v, want 3602", got)
	}
	e.prod.SetLimit(1000)
	if got := e.prod.Remaining(); got != 1000 {
		t.Errorf("lowering the limit caps the level: %v, want 1000", got)
	}
}

func TestConcurrentRequests(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			c := e.client(e.rw)
			for range each {
				if _, _, err := c.SSHKey.List(t.Context(), hcloud.SSHKeyListOpts{}); err != nil {
					t.Error(err)
				}
				e.prod.Remaining()
				_ = e.sim.Requests()
			}
		})
	}
	wg.Wait()
	if got := e.prod.Remaining(); got != 3600-workers*each {
		t.Errorf("Remaining() = %v, want %d", got, 3600-workers*each)
	}
	if got := len(e.sim.Requests()); got != workers*each {
		t.Errorf("logged %d requests, want %d", got, workers*each)
	}
}
