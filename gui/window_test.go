package gui

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// showingService is the harness's service plus what the agent adds to a
// window's stream when a second launch or the tray asks for the window.
type showingService struct {
	*service.Local
	shows chan service.Event
}

// Subscribe implements service.Service: Local's events and the shows.
func (s *showingService) Subscribe(ctx context.Context) (<-chan service.Event, error) {
	in, err := s.Local.Subscribe(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan service.Event)
	go func() {
		defer close(out)
		for {
			var e service.Event
			var ok bool
			select {
			case <-ctx.Done():
				return
			case e, ok = <-in:
				if !ok {
					return
				}
			case e = <-s.shows:
			}
			select {
			case out <- e:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// focused reports whether the test driver's window has the focus, which
// Show and RequestFocus give it and Hide takes away. The test window keeps
// it unexported.
func focused(w fyne.Window) bool {
	return reflect.ValueOf(w).Elem().FieldByName("focused").Bool()
}

func TestShowWindowRequest(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	alpha := h.seed("alpha", hcloudsim.Read)
	beta := h.seed("beta", hcloudsim.Read)
	svc := &showingService{Local: h.svc, shows: make(chan service.Event)}
	w := h.openWith(svc, Options{}, 0)
	h.waitFor("alpha selected", func() bool { return w.selected == alpha.ID })

	tests := []struct {
		name, id, want string
	}{
		{"on a project", beta.ID, beta.ID},
		{"a second launch: no project", "", beta.ID},
		{"a project the window does not know", "no-such-id", beta.ID},
		{"back on the first", alpha.ID, alpha.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.win.Hide()
			if focused(w.win) {
				t.Fatal("the hidden window has the focus")
			}
			svc.shows <- service.Event{Kind: service.EventShowWindow, ID: tt.id} // Seq 0, as the agent sends it
			h.waitFor("the window raised", func() bool { return focused(w.win) })
			st, _ := w.model.find(tt.want)
			h.waitFor("the selection", func() bool { return w.selected == tt.want && w.detail.title.Text == st.Name })
		})
	}
}

// TestBridgeKeepsShowRequests: a resync or a snapshot replaces the changes
// waiting to be shown, but not a request to show the window.
func TestBridgeKeepsShowRequests(t *testing.T) {
	show := service.Event{Kind: service.EventShowWindow, ID: "p1"}
	shown := func(us []update) bool {
		return slices.ContainsFunc(us, func(u update) bool {
			return slices.ContainsFunc(u.events, func(e service.Event) bool { return e.Kind == show.Kind && e.ID == show.ID })
		})
	}

	t.Run("in a batch with a resync", func(t *testing.T) {
		// All queued before the bridge reads the first, so they arrive
		// as one batch.
		q := &uiQueue{}
		svc := &scriptedService{events: make(chan service.Event, 3), snap: func(int) service.Snapshot { return service.Snapshot{Seq: 9} }}
		svc.events <- show
		svc.events <- service.Event{Seq: 4, Kind: service.EventResync}
		svc.events <- service.Event{Seq: 10, Kind: service.EventRemoved, ID: "x"}
		b := &bridge{ctx: t.Context(), svc: svc, do: q.do}
		var got []update
		b.watch(func(u update) { got = append(got, u) })
		h := &harness{t: t, ui: q}
		h.waitFor("the request", func() bool { return shown(got) })
	})

	t.Run("waiting when a snapshot comes", func(t *testing.T) {
		q := &uiQueue{}
		b := &bridge{ctx: t.Context(), do: q.do}
		var got []update
		deliver := func(u update) { got = append(got, u) }
		b.post(update{events: []service.Event{show}}, deliver)
		b.post(update{snap: &service.Snapshot{Seq: 9}}, deliver)
		q.drain()
		if len(got) != 1 || got[0].snap == nil || !shown(got) {
			t.Errorf("delivered %+v, want the snapshot with the request", got)
		}
	})
}

const trayNotice = "No system tray was found on this desktop, so CloudMoo's background agent stops when you close this window: " +
	"monitoring and notifications pause until you open CloudMoo again. On GNOME, the AppIndicator extension adds a tray."

func TestNoticeShownOnce(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	w := h.openWith(h.svc, Options{Notice: trayNotice}, 0)
	if w.notice == nil || !strings.Contains(labelText(w.top), trayNotice) {
		t.Fatalf("the notice is not shown; the top says %q", labelText(w.top))
	}
	if !h.app.Preferences().Bool(noticeKey(trayNotice)) {
		t.Error("the notice is not remembered as shown")
	}
	test.Tap(w.notice.dismissBtn)
	if w.notice != nil || strings.Contains(labelText(w.top), trayNotice) {
		t.Error("Dismiss left the notice")
	}
	w.win.Close()

	again := h.openWith(h.svc, Options{Notice: trayNotice}, 0)
	if again.notice != nil || strings.Contains(labelText(again.top), trayNotice) {
		t.Error("the notice was said again in a second window")
	}
	other := h.openWith(h.svc, Options{Notice: "Another notice."}, 0)
	if other.notice == nil {
		t.Error("a different notice was not said")
	}
	none := h.openWith(h.svc, Options{}, 0)
	if none.notice != nil || len(none.top.Objects) != 2 {
		t.Errorf("no notice given, yet the top has %d parts", len(none.top.Objects))
	}
}
