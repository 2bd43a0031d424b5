package keychain

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// Sentinel errors: the Kind of every *Error. Branch on them with errors.Is;
// show the *Error itself to the user, since it says what to do next.
var (
	// ErrNotFound means there is no entry for the account, e.g. because it
	// was deleted behind the app's back with secret-tool or Seahorse.
	ErrNotFound = errors.New("keychain: no entry for this account")
	// ErrUnavailable means there is no keychain service to talk to: on Linux
	// no Secret Service provider or no D-Bus session bus.
	ErrUnavailable = errors.New("keychain: no keychain service available")
	// ErrLocked means the keyring is locked, or it did not answer in time,
	// usually because it waits for a password prompt nobody answers.
	ErrLocked = errors.New("keychain: keyring locked or not answering")
	// ErrRefused means the user dismissed the keychain's prompt or the
	// keychain denied access.
	ErrRefused = errors.New("keychain: access refused")
	// ErrTooBig means the keychain rejected the secret as too large
	// (go-keyring's ErrSetDataTooBig; macOS and Windows have small limits).
	ErrTooBig = errors.New("keychain: secret too large")
	// ErrInvalidInput means the caller passed an empty or malformed account
	// or an empty secret: a bug in the caller, reported instead of a panic.
	ErrInvalidInput = errors.New("keychain: invalid input")
)

// Error is a keychain failure a person can act on.
type Error struct {
	// Op is the operation that failed: OpSet, OpGet or OpDelete.
	Op string
	// Account is the account the operation was for; it is a name, not a
	// secret, and it lets the message point at the right entry.
	Account string
	// Kind is one of the sentinel errors, or nil when the failure could
	// not be classified.
	Kind error
	// Detail is the underlying error text for support and logs. It never
	// contains the secret.
	Detail string
}

// Error returns a full sentence: what failed, why, and what to do next.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("Could not ")
	b.WriteString(e.action())
	b.WriteString(": ")
	b.WriteString(explanation(e.Kind))
	if e.Detail != "" {
		fmt.Fprintf(&b, " (%s)", e.Detail)
	}
	b.WriteString(". ")
	b.WriteString(e.advice())
	return b.String()
}

// Unwrap returns Kind, so errors.Is(err, ErrNotFound) and friends work.
func (e *Error) Unwrap() error { return e.Kind }

func (e *Error) action() string {
	switch e.Op {
	case OpSet:
		return fmt.Sprintf("save the token for %q in the system keychain", e.Account)
	case OpGet:
		return fmt.Sprintf("read the token for %q from the system keychain", e.Account)
	case OpDelete:
		return fmt.Sprintf("remove the token for %q from the system keychain", e.Account)
	default:
		return fmt.Sprintf("use the system keychain for %q", e.Account)
	}
}

func explanation(kind error) string {
	switch kind {
	case ErrNotFound:
		return "there is no such entry; it may have been deleted with Seahorse or secret-tool"
	case ErrUnavailable:
		return "no keychain service is running; on Linux the Secret Service on the D-Bus session bus could not be reached"
	case ErrLocked:
		return "the keyring is locked or did not answer"
	case ErrRefused:
		return "access was refused; the keychain's prompt was dismissed or access was denied"
	case ErrTooBig:
		return "the keychain rejected the token as too large"
	case ErrInvalidInput:
		return "CloudMoo Desktop passed invalid input, which is a bug"
	default:
		return "the keychain reported an unexpected error"
	}
}

func (e *Error) advice() string {
	switch e.Kind {
	case ErrNotFound:
		if e.Op == OpDelete {
			return "There is nothing left to remove."
		}
		return "Add the token again with Replace token."
	case ErrUnavailable:
		return "Install and start gnome-keyring (apt install gnome-keyring), or KeePassXC with Secret Service integration enabled, " +
			"run CloudMoo Desktop inside your desktop session, and make sure DBUS_SESSION_BUS_ADDRESS points to your session bus."
	case ErrLocked:
		return "Unlock your keyring (log in to your desktop again, or open \"Passwords and Keys\" (Seahorse) and unlock the Login keyring), then try again."
	case ErrRefused:
		return "Try again and allow access when your keyring asks."
	case ErrTooBig:
		return "Check that you pasted only the token, then try again."
	case ErrInvalidInput:
		return "Please report it to the CloudMoo Desktop developers."
	default:
		return "Try again; if it keeps failing, check that your keyring (gnome-keyring or KeePassXC) is running and unlocked, and report this message."
	}
}

// textRule maps error texts containing any of needles to kind.
type textRule struct {
	kind    error
	needles []string
}

// textRules returns substrings of go-keyring and godbus error texts,
// lower-cased, to be checked in this order. Text is all there is to go on: go-keyring passes godbus errors
// through unwrapped, and a D-Bus error's Error() is only its message.
// Unavailable comes first because connection errors such as "dial unix ...:
// permission denied" would otherwise look like a refusal.
func textRules() []textRule {
	return []textRule{
		{ErrUnavailable, []string{
			"org.freedesktop.secrets",            // "The name org.freedesktop.secrets was not provided by any .service files"
			"not provided by any .service files", // same, for another name
			"serviceunknown",
			"namehasnoowner",
			"not activatable",
			"session bus",              // "dbus: couldn't determine address of session bus"
			"dbus_session_bus_address", // hints from wrappers and docs
			"dbus-launch",              // autolaunch attempted and failed
			"invalid bus address",
			"invalid address",
			"dial unix",
			"dial tcp",
			"connection refused",
			"connection reset",
			"broken pipe",
			"no such file or directory",
			"dbus: authentication",
			"dbus: connection closed",
			"use of closed network connection",
			"unsupported platform",
		}},
		{ErrLocked, []string{
			"locked",           // org.freedesktop.Secret.Error.IsLocked
			"failed to unlock", // go-keyring: "failed to unlock correct collection"
			"did not receive a reply",
			"timed out",
			"timeout",
		}},
		{ErrRefused, []string{
			"dismissed",
			"prompt",
			"denied",
			"not allowed",
			"rejected",
			"cancelled",
			"canceled",
		}},
	}
}

// classify turns an error from the keychain backend into an *Error. secret is
// what Set was storing (empty for Get and Delete); a Detail that happens to
// contain it is withheld instead of being shown or logged.
func classify(op, account, secret string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Op: op, Account: account, Kind: kindOf(err), Detail: safeDetail(err.Error(), secret)}
}

func kindOf(err error) error {
	var (
		opErr   *net.OpError
		execErr *exec.Error
		exitErr *exec.ExitError
	)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrTooBig
	case errors.Is(err, keyring.ErrUnsupportedPlatform), errors.Is(err, errNoSessionBus),
		// godbus fails to dial the bus (*net.OpError) or to run
		// dbus-launch when no bus address is set (*exec.Error, or
		// *exec.ExitError whose text is only "exit status 1").
		errors.As(err, &opErr), errors.As(err, &execErr), errors.As(err, &exitErr):
		return ErrUnavailable
	}
	text := strings.ToLower(err.Error())
	for _, rule := range textRules() {
		for _, needle := range rule.needles {
			if strings.Contains(text, needle) {
				return rule.kind
			}
		}
	}
	return nil
}

func safeDetail(detail, secret string) string {
	if secret != "" && strings.Contains(detail, secret) {
		return "details withheld because they contained the secret"
	}
	return detail
}

// timeoutError is what a call that outlived its timeout returns: a keychain
// that does not answer is almost always one waiting on an unlock prompt.
func timeoutError(op, account string, timeout time.Duration) error {
	return &Error{
		Op:      op,
		Account: account,
		Kind:    ErrLocked,
		Detail:  fmt.Sprintf("the keychain did not answer within %s; it may be waiting for a password prompt nobody answered", humanDuration(timeout)),
	}
}

func humanDuration(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		if d == time.Second {
			return "1 second"
		}
		return fmt.Sprintf("%d seconds", d/time.Second)
	}
	return d.String()
}
