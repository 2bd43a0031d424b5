package hetzner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
	"github.com/hetznercloud/hcloud-go/v2/hcloud/schema"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
)

var reset = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

func answer(status int) *hcloud.Response {
	return &hcloud.Response{Response: &http.Response{StatusCode: status, Header: http.Header{}}}
}

func apiError(code, message string) error {
	return hcloud.ErrorFromSchema(schema.Error{Code: code, Message: message})
}

func TestExplain(t *testing.T) {
	tests := []struct {
		name    string
		resp    *hcloud.Response
		err     error
		status  Status
		message string // a part the message must contain
		retryAt time.Time
	}{
		{"unauthorized", answer(401), apiError("unauthorized", "unable to authenticate"), StatusInvalidToken, "Replace token", time.Time{}},
		{"rate limited", answer(429), apiError("rate_limit_exceeded", "limit of 3600 requests per hour reached"), StatusRateLimited, "waits for the refill", reset},
		{"429 with an older code", answer(429), apiError("limit_reached", "limit reached"), StatusRateLimited, "429 limit_reached", reset},
		{"429 from a proxy without a body", answer(429), fmt.Errorf("hcloud: %w 429", hcloud.ErrStatusCode), StatusRateLimited, "429", reset},
		{"maintenance", answer(403), apiError("maintenance", "maintenance"), StatusError, "Try again later", time.Time{}},
		{"endpoint removed", answer(410), apiError("deprecated_api_endpoint", "gone"), StatusError, "Update CloudMoo", time.Time{}},
		{"server error", answer(500), apiError("server_error", "oops"), StatusError, "Hetzner's side", time.Time{}},
		{"other refusal", answer(404), apiError("not_found", "no such thing"), StatusError, "not_found: no such thing", time.Time{}},
		{"5xx without a body", answer(503), fmt.Errorf("hcloud: %w 503", hcloud.ErrStatusCode), StatusError, "status.hetzner.com", time.Time{}},
		{"cancelled", answer(0), context.Canceled, StatusError, "cancelled", time.Time{}},
		{"deadline", nil, &url.Error{Op: "Get", URL: "x", Err: context.DeadlineExceeded}, StatusOffline, "no answer in time", time.Time{}},
		{"name lookup", nil, &net.DNSError{Name: "api.example", Err: "no such host"}, StatusOffline, "api.example could not be resolved", time.Time{}},
		{"refused", &hcloud.Response{}, &net.OpError{Op: "dial", Err: fmt.Errorf("connection refused")}, StatusOffline, "connection refused", time.Time{}},
		{"dropped", nil, io.EOF, StatusOffline, "connection lost", time.Time{}},
		{"unreadable 200", answer(200), &json.SyntaxError{}, StatusError, "could not read", time.Time{}},
		{"no error at all", nil, nil, StatusError, "could not read", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := explain(tt.resp, tt.err, "https://api.example/v1", reset)
			if p.Status != tt.status {
				t.Errorf("status = %s, want %s", p.Status, tt.status)
			}
			if !strings.Contains(p.Message, tt.message) {
				t.Errorf("message %q does not contain %q", p.Message, tt.message)
			}
			if !p.RetryAt.Equal(tt.retryAt) {
				t.Errorf("RetryAt = %v, want %v", p.RetryAt, tt.retryAt)
			}
			if p.Status == StatusOffline && !strings.Contains(p.Message, "https://api.example/v1") {
				t.Errorf("an offline message names the endpoint, so a wrong HCLOUD_ENDPOINT shows: %q", p.Message)
			}
		})
	}
}

// fuzzAnswer is what the fuzz server answers next. Fuzz inputs run one at a
// time in a worker, but the server's handler runs on its own goroutine.
type fuzzAnswer struct {
	mu                       sync.Mutex
	status                   int
	json                     bool
	body                     []byte
	limit, remaining, resetH string
}

func (a *fuzzAnswer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	h := w.Header()
	for k, v := range map[string]string{"RateLimit-Limit": a.limit, "RateLimit-Remaining": a.remaining, "RateLimit-Reset": a.resetH} {
		if v != "" {
			h.Set(k, v)
		}
	}
	if a.json {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// FuzzExplain feeds arbitrary answers (status, body, rate-limit headers)
// through a real client's Check and ProbePermission and explain itself:
// nothing may panic, and every problem must tell the user something.
func FuzzExplain(f *testing.F) {
	f.Add(429, true, []byte(`{"error":{"code":"rate_limit_exceeded","message":"limit of 3600 requests per hour reached","details":null}}`), "3600", "0", "1795790000")
	f.Add(422, true, []byte(`{"error":{"code":"invalid_input","message":"invalid input","details":{"fields":[{"name":"name","messages":["Missing"]}]}}}`), "7200", "7199", "")
	f.Add(200, true, []byte(`{"servers":[],"meta":{"pagination":{"total_entries":3}}}`), "3600", "3599", "x")
	f.Add(503, false, []byte("<html>bad gateway</html>"), "", "", "")
	f.Add(401, true, []byte(`{"error":{"code":"token_readonly"}}`), "-1", "99999999999999999999", "1")

	a := &fuzzAnswer{}
	ts := httptest.NewServer(a)
	f.Cleanup(ts.Close)
	tok := mustToken(f, strings.Repeat("a", 64))
	c := NewClient(tok, Config{Endpoint: ts.URL + "/v1", Retries: -1, HTTPClient: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}})
	known := map[Status]bool{StatusOK: true, StatusLow: true, StatusRateLimited: true, StatusInvalidToken: true, StatusOffline: true, StatusError: true}

	f.Fuzz(func(t *testing.T, status int, isJSON bool, body []byte, limit, remaining, resetH string) {
		status = 200 + abs(status%400) // WriteHeader only takes real final statuses
		a.mu.Lock()
		a.status, a.json, a.body, a.limit, a.remaining, a.resetH = status, isJSON, body, limit, remaining, resetH
		a.mu.Unlock()

		res := c.Check(context.Background(), 10)
		if !known[res.Status] {
			t.Fatalf("status %q is not part of the contract", res.Status)
		}
		if !res.Status.Healthy() && (res.Problem == nil || res.Message == "") {
			t.Fatalf("%s without a message: %+v", res.Status, res)
		}
		if rl := res.RateLimit; rl.Known() && (rl.Remaining < 0 || rl.Remaining > rl.Limit) {
			t.Fatalf("impossible rate limit %+v", rl)
		}
		if res.Status == StatusRateLimited && res.Problem.RetryAt.IsZero() {
			t.Fatal("rate limited without a time to retry")
		}

		probe := c.ProbePermission(context.Background())
		if (probe.Problem == nil) == (probe.Permission == project.PermissionUnknown) {
			t.Fatalf("permission %q with problem %+v", probe.Permission, probe.Problem)
		}
		if probe.Problem != nil && (probe.Problem.Message == "" || !known[probe.Problem.Status]) {
			t.Fatalf("probe problem without a message: %+v", probe.Problem)
		}

		// The same body as an API error, built the way hcloud-go builds it.
		var s schema.ErrorResponse
		if json.Unmarshal(body, &s) == nil {
			p := explain(answer(status), hcloud.ErrorFromSchema(s.Error), "http://x/v1", time.Time{})
			if p.Message == "" {
				t.Fatalf("empty message for %d %q", status, s.Error.Code)
			}
		}
		if p := explain(answer(status), fmt.Errorf("hcloud: %w %s", hcloud.ErrStatusCode, strconv.Itoa(status)), "", time.Time{}); p.Message == "" {
			t.Fatalf("empty message for a bare %d", status)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
