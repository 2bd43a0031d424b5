package service

import (
	"errors"

	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// ErrTokenRejected means the API refused the token (401): it is wrong or
// revoked, so it is not saved.
var ErrTokenRejected = errors.New("token rejected by Hetzner")

// ErrNotVerified means the token could not be checked (offline, rate
// limited, API fault); it can be saved without the check.
var ErrNotVerified = errors.New("token could not be verified")

// ErrDuplicateToken means the token is already stored for another project.
var ErrDuplicateToken = errors.New("token already stored")

// ErrReadOnly means the config file cannot be used, so nothing is changed.
var ErrReadOnly = errors.New("config file unusable")

// ErrKeychainCleanup means the project is gone but its keychain entry could
// not be deleted.
var ErrKeychainCleanup = errors.New("keychain entry left behind")

// codes maps sentinel errors to stable codes so errors keep their kind when
// they cross a process boundary (the agent's socket).
var codes = []struct {
	code string
	err  error
}{
	{"malformed_token", token.ErrMalformed},
	{"invalid_name", project.ErrInvalidName},
	{"duplicate_name", project.ErrDuplicateName},
	{"not_found", project.ErrNotFound},
	{"token_rejected", ErrTokenRejected},
	{"duplicate_token", ErrDuplicateToken},
	{"not_verified", ErrNotVerified},
	{"config_unusable", ErrReadOnly},
	{"keychain_cleanup", ErrKeychainCleanup},
	{"keychain_not_found", keychain.ErrNotFound},
	{"keychain_unavailable", keychain.ErrUnavailable},
	{"keychain_locked", keychain.ErrLocked},
	{"keychain_refused", keychain.ErrRefused},
}

// ErrorCode returns the stable code of err's kind, or "error".
func ErrorCode(err error) string {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "error"
}

// CodedError is an error rebuilt from a code and a message: its text is the
// message, and errors.Is matches the sentinel the code names.
type CodedError struct {
	Code    string
	Message string
}

func (e *CodedError) Error() string { return e.Message }

// Unwrap returns the sentinel for the code.
func (e *CodedError) Unwrap() error {
	for _, c := range codes {
		if c.code == e.Code {
			return c.err
		}
	}
	return nil
}
