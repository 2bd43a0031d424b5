package hcloudsim

import (
	"fmt"
	"slices"
	"time"
)

// Project is a Hetzner Cloud project: it owns tokens, resources and the
// rate-limit bucket its tokens share. Methods lock the Server it belongs to.
type Project struct {
	s      *Server
	name   string
	bucket bucket
	others *others
	res    map[Kind][]*resource
}

// Name returns the project's name, as it appears in the request log.
func (p *Project) Name() string { return p.name }

// AddToken lets token act on this project with perm. Adding a known token
// again moves it here, changes its permission and un-revokes it, which is
// what replacing a token in a test needs.
func (p *Project) AddToken(token string, perm Permission) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if token == "" {
		return // an empty token is what a request without one looks like
	}
	p.s.tokens[token] = &tokenEntry{project: p, perm: perm}
}

// Limit returns the requests per hour the bucket holds and refills.
func (p *Project) Limit() int {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return p.bucket.limit
}

// SetLimit changes the hourly limit from now on; values below 1 become 1.
// The level is kept, capped at the new limit.
func (p *Project) SetLimit(n int) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	p.syncLocked(p.s.now())
	p.bucket.setLimit(n)
}

// SetRemaining puts the bucket at n requests now, e.g. to start a test with a
// nearly exhausted project. n is clamped to [0, Limit].
func (p *Project) SetRemaining(n int) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	p.syncLocked(p.s.now())
	p.bucket.set(float64(n))
}

// Remaining returns the true bucket level now, refill and others' spending
// included, unrounded, so tests can measure how far the app's projection is
// from the truth.
func (p *Project) Remaining() float64 {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	p.syncLocked(p.s.now())
	return p.bucket.level
}

// Spend takes n requests from the bucket now, as another client using one of
// the project's tokens would. Requests that find the bucket empty are refused
// and cost nothing. Each is logged with Source SourceOther.
func (p *Project) Spend(n int) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	now := p.s.now()
	p.syncLocked(now)
	for range n {
		p.spendOneLocked(now)
	}
}

// syncLocked brings the bucket up to now: others' requests due by now first,
// in time order, then refill.
func (p *Project) syncLocked(now time.Time) {
	p.settleOthersLocked(now)
	p.bucket.refill(now)
}

// spendOneLocked is one request by another client at time t.
func (p *Project) spendOneLocked(t time.Time) {
	p.bucket.refill(t)
	req := Request{Time: t, Project: p.name, Status: 200, Source: SourceOther}
	if !p.bucket.take() {
		req.Status, req.ErrorCode = 429, codeRateLimitExceeded
	}
	p.s.logRequestLocked(req)
}

// AddServers adds n running servers named server-N.
func (p *Project) AddServers(n int) { p.mustAdd(KindServers, n) }

// AddVolumes adds n volumes named volume-N.
func (p *Project) AddVolumes(n int) { p.mustAdd(KindVolumes, n) }

// AddSSHKey adds an SSH key called name, with a generated public key, and
// returns its ID. A name already taken gets a numeric suffix, because Hetzner
// refuses duplicate names and the simulator must stay consistent with that.
func (p *Project) AddSSHKey(name string) int64 {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	for base, i := name, 2; p.findByNameLocked(KindSSHKeys, name) != nil; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	r := p.s.newSSHKeyLocked(name, fakePublicKey(name), nil, p.s.now())
	p.res[KindSSHKeys] = append(p.res[KindSSHKeys], r)
	return r.id
}

// Add adds n resources of kind (one of the Kind* constants) with generated,
// deterministic names.
func (p *Project) Add(kind Kind, n int) error {
	if kindInfo(kind) == nil {
		return fmt.Errorf("hcloudsim: cannot add %q: use one of the Kind constants (%v)", kind, Kinds())
	}
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	p.addLocked(kind, n, p.s.now())
	return nil
}

func (p *Project) mustAdd(kind Kind, n int) {
	if err := p.Add(kind, n); err != nil {
		panic(err) // only reachable through a typo in this package
	}
}

// Count returns how many resources of kind the project has.
func (p *Project) Count(kind Kind) int {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return len(p.res[kind])
}

// Clear removes every resource of kind, e.g. to test an empty project.
func (p *Project) Clear(kind Kind) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	delete(p.res, kind)
}

func (p *Project) addLocked(kind Kind, n int, now time.Time) {
	k := kindInfo(kind)
	for range n {
		seq := len(p.res[kind]) + 1
		name := fmt.Sprintf("%s-%d", k.prefix, seq)
		for p.findByNameLocked(kind, name) != nil {
			seq++
			name = fmt.Sprintf("%s-%d", k.prefix, seq)
		}
		var r *resource
		if kind == KindSSHKeys {
			r = p.s.newSSHKeyLocked(name, fakePublicKey(name), nil, now)
		} else {
			id := p.s.newIDLocked()
			r = &resource{id: id, name: name, fields: k.render(id, name, seq, now, p.s.catalog)}
		}
		p.res[kind] = append(p.res[kind], r)
	}
}

func (p *Project) findByNameLocked(kind Kind, name string) *resource {
	i := slices.IndexFunc(p.res[kind], func(r *resource) bool { return r.name == name })
	if i < 0 {
		return nil
	}
	return p.res[kind][i]
}
