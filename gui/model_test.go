package gui

import (
	"strings"
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

func state(id, name string, status hetzner.Status) service.ProjectState {
	var s service.ProjectState
	s.ID, s.Name, s.Status = id, name, status
	return s
}

func names(m *viewModel) string {
	var out []string
	for _, p := range m.projects {
		out = append(out, p.Name)
	}
	return strings.Join(out, ",")
}

func TestViewModelApply(t *testing.T) {
	base := service.Snapshot{Seq: 10, Projects: []service.ProjectState{
		state("a", "alpha", hetzner.StatusOK), state("b", "Beta", hetzner.StatusOK),
	}, Settings: project.DefaultSettings()}
	renamed := state("a", "zulu", hetzner.StatusOK)
	added := state("c", "charlie", hetzner.StatusUnchecked)
	stale := state("a", "stale", hetzner.StatusOK)
	settings := project.Settings{RequestsPerMinute: 2, LowPercent: 20}
	tests := []struct {
		name      string
		events    []service.Event
		wantNames string
		wantSeq   uint64
		check     func(t *testing.T, m *viewModel)
	}{
		{name: "nothing", wantNames: "alpha,Beta", wantSeq: 10},
		{name: "old event ignored", events: []service.Event{{Seq: 9, Kind: service.EventProject, Project: &stale}}, wantNames: "alpha,Beta", wantSeq: 10},
		{name: "added, sorted in", events: []service.Event{{Seq: 11, Kind: service.EventProject, Project: &added}}, wantNames: "alpha,Beta,charlie", wantSeq: 11},
		{name: "renamed, re-sorted", events: []service.Event{{Seq: 11, Kind: service.EventProject, Project: &renamed}}, wantNames: "Beta,zulu", wantSeq: 11},
		{name: "removed", events: []service.Event{{Seq: 12, Kind: service.EventRemoved, ID: "b"}}, wantNames: "alpha", wantSeq: 12},
		{name: "removed twice", events: []service.Event{{Seq: 12, Kind: service.EventRemoved, ID: "b"}, {Seq: 13, Kind: service.EventRemoved, ID: "b"}}, wantNames: "alpha", wantSeq: 13},
		{name: "settings", events: []service.Event{{Seq: 11, Kind: service.EventSettings, Settings: &settings}}, wantNames: "alpha,Beta", wantSeq: 11,
			check: func(t *testing.T, m *viewModel) {
				if m.settings != settings {
					t.Errorf("settings %+v", m.settings)
				}
			}},
		{name: "problems come and go", events: []service.Event{
			{Seq: 11, Kind: service.EventProblems, Problems: []service.Problem{{Kind: service.ProblemKeychain, Message: "locked"}}},
			{Seq: 12, Kind: service.EventProblems},
		}, wantNames: "alpha,Beta", wantSeq: 12, check: func(t *testing.T, m *viewModel) {
			if len(m.problems) != 0 {
				t.Errorf("problems %v", m.problems)
			}
		}},
		{name: "resync is the bridge's business", events: []service.Event{{Seq: 11, Kind: service.EventResync}}, wantNames: "alpha,Beta", wantSeq: 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m viewModel
			m.reset(base)
			m.apply(tt.events)
			if got := names(&m); got != tt.wantNames {
				t.Errorf("projects %s, want %s", got, tt.wantNames)
			}
			if m.seq != tt.wantSeq {
				t.Errorf("seq %d, want %d", m.seq, tt.wantSeq)
			}
			if tt.check != nil {
				tt.check(t, &m)
			}
			if base.Projects[0].Name != "alpha" {
				t.Error("apply changed the snapshot it was reset from")
			}
		})
	}
}

func TestViewModelQuestions(t *testing.T) {
	tests := []struct {
		name       string
		projects   []service.ProjectState
		taken      string
		except     string
		wantTaken  bool
		wantOffine bool
	}{
		{name: "empty", taken: "x"},
		{name: "name taken ignoring case and spaces", projects: []service.ProjectState{state("a", "Prod", hetzner.StatusOK)}, taken: "  prod ", wantTaken: true},
		{name: "own name is free", projects: []service.ProjectState{state("a", "Prod", hetzner.StatusOK)}, taken: "PROD", except: "a"},
		{name: "all checked offline", projects: []service.ProjectState{state("a", "a", hetzner.StatusOffline), state("b", "b", hetzner.StatusUnchecked)}, wantOffine: true},
		{name: "one online", projects: []service.ProjectState{state("a", "a", hetzner.StatusOffline), state("b", "b", hetzner.StatusInvalidToken)}},
		{name: "none checked", projects: []service.ProjectState{state("a", "a", hetzner.StatusUnchecked)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m viewModel
			m.reset(service.Snapshot{Projects: tt.projects})
			if got := m.nameTaken(tt.taken, tt.except); got != tt.wantTaken {
				t.Errorf("nameTaken(%q) = %v", tt.taken, got)
			}
			if got := m.allOffline(); got != tt.wantOffine {
				t.Errorf("allOffline = %v", got)
			}
		})
	}
}
