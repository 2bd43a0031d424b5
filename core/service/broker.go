package service

import (
	"context"
	"strings"
	"sync"
)

// subscriberBuffer is how many events a subscriber may lag behind before it
// is told to resync instead of slowing everyone down.
const subscriberBuffer = 256

type subscriber struct {
	ch     chan Event
	lagged bool
}

// broker fans events out to subscribers without ever blocking the
// publisher: a full subscriber misses events and then gets EventResync.
type broker struct {
	mu     sync.Mutex
	seq    uint64
	subs   map[*subscriber]struct{}
	closed bool
}

func newBroker() *broker { return &broker{subs: map[*subscriber]struct{}{}} }

func (b *broker) lastSeq() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

func (b *broker) publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	e.Seq = b.seq
	for s := range b.subs {
		if s.lagged {
			select {
			case s.ch <- Event{Seq: e.Seq, Kind: EventResync}:
				s.lagged = false
			default:
			}
			continue // the resync covers e
		}
		select {
		case s.ch <- e:
		default:
			s.lagged = true
		}
	}
}

func (b *broker) subscribe(ctx context.Context) <-chan Event {
	s := &subscriber{ch: make(chan Event, subscriberBuffer)}
	b.mu.Lock()
	if b.closed {
		close(s.ch)
		b.mu.Unlock()
		return s.ch
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		if _, ok := b.subs[s]; ok {
			delete(b.subs, s)
			close(s.ch)
		}
		b.mu.Unlock()
	}()
	return s.ch
}

func (b *broker) closeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		close(s.ch)
	}
}

func lessName(a, b string) bool {
	if la, lb := strings.ToLower(a), strings.ToLower(b); la != lb {
		return la < lb
	}
	return a < b
}
