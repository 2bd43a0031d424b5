package hcloudcli

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultPath returns where the hcloud CLI keeps its config: HCLOUD_CONFIG
// when set; on Windows %APPDATA%\hcloud\cli.toml; elsewhere
// $XDG_CONFIG_HOME/hcloud/cli.toml if that file exists, else
// ~/.config/hcloud/cli.toml, which is where the hcloud CLI itself writes
// (it does not read XDG_CONFIG_HOME). The file need not exist.
func DefaultPath() (string, error) {
	return defaultPath(runtime.GOOS, os.Getenv, os.UserHomeDir, fileExists)
}

func defaultPath(goos string, getenv func(string) string, home func() (string, error), exists func(string) bool) (string, error) {
	if p := getenv("HCLOUD_CONFIG"); p != "" {
		return p, nil
	}
	if goos == "windows" {
		dir := getenv("APPDATA")
		if dir == "" {
			return "", errors.New("cannot find the hcloud CLI config: APPDATA is not set; pass --config PATH")
		}
		return filepath.Join(dir, "hcloud", "cli.toml"), nil
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		if p := filepath.Join(x, "hcloud", "cli.toml"); exists(p) {
			return p, nil
		}
	}
	h, err := home()
	if err != nil || h == "" {
		return "", errors.New("cannot find the hcloud CLI config: the home folder is unknown; pass --config PATH or set HCLOUD_CONFIG")
	}
	return filepath.Join(h, ".config", "hcloud", "cli.toml"), nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
