package gui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// projectList is the left side: one row a project, virtualised by
// widget.List so hundreds of projects cost only the visible rows.
type projectList struct {
	model    *viewModel
	now      func() time.Time
	onSelect func(id string)
	onDelete func()
	list     *keyList
}

func newProjectList(model *viewModel, now func() time.Time, onSelect func(string), onDelete func()) *projectList {
	p := &projectList{model: model, now: now, onSelect: onSelect, onDelete: onDelete}
	p.buildUI()
	return p
}

func (p *projectList) buildUI() {
	l := &keyList{onDelete: p.onDelete}
	l.Length = func() int { return len(p.model.projects) }
	l.CreateItem = func() fyne.CanvasObject { return newProjectRow() }
	l.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(p.model.projects) {
			o.(*projectRow).show(p.model.projects[i], p.now())
		}
	}
	l.OnSelected = p.onSelected
	l.ExtendBaseWidget(l)
	p.list = l
}

func (p *projectList) onSelected(i widget.ListItemID) {
	if i >= 0 && i < len(p.model.projects) {
		p.onSelect(p.model.projects[i].ID)
	}
}

// sync redraws the rows and puts the selection on project id.
func (p *projectList) sync(id string) {
	p.list.Refresh()
	if i := p.model.index(id); i >= 0 {
		p.list.Select(i)
	} else {
		p.list.UnselectAll()
	}
}

// keyList is a List on which Delete asks to remove the selected project.
type keyList struct {
	widget.List
	onDelete func()
}

// TypedKey implements fyne.Focusable.
func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	if (ev.Name == fyne.KeyDelete || ev.Name == fyne.KeyBackspace) && l.onDelete != nil {
		l.onDelete()
		return
	}
	l.List.TypedKey(ev)
}

// projectRow shows one project: status (icon and word), name, permission
// badge, and the budget as remaining / limit.
type projectRow struct {
	widget.BaseWidget
	icon   *widget.Icon
	name   *widget.Label
	line   *widget.Label
	badge  *permissionBadge
	layout fyne.CanvasObject
}

func newProjectRow() *projectRow {
	r := &projectRow{
		icon:  widget.NewIcon(iconUnknown()),
		name:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		line:  widget.NewLabel(""),
		badge: newPermissionBadge(),
	}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.line.Truncation = fyne.TextTruncateEllipsis
	r.line.SizeName = theme.SizeNameCaptionText
	text := container.New(&tightVBox{}, r.name, r.line)
	r.layout = container.NewBorder(nil, nil, r.icon, container.NewCenter(r.badge), text)
	r.ExtendBaseWidget(r)
	return r
}

// show fills the row with st as seen at now.
func (r *projectRow) show(st service.ProjectState, now time.Time) {
	look := lookOf(st.Status)
	if r.icon.Resource != look.icon {
		r.icon.SetResource(look.icon)
	}
	setText(r.name, st.Name)
	setText(r.line, look.word+" · "+budgetShort(st, now))
	if r.badge.setPermission(st.Permission) {
		r.layout.Refresh() // the badge's width follows its word
	}
}

// budgetShort is the row's "3 541 / 3 600" (projected between checks).
func budgetShort(st service.ProjectState, now time.Time) string {
	proj, ok := st.Projected(now)
	if !ok {
		return "budget unknown"
	}
	prefix := ""
	if proj.Projected {
		prefix = "~"
	}
	return prefix + ratelimit.FormatCount(proj.Remaining) + " / " + ratelimit.FormatCount(st.RateLimit.Limit)
}

// CreateRenderer implements fyne.Widget.
func (r *projectRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.layout)
}

// tightVBox stacks objects without padding, so two lines of text read as
// one entry.
type tightVBox struct{}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
	}
	return s.SubtractWidthHeight(0, theme.Padding()*float32(max(len(objs)-1, 0)))
}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	overlap := theme.Padding()
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - overlap
	}
}
