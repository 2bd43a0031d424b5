// Package simclock is the simulated clock tests share between the
// simulated API, the client and the monitor, so an hour of budget refill
// and scheduling runs in milliseconds and comes out exact.
package simclock

import (
	"sync"
	"time"
)

// Start is where every simulated clock begins: a whole second, after
// Hetzner retired /v1/datacenters, so reset timestamps are round numbers.
var Start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// Clock is a clock that moves only when told to. It is safe for
// concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock at Start.
func New() *Clock { return &Clock{t: Start} }

// Now returns the simulated time; pass it where a func() time.Time is wanted.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
