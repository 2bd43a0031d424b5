package ratelimit

import (
	"strconv"
	"strings"
)

// CountSeparator groups thousands in budgets shown to people: a narrow
// no-break space (U+202F), which never breaks a number across lines and
// reads the same in every locale ("3 541").
const CountSeparator = "\u202f"

// FormatCount writes n with its thousands grouped: 3541 → "3 541". The
// window and the tray both write budgets this way.
func FormatCount(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(CountSeparator)
		}
		b.WriteRune(r)
	}
	return b.String()
}
