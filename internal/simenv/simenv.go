// Package simenv sets up what most CloudMoo tests stand on: the simulated
// Hetzner API on loopback, an in-memory keychain and a config directory of
// their own. It does not build the service itself, so core/service's own
// tests can use it too.
package simenv

import (
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
)

// Env is one test's world.
type Env struct {
	Sim  *hcloudsim.Server
	Keys *keychain.Memory
	Dir  string // the config directory
}

// New starts the simulator (stopped when the test ends) with opts.
func New(tb testing.TB, opts hcloudsim.Options) *Env {
	tb.Helper()
	e := &Env{Sim: hcloudsim.New(opts), Keys: keychain.NewMemory(), Dir: tb.TempDir()}
	e.Sim.Start()
	tb.Cleanup(e.Sim.Close)
	return e
}

// Store is the config store in the test's directory.
func (e *Env) Store() *project.Store { return project.NewStore(e.Dir) }

// API points a client at the simulator. Retries are off: a test that
// wants a fault retried says so itself.
func (e *Env) API() hetzner.Config {
	return hetzner.Config{Endpoint: e.Sim.URL(), Retries: -1}
}

// Token registers a 3600-an-hour project named name in the simulator (or
// reuses it) with a token of perm, and returns the token.
func (e *Env) Token(name string, perm hcloudsim.Permission) string {
	tok := hcloudsim.TokenFor(name)
	e.Sim.AddProject(name, 3600).AddToken(tok, perm)
	return tok
}
