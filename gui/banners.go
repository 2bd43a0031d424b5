package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// banner is one app-wide problem as the window shows it.
type banner struct {
	title string
	text  string
}

// problemBanners shows what is wrong beyond one project: the keychain, the
// config file, the connection, the service itself. Problems are never
// silent; each banner says what to do.
type problemBanners struct {
	shown   []banner
	content *fyne.Container
}

func newProblemBanners() *problemBanners {
	return &problemBanners{content: container.NewVBox()}
}

// bannersFor lists the banners for the window's state.
func bannersFor(m *viewModel, serviceErr error) []banner {
	var out []banner
	if serviceErr != nil {
		out = append(out, banner{"CloudMoo's service does not answer", sentence(serviceErr.Error()) + " The window retries every few seconds; if this goes on, restart CloudMoo."})
	}
	for _, p := range m.problems {
		switch p.Kind {
		case service.ProblemKeychain:
			out = append(out, banner{"The system keychain cannot be used", sentence(p.Message) + " Once it works again, press Check all."})
		case service.ProblemConfig:
			out = append(out, banner{"The config file cannot be used — nothing is being changed", sentence(p.Message)})
		default:
			out = append(out, banner{"Problem", sentence(p.Message)})
		}
	}
	if m.allOffline() {
		out = append(out, banner{"Offline", "No project could reach Hetzner's API. Check your internet connection (and HCLOUD_ENDPOINT or a proxy, if you set one); CloudMoo keeps retrying."})
	}
	return out
}

// show replaces the banners with bs, rebuilding only when they changed.
func (p *problemBanners) show(bs []banner) {
	if equalBanners(p.shown, bs) {
		return
	}
	p.shown = bs
	objs := make([]fyne.CanvasObject, 0, len(bs))
	for _, b := range bs {
		objs = append(objs, newBannerCard(b))
	}
	p.content.Objects = objs
	p.content.Refresh()
}

func equalBanners(a, b []banner) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func newBannerCard(b banner) fyne.CanvasObject {
	return newCard(theme.ColorNameError, iconProblem(), b.title, b.text, nil)
}

// newCard is a tinted box with an icon, a bold title and wrapped text:
// the banners, the one-time notice and the import's plain-text warning.
// trailing, when set, sits at its right (a Dismiss button).
func newCard(tint fyne.ThemeColorName, icon fyne.Resource, title, text string, trailing fyne.CanvasObject) fyne.CanvasObject {
	r, g, bl, _ := theme.Color(tint).RGBA()
	bg := canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: 0x30})
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	titleLabel := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	titleLabel.Wrapping = fyne.TextWrapWord
	iconBox := container.NewVBox(widget.NewIcon(icon), layout.NewSpacer())
	var right fyne.CanvasObject
	if trailing != nil {
		right = container.NewVBox(trailing, layout.NewSpacer())
	}
	return container.NewStack(bg, container.NewBorder(nil, nil, iconBox, right, container.NewVBox(titleLabel, newWrapped(text))))
}
