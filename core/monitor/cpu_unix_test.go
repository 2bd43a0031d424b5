//go:build unix

package monitor

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) this process has used, so a
// benchmark can report CPU-seconds alongside wall time.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
