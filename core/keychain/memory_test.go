package keychain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestMemory(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()

	if err := m.Set(ctx, "prod", "first"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := m.Set(ctx, "prod", "second"); err != nil {
		t.Fatalf("Set (replace): %v", err)
	}
	if got, err := m.Get(ctx, "prod"); err != nil || got != "second" {
		t.Fatalf("Get = %q, %v; want second, nil", got, err)
	}
	if n := m.Len(); n != 1 {
		t.Fatalf("Len = %d, want 1", n)
	}
	if err := m.Delete(ctx, "prod"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := m.Get(ctx, "prod"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := m.Delete(ctx, "prod"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete of missing entry: %v, want ErrNotFound", err)
	}
	if n := m.Len(); n != 0 {
		t.Fatalf("Len = %d, want 0", n)
	}
}

func TestMemoryFail(t *testing.T) {
	tests := []struct {
		name string
		kind error
	}{
		{"not found", ErrNotFound},
		{"unavailable", ErrUnavailable},
		{"locked", ErrLocked},
		{"refused", ErrRefused},
	}
	for _, tt := range tests {
		kind := tt.kind
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			m := NewMemory()
			if err := m.Set(ctx, "prod", "s3cret-token"); err != nil {
				t.Fatalf("Set: %v", err)
			}
			m.Fail(kind)
			calls := map[string]error{
				"set":    m.Set(ctx, "prod", "s3cret-token"),
				"delete": m.Delete(ctx, "prod"),
			}
			_, calls["get"] = m.Get(ctx, "prod")
			for op, err := range calls {
				var kerr *Error
				if !errors.As(err, &kerr) || !errors.Is(err, kind) {
					t.Errorf("%s: err = %v, want *Error of kind %v", op, err, kind)
					continue
				}
				if kerr.Op != op {
					t.Errorf("%s: Op = %q", op, kerr.Op)
				}
				if strings.Contains(err.Error(), "s3cret-token") {
					t.Errorf("%s: message contains the secret: %q", op, err)
				}
			}

			m.Fail(nil)
			if got, err := m.Get(ctx, "prod"); err != nil || got != "s3cret-token" {
				t.Fatalf("after Fail(nil): Get = %q, %v; want the stored secret", got, err)
			}
		})
	}
}

func TestMemoryValidationAndCancel(t *testing.T) {
	canceledCtx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		call func(*Memory) error
		want error
	}{
		{"empty account", func(m *Memory) error { return m.Set(context.Background(), "", "s") }, ErrInvalidInput},
		{"empty secret", func(m *Memory) error { return m.Set(context.Background(), "prod", "") }, ErrInvalidInput},
		{"canceled", func(m *Memory) error { _, err := m.Get(canceledCtx, "prod"); return err }, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(NewMemory()); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestMemoryConcurrent is meant for -race.
func TestMemoryConcurrent(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			account := fmt.Sprintf("project-%d", i)
			for range 100 {
				if err := m.Set(ctx, account, "token"); err != nil {
					t.Errorf("Set: %v", err)
				}
				if _, err := m.Get(ctx, account); err != nil {
					t.Errorf("Get: %v", err)
				}
				_ = m.Len()
			}
			m.Fail(nil)
		})
	}
	wg.Wait()
	if n := m.Len(); n != 8 {
		t.Fatalf("Len = %d, want 8", n)
	}
}
