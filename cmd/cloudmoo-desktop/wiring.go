package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"fyne.io/fyne/v2/app"

	"github.com/cloudmoo/cloudmoo-desktop/assets"
	"github.com/cloudmoo/cloudmoo-desktop/core/agent"
	"github.com/cloudmoo/cloudmoo-desktop/core/demo"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/gui"

	"fyne.io/fyne/v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func appVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// newLocal builds the in-process service over the real config directory
// and the OS keychain.
func newLocal() (*service.Local, error) {
	dir, err := project.DefaultDir()
	if err != nil {
		return nil, err
	}
	return service.NewLocal(service.Options{
		Store:    project.NewStore(dir),
		Keychain: keychain.NewOS(keychain.DefaultTimeout),
		API:      hetzner.Config{AppVersion: appVersion()},
	}), nil
}

// openService gives the command line the agent when one runs, so what it
// changes reaches the agent (and every window) at once; otherwise it works
// on the files and the keychain directly.
func openService(ctx context.Context) (service.Service, func(), error) {
	dir, err := project.DefaultDir()
	if err != nil {
		return nil, nil, err
	}
	if c, err := agent.Dial(ctx, agent.SocketPath(dir)); err == nil {
		return c, func() { _ = c.Close() }, nil
	} else if !errors.Is(err, agent.ErrNotRunning) {
		return nil, nil, err
	}
	l, err := newLocal()
	if err != nil {
		return nil, nil, err
	}
	return l, func() {}, nil
}

// openWindow connects to the agent (starting it when none runs) and shows
// the window over it. If a window is open already, it is raised instead.
func openWindow(ctx context.Context, demoMode bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dir, err := configDir(demoMode)
	if err != nil {
		return err
	}
	c, err := connectAgent(ctx, dir, demoMode)
	if err != nil {
		return err
	}
	defer c.Close()
	st, err := c.Status(ctx)
	if err == nil && st.Windows > 0 {
		if err := c.Show(ctx, ""); err != nil {
			return fmt.Errorf("a CloudMoo window is open already, but it could not be raised: %w", err)
		}
		return nil
	}
	notice := ""
	if err == nil && st.ExitsWithWindows && !st.Demo {
		notice = noTrayNotice
	}
	a := app.NewWithID("com.cloudmoo.desktop")
	a.SetIcon(fyne.NewStaticResource("cloudmoo.png", assets.AppIcon))
	w := gui.NewMainWindow(ctx, a, windowService{c}, gui.Options{Version: appVersion(), Now: time.Now, Notice: notice})
	w.Window().ShowAndRun()
	return nil
}

// noTrayNotice is said once, the first time a window opens on a desktop
// without a tray.
const noTrayNotice = "No system tray was found on this desktop, so CloudMoo's background agent stops when you close this window: monitoring and notifications pause until you open CloudMoo again. On GNOME, the AppIndicator extension adds a tray; or run `cloudmoo-desktop agent` at login to keep monitoring."

// demoOptions reads CLOUDMOO_DEMO_PROJECTS, a knob for benchmarks that want
// a demo with more projects than the four samples.
func demoOptions() demo.Options {
	opts := demo.Options{Version: appVersion()}
	if n, err := strconv.Atoi(os.Getenv("CLOUDMOO_DEMO_PROJECTS")); err == nil && n > 0 {
		opts.Samples = demo.GeneratedSamples(n)
	}
	return opts
}
