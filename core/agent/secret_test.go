package agent

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// TestTokensNeverComeBack: tokens travel in request bodies only. After
// every intent, no reply and no event holds a token or a piece of one
// longer than its mask shows.
func TestTokensNeverComeBack(t *testing.T) {
	f := newFixture(t, ServerOptions{})
	ctx := context.Background()
	c := f.client
	tokA, tokB, tokC := f.token("a", hcloudsim.Read), f.token("b", hcloudsim.ReadWrite), f.token("c", hcloudsim.ReadWrite)
	revoked := f.token("revoked", hcloudsim.Read)
	f.Sim.RevokeToken(revoked)
	secrets := []string{tokA, tokB, tokC, revoked}

	events, err := c.SubscribeAs(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	steps := []struct {
		name  string
		run   func() error
		fails bool // a failure, whose message must not echo the token either
	}{
		{"check-token", func() error { _, err := c.CheckToken(ctx, tokA); return err }, false},
		{"add", func() error {
			st, err := c.Add(ctx, service.AddRequest{Name: "a", Token: tokA})
			id = st.ID
			return err
		}, false},
		{"add unchecked", func() error {
			_, err := c.Add(ctx, service.AddRequest{Name: "b", Token: tokB, SkipCheck: true})
			return err
		}, false},
		{"snapshot", func() error { _, err := c.Snapshot(ctx); return err }, false},
		{"status", func() error { _, err := c.Status(ctx); return err }, false},
		{"rename", func() error { _, err := c.Rename(ctx, id, "a2"); return err }, false},
		{"replace", func() error {
			_, err := c.ReplaceToken(ctx, service.ReplaceRequest{ID: id, Token: tokC})
			return err
		}, false},
		{"check-now", func() error { _, err := c.CheckNow(ctx); return err }, false},
		{"detect-permission", func() error { _, err := c.DetectPermission(ctx, id); return err }, false},
		{"history", func() error { _, err := c.History(ctx, id); return err }, false},
		{"show", func() error { return c.Show(ctx, id) }, false},
		{"remove", func() error { return c.Remove(ctx, "b") }, false},
		{"revoked token", func() error {
			_, err := c.Add(ctx, service.AddRequest{Name: "r", Token: revoked})
			return err
		}, true},
		{"token with one bad character", func() error {
			_, err := c.CheckToken(ctx, tokA[:63]+"!")
			return err
		}, true},
		{"token too long", func() error {
			_, err := c.Add(ctx, service.AddRequest{Name: "long", Token: tokA + tokB})
			return err
		}, true},
		{"token as a field name", func() error {
			_, e := raw(t, f.sock, "POST", "/v1/add", proto, strings.NewReader(`{"`+tokA+`":1}`))
			assertNoSecret(t, "a bad body", e.Message, secrets)
			return nil
		}, false},
		{"token in a broken body", func() error {
			_, e := raw(t, f.sock, "POST", "/v1/add", proto, strings.NewReader(`{"token":`+tokA+`}`))
			assertNoSecret(t, "a bad body", e.Message, secrets)
			return nil
		}, false},
	}
	for _, step := range steps {
		if err := step.run(); (err != nil) != step.fails {
			t.Fatalf("%s: %v", step.name, err)
		}
		assertNoSecret(t, step.name, f.rec.String(), secrets)
	}
	// Let the stream catch up with the last change, then look again.
	waitFor(t, events, func(e service.Event) bool { return e.Kind == service.EventRemoved })
	time.Sleep(50 * time.Millisecond)
	all := f.rec.String()
	if !strings.Contains(all, "data: ") || !strings.Contains(all, `"token_mask"`) {
		t.Fatal("the recorder saw no events or no projects: the test proves nothing")
	}
	assertNoSecret(t, "event stream", all, secrets)
}

func assertNoSecret(t *testing.T, step, seen string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		// The mask shows 4+4 characters; 16 from the middle is a leak.
		for _, piece := range []string{s, s[4:20], s[24:40], s[44:60]} {
			if n := strings.Count(seen, piece); n > 0 {
				t.Fatalf("after %s: a token (or 16 characters of one) appears %d times in replies", step, n)
			}
		}
	}
}
