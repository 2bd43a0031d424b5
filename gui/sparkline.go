package gui

import (
	"image/color"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
)

// sparkSpan is how much history the sparkline shows.
const sparkSpan = 6 * time.Hour

// sparkBuckets is the most segments drawn: one a pixel pair at the usual
// width, and cheap to redraw with canvas.Line.
const sparkBuckets = 120

// sparkline draws a project's remaining budget over the last hours as a
// line, with the "low" threshold as a faint rule under it.
type sparkline struct {
	widget.BaseWidget
	values     []float32 // share of the limit left, 0…1, oldest first; NaN-free
	lowPercent int
}

func newSparkline() *sparkline {
	s := &sparkline{}
	s.ExtendBaseWidget(s)
	return s
}

// setPoints shows the history points of the last sparkSpan before now.
func (s *sparkline) setPoints(points []ratelimit.Point, now time.Time, lowPercent int) {
	values := sparkValues(points, now)
	if slices.Equal(values, s.values) && lowPercent == s.lowPercent {
		return // the tick moved nothing
	}
	s.values, s.lowPercent = values, lowPercent
	s.Refresh()
}

// sparkValues turns history into at most sparkBuckets values, keeping each
// bucket's minimum so a short dip stays visible.
func sparkValues(points []ratelimit.Point, now time.Time) []float32 {
	from := now.Add(-sparkSpan)
	var kept []ratelimit.Point
	for _, p := range points {
		if !p.At.Before(from) && !p.At.After(now) && p.Limit > 0 {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	n := min(len(kept), sparkBuckets)
	out := make([]float32, n)
	for i := range out {
		out[i] = 2 // above any share: replaced by the first point of the bucket
	}
	for j, p := range kept {
		b := j * n / len(kept)
		v := float32(p.Remaining) / float32(p.Limit)
		if v < out[b] {
			out[b] = v
		}
	}
	return out
}

// MinSize implements fyne.Widget.
func (s *sparkline) MinSize() fyne.Size { return fyne.NewSize(160, 48) }

// CreateRenderer implements fyne.Widget.
func (s *sparkline) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	low := canvas.NewLine(theme.Color(theme.ColorNameWarning))
	low.StrokeWidth = 1 // thinner than the line: told apart by more than colour
	empty := canvas.NewText("No readings in the last hours yet", theme.Color(theme.ColorNameDisabled))
	empty.TextSize = theme.Size(theme.SizeNameCaptionText)
	empty.Alignment = fyne.TextAlignCenter
	return &sparkRenderer{s: s, bg: bg, low: low, empty: empty}
}

type sparkRenderer struct {
	s     *sparkline
	bg    *canvas.Rectangle
	low   *canvas.Line
	empty *canvas.Text
	lines []*canvas.Line
	size  fyne.Size
}

func (r *sparkRenderer) Destroy()           {}
func (r *sparkRenderer) MinSize() fyne.Size { return r.s.MinSize() }

func (r *sparkRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.low, r.empty}
	for _, l := range r.lines {
		objs = append(objs, l)
	}
	return objs
}

func (r *sparkRenderer) Layout(size fyne.Size) {
	r.size = size
	r.bg.Resize(size)
	pad := theme.Padding()
	h := size.Height - 2*pad
	y := func(v float32) float32 { return pad + h*(1-v) }

	lowY := y(float32(r.s.lowPercent) / 100)
	r.low.Position1, r.low.Position2 = fyne.NewPos(pad, lowY), fyne.NewPos(size.Width-pad, lowY)
	r.low.Hidden = r.s.lowPercent <= 0 || len(r.s.values) == 0

	r.empty.Hidden = len(r.s.values) > 0
	r.empty.Move(fyne.NewPos(0, (size.Height-r.empty.MinSize().Height)/2))
	r.empty.Resize(fyne.NewSize(size.Width, r.empty.MinSize().Height))

	vals := r.s.values
	if len(vals) == 1 { // one reading: a flat line says "this is all we know"
		vals = []float32{vals[0], vals[0]}
	}
	segs := max(len(vals)-1, 0)
	for len(r.lines) < segs {
		l := canvas.NewLine(color.Transparent)
		r.lines = append(r.lines, l)
	}
	r.lines = r.lines[:segs]
	stroke := theme.Color(theme.ColorNameForeground)
	step := (size.Width - 2*pad) / float32(max(segs, 1))
	for i, l := range r.lines {
		l.StrokeColor, l.StrokeWidth = stroke, 2
		l.Position1 = fyne.NewPos(pad+float32(i)*step, y(vals[i]))
		l.Position2 = fyne.NewPos(pad+float32(i+1)*step, y(vals[i+1]))
	}
}

func (r *sparkRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.low.StrokeColor = theme.Color(theme.ColorNameWarning)
	r.empty.Color = theme.Color(theme.ColorNameDisabled)
	r.Layout(r.size)
	canvas.Refresh(r.s)
}
