// Command genicons draws CloudMoo's app and tray icons from one geometry
// into PNGs at the hicolor sizes and a scalable SVG, so the bitmaps and the
// SVG never drift apart. Run `go run ./tools/genicons` from the repository
// root; the output is committed under assets/.
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// shape is a primitive on a 256×256 canvas.
type shape interface {
	inside(x, y float64) bool
	svg(fill string) string
}

type circle struct{ cx, cy, r float64 }

func (c circle) inside(x, y float64) bool { return math.Hypot(x-c.cx, y-c.cy) <= c.r }
func (c circle) svg(fill string) string {
	return fmt.Sprintf(`<circle cx="%g" cy="%g" r="%g" fill="%s"/>`, c.cx, c.cy, c.r, fill)
}

type rrect struct{ x0, y0, x1, y1, r float64 }

func (q rrect) inside(x, y float64) bool {
	if x < q.x0 || x > q.x1 || y < q.y0 || y > q.y1 {
		return false
	}
	cx := math.Max(q.x0+q.r, math.Min(x, q.x1-q.r))
	cy := math.Max(q.y0+q.r, math.Min(y, q.y1-q.r))
	return math.Hypot(x-cx, y-cy) <= q.r
}
func (q rrect) svg(fill string) string {
	return fmt.Sprintf(`<rect x="%g" y="%g" width="%g" height="%g" rx="%g" fill="%s"/>`, q.x0, q.y0, q.x1-q.x0, q.y1-q.y0, q.r, fill)
}

// poly is a convex polygon.
type poly []([2]float64)

func (p poly) inside(x, y float64) bool {
	sign := 0.0
	for i := range p {
		a, b := p[i], p[(i+1)%len(p)]
		c := (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0])
		if c != 0 {
			if sign != 0 && math.Signbit(c) != math.Signbit(sign) {
				return false
			}
			sign = c
		}
	}
	return true
}
func (p poly) svg(fill string) string {
	pts := make([]string, len(p))
	for i, v := range p {
		pts[i] = fmt.Sprintf("%g,%g", v[0], v[1])
	}
	return fmt.Sprintf(`<polygon points="%s" fill="%s"/>`, strings.Join(pts, " "), fill)
}

type layer struct {
	shapes []shape
	fill   color.NRGBA
}

func hex(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// cloud returns the cloud's primitives grown by pad (for outlines).
func cloud(dx, dy, scale, pad float64) []shape {
	t := func(x, y, r float64) circle { return circle{dx + x*scale, dy + y*scale, r*scale + pad} }
	return []shape{
		t(88, 150, 42), t(134, 116, 58), t(182, 150, 42),
		rrect{dx + 88*scale - pad, dy + 130*scale - pad, dx + 182*scale + pad, dy + 192*scale + pad, 20*scale + pad},
	}
}

var (
	white   = color.NRGBA{255, 255, 255, 255}
	red     = color.NRGBA{0xC8, 0x10, 0x2E, 255}
	slate   = color.NRGBA{0x45, 0x4B, 0x54, 255}
	green   = color.NRGBA{0x1E, 0x9E, 0x4A, 255}
	amber   = color.NRGBA{0xE8, 0x9B, 0x0C, 255}
	crimson = color.NRGBA{0xD3, 0x2F, 0x2F, 255}
	grey    = color.NRGBA{0x9A, 0xA0, 0xA6, 255}
)

func appIcon() []layer {
	gauge := []shape{rrect{60, 206, 196, 222, 8}}
	return []layer{
		{[]shape{rrect{8, 8, 248, 248, 52}}, red},
		{cloud(0, -6, 1, 0), white},
		{gauge, color.NRGBA{255, 255, 255, 110}},
		{[]shape{rrect{60, 206, 160, 222, 8}}, white},
	}
}

// trayIcon: a slate cloud with a white outline (readable on dark and light
// panels) and a status mark whose shape, not only colour, tells the state.
func trayIcon(state string) []layer {
	base := []layer{
		{cloud(-8, -10, 1.05, 12), white},
		{cloud(-8, -10, 1.05, 0), slate},
	}
	var mark []shape
	var ring []shape
	var fill color.NRGBA
	switch state {
	case "ok":
		mark, ring, fill = []shape{circle{196, 196, 46}}, []shape{circle{196, 196, 58}}, green
	case "low":
		mark = []shape{poly{{196, 140}, {250, 240}, {142, 240}}}
		ring = []shape{poly{{196, 118}, {264, 250}, {128, 250}}}
		fill = amber
	case "problem":
		mark = []shape{poly{{196, 142}, {250, 196}, {196, 250}, {142, 196}}}
		ring = []shape{poly{{196, 126}, {266, 196}, {196, 266}, {126, 196}}}
		fill = crimson
	default: // unknown: a hollow ring
		return append(base,
			layer{[]shape{circle{196, 196, 58}}, white},
			layer{[]shape{circle{196, 196, 46}}, grey},
			layer{[]shape{circle{196, 196, 24}}, white})
	}
	return append(base, layer{ring, white}, layer{mark, fill})
}

func inLayer(l layer, x, y float64) bool {
	for _, s := range l.shapes {
		if s.inside(x, y) {
			return true
		}
	}
	return false
}

// render rasterises layers with 4×4 supersampling.
func render(layers []layer, size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	k := 256.0 / float64(size)
	for py := range size {
		for px := range size {
			var r, g, b, a float64
			for sy := range ss {
				for sx := range ss {
					x := (float64(px) + (float64(sx)+0.5)/ss) * k
					y := (float64(py) + (float64(sy)+0.5)/ss) * k
					var cr, cg, cb, ca float64
					for _, l := range layers {
						if inLayer(l, x, y) {
							la := float64(l.fill.A) / 255
							cr = float64(l.fill.R)*la + cr*(1-la)
							cg = float64(l.fill.G)*la + cg*(1-la)
							cb = float64(l.fill.B)*la + cb*(1-la)
							ca = la + ca*(1-la)
						}
					}
					r, g, b, a = r+cr, g+cg, b+cb, a+ca
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(math.Round(a / n * 255))})
		}
	}
	return img
}

func svg(layers []layer) string {
	var sb strings.Builder
	sb.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">` + "\n")
	for _, l := range layers {
		op := ""
		if l.fill.A != 255 {
			op = fmt.Sprintf(` opacity="%.2f"`, float64(l.fill.A)/255)
		}
		fmt.Fprintf(&sb, "  <g%s>", op)
		for _, s := range l.shapes {
			sb.WriteString(s.svg(hex(l.fill)))
		}
		sb.WriteString("</g>\n")
	}
	sb.WriteString("</svg>\n")
	return sb.String()
}

func writePNG(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	out := "assets"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	app := appIcon()
	for _, size := range []int{48, 128, 256} {
		writePNG(filepath.Join(out, fmt.Sprintf("icon-%d.png", size)), render(app, size))
	}
	if err := os.WriteFile(filepath.Join(out, "icon.svg"), []byte(svg(app)), 0o644); err != nil {
		log.Fatal(err)
	}
	for _, st := range []string{"ok", "low", "problem", "unknown"} {
		writePNG(filepath.Join(out, "tray-"+st+".png"), render(trayIcon(st), 64))
	}
}
