package hetzner

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
)

// CheckResult is what one check of a token found.
type CheckResult struct {
	Status    Status
	RateLimit ratelimit.RateLimit // Known() is false when the headers were missing
	Servers   *int                // servers the token sees, to confirm the project
	CheckedAt time.Time
	Message   string // for a person; "" when all is well
	Problem   *Problem
	Requests  int // requests this check spent of the project's budget
}

// Check proves the token can read project data with one GET
// (/servers?per_page=1) and reads the rate-limit headers. lowPercent marks
// the result "low" when less than that share of the limit is left.
func (c *Client) Check(ctx context.Context, lowPercent int) CheckResult {
	resp, err, sent := c.do(ctx, func() (*hcloud.Response, error) {
		// Only the pagination total is used: per_page=1 keeps the answer small.
		_, r, err := c.hc.Server.List(ctx, hcloud.ServerListOpts{ListOpts: hcloud.ListOpts{PerPage: 1}})
		return r, err
	})
	now := c.cfg.Now()
	res := CheckResult{CheckedAt: now, Requests: sent}
	if resp != nil && resp.Response != nil {
		res.RateLimit, _ = ratelimit.FromHeaders(resp.Header, now)
	}
	if err != nil {
		res.Problem = explain(resp, err, c.cfg.Endpoint, res.RateLimit.Reset)
		guessRetryAt(res.Problem, now)
		res.Status, res.Message = res.Problem.Status, res.Problem.Message
		return res
	}
	if resp.Meta.Pagination != nil {
		n := resp.Meta.Pagination.TotalEntries
		res.Servers = &n
	}
	res.Status = StatusOK
	if !res.RateLimit.Known() {
		res.Message = "Hetzner's answer had no readable RateLimit headers, so the remaining budget is unknown."
	} else if IsLow(res.RateLimit.Remaining, res.RateLimit.Limit, lowPercent) {
		res.Status = StatusLow
		res.Message = "Less than the low threshold of this project's request budget is left; something else is using it heavily."
	}
	return res
}

// guessRetryAt gives a rate-limited Problem without a usable reset header a
// one-minute pause, the least bad guess.
func guessRetryAt(p *Problem, now time.Time) {
	if p.Status == StatusRateLimited && p.RetryAt.IsZero() {
		p.RetryAt = now.Add(time.Minute)
	}
}

// IsLow reports whether remaining is under lowPercent of limit.
func IsLow(remaining, limit, lowPercent int) bool {
	return limit > 0 && remaining*100 < limit*lowPercent
}

// ProbeResult is what the permission probe found.
type ProbeResult struct {
	Permission project.Permission
	RateLimit  ratelimit.RateLimit
	CheckedAt  time.Time
	Problem    *Problem // set when the probe could not tell (bad token, offline, …)
	Requests   int
}

// ProbePermission detects whether the token may write without changing
// anything: it sends POST /ssh_keys with an empty body, which can never
// create a key because name and public_key are required. A Read token is
// refused (403 forbidden, or 401 token_readonly in the older form), a Read &
// Write token gets 422 invalid_input. Any other answer is "unknown": Hetzner
// does not document that permission is checked before the body, so we never
// guess. hcloud-go's SSHKey.Create would validate locally and send nothing,
// hence the raw request.
func (c *Client) ProbePermission(ctx context.Context) ProbeResult {
	var resp *hcloud.Response
	var err error
	sent := 0
	resp, err, sent = c.do(ctx, func() (*hcloud.Response, error) {
		req, rerr := c.hc.NewRequest(ctx, http.MethodPost, "/ssh_keys", bytes.NewReader([]byte("{}")))
		if rerr != nil {
			return nil, rerr
		}
		return c.hc.Do(req, nil)
	})
	now := c.cfg.Now()
	res := ProbeResult{Permission: project.PermissionUnknown, CheckedAt: now, Requests: sent}
	if resp != nil && resp.Response != nil {
		res.RateLimit, _ = ratelimit.FromHeaders(resp.Header, now)
	}
	var apiErr hcloud.Error
	if err == nil {
		// A write that should have been impossible succeeded. Say so loudly
		// rather than guess a level.
		res.Problem = &Problem{Status: StatusError, HTTP: resp.StatusCode,
			Message: "The permission probe got an unexpected success from the API; the permission is shown as unknown. Please report this."}
		return res
	}
	if errors.As(err, &apiErr) {
		status := resp.StatusCode
		switch {
		case status == http.StatusForbidden && apiErr.Code == hcloud.ErrorCodeForbidden,
			status == http.StatusUnauthorized && apiErr.Code == codeTokenReadonly:
			res.Permission = project.PermissionRead
			return res
		case status == http.StatusUnprocessableEntity && apiErr.Code == hcloud.ErrorCodeInvalidInput:
			res.Permission = project.PermissionReadWrite
			return res
		}
	}
	res.Problem = explain(resp, err, c.cfg.Endpoint, res.RateLimit.Reset)
	guessRetryAt(res.Problem, now)
	if res.Problem.Status == StatusError && res.Problem.HTTP > 0 && res.Problem.HTTP < 500 {
		res.Problem.Message = "The API gave an answer that does not tell the permission (" + res.Problem.Message + "); it is shown as unknown."
	}
	return res
}
