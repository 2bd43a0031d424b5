package ratelimit

import (
	"math"
	"time"
)

// Point is one entry of a project's history: the remaining budget at a time.
type Point struct {
	At        time.Time `json:"at"`
	Remaining int       `json:"remaining"`
	Limit     int       `json:"limit"`
}

// maxExhaustedIn caps ExhaustedIn's estimate.
const maxExhaustedIn = 1000 * time.Hour

// HistorySize keeps about 24 hours at one point a minute.
const HistorySize = 24 * 60

// Tracker follows one project's budget over time: the last reading, a
// bounded history, and an estimate of what other clients of the project are
// spending. It is not safe for concurrent use; its owner serialises access.
type Tracker struct {
	last    RateLimit
	history []Point // ring buffer
	start   int
	// othersSpent and othersSeconds are what other clients spent and over
	// how many seconds, both decayed with othersMemory; their ratio is the
	// smoothed rate. Weighting by time means a reading one second after the
	// last (a "check now") counts for one second, not for as much as a
	// minute-long interval, whose count it would otherwise swamp with the
	// noise of a 0-or-1 sample.
	othersSpent   float64
	othersSeconds float64
	othersKnown   bool
}

// othersMemory is the time constant of the smoothing: a CI job's burst
// shows within a minute or two and fades over a few minutes, so it does not
// dominate the estimate for an hour.
const othersMemory = 90 * time.Second

// Last returns the latest reading.
func (t *Tracker) Last() RateLimit { return t.last }

// Observe records a reading. ownSpent is how many requests this app made
// since the previous reading, the one that produced r included: anything
// else the budget lost was spent by other clients.
func (t *Tracker) Observe(r RateLimit, ownSpent int) {
	if !r.Known() {
		return
	}
	prev := t.last
	t.last = r
	t.addPoint(Point{At: r.ObservedAt, Remaining: r.Remaining, Limit: r.Limit})
	if !prev.Known() || prev.Limit != r.Limit {
		return
	}
	dt := r.ObservedAt.Sub(prev.ObservedAt).Seconds()
	if dt < 1 {
		return
	}
	// Refill can't be seen beyond a full bucket, so an estimate taken while
	// the bucket could have filled up says only "at least".
	expected := float64(prev.Remaining) + dt*prev.RefillPerSecond()
	if expected > float64(r.Limit) {
		expected = float64(r.Limit)
	}
	others := expected - float64(ownSpent) - float64(r.Remaining)
	if others < 0 {
		others = 0
	}
	decay := math.Exp(-dt / othersMemory.Seconds())
	t.othersSpent = t.othersSpent*decay + others
	t.othersSeconds = t.othersSeconds*decay + dt
	t.othersKnown = true
}

// othersPerSec is the smoothed rate of others' spending.
func (t *Tracker) othersPerSec() float64 {
	if t.othersSeconds <= 0 {
		return 0
	}
	return t.othersSpent / t.othersSeconds
}

// OthersPerMinute estimates how many requests a minute other clients of the
// project spend. ok is false until two readings a second or more apart exist.
func (t *Tracker) OthersPerMinute() (perMinute float64, ok bool) {
	return t.othersPerSec() * 60, t.othersKnown
}

// ExhaustedIn estimates how long until the budget runs out at the current
// rate of others' spending; ok is false when it never will (they spend less
// than the refill) or nothing is known.
func (t *Tracker) ExhaustedIn(now time.Time) (time.Duration, bool) {
	if !t.othersKnown || !t.last.Known() {
		return 0, false
	}
	net := t.othersPerSec() - t.last.RefillPerSecond()
	if net <= 0 {
		return 0, false
	}
	rem := float64(t.last.Project(now).Remaining)
	secs := rem / net
	if secs > maxExhaustedIn.Seconds() {
		// Far enough to mean "not soon"; also keeps the conversion to
		// Duration from overflowing when others spend a hair over the refill.
		return maxExhaustedIn, true
	}
	return time.Duration(secs * float64(time.Second)), true
}

// History returns the points oldest first.
func (t *Tracker) History() []Point {
	out := make([]Point, 0, len(t.history))
	out = append(out, t.history[t.start:]...)
	return append(out, t.history[:t.start]...)
}

// addPoint keeps at most one point per minute (the latest wins) and at most
// HistorySize points.
func (t *Tracker) addPoint(p Point) {
	if n := len(t.history); n > 0 {
		lastIdx := (t.start + n - 1) % n
		if t.history[lastIdx].At.Truncate(time.Minute).Equal(p.At.Truncate(time.Minute)) {
			t.history[lastIdx] = p
			return
		}
	}
	if len(t.history) < HistorySize {
		t.history = append(t.history, p)
		return
	}
	t.history[t.start] = p
	t.start = (t.start + 1) % HistorySize
}
