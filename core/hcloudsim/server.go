package hcloudsim

import (
	"crypto/sha512"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Permission is the level a Hetzner API token was created with.
type Permission int

const (
	// Read tokens may only GET.
	Read Permission = iota
	// ReadWrite tokens ("Read & Write" in the Console) may GET, POST, PUT and
	// DELETE. Hetzner has no separate delete level.
	ReadWrite
)

// String returns Hetzner's name for the level, as the Console shows it.
func (p Permission) String() string {
	if p == ReadWrite {
		return "Read & Write"
	}
	return "Read"
}

// ReadOnlyForm chooses how a Read token's write is refused. Hetzner changed the
// answer over time and the app must recognise both, so tests run both.
type ReadOnlyForm int

const (
	// Forbidden403 answers 403 forbidden, as the current API does.
	Forbidden403 ReadOnlyForm = iota
	// TokenReadonly401 answers 401 token_readonly, the older form.
	TokenReadonly401
)

// Options configures a Server. The zero value is a usable real-time server.
type Options struct {
	// Now is the clock for buckets, reset timestamps, others' spending and
	// the log; nil means time.Now. Tests pass a simulated clock and advance
	// it, which makes every rate-limit figure exact and repeatable.
	Now func() time.Time
	// ReadOnlyForm chooses how Read tokens are refused on writes.
	ReadOnlyForm ReadOnlyForm
	// Latency is added to every response, in real time: it models the
	// network, not the API, so it does not follow Now.
	Latency time.Duration
	// LogLimit keeps only the newest LogLimit requests and mutations, so a
	// long-running demo does not grow without bound; 0 keeps everything.
	LogLimit int
}

// Server is a simulated Hetzner Cloud API. All methods are safe for
// concurrent use; one mutex guards all state because a simulator's
// throughput matters less than its behaviour being easy to reason about.
type Server struct {
	mu sync.Mutex

	now      func() time.Time
	readOnly ReadOnlyForm
	latency  time.Duration
	logLimit int

	projects []*Project
	tokens   map[string]*tokenEntry
	anon     bucket
	nextID   int64
	catalog  map[string][]*resource

	requests    []Request
	mutations   []Mutation
	faults      []Fault
	correlation uint64

	ts *httptest.Server
}

// tokenEntry is what the API knows about a token. Revoked tokens stay mapped
// to their project because their requests still count against its bucket.
type tokenEntry struct {
	project *Project
	perm    Permission
	revoked bool
}

var _ http.Handler = (*Server)(nil)

// New returns a Server with the catalog (locations, server types, images,
// load balancer types) in place and no projects.
func New(opts Options) *Server {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{
		now:      now,
		readOnly: opts.ReadOnlyForm,
		latency:  opts.Latency,
		logLimit: opts.LogLimit,
		tokens:   map[string]*tokenEntry{},
		nextID:   100000,
	}
	t := now()
	s.anon = newBucket(AnonymousLimit, t)
	s.catalog = newCatalog()
	return s
}

// Handler returns the API as an http.Handler serving paths under /v1/, for
// callers that run their own http.Server or call it in-process.
func (s *Server) Handler() http.Handler { return s }

// Start serves the API on a loopback port and returns the base URL ending in
// "/v1", ready for hcloud.WithEndpoint. Calling it again returns the same URL.
func (s *Server) Start() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ts == nil {
		s.ts = httptest.NewServer(s)
	}
	return s.ts.URL + "/v1"
}

// Close stops the loopback server, if started, and other clients' spending.
// It waits for requests in flight, whose latency sleeps end when their
// connections close.
func (s *Server) Close() {
	s.mu.Lock()
	ts := s.ts
	s.ts = nil
	for _, p := range s.projects {
		p.stopOthersLocked()
	}
	s.mu.Unlock()
	if ts != nil {
		ts.Close()
	}
}

// URL returns the base URL ending in "/v1", or "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ts == nil {
		return ""
	}
	return s.ts.URL + "/v1"
}

// SetReadOnlyForm changes how later writes with Read tokens are refused.
func (s *Server) SetReadOnlyForm(f ReadOnlyForm) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readOnly = f
}

// SetLatency changes the delay added to later responses.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// AddProject creates a project whose bucket holds limit requests an hour
// (3600 by default at Hetzner, 7200 seen) and starts full. The project is
// seeded with a few resources of each kind with deterministic names. Names
// identify projects in the log, so a name already in use returns the existing
// project unchanged.
func (s *Server) AddProject(name string, limit int) *Project {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.projects {
		if p.name == name {
			return p
		}
	}
	now := s.now()
	p := &Project{s: s, name: name, bucket: newBucket(limit, now), res: map[Kind][]*resource{}}
	for _, k := range projectKinds() {
		p.addLocked(k.name, k.seed, now)
	}
	s.projects = append(s.projects, p)
	return p
}

// RevokeToken makes later requests with token fail with 401 unauthorized, as
// deleting it in the Console does. They still count against the project's
// bucket, because Hetzner can still tell which project the token was for.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.tokens[token]; e != nil {
		e.revoked = true
	}
}

// TokenFor derives a valid-looking token (64 characters of [A-Za-z0-9]) from
// seed, so tests and the demo get stable tokens without hard-coding secrets.
func TokenFor(seed string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha512.Sum512([]byte("hcloudsim:" + seed))
	out := make([]byte, len(sum))
	for i, b := range sum {
		out[i] = alphabet[int(b)%len(alphabet)]
	}
	return string(out)
}

// newIDLocked hands out IDs unique across kinds and projects, like Hetzner's,
// and deterministic so tests can rely on them.
func (s *Server) newIDLocked() int64 {
	s.nextID++
	return s.nextID
}
