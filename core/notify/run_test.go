package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// readyService tells when Run has its first snapshot, so the test knows
// the baseline is taken.
type readyService struct {
	service.Service
	ready chan struct{}
}

func (s *readyService) Snapshot(ctx context.Context) (service.Snapshot, error) {
	snap, err := s.Service.Snapshot(ctx)
	select {
	case <-s.ready:
	default:
		close(s.ready)
	}
	return snap, err
}

func TestRunOnLocalService(t *testing.T) {
	sim := hcloudsim.New(hcloudsim.Options{})
	sim.Start()
	t.Cleanup(sim.Close)
	prodTok, ciTok := hcloudsim.TokenFor("prod"), hcloudsim.TokenFor("ci")
	sim.AddProject("prod", 3600).AddToken(prodTok, hcloudsim.Read)
	ci := sim.AddProject("ci", 3600)
	ci.AddToken(ciTok, hcloudsim.Read)
	svc := service.NewLocal(service.Options{
		Store:    project.NewStore(t.TempDir()),
		Keychain: keychain.NewMemory(),
		API:      hetzner.Config{Endpoint: sim.URL(), Retries: -1},
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	prod, err := svc.Add(ctx, service.AddRequest{Name: "prod", Token: prodTok})
	if err != nil {
		t.Fatal(err)
	}
	ciSt, err := svc.Add(ctx, service.AddRequest{Name: "ci", Token: ciTok})
	if err != nil {
		t.Fatal(err)
	}
	// A token revoked before the agent starts is the initial state: the
	// tray shows it, no notification at login.
	sim.RevokeToken(prodTok)
	if _, err := svc.CheckNow(ctx, prod.ID); err != nil {
		t.Fatal(err)
	}

	rec := &Recorder{}
	rs := &readyService{Service: svc, ready: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, rs, rec, t.Logf) }()
	<-rs.ready

	// ci runs out: rate limited, announced once however often it is checked.
	ci.SetRemaining(0)
	changed := rec.Changed()
	for range 3 {
		if _, err := svc.CheckNow(ctx, ciSt.ID); err != nil {
			t.Fatal(err)
		}
	}
	waitChange(t, changed)
	// Let the repeated checks' events through before counting.
	time.Sleep(100 * time.Millisecond)
	sent := rec.Sent()
	if len(sent) != 1 || sent[0].Kind != KindRateLimited || sent[0].ProjectID != ciSt.ID {
		t.Fatalf("after ci ran out: %+v", sent)
	}

	// With notifications off, ci's recovery is quiet.
	s := project.DefaultSettings()
	s.Notifications = false
	if _, err := svc.UpdateSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	ci.SetRemaining(3600)
	if _, err := svc.CheckNow(ctx, ciSt.ID); err != nil {
		t.Fatal(err)
	}
	// On again: ci running low is announced.
	s.Notifications = true
	if _, err := svc.UpdateSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	ci.SetRemaining(100)
	changed = rec.Changed()
	if _, err := svc.CheckNow(ctx, ciSt.ID); err != nil {
		t.Fatal(err)
	}
	waitChange(t, changed)
	sent = rec.Sent()
	if len(sent) != 2 || sent[1].Kind != KindLow {
		t.Fatalf("after ci ran low: %+v", sent)
	}
	for _, n := range sent {
		for _, tok := range []string{prodTok, ciTok} {
			if strings.Contains(n.Summary+n.Body, tok) || strings.Contains(n.Summary+n.Body, tok[:8]) {
				t.Errorf("notification holds a token: %+v", n)
			}
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func waitChange(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no notification within 10 s")
	}
}
