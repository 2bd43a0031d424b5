package keychain

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error // nil means "unclassified"
	}{
		{"go-keyring not found", keyring.ErrNotFound, ErrNotFound},
		{"wrapped not found", fmt.Errorf("lookup: %w", keyring.ErrNotFound), ErrNotFound},
		{"data too big", keyring.ErrSetDataTooBig, ErrTooBig},
		{"unsupported platform", keyring.ErrUnsupportedPlatform, ErrUnavailable},
		{"bus socket missing", &net.OpError{Op: "dial", Net: "unix", Err: errors.New("connect: no such file or directory")}, ErrUnavailable},
		{"dbus-launch missing", &exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound}, ErrUnavailable},
		{"dbus-launch failed", &exec.ExitError{}, ErrUnavailable},
		{"no secret service provider", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), ErrUnavailable},
		{"provider failed to start", errors.New("Process org.freedesktop.secrets exited with status 1"), ErrUnavailable},
		{"name has no owner", errors.New("Could not get owner of name 'org.freedesktop.secrets': no such name"), ErrUnavailable},
		{"no bus address", errors.New("dbus: couldn't determine address of session bus"), ErrUnavailable},
		{"env var hint", errors.New("DBUS_SESSION_BUS_ADDRESS is not set"), ErrUnavailable},
		{"invalid bus address", errors.New("dbus: invalid bus address (no transport)"), ErrUnavailable},
		{"bus permission is not a refusal", errors.New("dial unix /run/user/1000/bus: connect: permission denied"), ErrUnavailable},
		{"auth failed", errors.New("dbus: authentication failed"), ErrUnavailable},
		{"connection closed", errors.New("dbus: connection closed by user"), ErrUnavailable},
		{"collection not unlocked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ErrLocked},
		{"item locked", errors.New("Cannot get secret of a locked object"), ErrLocked},
		{"bus reply timeout", errors.New("Did not receive a reply. Possible causes include: the remote application did not send a reply"), ErrLocked},
		{"prompt dismissed", errors.New("The prompt was dismissed"), ErrRefused},
		{"access denied", errors.New("Access denied"), ErrRefused},
		{"user cancelled", errors.New("operation cancelled by the user"), ErrRefused},
		{"unknown", errors.New("something unexpected"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify(OpGet, "prod", "", tt.err)
			var kerr *Error
			if !errors.As(err, &kerr) {
				t.Fatalf("classify returned %T, want *Error", err)
			}
			if kerr.Kind != tt.want {
				t.Errorf("Kind = %v, want %v", kerr.Kind, tt.want)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("errors.Is(err, %v) = false", tt.want)
			}
			if kerr.Detail != tt.err.Error() {
				t.Errorf("Detail = %q, want the underlying text %q", kerr.Detail, tt.err.Error())
			}
		})
	}
}

func TestClassifyNil(t *testing.T) {
	if err := classify(OpSet, "prod", "s3cret", nil); err != nil {
		t.Fatalf("classify(nil) = %v, want nil", err)
	}
}

func TestClassifyWithholdsSecret(t *testing.T) {
	const secret = "hcloud-token-0123456789abcdef"
	tests := []struct {
		name string
		err  error
	}{
		{"classified", fmt.Errorf("failed to unlock while storing %s", secret)},
		{"unclassified", fmt.Errorf("odd failure for %s", secret)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify(OpSet, "prod", secret, tt.err)
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error text contains the secret: %q", err)
			}
		})
	}
}

// TestErrorMessages checks that each kind tells the user what to do next.
func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want []string
	}{
		{"not found", &Error{Op: OpGet, Account: "prod", Kind: ErrNotFound},
			[]string{`read the token for "prod"`, "Seahorse", "secret-tool", "Replace token"}},
		{"delete not found", &Error{Op: OpDelete, Account: "prod", Kind: ErrNotFound},
			[]string{`remove the token for "prod"`, "nothing left to remove"}},
		{"unavailable", &Error{Op: OpSet, Account: "prod", Kind: ErrUnavailable, Detail: "dial unix /x: connect: no such file or directory"},
			[]string{`save the token for "prod"`, "apt install gnome-keyring", "KeePassXC", "desktop session", "DBUS_SESSION_BUS_ADDRESS", "(dial unix /x"}},
		{"locked", &Error{Op: OpGet, Account: "prod", Kind: ErrLocked},
			[]string{"locked", "Unlock your keyring", "Passwords and Keys", "log in"}},
		{"timeout", timeoutError(OpGet, "prod", 10*time.Second).(*Error),
			[]string{"did not answer within 10 seconds", "Unlock your keyring"}},
		{"refused", &Error{Op: OpGet, Account: "prod", Kind: ErrRefused},
			[]string{"dismissed", "allow access"}},
		{"too big", &Error{Op: OpSet, Account: "prod", Kind: ErrTooBig},
			[]string{"too large", "only the token"}},
		{"invalid input", &Error{Op: OpSet, Kind: ErrInvalidInput, Detail: "the account name is empty"},
			[]string{"bug", "account name is empty", "report"}},
		{"unknown", &Error{Op: "list", Account: "prod", Kind: nil, Detail: "boom"},
			[]string{"unexpected error (boom)", "Try again", "gnome-keyring"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.err.Error()
			if !strings.HasPrefix(msg, "Could not ") || !strings.HasSuffix(msg, ".") {
				t.Errorf("message is not a full sentence: %q", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{time.Second, "1 second"},
		{10 * time.Second, "10 seconds"},
		{1500 * time.Millisecond, "1.5s"},
		{50 * time.Millisecond, "50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := humanDuration(tt.in); got != tt.want {
				t.Errorf("humanDuration(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClassifyNoSessionBus(t *testing.T) {
	err := classify(OpGet, "prod", "", errNoSessionBus)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "DBUS_SESSION_BUS_ADDRESS") {
		t.Fatalf("err = %v, want ErrUnavailable naming DBUS_SESSION_BUS_ADDRESS", err)
	}
}
