package keychain

import (
	"context"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// DefaultTimeout is how long NewOS waits for the keychain when given 0: long
// enough for a slow D-Bus activation of gnome-keyring, short enough that a
// user staring at a frozen "Saving…" notices something is wrong.
const DefaultTimeout = 10 * time.Second

// backend is the part of go-keyring the app uses. It is an interface so unit
// tests can inject a fake that blocks, fails or records calls without D-Bus.
type backend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// goKeyring is the production backend: go-keyring's package-level functions,
// which pick the platform's keychain, behind a check for a session bus.
type goKeyring struct{}

func (goKeyring) Set(service, user, password string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return keyring.Set(service, user, password)
}

func (goKeyring) Get(service, user string) (string, error) {
	if err := checkSessionBus(); err != nil {
		return "", err
	}
	return keyring.Get(service, user)
}

func (goKeyring) Delete(service, user string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// osKeychain is the Keychain backed by the operating system.
type osKeychain struct {
	backend backend
	timeout time.Duration
	// busy holds a token while a backend call runs. go-keyring calls cannot
	// be cancelled, and one that waits for a prompt may never return; with
	// one call at a time such a hang strands a single goroutine, and later
	// calls time out waiting here instead of each stranding another. It
	// also keeps the keyring from stacking up several unlock prompts.
	busy chan struct{}
}

var _ Keychain = (*osKeychain)(nil)

// NewOS returns a Keychain backed by the operating system's keychain via
// go-keyring. Each call gives up after timeout (DefaultTimeout when timeout
// is 0 or negative) and returns an error wrapping ErrLocked, since a keychain
// that does not answer is usually waiting on an unlock prompt.
//
// A Set that timed out may still complete later, once the keychain answers;
// callers should treat the stored state as unknown and let the user retry.
func NewOS(timeout time.Duration) Keychain {
	return newOS(goKeyring{}, timeout)
}

func newOS(b backend, timeout time.Duration) *osKeychain {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &osKeychain{backend: b, timeout: timeout, busy: make(chan struct{}, 1)}
}

// Set stores secret for account, replacing any secret stored before.
func (k *osKeychain) Set(ctx context.Context, account, secret string) error {
	if err := validate(OpSet, account, secret); err != nil {
		return err
	}
	_, err := k.call(ctx, OpSet, account, secret, func() (string, error) {
		return "", k.backend.Set(Service, account, secret)
	})
	return err
}

// Get returns the secret stored for account.
func (k *osKeychain) Get(ctx context.Context, account string) (string, error) {
	if err := validate(OpGet, account, ""); err != nil {
		return "", err
	}
	return k.call(ctx, OpGet, account, "", func() (string, error) {
		return k.backend.Get(Service, account)
	})
}

// Delete removes the secret stored for account.
func (k *osKeychain) Delete(ctx context.Context, account string) error {
	if err := validate(OpDelete, account, ""); err != nil {
		return err
	}
	_, err := k.call(ctx, OpDelete, account, "", func() (string, error) {
		return "", k.backend.Delete(Service, account)
	})
	return err
}

// call runs fn on its own goroutine and waits for it, for the timeout, or for
// ctx, whichever comes first. go-keyring takes no context and its D-Bus calls
// can block forever (it waits for a prompt's signal without a deadline), so
// the only way to stay responsive is to stop waiting: the goroutine is left
// behind to finish on its own, and its buffered channel lets it exit
// whenever the keychain finally answers.
func (k *osKeychain) call(ctx context.Context, op, account, secret string, fn func() (string, error)) (string, error) {
	if ctx.Err() != nil {
		return "", canceled(ctx, op, account)
	}
	timer := time.NewTimer(k.timeout)
	defer timer.Stop()

	select {
	case k.busy <- struct{}{}:
	case <-timer.C:
		return "", timeoutError(op, account, k.timeout)
	case <-ctx.Done():
		return "", canceled(ctx, op, account)
	}

	type result struct {
		value string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-k.busy }()
		// go-keyring dereferences the prompt signal without checking that
		// the bus is still there; a keyring daemon dying mid-prompt must
		// become an error, not take the whole app down.
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("the keychain library crashed: %v", p)}
			}
		}()
		value, err := fn()
		done <- result{value, err}
	}()

	select {
	case r := <-done:
		if r.err != nil {
			return "", classify(op, account, secret, r.err)
		}
		return r.value, nil
	case <-timer.C:
		return "", timeoutError(op, account, k.timeout)
	case <-ctx.Done():
		return "", canceled(ctx, op, account)
	}
}
