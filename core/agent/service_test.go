package agent

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

func TestSnapshotMatchesTheService(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	ctx := context.Background()
	st, err := f.svc.Add(ctx, service.AddRequest{Name: "prod", Token: f.token("prod", hcloudsim.Read)})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := f.client.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := f.svc.Snapshot(ctx)
	if len(snap.Projects) != 1 || snap.Projects[0].ID != st.ID || snap.Projects[0].Name != "prod" {
		t.Fatalf("projects %+v", snap.Projects)
	}
	if snap.Projects[0].Status != hetzner.StatusOK || snap.Projects[0].RateLimit == nil {
		t.Errorf("state lost on the way: %+v", snap.Projects[0])
	}
	if snap.Settings != want.Settings || snap.ConfigPath != want.ConfigPath || snap.Endpoint != want.Endpoint || snap.Seq != want.Seq {
		t.Errorf("snapshot %+v, want %+v", snap, want)
	}
	st0, err := f.client.Status(ctx)
	if err != nil || !st0.Running || st0.Projects != 1 || st0.Socket != f.sock || st0.Version != "test" || st0.Protocol != ProtocolVersion {
		t.Fatalf("status %+v, %v", st0, err)
	}
}

func TestEventStreamIsOrdered(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := f.client.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.client.Add(ctx, service.AddRequest{Name: "prod", Token: f.token("prod", hcloudsim.Read)})
	if err != nil {
		t.Fatal(err)
	}
	first := waitFor(t, events, isProject(st.ID))
	last := first.Seq
	for _, name := range []string{"a", "b", "c", "d"} {
		if _, err := f.client.Rename(ctx, st.ID, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.client.UpdateSettings(ctx, project.Settings{RequestsPerMinute: 2, LowPercent: 20}); err != nil {
		t.Fatal(err)
	}
	for seen := false; !seen; {
		e := waitFor(t, events, func(service.Event) bool { return true })
		if e.Seq <= last {
			t.Fatalf("seq %d after %d: not strictly increasing", e.Seq, last)
		}
		last = e.Seq
		seen = e.Kind == service.EventSettings && e.Settings.LowPercent == 20
	}
	snap, _ := f.client.Snapshot(ctx)
	if snap.Seq < last {
		t.Errorf("snapshot seq %d is older than the last event %d", snap.Seq, last)
	}
}

func TestIntentsThroughTheClient(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	ctx := context.Background()
	c := f.client
	readTok, rwTok := f.token("prod", hcloudsim.Read), f.token("other", hcloudsim.ReadWrite)

	rep, err := c.CheckToken(ctx, rwTok)
	if err != nil || rep.Status != hetzner.StatusOK || rep.Permission != project.PermissionReadWrite || rep.TokenMask != token.Mask(rwTok) {
		t.Fatalf("check-token: %+v, %v", rep, err)
	}
	st, err := c.Add(ctx, service.AddRequest{Name: "prod", Token: readTok})
	if err != nil || st.Permission != project.PermissionRead || st.Status != hetzner.StatusOK {
		t.Fatalf("add: %+v, %v", st, err)
	}
	if got, _ := f.Keys.Get(ctx, st.ID); got != readTok {
		t.Fatal("the token did not reach the keychain")
	}
	if st, err = c.Rename(ctx, "prod", "production"); err != nil || st.Name != "production" {
		t.Fatalf("rename: %+v, %v", st, err)
	}
	if st, err = c.ReplaceToken(ctx, service.ReplaceRequest{ID: st.ID, Token: rwTok}); err != nil || st.Permission != project.PermissionReadWrite {
		t.Fatalf("replace: %+v, %v", st, err)
	}
	states, err := c.CheckNow(ctx)
	if err != nil || len(states) != 1 || states[0].CheckedAt.IsZero() {
		t.Fatalf("check-now: %+v, %v", states, err)
	}
	if states, err = c.CheckNow(ctx, "production"); err != nil || len(states) != 1 {
		t.Fatalf("check-now by name: %+v, %v", states, err)
	}
	if st, err = c.DetectPermission(ctx, st.ID); err != nil || st.Permission != project.PermissionReadWrite {
		t.Fatalf("detect-permission: %+v, %v", st, err)
	}
	points, err := c.History(ctx, st.ID)
	if err != nil || len(points) == 0 || points[len(points)-1].Limit != 3600 {
		t.Fatalf("history: %+v, %v", points, err)
	}
	s := project.Settings{RequestsPerMinute: 0.5, LowPercent: 25, Notifications: true}
	if got, err := c.UpdateSettings(ctx, s); err != nil || got != s {
		t.Fatalf("settings: %+v, %v", got, err)
	}
	if err := c.Remove(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	if f.Keys.Len() != 0 {
		t.Fatal("remove left the keychain entry")
	}
	if err := c.Show(ctx, ""); err != nil {
		t.Fatal(err)
	}
}

func TestErrorsKeepTheirKind(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	ctx := context.Background()
	c := f.client
	if _, err := c.Add(ctx, service.AddRequest{Name: "taken", Token: f.token("taken", hcloudsim.Read)}); err != nil {
		t.Fatal(err)
	}
	revoked := f.token("revoked", hcloudsim.Read)
	f.Sim.RevokeToken(revoked)
	tests := []struct {
		name string
		call func() error
		want error
		code string
	}{
		{"duplicate name", func() error {
			_, err := c.Add(ctx, service.AddRequest{Name: "TAKEN", Token: f.token("x", hcloudsim.Read)})
			return err
		}, project.ErrDuplicateName, "duplicate_name"},
		{"malformed token on add", func() error {
			_, err := c.Add(ctx, service.AddRequest{Name: "new", Token: "not a token"})
			return err
		}, token.ErrMalformed, "malformed_token"},
		{"malformed token on check", func() error { _, err := c.CheckToken(ctx, "short"); return err }, token.ErrMalformed, "malformed_token"},
		{"revoked token", func() error {
			_, err := c.Add(ctx, service.AddRequest{Name: "new", Token: revoked})
			return err
		}, service.ErrTokenRejected, "token_rejected"},
		{"rename unknown", func() error { _, err := c.Rename(ctx, "nope", "x"); return err }, project.ErrNotFound, "not_found"},
		{"remove unknown", func() error { return c.Remove(ctx, "nope") }, project.ErrNotFound, "not_found"},
		{"history unknown", func() error { _, err := c.History(ctx, "nope"); return err }, project.ErrNotFound, "not_found"},
		{"replace unknown", func() error {
			_, err := c.ReplaceToken(ctx, service.ReplaceRequest{ID: "nope", Token: revoked})
			return err
		}, project.ErrNotFound, "not_found"},
		{"detect unknown", func() error { _, err := c.DetectPermission(ctx, "nope"); return err }, project.ErrNotFound, "not_found"},
		{"check unknown", func() error { _, err := c.CheckNow(ctx, "nope"); return err }, project.ErrNotFound, "not_found"},
		{"invalid name", func() error { _, err := c.Rename(ctx, "taken", " "); return err }, project.ErrInvalidName, "invalid_name"},
		{"settings out of range", func() error {
			_, err := c.UpdateSettings(ctx, project.Settings{RequestsPerMinute: 100, LowPercent: 10})
			return err
		}, nil, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var coded *service.CodedError
			if !errors.As(err, &coded) || coded.Code != tt.code {
				t.Fatalf("got %v (%T), want code %s", err, err, tt.code)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("errors.Is(%v, %v) is false", err, tt.want)
			}
			if coded.Message == "" || strings.Contains(coded.Message, revoked) {
				t.Fatalf("message %q", coded.Message)
			}
		})
	}
}

func TestErrorReplyKeepsPartialState(t *testing.T) {
	// DetectPermission may return a state with its error; so must the client.
	st := service.ProjectState{Project: project.Project{ID: "p_1", Name: "x"}}
	f := newFixture(t, ServerOptions{}, func(s *Server) {
		s.routes["/v1/test-partial"] = route{http.MethodPost, func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, errors.New("the permission is unknown"), st)
		}}
	})
	var got service.ProjectState
	err := f.client.call(context.Background(), quickCall, http.MethodPost, "/v1/test-partial", nil, &got)
	if err == nil || err.Error() != "the permission is unknown" || got.ID != "p_1" {
		t.Fatalf("got %+v, %v", got, err)
	}
}
