package agent

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// showBuffer is how many show requests a stream may hold unsent; more are
// dropped, since one raise of the window is as good as ten.
const showBuffer = 8

// showFanout hands show_window events to every event stream. The service's
// own broker carries state changes; a show is no change of state, so the
// server keeps it apart and merges it into each stream.
type showFanout struct {
	mu   sync.Mutex
	subs map[chan service.Event]struct{}
}

func (f *showFanout) subscribe() (<-chan service.Event, func()) {
	ch := make(chan service.Event, showBuffer)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	return ch, func() {
		f.mu.Lock()
		delete(f.subs, ch)
		f.mu.Unlock()
	}
}

// publish never blocks: a stream whose buffer is full misses the event.
func (f *showFanout) publish(e service.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

var (
	streamHello     = []byte(": cloudmoo agent events\n\n")
	streamHeartbeat = []byte(": heartbeat\n\n")
)

// handleEvents streams the service's events, and show requests, as
// Server-Sent Events until the client goes away or the agent stops.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// Subscribe before the reply starts: once the client has the headers,
	// it sees every later change.
	events, err := s.svc.Subscribe(ctx)
	if err != nil {
		writeError(w, err, nil)
		return
	}
	shows, unsubscribe := s.shows.subscribe()
	defer unsubscribe()
	window := r.Header.Get(HeaderClient) == ClientWindow
	s.streamOpened(window)
	defer s.streamClosed(window)

	rc := http.NewResponseController(w)
	// The stream outlives the server's WriteTimeout: each write gets its
	// own deadline instead, so a client that stopped reading is dropped
	// rather than holding this goroutine forever. (net/http already lifts
	// the read deadline while it watches for the client going away.)
	write := func(b []byte) bool {
		if err := rc.SetWriteDeadline(time.Now().Add(s.writeStall)); err != nil {
			return false
		}
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if !write(streamHello) {
		return
	}
	tick := time.NewTicker(s.heartbeat)
	defer tick.Stop()
	for {
		var e service.Event
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if !write(streamHeartbeat) {
				return
			}
			continue
		case ev, ok := <-events:
			if !ok {
				return // the service stopped
			}
			e = ev
		case e = <-shows:
		}
		data, err := json.Marshal(e)
		if err != nil {
			continue
		}
		frame := make([]byte, 0, len(data)+8)
		frame = append(frame, "data: "...)
		frame = append(frame, data...)
		frame = append(frame, "\n\n"...)
		if !write(frame) {
			return
		}
	}
}
