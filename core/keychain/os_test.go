package keychain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// fakeBackend stands in for go-keyring. Calls wait while block is open, then
// fail with err, panic with panicWith, or act on an in-memory map.
type fakeBackend struct {
	mu        sync.Mutex
	secrets   map[string]string
	err       error
	panicWith any
	block     chan struct{}
	calls     int
}

func newFakeBackend() *fakeBackend {
	return &fakeBackend{secrets: make(map[string]string)}
}

func (f *fakeBackend) enter() (chan struct{}, error, any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.block, f.err, f.panicWith
}

func (f *fakeBackend) do(fn func() (string, error)) (string, error) {
	block, err, panicWith := f.enter()
	if block != nil {
		<-block
	}
	if panicWith != nil {
		panic(panicWith)
	}
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return fn()
}

func (f *fakeBackend) Set(service, user, password string) error {
	_, err := f.do(func() (string, error) { f.secrets[service+"/"+user] = password; return "", nil })
	return err
}

func (f *fakeBackend) Get(service, user string) (string, error) {
	return f.do(func() (string, error) {
		s, ok := f.secrets[service+"/"+user]
		if !ok {
			return "", keyring.ErrNotFound
		}
		return s, nil
	})
}

func (f *fakeBackend) Delete(service, user string) error {
	_, err := f.do(func() (string, error) {
		if _, ok := f.secrets[service+"/"+user]; !ok {
			return "", keyring.ErrNotFound
		}
		delete(f.secrets, service+"/"+user)
		return "", nil
	})
	return err
}

func (f *fakeBackend) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func TestOSRoundTripWithFake(t *testing.T) {
	ctx := context.Background()
	fake := newFakeBackend()
	k := newOS(fake, time.Second)

	if err := k.Set(ctx, "prod", "first"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := k.Set(ctx, "prod", "second"); err != nil {
		t.Fatalf("Set (replace): %v", err)
	}
	if got, err := k.Get(ctx, "prod"); err != nil || got != "second" {
		t.Fatalf("Get = %q, %v; want second, nil", got, err)
	}
	if _, ok := fake.secrets[Service+"/prod"]; !ok {
		t.Errorf("secret not stored under service %q", Service)
	}
	if err := k.Delete(ctx, "prod"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get(ctx, "prod"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := k.Delete(ctx, "prod"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete of missing entry: %v, want ErrNotFound", err)
	}
}

func TestOSValidation(t *testing.T) {
	tests := []struct {
		name string
		call func(Keychain) error
	}{
		{"set empty account", func(k Keychain) error { return k.Set(context.Background(), "", "s") }},
		{"set empty secret", func(k Keychain) error { return k.Set(context.Background(), "prod", "") }},
		{"get empty account", func(k Keychain) error { _, err := k.Get(context.Background(), ""); return err }},
		{"delete empty account", func(k Keychain) error { return k.Delete(context.Background(), "") }},
		{"invalid UTF-8", func(k Keychain) error { _, err := k.Get(context.Background(), "pro\xffd"); return err }},
		{"NUL byte", func(k Keychain) error { _, err := k.Get(context.Background(), "pro\x00d"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeBackend()
			err := tt.call(newOS(fake, time.Second))
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if n := fake.callCount(); n != 0 {
				t.Errorf("backend called %d times for invalid input", n)
			}
		})
	}
}

func TestOSTimeout(t *testing.T) {
	const timeout = 50 * time.Millisecond
	tests := []struct {
		name string
		call func(Keychain) error
	}{
		{"set", func(k Keychain) error { return k.Set(context.Background(), "prod", "s3cret-token") }},
		{"get", func(k Keychain) error { _, err := k.Get(context.Background(), "prod"); return err }},
		{"delete", func(k Keychain) error { return k.Delete(context.Background(), "prod") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeBackend()
			fake.block = make(chan struct{})
			defer close(fake.block) // lets the abandoned goroutine finish
			k := newOS(fake, timeout)

			start := time.Now()
			err := tt.call(k)
			elapsed := time.Since(start)
			if !errors.Is(err, ErrLocked) {
				t.Fatalf("err = %v, want ErrLocked", err)
			}
			if elapsed > timeout+time.Second {
				t.Errorf("returned after %v, want about %v", elapsed, timeout)
			}
			if !strings.Contains(err.Error(), "did not answer within 50ms") {
				t.Errorf("message does not name the timeout: %q", err)
			}
			if strings.Contains(err.Error(), "s3cret-token") {
				t.Errorf("message contains the secret: %q", err)
			}
		})
	}
}

// TestOSStuckCallDoesNotPileUp checks that while one backend call hangs,
// later calls time out without starting more backend calls, and that the
// keychain works again once the stuck call returns.
func TestOSStuckCallDoesNotPileUp(t *testing.T) {
	ctx := context.Background()
	fake := newFakeBackend()
	fake.block = make(chan struct{})
	k := newOS(fake, 30*time.Millisecond)

	for i := range 3 {
		if _, err := k.Get(ctx, "prod"); !errors.Is(err, ErrLocked) {
			t.Fatalf("call %d: err = %v, want ErrLocked", i, err)
		}
	}
	if n := fake.callCount(); n != 1 {
		t.Fatalf("backend calls = %d, want 1 while the first one hangs", n)
	}

	fake.mu.Lock()
	close(fake.block)
	fake.block = nil
	fake.mu.Unlock()

	deadline := time.Now().Add(2 * time.Second)
	for {
		err := k.Set(ctx, "prod", "token")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("keychain still failing after the stuck call returned: %v", err)
		}
	}
}

func TestOSContextCancel(t *testing.T) {
	t.Run("already canceled", func(t *testing.T) {
		fake := newFakeBackend()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newOS(fake, time.Second).Get(ctx, "prod")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if n := fake.callCount(); n != 0 {
			t.Errorf("backend called %d times with a canceled context", n)
		}
	})
	t.Run("canceled while waiting", func(t *testing.T) {
		fake := newFakeBackend()
		fake.block = make(chan struct{})
		defer close(fake.block)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)

		start := time.Now()
		err := newOS(fake, time.Minute).Set(ctx, "prod", "s3cret-token")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Errorf("returned after %v, want soon after cancel", elapsed)
		}
		if strings.Contains(err.Error(), "s3cret-token") {
			t.Errorf("message contains the secret: %q", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		fake := newFakeBackend()
		fake.block = make(chan struct{})
		defer close(fake.block)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		err := newOS(fake, time.Minute).Delete(ctx, "prod")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want context.DeadlineExceeded", err)
		}
	})
}

func TestOSBackendErrors(t *testing.T) {
	const secret = "hcloud-secret-token-value"
	tests := []struct {
		name      string
		err       error
		panicWith any
		want      error
	}{
		{"not found", keyring.ErrNotFound, nil, ErrNotFound},
		{"no provider", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), nil, ErrUnavailable},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), nil, ErrLocked},
		{"echoes the secret", fmt.Errorf("prompt dismissed for %s", secret), nil, ErrRefused},
		{"library panic", nil, "runtime error: invalid memory address or nil pointer dereference", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeBackend()
			fake.err, fake.panicWith = tt.err, tt.panicWith
			err := newOS(fake, time.Second).Set(context.Background(), "prod", secret)
			var kerr *Error
			if !errors.As(err, &kerr) {
				t.Fatalf("err = %T %v, want *Error", err, err)
			}
			if kerr.Kind != tt.want || kerr.Op != OpSet || kerr.Account != "prod" {
				t.Errorf("got %+v, want Kind %v, Op set, Account prod", kerr, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("message contains the secret: %q", err)
			}
		})
	}
}

func TestNewOSDefaultTimeout(t *testing.T) {
	tests := []struct {
		in, want time.Duration
	}{
		{0, DefaultTimeout},
		{-time.Second, DefaultTimeout},
		{3 * time.Second, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.in.String(), func(t *testing.T) {
			if got := newOS(newFakeBackend(), tt.in).timeout; got != tt.want {
				t.Errorf("timeout = %v, want %v", got, tt.want)
			}
		})
	}
	if _, ok := NewOS(0).(*osKeychain); !ok {
		t.Errorf("NewOS does not return the OS keychain")
	}
}
