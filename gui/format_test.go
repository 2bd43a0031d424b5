package gui

import (
	"fmt"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

func TestFormatDuration(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0 s"}, {12 * time.Second, "12 s"}, {1400 * time.Millisecond, "1 s"}, {-5 * time.Second, "5 s"},
		{time.Minute, "1 min"}, {200 * time.Second, "3 min 20 s"}, {10 * time.Minute, "10 min"},
		{41*time.Minute + 51*time.Second, "42 min"}, {time.Hour, "1 h"}, {2*time.Hour + 5*time.Minute, "2 h 5 min"},
		{24 * time.Hour, "1 d"}, {76 * time.Hour, "3 d 4 h"},
	} {
		if got := formatDuration(tt.d); got != tt.want {
			t.Errorf("formatDuration(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestFormatTimes(t *testing.T) {
	now := time.Date(2026, 3, 4, 14, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		got  string
		want string
	}{
		{"ago", formatAgo(now.Add(-12*time.Second), now), "12 s ago"},
		{"just now", formatAgo(now.Add(-300*time.Millisecond), now), "just now"},
		{"clock today", formatClock(now.Add(63*time.Minute), now, time.UTC), "15:03"},
		{"clock tomorrow", formatClock(now.Add(11*time.Hour), now, time.UTC), "Thu 01:00"},
		{"clock in another zone", formatClock(now, now, time.FixedZone("CET", 3600)), "15:00"},
		{"rate", formatRate(20), "~20/min"},
		{"small rate", formatRate(0.44), "~0.4/min"},
		{"big rate", formatRate(1499.6), "~1\u202f500/min"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestLookOf(t *testing.T) {
	seen := map[string]hetzner.Status{}
	for _, s := range []hetzner.Status{hetzner.StatusOK, hetzner.StatusLow, hetzner.StatusRateLimited, hetzner.StatusInvalidToken,
		hetzner.StatusOffline, hetzner.StatusKeychainError, hetzner.StatusError, hetzner.StatusUnchecked, ""} {
		l := lookOf(s)
		if l.word == "" || l.icon == nil {
			t.Errorf("%q has no word or icon", s)
		}
		if other, ok := seen[l.word]; ok && s != "" && other != hetzner.StatusUnchecked {
			t.Errorf("%q and %q share the word %q", s, other, l.word)
		}
		seen[l.word] = s
	}
	// Not by colour alone: each family has its own icon shape.
	icons := map[statusKind]string{}
	for _, s := range []hetzner.Status{hetzner.StatusOK, hetzner.StatusLow, hetzner.StatusError, hetzner.StatusUnchecked} {
		l := lookOf(s)
		icons[l.kind] = l.icon.Name()
	}
	if len(icons) != 4 {
		t.Errorf("families share icons: %v", icons)
	}
}

func TestHintText(t *testing.T) {
	_, errTok := token.Parse("abc")
	_, errName := project.NormalizeName("")
	for _, tt := range []struct {
		err  error
		want string
	}{
		{errTok, "It has 3 characters, a Hetzner token has exactly 64 (part of it is missing; copy the whole token)."},
		{errName, "The name is empty; give the project a name, such as the one it has in the Hetzner Console."},
		{fmt.Errorf("%w: a project called %q exists already; choose another name", project.ErrDuplicateName, "x"), "A project called \"x\" exists already; choose another name."},
		{fmt.Errorf("generate a new token under Security → API Tokens"), "Generate a new token under Security › API Tokens."},
	} {
		if got := hintText(tt.err); got != tt.want {
			t.Errorf("hintText(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
