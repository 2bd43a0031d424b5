package hcloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Hetzner error codes the handler answers with (shared/hetzner-api.md).
const (
	codeJSONError         = "json_error"
	codeUnauthorized      = "unauthorized"
	codeTokenReadonly     = "token_readonly"
	codeForbidden         = "forbidden"
	codeNotFound          = "not_found"
	codeUniquenessError   = "uniqueness_error"
	codeDeprecatedAPI     = "deprecated_api_endpoint"
	codeInvalidInput      = "invalid_input"
	codeRateLimitExceeded = "rate_limit_exceeded"
)

// response is an answer built under the lock and written after it is
// released, so a slow client never holds up the simulator.
type response struct {
	status   int
	body     []byte // nil for 204
	code     string // error code, for the log
	mutation bool   // the request changed state
}

type errorBody struct {
	Error errorObject `json:"error"`
}

type errorObject struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details"`
}

// fieldError is one entry of invalid_input's details.fields.
type fieldError struct {
	Name     string   `json:"name"`
	Messages []string `json:"messages"`
}

func errorResponse(status int, code, message string, details any) *response {
	body, err := json.Marshal(errorBody{Error: errorObject{Code: code, Message: message, Details: details}})
	if err != nil {
		panic(err) // the types above always marshal
	}
	return &response{status: status, body: body, code: code}
}

func invalidInput(fields []fieldError) *response {
	return errorResponse(http.StatusUnprocessableEntity, codeInvalidInput, "invalid input in fields",
		map[string]any{"fields": fields})
}

func notFound(what string) *response {
	return errorResponse(http.StatusNotFound, codeNotFound, what+" not found", nil)
}

func rateLimited(limit int) *response {
	return errorResponse(http.StatusTooManyRequests, codeRateLimitExceeded,
		fmt.Sprintf("limit of %d requests per hour reached", limit), nil)
}

func unauthorized() *response {
	return errorResponse(http.StatusUnauthorized, codeUnauthorized, "unable to authenticate", nil)
}

func readOnlyRefusal(form ReadOnlyForm) *response {
	if form == TokenReadonly401 {
		return errorResponse(http.StatusUnauthorized, codeTokenReadonly, "token is read-only", nil)
	}
	return errorResponse(http.StatusForbidden, codeForbidden, "insufficient permissions for this request", nil)
}

func jsonResponse(status int, v any) *response {
	body, err := json.Marshal(v)
	if err != nil {
		return errorResponse(http.StatusInternalServerError, "server_error", "hcloudsim could not encode the response: "+err.Error(), nil)
	}
	return &response{status: status, body: body}
}

// write sends r with the rate-limit headers rate (nil omits them).
func (r *response) write(w http.ResponseWriter, rate *rateHeaders, correlation uint64) {
	h := w.Header()
	if rate != nil {
		rate.apply(h)
	}
	h.Set("X-Correlation-Id", fmt.Sprintf("sim-%016x", correlation))
	if r.body != nil {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(r.status)
	if r.body != nil {
		_, _ = w.Write(r.body)
	}
}
