package gui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// removeDialog asks before a project and its keychain entry are deleted.
type removeDialog struct {
	b       *bridge
	target  service.ProjectState
	onDone  func(error)
	errText *widget.Label
	activ   *widget.Activity
	running bool // the removal cannot be called back; the dialog waits for it
	remove  *widget.Button
	cancel  *widget.Button
	modal   *modal
}

func newRemoveDialog(b *bridge, parent fyne.Window, target service.ProjectState, onDone func(error), onClosed func()) *removeDialog {
	d := &removeDialog{b: b, target: target, onDone: onDone}
	d.buildUI(parent, onClosed)
	return d
}

func (d *removeDialog) buildUI(parent fyne.Window, onClosed func()) {
	text := newWrapped(fmt.Sprintf("CloudMoo stops watching \"%s\" and deletes its token (%s) from your system keychain.\n\n"+
		"The token itself stays valid at Hetzner. If nothing else uses it, delete it in the Hetzner Console under Security › API Tokens.",
		d.target.Name, tokenMaskText(d.target.TokenMask)))
	d.errText = newWrapped("")
	d.errText.Importance = widget.DangerImportance
	d.errText.Hide()
	d.activ = widget.NewActivity()
	d.activ.Hide()
	d.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), d.dismiss)
	d.remove = widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), d.onRemove)
	d.remove.Importance = widget.DangerImportance
	d.modal = newModal(fmt.Sprintf("Remove \"%s\"?", d.target.Name), container.NewVBox(text, d.activ, d.errText),
		[]fyne.CanvasObject{d.cancel, d.remove}, fyne.NewSize(480, 260), parent, onClosed)
}

func (d *removeDialog) show() { d.modal.show() }
func (d *removeDialog) dismiss() {
	if !d.running {
		d.modal.hide()
	}
}

// submit is Enter: the highlighted action, as in every confirmation.
func (d *removeDialog) submit() {
	if !d.remove.Disabled() {
		d.onRemove()
	}
}

func (d *removeDialog) onRemove() {
	d.running = true
	d.remove.Disable()
	d.cancel.Disable()
	d.activ.Show()
	d.activ.Start()
	id := d.target.ID
	background(d.b, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, d.b.svc.Remove(ctx, id)
	}, func(_ struct{}, err error) {
		d.running = false
		d.activ.Stop()
		d.activ.Hide()
		d.modal.hide()
		d.onDone(err)
	})
}
