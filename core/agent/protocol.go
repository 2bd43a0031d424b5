package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// ProtocolVersion is the version of the socket protocol. It changes when a
// window built from one release could misread an agent from another; both
// sides refuse to talk across versions instead of guessing.
const ProtocolVersion = 1

// Header names of the protocol.
const (
	// HeaderProtocol carries ProtocolVersion on every request and response.
	HeaderProtocol = "CloudMoo-Protocol"
	// HeaderClient set to ClientWindow on an events request marks the
	// stream as an open window, counted by Server.Windows.
	HeaderClient = "CloudMoo-Client"
	// HeaderPID carries the agent's process ID on every response, so even
	// an agent of another protocol version can be named.
	HeaderPID = "CloudMoo-PID"
)

// ClientWindow is the HeaderClient value of a window's event stream.
const ClientWindow = "window"

// MaxRequestBody caps request bodies: the largest legitimate one (an add
// with a name and a token) is a few hundred bytes.
const MaxRequestBody = 64 << 10

// Error codes the agent itself produces; errors of the service keep the
// codes of service.ErrorCode.
const (
	CodeProtocolMismatch = "protocol_mismatch"
	CodeBadRequest       = "bad_request"
	CodeTooLarge         = "request_too_large"
	CodeUnknownEndpoint  = "unknown_endpoint"
	CodeMethod           = "method_not_allowed"
	CodeUnsupported      = "not_supported"
)

// ErrNotRunning means no agent listens on the socket: start one, or work
// in-process.
var ErrNotRunning = errors.New("the CloudMoo agent is not running")

// ErrProtocolMismatch means window and agent come from different releases.
var ErrProtocolMismatch = errors.New("the window and the agent are different CloudMoo versions")

// Status is what the agent reports about itself. The first five keys are a
// contract (`cloudmoo-desktop agent status --json`); keys after them may be
// added.
type Status struct {
	Running       bool   `json:"running"`
	PID           int    `json:"pid"`
	Socket        string `json:"socket"`
	Projects      int    `json:"projects"`
	UptimeSeconds int64  `json:"uptime_s"`
	Version       string `json:"version"`
	Demo          bool   `json:"demo"`
	Windows       int    `json:"windows"`
	Streams       int    `json:"streams"`
	Protocol      int    `json:"protocol"`
	// Tray tells a window whether the agent shows a tray icon; without
	// one the agent stops with the last window, and the window says so.
	Tray bool `json:"tray"`
	// ExitsWithWindows is true when the agent ends with its last window.
	ExitsWithWindows bool `json:"exits_with_windows"`
}

// AlreadyRunningError is what Listen returns when another agent serves the
// socket: one agent per config directory.
type AlreadyRunningError struct {
	PID    int // 0 when the other agent did not say
	Socket string
}

func (e *AlreadyRunningError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("an agent is already running on %s but does not answer; stop that process (or wait for it to finish starting) and try again", e.Socket)
	}
	return fmt.Sprintf("an agent is already running (PID %d) on %s", e.PID, e.Socket)
}

// Wire bodies of the intents that take more than one value or a list.
type (
	tokenRequest struct {
		Token string `json:"token"`
	}
	idRequest struct {
		ID string `json:"id"`
	}
	renameRequest struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	checkNowRequest struct {
		IDs []string `json:"ids,omitempty"`
	}
	projectsReply struct {
		Projects []service.ProjectState `json:"projects"`
	}
	historyReply struct {
		Points []ratelimit.Point `json:"points"`
	}
	okReply struct {
		OK bool `json:"ok"`
	}
	showReply struct {
		OK      bool `json:"ok"`
		Windows int  `json:"windows"` // 0: no window got it; open one
	}
)

// wireError is the error object of every failed request.
type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errorBody is the body of every failed request. Partial holds what an
// intent produced despite the error (DetectPermission's state).
type errorBody struct {
	Error   wireError `json:"error"`
	Partial any       `json:"partial,omitempty"`
}

// httpStatus picks the HTTP status for a service error: the code is what
// clients act on; the status is for curl and logs.
func httpStatus(err error) int {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable
	}
	switch service.ErrorCode(err) {
	case "malformed_token", "invalid_name", "token_rejected":
		return http.StatusUnprocessableEntity
	case "duplicate_name":
		return http.StatusConflict
	case "not_found", "keychain_not_found":
		return http.StatusNotFound
	case "not_verified":
		return http.StatusBadGateway
	case "config_unusable", "keychain_unavailable", "keychain_locked":
		return http.StatusServiceUnavailable
	case "keychain_refused":
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// decodeError turns a wire error back into an error of the same kind.
func decodeError(e wireError) error {
	if e.Code == CodeProtocolMismatch {
		return fmt.Errorf("%w: %s", ErrProtocolMismatch, e.Message)
	}
	return &service.CodedError{Code: e.Code, Message: e.Message}
}

// protocolOK reports whether a header value names this protocol version.
func protocolOK(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && n == ProtocolVersion
}
