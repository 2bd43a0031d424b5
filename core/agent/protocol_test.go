package agent

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

func TestProtocolVersionIsChecked(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	tests := []struct {
		name   string
		header map[string]string
	}{
		{"other version", map[string]string{HeaderProtocol: "99"}},
		{"no header", nil},
		{"not a number", map[string]string{HeaderProtocol: "one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, e := raw(t, f.sock, http.MethodGet, "/v1/status", tt.header, nil)
			if status != http.StatusBadRequest || e.Code != CodeProtocolMismatch {
				t.Fatalf("HTTP %d, %+v", status, e)
			}
			if !strings.Contains(e.Message, "restart CloudMoo so window and agent are the same version") {
				t.Errorf("message does not say what to do: %q", e.Message)
			}
		})
	}
	if err := decodeError(wireError{Code: CodeProtocolMismatch, Message: "m"}); !errors.Is(err, ErrProtocolMismatch) {
		t.Errorf("the client does not recognise a mismatch: %v", err)
	}
	if _, err := f.client.Status(context.Background()); err != nil {
		t.Fatalf("the agent stopped serving: %v", err)
	}
}

func TestUnknownEndpointAndMethod(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodGet, "/v1/nope", http.StatusNotFound, CodeUnknownEndpoint},
		{http.MethodGet, "/", http.StatusNotFound, CodeUnknownEndpoint},
		{http.MethodPost, "/v1/status", http.StatusMethodNotAllowed, CodeMethod},
		{http.MethodGet, "/v1/add", http.StatusMethodNotAllowed, CodeMethod},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			status, e := raw(t, f.sock, tt.method, tt.path, proto, nil)
			if status != tt.status || e.Code != tt.code || e.Message == "" {
				t.Fatalf("HTTP %d, %+v", status, e)
			}
		})
	}
}

func TestBadBodiesAreRefused(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	tests := []struct {
		name   string
		path   string
		body   []byte
		status int
		code   string
	}{
		{"garbage", "/v1/add", []byte("{not json"), http.StatusBadRequest, CodeBadRequest},
		{"cut short", "/v1/add", []byte(`{"name":"x",`), http.StatusBadRequest, CodeBadRequest},
		{"wrong type", "/v1/rename", []byte(`{"id":1}`), http.StatusBadRequest, CodeBadRequest},
		{"unknown field", "/v1/rename", []byte(`{"idd":"x"}`), http.StatusBadRequest, CodeBadRequest},
		{"trailing data", "/v1/remove", []byte(`{"id":"x"} {"id":"y"}`), http.StatusBadRequest, CodeBadRequest},
		{"10 MB of garbage", "/v1/add", bytes.Repeat([]byte("a"), 10<<20), http.StatusBadRequest, CodeBadRequest},
		{"10 MB of blanks", "/v1/add", bytes.Repeat([]byte(" "), 10<<20), http.StatusRequestEntityTooLarge, CodeTooLarge},
		{"10 MB of valid JSON", "/v1/check-token", append(append([]byte(`{"token":"`), bytes.Repeat([]byte("a"), 10<<20)...), `"}`...), http.StatusRequestEntityTooLarge, CodeTooLarge},
		{"empty body is {}", "/v1/remove", nil, http.StatusNotFound, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, e := raw(t, f.sock, http.MethodPost, tt.path, proto, bytes.NewReader(tt.body))
			if status != tt.status || e.Code != tt.code || e.Message == "" {
				t.Fatalf("HTTP %d, %+v", status, e)
			}
			if len(e.Message) > 400 {
				t.Errorf("the error quotes the body: %d bytes", len(e.Message))
			}
			if _, err := f.client.Status(context.Background()); err != nil {
				t.Fatalf("the agent stopped serving: %v", err)
			}
		})
	}
}

func TestHTTPStatusOfErrors(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{"duplicate_name", http.StatusConflict},
		{"not_found", http.StatusNotFound},
		{"malformed_token", http.StatusUnprocessableEntity},
		{"token_rejected", http.StatusUnprocessableEntity},
		{"not_verified", http.StatusBadGateway},
		{"keychain_locked", http.StatusServiceUnavailable},
		{"error", http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			// A CodedError unwraps to its sentinel, as a wrapped error would.
			if got := httpStatus(&service.CodedError{Code: tt.code, Message: "m"}); got != tt.want {
				t.Errorf("HTTP %d, want %d", got, tt.want)
			}
		})
	}
	if got := httpStatus(context.DeadlineExceeded); got != http.StatusGatewayTimeout {
		t.Errorf("deadline: HTTP %d", got)
	}
}
