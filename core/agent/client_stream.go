package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// clientBuffer is how many events a subscriber may lag behind before it
// gets EventResync, as with service.Local.
const clientBuffer = 256

// maxEventData bounds one event's data; a bigger one means a broken agent.
const maxEventData = 4 << 20

// Subscribe implements service.Service: events until ctx ends or the agent
// goes away; then the channel is closed.
func (c *Client) Subscribe(ctx context.Context) (<-chan service.Event, error) {
	return c.SubscribeAs(ctx, false)
}

// SubscribeAs is Subscribe for a window when window is true: the agent
// counts the stream in Windows and calls OnIdle when the last one closes.
// EventShowWindow events carry Seq 0: they are requests, not changes, and
// Snapshot.Seq does not cover them.
func (c *Client) SubscribeAs(ctx context.Context, window bool) (<-chan service.Event, error) {
	sctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(sctx, http.MethodGet, "http://agent/v1/events", nil)
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set(HeaderProtocol, strconv.Itoa(ProtocolVersion))
	req.Header.Set("Accept", "text/event-stream")
	if window {
		req.Header.Set(HeaderClient, ClientWindow)
	}
	// Only the start of the stream is bounded; the stream itself lives
	// until ctx ends.
	timer := time.AfterFunc(quickCall, cancel)
	resp, err := c.http.Do(req)
	if !timer.Stop() {
		if err == nil {
			resp.Body.Close()
		}
		cancel()
		return nil, fmt.Errorf("the CloudMoo agent on %s did not start the event stream within %v; it may be stuck: quit it and start CloudMoo again", c.socket, quickCall)
	}
	if err != nil {
		cancel()
		return nil, c.transportError(ctx, "/v1/events", quickCall, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		defer cancel()
		if err := c.readReply(resp, "/v1/events", nil); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("the agent answered /v1/events with HTTP %d", resp.StatusCode)
	}
	out := make(chan service.Event, clientBuffer)
	go c.readStream(cancel, resp.Body, out)
	return out, nil
}

// readStream turns Server-Sent Events into events on out. It never waits
// for the consumer, so the socket is always drained: a full channel drops
// events, and EventResync follows as soon as there is room again (checked
// on every line, heartbeats included). A stream silent for longer
// than streamIdle (no heartbeat) is taken for a dead agent.
func (c *Client) readStream(cancel context.CancelFunc, body io.ReadCloser, out chan<- service.Event) {
	defer close(out)
	defer cancel()
	defer body.Close()
	watchdog := time.AfterFunc(c.streamIdle, cancel)
	defer watchdog.Stop()

	// lagged holds the Seq of the last event dropped for a full channel,
	// 0 when none was: a resync for it is owed.
	var lagged uint64
	catchUp := func() bool {
		if lagged == 0 {
			return true
		}
		select {
		case out <- service.Event{Seq: lagged, Kind: service.EventResync}:
			lagged = 0
			return true
		default:
			return false
		}
	}
	deliver := func(e service.Event) {
		if e.Kind == service.EventShowWindow {
			select {
			case out <- e:
			default:
			}
			return
		}
		if !catchUp() {
			lagged = e.Seq // the resync will cover e too
			return
		}
		select {
		case out <- e:
		default:
			lagged = e.Seq
		}
	}

	br := bufio.NewReader(body)
	var data []byte
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			return
		}
		watchdog.Reset(c.streamIdle)
		catchUp() // any line, heartbeats too, is a chance to send a resync owed
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0:
			if len(data) > 0 {
				var e service.Event
				if json.Unmarshal(data, &e) == nil {
					deliver(e)
				}
				data = data[:0]
			}
		case line[0] == ':': // a comment: hello or heartbeat
		case bytes.HasPrefix(line, []byte("data:")):
			v := bytes.TrimPrefix(line[len("data:"):], []byte(" "))
			if len(data) > 0 {
				data = append(data, '\n')
			}
			data = append(data, v...)
			if len(data) > maxEventData {
				return
			}
		}
	}
}
