package gui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// detailActions are what the detail's buttons ask the window to do.
type detailActions struct {
	check, detect, rename, replace, remove func()
}

// projectDetail is the right side: everything known about the selected
// project, the budget projected every second between checks, and the
// actions on it.
type projectDetail struct {
	loc     *time.Location
	actions detailActions

	st      service.ProjectState
	busy    bool
	history []ratelimit.Point
	histFor string // project ID the history belongs to
	lowPct  int

	title      *widget.Label
	statusIcon *widget.Icon
	status     *widget.Label
	checked    *widget.Label

	problemIcon *widget.Icon
	problemText *widget.Label
	problemFix  *widget.Button
	problem     *fyne.Container

	bar       *widget.ProgressBar
	barText   string
	projNote  *widget.Label
	fullAgain *widget.Label
	spark     *sparkline
	others    *widget.Label

	token    *widget.Label
	badge    *permissionBadge
	permText *widget.Label
	lpHint   *widget.Label
	servers  *widget.Label

	checkBtn, detectBtn, renameBtn, replaceBtn, removeBtn *widget.Button

	content fyne.CanvasObject
}

func newProjectDetail(loc *time.Location, actions detailActions) *projectDetail {
	d := &projectDetail{loc: loc, actions: actions}
	d.buildUI()
	return d
}

func (d *projectDetail) buildUI() {
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.title.SizeName = theme.SizeNameHeadingText
	d.title.Truncation = fyne.TextTruncateEllipsis
	d.statusIcon = widget.NewIcon(iconUnknown())
	d.status = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.checked = widget.NewLabel("")
	d.checked.Wrapping = fyne.TextWrapWord

	d.problemIcon = widget.NewIcon(iconProblem())
	d.problemText = newWrapped("")
	d.problemFix = widget.NewButtonWithIcon("Replace token…", theme.ContentPasteIcon(), d.actions.replace)
	d.problem = container.NewBorder(nil, nil,
		container.NewVBox(d.problemIcon, layout.NewSpacer()),
		container.NewVBox(d.problemFix, layout.NewSpacer()), d.problemText)

	d.bar = widget.NewProgressBar()
	d.bar.TextFormatter = func() string { return d.barText }
	d.projNote = newHint()
	d.fullAgain = widget.NewLabel("")
	d.spark = newSparkline()
	sparkCaption := newHint()
	sparkCaption.SetText(fmt.Sprintf("Remaining budget over the last %d hours; the thin rule marks the low threshold.", int(sparkSpan.Hours())))
	d.others = newWrapped("")

	d.token = widget.NewLabel("")
	d.badge = newPermissionBadge()
	d.permText = newWrapped("")
	d.lpHint = newWrapped(leastPrivilegeHint)
	d.lpHint.Importance = widget.WarningImportance
	d.servers = newWrapped("")

	d.checkBtn = widget.NewButtonWithIcon("Check now", theme.ViewRefreshIcon(), d.actions.check)
	d.detectBtn = widget.NewButtonWithIcon("Re-detect permission", theme.SearchIcon(), d.actions.detect)
	d.renameBtn = widget.NewButtonWithIcon("Rename…", theme.DocumentCreateIcon(), d.actions.rename)
	d.replaceBtn = widget.NewButtonWithIcon("Replace token…", theme.ContentPasteIcon(), d.actions.replace)
	d.removeBtn = widget.NewButtonWithIcon("Remove…", theme.DeleteIcon(), d.actions.remove)
	d.removeBtn.Importance = widget.DangerImportance

	heading := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	body := container.NewVBox(
		d.title,
		container.NewBorder(nil, nil, d.statusIcon, nil, d.status),
		d.checked,
		d.problem,
		container.NewGridWithColumns(3, d.checkBtn, d.detectBtn, d.renameBtn, d.replaceBtn, d.removeBtn),
		widget.NewSeparator(),
		heading("Request budget"),
		d.bar, d.projNote, d.fullAgain,
		d.spark, sparkCaption,
		d.others,
		widget.NewSeparator(),
		heading("Token and permission"),
		d.token,
		container.NewHBox(widget.NewLabel("Permission:"), container.NewCenter(d.badge)),
		d.permText,
		d.lpHint,
		d.servers,
	)
	d.content = container.NewVScroll(container.NewPadded(body))
}

// show displays st; now is the moment the time-dependent parts are for.
func (d *projectDetail) show(st service.ProjectState, now time.Time, lowPercent int) {
	d.st, d.lowPct = st, lowPercent
	if d.histFor != st.ID {
		d.history, d.histFor = nil, st.ID
	}
	look := lookOf(st.Status)
	setText(d.title, st.Name)
	d.statusIcon.SetResource(look.icon)
	setText(d.status, look.word)

	d.problemIcon.SetResource(look.icon)
	setText(d.problemText, plain(st.Message))
	d.problemFix.Hidden = st.Status != hetzner.StatusInvalidToken
	if st.Message == "" {
		d.problem.Hide()
	} else {
		d.problem.Show()
	}
	d.problem.Refresh()

	setText(d.token, "Token in the keychain: "+tokenMaskText(st.TokenMask))
	d.badge.setPermission(st.Permission)
	setText(d.permText, permissionText(st.Permission))
	d.lpHint.Hidden = st.Permission != project.PermissionReadWrite
	d.lpHint.Refresh()
	if st.Servers != nil {
		setText(d.servers, fmt.Sprintf("Servers visible to this token: %s. If that is not what this project has, the token belongs to another project: use Replace token.", ratelimit.FormatCount(*st.Servers)))
	} else {
		setText(d.servers, "Servers visible to this token: not known until a check succeeds.")
	}
	d.setBusy(d.busy)
	d.tick(now)
}

// setHistory shows the history of project id, if it is still the one shown.
func (d *projectDetail) setHistory(id string, points []ratelimit.Point, now time.Time) {
	if id != d.st.ID {
		return
	}
	d.history, d.histFor = points, id
	d.spark.setPoints(points, now, d.lowPct)
}

// setBusy disables the project's actions while one of them runs.
func (d *projectDetail) setBusy(busy bool) {
	d.busy = busy
	for _, b := range []*widget.Button{d.checkBtn, d.detectBtn, d.replaceBtn, d.removeBtn, d.problemFix} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// tick updates what changes with time alone: the projected budget, when it
// is full again, how long ago the check was. It spends no request.
func (d *projectDetail) tick(now time.Time) {
	st := d.st
	setText(d.checked, checkedText(st, now, d.loc))
	d.spark.setPoints(d.history, now, d.lowPct)

	proj, ok := st.Projected(now)
	if !ok {
		d.barText = "Budget unknown until a check succeeds"
		d.bar.SetValue(0)
		d.bar.Refresh()
		setText(d.projNote, "")
		setText(d.fullAgain, "")
		d.others.Hide()
		return
	}
	rl := *st.RateLimit
	d.barText = fmt.Sprintf("%s of %s left", ratelimit.FormatCount(proj.Remaining), ratelimit.FormatCount(rl.Limit))
	if proj.Projected {
		d.barText = "~" + d.barText + " (projected)"
		setText(d.projNote, fmt.Sprintf("Projected from Hetzner's answer %s, without a request: the budget refills by %s an hour. Other clients may have spent some since.",
			formatAgo(rl.ObservedAt, now), ratelimit.FormatCount(rl.Limit)))
	} else {
		setText(d.projNote, "As Hetzner reported it just now.")
	}
	if v := float64(proj.Remaining) / float64(rl.Limit); v != d.bar.Value {
		d.bar.SetValue(v)
	} else {
		d.bar.Refresh() // the text may have changed alone
	}
	switch full := rl.FullIn(now); {
	case !st.RetryAt.IsZero() && st.RetryAt.After(now):
		setText(d.fullAgain, fmt.Sprintf("Rate limited: CloudMoo asks again at %s (in %s); the budget refills meanwhile.", formatClock(st.RetryAt, now, d.loc), formatDuration(st.RetryAt.Sub(now))))
	case full <= 0:
		setText(d.fullAgain, "The budget is full.")
	default:
		setText(d.fullAgain, fmt.Sprintf("Full again in %s (at %s), if nothing else spends it.", formatDuration(full), formatClock(now.Add(full), now, d.loc)))
	}
	d.showOthers(st, now)
}

func (d *projectDetail) showOthers(st service.ProjectState, now time.Time) {
	if st.OthersPerMinute == nil {
		d.others.Hide()
		return
	}
	d.others.Show()
	per := *st.OthersPerMinute
	if per < 0.05 {
		setText(d.others, "No other client seems to be spending this budget.")
		return
	}
	text := fmt.Sprintf("Others are spending %s of this budget (other tools or scripts using this project's tokens).", formatRate(per))
	if !st.ExhaustedAt.IsZero() && st.ExhaustedAt.After(now) {
		text += fmt.Sprintf(" At that rate it runs out in %s (at %s).", formatDuration(st.ExhaustedAt.Sub(now)), formatClock(st.ExhaustedAt, now, d.loc))
	} else {
		text += " The refill keeps up with that."
	}
	setText(d.others, text)
}

// checkedText says when the project was checked and will be next.
func checkedText(st service.ProjectState, now time.Time, loc *time.Location) string {
	if st.CheckedAt.IsZero() {
		return "Not checked yet: the first check comes within a minute, or press Check now."
	}
	s := "Checked " + formatAgo(st.CheckedAt, now)
	if next := st.NextCheckAt; !next.IsZero() {
		if next.After(now) {
			s += "; next check in " + formatDuration(next.Sub(now)) + " (at " + formatClock(next, now, loc) + ")"
		} else {
			s += "; next check any moment"
		}
	}
	return s + "."
}

func tokenMaskText(mask string) string {
	if mask == "" {
		return "(not recorded)"
	}
	return mask
}
