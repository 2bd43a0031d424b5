package notify

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// condition is what Rules remembers of a project, from better to worse.
type condition int

const (
	condHealthy condition = iota
	condLow
	condRateLimited
	condRevoked
)

// conditionOf maps a status to a condition. Offline, error, keychain
// trouble and "not checked yet" say nothing about the project itself (a
// laptop waking up is offline for a moment): they neither notify nor
// change what Rules remembers.
func conditionOf(s hetzner.Status) (condition, bool) {
	switch s {
	case hetzner.StatusOK:
		return condHealthy, true
	case hetzner.StatusLow:
		return condLow, true
	case hetzner.StatusRateLimited:
		return condRateLimited, true
	case hetzner.StatusInvalidToken:
		return condRevoked, true
	default:
		return 0, false
	}
}

// memory is one project as Rules last saw it.
type memory struct {
	cond condition
	// alerted is the problem last notified, or condHealthy once "back to
	// normal" was sent: recovery is announced only after an alert.
	alerted condition
	mask    string
}

// Rules turns a stream of project states into notifications, on
// transitions only:
//
//   - The first state seen of a project (at agent start, after a new
//     project's first check, after its token was replaced) is remembered
//     and not announced: logging in must not bring a burst of old news,
//     and the tray icon already shows it.
//   - A project that becomes revoked, rate limited or low is announced
//     once; the same condition again is not. Rate limited easing to low
//     is not announced (it is getting better), low turning into rate
//     limited again is.
//   - A project that is healthy again after an announced problem is
//     announced once as back to normal.
//   - Offline, errors, keychain trouble and "not checked yet" are passed
//     over: they neither notify nor reset what was remembered.
//   - With Settings.Notifications off nothing is returned, but states are
//     still followed, so turning them on again brings no stale news (nor
//     a "back to normal" for a problem that was never announced).
//
// Rules is safe for concurrent use; create it with NewRules.
type Rules struct {
	mu       sync.Mutex
	projects map[string]*memory
}

// NewRules returns Rules that have seen nothing yet.
func NewRules() *Rules { return &Rules{projects: map[string]*memory{}} }

// Observe takes a project's latest state and returns what to tell the
// user about it: nothing, or one notification.
func (r *Rules) Observe(st service.ProjectState, s project.Settings) []Notification {
	c, ok := conditionOf(st.Status)
	if !ok {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	m, seen := r.projects[st.ID]
	if !seen || m.mask != st.TokenMask {
		r.projects[st.ID] = &memory{cond: c, mask: st.TokenMask}
		return nil
	}
	if c == m.cond {
		return nil
	}
	m.cond = c
	var n Notification
	switch {
	case c == condHealthy:
		if m.alerted == condHealthy {
			return nil
		}
		n = recovered(st, m.alerted, s)
	case c == condLow && m.alerted == condRateLimited:
		m.alerted = condLow // easing off: no news, but a new 429 will be
		return nil
	case c == m.alerted:
		return nil
	default:
		n = problem(st, c, s)
	}
	if !s.Notifications {
		m.alerted = condHealthy // nothing was announced, so no "back" later
		return nil
	}
	m.alerted = c
	return []Notification{n}
}

// Forget drops a removed project, so a project added later under the same
// ID starts afresh.
func (r *Rules) Forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.projects, id)
}

// Known returns the IDs Rules remembers, for resynchronising.
func (r *Rules) Known() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.projects))
	for id := range r.projects {
		ids = append(ids, id)
	}
	return ids
}

func problem(st service.ProjectState, c condition, s project.Settings) Notification {
	n := Notification{ProjectID: st.ID, ProjectName: st.Name}
	switch c {
	case condRevoked:
		n.Kind = KindRevoked
		n.Summary = st.Name + ": token revoked"
		n.Body = "Hetzner no longer accepts this project's API token (401 unauthorized). " +
			"Generate a new token in the Hetzner Console under Security → API Tokens, then use Replace token in CloudMoo."
	case condRateLimited:
		n.Kind = KindRateLimited
		n.Summary = st.Name + ": rate limited"
		until := "for now"
		if !st.RetryAt.IsZero() {
			until = "until " + st.RetryAt.Format("15:04")
		}
		n.Body = "Hetzner refuses this project's API requests " + until + " (429), from every tool that uses it. " +
			"CloudMoo waits and checks again then."
	case condLow:
		n.Kind = KindLow
		n.Summary = st.Name + ": API budget low"
		n.Body = budget(st) + " (under " + percent(s) + "). Something is using this project's API budget heavily."
	}
	return n
}

func recovered(st service.ProjectState, was condition, s project.Settings) Notification {
	n := Notification{Kind: KindRecovered, ProjectID: st.ID, ProjectName: st.Name, Summary: st.Name + ": back to normal"}
	switch was {
	case condRevoked:
		n.Body = "Hetzner accepts this project's token again."
	case condRateLimited:
		n.Body = "Hetzner answers this project's requests again: " + lowerFirst(budget(st)) + "."
	default:
		n.Body = "The API budget is above " + percent(s) + " again: " + lowerFirst(budget(st)) + "."
	}
	return n
}

// budget writes the last reading, e.g. "160 of 3 600 requests left".
func budget(st service.ProjectState) string {
	if st.RateLimit == nil || !st.RateLimit.Known() {
		return "The remaining budget is unknown"
	}
	return fmt.Sprintf("%s of %s requests left", groupDigits(st.RateLimit.Remaining), groupDigits(st.RateLimit.Limit))
}

func percent(s project.Settings) string {
	p := s.LowPercent
	if p <= 0 {
		p = project.DefaultSettings().LowPercent
	}
	return strconv.Itoa(p) + " %"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// groupDigits writes n with thousands grouped by a narrow no-break space,
// as the window and the tray do: 3600 → "3 600".
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s // budgets are never negative
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	return b.String()
}
