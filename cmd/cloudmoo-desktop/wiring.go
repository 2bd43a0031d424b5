package main

import (
	"context"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"fyne.io/fyne/v2/app"

	"github.com/cloudmoo/cloudmoo-desktop/core/demo"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/gui"
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

func openService(context.Context) (service.Service, func(), error) {
	l, err := newLocal()
	if err != nil {
		return nil, nil, err
	}
	return l, func() {}, nil
}

func openWindow(ctx context.Context, demoMode bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var svc *service.Local
	if demoMode {
		d, err := demo.Start(ctx, demoOptions())
		if err != nil {
			return err
		}
		defer d.Close()
		svc = d.Service
	} else {
		l, err := newLocal()
		if err != nil {
			return err
		}
		svc = l
	}
	go svc.Run(ctx)
	a := app.NewWithID("com.cloudmoo.desktop")
	w := gui.NewMainWindow(ctx, a, svc, gui.Options{Version: appVersion(), Now: time.Now})
	w.Window().ShowAndRun()
	return nil
}

// demoOptions reads CLOUDMOO_DEMO_PROJECTS, a knob for benchmarks that want
// a demo with more projects than the four samples.
func demoOptions() demo.Options {
	opts := demo.Options{Version: appVersion()}
	if n, err := strconv.Atoi(os.Getenv("CLOUDMOO_DEMO_PROJECTS")); err == nil && n > 0 {
		opts.Samples = demo.GeneratedSamples(n)
	}
	return opts
}
