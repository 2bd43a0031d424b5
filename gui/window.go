// Package gui is CloudMoo Desktop's window: a thin view that renders what
// core's Service publishes and sends the user's intent back through it. It
// never speaks HTTP or touches the keychain.
package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// Options configure the window.
type Options struct {
	Version string
	Now     func() time.Time // nil = time.Now; tests pass a fixed clock
}

// MainWindow is the app's one window.
type MainWindow struct {
	win fyne.Window
	svc service.Service
}

// NewMainWindow builds the window over svc. It is not shown yet.
func NewMainWindow(ctx context.Context, a fyne.App, svc service.Service, opts Options) *MainWindow {
	w := &MainWindow{win: a.NewWindow("CloudMoo"), svc: svc}
	w.win.SetContent(widget.NewLabel("CloudMoo"))
	w.win.Resize(fyne.NewSize(960, 600))
	return w
}

// Window returns the Fyne window.
func (w *MainWindow) Window() fyne.Window { return w.win }
