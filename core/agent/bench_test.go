package agent

import (
	"context"
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// benchFixture is an agent with 20 projects, added unchecked so setting it
// up spends no simulated requests.
func benchFixture(b *testing.B) *fixture {
	f := newFixture(b, ServerOptions{})
	ctx := context.Background()
	for i := range 20 {
		name := "bench-" + string(rune('a'+i))
		tok := hcloudsim.TokenFor(name)
		f.Sim.AddProject(name, 3600).AddToken(tok, hcloudsim.Read)
		if _, err := f.client.Add(ctx, service.AddRequest{Name: name, Token: tok, SkipCheck: true, Permission: project.PermissionRead}); err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// BenchmarkSnapshotRoundTrip: a window's snapshot of 20 projects over the
// socket.
func BenchmarkSnapshotRoundTrip(b *testing.B) {
	f := benchFixture(b)
	ctx := context.Background()
	for b.Loop() {
		snap, err := f.client.Snapshot(ctx)
		if err != nil || len(snap.Projects) != 20 {
			b.Fatalf("%d projects, %v", len(snap.Projects), err)
		}
	}
}

// BenchmarkEventRoundTrip: from an intent sent over the socket to its event
// arriving on a subscriber's stream.
func BenchmarkEventRoundTrip(b *testing.B) {
	f := benchFixture(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := f.client.Subscribe(ctx)
	if err != nil {
		b.Fatal(err)
	}
	s := project.DefaultSettings()
	for b.Loop() {
		s.LowPercent = s.LowPercent%50 + 1
		if _, err := f.client.UpdateSettings(ctx, s); err != nil {
			b.Fatal(err)
		}
		for e := range events {
			if e.Kind == service.EventSettings && e.Settings != nil && e.Settings.LowPercent == s.LowPercent {
				break
			}
		}
	}
}
