package tray

import (
	"context"
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// snapshotService counts snapshots and returns snap.
type snapshotService struct {
	service.Service
	snap  service.Snapshot
	calls int
}

func (s *snapshotService) Snapshot(context.Context) (service.Snapshot, error) {
	s.calls++
	return s.snap, nil
}

func TestApplyFoldsEventsIntoTheSnapshot(t *testing.T) {
	a := state("p1", "a", project.PermissionRead, hetzner.StatusOK)
	b := state("p2", "b", project.PermissionRead, hetzner.StatusOK)
	svc := &snapshotService{snap: service.Snapshot{Projects: []service.ProjectState{a, b}, Seq: 10}}
	ui := newTrayUI(Options{Service: svc})
	ctx := context.Background()
	ui.resync(ctx)

	bRevoked := b
	bRevoked.Status = hetzner.StatusInvalidToken
	ui.apply(ctx, service.Event{Seq: 9, Kind: service.EventProject, Project: &bRevoked})
	if ui.snap.Projects[1].Status != hetzner.StatusOK {
		t.Fatal("an event already in the snapshot was applied again")
	}
	ui.apply(ctx, service.Event{Seq: 11, Kind: service.EventProject, Project: &bRevoked})
	if ui.snap.Projects[1].Status != hetzner.StatusInvalidToken || svc.calls != 1 {
		t.Fatalf("status change: %+v after %d snapshots", ui.snap.Projects[1], svc.calls)
	}
	ui.apply(ctx, service.Event{Seq: 12, Kind: service.EventProblems, Problems: []service.Problem{{Kind: service.ProblemKeychain}}})
	ui.apply(ctx, service.Event{Seq: 13, Kind: service.EventRemoved, ID: "p1"})
	if len(ui.snap.Projects) != 1 || ui.snap.Projects[0].ID != "p2" || len(ui.snap.Problems) != 1 || ui.snap.Seq != 13 {
		t.Fatalf("after problems and removal: %+v", ui.snap)
	}

	// A new or renamed project takes a snapshot, so the order stays the
	// service's.
	c := state("p3", "c", project.PermissionRead, hetzner.StatusUnchecked)
	svc.snap = service.Snapshot{Projects: []service.ProjectState{b, c}, Seq: 14}
	ui.apply(ctx, service.Event{Seq: 14, Kind: service.EventProject, Project: &c})
	if svc.calls != 2 || len(ui.snap.Projects) != 2 {
		t.Fatalf("new project: %d snapshots, %+v", svc.calls, ui.snap.Projects)
	}
	renamed := b
	renamed.Name = "z"
	ui.apply(ctx, service.Event{Seq: 15, Kind: service.EventProject, Project: &renamed})
	ui.apply(ctx, service.Event{Seq: 16, Kind: service.EventResync})
	if svc.calls != 4 {
		t.Fatalf("rename and resync took %d snapshots in all, want 4", svc.calls)
	}
}
