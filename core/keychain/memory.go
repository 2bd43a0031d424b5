package keychain

import (
	"context"
	"sync"
)

// Memory is a Keychain that keeps secrets in memory only, for tests and the
// --demo mode, where touching the user's real keyring would be wrong. It
// validates input and reports errors exactly like NewOS, so code tested
// against it behaves the same against the real keychain. It is safe for
// concurrent use; create it with NewMemory.
type Memory struct {
	mu      sync.Mutex
	secrets map[string]string
	fail    error
}

var _ Keychain = (*Memory)(nil)

// NewMemory returns an empty in-memory Keychain.
func NewMemory() *Memory {
	return &Memory{secrets: make(map[string]string)}
}

// Set stores secret for account, replacing any secret stored before.
func (m *Memory) Set(ctx context.Context, account, secret string) error {
	if err := m.check(ctx, OpSet, account, secret); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.secrets[account] = secret
	return nil
}

// Get returns the secret stored for account.
func (m *Memory) Get(ctx context.Context, account string) (string, error) {
	if err := m.check(ctx, OpGet, account, ""); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	secret, ok := m.secrets[account]
	if !ok {
		return "", &Error{Op: OpGet, Account: account, Kind: ErrNotFound}
	}
	return secret, nil
}

// Delete removes the secret stored for account.
func (m *Memory) Delete(ctx context.Context, account string) error {
	if err := m.check(ctx, OpDelete, account, ""); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.secrets[account]; !ok {
		return &Error{Op: OpDelete, Account: account, Kind: ErrNotFound}
	}
	delete(m.secrets, account)
	return nil
}

// Fail makes every later call return an *Error of the given kind (one of the
// sentinel errors, e.g. ErrLocked) until Fail(nil), so tests can drive the
// UI's error paths. Stored secrets are kept and come back after Fail(nil).
func (m *Memory) Fail(kind error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = kind
}

// Len returns how many accounts have a secret stored.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.secrets)
}

// check applies what every call does first, in the same order as the OS
// keychain: input validation, then cancellation, then the injected failure.
func (m *Memory) check(ctx context.Context, op, account, secret string) error {
	if err := validate(op, account, secret); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return canceled(ctx, op, account)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return &Error{Op: op, Account: account, Kind: m.fail, Detail: "simulated failure"}
	}
	return nil
}
