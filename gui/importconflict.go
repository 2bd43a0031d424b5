package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudcli"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
)

// conflictAnswer is what the user chose for a context whose name a
// CloudMoo project has already.
type conflictAnswer struct {
	name string // the name to import it under
	skip bool
}

// conflictQuestion asks, while Import waits on its goroutine, what to do
// with a context whose name is taken: import it under another name
// (prefilled "NAME (hcloud)") or skip it. It answers exactly once, also
// when it is closed some other way (then: skip), so Import never hangs.
type conflictQuestion struct {
	c         hcloudcli.Context
	existing  string
	nameTaken func(name string) bool
	reply     func(conflictAnswer)
	answered  bool

	parent    fyne.Window
	name      *dialogEntry
	hint      *widget.Label
	renameBtn *widget.Button
	skipBtn   *widget.Button
	modal     *modal
}

func newConflictQuestion(parent fyne.Window, c hcloudcli.Context, existing string, nameTaken func(string) bool, reply func(conflictAnswer), onClosed func()) *conflictQuestion {
	q := &conflictQuestion{c: c, existing: existing, nameTaken: nameTaken, reply: reply, parent: parent}
	q.buildUI(onClosed)
	return q
}

func (q *conflictQuestion) buildUI(onClosed func()) {
	text := newWrapped(fmt.Sprintf("A project called \"%s\" is in CloudMoo already. Import the hcloud context \"%s\" (token %s) under another name, or skip it.",
		q.existing, q.c.Name, tokenMaskText(q.c.TokenMask)))
	suggested, _ := hcloudcli.RenameConflict(q.c, q.existing)
	q.name = newDialogEntry(false, "")
	q.name.SetText(suggested)
	q.name.OnChanged = func(string) { q.onChanged() }
	q.name.OnSubmitted = func(string) { q.submit() }
	q.name.onEscape = q.skip
	q.hint = newHint()
	q.skipBtn = widget.NewButtonWithIcon("Skip", theme.CancelIcon(), q.skip)
	q.renameBtn = widget.NewButtonWithIcon("Import as this name", theme.ConfirmIcon(), q.rename)
	q.renameBtn.Importance = widget.HighImportance
	label := widget.NewLabelWithStyle("Name in CloudMoo", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	content := container.NewVBox(text, label, q.name, q.hint)
	q.modal = newModal(fmt.Sprintf("\"%s\" is taken", q.existing), content, []fyne.CanvasObject{q.skipBtn, q.renameBtn},
		fyne.NewSize(480, 260), q.parent, func() {
			q.answer(conflictAnswer{skip: true}) // closed without a choice
			if onClosed != nil {
				onClosed()
			}
		})
	q.onChanged()
}

func (q *conflictQuestion) show() {
	q.modal.show()
	q.parent.Canvas().Focus(q.name)
}

// onChanged checks the name as it is typed, as the Rename dialog does.
// The window may not have heard of a project the import added a moment
// ago; then Import finds the name taken and asks again.
func (q *conflictQuestion) onChanged() {
	name, err := project.NormalizeName(q.name.Text)
	ok := err == nil
	switch {
	case err != nil:
		setHint(q.hint, hintText(err), true)
	case q.nameTaken(name):
		ok = false
		setHint(q.hint, fmt.Sprintf("A project called \"%s\" exists already too; choose another name.", name), true)
	default:
		setHint(q.hint, "", false)
	}
	setEnabled(q.renameBtn, ok)
}

// submit is Enter: import under the typed name when it may be used.
func (q *conflictQuestion) submit() {
	if !q.renameBtn.Disabled() {
		q.rename()
	}
}

func (q *conflictQuestion) rename() {
	name, err := project.NormalizeName(q.name.Text)
	if err != nil {
		return
	}
	q.answer(conflictAnswer{name: name})
	q.modal.hide()
}

// skip leaves the context out; Escape does the same.
func (q *conflictQuestion) skip() {
	q.answer(conflictAnswer{skip: true})
	q.modal.hide()
}

func (q *conflictQuestion) answer(a conflictAnswer) {
	if !q.answered {
		q.answered = true
		q.reply(a)
	}
}
