package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// fakeToken looks like a Hetzner token; it must never reach a notification.
const fakeToken = "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy"

var at = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

func st(status hetzner.Status) service.ProjectState {
	s := service.ProjectState{
		Project: project.Project{ID: "p1", Name: "prod", TokenMask: "Zm9v…YmFy"},
		Status:  status,
		// Core's messages never hold a token; this one pretends to, to
		// show that notifications do not repeat core's text.
		Message:   "rejected " + fakeToken,
		RateLimit: &ratelimit.RateLimit{Limit: 3600, Remaining: 160, ObservedAt: at},
	}
	if status == hetzner.StatusRateLimited {
		s.RateLimit.Remaining = 0
		s.RetryAt = at.Add(5 * time.Minute)
	}
	return s
}

func TestRules(t *testing.T) {
	on := project.DefaultSettings()
	off := on
	off.Notifications = false
	const (
		ok       = hetzner.StatusOK
		low      = hetzner.StatusLow
		limited  = hetzner.StatusRateLimited
		revoked  = hetzner.StatusInvalidToken
		offline  = hetzner.StatusOffline
		keyErr   = hetzner.StatusKeychainError
		fault    = hetzner.StatusError
		notYet   = hetzner.StatusUnchecked
		noNotice = ""
	)
	type step struct {
		status   hetzner.Status
		settings project.Settings
		want     Kind // "" = nothing
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"first state is not announced, even a problem", []step{
			{notYet, on, noNotice}, {revoked, on, noNotice}, {revoked, on, noNotice},
		}},
		{"revoked once, then back", []step{
			{ok, on, noNotice}, {revoked, on, KindRevoked}, {revoked, on, noNotice}, {revoked, on, noNotice}, {ok, on, KindRecovered}, {ok, on, noNotice},
		}},
		{"low once, back once", []step{
			{ok, on, noNotice}, {low, on, KindLow}, {low, on, noNotice}, {ok, on, KindRecovered}, {low, on, KindLow},
		}},
		{"rate limited, easing to low is quiet, a new 429 is news", []step{
			{ok, on, noNotice}, {limited, on, KindRateLimited}, {low, on, noNotice}, {limited, on, KindRateLimited}, {low, on, noNotice}, {ok, on, KindRecovered},
		}},
		{"low getting worse to rate limited", []step{
			{ok, on, noNotice}, {low, on, KindLow}, {limited, on, KindRateLimited}, {ok, on, KindRecovered},
		}},
		{"offline, errors and keychain trouble pass unnoticed and keep the memory", []step{
			{ok, on, noNotice}, {offline, on, noNotice}, {ok, on, noNotice}, {limited, on, KindRateLimited},
			{offline, on, noNotice}, {fault, on, noNotice}, {keyErr, on, noNotice}, {limited, on, noNotice}, {offline, on, noNotice}, {ok, on, KindRecovered},
		}},
		{"recovery without an announced problem is quiet", []step{
			{limited, on, noNotice}, {ok, on, noNotice},
		}},
		{"setting off: nothing, and no stale news when turned on", []step{
			{ok, off, noNotice}, {revoked, off, noNotice}, {ok, off, noNotice}, {low, off, noNotice},
			{low, on, noNotice}, {ok, on, noNotice}, {revoked, on, KindRevoked},
		}},
		{"problem announced, setting turned off before recovery", []step{
			{ok, on, noNotice}, {revoked, on, KindRevoked}, {ok, off, noNotice}, {ok, on, noNotice},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRules()
			for i, s := range tt.steps {
				got := r.Observe(st(s.status), s.settings)
				var kind Kind
				if len(got) > 1 {
					t.Fatalf("step %d (%s): %d notifications", i, s.status, len(got))
				}
				if len(got) == 1 {
					kind = got[0].Kind
					checkText(t, got[0])
				}
				if kind != s.want {
					t.Fatalf("step %d (%s): got %q, want %q", i, s.status, kind, s.want)
				}
			}
		})
	}
}

func TestRulesNewTokenStartsAfresh(t *testing.T) {
	r := NewRules()
	on := project.DefaultSettings()
	r.Observe(st(hetzner.StatusOK), on)
	if n := r.Observe(st(hetzner.StatusInvalidToken), on); len(n) != 1 {
		t.Fatalf("revoked: %v", n)
	}
	replaced := st(hetzner.StatusOK)
	replaced.TokenMask = "abcd…wxyz"
	if n := r.Observe(replaced, on); len(n) != 0 {
		t.Fatalf("the user replaced the token; CloudMoo must not announce it back: %v", n)
	}
}

func TestRulesForget(t *testing.T) {
	r := NewRules()
	on := project.DefaultSettings()
	r.Observe(st(hetzner.StatusOK), on)
	if got := r.Known(); len(got) != 1 || got[0] != "p1" {
		t.Fatalf("Known = %v", got)
	}
	r.Forget("p1")
	if n := r.Observe(st(hetzner.StatusInvalidToken), on); len(n) != 0 {
		t.Fatalf("a forgotten project starts afresh: %v", n)
	}
}

func TestRulesText(t *testing.T) {
	on := project.DefaultSettings()
	r := NewRules()
	r.Observe(st(hetzner.StatusOK), on)
	want := []struct{ summary, body string }{
		{"prod: rate limited", "until 14:05 (429)"},
		{"prod: back to normal", "again: 160 of 3\u202f600 requests left."},
		{"prod: API budget low", "160 of 3\u202f600 requests left (under 10 %)."},
		{"prod: token revoked", "Replace token"},
	}
	recovered := st(hetzner.StatusOK)
	for i, s := range []service.ProjectState{st(hetzner.StatusRateLimited), recovered, st(hetzner.StatusLow), st(hetzner.StatusInvalidToken)} {
		n := r.Observe(s, on)
		if len(n) != 1 || n[0].Summary != want[i].summary || !strings.Contains(n[0].Body, want[i].body) {
			t.Errorf("step %d: %+v, want %q with %q", i, n, want[i].summary, want[i].body)
		}
	}
}

func checkText(t *testing.T, n Notification) {
	t.Helper()
	if n.ProjectID != "p1" || n.ProjectName != "prod" || !strings.HasPrefix(n.Summary, "prod: ") || n.Body == "" {
		t.Errorf("notification %+v", n)
	}
	if strings.Contains(n.Summary+n.Body, fakeToken) || strings.Contains(n.Summary+n.Body, "Zm9v") {
		t.Errorf("notification holds token text: %+v", n)
	}
}
