package project

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestStoreRoundTrip(t *testing.T) {
	s := NewStore(filepath.Join(t.TempDir(), "cfg"))
	f, err := s.Load()
	if err != nil || len(f.Projects) != 0 {
		t.Fatalf("empty load: %+v %v", f, err)
	}
	added := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if _, err := s.Update(func(f *File) error {
		return f.Add(Project{ID: "p_a", Name: "prod", AddedAt: added, Permission: PermissionRead})
	}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	f, err = s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Projects) != 1 || !f.Projects[0].AddedAt.Equal(added) || f.Projects[0].Permission != PermissionRead {
		t.Fatalf("reloaded %+v", f.Projects)
	}
	leftovers, _ := filepath.Glob(filepath.Join(s.Dir(), "*.tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temp files left: %v", leftovers)
	}
}

func TestStoreNeverOverwritesBadFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		reason  string
	}{
		{"not json", "{ this is not json", "not valid JSON"},
		{"truncated", `{"version":1,"projects":[{"id":"p_1","na`, "not valid JSON"},
		{"newer", `{"version":7,"projects":[]}`, "newer CloudMoo"},
		{"no version", `{"projects":[]}`, "no \"version\""},
		{"unknown field", `{"version":1,"projects":[],"tokens":["x"]}`, "unexpected shape"},
		{"repeated id", `{"version":1,"projects":[{"id":"a","name":"x"},{"id":"a","name":"y"}]}`, "repeated id"},
		{"bad name", `{"version":1,"projects":[{"id":"a","name":""}]}`, "bad name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore(t.TempDir())
			if err := os.WriteFile(s.Path(), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.Update(func(f *File) error { return f.Add(Project{ID: "p_new", Name: "new"}) })
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("want *FileError, got %v", err)
			}
			if fe.Path != s.Path() || !contains(err.Error(), tt.reason) || !contains(err.Error(), s.Path()) {
				t.Errorf("error %q should name the file and say %q", err, tt.reason)
			}
			got, _ := os.ReadFile(s.Path())
			if string(got) != tt.content {
				t.Fatalf("file was changed to %q", got)
			}
		})
	}
}

func TestStoreChangeErrorWritesNothing(t *testing.T) {
	s := NewStore(t.TempDir())
	boom := errors.New("boom")
	if _, err := s.Update(func(*File) error { return boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path()); !os.IsNotExist(err) {
		t.Fatal("file written although the change failed")
	}
}

// TestStoreConcurrentProcesses runs several copies of this test binary that
// add projects at the same time: with the lock, none of them is lost.
func TestStoreConcurrentProcesses(t *testing.T) {
	if dir := os.Getenv("CLOUDMOO_STORE_WORKER_DIR"); dir != "" {
		worker, _ := strconv.Atoi(os.Getenv("CLOUDMOO_STORE_WORKER"))
		s := NewStore(dir)
		for i := range 25 {
			if _, err := s.Update(func(f *File) error {
				return f.Add(Project{ID: fmt.Sprintf("p_%d_%d", worker, i), Name: fmt.Sprintf("w%d-%d", worker, i)})
			}); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	dir := t.TempDir()
	const workers = 4
	cmds := make([]*exec.Cmd, workers)
	for w := range workers {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStoreConcurrentProcesses$")
		cmd.Env = append(os.Environ(), "CLOUDMOO_STORE_WORKER_DIR="+dir, "CLOUDMOO_STORE_WORKER="+strconv.Itoa(w))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[w] = cmd
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("worker: %v", err)
		}
	}
	f, err := NewStore(dir).Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Projects) != workers*25 {
		t.Fatalf("%d projects survived, want %d", len(f.Projects), workers*25)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"version":1,"projects":[{"id":"p_1","name":"prod","added_at":"2026-11-27T10:00:00Z","permission":"read"}],"settings":{"requests_per_minute":1,"low_percent":10,"notifications":true,"autostart":false}}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Decode("cfg.json", data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a *FileError: %v", err)
			}
			return
		}
		if file.Settings.Validate() != nil {
			t.Fatalf("accepted invalid settings %+v", file.Settings)
		}
		for _, p := range file.Projects {
			if p.ID == "" {
				t.Fatal("accepted project without id")
			}
		}
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
