package gui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// renameDialog gives a project a new name; its token stays where it is.
type renameDialog struct {
	b         *bridge
	parent    fyne.Window
	target    service.ProjectState
	nameTaken func(name, exceptID string) bool
	onSaved   func(service.ProjectState)

	name     *dialogEntry
	hint     *widget.Label
	activity *widget.Activity
	saveBtn  *widget.Button
	cancel   *widget.Button
	busy     bool
	modal    *modal
}

func newRenameDialog(b *bridge, parent fyne.Window, target service.ProjectState, nameTaken func(string, string) bool, onSaved func(service.ProjectState), onClosed func()) *renameDialog {
	d := &renameDialog{b: b, parent: parent, target: target, nameTaken: nameTaken, onSaved: onSaved}
	d.buildUI(onClosed)
	return d
}

func (d *renameDialog) buildUI(onClosed func()) {
	d.name = newDialogEntry(false, "")
	d.name.SetText(d.target.Name)
	d.name.OnChanged = func(string) { d.onChanged() }
	d.name.OnSubmitted = func(string) { d.submit() }
	d.name.onEscape = d.dismiss
	d.hint = newHint()
	d.activity = widget.NewActivity()
	d.activity.Hide()
	d.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), d.dismiss)
	d.saveBtn = widget.NewButtonWithIcon("Rename", theme.ConfirmIcon(), d.onSave)
	d.saveBtn.Importance = widget.HighImportance
	note := newHint()
	note.SetText("Only CloudMoo's name changes; the project in the Hetzner Console and its token stay as they are.")
	content := container.NewVBox(d.name, d.hint, note, d.activity)
	d.modal = newModal(fmt.Sprintf("Rename \"%s\"", d.target.Name), content,
		[]fyne.CanvasObject{d.cancel, d.saveBtn}, fyne.NewSize(440, 220), d.parent, onClosed)
	d.onChanged()
}

func (d *renameDialog) show() {
	d.modal.show()
	d.parent.Canvas().Focus(d.name)
}

func (d *renameDialog) dismiss() { d.modal.hide() }

func (d *renameDialog) submit() {
	if !d.saveBtn.Disabled() {
		d.onSave()
	}
}

func (d *renameDialog) onChanged() {
	name, err := project.NormalizeName(d.name.Text)
	ok := err == nil
	switch {
	case err != nil:
		setHint(d.hint, hintText(err), true)
	case d.nameTaken(name, d.target.ID):
		ok = false
		setHint(d.hint, fmt.Sprintf("A project called \"%s\" exists already; choose another name.", name), true)
	default:
		setHint(d.hint, "", false)
	}
	setEnabled(d.saveBtn, ok && !d.busy && name != d.target.Name)
}

func (d *renameDialog) onSave() {
	name, id := d.name.Text, d.target.ID
	d.setBusy(true)
	background(d.b, func(ctx context.Context) (service.ProjectState, error) {
		return d.b.svc.Rename(ctx, id, name)
	}, func(st service.ProjectState, err error) {
		d.setBusy(false)
		if err != nil {
			setHint(d.hint, hintText(err), true)
			return
		}
		d.modal.hide()
		d.onSaved(st)
	})
}

func (d *renameDialog) setBusy(busy bool) {
	d.busy = busy
	if busy {
		d.activity.Show()
		d.activity.Start()
	} else {
		d.activity.Stop()
		d.activity.Hide()
	}
	d.onChanged()
}
