package hcloudsim

import (
	"slices"
	"time"
)

// Sources of a logged request.
const (
	// SourceAPI marks a request that came in over HTTP.
	SourceAPI = "api"
	// SourceOther marks a request by another client (Spend, StartOthers),
	// which took from the bucket without going through the handler.
	SourceOther = "other"
)

// Request is one logged request. Tokens are never logged in full.
type Request struct {
	Time        time.Time
	Method      string // "" for SourceOther
	Path        string // with the query string; "" for SourceOther
	TokenMasked string // first4…last4, or "" when no token was sent
	Project     string // "" when the token is missing or unknown
	Status      int    // 0 when the connection was dropped
	ErrorCode   string // Hetzner error code of the body, "" on success
	Fault       FaultKind
	Source      string // SourceAPI or SourceOther
}

// Mutation is one state change made through the API: a POST, PUT or DELETE
// that succeeded. Tests assert on these to prove a probe changed nothing.
type Mutation struct {
	Time    time.Time
	Method  string
	Path    string
	Project string
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Mutations returns a copy of the mutation log, oldest first.
func (s *Server) Mutations() []Mutation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mutations)
}

// ResetLog empties both logs; buckets and resources are left alone.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.mutations = nil, nil
}

func (s *Server) logRequestLocked(r Request) {
	s.requests = trimLog(append(s.requests, r), s.logLimit)
}

func (s *Server) logMutationLocked(m Mutation) {
	s.mutations = trimLog(append(s.mutations, m), s.logLimit)
}

// trimLog keeps the newest limit entries; re-slicing lets append reallocate
// only the live part, so memory stays around twice the limit.
func trimLog[T any](log []T, limit int) []T {
	if limit > 0 && len(log) > limit {
		return log[len(log)-limit:]
	}
	return log
}

// maskToken shows just enough of a token to tell tokens apart in a log.
func maskToken(tok string) string {
	switch {
	case tok == "":
		return ""
	case len(tok) < 12:
		return "…"
	default:
		return tok[:4] + "…" + tok[len(tok)-4:]
	}
}
