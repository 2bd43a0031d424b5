package monitor

import "container/heap"

// schedule is a min-heap of entries by due time, so a tick costs
// O(due · log n) instead of a scan of every project: the agent ticks every
// second or so with hundreds of projects. Checks in flight sort last, so the
// top is always the next check that may start.
type schedule []*entry

var _ heap.Interface = (*schedule)(nil)

func (s schedule) Len() int { return len(s) }

func (s schedule) Less(i, j int) bool {
	a, b := s[i], s[j]
	if a.inFlight != b.inFlight {
		return !a.inFlight
	}
	return a.next.Before(b.next)
}

func (s schedule) Swap(i, j int) {
	s[i], s[j] = s[j], s[i]
	s[i].index, s[j].index = i, j
}

func (s *schedule) Push(x any) {
	e := x.(*entry)
	e.index = len(*s)
	*s = append(*s, e)
}

func (s *schedule) Pop() any {
	old := *s
	n := len(old) - 1
	e := old[n]
	old[n] = nil
	e.index = -1
	*s = old[:n]
	return e
}

// fix restores the heap after e's next or inFlight changed.
func (s *schedule) fix(e *entry) {
	if e.index >= 0 {
		heap.Fix(s, e.index)
	}
}
