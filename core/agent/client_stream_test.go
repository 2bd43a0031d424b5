package agent

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// TestLaggingConsumerGetsResync: the client drains the socket even when
// its consumer does not read, and owes a resync for what it dropped, which
// it sends at the next line (a heartbeat will do).
func TestLaggingConsumerGetsResync(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	c := &Client{streamIdle: time.Minute}
	out := make(chan service.Event, clientBuffer)
	_, cancel := context.WithCancel(context.Background())
	go c.readStream(cancel, pr, out)

	const sent = clientBuffer + 44
	for seq := 1; seq <= sent; seq++ {
		fmt.Fprintf(pw, "data: {\"seq\":%d,\"kind\":\"settings\"}\n\n", seq)
	}
	for want := uint64(1); want <= clientBuffer; want++ {
		if e := <-out; e.Seq != want || e.Kind != service.EventSettings {
			t.Fatalf("got %+v, want seq %d", e, want)
		}
	}
	fmt.Fprint(pw, ": heartbeat\n\n")
	fmt.Fprintf(pw, "data: {\"seq\":%d,\"kind\":\"problems\"}\n\n", sent+1)
	// The reader may have parsed the last few frames before or after the
	// consumer made room: either way a resync comes first, then only
	// events after it.
	e := <-out
	if e.Kind != service.EventResync || e.Seq <= clientBuffer || e.Seq > sent {
		t.Fatalf("got %+v, want a resync for the dropped events", e)
	}
	for last := e.Seq; e.Kind != service.EventProblems; last = e.Seq {
		if e = <-out; e.Seq <= last || e.Kind == service.EventResync {
			t.Fatalf("after seq %d got %+v", last, e)
		}
	}
	if e.Seq != sent+1 {
		t.Fatalf("the last event is %+v", e)
	}
	pw.Close()
	if _, ok := <-out; ok {
		t.Fatal("the channel stayed open after the stream ended")
	}
}
