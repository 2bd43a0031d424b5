package gui

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
)

// settingsDialog edits the settings every front end shares.
type settingsDialog struct {
	b       *bridge
	version string
	current project.Settings
	onSaved func(project.Settings)

	rate      *widget.Slider
	rateText  *widget.Label
	low       *widget.Slider
	lowText   *widget.Label
	notify    *widget.Check
	notifyTxt *widget.Label
	autostart *widget.Check
	errText   *widget.Label
	activity  *widget.Activity
	saveBtn   *widget.Button
	cancelBtn *widget.Button
	modal     *modal
}

func newSettingsDialog(b *bridge, parent fyne.Window, version string, current project.Settings, onSaved func(project.Settings), onClosed func()) *settingsDialog {
	d := &settingsDialog{b: b, version: version, current: current, onSaved: onSaved}
	d.buildUI(parent, onClosed)
	return d
}

func (d *settingsDialog) buildUI(parent fyne.Window, onClosed func()) {
	d.rate = widget.NewSlider(0.1, 6)
	d.rate.Step = 0.1
	d.rate.SetValue(d.current.RequestsPerMinute)
	d.rate.OnChanged = func(float64) { d.onChanged() }
	d.rateText = newWrapped("")
	d.low = widget.NewSlider(1, 90)
	d.low.Step = 1
	d.low.SetValue(float64(d.current.LowPercent))
	d.low.OnChanged = func(float64) { d.onChanged() }
	d.lowText = newWrapped("")
	// The background agent acts on both: it sends the notifications on
	// transitions and keeps the OS's login item in step with Autostart.
	// A Check's text does not wrap, so what it does is a hint under it.
	d.notify = widget.NewCheck("Desktop notifications", nil)
	d.notify.SetChecked(d.current.Notifications)
	d.notifyTxt = newHint()
	d.notifyTxt.SetText("Notify when a token is revoked, a project runs low or is rate limited, and when it recovers.")
	d.autostart = widget.NewCheck("Start CloudMoo's background agent when you log in", nil)
	d.autostart.SetChecked(d.current.Autostart)
	agentNote := newHint()
	agentNote.SetText("The agent watches your projects and notifies you while this window is closed; it shows in the system tray where there is one.")
	themeNote := newHint()
	themeNote.SetText("Light or dark: CloudMoo follows your system's theme.")
	about := newHint()
	about.SetText("CloudMoo Desktop " + d.version)
	d.errText = newWrapped("")
	d.errText.Importance = widget.DangerImportance
	d.errText.Hide()
	d.activity = widget.NewActivity()
	d.activity.Hide()

	d.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), d.dismiss)
	d.saveBtn = widget.NewButtonWithIcon("Save", theme.ConfirmIcon(), d.onSave)
	d.saveBtn.Importance = widget.HighImportance

	bold := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	content := container.NewVBox(
		bold("Checks per project"), d.rate, d.rateText,
		bold("Low threshold"), d.low, d.lowText,
		d.notify, d.notifyTxt, d.autostart, agentNote, themeNote,
		d.activity, d.errText, about,
	)
	d.modal = newModal("Settings", content, []fyne.CanvasObject{d.cancelBtn, d.saveBtn}, fyne.NewSize(520, 600), parent, onClosed)
	d.onChanged()
}

func (d *settingsDialog) show()    { d.modal.show() }
func (d *settingsDialog) dismiss() { d.modal.hide() }
func (d *settingsDialog) submit()  { d.onSave() }

// value returns the settings as the form shows them.
func (d *settingsDialog) value() project.Settings {
	s := d.current
	s.RequestsPerMinute = math.Round(d.rate.Value*10) / 10
	s.LowPercent = int(math.Round(d.low.Value))
	s.Notifications = d.notify.Checked
	s.Autostart = d.autostart.Checked
	return s
}

// onChanged explains the chosen values in requests and budget shares.
func (d *settingsDialog) onChanged() {
	s := d.value()
	perHour := s.RequestsPerMinute * 60
	noun := "requests"
	if s.RequestsPerMinute == 1 {
		noun = "request"
	}
	d.rateText.SetText(fmt.Sprintf("%s %s a minute per project: %s an hour, %s %% of a 3%s600 budget. More is fresher, less leaves more for your other tools.",
		strconv.FormatFloat(s.RequestsPerMinute, 'f', -1, 64), noun, strconv.FormatFloat(math.Round(perHour), 'f', -1, 64),
		strconv.FormatFloat(math.Round(perHour/3600*1000)/10, 'f', -1, 64), ratelimit.CountSeparator))
	d.lowText.SetText(fmt.Sprintf("A project is \"low\" below %d %% of its limit; CloudMoo then checks it less often.", s.LowPercent))
}

func (d *settingsDialog) onSave() {
	s := d.value()
	d.saveBtn.Disable()
	d.activity.Show()
	d.activity.Start()
	d.errText.Hide()
	background(d.b, func(ctx context.Context) (project.Settings, error) {
		return d.b.svc.UpdateSettings(ctx, s)
	}, func(saved project.Settings, err error) {
		d.activity.Stop()
		d.activity.Hide()
		d.saveBtn.Enable()
		if err != nil {
			d.errText.SetText(sentence(err.Error()))
			d.errText.Show()
			return
		}
		d.modal.hide()
		d.onSaved(saved)
	})
}
