package hcloudsim

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// AnonymousLimit is the hourly limit of the bucket that unauthenticated
// requests (no token, or a token no project knows) draw from: such requests
// cannot be attributed to a project, but Hetzner limits them too.
const AnonymousLimit = 3600

// epsilon absorbs float drift so that a bucket refilled to exactly 3600.0 is
// not reported as 3599 and a reset exactly on a second is not rounded up.
const epsilon = 1e-6

// bucket is Hetzner's per-project token bucket: capacity limit, continuous
// refill at limit per hour, one token per request. The level is a float
// because refill is continuous; headers show it floored.
type bucket struct {
	limit int
	level float64
	last  time.Time // time up to which refill has been applied
}

func newBucket(limit int, now time.Time) bucket {
	limit = max(limit, 1)
	return bucket{limit: limit, level: float64(limit), last: now}
}

// refill adds what flowed in between b.last and now. A clock that goes
// backwards adds nothing rather than draining the bucket.
func (b *bucket) refill(now time.Time) {
	if !now.After(b.last) {
		return
	}
	elapsed := now.Sub(b.last).Seconds()
	b.level = math.Min(float64(b.limit), b.level+elapsed*float64(b.limit)/3600)
	b.last = now
}

// take spends one request if a whole one is available. A request that finds
// the bucket empty is refused (429) and consumes nothing.
func (b *bucket) take() bool {
	if b.level+epsilon < 1 {
		return false
	}
	b.level = math.Max(0, b.level-1)
	return true
}

// set puts the level at n, clamped to [0, limit].
func (b *bucket) set(n float64) {
	b.level = math.Max(0, math.Min(float64(b.limit), n))
}

// setLimit changes the capacity and refill rate; the level is kept but never
// exceeds the new capacity. Hetzner does not document what happens to the
// level when a limit changes, so the least surprising rule is used.
func (b *bucket) setLimit(n int) {
	b.limit = max(n, 1)
	b.set(b.level)
}

// remaining is the whole number of requests left, as RateLimit-Remaining
// reports it.
func (b *bucket) remaining() int {
	return int(math.Floor(b.level + epsilon))
}

// reset is the UNIX second at which the bucket is full again: now plus the
// time the deficit takes to flow back, rounded up to a whole second.
func (b *bucket) reset(now time.Time) int64 {
	deficit := math.Max(0, float64(b.limit)-b.level)
	frac := float64(now.Nanosecond())/1e9 + deficit*3600/float64(b.limit)
	return now.Unix() + int64(math.Ceil(frac-epsilon))
}

// rateHeaders are the three RateLimit-* values of one response.
type rateHeaders struct {
	limit, remaining int
	reset            int64
}

func (b *bucket) headers(now time.Time) *rateHeaders {
	return &rateHeaders{limit: b.limit, remaining: b.remaining(), reset: b.reset(now)}
}

func (h *rateHeaders) apply(hdr http.Header) {
	hdr.Set("RateLimit-Limit", strconv.Itoa(h.limit))
	hdr.Set("RateLimit-Remaining", strconv.Itoa(h.remaining))
	hdr.Set("RateLimit-Reset", strconv.FormatInt(h.reset, 10))
}
