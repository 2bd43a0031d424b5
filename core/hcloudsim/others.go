package hcloudsim

import (
	"context"
	"time"
)

// others is the steady traffic of other clients (scripts, Terraform, the
// Console) on one project. Its k-th request happens at start + k*interval.
type others struct {
	start    time.Time
	interval float64 // nanoseconds between two requests
	done     int64   // requests already applied to the bucket
	stop     func() bool
}

// StartOthers makes other clients spend perMinute requests a minute from p's
// bucket, starting now on the Server's clock. Nothing runs in the background:
// the requests due by a given moment (floor(elapsed minutes * perMinute)) are
// applied in time order, interleaved with refill, whenever a request for p
// arrives or p.Remaining is read. With a simulated clock that is exact and
// repeatable. Cancelling ctx or calling StopOthers ends the spending; starting
// again replaces the previous rate. A perMinute of 0 or less only stops; a nil
// ctx never cancels.
func (s *Server) StartOthers(ctx context.Context, p *Project, perMinute float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	p.syncLocked(now)
	p.stopOthersLocked()
	if perMinute <= 0 {
		return
	}
	if ctx == nil {
		ctx = context.Background()
	}
	o := &others{start: now, interval: float64(time.Minute) / perMinute}
	p.others = o
	// On cancellation, settle what was due by then and stop, so a cancelled
	// context behaves like StopOthers called at that moment.
	o.stop = context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if p.others == o {
			p.syncLocked(s.now())
			p.others = nil
		}
	})
}

// StopOthers settles other clients' requests due by now and stops them.
func (s *Server) StopOthers(p *Project) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p.syncLocked(s.now())
	p.stopOthersLocked()
}

func (p *Project) stopOthersLocked() {
	if p.others != nil {
		p.others.stop()
		p.others = nil
	}
}

// settleOthersLocked applies every other-client request due by now, each at
// its own time, so refill between them is counted as it would be for real.
func (p *Project) settleOthersLocked(now time.Time) {
	o := p.others
	if o == nil {
		return
	}
	for {
		t := o.start.Add(time.Duration(float64(o.done+1) * o.interval))
		if t.After(now) {
			return
		}
		p.spendOneLocked(t)
		o.done++
	}
}
