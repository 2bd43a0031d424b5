package token

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const valid = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzAB"

func TestParse(t *testing.T) {
	if len(valid) != Length {
		t.Fatalf("fixture has %d chars", len(valid))
	}
	tests := []struct {
		name    string
		in      string
		wantErr string // substring; "" means accepted
	}{
		{"plain", valid, ""},
		{"surrounding whitespace", "  \n" + valid + "\r\n\t", ""},
		{"bearer prefix", "Bearer " + valid, ""},
		{"lowercase bearer and spaces", "  bearer   " + valid + " ", ""},
		{"empty", "   ", "empty"},
		{"too short", valid[:63], "63 characters"},
		{"too long", valid + "x", "65 characters"},
		{"inner space", valid[:10] + " " + valid[11:], "character 11 is a space"},
		{"line break", valid[:32] + "\n" + valid[33:], "character 33 is a line break"},
		{"quoted", `"` + valid + `"`, "quotes"},
		{"dash", valid[:5] + "-" + valid[6:], "character 6 is a punctuation"},
		{"umlaut", "ä" + valid[1:], "character 1 is a letter or digit outside"},
		{"invalid utf8", "\xff" + valid[1:], "not valid text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Parse(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if tok.Value() != valid {
					t.Fatalf("Value = %q", tok.Value())
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse accepted %q", tt.in)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error does not wrap ErrMalformed: %v", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			assertNoLeak(t, err.Error())
		})
	}
}

func TestMaskedForms(t *testing.T) {
	tok, err := Parse(valid)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{tok.String(), tok.Masked(), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok)} {
		assertNoLeak(t, s)
	}
	if got := tok.Masked(); got != valid[:4]+"…"+valid[60:] {
		t.Errorf("Masked = %q", got)
	}
	if _, err := tok.MarshalText(); err == nil {
		t.Error("MarshalText must refuse")
	}
	if Mask("short") != "••••" {
		t.Error("short strings must be fully masked")
	}
}

// assertNoLeak fails if s contains any 12-character run of the token.
func assertNoLeak(t *testing.T, s string) {
	t.Helper()
	for i := 0; i+12 <= len(valid); i++ {
		if strings.Contains(s, valid[i:i+12]) {
			t.Fatalf("%q leaks part of the token", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{valid, " Bearer " + valid, "", "x", valid + "\n", `"` + valid + `"`, "ä" + valid} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			// The error may quote the paste rules, never a run of the input.
			trimmed := strings.TrimSpace(s)
			if len(trimmed) >= 24 && strings.Contains(err.Error(), trimmed[:24]) {
				t.Fatalf("error echoes input: %v", err)
			}
			return
		}
		v := tok.Value()
		if len(v) != Length {
			t.Fatalf("accepted %d chars", len(v))
		}
		for _, r := range v {
			if !isTokenChar(r) {
				t.Fatalf("accepted char %q", r)
			}
		}
		if strings.Contains(tok.String(), v[4:60]) {
			t.Fatal("String leaks")
		}
	})
}
