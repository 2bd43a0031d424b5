package ratelimit

import "testing"

func TestFormatCount(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1\u202f000"}, {3541, "3\u202f541"},
		{7200, "7\u202f200"}, {1234567, "1\u202f234\u202f567"}, {-3600, "-3\u202f600"},
	}
	for _, tt := range tests {
		if got := FormatCount(tt.n); got != tt.want {
			t.Errorf("FormatCount(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
