package project

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"prod", "prod", nil},
		{"  staging eu  ", "staging eu", nil},
		{"Ünïcödé 🚀", "Ünïcödé 🚀", nil},
		{strings.Repeat("x", 64), strings.Repeat("x", 64), nil},
		{strings.Repeat("é", 64), strings.Repeat("é", 64), nil},
		{strings.Repeat("x", 65), "", ErrInvalidName},
		{"", "", ErrInvalidName},
		{" \t\n", "", ErrInvalidName},
		{"a\nb", "", ErrInvalidName},
		{"bad\xffutf8", "", ErrInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeName(tt.in)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("NormalizeName(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestFileOperations(t *testing.T) {
	f := NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.Add(Project{ID: "p_1", Name: " Prod "}))
	must(f.Add(Project{ID: "p_2", Name: "staging"}))
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"duplicate ignoring case", func() error { return f.Add(Project{ID: "p_3", Name: "PROD"}) }, ErrDuplicateName},
		{"rename to other's name", func() error { return f.Rename("p_2", "prod") }, ErrDuplicateName},
		{"rename case only", func() error { return f.Rename("p_1", "PROD") }, nil},
		{"rename unknown", func() error { return f.Rename("nope", "x") }, ErrNotFound},
		{"rename empty", func() error { return f.Rename("p_2", "  ") }, ErrInvalidName},
		{"remove by name", func() error { _, err := f.Remove("Staging"); return err }, nil},
		{"remove twice", func() error { _, err := f.Remove("staging"); return err }, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if len(f.Projects) != 1 || f.Projects[0].Name != "PROD" || f.Projects[0].Permission != PermissionUnknown {
		t.Fatalf("end state %+v", f.Projects)
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		s  Settings
		ok bool
	}{
		{DefaultSettings(), true},
		{Settings{RequestsPerMinute: 0, LowPercent: 10}, false},
		{Settings{RequestsPerMinute: 7, LowPercent: 10}, false},
		{Settings{RequestsPerMinute: 0.5, LowPercent: 0}, false},
		{Settings{RequestsPerMinute: 6, LowPercent: 90}, true},
	}
	for _, tt := range tests {
		if err := tt.s.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v: %v", tt.s, err)
		}
	}
}

func TestNewIDUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if seen[id] || !strings.HasPrefix(id, "p_") || len(id) != 18 {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}
