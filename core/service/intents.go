package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// verify checks a token before it is saved. A rejected token is never
// saved; one that could not be checked is saved only if the caller said so.
func (l *Local) verify(ctx context.Context, tok token.Token) (TokenReport, hetzner.CheckResult, error) {
	rep, res, _ := l.checkToken(ctx, tok)
	switch {
	case res.Status == hetzner.StatusInvalidToken:
		return rep, res, fmt.Errorf("%w: %s", ErrTokenRejected, res.Message)
	case !res.Status.Healthy():
		return rep, res, fmt.Errorf("%w: %s Save it without the check (--no-check, or \"Save unchecked\") and CloudMoo will check it later", ErrNotVerified, res.Message)
	}
	return rep, res, nil
}

// Add implements Service. The token goes to the keychain first and the
// project to the config file second: a failure between the two leaves at
// worst an orphan keychain entry, which is removed, never a project
// without its token.
func (l *Local) Add(ctx context.Context, req AddRequest) (ProjectState, error) {
	name, err := project.NormalizeName(req.Name)
	if err != nil {
		return ProjectState{}, err
	}
	tok, err := token.Parse(req.Token)
	if err != nil {
		return ProjectState{}, err
	}
	l.mu.Lock()
	fileErr := l.fileErr
	nameErr := l.file.CheckNameFree(name, "")
	l.mu.Unlock()
	if fileErr != nil {
		return ProjectState{}, fmt.Errorf("%w: %w", ErrReadOnly, fileErr)
	}
	if nameErr != nil {
		return ProjectState{}, nameErr // before spending requests on the check
	}
	if holder, ok := l.holderOf(ctx, tok); ok {
		return ProjectState{}, fmt.Errorf("%w: this token is already saved as project %q; one token reaches one project, so there is nothing to add", ErrDuplicateToken, holder.Name)
	}
	perm := req.Permission
	if perm == "" {
		perm = project.PermissionUnknown
	}
	var res hetzner.CheckResult
	var rep TokenReport
	checked := !req.SkipCheck
	if checked {
		if rep, res, err = l.verify(ctx, tok); err != nil {
			return ProjectState{}, err
		}
		perm = rep.Permission
	}
	p := project.Project{ID: project.NewID(), Name: name, AddedAt: l.now().UTC().Truncate(1e9), Permission: perm, TokenMask: tok.Masked()}
	if checked && perm != project.PermissionUnknown {
		p.PermissionCheckedAt = rep.CheckedAt.UTC()
	}
	err = l.keys.Set(ctx, p.ID, tok.Value())
	l.noteKeychain(err)
	if err != nil {
		return ProjectState{}, fmt.Errorf("the token was not saved: %w", err)
	}
	if err := l.update(func(f *project.File) error { return f.Add(p) }); err != nil {
		if derr := l.keys.Delete(context.WithoutCancel(ctx), p.ID); derr != nil && !errors.Is(derr, keychain.ErrNotFound) {
			return ProjectState{}, fmt.Errorf("%w (and its keychain entry %s could not be removed: %v)", err, p.ID, derr)
		}
		return ProjectState{}, err
	}
	l.mu.Lock()
	l.tokens[p.ID] = tok
	l.mu.Unlock()
	switch {
	case checked:
		l.record(p.ID, res)
		l.countOwn(p.ID, 1) // the probe
	case req.Checked != nil && req.Checked.TokenMask == tok.Masked() && l.now().Sub(req.Checked.CheckedAt) < 10*time.Minute:
		l.record(p.ID, req.Checked.result())
		l.countOwn(p.ID, 1)
	}
	return l.state(p.ID)
}

// holderOf returns the project that stores tok. Only projects
// whose stored mask matches are read from the keychain.
func (l *Local) holderOf(ctx context.Context, tok token.Token) (project.Project, bool) {
	l.mu.Lock()
	var candidates []project.Project
	for _, p := range l.file.Projects {
		if p.TokenMask == tok.Masked() {
			candidates = append(candidates, p)
		}
	}
	l.mu.Unlock()
	for _, p := range candidates {
		if secret, err := l.keys.Get(ctx, p.ID); err == nil && secret == tok.Value() {
			return p, true
		}
	}
	return project.Project{}, false
}

// countOwn notes requests made outside a check (the probe) so the budget
// they took is not blamed on other clients.
func (l *Local) countOwn(id string, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t, ok := l.states[id]; ok {
		t.ownSince += n
	}
}

func (l *Local) state(id string) (ProjectState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.states[id]
	if !ok {
		return ProjectState{}, fmt.Errorf("%w %q", project.ErrNotFound, id)
	}
	return l.stateLocked(t), nil
}

// resolve maps a name or ID to the project's ID.
func (l *Local) resolve(key string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, err := l.file.Get(key)
	return p.ID, err
}

// Rename implements Service; the keychain entry is keyed by ID and stays.
func (l *Local) Rename(_ context.Context, key, newName string) (ProjectState, error) {
	id, err := l.resolve(key)
	if err != nil {
		return ProjectState{}, err
	}
	if err := l.update(func(f *project.File) error { return f.Rename(id, newName) }); err != nil {
		return ProjectState{}, err
	}
	return l.state(id)
}

// ReplaceToken implements Service: the new token overwrites the keychain
// entry, then the config records its mask and permission.
func (l *Local) ReplaceToken(ctx context.Context, req ReplaceRequest) (ProjectState, error) {
	id, err := l.resolve(req.ID)
	if err != nil {
		return ProjectState{}, err
	}
	tok, err := token.Parse(req.Token)
	if err != nil {
		return ProjectState{}, err
	}
	if holder, ok := l.holderOf(ctx, tok); ok {
		if holder.ID != id {
			return ProjectState{}, fmt.Errorf("%w: this token is already saved as project %q; a token reaches one project only", ErrDuplicateToken, holder.Name)
		}
	}
	perm := req.Permission
	if perm == "" {
		perm = project.PermissionUnknown
	}
	var res hetzner.CheckResult
	var rep TokenReport
	if !req.SkipCheck {
		if rep, res, err = l.verify(ctx, tok); err != nil {
			return ProjectState{}, err
		}
		perm = rep.Permission
	}
	err = l.keys.Set(ctx, id, tok.Value())
	l.noteKeychain(err)
	if err != nil {
		return ProjectState{}, fmt.Errorf("the token was not replaced: %w", err)
	}
	l.mu.Lock()
	l.tokens[id] = tok
	l.mu.Unlock()
	now := l.now().UTC()
	if err := l.update(func(f *project.File) error {
		i := f.Find(id)
		if i < 0 {
			return fmt.Errorf("%w %q", project.ErrNotFound, id)
		}
		f.Projects[i].TokenMask = tok.Masked()
		f.Projects[i].Permission = perm
		f.Projects[i].TokenReplaced = now
		f.Projects[i].PermissionCheckedAt = rep.CheckedAt.UTC()
		if req.SkipCheck {
			f.Projects[i].PermissionCheckedAt = time.Time{}
		}
		return nil
	}); err != nil {
		return ProjectState{}, fmt.Errorf("the new token is in the keychain, but the config could not be updated: %w", err)
	}
	l.mu.Lock()
	if t, ok := l.states[id]; ok {
		// A new token may belong to another project (a mistaken paste):
		// start the budget history afresh.
		t.tracker = ratelimit.Tracker{}
		t.ownSince = 0
	}
	l.mu.Unlock()
	if !req.SkipCheck {
		l.record(id, res)
		l.countOwn(id, 1)
	} else {
		l.monitor.CheckNow(id)
	}
	return l.state(id)
}

// Remove implements Service. The project leaves the config first and the
// keychain second: a failure between the two leaves an orphan keychain
// entry (reported), never a listed project whose token is gone.
func (l *Local) Remove(ctx context.Context, key string) error {
	id, err := l.resolve(key)
	if err != nil {
		return err
	}
	if err := l.update(func(f *project.File) error { _, err := f.Remove(id); return err }); err != nil {
		return err
	}
	err = l.keys.Delete(ctx, id)
	l.noteKeychain(err)
	if err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return fmt.Errorf("%w: the project was removed, but its keychain entry (service %s, account %s) could not be deleted: %w. Delete it with your keychain tool (on Linux: secret-tool clear service %s username %s)",
			ErrKeychainCleanup, keychain.Service, id, err, keychain.Service, id)
	}
	return nil
}

// DetectPermission implements Service.
func (l *Local) DetectPermission(ctx context.Context, key string) (ProjectState, error) {
	id, err := l.resolve(key)
	if err != nil {
		return ProjectState{}, err
	}
	tok, err := l.tokenFor(ctx, id)
	if err != nil {
		return ProjectState{}, err
	}
	probe := hetzner.NewClient(tok, l.api).ProbePermission(ctx)
	l.countOwn(id, probe.Requests)
	if probe.Problem != nil && probe.Permission == project.PermissionUnknown && probe.Problem.Status != hetzner.StatusError {
		// Offline, rate limited, revoked: keep what we knew.
		return ProjectState{}, fmt.Errorf("the permission could not be detected: %s", probe.Problem.Message)
	}
	if err := l.update(func(f *project.File) error {
		i := f.Find(id)
		if i < 0 {
			return fmt.Errorf("%w %q", project.ErrNotFound, id)
		}
		f.Projects[i].Permission = probe.Permission
		f.Projects[i].PermissionCheckedAt = probe.CheckedAt.UTC()
		return nil
	}); err != nil {
		return ProjectState{}, err
	}
	st, err := l.state(id)
	if err == nil && probe.Problem != nil {
		err = fmt.Errorf("the permission is unknown: %s", probe.Problem.Message)
	}
	return st, err
}

// UpdateSettings implements Service.
func (l *Local) UpdateSettings(_ context.Context, s project.Settings) (project.Settings, error) {
	if err := s.Validate(); err != nil {
		return project.Settings{}, err
	}
	if err := l.update(func(f *project.File) error { f.Settings = s; return nil }); err != nil {
		return project.Settings{}, err
	}
	return s, nil
}

// result turns a recent report back into the check it came from.
func (r *TokenReport) result() hetzner.CheckResult {
	res := hetzner.CheckResult{Status: r.Status, Message: r.Message, Servers: r.Servers, CheckedAt: r.CheckedAt, Requests: 1}
	if r.RateLimit != nil {
		res.RateLimit = *r.RateLimit
	}
	return res
}
