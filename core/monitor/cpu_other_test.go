//go:build !unix

package monitor

import "time"

// cpuTime is unavailable here: the benchmark then reports wall time only.
func cpuTime() (time.Duration, bool) { return 0, false }
