package hetzner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"
)

// Status sums up what a check found. The values are part of the
// `check --json` contract.
type Status string

// Check statuses.
const (
	StatusOK            Status = "ok"
	StatusLow           Status = "low"
	StatusRateLimited   Status = "rate_limited"
	StatusInvalidToken  Status = "invalid_token"
	StatusOffline       Status = "offline"
	StatusKeychainError Status = "keychain_error"
	StatusError         Status = "error"
	// StatusUnchecked is not part of the contract: a project the monitor
	// has not reached yet.
	StatusUnchecked Status = "unchecked"
)

// Healthy reports whether s is ok or low.
func (s Status) Healthy() bool { return s == StatusOK || s == StatusLow }

// codeTokenReadonly is the older form of the read-only refusal; hcloud-go
// maps its own constant for it to "forbidden", so spell out the raw code.
const codeTokenReadonly hcloud.ErrorCode = "token_readonly"

// Problem is a failed call explained for a person.
type Problem struct {
	Status  Status
	Code    string // the API's error code, or "" for faults outside the API
	HTTP    int    // the HTTP status, 0 when no response came
	Message string // what happened and what to do next
	// RetryAt is when a rate-limited project can be asked again.
	RetryAt time.Time
	Err     error
}

func (p *Problem) Error() string { return p.Message }

// Unwrap returns the underlying error; a nil Problem has none.
func (p *Problem) Unwrap() error {
	if p == nil {
		return nil
	}
	return p.Err
}

// explain turns an error from hcloud-go into a Problem. endpoint is named in
// offline messages so a wrong HCLOUD_ENDPOINT is easy to spot.
func explain(resp *hcloud.Response, err error, endpoint string, reset time.Time) *Problem {
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	var apiErr hcloud.Error
	if errors.As(err, &apiErr) {
		p := &Problem{Status: StatusError, Code: string(apiErr.Code), HTTP: status, Err: err}
		if status == http.StatusTooManyRequests {
			// Whatever the body says (older APIs sent limit_reached), a 429
			// means wait for the refill; retrying sooner only fails again.
			return rateLimited(p, reset)
		}
		switch apiErr.Code {
		case hcloud.ErrorCodeUnauthorized:
			p.Status = StatusInvalidToken
			p.Message = "This token was rejected by Hetzner (401 unauthorized): it may have been revoked or mistyped. Generate a new token in the Console under Security → API Tokens and use Replace token."
		case hcloud.ErrorCodeRateLimitExceeded:
			return rateLimited(p, reset)
		case hcloud.ErrorCodeMaintenance:
			p.Message = "Hetzner's API is in maintenance (403 maintenance). Try again later; CloudMoo keeps checking."
		case "deprecated_api_endpoint":
			p.Message = "Hetzner no longer serves this endpoint (410). Update CloudMoo Desktop."
		default:
			if status >= 500 {
				p.Message = fmt.Sprintf("Hetzner's API failed (%d %s). This is on Hetzner's side; CloudMoo will try again.", status, apiErr.Code)
			} else {
				p.Message = fmt.Sprintf("Hetzner's API refused the request (%d %s: %s). If this goes on, update CloudMoo Desktop or report it; CloudMoo keeps checking.", status, apiErr.Code, apiErr.Message)
			}
		}
		return p
	}
	if errors.Is(err, hcloud.ErrStatusCode) {
		if status == http.StatusTooManyRequests {
			// A proxy in front of the API may answer 429 without Hetzner's body.
			return rateLimited(&Problem{HTTP: status, Err: err}, reset)
		}
		return &Problem{Status: StatusError, HTTP: status, Err: err,
			Message: fmt.Sprintf("Hetzner's API answered %d without an explanation. If this goes on, check https://status.hetzner.com; CloudMoo will try again.", status)}
	}
	if errors.Is(err, context.Canceled) {
		return &Problem{Status: StatusError, Err: err, Message: "The check was cancelled."}
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) || isConnError(err) {
		return &Problem{Status: StatusOffline, Err: err,
			Message: fmt.Sprintf("Cannot reach the Hetzner API at %s (%s). Check your internet connection; CloudMoo will retry.", endpoint, shortNetErr(err))}
	}
	if status == http.StatusOK || status == 0 {
		return &Problem{Status: StatusError, HTTP: status, Err: err,
			Message: "Hetzner's API sent an answer CloudMoo could not read. If this goes on, a proxy may be in the way; CloudMoo will try again."}
	}
	return &Problem{Status: StatusError, HTTP: status, Err: err, Message: fmt.Sprintf("The request failed with HTTP %d, which Hetzner's API does not send. A proxy may be in the way; CloudMoo will try again.", status)}
}

// rateLimited fills in p for a 429. reset is when the bucket is full again
// (zero when unknown).
func rateLimited(p *Problem, reset time.Time) *Problem {
	p.Status = StatusRateLimited
	p.RetryAt = reset
	p.Message = fmt.Sprintf("This project's API rate limit is used up (429 %s)", cmp.Or(p.Code, "rate_limit_exceeded"))
	if !reset.IsZero() {
		p.Message += "; requests work again as it refills, fully by " + reset.Local().Format("15:04:05")
	}
	p.Message += ". Something else using this project's tokens is spending its budget: find the script or tool, or give it its own project. CloudMoo waits for the refill before checking again."
	return p
}

// isConnError matches faults below HTTP: refused or reset connections,
// failed name lookups, and a connection dropped mid-response (net/http then
// reports a bare EOF).
func isConnError(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &opErr) || errors.As(err, &dnsErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func shortNetErr(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.As(err, &dnsErr):
		return "the name " + dnsErr.Name + " could not be resolved"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	return "connection lost"
}

// retryable says whether another try may help: network faults and 5xx, but
// never a 4xx and never a 429 (the reset time says when, not a backoff).
func retryable(resp *hcloud.Response, err error) bool {
	p := explain(resp, err, "", time.Time{})
	switch {
	case p.Status == StatusOffline:
		return true
	case p.HTTP >= 500:
		return true
	case p.Status == StatusError && p.HTTP == http.StatusOK:
		return true // malformed body
	}
	return false
}
