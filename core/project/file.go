package project

import (
	"fmt"
	"strings"
)

// FormatVersion is the version of the config file this build writes.
const FormatVersion = 1

// File is the content of the config file.
type File struct {
	Version  int       `json:"version"`
	Projects []Project `json:"projects"`
	Settings Settings  `json:"settings"`
}

// NewFile returns an empty file with default settings.
func NewFile() File {
	return File{Version: FormatVersion, Projects: []Project{}, Settings: DefaultSettings()}
}

// Find returns the index of the project whose ID is key, or failing that
// whose name equals key ignoring case; -1 when none.
func (f *File) Find(key string) int {
	for i, p := range f.Projects {
		if p.ID == key {
			return i
		}
	}
	key = strings.TrimSpace(key)
	for i, p := range f.Projects {
		if strings.EqualFold(p.Name, key) {
			return i
		}
	}
	return -1
}

// Get returns the project for a name or ID.
func (f *File) Get(key string) (Project, error) {
	i := f.Find(key)
	if i < 0 {
		return Project{}, fmt.Errorf("%w %q; `cloudmoo-desktop list` shows the projects", ErrNotFound, key)
	}
	return f.Projects[i], nil
}

// CheckNameFree reports ErrDuplicateName if another project (not exceptID)
// already has name, ignoring case.
func (f *File) CheckNameFree(name, exceptID string) error {
	for _, p := range f.Projects {
		if p.ID != exceptID && strings.EqualFold(p.Name, name) {
			return fmt.Errorf("%w: a project called %q exists already; choose another name", ErrDuplicateName, p.Name)
		}
	}
	return nil
}

// Add appends p after checking its name.
func (f *File) Add(p Project) error {
	name, err := NormalizeName(p.Name)
	if err != nil {
		return err
	}
	if err := f.CheckNameFree(name, ""); err != nil {
		return err
	}
	p.Name = name
	if p.Permission == "" {
		p.Permission = PermissionUnknown
	}
	f.Projects = append(f.Projects, p)
	return nil
}

// Rename gives the project id a new name.
func (f *File) Rename(id, newName string) error {
	i := f.Find(id)
	if i < 0 {
		return fmt.Errorf("%w %q", ErrNotFound, id)
	}
	name, err := NormalizeName(newName)
	if err != nil {
		return err
	}
	if err := f.CheckNameFree(name, f.Projects[i].ID); err != nil {
		return err
	}
	f.Projects[i].Name = name
	return nil
}

// Remove deletes the project id and returns it.
func (f *File) Remove(id string) (Project, error) {
	i := f.Find(id)
	if i < 0 {
		return Project{}, fmt.Errorf("%w %q", ErrNotFound, id)
	}
	p := f.Projects[i]
	f.Projects = append(f.Projects[:i], f.Projects[i+1:]...)
	return p, nil
}
