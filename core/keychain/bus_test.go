package keychain

import (
	"os"
	"path/filepath"
	"testing"
)

func TestNeedsAutolaunch(t *testing.T) {
	tests := []struct {
		name    string
		address string
		files   []string // created in the fake /run/user/<uid>
		want    bool
	}{
		{"address set", "unix:path=/run/user/1000/bus", nil, false},
		{"address set even if missing", "unix:path=/nonexistent/bus", nil, false},
		{"nothing", "", nil, true},
		{"autolaunch requested", "autolaunch:", nil, true},
		{"systemd user bus", "", []string{"bus"}, false},
		{"dbus-session file", "", []string{"dbus-session"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if got := needsAutolaunch(tt.address, dir); got != tt.want {
				t.Errorf("needsAutolaunch(%q) = %v, want %v", tt.address, got, tt.want)
			}
		})
	}
}
