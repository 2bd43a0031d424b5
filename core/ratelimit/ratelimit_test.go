package ratelimit

import (
	"net/http"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func headers(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestFromHeaders(t *testing.T) {
	tests := []struct {
		name      string
		h         http.Header
		ok        bool
		limit     int
		remaining int
		reset     time.Time
	}{
		{"full set", headers("RateLimit-Limit", "3600", "RateLimit-Remaining", "3541", "RateLimit-Reset", "1795790000"), true, 3600, 3541, time.Unix(1795790000, 0)},
		{"7200 limit", headers("RateLimit-Limit", "7200", "RateLimit-Remaining", "7199", "RateLimit-Reset", "1795790000"), true, 7200, 7199, time.Unix(1795790000, 0)},
		{"reset missing is derived", headers("RateLimit-Limit", "3600", "RateLimit-Remaining", "3590"), true, 3600, 3590, t0.Add(10 * time.Second)},
		{"no headers", headers(), false, 0, 0, time.Time{}},
		{"limit missing", headers("RateLimit-Remaining", "5"), false, 0, 0, time.Time{}},
		{"garbage", headers("RateLimit-Limit", "lots", "RateLimit-Remaining", "5"), false, 0, 0, time.Time{}},
		{"negative", headers("RateLimit-Limit", "3600", "RateLimit-Remaining", "-1"), false, 0, 0, time.Time{}},
		{"remaining above limit", headers("RateLimit-Limit", "10", "RateLimit-Remaining", "11"), false, 0, 0, time.Time{}},
		{"zero limit", headers("RateLimit-Limit", "0", "RateLimit-Remaining", "0"), false, 0, 0, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := FromHeaders(tt.h, t0)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				if r.Known() {
					t.Fatal("an unknown reading must not be Known")
				}
				return
			}
			if r.Limit != tt.limit || r.Remaining != tt.remaining || !r.Reset.Equal(tt.reset) {
				t.Errorf("got %+v", r)
			}
		})
	}
}

func TestProject(t *testing.T) {
	r := RateLimit{Limit: 3600, Remaining: 100, ObservedAt: t0}
	tests := []struct {
		after     time.Duration
		remaining int
		projected bool
	}{
		{0, 100, false},
		{1 * time.Second, 101, true},
		{1500 * time.Millisecond, 101, true},
		{time.Hour, 3600, true},
		{-time.Second, 100, true},
	}
	for _, tt := range tests {
		p := r.Project(t0.Add(tt.after))
		if p.Remaining != tt.remaining || p.Projected != tt.projected {
			t.Errorf("after %v: %+v, want %d projected=%v", tt.after, p, tt.remaining, tt.projected)
		}
	}
	r7200 := RateLimit{Limit: 7200, Remaining: 0, ObservedAt: t0}
	if got := r7200.Project(t0.Add(10 * time.Second)).Remaining; got != 20 {
		t.Errorf("7200/h refills 2/s: got %d after 10 s", got)
	}
	if got := r.FullIn(t0); got != 3500*time.Second {
		t.Errorf("FullIn = %v", got)
	}
	if got := (RateLimit{}).Project(t0); got.Remaining != 0 || !got.Projected {
		t.Errorf("unknown projection = %+v", got)
	}
}

func FuzzFromHeaders(f *testing.F) {
	f.Add("3600", "3541", "1795790000")
	f.Add("", "", "")
	f.Add("7200", "-3", "x")
	f.Add("99999999999999999999", "1", "1")
	f.Fuzz(func(t *testing.T, limit, remaining, reset string) {
		h := headers("RateLimit-Limit", limit, "RateLimit-Remaining", remaining, "RateLimit-Reset", reset)
		r, ok := FromHeaders(h, t0)
		if !ok {
			return
		}
		if r.Limit <= 0 || r.Remaining < 0 || r.Remaining > r.Limit {
			t.Fatalf("accepted impossible reading %+v", r)
		}
		if p := r.Project(t0.Add(time.Hour)); p.Remaining > r.Limit {
			t.Fatalf("projection above limit: %+v", p)
		}
	})
}
