package notify

import (
	"context"
	"log"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// Run follows svc's projects and shows what Rules finds through n, until
// ctx ends or svc stops publishing. The agent runs it beside the tray:
//
//	go notify.Run(ctx, svc, notify.Default(), log.Printf)
//
// Projects as they are when Run starts are remembered, not announced. A
// notification that cannot be shown is logged through logf (nil means
// log.Printf) and not retried: it would be stale by then.
func Run(ctx context.Context, svc service.Service, n Notifier, logf func(format string, args ...any)) error {
	if logf == nil {
		logf = log.Printf
	}
	f := follower{svc: svc, n: n, logf: logf, rules: NewRules()}
	events, err := svc.Subscribe(ctx)
	if err != nil {
		return err
	}
	if err := f.resync(ctx); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			f.apply(ctx, ev)
		}
	}
}

type follower struct {
	svc      service.Service
	n        Notifier
	logf     func(string, ...any)
	rules    *Rules
	settings project.Settings
	seq      uint64
}

// resync reads a snapshot: every project goes through the rules (a change
// missed while events were lost is still announced) and the ones gone are
// forgotten.
func (f *follower) resync(ctx context.Context) error {
	snap, err := f.svc.Snapshot(ctx)
	if err != nil {
		return err
	}
	f.settings, f.seq = snap.Settings, snap.Seq
	present := map[string]bool{}
	for _, st := range snap.Projects {
		present[st.ID] = true
		f.send(ctx, f.rules.Observe(st, f.settings))
	}
	for _, id := range f.rules.Known() {
		if !present[id] {
			f.rules.Forget(id)
		}
	}
	return nil
}

func (f *follower) apply(ctx context.Context, ev service.Event) {
	if ev.Kind != service.EventResync && ev.Seq != 0 && ev.Seq <= f.seq {
		return // already in the snapshot
	}
	f.seq = max(f.seq, ev.Seq)
	switch ev.Kind {
	case service.EventProject:
		if ev.Project != nil {
			f.send(ctx, f.rules.Observe(*ev.Project, f.settings))
		}
	case service.EventRemoved:
		f.rules.Forget(ev.ID)
	case service.EventSettings:
		if ev.Settings != nil {
			f.settings = *ev.Settings
		}
	case service.EventResync:
		if err := f.resync(ctx); err != nil && ctx.Err() == nil {
			f.logf("notify: cannot read CloudMoo's projects: %v", err)
		}
	}
}

func (f *follower) send(ctx context.Context, ns []Notification) {
	for _, n := range ns {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := f.n.Notify(sctx, n); err != nil && ctx.Err() == nil {
			f.logf("notify: %s: %v", n.Summary, err)
		}
		cancel()
	}
}
