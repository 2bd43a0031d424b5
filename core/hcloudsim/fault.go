package hcloudsim

import (
	"net/http"
)

// FaultKind is a failure the simulator can inject.
type FaultKind int

const (
	// NoFault is the zero value: the request was answered normally.
	NoFault FaultKind = iota
	// ServerError answers Fault.Status (500, 502, 503 or 504) with a JSON
	// error body (server_error, bad_gateway, unavailable, timeout). The
	// request still counts against the bucket and carries rate-limit headers.
	ServerError
	// DropConnection closes the connection without any response. The request
	// never reaches the API, so it costs nothing.
	DropConnection
	// MalformedJSON answers 200 with a truncated JSON body. It costs a request
	// and carries rate-limit headers, but changes nothing.
	MalformedJSON
	// MissingHeaders answers normally but without RateLimit-* headers, as a
	// proxy in between might.
	MissingHeaders
	// Maintenance answers 403 maintenance, with rate-limit headers.
	Maintenance
)

// String names the kind for test output.
func (k FaultKind) String() string {
	switch k {
	case ServerError:
		return "ServerError"
	case DropConnection:
		return "DropConnection"
	case MalformedJSON:
		return "MalformedJSON"
	case MissingHeaders:
		return "MissingHeaders"
	case Maintenance:
		return "Maintenance"
	default:
		return "NoFault"
	}
}

// Fault describes failures to inject into the next requests.
type Fault struct {
	Kind FaultKind
	// Count is how many requests fail; 0 means every request until
	// ClearFaults.
	Count int
	// Status is the HTTP status for ServerError; 0 means 500.
	Status int
}

// SetFault replaces any pending faults with f. Faults apply to every request
// that arrives, whatever its token, because they model the network and
// Hetzner's front end. Note that Go's http.Transport silently retries an
// idempotent request once when a reused connection is dropped, so a
// DropConnection with Count 1 may go unnoticed by a client with keep-alives.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = []Fault{f}
}

// AddFault queues f after the pending faults, to script sequences such as
// two dropped connections followed by a 503. A fault with Count 0 never ends,
// so faults queued after it never apply.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// ClearFaults removes all pending faults.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// popFaultLocked returns the fault for the request that just arrived and
// uses up one of its count.
func (s *Server) popFaultLocked() Fault {
	if len(s.faults) == 0 {
		return Fault{}
	}
	f := s.faults[0]
	if f.Count > 0 {
		s.faults[0].Count--
		if s.faults[0].Count == 0 {
			s.faults = s.faults[1:]
		}
	}
	return f
}

// faultResponse builds the answer for faults that replace the API's answer;
// it returns nil for kinds that do not (NoFault, MissingHeaders).
func faultResponse(f Fault) *response {
	switch f.Kind {
	case ServerError:
		status := f.Status
		if status < 500 || status > 599 {
			status = http.StatusInternalServerError
		}
		switch status {
		case http.StatusBadGateway:
			return errorResponse(status, "bad_gateway", "bad gateway, try again later", nil)
		case http.StatusServiceUnavailable:
			return errorResponse(status, "unavailable", "service unavailable, try again later", nil)
		case http.StatusGatewayTimeout:
			return errorResponse(status, "timeout", "request timed out, try again later", nil)
		default:
			return errorResponse(status, "server_error", "internal server error, try again later", nil)
		}
	case Maintenance:
		return errorResponse(http.StatusForbidden, "maintenance",
			"the API is in maintenance mode, try again later", nil)
	case MalformedJSON:
		return &response{status: http.StatusOK, body: []byte(`{"servers":[{"id":1,"name":"trunc`)}
	default:
		return nil
	}
}

// dropConnection ends the exchange without a response: hijack and close
// where HTTP/1 allows it, otherwise abort the handler, which net/http turns
// into a reset stream or closed connection.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
