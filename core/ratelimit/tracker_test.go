package ratelimit

import (
	"math"
	"testing"
	"time"
)

func TestTrackerOthers(t *testing.T) {
	tests := []struct {
		name       string
		readings   []int // remaining, one reading a minute
		own        int   // own requests per reading
		wantPerMin float64
		exhausts   bool
	}{
		// 60 refilled per minute, we spend 1: remaining stays put only if
		// others spend 59 a minute.
		{"nobody else", []int{3000, 3059, 3118}, 1, 0, false},
		{"others spend 59/min", []int{3000, 3000, 3000}, 1, 59, false},
		{"others spend 119/min", []int{3000, 2940, 2880}, 1, 119, true},
		{"bucket full hides others", []int{3600, 3599, 3599}, 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr Tracker
			for i, rem := range tt.readings {
				tr.Observe(RateLimit{Limit: 3600, Remaining: rem, ObservedAt: t0.Add(time.Duration(i) * time.Minute)}, tt.own)
			}
			got, ok := tr.OthersPerMinute()
			if !ok {
				t.Fatal("no estimate after three readings")
			}
			if math.Abs(got-tt.wantPerMin) > 0.5 {
				t.Errorf("others = %.2f/min, want %.2f", got, tt.wantPerMin)
			}
			now := t0.Add(time.Duration(len(tt.readings)-1) * time.Minute)
			d, exhausts := tr.ExhaustedIn(now)
			if exhausts != tt.exhausts {
				t.Fatalf("exhausts = %v (%v), want %v", exhausts, d, tt.exhausts)
			}
			if exhausts {
				// 2880 left, losing 60 a minute net: 48 minutes.
				if want := 48 * time.Minute; d < want-time.Minute || d > want+time.Minute {
					t.Errorf("exhausted in %v, want about %v", d, want)
				}
			}
		})
	}
}

func TestTrackerIgnoresUnknownAndLimitChange(t *testing.T) {
	var tr Tracker
	tr.Observe(RateLimit{}, 1)
	if tr.Last().Known() || len(tr.History()) != 0 {
		t.Fatal("unknown reading recorded")
	}
	tr.Observe(RateLimit{Limit: 3600, Remaining: 10, ObservedAt: t0}, 1)
	tr.Observe(RateLimit{Limit: 7200, Remaining: 10, ObservedAt: t0.Add(time.Minute)}, 1)
	if _, ok := tr.OthersPerMinute(); ok {
		t.Error("an estimate across a limit change means nothing")
	}
}

func TestHistoryRing(t *testing.T) {
	var tr Tracker
	for i := range HistorySize + 10 {
		tr.Observe(RateLimit{Limit: 3600, Remaining: i % 3600, ObservedAt: t0.Add(time.Duration(i) * time.Minute)}, 1)
		// A second reading in the same minute replaces the first.
		tr.Observe(RateLimit{Limit: 3600, Remaining: i % 3600, ObservedAt: t0.Add(time.Duration(i)*time.Minute + 30*time.Second)}, 1)
	}
	h := tr.History()
	if len(h) != HistorySize {
		t.Fatalf("len = %d", len(h))
	}
	if h[0].Remaining != 10 || h[len(h)-1].Remaining != (HistorySize+9)%3600 {
		t.Errorf("oldest %d newest %d", h[0].Remaining, h[len(h)-1].Remaining)
	}
	for i := 1; i < len(h); i++ {
		if !h[i].At.After(h[i-1].At) {
			t.Fatalf("history out of order at %d", i)
		}
	}
}

// TestTrackerShortIntervals: a "check now" a second after a check sees
// others' spending through a one-second keyhole (0 or 1 request). Such a
// reading must count for one second, not as much as a minute's.
func TestTrackerShortIntervals(t *testing.T) {
	tests := []struct {
		name     string
		at       []time.Duration // reading times
		others   []int           // requests others spent before each reading
		wantLow  float64
		wantHigh float64
	}{
		{"one second after a minute", []time.Duration{0, time.Minute, time.Minute + time.Second}, []int{0, 30, 1}, 29, 32},
		{"one second after a minute, nothing seen", []time.Duration{0, time.Minute, time.Minute + time.Second}, []int{0, 30, 0}, 28, 31},
		{"first interval short", []time.Duration{0, time.Second, time.Minute + time.Second}, []int{0, 1, 30}, 29, 32},
		{"steady", []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute}, []int{0, 30, 30, 30}, 29.9, 30.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr Tracker
			remaining := 2000.0
			for i, at := range tt.at {
				if i > 0 {
					remaining += (at - tt.at[i-1]).Seconds() - float64(tt.others[i]) - 1
				}
				tr.Observe(RateLimit{Limit: 3600, Remaining: int(remaining), ObservedAt: t0.Add(at)}, 1)
			}
			got, _ := tr.OthersPerMinute()
			if got < tt.wantLow || got > tt.wantHigh {
				t.Errorf("others = %.2f/min, want %.1f…%.1f", got, tt.wantLow, tt.wantHigh)
			}
		})
	}
}

func TestExhaustedInIsBounded(t *testing.T) {
	// Others spend a hair more than the refill: exhausted in ages, which
	// must neither overflow a Duration nor read as "never".
	tr := Tracker{last: RateLimit{Limit: 3600, Remaining: 3000, ObservedAt: t0},
		othersSpent: 1 + 1e-12, othersSeconds: 1, othersKnown: true}
	d, ok := tr.ExhaustedIn(t0)
	if !ok || d != maxExhaustedIn {
		t.Errorf("ExhaustedIn = %v, %v; want %v, true", d, ok, maxExhaustedIn)
	}
}
