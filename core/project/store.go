package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FileName is the config file's name inside the config directory.
const FileName = "projects.json"

// EnvConfigDir overrides where the config lives (tests, several profiles).
const EnvConfigDir = "CLOUDMOO_CONFIG_DIR"

// DefaultDir returns $CLOUDMOO_CONFIG_DIR, else os.UserConfigDir()/cloudmoo.
func DefaultDir() (string, error) {
	if d := os.Getenv(EnvConfigDir); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your config directory (%v); set %s to a directory CloudMoo may use", err, EnvConfigDir)
	}
	return filepath.Join(base, "cloudmoo"), nil
}

// FileError says the config file exists but cannot be used. The file is then
// never overwritten: the user's projects stay as they are until they fix or
// move it.
type FileError struct {
	Path   string
	Reason string
	Err    error
}

func (e *FileError) Error() string {
	return fmt.Sprintf("the config file %s %s. Nothing was changed; fix or move the file away and start again (your tokens are safe in the keychain)", e.Path, e.Reason)
}

func (e *FileError) Unwrap() error { return e.Err }

// Store reads and writes the config file. Several processes (window, agent,
// command line) share it: every change holds an exclusive lock on a lock
// file beside it while it re-reads, changes and atomically replaces it.
type Store struct {
	dir string
}

// NewStore returns a store for the config directory dir.
func NewStore(dir string) *Store { return &Store{dir: dir} }

// Dir returns the config directory.
func (s *Store) Dir() string { return s.dir }

// Path returns the config file's path.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// Load reads the config file; a missing file is an empty list.
func (s *Store) Load() (File, error) {
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return NewFile(), nil
	}
	if err != nil {
		return File{}, &FileError{Path: s.Path(), Reason: "cannot be read (" + err.Error() + ")", Err: err}
	}
	return Decode(s.Path(), data)
}

// Decode parses config file content read from path.
func Decode(path string, data []byte) (File, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return File{}, &FileError{Path: path, Reason: "is not valid JSON (" + err.Error() + ")", Err: err}
	}
	if probe.Version == nil {
		return File{}, &FileError{Path: path, Reason: "has no \"version\" field, so it was not written by CloudMoo"}
	}
	if *probe.Version > FormatVersion {
		return File{}, &FileError{Path: path, Reason: fmt.Sprintf("was written by a newer CloudMoo Desktop (format %d, this one reads %d); update the app", *probe.Version, FormatVersion)}
	}
	if *probe.Version < 1 {
		return File{}, &FileError{Path: path, Reason: fmt.Sprintf("has an impossible format version %d", *probe.Version)}
	}
	f := NewFile()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return File{}, &FileError{Path: path, Reason: "has an unexpected shape (" + err.Error() + ")", Err: err}
	}
	if f.Projects == nil {
		f.Projects = []Project{}
	}
	seen := map[string]bool{}
	for i, p := range f.Projects {
		if p.ID == "" || seen[p.ID] {
			return File{}, &FileError{Path: path, Reason: fmt.Sprintf("has a project (number %d) with a missing or repeated id", i+1)}
		}
		seen[p.ID] = true
		if _, err := NormalizeName(p.Name); err != nil {
			return File{}, &FileError{Path: path, Reason: fmt.Sprintf("has a project (number %d) with a bad name: %v", i+1, err), Err: err}
		}
	}
	if f.Settings.Validate() != nil {
		f.Settings = DefaultSettings()
	}
	return f, nil
}

// Update runs change on the current content under the lock and saves the
// result atomically. If change returns an error nothing is written.
func (s *Store) Update(change func(*File) error) (File, error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return File{}, fmt.Errorf("cannot create the config directory %s: %w", s.dir, err)
	}
	unlock, err := lockFile(filepath.Join(s.dir, FileName+".lock"))
	if err != nil {
		return File{}, fmt.Errorf("cannot lock the config file in %s: %w", s.dir, err)
	}
	defer unlock()
	f, err := s.Load()
	if err != nil {
		return File{}, err
	}
	if err := change(&f); err != nil {
		return File{}, err
	}
	f.Version = FormatVersion
	if err := s.write(f); err != nil {
		return File{}, err
	}
	return f, nil
}

// write replaces the file atomically: a crash leaves the old or the new
// content, never half of one.
func (s *Store) write(f File) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("cannot encode the config: %w", err)
	}
	data = append(data, '\n')
	tmp, err := os.CreateTemp(s.dir, FileName+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write the config in %s: %w", s.dir, err)
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil && !isChmodUnsupported(err) {
		tmp.Close()
		return fmt.Errorf("cannot protect %s: %w", tmpName, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s (disk full?): %w", tmpName, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot flush %s: %w", tmpName, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot close %s: %w", tmpName, err)
	}
	if err := os.Rename(tmpName, s.Path()); err != nil {
		return fmt.Errorf("cannot replace %s: %w", s.Path(), err)
	}
	ok = true
	syncDir(s.dir)
	return nil
}
