package gui

import (
	"slices"
	"strings"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// viewModel is the window's copy of what the service published: a
// Snapshot with every later Event folded in. Only the UI goroutine touches
// it; the bridge carries snapshots and events to it through fyne.Do.
type viewModel struct {
	loaded     bool
	seq        uint64
	projects   []service.ProjectState // sorted by name, as Snapshot sorts them
	settings   project.Settings
	problems   []service.Problem
	configPath string
	demo       bool
}

// reset replaces everything with snap.
func (m *viewModel) reset(snap service.Snapshot) {
	m.loaded = true
	m.seq = snap.Seq
	m.projects = slices.Clone(snap.Projects)
	m.settings = snap.Settings
	m.problems = slices.Clone(snap.Problems)
	m.configPath = snap.ConfigPath
	m.demo = snap.Demo
	m.sort()
}

// apply folds events in, skipping those the last snapshot already
// included. EventResync is the bridge's business (it takes a new
// snapshot) and EventShowWindow the window's (it is a request, not a
// change), so both are ignored here.
func (m *viewModel) apply(events []service.Event) {
	for _, e := range events {
		if e.Seq != 0 && e.Seq <= m.seq {
			continue
		}
		switch e.Kind {
		case service.EventProject:
			if e.Project != nil {
				m.upsert(*e.Project)
			}
		case service.EventRemoved:
			if i := m.index(e.ID); i >= 0 {
				m.projects = slices.Delete(m.projects, i, i+1)
			}
		case service.EventSettings:
			if e.Settings != nil {
				m.settings = *e.Settings
			}
		case service.EventProblems:
			m.problems = slices.Clone(e.Problems)
		}
		if e.Seq > m.seq {
			m.seq = e.Seq
		}
	}
}

func (m *viewModel) upsert(st service.ProjectState) {
	if i := m.index(st.ID); i >= 0 {
		renamed := m.projects[i].Name != st.Name
		m.projects[i] = st
		if renamed {
			m.sort()
		}
		return
	}
	m.projects = append(m.projects, st)
	m.sort()
}

func (m *viewModel) sort() {
	slices.SortStableFunc(m.projects, func(a, b service.ProjectState) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// index returns the position of project id, or -1.
func (m *viewModel) index(id string) int {
	return slices.IndexFunc(m.projects, func(p service.ProjectState) bool { return p.ID == id })
}

// find returns project id.
func (m *viewModel) find(id string) (service.ProjectState, bool) {
	if i := m.index(id); i >= 0 {
		return m.projects[i], true
	}
	return service.ProjectState{}, false
}

// nameTaken reports whether another project than exceptID is called name,
// ignoring case, as core's duplicate rule does.
func (m *viewModel) nameTaken(name, exceptID string) bool {
	name = strings.TrimSpace(name)
	return slices.ContainsFunc(m.projects, func(p service.ProjectState) bool {
		return p.ID != exceptID && strings.EqualFold(p.Name, name)
	})
}

// allOffline reports whether every project that was checked could not
// reach Hetzner: then the cause is the connection, not the projects.
func (m *viewModel) allOffline() bool {
	checked := 0
	for _, p := range m.projects {
		switch p.Status {
		case hetzner.StatusUnchecked:
			continue
		case hetzner.StatusOffline:
			checked++
		default:
			return false
		}
	}
	return checked > 0
}
