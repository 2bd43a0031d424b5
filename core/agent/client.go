package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// Per-call timeouts: reads answer from memory; file intents may wait for
// the config file's lock; checks make API round trips (with retries) and
// keychain intents may wait for the user to allow access.
const (
	quickCall = 5 * time.Second
	fileCall  = 15 * time.Second
	slowCall  = 60 * time.Second
	// maxReply caps what the client reads of one reply.
	maxReply = 32 << 20
)

// Client talks to a running agent over its socket. It is a service.Service,
// so a window uses it exactly like an in-process service.Local. It is safe
// for concurrent use.
type Client struct {
	socket string
	http   *http.Client
	// streamIdle is how long an event stream may stay silent (heartbeats
	// included) before the agent is taken for dead.
	streamIdle time.Duration
}

var _ service.Service = (*Client)(nil)

// Dial connects to the agent on socketPath. It fails fast with an error
// wrapping ErrNotRunning when nothing listens, and with one wrapping
// ErrProtocolMismatch when the agent is another CloudMoo version.
func Dial(ctx context.Context, socketPath string) (*Client, error) {
	if err := privateDir(filepath.Dir(socketPath), false); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w (no socket at %s)", ErrNotRunning, socketPath)
		}
		return nil, err
	}
	d := net.Dialer{Timeout: time.Second}
	conn, err := d.DialContext(ctx, "unix", socketPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isRefused(err) {
			return nil, fmt.Errorf("%w (nothing answers on %s)", ErrNotRunning, socketPath)
		}
		return nil, fmt.Errorf("cannot connect to the CloudMoo agent on %s: %w", socketPath, err)
	}
	conn.Close()
	c := &Client{
		socket:     socketPath,
		streamIdle: 3 * 15 * time.Second,
		http: &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", socketPath)
			},
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		}},
	}
	st, err := c.Status(ctx)
	if err == nil && st.Protocol != ProtocolVersion {
		err = fmt.Errorf("%w: the agent (PID %d) speaks protocol %d, this program %d: restart CloudMoo so window and agent are the same version", ErrProtocolMismatch, st.PID, st.Protocol, ProtocolVersion)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Close releases idle connections; open event streams end with their ctx.
func (c *Client) Close() error {
	c.http.CloseIdleConnections()
	return nil
}

// Socket returns the socket path the client talks to.
func (c *Client) Socket() string { return c.socket }

// call sends one request and decodes the reply into out; an error reply
// becomes an error of the same kind (and its partial result lands in out).
func (c *Client) call(ctx context.Context, timeout time.Duration, method, path string, in, out any) error {
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(callCtx, method, "http://agent"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set(HeaderProtocol, strconv.Itoa(ProtocolVersion))
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(ctx, path, timeout, err)
	}
	defer resp.Body.Close()
	return c.readReply(resp, path, out)
}

func (c *Client) readReply(resp *http.Response, path string, out any) error {
	r := io.LimitReader(resp.Body, maxReply)
	if resp.StatusCode >= 300 {
		var eb struct {
			Error   wireError       `json:"error"`
			Partial json.RawMessage `json:"partial"`
		}
		if err := json.NewDecoder(r).Decode(&eb); err != nil || eb.Error.Code == "" {
			return fmt.Errorf("the agent answered %s with HTTP %d and no error CloudMoo understands; is another program listening on %s?", path, resp.StatusCode, c.socket)
		}
		if out != nil && len(eb.Partial) > 0 {
			_ = json.Unmarshal(eb.Partial, out)
		}
		return decodeError(eb.Error)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, r)
		return nil
	}
	if err := json.NewDecoder(r).Decode(out); err != nil {
		return fmt.Errorf("the agent's answer to %s could not be read (%w); restart CloudMoo so window and agent are the same version", path, err)
	}
	return nil
}

// transportError explains a request that got no reply.
func (c *Client) transportError(ctx context.Context, path string, timeout time.Duration, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", path, ctx.Err())
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("the CloudMoo agent did not answer %s within %v; it may be stuck: quit it and start CloudMoo again (%w)", path, timeout, err)
	case errors.Is(err, fs.ErrNotExist) || isRefused(err):
		return fmt.Errorf("%w: it no longer answers on %s", ErrNotRunning, c.socket)
	}
	return fmt.Errorf("the CloudMoo agent on %s did not answer %s (%w); if it crashed, its log says why", c.socket, path, err)
}

// Status reports the agent's process, socket and counts.
func (c *Client) Status(ctx context.Context) (Status, error) {
	return callFor[Status](ctx, c, quickCall, http.MethodGet, "/v1/status", nil)
}

// Show asks the open window to come to the front, on projectID when set.
func (c *Client) Show(ctx context.Context, projectID string) error {
	return c.call(ctx, quickCall, http.MethodPost, "/v1/show", idRequest{ID: projectID}, nil)
}

// Quit asks the agent to stop; it answers first, then shuts down.
func (c *Client) Quit(ctx context.Context) error {
	return c.call(ctx, quickCall, http.MethodPost, "/v1/quit", nil, nil)
}

// Snapshot implements service.Service.
func (c *Client) Snapshot(ctx context.Context) (service.Snapshot, error) {
	return callFor[service.Snapshot](ctx, c, quickCall, http.MethodGet, "/v1/snapshot", nil)
}

// History implements service.Service.
func (c *Client) History(ctx context.Context, id string) ([]ratelimit.Point, error) {
	var reply historyReply
	err := c.call(ctx, quickCall, http.MethodGet, "/v1/history?"+url.Values{"id": {id}}.Encode(), nil, &reply)
	return reply.Points, err
}

// CheckToken implements service.Service.
func (c *Client) CheckToken(ctx context.Context, tokenText string) (service.TokenReport, error) {
	return callFor[service.TokenReport](ctx, c, slowCall, http.MethodPost, "/v1/check-token", tokenRequest{Token: tokenText})
}

// Add implements service.Service.
func (c *Client) Add(ctx context.Context, req service.AddRequest) (service.ProjectState, error) {
	return callFor[service.ProjectState](ctx, c, slowCall, http.MethodPost, "/v1/add", req)
}

// Rename implements service.Service.
func (c *Client) Rename(ctx context.Context, id, newName string) (service.ProjectState, error) {
	return callFor[service.ProjectState](ctx, c, fileCall, http.MethodPost, "/v1/rename", renameRequest{ID: id, Name: newName})
}

// ReplaceToken implements service.Service.
func (c *Client) ReplaceToken(ctx context.Context, req service.ReplaceRequest) (service.ProjectState, error) {
	return callFor[service.ProjectState](ctx, c, slowCall, http.MethodPost, "/v1/replace-token", req)
}

// Remove implements service.Service.
func (c *Client) Remove(ctx context.Context, id string) error {
	return c.call(ctx, slowCall, http.MethodPost, "/v1/remove", idRequest{ID: id}, nil)
}

// CheckNow implements service.Service.
func (c *Client) CheckNow(ctx context.Context, ids ...string) ([]service.ProjectState, error) {
	var reply projectsReply
	err := c.call(ctx, slowCall, http.MethodPost, "/v1/check-now", checkNowRequest{IDs: ids}, &reply)
	return reply.Projects, err
}

// DetectPermission implements service.Service. Like service.Local, it may
// return a state together with an error saying why the permission is
// unknown.
func (c *Client) DetectPermission(ctx context.Context, id string) (service.ProjectState, error) {
	return callFor[service.ProjectState](ctx, c, slowCall, http.MethodPost, "/v1/detect-permission", idRequest{ID: id})
}

// UpdateSettings implements service.Service.
func (c *Client) UpdateSettings(ctx context.Context, s project.Settings) (project.Settings, error) {
	return callFor[project.Settings](ctx, c, fileCall, http.MethodPost, "/v1/settings", s)
}

// callFor sends one request and decodes the reply into a new T, the shape
// of nearly every method above.
func callFor[T any](ctx context.Context, c *Client, timeout time.Duration, method, path string, in any) (T, error) {
	var out T
	err := c.call(ctx, timeout, method, path, in, &out)
	return out, err
}
