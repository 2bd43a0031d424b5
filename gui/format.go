package gui

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// formatDuration writes d for a person: "12 s", "3 min 20 s", "2 h 5 min",
// "3 d 4 h". Seconds are shown only while they matter (under 10 minutes).
func formatDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 600:
		if s%60 == 0 {
			return fmt.Sprintf("%d min", s/60)
		}
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	case s < 3600:
		return fmt.Sprintf("%d min", (s+30)/60)
	case s < 86400:
		m := (s + 30) / 60
		if m%60 == 0 {
			return fmt.Sprintf("%d h", m/60)
		}
		return fmt.Sprintf("%d h %d min", m/60, m%60)
	default:
		h := (s + 1800) / 3600
		if h%24 == 0 {
			return fmt.Sprintf("%d d", h/24)
		}
		return fmt.Sprintf("%d d %d h", h/24, h%24)
	}
}

// formatAgo says how long ago t was, seen from now.
func formatAgo(t, now time.Time) string {
	d := now.Sub(t)
	if d < time.Second {
		return "just now"
	}
	return formatDuration(d) + " ago"
}

// formatClock writes t as a wall-clock time in loc, with the weekday when
// it is not on now's day.
func formatClock(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

// formatRate writes a requests-a-minute estimate: "~20/min", "~0.4/min".
func formatRate(perMinute float64) string {
	if perMinute >= 10 {
		return "~" + ratelimit.FormatCount(int(math.Round(perMinute))) + "/min"
	}
	return "~" + strconv.FormatFloat(math.Round(perMinute*10)/10, 'f', -1, 64) + "/min"
}

// statusKind is the family a status belongs to: what the dot shows.
type statusKind int

const (
	kindUnknown statusKind = iota
	kindOK
	kindLow
	kindProblem
)

// statusLook is how a status is shown: never by colour alone, always with
// an icon of its own shape and a word, for colour-blind users.
type statusLook struct {
	kind statusKind
	word string
	icon fyne.Resource
}

// The status icons are made on use, not at package init: theme lookups
// need a running app, and the command line links this package too.
func iconOK() fyne.Resource      { return theme.NewSuccessThemedResource(theme.ConfirmIcon()) }
func iconLow() fyne.Resource     { return theme.NewWarningThemedResource(theme.WarningIcon()) }
func iconProblem() fyne.Resource { return theme.NewErrorThemedResource(theme.ErrorIcon()) }
func iconUnknown() fyne.Resource {
	return theme.NewColoredResource(theme.QuestionIcon(), theme.ColorNameDisabled)
}

// lookOf maps a check status to its dot, icon and word.
func lookOf(s hetzner.Status) statusLook {
	switch s {
	case hetzner.StatusOK:
		return statusLook{kindOK, "OK", iconOK()}
	case hetzner.StatusLow:
		return statusLook{kindLow, "Low", iconLow()}
	case hetzner.StatusRateLimited:
		return statusLook{kindProblem, "Rate limited", iconProblem()}
	case hetzner.StatusInvalidToken:
		return statusLook{kindProblem, "Token rejected", iconProblem()}
	case hetzner.StatusOffline:
		return statusLook{kindProblem, "Offline", iconProblem()}
	case hetzner.StatusKeychainError:
		return statusLook{kindProblem, "Keychain problem", iconProblem()}
	case hetzner.StatusError:
		return statusLook{kindProblem, "Error", iconProblem()}
	default:
		return statusLook{kindUnknown, "Not checked yet", iconUnknown()}
	}
}

// permissionText explains in plain words what a token of level p may do.
func permissionText(p project.Permission) string {
	switch p {
	case project.PermissionRead:
		return "This token can only read the project. CloudMoo can watch it, and nobody holding the token can change anything."
	case project.PermissionReadWrite:
		return "This token can create, change and delete servers, volumes and everything else in the project."
	default:
		return "CloudMoo could not tell yet what this token may do. Re-detect permission asks Hetzner (one request, nothing is changed)."
	}
}

// leastPrivilegeHint is shown for Read & Write tokens.
const leastPrivilegeHint = "Monitoring needs only Read. To keep a leaked token harmless, make a Read token: " +
	"Hetzner Console › this project › Security › API Tokens › Generate API Token, choose Read, " +
	"then use Replace token here and delete the old token in the Console."

// plain works around a Fyne text-rendering fault: a space after a
// character from the symbol fallback font ("→ ") is drawn as a missing
// glyph. Core's messages write paths as "Security → API Tokens"; the
// window shows them as "Security › API Tokens", which the main font has.
func plain(s string) string {
	return strings.ReplaceAll(s, "→ ", "› ")
}

// sentence makes an error text start with a capital letter and end with a
// full stop, so it reads as a sentence in a label.
func sentence(s string) string {
	s = plain(strings.TrimSpace(s))
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return s
}

// hintText turns a validation error into the message shown under a field:
// the sentinel's prefix ("malformed token: ") says nothing a person needs.
func hintText(err error) string {
	msg := err.Error()
	for _, sentinel := range []error{token.ErrMalformed, project.ErrInvalidName, project.ErrDuplicateName} {
		if errors.Is(err, sentinel) {
			msg = strings.TrimPrefix(msg, sentinel.Error()+": ")
		}
	}
	return sentence(msg)
}
