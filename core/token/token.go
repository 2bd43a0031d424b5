// Package token holds the rules for Hetzner Cloud API tokens as people paste
// them, and the masked form that is the only one ever shown or logged.
package token

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length is the exact length of a Hetzner Cloud API token.
const Length = 64

// ErrMalformed is wrapped by every error Parse returns, so callers can tell a
// bad paste from other failures.
var ErrMalformed = errors.New("malformed token")

// Token is a parsed Hetzner Cloud API token. Its String and GoString forms are
// masked so a token printed by accident (%v, a log line, a panic) leaks nothing.
type Token struct {
	value string
}

// Parse applies the paste rules: surrounding whitespace and newlines are
// trimmed and one leading "Bearer " is dropped; what is left must be exactly
// 64 characters of A-Z, a-z and 0-9. Errors say what is wrong and where, never
// what the token is.
func Parse(s string) (Token, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 7 && strings.EqualFold(s[:7], "bearer ") {
		s = strings.TrimSpace(s[7:])
	}
	if s == "" {
		return Token{}, fmt.Errorf("%w: the token is empty. Copy it from the Hetzner Console (Security → API Tokens) and paste it again", ErrMalformed)
	}
	if q := s[0]; (q == '"' || q == '\'') && len(s) > 1 && s[len(s)-1] == q {
		return Token{}, fmt.Errorf("%w: the token is wrapped in quotes; paste it without them", ErrMalformed)
	}
	pos := 0
	for _, r := range s {
		pos++
		if r == utf8.RuneError {
			return Token{}, fmt.Errorf("%w: character %d is not valid text; paste the token again", ErrMalformed, pos)
		}
		if isTokenChar(r) {
			continue
		}
		return Token{}, fmt.Errorf("%w: character %d is %s; a token has only letters A-Z, a-z and digits 0-9", ErrMalformed, pos, describe(r))
	}
	if n := utf8.RuneCountInString(s); n != Length {
		hint := "part of it is missing; copy the whole token"
		if n > Length {
			hint = "something extra was pasted with it"
		}
		return Token{}, fmt.Errorf("%w: it has %d characters, a Hetzner token has exactly %d (%s)", ErrMalformed, n, Length, hint)
	}
	return Token{value: s}, nil
}

func isTokenChar(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}

// describe names a rejected character by its kind, not its value: the value
// would be a piece of the secret.
func describe(r rune) string {
	switch {
	case r == ' ':
		return "a space (spaces inside a token usually mean two things were pasted)"
	case r == '\t' || r == '\n' || r == '\r':
		return "a line break or tab (the token was split across lines)"
	case unicode.IsSpace(r):
		return "a space character"
	case r == '"' || r == '\'' || r == '`' || r == '“' || r == '”':
		return "a quote"
	case unicode.IsPunct(r) || unicode.IsSymbol(r):
		return "a punctuation mark or symbol"
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return "a letter or digit outside A-Z, a-z, 0-9"
	case unicode.IsControl(r):
		return "an invisible control character"
	default:
		return "a character that is not allowed"
	}
}

// Value returns the token itself. Only code that sends it to Hetzner or
// writes it to the keychain should call it.
func (t Token) Value() string { return t.value }

// IsZero reports whether t holds no token.
func (t Token) IsZero() bool { return t.value == "" }

// Masked returns the first four and last four characters, the only form of a
// token that may reach a screen, a log or an error.
func (t Token) Masked() string { return Mask(t.value) }

// String returns the masked form.
func (t Token) String() string { return t.Masked() }

// GoString returns the masked form, so %#v leaks nothing either.
func (t Token) GoString() string { return "token.Token(" + t.Masked() + ")" }

// MarshalText refuses to serialise a token: it must never land in a file.
func (t Token) MarshalText() ([]byte, error) {
	return nil, errors.New("token: refusing to serialise a token; store it in the keychain")
}

// Mask returns the first four and last four characters of s joined by an
// ellipsis, or bullets alone for anything too short to mask safely.
func Mask(s string) string {
	if len(s) < 16 {
		return "••••"
	}
	return s[:4] + "…" + s[len(s)-4:]
}
