//go:build linux

package keychain

// Tests against a real Secret Service (gnome-keyring). They need the private,
// unlocked keyring that scripts/with-secret-service.sh provides; run them with
//
//	scripts/with-secret-service.sh go test -race -run . -count=1 ./core/keychain/
//
// Never point them at a desktop session's keyring: they create and delete
// entries, and one test locks the keyring.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	// secretServiceEnv is set to 1 by scripts/with-secret-service.sh.
	secretServiceEnv = "CLOUDMOO_SECRET_SERVICE"
	// childEnv names the helper test a re-executed test binary should run.
	childEnv = "CLOUDMOO_KEYCHAIN_CHILD"
	// integrationTimeout is generous: a cold gnome-keyring on a busy CI
	// machine can take a few seconds to answer the first call.
	integrationTimeout = 15 * time.Second
)

// requireSecretService skips the test unless the throwaway Secret Service is
// there. It also refuses to run without DBUS_SESSION_BUS_ADDRESS, because
// godbus would then autolaunch a bus (and keyring) that outlives the test.
func requireSecretService(t *testing.T) {
	t.Helper()
	if os.Getenv(secretServiceEnv) != "1" {
		t.Skipf("needs a throwaway Secret Service; run: scripts/with-secret-service.sh go test -race -run . -count=1 ./core/keychain/ (sets %s=1)", secretServiceEnv)
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatalf("%s=1 but DBUS_SESSION_BUS_ADDRESS is empty; run the tests through scripts/with-secret-service.sh", secretServiceEnv)
	}
}

// testAccount returns a fresh account name and deletes its entry afterwards.
func testAccount(t *testing.T, k Keychain) string {
	t.Helper()
	account := "test-" + randomHex(t, 6)
	t.Cleanup(func() { _ = k.Delete(context.Background(), account) })
	return account
}

// testSecret looks like a Hetzner token, so a leak into an error is obvious.
func testSecret(t *testing.T) string {
	t.Helper()
	return "hcloud-test-token-" + randomHex(t, 16)
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// requireKind fails unless err is an *Error of the given kind whose text
// does not contain secret.
func requireKind(t *testing.T, err, kind error, secret string) {
	t.Helper()
	var kerr *Error
	if !errors.As(err, &kerr) || !errors.Is(err, kind) {
		t.Fatalf("err = %v, want *Error of kind %v", err, kind)
	}
	if secret != "" && strings.Contains(err.Error(), secret) {
		t.Fatalf("error text contains the secret: %q", err)
	}
}

func secretTool(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("secret-tool", args...).CombinedOutput()
	if err != nil {
		// The output may hold a test secret; it is throwaway, but keep
		// the habit of not printing secrets.
		t.Fatalf("secret-tool %s: %v (install libsecret-tools if it is missing)", args[0], err)
	}
	return string(out)
}

func TestOSSecretServiceRoundTrip(t *testing.T) {
	requireSecretService(t)
	ctx := context.Background()
	k := NewOS(integrationTimeout)
	account := testAccount(t, k)
	first, second := testSecret(t), testSecret(t)

	if err := k.Set(ctx, account, first); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got, err := k.Get(ctx, account); err != nil || got != first {
		t.Fatalf("Get: err = %v, secret matches = %v", err, got == first)
	}
	// Replace token: the same account must end up with one, new entry.
	if err := k.Set(ctx, account, second); err != nil {
		t.Fatalf("Set (replace): %v", err)
	}
	if got, err := k.Get(ctx, account); err != nil || got != second {
		t.Fatalf("Get after replace: err = %v, secret matches = %v", err, got == second)
	}
	found := secretTool(t, "search", "--all", "service", Service, "username", account)
	if n := strings.Count(found, "attribute.username = "+account); n != 1 {
		t.Fatalf("secret-tool finds %d entries for the account after replace, want 1", n)
	}
	if err := k.Delete(ctx, account); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := k.Get(ctx, account)
	requireKind(t, err, ErrNotFound, first)
	requireKind(t, k.Delete(ctx, account), ErrNotFound, "")
}

// TestOSSecretServiceDeletedBehindOurBack removes the entry the way a user
// would with secret-tool (Seahorse does the same over D-Bus), which also
// proves the entry carries the attributes users search for.
func TestOSSecretServiceDeletedBehindOurBack(t *testing.T) {
	requireSecretService(t)
	ctx := context.Background()
	k := NewOS(integrationTimeout)
	account := testAccount(t, k)
	secret := testSecret(t)

	if err := k.Set(ctx, account, secret); err != nil {
		t.Fatalf("Set: %v", err)
	}
	found := secretTool(t, "search", "--all", "service", Service)
	if !strings.Contains(found, "attribute.username = "+account) || !strings.Contains(found, "attribute.service = "+Service) {
		t.Fatalf("secret-tool search service %s does not list account %s", Service, account)
	}

	secretTool(t, "clear", "service", Service, "username", account)

	_, err := k.Get(ctx, account)
	requireKind(t, err, ErrNotFound, secret)
	if !strings.Contains(err.Error(), "Replace token") {
		t.Errorf("message does not say how to recover: %q", err)
	}
	requireKind(t, k.Delete(ctx, account), ErrNotFound, secret)
}

// TestOSNoSecretService runs without the script too: it points godbus at a
// socket that does not exist, so nothing is autolaunched. It runs in a fresh
// process because godbus caches its session bus connection per process, and
// an earlier test's connection would be reused despite the new address.
func TestOSNoSecretService(t *testing.T) {
	runChild(t, "TestOSNoSecretServiceChild")
}

func TestOSNoSecretServiceChild(t *testing.T) {
	if !isChild("TestOSNoSecretServiceChild") {
		t.Skip("helper process for TestOSNoSecretService")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	ctx := context.Background()
	k := NewOS(integrationTimeout)
	secret := testSecret(t)

	calls := []struct {
		name string
		call func() error
	}{
		{"set", func() error { return k.Set(ctx, "prod", secret) }},
		{"get", func() error { _, err := k.Get(ctx, "prod"); return err }},
		{"delete", func() error { return k.Delete(ctx, "prod") }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := c.call()
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("took %v; a missing bus must fail fast", elapsed)
			}
			requireKind(t, err, ErrUnavailable, secret)
			for _, hint := range []string{"apt install gnome-keyring", "DBUS_SESSION_BUS_ADDRESS"} {
				if !strings.Contains(err.Error(), hint) {
					t.Errorf("message lacks %q: %q", hint, err)
				}
			}
		})
	}
}

// TestOSSecretServiceLocked locks the login keyring, which cannot be undone
// without a password prompt, so it runs in a keyring of its own: the child
// runs inside a nested with-secret-service.sh.
func TestOSSecretServiceLocked(t *testing.T) {
	requireSecretService(t)
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "with-secret-service.sh"))
	if err != nil {
		t.Fatal(err)
	}
	runChild(t, "TestOSSecretServiceLockedChild", script)
}

func TestOSSecretServiceLockedChild(t *testing.T) {
	if !isChild("TestOSSecretServiceLockedChild") {
		t.Skip("helper process for TestOSSecretServiceLocked")
	}
	requireSecretService(t)
	ctx := context.Background()
	// Without a display gnome-keyring's unlock prompt fails at once; where
	// it would wait instead, the timeout turns that into ErrLocked too.
	const timeout = 5 * time.Second
	k := NewOS(timeout)
	account := "locked-" + randomHex(t, 6)
	old, replacement := testSecret(t), testSecret(t)
	if err := k.Set(ctx, account, old); err != nil {
		t.Fatalf("Set: %v", err)
	}

	out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
		"/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
		"array:objpath:/org/freedesktop/secrets/collection/login").CombinedOutput()
	if err != nil {
		t.Fatalf("locking the login keyring: %v\n%s", err, out)
	}

	calls := []struct {
		name string
		call func() error
	}{
		{"get", func() error { _, err := k.Get(ctx, account); return err }},
		{"set", func() error { return k.Set(ctx, account, replacement) }},
		{"delete", func() error { return k.Delete(ctx, account) }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := c.call()
			if elapsed := time.Since(start); elapsed > timeout+time.Second {
				t.Errorf("took %v, want at most the %v timeout", elapsed, timeout)
			}
			requireKind(t, err, ErrLocked, replacement)
			if strings.Contains(err.Error(), old) {
				t.Fatalf("error text contains the stored secret: %q", err)
			}
			if !strings.Contains(err.Error(), "Unlock your keyring") {
				t.Errorf("message does not say how to recover: %q", err)
			}
		})
	}
}

func isChild(name string) bool { return os.Getenv(childEnv) == name }

// runChild re-runs this test binary for one helper test, optionally through
// a wrapper command, and fails unless that test passed.
func runChild(t *testing.T, name string, wrapper ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	args := append(wrapper, os.Args[0], "-test.run=^"+name+"$", "-test.v", "-test.count=1")
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append(os.Environ(), childEnv+"="+name)
	// Its own process group, so a hung child is killed with everything it
	// started (a wrapper's bus and keyring daemons included).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second

	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("%s in a child process: err = %v\n%s", name, err, out)
	}
}
