// Package project holds the list of Hetzner projects a user watches, their
// settings, and the file they live in. Tokens are not here: they live in the
// keychain under the project's ID.
package project

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Permission is what a project's token may do, as detected from the API.
type Permission string

// The permission levels, named as in Hetzner's Console.
const (
	PermissionUnknown   Permission = "unknown"
	PermissionRead      Permission = "read"
	PermissionReadWrite Permission = "read_write"
)

// Label returns Hetzner's name for the level.
func (p Permission) Label() string {
	switch p {
	case PermissionRead:
		return "Read"
	case PermissionReadWrite:
		return "Read & Write"
	default:
		return "Unknown"
	}
}

// Project is one Hetzner Cloud project the user added.
type Project struct {
	ID                  string     `json:"id"`
	Name                string     `json:"name"`
	AddedAt             time.Time  `json:"added_at"`
	Permission          Permission `json:"permission"`
	PermissionCheckedAt time.Time  `json:"permission_checked_at,omitzero"`
	// TokenMask is the token's first and last four characters, so the
	// window can show which token is in use without a keychain read.
	TokenMask     string    `json:"token_mask,omitempty"`
	TokenReplaced time.Time `json:"token_replaced_at,omitzero"`
}

// NewID returns a random, stable project ID; it is also the keychain account.
func NewID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the OS has no entropy: nothing sensible to do
	}
	return "p_" + hex.EncodeToString(b[:])
}

// MaxNameLength is the longest project name, in characters.
const MaxNameLength = 64

// ErrInvalidName is wrapped by every name rejection.
var ErrInvalidName = errors.New("invalid project name")

// ErrDuplicateName is returned when a name is already used, ignoring case.
var ErrDuplicateName = errors.New("project name already used")

// ErrNotFound is returned when no project matches a name or ID.
var ErrNotFound = errors.New("no such project")

// NormalizeName trims a name and checks it is 1 to 64 printable characters.
func NormalizeName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("%w: the name is empty; give the project a name, such as the one it has in the Hetzner Console", ErrInvalidName)
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: the name is not valid text", ErrInvalidName)
	}
	if n := utf8.RuneCountInString(s); n > MaxNameLength {
		return "", fmt.Errorf("%w: the name has %d characters; use at most %d", ErrInvalidName, n, MaxNameLength)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", fmt.Errorf("%w: the name contains a line break or control character", ErrInvalidName)
		}
	}
	return s, nil
}

// Settings are the user's preferences, shared by every front end.
type Settings struct {
	// RequestsPerMinute is the monitor's budget per project (default 1).
	RequestsPerMinute float64 `json:"requests_per_minute"`
	// LowPercent marks a project "low" below this share of its limit.
	LowPercent    int  `json:"low_percent"`
	Notifications bool `json:"notifications"`
	Autostart     bool `json:"autostart"`
}

// DefaultSettings spend one request per project a minute: 60 of a default
// 3600-an-hour budget, under 2 %.
func DefaultSettings() Settings {
	return Settings{RequestsPerMinute: 1, LowPercent: 10, Notifications: true}
}

// Validate checks the ranges the monitor can honour.
func (s Settings) Validate() error {
	if s.RequestsPerMinute < 0.1 || s.RequestsPerMinute > 6 {
		return fmt.Errorf("requests per minute must be between 0.1 and 6 (got %g): more would spend a large part of a 3600-an-hour budget", s.RequestsPerMinute)
	}
	if s.LowPercent < 1 || s.LowPercent > 90 {
		return fmt.Errorf("the low threshold must be between 1 %% and 90 %% (got %d %%)", s.LowPercent)
	}
	return nil
}
