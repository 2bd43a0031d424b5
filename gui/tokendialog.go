package gui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// tokenDialog adds a project, or replaces a project's token when target is
// set. The token is validated as it is typed; Check asks Hetzner without
// saving; Save stores it, reusing a successful Check so no request is
// spent twice.
type tokenDialog struct {
	b         *bridge
	parent    fyne.Window
	target    *service.ProjectState // nil: add a new project
	nameTaken func(name string) bool
	onSaved   func(service.ProjectState)

	report    *service.TokenReport
	reportFor string // the token text the report is about
	busy      bool
	saving    bool // a Save runs: it cannot be called back, so Cancel waits
	unchecked bool // "Save unchecked" is offered

	name       *dialogEntry
	nameHint   *widget.Label
	token      *dialogEntry
	tokenHint  *widget.Label
	activity   *widget.Activity
	activityTx *widget.Label
	resultIcon *widget.Icon
	result     *widget.Label
	resultBox  *fyne.Container
	errText    *widget.Label

	checkBtn, saveBtn, uncheckedBtn, cancelBtn *widget.Button
	modal                                      *modal
}

func newTokenDialog(b *bridge, parent fyne.Window, target *service.ProjectState, nameTaken func(string) bool, onSaved func(service.ProjectState), onClosed func()) *tokenDialog {
	d := &tokenDialog{b: b, parent: parent, target: target, nameTaken: nameTaken, onSaved: onSaved}
	d.buildUI(onClosed)
	return d
}

func (d *tokenDialog) buildUI(onClosed func()) {
	d.name = newDialogEntry(false, "e.g. production")
	d.name.OnChanged = func(string) { d.onChanged() }
	d.name.OnSubmitted = func(string) { d.parent.Canvas().Focus(d.token) }
	d.name.onEscape = d.dismiss
	d.nameHint = newHint()
	d.token = newDialogEntry(true, "64 letters and digits")
	d.token.OnChanged = func(string) { d.onChanged() }
	d.token.OnSubmitted = func(string) { d.submit() }
	d.token.onEscape = d.dismiss
	d.tokenHint = newHint()

	d.checkBtn = widget.NewButtonWithIcon("Check", theme.SearchIcon(), d.onCheck)
	d.activity = widget.NewActivity()
	d.activity.Hide()
	d.activityTx = widget.NewLabel("")
	d.resultIcon = widget.NewIcon(iconUnknown())
	d.result = newWrapped("")
	d.resultBox = container.NewBorder(nil, nil, container.NewVBox(d.resultIcon, layout.NewSpacer()), nil, d.result)
	d.resultBox.Hide()
	d.errText = newWrapped("")
	d.errText.Importance = widget.DangerImportance
	d.errText.Hide()

	d.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), d.dismiss)
	d.uncheckedBtn = widget.NewButtonWithIcon("Save unchecked", theme.DocumentSaveIcon(), d.onSaveUnchecked)
	d.saveBtn = widget.NewButtonWithIcon("Save", theme.ConfirmIcon(), d.onSave)
	d.saveBtn.Importance = widget.HighImportance

	label := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	var top []fyne.CanvasObject
	title := "Add project"
	help := "Where to find it: Hetzner Console › your project › Security › API Tokens › Generate API Token. Choose Read: monitoring needs nothing more."
	if d.target == nil {
		top = append(top, label("Name"), d.name, d.nameHint)
	} else {
		title = "Replace token — " + d.target.Name
		top = append(top, newWrapped(fmt.Sprintf("The project \"%s\" now uses the token %s. Generate the new token in the Console, save it here, then delete the old one there.",
			d.target.Name, tokenMaskText(d.target.TokenMask))))
		help = "The new token should belong to the same project; the check shows how many servers it sees, so you can tell."
	}
	helpLabel := newHint()
	helpLabel.SetText(help)
	content := container.NewVBox(append(top,
		label("API token"), d.token, d.tokenHint, helpLabel,
		container.NewHBox(d.checkBtn, d.activity, d.activityTx),
		d.resultBox, d.errText)...)
	buttons := []fyne.CanvasObject{d.cancelBtn, d.uncheckedBtn, d.saveBtn}
	d.modal = newModal(title, content, buttons, fyne.NewSize(560, 520), d.parent, onClosed)
	d.onChanged()
}

// show opens the dialog with the focus on its first field.
func (d *tokenDialog) show() {
	d.modal.show()
	if d.target == nil {
		d.parent.Canvas().Focus(d.name)
	} else {
		d.parent.Canvas().Focus(d.token)
	}
}

// dismiss is Cancel and Escape. A running Check is simply forgotten; a
// running Save cannot be called back, so the dialog stays to report it.
func (d *tokenDialog) dismiss() {
	if !d.saving {
		d.modal.hide()
	}
}

// submit is Enter: Save when it may, else nothing.
func (d *tokenDialog) submit() {
	if !d.saveBtn.Disabled() {
		d.onSave()
	}
}

// onChanged validates as the user types and enables what may be pressed.
func (d *tokenDialog) onChanged() {
	nameOK := true
	if d.target == nil {
		name, err := project.NormalizeName(d.name.Text)
		switch {
		case err != nil && d.name.Text == "":
			nameOK = false
			setHint(d.nameHint, "How you call this project, e.g. as in the Hetzner Console.", false)
		case err != nil:
			nameOK = false
			setHint(d.nameHint, hintText(err), true)
		case d.nameTaken(name):
			nameOK = false
			setHint(d.nameHint, fmt.Sprintf("A project called \"%s\" exists already; choose another name.", name), true)
		default:
			setHint(d.nameHint, "", false)
		}
	}
	text := d.token.Text
	_, err := token.Parse(text)
	tokenOK := err == nil
	switch {
	case strings.TrimSpace(text) == "":
		setHint(d.tokenHint, "Paste the token; it is stored only in your system keychain.", false)
	case err != nil:
		setHint(d.tokenHint, hintText(err), true)
	default:
		setHint(d.tokenHint, "The format is right. Check asks Hetzner whether it works, without saving.", false)
	}
	if d.report != nil && d.reportFor != text {
		d.report, d.unchecked = nil, false
		d.resultBox.Hide()
	}
	rejected := d.report != nil && d.report.Status == hetzner.StatusInvalidToken
	setEnabled(d.checkBtn, tokenOK && !d.busy)
	setEnabled(d.saveBtn, tokenOK && nameOK && !d.busy && !rejected)
	setEnabled(d.uncheckedBtn, tokenOK && nameOK && !d.busy)
	setEnabled(d.cancelBtn, !d.saving)
	d.uncheckedBtn.Hidden = !d.unchecked
	d.uncheckedBtn.Refresh()
}

// setBusy shows progress and locks the buttons while a request runs.
func (d *tokenDialog) setBusy(what string) {
	d.busy = what != ""
	d.activityTx.SetText(what)
	if d.busy {
		d.activity.Show()
		d.activity.Start()
		d.errText.Hide()
	} else {
		d.activity.Stop()
		d.activity.Hide()
	}
	d.onChanged()
}

func (d *tokenDialog) onCheck() {
	text := d.token.Text
	d.setBusy("Asking Hetzner about this token…")
	background(d.b, func(ctx context.Context) (service.TokenReport, error) {
		return d.b.svc.CheckToken(ctx, text)
	}, func(rep service.TokenReport, err error) {
		d.setBusy("")
		if err != nil {
			d.showError(err)
			return
		}
		if d.token.Text != text {
			return // edited meanwhile: the report is about another token
		}
		d.report, d.reportFor = &rep, text
		d.unchecked = !rep.Status.Healthy() && rep.Status != hetzner.StatusInvalidToken
		d.showReport(rep)
		d.onChanged()
	})
}

// showReport says what the check found.
func (d *tokenDialog) showReport(rep service.TokenReport) {
	look := lookOf(rep.Status)
	d.resultIcon.SetResource(look.icon)
	var text string
	switch {
	case rep.Status.Healthy():
		text = "Valid. Permission: " + rep.Permission.Label() + "."
		if rep.Permission == project.PermissionUnknown && rep.PermissionMessage != "" {
			text += " " + sentence(rep.PermissionMessage)
		}
		if rep.RateLimit != nil {
			text += fmt.Sprintf(" %s of %s requests left this hour.", ratelimit.FormatCount(rep.RateLimit.Remaining), ratelimit.FormatCount(rep.RateLimit.Limit))
		}
		if rep.Servers != nil {
			text += fmt.Sprintf(" It sees %s servers: is this the project you meant?", ratelimit.FormatCount(*rep.Servers))
		}
		if rep.Permission == project.PermissionReadWrite {
			text += "\n\n" + leastPrivilegeHint
		}
	case rep.Status == hetzner.StatusInvalidToken:
		text = sentence(rep.Message)
	default:
		text = sentence(rep.Message) + " You can save it unchecked; CloudMoo checks it as soon as Hetzner can be reached."
	}
	d.result.SetText(text)
	d.resultBox.Show()
}

func (d *tokenDialog) showError(err error) {
	switch {
	case errors.Is(err, project.ErrDuplicateName), errors.Is(err, project.ErrInvalidName):
		setHint(d.nameHint, hintText(err), true)
	case errors.Is(err, token.ErrMalformed):
		setHint(d.tokenHint, hintText(err), true)
	default:
		d.errText.SetText(sentence(err.Error()))
		d.errText.Show()
	}
	if errors.Is(err, service.ErrNotVerified) {
		d.unchecked = true
		d.onChanged()
	}
}

// onSave stores the token. After a successful Check it passes SkipCheck and
// the permission found; otherwise the service checks it itself.
func (d *tokenDialog) onSave() {
	if r := d.report; r != nil && d.reportFor == d.token.Text && r.Status.Healthy() {
		d.save(true, r.Permission, r)
		return
	}
	d.save(false, "", nil)
}

// onSaveUnchecked stores the token without asking Hetzner.
func (d *tokenDialog) onSaveUnchecked() {
	perm := project.PermissionUnknown
	if r := d.report; r != nil && d.reportFor == d.token.Text && r.Permission != "" {
		perm = r.Permission
	}
	d.save(true, perm, nil)
}

// save stores the token; checked, when set, is the report of the Check the
// user just ran, so the new project shows its budget without a request.
func (d *tokenDialog) save(skipCheck bool, perm project.Permission, checked *service.TokenReport) {
	name, text := d.name.Text, d.token.Text
	what := "Saving…"
	if !skipCheck {
		what = "Checking the token with Hetzner, then saving…"
	}
	d.saving = true
	d.setBusy(what)
	target := d.target
	background(d.b, func(ctx context.Context) (service.ProjectState, error) {
		if target != nil {
			return d.b.svc.ReplaceToken(ctx, service.ReplaceRequest{ID: target.ID, Token: text, SkipCheck: skipCheck, Permission: perm})
		}
		return d.b.svc.Add(ctx, service.AddRequest{Name: name, Token: text, SkipCheck: skipCheck, Permission: perm, Checked: checked})
	}, func(st service.ProjectState, err error) {
		d.saving = false
		d.setBusy("")
		if err != nil {
			d.showError(err)
			return
		}
		d.modal.hide()
		d.onSaved(st)
	})
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}
