// Package service is the one door through which every front end (window,
// tray, command line) reads project state and sends intents. Everything in
// it can cross a process boundary: plain values in, plain values out, and
// tokens only ever travel in.
package service

import (
	"context"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
)

// Service is what a front end may ask of CloudMoo.
type Service interface {
	// Snapshot returns every project's current state and the settings.
	Snapshot(ctx context.Context) (Snapshot, error)
	// Subscribe streams changes made after the call until ctx ends; the
	// channel is then closed. A subscriber that falls behind gets an
	// EventResync and should take a new Snapshot.
	Subscribe(ctx context.Context) (<-chan Event, error)
	// History returns a project's rate-limit history, oldest first.
	History(ctx context.Context, id string) ([]ratelimit.Point, error)

	// CheckToken checks a token that is not stored (validity, permission,
	// budget) without saving anything.
	CheckToken(ctx context.Context, tokenText string) (TokenReport, error)
	// Add stores a new project: its token in the keychain, the rest in
	// the config file.
	Add(ctx context.Context, req AddRequest) (ProjectState, error)
	// Rename gives a project a new name; the token stays where it is.
	Rename(ctx context.Context, id, newName string) (ProjectState, error)
	// ReplaceToken rotates a project's token.
	ReplaceToken(ctx context.Context, req ReplaceRequest) (ProjectState, error)
	// Remove deletes a project and its keychain entry.
	Remove(ctx context.Context, id string) error
	// CheckNow checks the given projects (all when none) at once and
	// returns their new states.
	CheckNow(ctx context.Context, ids ...string) ([]ProjectState, error)
	// DetectPermission probes a project's token again (one request).
	DetectPermission(ctx context.Context, id string) (ProjectState, error)
	// UpdateSettings validates and saves the settings.
	UpdateSettings(ctx context.Context, s project.Settings) (project.Settings, error)
}

// ProjectState is one project as every front end sees it.
type ProjectState struct {
	project.Project
	Status    hetzner.Status       `json:"status"`
	Message   string               `json:"message,omitempty"` // the last problem, in words, with what to do
	RateLimit *ratelimit.RateLimit `json:"rate_limit,omitempty"`
	Servers   *int                 `json:"servers,omitempty"`
	CheckedAt time.Time            `json:"checked_at,omitzero"`
	// NextCheckAt is when the monitor will spend the next request.
	NextCheckAt time.Time `json:"next_check_at,omitzero"`
	// RetryAt is when a rate-limited project can be asked again.
	RetryAt time.Time `json:"retry_at,omitzero"`
	// OthersPerMinute estimates what other clients of the project spend.
	OthersPerMinute *float64 `json:"others_per_minute,omitempty"`
	// ExhaustedAt is when the budget runs out at that rate, if it will.
	ExhaustedAt time.Time `json:"exhausted_at,omitzero"`
}

// Projected returns the remaining budget estimated at now without a request.
func (s ProjectState) Projected(now time.Time) (ratelimit.Projection, bool) {
	if s.RateLimit == nil || !s.RateLimit.Known() {
		return ratelimit.Projection{}, false
	}
	return s.RateLimit.Project(now), true
}

// TokenReport is what CheckToken found about an unsaved token.
type TokenReport struct {
	TokenMask         string               `json:"token_mask"`
	Status            hetzner.Status       `json:"status"`
	Message           string               `json:"message,omitempty"`
	Permission        project.Permission   `json:"permission"`
	PermissionMessage string               `json:"permission_message,omitempty"`
	RateLimit         *ratelimit.RateLimit `json:"rate_limit,omitempty"`
	Servers           *int                 `json:"servers,omitempty"`
	CheckedAt         time.Time            `json:"checked_at"`
}

// AddRequest asks to store a new project.
type AddRequest struct {
	Name  string `json:"name"`
	Token string `json:"token"`
	// SkipCheck saves without asking the API; Permission is then stored
	// as given (e.g. from an earlier CheckToken), or unknown.
	SkipCheck  bool               `json:"skip_check,omitempty"`
	Permission project.Permission `json:"permission,omitempty"`
	// Checked is the report of a CheckToken made just before (the add
	// dialog's Check button): with SkipCheck it seeds the new project's
	// state, so the window shows a budget at once without another request.
	Checked *TokenReport `json:"checked,omitempty"`
}

// ReplaceRequest asks to rotate a project's token.
type ReplaceRequest struct {
	ID         string             `json:"id"`
	Token      string             `json:"token"`
	SkipCheck  bool               `json:"skip_check,omitempty"`
	Permission project.Permission `json:"permission,omitempty"`
}

// Problem is an app-wide condition a front end shows as a banner.
type Problem struct {
	Kind    ProblemKind `json:"kind"`
	Message string      `json:"message"`
}

// ProblemKind names a Problem.
type ProblemKind string

// Problem kinds.
const (
	ProblemConfig   ProblemKind = "config"   // the config file cannot be used; nothing is written
	ProblemKeychain ProblemKind = "keychain" // the keychain is unavailable or locked
)

// Snapshot is everything a front end shows.
type Snapshot struct {
	Projects   []ProjectState   `json:"projects"`
	Settings   project.Settings `json:"settings"`
	Problems   []Problem        `json:"problems,omitempty"`
	ConfigPath string           `json:"config_path"`
	Endpoint   string           `json:"endpoint"`
	Demo       bool             `json:"demo,omitempty"`
	Seq        uint64           `json:"seq"` // the last event included
}

// EventKind names an Event.
type EventKind string

// Event kinds.
const (
	EventProject  EventKind = "project"  // a project was added or changed: Project is set
	EventRemoved  EventKind = "removed"  // a project was removed: ID is set
	EventSettings EventKind = "settings" // Settings is set
	EventProblems EventKind = "problems" // Problems is the new list
	EventResync   EventKind = "resync"   // events were lost: take a new Snapshot
	// EventShowWindow asks an open window to come to the front, on project
	// ID when set (a second launch, a tray menu entry).
	EventShowWindow EventKind = "show_window"
)

// Event is one change.
type Event struct {
	Seq      uint64            `json:"seq"`
	Kind     EventKind         `json:"kind"`
	Project  *ProjectState     `json:"project,omitempty"`
	ID       string            `json:"id,omitempty"`
	Settings *project.Settings `json:"settings,omitempty"`
	Problems []Problem         `json:"problems,omitempty"`
}
