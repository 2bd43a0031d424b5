// Package keychain keeps Hetzner Cloud API tokens in the operating system's
// keychain (the Secret Service on Linux, e.g. gnome-keyring or KeePassXC;
// Keychain on macOS; Credential Manager on Windows) and nowhere else: the app
// never writes a token to its own files, so losing a laptop's config file
// does not leak a token.
//
// NewOS talks to the real keychain; NewMemory is an in-memory stand-in for
// tests and the --demo mode. Both return errors of type *Error whose Kind is
// one of the sentinel errors below, so callers can branch with errors.Is and
// show Error() to the user as it is.
package keychain

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Service is the service name every secret is stored under. On Linux it is
// the "service" attribute that secret-tool and Seahorse show, which is what a
// user searches for: secret-tool search service com.cloudmoo.desktop.
const Service = "com.cloudmoo.desktop"

// Keychain stores one secret per account under the app's service name.
//
// Every method returns nil or an *Error (or, when ctx ends first, an error
// that wraps ctx.Err()). Error texts never contain the secret.
type Keychain interface {
	// Set stores secret for account, replacing any secret stored before.
	Set(ctx context.Context, account, secret string) error
	// Get returns the secret stored for account, or an error wrapping
	// ErrNotFound when there is none.
	Get(ctx context.Context, account string) (string, error)
	// Delete removes the secret stored for account, or returns an error
	// wrapping ErrNotFound when there is none.
	Delete(ctx context.Context, account string) error
}

// Operation names used in Error.Op; Error() turns them into words.
const (
	// OpSet names Keychain.Set.
	OpSet = "set"
	// OpGet names Keychain.Get.
	OpGet = "get"
	// OpDelete names Keychain.Delete.
	OpDelete = "delete"
)

// validate rejects input that can only come from a bug in the caller. The
// checks run before any keychain call because D-Bus refuses strings that are
// not valid UTF-8 or contain NUL by dropping the whole connection, which
// would break every later call too.
func validate(op, account, secret string) error {
	invalid := func(detail string) error {
		return &Error{Op: op, Account: account, Kind: ErrInvalidInput, Detail: detail}
	}
	switch {
	case account == "":
		return invalid("the account name is empty")
	case !utf8.ValidString(account):
		return invalid("the account name is not valid UTF-8")
	case strings.ContainsRune(account, 0):
		return invalid("the account name contains a NUL byte")
	case op == OpSet && secret == "":
		// An empty secret would "succeed" and later read back as an empty
		// token, hiding the bug that produced it.
		return invalid("the secret is empty")
	}
	return nil
}

// canceled reports that the caller gave up before the keychain answered. It
// is not an *Error: the caller chose to stop, so there is nothing to tell the
// user, and errors.Is(err, context.Canceled) keeps working.
func canceled(ctx context.Context, op, account string) error {
	return fmt.Errorf("keychain %s for %q stopped before the keychain answered: %w", op, account, ctx.Err())
}
