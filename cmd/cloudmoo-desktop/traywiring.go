package main

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/agent"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/tray"
)

// startTray shows the agent's tray icon when the desktop has a tray host.
// It reports whether the tray is up; without one the agent lives only as
// long as its windows.
func startTray(ctx context.Context, svc *service.Local, srv *agent.Server, quit context.CancelFunc) bool {
	if ok, reason := tray.Available(); !ok {
		log.Printf("no system tray (%s): the agent stops when the last window closes", reason)
		return false
	}
	go func() {
		err := tray.Run(ctx, tray.Options{
			Service: svc,
			OnShow:  func(id string) { showWindow(ctx, srv, id) },
			OnQuit:  quit,
		})
		if err != nil && ctx.Err() == nil {
			log.Printf("tray: %v", err)
		}
	}()
	return true
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
