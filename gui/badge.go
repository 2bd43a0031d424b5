package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
)

// permissionBadge shows a token's permission as Hetzner names it, on a
// tinted pill. The word carries the meaning; the tint only helps.
type permissionBadge struct {
	widget.BaseWidget
	perm  project.Permission
	bg    *canvas.Rectangle
	label *widget.Label
}

func newPermissionBadge() *permissionBadge {
	b := &permissionBadge{
		perm:  project.PermissionUnknown,
		bg:    canvas.NewRectangle(color.Transparent),
		label: widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
	}
	b.label.SizeName = theme.SizeNameCaptionText
	b.ExtendBaseWidget(b)
	return b
}

// setPermission shows p and reports whether that changed anything.
func (b *permissionBadge) setPermission(p project.Permission) bool {
	if p == "" {
		p = project.PermissionUnknown
	}
	if b.perm == p && b.label.Text != "" {
		return false
	}
	b.perm = p
	b.Refresh()
	return true
}

// CreateRenderer implements fyne.Widget.
func (b *permissionBadge) CreateRenderer() fyne.WidgetRenderer {
	b.bg.CornerRadius = theme.Size(theme.SizeNameSelectionRadius) * 2
	return &badgeRenderer{b: b, objects: []fyne.CanvasObject{container.NewStack(b.bg, b.label)}}
}

// Refresh implements fyne.Widget: text and tint follow the permission and
// the theme.
func (b *permissionBadge) Refresh() {
	b.label.SetText(b.perm.Label())
	c := theme.Color(theme.ColorNameDisabled)
	switch b.perm {
	case project.PermissionRead:
		c = theme.Color(theme.ColorNameSuccess)
	case project.PermissionReadWrite:
		c = theme.Color(theme.ColorNameWarning)
	}
	r, g, bl, _ := c.RGBA()
	b.bg.FillColor = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: 0x48}
	b.bg.Refresh()
	b.BaseWidget.Refresh()
}

type badgeRenderer struct {
	b       *permissionBadge
	objects []fyne.CanvasObject
}

func (r *badgeRenderer) Layout(s fyne.Size)           { r.objects[0].Resize(s) }
func (r *badgeRenderer) MinSize() fyne.Size           { return r.objects[0].MinSize() }
func (r *badgeRenderer) Refresh()                     { r.objects[0].Refresh() }
func (r *badgeRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *badgeRenderer) Destroy()                     {}
