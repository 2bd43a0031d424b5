package gui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestListOf200IsVirtualised: 200 projects cost only the visible rows.
func TestListOf200IsVirtualised(t *testing.T) {
	h := newHarness(t, harnessOptions{preload: 200})
	w := h.open(0)
	h.waitFor("200 projects", func() bool { return len(w.model.projects) == 200 })
	rows := 0
	for _, o := range test.LaidOutObjects(w.list.list) {
		if _, ok := o.(*projectRow); ok {
			rows++
		}
	}
	if rows == 0 || rows > 30 {
		t.Errorf("%d rows built for 200 projects, want only about a screenful", rows)
	}
	w.list.list.Select(150)
	h.waitFor("the 151st project", func() bool { return w.detail.title.Text == "project-150" })
	if got := h.rowTexts()["project-150"]; got != "Not checked yet · budget unknown [Read]" {
		t.Errorf("row shows %q", got)
	}
}

// BenchmarkWindow200 measures, with 200 projects, the once-a-second
// redraw and the full refresh every batch of events costs.
func BenchmarkWindow200(b *testing.B) {
	h := newHarness(b, harnessOptions{preload: 200})
	w := h.open(0)
	h.waitFor("200 projects", func() bool { return len(w.model.projects) == 200 })
	b.Run("tick", func(b *testing.B) {
		for b.Loop() {
			h.clock.Add(time.Second)
			w.onTick()
		}
	})
	b.Run("refresh", func(b *testing.B) {
		for b.Loop() {
			w.refresh()
		}
	})
}
