// Package tray is the background agent's icon in the system tray: an icon
// for the worst state of all projects, a tooltip, and a menu with a line
// per project. BuildMenu is the pure model; Run shows it with
// fyne.io/systray and keeps it live from the Service's events.
//
// The package lives outside core because systray is a fyne.io module, and
// it never starts Fyne's app or driver: the agent has no window.
package tray

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// State is what the tray icon shows, from the best to the worst.
type State int

// The states, ordered so that a larger value is worse.
const (
	StateOK      State = iota // every project answered and has budget
	StateUnknown              // no projects, or some not checked yet
	StateLow                  // some project is under the low threshold
	StateProblem              // a project or the app needs attention
)

func (s State) String() string {
	switch s {
	case StateOK:
		return "ok"
	case StateLow:
		return "low"
	case StateProblem:
		return "problem"
	default:
		return "unknown"
	}
}

// StateOf maps a check status to the state it shows.
func StateOf(s hetzner.Status) State {
	switch s {
	case hetzner.StatusOK:
		return StateOK
	case hetzner.StatusLow:
		return StateLow
	case hetzner.StatusRateLimited, hetzner.StatusInvalidToken, hetzner.StatusOffline,
		hetzner.StatusKeychainError, hetzner.StatusError:
		return StateProblem
	default:
		return StateUnknown
	}
}

// ItemKind says what a menu item is and what clicking it does.
type ItemKind int

// Item kinds.
const (
	ItemProblem    ItemKind = iota + 1 // an app-wide problem; opens the window
	ItemProject                        // one project; opens the window on it
	ItemNoProjects                     // shown instead of projects; opens the window
	ItemSeparator                      // a line
	ItemCheckAll                       // checks every project now
	ItemShow                           // opens the window
	ItemQuit                           // ends the agent and the window
)

// Item is one menu entry.
type Item struct {
	Kind ItemKind
	// ID names the item within its kind: the project ID for ItemProject,
	// the problem kind for ItemProblem, "" otherwise.
	ID       string
	Title    string
	Tooltip  string
	Disabled bool
	// State is the project's state (ItemProject) or StateProblem
	// (ItemProblem).
	State State
}

// key identifies an item across rebuilds: equal keys in the same order
// mean the menu can be updated in place.
func (it Item) key() string { return strconv.Itoa(int(it.Kind)) + ":" + it.ID }

// Menu is everything the tray shows.
type Menu struct {
	State   State
	Tooltip string
	Items   []Item
}

// sameShape reports whether m and o have the same items in the same order,
// titles aside.
func (m Menu) sameShape(o Menu) bool {
	if len(m.Items) != len(o.Items) {
		return false
	}
	for i := range m.Items {
		if m.Items[i].key() != o.Items[i].key() {
			return false
		}
	}
	return true
}

// Menu titles of the fixed entries.
const (
	TitleCheckAll   = "Check all now"
	TitleChecking   = "Checking…"
	TitleShow       = "Show CloudMoo"
	TitleQuit       = "Quit"
	TitleNoProjects = "No projects yet — add one…"
)

// BuildMenu turns a snapshot into the tray's icon state, tooltip and items,
// with budgets projected to now (no request is made). Projects keep the
// snapshot's order; times are shown in now's location.
func BuildMenu(snap service.Snapshot, now time.Time) Menu {
	m := Menu{State: StateOK}
	if len(snap.Projects) == 0 {
		m.State = StateUnknown
	}
	keychainDown := false
	for _, p := range snap.Problems {
		m.State = StateProblem
		if p.Kind == service.ProblemKeychain {
			keychainDown = true
		}
		m.Items = append(m.Items, Item{
			Kind:    ItemProblem,
			ID:      string(p.Kind),
			Title:   "⚠ " + problemTitle(p.Kind),
			Tooltip: p.Message,
			State:   StateProblem,
		})
	}
	var low, bad, unchecked []string
	for _, st := range snap.Projects {
		s := StateOf(st.Status)
		m.State = max(m.State, s)
		switch s {
		case StateLow:
			low = append(low, st.Name)
		case StateProblem:
			bad = append(bad, st.Name+" "+problemWords(st, now, keychainDown))
		case StateUnknown:
			unchecked = append(unchecked, st.Name)
		}
		m.Items = append(m.Items, Item{
			Kind:    ItemProject,
			ID:      st.ID,
			Title:   projectTitle(st, now, keychainDown),
			Tooltip: projectTooltip(st),
			State:   s,
		})
	}
	if len(snap.Projects) == 0 {
		m.Items = append(m.Items, Item{Kind: ItemNoProjects, Title: TitleNoProjects,
			Tooltip: "Open CloudMoo to add a Hetzner Cloud project's API token."})
	}
	m.Items = append(m.Items,
		Item{Kind: ItemSeparator},
		Item{Kind: ItemCheckAll, Title: TitleCheckAll, Disabled: len(snap.Projects) == 0,
			Tooltip: "Ask Hetzner about every project now (one request each)."},
		Item{Kind: ItemShow, Title: TitleShow},
		Item{Kind: ItemQuit, Title: TitleQuit, Tooltip: "Stop CloudMoo's background checks and close its window."},
	)
	m.Tooltip = tooltip(snap, m.State, low, bad, unchecked)
	return m
}

func problemTitle(k service.ProblemKind) string {
	switch k {
	case service.ProblemKeychain:
		return "Keychain locked or unavailable"
	case service.ProblemConfig:
		return "Settings file unusable — nothing is saved"
	default:
		return "CloudMoo needs attention"
	}
}

// projectTitle is one project's line: its budget when healthy, else its
// problem in a few words.
func projectTitle(st service.ProjectState, now time.Time, keychainDown bool) string {
	switch StateOf(st.Status) {
	case StateOK, StateLow:
		var b strings.Builder
		b.WriteString(st.Name)
		if st.Permission == project.PermissionRead || st.Permission == project.PermissionReadWrite {
			b.WriteString(" — ")
			b.WriteString(st.Permission.Label())
		}
		b.WriteString(" — ")
		if p, ok := st.Projected(now); ok {
			b.WriteString(ratelimit.FormatCount(p.Remaining))
			b.WriteString("/")
			b.WriteString(ratelimit.FormatCount(st.RateLimit.Limit))
		} else {
			b.WriteString("budget unknown")
		}
		if st.Status == hetzner.StatusLow {
			b.WriteString(" (low)")
		}
		return b.String()
	case StateProblem:
		return st.Name + " — " + problemWords(st, now, keychainDown)
	default:
		return st.Name + " — not checked yet"
	}
}

// problemWords names a project's problem in a few words.
func problemWords(st service.ProjectState, now time.Time, keychainDown bool) string {
	switch st.Status {
	case hetzner.StatusInvalidToken:
		return "token revoked"
	case hetzner.StatusRateLimited:
		if st.RetryAt.After(now) {
			return "rate limited until " + clock(st.RetryAt, now)
		}
		return "rate limited"
	case hetzner.StatusOffline:
		return "offline"
	case hetzner.StatusKeychainError:
		if keychainDown {
			return "keychain locked"
		}
		return "token missing from keychain"
	default:
		return "error"
	}
}

// projectTooltip carries the full explanation core wrote; it never holds a
// token.
func projectTooltip(st service.ProjectState) string {
	if st.Message != "" {
		return st.Message
	}
	return "Open " + st.Name + " in CloudMoo."
}

func tooltip(snap service.Snapshot, s State, low, bad, unchecked []string) string {
	prefix := "CloudMoo"
	if snap.Demo {
		prefix = "CloudMoo (demo)"
	}
	var parts []string
	for _, p := range snap.Problems {
		parts = append(parts, problemTitle(p.Kind))
	}
	switch {
	case len(snap.Projects) == 0:
		parts = append(parts, "no projects yet")
	case len(bad) > 0:
		parts = append(parts, strings.Join(bad, ", "))
		if len(low) > 0 {
			parts = append(parts, strings.Join(low, ", ")+" low")
		}
	case len(low) > 0:
		parts = append(parts, strings.Join(low, ", ")+" low")
	case len(unchecked) > 0:
		parts = append(parts, "checking "+plural(len(unchecked), "project"))
	case s == StateOK:
		if len(snap.Projects) == 1 {
			parts = append(parts, "1 project OK")
		} else {
			parts = append(parts, "all "+plural(len(snap.Projects), "project")+" OK")
		}
	}
	return prefix + " — " + strings.Join(parts, "; ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// clock writes t as a wall-clock time in now's location, with the weekday
// when it is not on now's day.
func clock(t, now time.Time) string {
	t = t.In(now.Location())
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}
