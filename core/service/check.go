package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// tokenFor returns a project's token, from the cache or the keychain.
func (l *Local) tokenFor(ctx context.Context, id string) (token.Token, error) {
	l.mu.Lock()
	tok, ok := l.tokens[id]
	l.mu.Unlock()
	if ok {
		return tok, nil
	}
	secret, err := l.keys.Get(ctx, id)
	l.noteKeychain(err)
	if err != nil {
		return token.Token{}, err
	}
	tok, err = token.Parse(secret)
	if err != nil {
		return token.Token{}, fmt.Errorf("the keychain entry for this project does not hold a valid token (%w); use Replace token", err)
	}
	l.mu.Lock()
	l.tokens[id] = tok
	l.mu.Unlock()
	return tok, nil
}

func (l *Local) lowPercent() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file.Settings.LowPercent > 0 {
		return l.file.Settings.LowPercent
	}
	return project.DefaultSettings().LowPercent
}

// CheckProject implements monitor.Checker: one request, result recorded.
func (l *Local) CheckProject(ctx context.Context, id string) hetzner.CheckResult {
	tok, err := l.tokenFor(ctx, id)
	var res hetzner.CheckResult
	if err != nil {
		res = hetzner.CheckResult{
			Status:    hetzner.StatusKeychainError,
			CheckedAt: l.now(),
			Message:   "Cannot read this project's token from the keychain: " + err.Error(),
		}
	} else {
		res = hetzner.NewClient(tok, l.api).Check(ctx, l.lowPercent())
	}
	if ctx.Err() != nil && res.Problem != nil && errors.Is(res.Problem, context.Canceled) {
		// Shutting down: a cancelled check says nothing about the project.
		return res
	}
	l.record(id, res)
	return res
}

// record folds a check result into the project's state and publishes it.
func (l *Local) record(id string, res hetzner.CheckResult) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.states[id]
	if !ok {
		return // removed meanwhile
	}
	t.ownSince += res.Requests
	if res.RateLimit.Known() {
		t.tracker.Observe(res.RateLimit, t.ownSince)
		t.ownSince = 0
	}
	t.state.Status = res.Status
	t.state.Message = res.Message
	t.state.CheckedAt = res.CheckedAt
	if res.Servers != nil {
		n := *res.Servers
		t.state.Servers = &n
	}
	t.state.RetryAt = time.Time{}
	if res.Problem != nil {
		t.state.RetryAt = res.Problem.RetryAt
	}
	l.monitor.Record(id, res)
	if next, ok := l.monitor.NextOf(id); ok {
		t.state.NextCheckAt = next
	}
	l.publishProjectLocked(t)
}

// CheckNow implements Service.
func (l *Local) CheckNow(ctx context.Context, ids ...string) ([]ProjectState, error) {
	l.mu.Lock()
	if len(ids) == 0 {
		for _, p := range l.file.Projects {
			ids = append(ids, p.ID)
		}
	} else {
		for i, key := range ids {
			p, err := l.file.Get(key)
			if err != nil {
				l.mu.Unlock()
				return nil, err
			}
			ids[i] = p.ID
		}
	}
	l.mu.Unlock()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() { defer wg.Done(); l.CheckProject(ctx, id) }()
	}
	wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]ProjectState, 0, len(ids))
	for _, id := range ids {
		if t, ok := l.states[id]; ok {
			out = append(out, l.stateLocked(t))
		}
	}
	return out, ctx.Err()
}

// checkToken runs the check and the permission probe for a token (two
// requests) and summarises them.
func (l *Local) checkToken(ctx context.Context, tok token.Token) (TokenReport, hetzner.CheckResult, hetzner.ProbeResult) {
	client := hetzner.NewClient(tok, l.api)
	res := client.Check(ctx, l.lowPercent())
	rep := TokenReport{TokenMask: tok.Masked(), Status: res.Status, Message: res.Message, Servers: res.Servers, CheckedAt: res.CheckedAt, Permission: project.PermissionUnknown}
	if res.RateLimit.Known() {
		rl := res.RateLimit
		rep.RateLimit = &rl
	}
	var probe hetzner.ProbeResult
	if res.Status == hetzner.StatusInvalidToken || res.Status == hetzner.StatusOffline || res.Status == hetzner.StatusRateLimited {
		// The probe would fail the same way and spend another request.
		rep.PermissionMessage = "Not detected: the token could not be checked."
		return rep, res, probe
	}
	probe = client.ProbePermission(ctx)
	rep.Permission = probe.Permission
	if probe.Problem != nil {
		rep.PermissionMessage = probe.Problem.Message
	}
	if probe.RateLimit.Known() && (rep.RateLimit == nil || probe.RateLimit.ObservedAt.After(rep.RateLimit.ObservedAt) || probe.RateLimit.Remaining < rep.RateLimit.Remaining) {
		rl := probe.RateLimit
		rep.RateLimit = &rl
	}
	return rep, res, probe
}

// CheckToken implements Service.
func (l *Local) CheckToken(ctx context.Context, tokenText string) (TokenReport, error) {
	tok, err := token.Parse(tokenText)
	if err != nil {
		return TokenReport{}, err
	}
	rep, _, _ := l.checkToken(ctx, tok)
	return rep, nil
}
