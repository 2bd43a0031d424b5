package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// modalPart is an open dialog as the window sees it: Escape dismisses it,
// Enter submits it (when no entry has the focus to do that itself).
type modalPart interface {
	dismiss()
	submit()
}

// modal is a dialog whose buttons are ours, not Fyne's, so that Enter,
// Escape and the tests reach the same buttons a person taps.
type modal struct {
	d *dialog.CustomDialog
}

// newModal builds a dialog of the given size; onClosed runs however it closes.
func newModal(title string, content fyne.CanvasObject, buttons []fyne.CanvasObject, size fyne.Size, parent fyne.Window, onClosed func()) *modal {
	d := dialog.NewCustomWithoutButtons(title, content, parent)
	d.SetButtons(buttons)
	if onClosed != nil {
		d.SetOnClosed(onClosed)
	}
	d.Resize(size)
	return &modal{d: d}
}

func (m *modal) show() { m.d.Show() }
func (m *modal) hide() { m.d.Hide() }

// dialogEntry is an Entry that gives Escape to its dialog; Enter is the
// Entry's own OnSubmitted.
type dialogEntry struct {
	widget.Entry
	onEscape func()
}

func newDialogEntry(password bool, placeholder string) *dialogEntry {
	e := &dialogEntry{}
	e.Password = password
	e.PlaceHolder = placeholder
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *dialogEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// messageDialog shows an error or a notice with what to do, and an OK.
type messageDialog struct {
	text  *widget.Label
	ok    *widget.Button
	modal *modal
}

func newMessageDialog(title, text string, parent fyne.Window, onClosed func()) *messageDialog {
	m := &messageDialog{text: newWrapped(text)}
	m.ok = widget.NewButtonWithIcon("OK", theme.ConfirmIcon(), func() { m.modal.hide() })
	m.ok.Importance = widget.HighImportance
	icon := widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
	content := container.NewBorder(nil, nil, container.NewVBox(icon, layout.NewSpacer()), nil, m.text)
	m.modal = newModal(title, content, []fyne.CanvasObject{m.ok}, fyne.NewSize(480, 220), parent, onClosed)
	return m
}

func (m *messageDialog) dismiss() { m.modal.hide() }
func (m *messageDialog) submit()  { m.modal.hide() }
