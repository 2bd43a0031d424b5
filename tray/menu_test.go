package tray

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// now is 14:00 UTC; the menu shows times in now's location.
var now = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

func state(id, name string, perm project.Permission, status hetzner.Status) service.ProjectState {
	return service.ProjectState{
		Project: project.Project{ID: id, Name: name, Permission: perm},
		Status:  status,
	}
}

// withBudget sets a reading taken a minute ago: a minute of refill at
// 3600/h adds 60 to remaining.
func withBudget(st service.ProjectState, remaining, limit int) service.ProjectState {
	st.RateLimit = &ratelimit.RateLimit{Limit: limit, Remaining: remaining, ObservedAt: now.Add(-time.Minute), Reset: now.Add(time.Hour)}
	return st
}

func titles(m Menu) []string {
	var out []string
	for _, it := range m.Items {
		if it.Kind == ItemSeparator {
			out = append(out, "---")
			continue
		}
		out = append(out, it.Title)
	}
	return out
}

func TestBuildMenu(t *testing.T) {
	ok1 := withBudget(state("p1", "prod", project.PermissionRead, hetzner.StatusOK), 3481, 3600)
	ok2 := withBudget(state("p2", "staging", project.PermissionReadWrite, hetzner.StatusOK), 12000, 12000)
	low := withBudget(state("p3", "ci", project.PermissionRead, hetzner.StatusLow), 100, 3600)
	revoked := state("p4", "old-laptop", project.PermissionRead, hetzner.StatusInvalidToken)
	revoked.Message = "This token was rejected by Hetzner (401 unauthorized): it may have been revoked."
	limited := state("p9", "ci", project.PermissionReadWrite, hetzner.StatusRateLimited)
	limited.RetryAt = now.Add(5 * time.Minute)
	limitedPast := limited
	limitedPast.RetryAt = now.Add(-time.Second)
	offline := state("p5", "x", project.PermissionUnknown, hetzner.StatusOffline)
	unchecked := state("p6", "new", project.PermissionUnknown, hetzner.StatusUnchecked)
	keyErr := state("p7", "vault", project.PermissionRead, hetzner.StatusKeychainError)
	noHeaders := state("p8", "odd", project.PermissionRead, hetzner.StatusOK)
	tail := []string{"---", TitleCheckAll, TitleShow, TitleQuit}

	tests := []struct {
		name    string
		snap    service.Snapshot
		state   State
		titles  []string
		tooltip string
	}{
		{
			name:    "all ok",
			snap:    service.Snapshot{Projects: []service.ProjectState{ok1, ok2}},
			state:   StateOK,
			titles:  append([]string{"prod — Read — 3\u202f541/3\u202f600", "staging — Read & Write — 12\u202f000/12\u202f000"}, tail...),
			tooltip: "CloudMoo — all 2 projects OK",
		},
		{
			name:    "one low",
			snap:    service.Snapshot{Projects: []service.ProjectState{low, ok1}},
			state:   StateLow,
			titles:  append([]string{"ci — Read — 160/3\u202f600 (low)", "prod — Read — 3\u202f541/3\u202f600"}, tail...),
			tooltip: "CloudMoo — ci low",
		},
		{
			name:    "one revoked",
			snap:    service.Snapshot{Projects: []service.ProjectState{revoked, ok1}},
			state:   StateProblem,
			titles:  append([]string{"old-laptop — token revoked", "prod — Read — 3\u202f541/3\u202f600"}, tail...),
			tooltip: "CloudMoo — old-laptop token revoked",
		},
		{
			name:    "rate limited with until-time, and low",
			snap:    service.Snapshot{Projects: []service.ProjectState{limited, low}},
			state:   StateProblem,
			titles:  append([]string{"ci — rate limited until 14:05", "ci — Read — 160/3\u202f600 (low)"}, tail...),
			tooltip: "CloudMoo — ci rate limited until 14:05; ci low",
		},
		{
			name:    "rate limited, retry time passed",
			snap:    service.Snapshot{Projects: []service.ProjectState{limitedPast}},
			state:   StateProblem,
			titles:  append([]string{"ci — rate limited"}, tail...),
			tooltip: "CloudMoo — ci rate limited",
		},
		{
			name: "keychain problem banner",
			snap: service.Snapshot{
				Problems: []service.Problem{{Kind: service.ProblemKeychain, Message: "Could not read the token: keyring locked."}},
				Projects: []service.ProjectState{keyErr, ok1},
			},
			state:   StateProblem,
			titles:  append([]string{"⚠ Keychain locked or unavailable", "vault — keychain locked", "prod — Read — 3\u202f541/3\u202f600"}, tail...),
			tooltip: "CloudMoo — Keychain locked or unavailable; vault keychain locked",
		},
		{
			name:    "keychain entry missing, keychain fine",
			snap:    service.Snapshot{Projects: []service.ProjectState{keyErr}},
			state:   StateProblem,
			titles:  append([]string{"vault — token missing from keychain"}, tail...),
			tooltip: "CloudMoo — vault token missing from keychain",
		},
		{
			name:    "offline, unchecked and no headers",
			snap:    service.Snapshot{Projects: []service.ProjectState{offline, unchecked, noHeaders}},
			state:   StateProblem,
			titles:  append([]string{"x — offline", "new — not checked yet", "odd — Read — budget unknown"}, tail...),
			tooltip: "CloudMoo — x offline",
		},
		{
			name:    "not checked yet",
			snap:    service.Snapshot{Projects: []service.ProjectState{unchecked, ok1}},
			state:   StateUnknown,
			titles:  append([]string{"new — not checked yet", "prod — Read — 3\u202f541/3\u202f600"}, tail...),
			tooltip: "CloudMoo — checking 1 project",
		},
		{
			name:    "empty",
			snap:    service.Snapshot{},
			state:   StateUnknown,
			titles:  append([]string{TitleNoProjects}, tail...),
			tooltip: "CloudMoo — no projects yet",
		},
		{
			name:    "demo",
			snap:    service.Snapshot{Demo: true, Projects: []service.ProjectState{ok1}},
			state:   StateOK,
			titles:  append([]string{"prod — Read — 3\u202f541/3\u202f600"}, tail...),
			tooltip: "CloudMoo (demo) — 1 project OK",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := BuildMenu(tt.snap, now)
			if m.State != tt.state {
				t.Errorf("state %v, want %v", m.State, tt.state)
			}
			if got, want := strings.Join(titles(m), "\n"), strings.Join(tt.titles, "\n"); got != want {
				t.Errorf("titles:\n%s\nwant:\n%s", got, want)
			}
			if m.Tooltip != tt.tooltip {
				t.Errorf("tooltip %q, want %q", m.Tooltip, tt.tooltip)
			}
			for _, it := range m.Items {
				if it.Kind == ItemCheckAll && it.Disabled != (len(tt.snap.Projects) == 0) {
					t.Errorf("Check all now disabled=%v with %d projects", it.Disabled, len(tt.snap.Projects))
				}
			}
		})
	}
}

func TestBuildMenuItemsOpenTheirProject(t *testing.T) {
	revoked := state("p4", "old-laptop", project.PermissionRead, hetzner.StatusInvalidToken)
	revoked.Message = "This token was rejected by Hetzner (401 unauthorized)."
	m := BuildMenu(service.Snapshot{Projects: []service.ProjectState{revoked}}, now)
	it := m.Items[0]
	if it.Kind != ItemProject || it.ID != "p4" || it.State != StateProblem || it.Tooltip != revoked.Message {
		t.Fatalf("project item %+v", it)
	}
}

func TestBuildMenuProjectsTheBudget(t *testing.T) {
	st := withBudget(state("p1", "prod", project.PermissionRead, hetzner.StatusOK), 3000, 3600)
	first := BuildMenu(service.Snapshot{Projects: []service.ProjectState{st}}, now)
	later := BuildMenu(service.Snapshot{Projects: []service.ProjectState{st}}, now.Add(5*time.Minute))
	if first.Items[0].Title != "prod — Read — 3\u202f060/3\u202f600" || later.Items[0].Title != "prod — Read — 3\u202f360/3\u202f600" {
		t.Fatalf("projection: %q then %q", first.Items[0].Title, later.Items[0].Title)
	}
	if !first.sameShape(later) {
		t.Fatal("a new projection changed the menu's shape; it must update titles in place")
	}
}

func TestSameShape(t *testing.T) {
	a := withBudget(state("p1", "a", project.PermissionRead, hetzner.StatusOK), 10, 3600)
	b := withBudget(state("p2", "b", project.PermissionRead, hetzner.StatusOK), 10, 3600)
	bRevoked := state("p2", "b", project.PermissionRead, hetzner.StatusInvalidToken)
	one := BuildMenu(service.Snapshot{Projects: []service.ProjectState{a, b}}, now)
	if !one.sameShape(BuildMenu(service.Snapshot{Projects: []service.ProjectState{a, bRevoked}}, now)) {
		t.Error("a status change must keep the shape")
	}
	if one.sameShape(BuildMenu(service.Snapshot{Projects: []service.ProjectState{b, a}}, now)) {
		t.Error("a new order must change the shape")
	}
	if one.sameShape(BuildMenu(service.Snapshot{Projects: []service.ProjectState{a}}, now)) {
		t.Error("a removed project must change the shape")
	}
	withBanner := BuildMenu(service.Snapshot{Projects: []service.ProjectState{a, b}, Problems: []service.Problem{{Kind: service.ProblemConfig}}}, now)
	if one.sameShape(withBanner) {
		t.Error("a new banner must change the shape")
	}
}

func TestClockShowsWeekdayOnAnotherDay(t *testing.T) {
	if got := clock(now.Add(11*time.Hour), now); got != "Tue 01:00" {
		t.Fatalf("clock = %q", got)
	}
}
