// Package ratelimit models a Hetzner project's request budget: a bucket of
// RateLimit-Limit requests an hour, refilled continuously, read from the
// RateLimit-* headers of each response and projected between responses
// without spending a request.
package ratelimit

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit is one reading of a project's budget, taken from a response.
type RateLimit struct {
	Limit      int       `json:"limit"`     // requests per hour (RateLimit-Limit)
	Remaining  int       `json:"remaining"` // requests left when observed (RateLimit-Remaining)
	Reset      time.Time `json:"reset"`     // when the bucket is full again (RateLimit-Reset)
	ObservedAt time.Time `json:"observed_at"`
}

// Known reports whether r holds a usable reading.
func (r RateLimit) Known() bool { return r.Limit > 0 && !r.ObservedAt.IsZero() }

// RefillPerSecond is how many requests come back each second.
func (r RateLimit) RefillPerSecond() float64 { return float64(r.Limit) / 3600 }

// Projection is the budget estimated at some instant from the last reading,
// without a request. It is always an estimate: other clients of the same
// project may have spent some of it.
type Projection struct {
	Remaining int       `json:"remaining"`
	At        time.Time `json:"at"`
	Projected bool      `json:"projected"` // false only at the instant of the reading itself
}

// Project estimates the remaining budget at now: the last reading plus what
// the continuous refill has given back since, capped at the limit.
func (r RateLimit) Project(now time.Time) Projection {
	if !r.Known() {
		return Projection{At: now, Projected: true}
	}
	elapsed := now.Sub(r.ObservedAt).Seconds()
	if elapsed <= 0 {
		return Projection{Remaining: r.Remaining, At: now, Projected: elapsed < 0}
	}
	v := math.Floor(float64(r.Remaining) + elapsed*r.RefillPerSecond())
	// Clamp in int space: a limit above 2^53 (a hostile or broken header)
	// does not survive the round trip through float64.
	n := r.Limit
	if v < float64(r.Limit) {
		n = int(v)
	}
	return Projection{Remaining: min(n, r.Limit), At: now, Projected: true}
}

// FullIn returns how long until the bucket is full, projected from now.
func (r RateLimit) FullIn(now time.Time) time.Duration {
	if !r.Known() {
		return 0
	}
	missing := float64(r.Limit) - float64(r.Remaining) - now.Sub(r.ObservedAt).Seconds()*r.RefillPerSecond()
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing / r.RefillPerSecond() * float64(time.Second))
}

// FromHeaders reads the RateLimit-* headers of a response observed at now.
// Missing or malformed headers give ok=false: the budget is then unknown,
// never assumed to be 3600.
func FromHeaders(h http.Header, now time.Time) (r RateLimit, ok bool) {
	limit, err1 := strconv.Atoi(strings.TrimSpace(h.Get("RateLimit-Limit")))
	remaining, err2 := strconv.Atoi(strings.TrimSpace(h.Get("RateLimit-Remaining")))
	if err1 != nil || err2 != nil || limit <= 0 || remaining < 0 || remaining > limit {
		return RateLimit{}, false
	}
	r = RateLimit{Limit: limit, Remaining: remaining, ObservedAt: now}
	if reset, err := strconv.ParseInt(strings.TrimSpace(h.Get("RateLimit-Reset")), 10, 64); err == nil && reset > 0 && reset < 1<<40 {
		r.Reset = time.Unix(reset, 0)
	} else {
		// The reset time follows from the continuous refill; derive it rather
		// than leave it empty.
		r.Reset = now.Add(r.FullIn(now))
	}
	return r, true
}
