// Package demo runs CloudMoo on the built-in simulated Hetzner API with
// sample projects, an in-memory keychain and a throwaway config directory:
// the real keychain and the real API are never touched.
package demo

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// Demo is a running demo environment.
type Demo struct {
	Sim      *hcloudsim.Server
	Service  *service.Local
	Keychain *keychain.Memory
	Dir      string // the throwaway config directory
	cancel   context.CancelFunc
}

// Sample describes one sample project.
type Sample struct {
	Name       string
	Limit      int
	Permission hcloudsim.Permission
	Remaining  int     // 0 = full
	OthersRate float64 // other clients' requests a minute
	Revoked    bool
	Servers    int
}

// Samples are the demo's projects: a Read one, a Read & Write one, one
// nearly exhausted by a busy CI, and one whose token was revoked.
func Samples() []Sample {
	return []Sample{
		{Name: "production", Limit: 3600, Permission: hcloudsim.Read, OthersRate: 20, Servers: 12},
		{Name: "staging", Limit: 3600, Permission: hcloudsim.ReadWrite, Servers: 3},
		{Name: "ci-runners", Limit: 7200, Permission: hcloudsim.ReadWrite, Remaining: 300, OthersRate: 150, Servers: 24},
		{Name: "old-laptop", Limit: 3600, Permission: hcloudsim.Read, Revoked: true, Servers: 1},
	}
}

// Options tune the demo.
type Options struct {
	Latency time.Duration // simulated API latency (default 60 ms)
	Samples []Sample      // default Samples()
	Version string
}

// Start builds the environment and adds the sample projects through the
// service, as a user would. Close releases it.
func Start(ctx context.Context, opts Options) (*Demo, error) {
	if opts.Latency == 0 {
		opts.Latency = 60 * time.Millisecond
	}
	if opts.Samples == nil {
		opts.Samples = Samples()
	}
	dir, err := os.MkdirTemp("", "cloudmoo-demo-")
	if err != nil {
		return nil, fmt.Errorf("cannot create the demo's config directory: %w", err)
	}
	sim := hcloudsim.New(hcloudsim.Options{Latency: opts.Latency})
	url := sim.Start()
	d := &Demo{Sim: sim, Keychain: keychain.NewMemory(), Dir: dir}
	d.Service = service.NewLocal(service.Options{
		Store:    project.NewStore(dir),
		Keychain: d.Keychain,
		API:      hetzner.Config{Endpoint: url, AppVersion: opts.Version},
		Demo:     true,
	})
	simCtx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	for _, s := range opts.Samples {
		p := sim.AddProject(s.Name, s.Limit)
		tok := hcloudsim.TokenFor(s.Name)
		p.AddToken(tok, s.Permission)
		if s.Servers > 0 {
			p.AddServers(s.Servers)
		}
		if s.Remaining > 0 {
			p.SetRemaining(s.Remaining)
		}
		if s.OthersRate > 0 {
			sim.StartOthers(simCtx, p, s.OthersRate)
		}
		req := service.AddRequest{Name: s.Name, Token: tok}
		if s.Revoked {
			// Added while the token still worked, revoked since.
			req.SkipCheck, req.Permission = true, project.PermissionRead
		}
		if _, err := d.Service.Add(ctx, req); err != nil {
			d.Close()
			return nil, fmt.Errorf("demo: adding %s: %w", s.Name, err)
		}
		if s.Revoked {
			sim.RevokeToken(tok)
			// Show the revoked token as a person would meet it: found out
			// by a check, not "not checked yet".
			if _, err := d.Service.CheckNow(ctx, s.Name); err != nil {
				d.Close()
				return nil, fmt.Errorf("demo: checking %s: %w", s.Name, err)
			}
		}
	}
	return d, nil
}

// Close stops the simulator and deletes the throwaway directory.
func (d *Demo) Close() {
	d.cancel()
	d.Sim.Close()
	_ = os.RemoveAll(d.Dir)
}

// GeneratedSamples returns n sample projects: the four of Samples, then
// healthy Read projects with varied limits and traffic (benchmarks, lists).
func GeneratedSamples(n int) []Sample {
	out := Samples()
	for i := len(out); i < n; i++ {
		out = append(out, Sample{
			Name:       fmt.Sprintf("project-%03d", i+1),
			Limit:      []int{3600, 3600, 7200}[i%3],
			Permission: hcloudsim.Read,
			OthersRate: float64(i % 7 * 5),
			Servers:    i % 9,
		})
	}
	if n < len(out) {
		out = out[:n]
	}
	return out
}
