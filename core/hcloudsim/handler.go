package hcloudsim

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// maxBody bounds what a request body may hold; Hetzner's own limit is not
// documented, and nothing the simulator accepts comes close.
const maxBody = 1 << 20

// ServeHTTP answers one API request. The order of checks is the contract the
// app relies on: faults, then the bucket (every request that reaches the API
// costs one, even refused ones), then authentication, then the permission of
// non-GET requests, and only then routing and body validation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.sleep(r) {
		return // the client gave up while the network was "slow"
	}
	var body []byte
	if !isRead(r.Method) && r.Body != nil {
		// Read before taking the lock so a slow upload holds nothing up.
		body, _ = io.ReadAll(io.LimitReader(r.Body, maxBody))
	}

	s.mu.Lock()
	now := s.now()
	s.correlation++
	correlation := s.correlation
	tok := bearerToken(r.Header.Get("Authorization"))
	entry := s.tokens[tok]
	req := Request{Time: now, Method: r.Method, Path: r.URL.RequestURI(), TokenMasked: maskToken(tok), Source: SourceAPI}
	if entry != nil {
		req.Project = entry.project.name
	}
	f := s.popFaultLocked()
	req.Fault = f.Kind
	if f.Kind == DropConnection {
		s.logRequestLocked(req)
		s.mu.Unlock()
		dropConnection(w)
		return
	}

	resp, rate := s.answerLocked(r, body, entry, f, now)
	req.Status, req.ErrorCode = resp.status, resp.code
	s.logRequestLocked(req)
	if resp.mutation {
		s.logMutationLocked(Mutation{Time: now, Method: r.Method, Path: r.URL.Path, Project: req.Project})
	}
	s.mu.Unlock()

	if f.Kind == MissingHeaders {
		rate = nil
	}
	resp.write(w, rate, correlation)
}

// answerLocked charges the right bucket and decides the answer.
func (s *Server) answerLocked(r *http.Request, body []byte, entry *tokenEntry, f Fault, now time.Time) (*response, *rateHeaders) {
	b := &s.anon
	var p *Project
	if entry != nil {
		p = entry.project
		p.syncLocked(now)
		b = &p.bucket
	} else {
		b.refill(now)
	}
	allowed := b.take()
	rate := b.headers(now)

	if resp := faultResponse(f); resp != nil {
		return resp, rate
	}
	switch {
	case !allowed:
		return rateLimited(b.limit), rate
	case entry == nil || entry.revoked:
		return unauthorized(), rate
	case !isRead(r.Method) && entry.perm != ReadWrite:
		return readOnlyRefusal(s.readOnly), rate
	}
	return s.routeLocked(r, body, p, now), rate
}

// sleep waits out the configured latency in real time, and reports false if
// the request's context ended first.
func (s *Server) sleep(r *http.Request) bool {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// bearerToken extracts the token from an Authorization header; anything
// that is not "Bearer <token>" counts as no token, as for Hetzner.
func bearerToken(h string) string {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// isRead tells the methods a Read token may use; everything else is a write
// and needs Read & Write.
func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}
