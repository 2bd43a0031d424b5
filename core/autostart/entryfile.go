//go:build !windows

package autostart

import "fmt"

// writeEntry writes the login item at Path: the same on every platform
// whose login item is a file (an XDG desktop entry, a LaunchAgent plist);
// only the content and the words for it differ. advice, when set, follows
// the error.
func writeEntry(exe string, content func(exe string) []byte, what, advice string) error {
	if err := checkExe(exe); err != nil {
		return err
	}
	path, err := Path()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, content(exe)); err != nil {
		return fmt.Errorf("cannot write the %s %s: %w%s", what, path, err, advice)
	}
	return nil
}

// removeEntry deletes the login item at Path; none is not an error.
func removeEntry(what string) error {
	path, err := Path()
	if err != nil {
		return err
	}
	if err := removeFile(path); err != nil {
		return fmt.Errorf("cannot remove the %s %s: %w", what, path, err)
	}
	return nil
}
