package gui

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// resubscribeDelay is how long the bridge waits before asking the service
// again after its stream ended or a call failed (an agent restarting).
const resubscribeDelay = 2 * time.Second

// maxBatch bounds how many queued events one UI update folds in.
const maxBatch = 256

// bridge is the one place where work done off the UI goroutine comes back
// to it. Service calls can take seconds, so they run in goroutines; their
// results, the service's events and the clock's ticks reach widgets only
// through do, which is fyne.Do in the app. Nothing else in this package
// calls fyne.Do, so a widget touched from elsewhere is a bug the race
// detector finds.
type bridge struct {
	ctx context.Context // the window's lifetime
	svc service.Service
	do  func(func())

	mu     sync.Mutex
	inbox  update // what arrived since the last delivery
	posted bool   // a delivery is queued on the UI goroutine
}

// update is what the bridge hands to the UI goroutine: a snapshot to
// start over from, events to fold in, or why neither could be had.
type update struct {
	snap   *service.Snapshot
	events []service.Event
	err    error
}

// watch follows the service until the window's context ends: it
// subscribes, takes a Snapshot, and then delivers events in batches.
// EventResync (the subscriber fell behind) is answered with a new
// Snapshot, taken here, off the UI goroutine.
func (b *bridge) watch(deliver func(update)) {
	go func() {
		for b.ctx.Err() == nil {
			if err := b.follow(deliver); err != nil {
				b.post(update{err: err}, deliver)
			}
			select {
			case <-b.ctx.Done():
			case <-time.After(resubscribeDelay):
			}
		}
	}()
}

// follow runs one subscription until its channel closes.
func (b *bridge) follow(deliver func(update)) error {
	ch, err := b.svc.Subscribe(b.ctx)
	if err != nil {
		return err
	}
	if err := b.resync(nil, deliver); err != nil {
		return err
	}
	for {
		var e service.Event
		var ok bool
		select {
		case <-b.ctx.Done():
			return nil
		case e, ok = <-ch:
		}
		if !ok {
			return nil
		}
		batch := []service.Event{e}
	drain:
		for len(batch) < maxBatch {
			select {
			case e, ok := <-ch:
				if !ok {
					break drain
				}
				batch = append(batch, e)
			default:
				break drain
			}
		}
		if i := slices.IndexFunc(batch, func(e service.Event) bool { return e.Kind == service.EventResync }); i >= 0 {
			// The snapshot covers the changes before the resync, not a
			// request to show the window among them: keep those.
			after := append(requests(batch[:i]), batch[i+1:]...)
			if err := b.resync(after, deliver); err != nil {
				return err
			}
			continue
		}
		b.post(update{events: batch}, deliver)
	}
}

// resync takes a Snapshot and delivers it with the events that followed.
func (b *bridge) resync(after []service.Event, deliver func(update)) error {
	snap, err := b.svc.Snapshot(b.ctx)
	if err != nil {
		return err
	}
	b.post(update{snap: &snap, events: after}, deliver)
	return nil
}

// post adds u to the inbox and makes sure one delivery is queued on the UI
// goroutine. While the UI is busy, events pile up in the inbox and arrive
// as one update, instead of as a growing queue of fyne.Do calls.
func (b *bridge) post(u update, deliver func(update)) {
	b.mu.Lock()
	switch {
	case u.err != nil, u.snap != nil:
		// A snapshot or a failure supersedes the changes that were
		// waiting, but not a request to show the window.
		kept := requests(b.inbox.events)
		b.inbox = u
		b.inbox.events = append(kept, u.events...)
	default:
		b.inbox.err = nil
		b.inbox.events = append(b.inbox.events, u.events...)
	}
	if b.posted {
		b.mu.Unlock()
		return
	}
	b.posted = true
	b.mu.Unlock()
	b.do(func() {
		b.mu.Lock()
		u := b.inbox
		b.inbox, b.posted = update{}, false
		b.mu.Unlock()
		deliver(u)
	})
}

// requests returns the events in es that ask something of the window
// rather than change state (EventShowWindow). They carry Seq 0, are not
// covered by a Snapshot, and must survive what replaces state.
func requests(es []service.Event) []service.Event {
	var out []service.Event
	for _, e := range es {
		if e.Kind == service.EventShowWindow {
			out = append(out, e)
		}
	}
	return out
}

// every calls fn on the UI goroutine every d until the window closes;
// d <= 0 disables it (tests that render golden files keep time still). A
// tick is skipped while the previous one still waits to run.
func (b *bridge) every(d time.Duration, fn func()) {
	if d <= 0 {
		return
	}
	go func() {
		var pending atomic.Bool
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-b.ctx.Done():
				return
			case <-t.C:
				if pending.CompareAndSwap(false, true) {
					b.do(func() {
						pending.Store(false)
						fn()
					})
				}
			}
		}
	}()
}

// background runs work off the UI goroutine and hands its result to done
// on the UI goroutine. It is how every service call is made.
func background[T any](b *bridge, work func(context.Context) (T, error), done func(T, error)) {
	go func() {
		v, err := work(b.ctx)
		b.do(func() { done(v, err) })
	}()
}

// send runs fn on the UI goroutine without waiting, for a worker goroutine
// that reports progress as it goes (an import, context by context).
func (b *bridge) send(fn func()) { b.do(fn) }

// ask puts a question to the user from a worker goroutine and waits for
// the answer: question runs on the UI goroutine and calls reply once the
// user has chosen. When the window closes first, ask returns otherwise.
// reply may be called more than once (a button and then the dialog's
// close); only the first answer counts.
func ask[T any](b *bridge, question func(reply func(T)), otherwise T) T {
	answer := make(chan T, 1)
	reply := func(v T) {
		select {
		case answer <- v:
		default:
		}
	}
	b.do(func() { question(reply) })
	select {
	case v := <-answer:
		return v
	case <-b.ctx.Done():
		return otherwise
	}
}
