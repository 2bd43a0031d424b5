// Package notify tells the user, through the desktop's notifications, when
// a project changes for the worse or gets better while CloudMoo runs: a
// token was revoked, a budget ran low, a project is rate limited, and when
// it is back to normal.
//
// Rules decides what is worth a notification (a pure state machine over
// project states); a Notifier shows it. The agent wires them with Run.
// Notifications are built from the project's name, status and numbers
// only, never from a token or from text that could hold one.
package notify

import (
	"context"
	"sync"
)

// Kind names what a Notification reports.
type Kind string

// Notification kinds.
const (
	KindRevoked     Kind = "revoked"      // the token is rejected (401)
	KindLow         Kind = "low"          // under the low threshold
	KindRateLimited Kind = "rate_limited" // Hetzner answers 429
	KindRecovered   Kind = "recovered"    // healthy again after one of the above
)

// Notification is one message for the user.
type Notification struct {
	Kind        Kind
	ProjectID   string
	ProjectName string
	// Summary is the one-line title, e.g. "old-laptop: token revoked".
	Summary string
	// Body says what happened and what to do, in plain text.
	Body string
}

// Notifier shows notifications.
type Notifier interface {
	// Notify shows n. A later notification about the same project may
	// replace an earlier one on screen.
	Notify(ctx context.Context, n Notification) error
}

// Discard is a Notifier that shows nothing, for platforms without one and
// for tests that do not look.
var Discard Notifier = discard{}

type discard struct{}

func (discard) Notify(context.Context, Notification) error { return nil }

// Recorder is a Notifier that keeps what it is given, for tests. It is
// safe for concurrent use; the zero value is ready.
type Recorder struct {
	mu   sync.Mutex
	sent []Notification
	ch   chan struct{}
}

var _ Notifier = (*Recorder)(nil)

// Notify records n.
func (r *Recorder) Notify(_ context.Context, n Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, n)
	if r.ch != nil {
		close(r.ch)
		r.ch = nil
	}
	return nil
}

// Sent returns every notification so far, oldest first.
func (r *Recorder) Sent() []Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Notification(nil), r.sent...)
}

// Changed returns a channel closed at the next Notify.
func (r *Recorder) Changed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ch == nil {
		r.ch = make(chan struct{})
	}
	return r.ch
}
