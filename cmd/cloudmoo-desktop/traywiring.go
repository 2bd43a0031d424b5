package main

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/agent"
	"github.com/cloudmoo/cloudmoo-desktop/core/autostart"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/tray"
)

// trayAvailable says whether the desktop has a tray host; without one the
// agent lives only as long as its windows.
func trayAvailable() bool {
	ok, reason := tray.Available()
	if !ok {
		log.Printf("no system tray (%s)", reason)
	}
	return ok
}

// runTray shows the agent's tray icon until ctx ends or Quit is chosen.
func runTray(ctx context.Context, svc *service.Local, srv *agent.Server, quit context.CancelFunc) {
	err := tray.Run(ctx, tray.Options{
		Service: svc,
		OnShow:  func(id string) { showWindow(ctx, srv, id) },
		OnQuit:  quit,
	})
	if err != nil && ctx.Err() == nil {
		log.Printf("tray: %v", err)
	}
}

// followAutostart keeps the login item in step with the Autostart setting,
// on changes only: a user who switched the entry off in the desktop's own
// session settings is not overruled at every start.
func followAutostart(ctx context.Context, svc *service.Local) {
	events, err := svc.Subscribe(ctx)
	if err != nil {
		return
	}
	snap, err := svc.Snapshot(ctx)
	if err != nil {
		return
	}
	last := snap.Settings.Autostart
	for e := range events {
		if e.Kind != service.EventSettings || e.Settings == nil || e.Settings.Autostart == last {
			continue
		}
		last = e.Settings.Autostart
		if err := applyAutostart(last); err != nil {
			log.Printf("autostart: %v", err)
		}
	}
}

func applyAutostart(on bool) error {
	if !on {
		return autostart.Disable()
	}
	exe, err := autostart.Executable()
	if err != nil {
		return err
	}
	return autostart.Enable(exe)
}

// showWindow raises the open window on project id, or starts a window
// process and then points it at the project.
func showWindow(ctx context.Context, srv *agent.Server, id string) {
	if srv.Windows() > 0 {
		srv.Show(id)
		return
	}
	exe, err := os.Executable()
	if err != nil {
		log.Printf("cannot find this program to open the window: %v", err)
		return
	}
	dir, err := configDir(false)
	if err != nil {
		log.Printf("cannot open the window: %v", err)
		return
	}
	if _, err := agent.StartDetached(exe, nil, nil, filepath.Join(dir, "window.log")); err != nil {
		log.Printf("cannot open the window: %v", err)
		return
	}
	if id == "" {
		return
	}
	deadline := time.Now().Add(20 * time.Second)
	for srv.Windows() == 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
	}
	srv.Show(id)
}
