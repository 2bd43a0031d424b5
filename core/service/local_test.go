package service

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simenv"
)

type fixture struct {
	*simenv.Env
	svc *Local
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{Env: simenv.New(t, hcloudsim.Options{})}
	f.svc = f.open()
	return f
}

// open returns another service over the same files, like a second process.
func (f *fixture) open() *Local {
	return NewLocal(Options{
		Store:       f.Store(),
		Keychain:    f.Keys,
		API:         f.API(),
		ReloadEvery: 10 * time.Millisecond,
	})
}

func TestAddRenameReplaceRemove(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	readTok := f.Token("prod", hcloudsim.Read)
	rwTok := f.Token("other", hcloudsim.ReadWrite)

	st, err := f.svc.Add(ctx, AddRequest{Name: " prod ", Token: readTok})
	if err != nil {
		t.Fatal(err)
	}
	if st.Name != "prod" || st.Permission != project.PermissionRead || st.Status != hetzner.StatusOK || st.RateLimit == nil || st.Servers == nil {
		t.Fatalf("added state %+v", st)
	}
	if got, _ := f.Keys.Get(ctx, st.ID); got != readTok {
		t.Fatal("token not in the keychain under the project ID")
	}
	if st.TokenMask != token.Mask(readTok) {
		t.Errorf("mask %q", st.TokenMask)
	}

	if _, err := f.svc.Rename(ctx, "PROD", "production"); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Keys.Get(ctx, st.ID); got != readTok {
		t.Fatal("rename lost the keychain entry")
	}

	st2, err := f.svc.ReplaceToken(ctx, ReplaceRequest{ID: "production", Token: rwTok})
	if err != nil {
		t.Fatal(err)
	}
	if st2.ID != st.ID || st2.Permission != project.PermissionReadWrite || st2.TokenMask != token.Mask(rwTok) {
		t.Fatalf("after replace %+v", st2)
	}
	if got, _ := f.Keys.Get(ctx, st.ID); got != rwTok {
		t.Fatal("replace did not overwrite the keychain entry")
	}

	if err := f.svc.Remove(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Keys.Get(ctx, st.ID); !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("keychain entry survived removal: %v", err)
	}
	snap, _ := f.svc.Snapshot(ctx)
	if len(snap.Projects) != 0 {
		t.Fatal("project survived removal")
	}
}

func TestFailuresLeaveStoreAndKeychainConsistent(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		run       func(f *fixture) error
		want      error
		projects  int
		keyCount  int
		keyHolder string
	}{
		{"keychain down on add: nothing stored", func(f *fixture) error {
			f.Keys.Fail(keychain.ErrUnavailable)
			_, err := f.svc.Add(ctx, AddRequest{Name: "a", Token: f.Token("a", hcloudsim.Read)})
			f.Keys.Fail(nil)
			return err
		}, keychain.ErrUnavailable, 0, 0, ""},
		{"config unusable on add: keychain entry rolled back", func(f *fixture) error {
			if err := os.WriteFile(f.svc.store.Path(), []byte("garbage"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := f.svc.Add(ctx, AddRequest{Name: "a", Token: f.Token("a", hcloudsim.Read), SkipCheck: true})
			return err
		}, ErrReadOnly, -1, 0, ""},
		{"revoked token is not saved", func(f *fixture) error {
			tok := f.Token("a", hcloudsim.Read)
			f.Sim.RevokeToken(tok)
			_, err := f.svc.Add(ctx, AddRequest{Name: "a", Token: tok})
			return err
		}, ErrTokenRejected, 0, 0, ""},
		{"offline is not verified, nothing saved", func(f *fixture) error {
			tok := f.Token("a", hcloudsim.Read)
			f.Sim.Close()
			_, err := f.svc.Add(ctx, AddRequest{Name: "a", Token: tok})
			return err
		}, ErrNotVerified, 0, 0, ""},
		{"keychain down on remove: project gone, entry reported", func(f *fixture) error {
			if _, err := f.svc.Add(ctx, AddRequest{Name: "a", Token: f.Token("a", hcloudsim.Read)}); err != nil {
				t.Fatal(err)
			}
			f.Keys.Fail(keychain.ErrLocked)
			err := f.svc.Remove(ctx, "a")
			f.Keys.Fail(nil)
			return err
		}, ErrKeychainCleanup, 0, 1, ""},
		{"entry deleted behind our back: remove still works", func(f *fixture) error {
			st, err := f.svc.Add(ctx, AddRequest{Name: "a", Token: f.Token("a", hcloudsim.Read)})
			if err != nil {
				t.Fatal(err)
			}
			_ = f.Keys.Delete(ctx, st.ID)
			return f.svc.Remove(ctx, "a")
		}, nil, 0, 0, ""},
		{"malformed token changes nothing", func(f *fixture) error {
			_, err := f.svc.Add(ctx, AddRequest{Name: "a", Token: "not a token"})
			return err
		}, token.ErrMalformed, 0, 0, ""},
		{"duplicate name is refused before any request", func(f *fixture) error {
			if _, err := f.svc.Add(ctx, AddRequest{Name: "a", Token: f.Token("a", hcloudsim.Read)}); err != nil {
				t.Fatal(err)
			}
			f.Sim.ResetLog()
			_, err := f.svc.Add(ctx, AddRequest{Name: "A", Token: f.Token("b", hcloudsim.Read)})
			if n := len(f.Sim.Requests()); n != 0 {
				t.Errorf("%d requests spent on a duplicate name", n)
			}
			return err
		}, project.ErrDuplicateName, 1, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			err := tt.run(f)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), hcloudsim.TokenFor("a")[:16]) {
				t.Fatal("error text contains the token")
			}
			if tt.projects >= 0 {
				file, lerr := project.NewStore(f.Dir).Load()
				if lerr != nil || len(file.Projects) != tt.projects {
					t.Fatalf("store: %v, %d projects, want %d", lerr, len(file.Projects), tt.projects)
				}
			}
			if f.Keys.Len() != tt.keyCount {
				t.Fatalf("keychain holds %d entries, want %d", f.Keys.Len(), tt.keyCount)
			}
		})
	}
}

func TestCorruptConfigIsAProblemAndReadOnly(t *testing.T) {
	f := newFixture(t)
	if err := os.WriteFile(f.svc.store.Path(), []byte(`{"version":99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := f.open()
	snap, _ := svc.Snapshot(context.Background())
	if len(snap.Problems) != 1 || snap.Problems[0].Kind != ProblemConfig || !strings.Contains(snap.Problems[0].Message, "newer CloudMoo") {
		t.Fatalf("problems %+v", snap.Problems)
	}
	if _, err := svc.UpdateSettings(context.Background(), project.DefaultSettings()); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("settings saved over an unusable file: %v", err)
	}
}

// TestSecondProcessSeesChanges: the window's service picks up what the
// command line (another Local over the same files) changed.
func TestSecondProcessSeesChanges(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, _ := f.svc.Subscribe(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); f.svc.Run(ctx) }()

	other := f.open()
	st, err := other.Add(ctx, AddRequest{Name: "from-cli", Token: f.Token("x", hcloudsim.Read), SkipCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, func(e Event) bool { return e.Kind == EventProject && e.Project.ID == st.ID })
	if err := other.Remove(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, func(e Event) bool { return e.Kind == EventRemoved && e.ID == st.ID })
	cancel()
	wg.Wait()
	if _, ok := <-events; ok {
		// drain: the channel must be closed once Run ends
		for range events {
		}
	}
}

func waitFor(t *testing.T, ch <-chan Event, match func(Event) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatal("event stream closed")
			}
			if match(e) {
				return
			}
		case <-deadline:
			t.Fatal("event did not arrive")
		}
	}
}

func TestSlowSubscriberGetsResync(t *testing.T) {
	b := newBroker()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := b.subscribe(ctx)
	for range subscriberBuffer + 10 {
		b.publish(Event{Kind: EventSettings})
	}
	for range subscriberBuffer {
		<-ch
	}
	b.publish(Event{Kind: EventSettings})
	if e := <-ch; e.Kind != EventResync {
		t.Fatalf("got %s, want resync", e.Kind)
	}
	b.publish(Event{Kind: EventProblems})
	if e := <-ch; e.Kind != EventProblems {
		t.Fatalf("after resync got %s", e.Kind)
	}
}

func TestErrorCodesRoundTrip(t *testing.T) {
	for _, c := range codes {
		wrapped := errors.Join(errors.New("context"), c.err)
		code := ErrorCode(wrapped)
		if code != c.code {
			t.Errorf("%v: code %s, want %s", c.err, code, c.code)
		}
		back := &CodedError{Code: code, Message: "m"}
		if !errors.Is(back, c.err) {
			t.Errorf("CodedError{%s} does not match its sentinel", code)
		}
	}
	if ErrorCode(errors.New("x")) != "error" {
		t.Error("unknown errors must map to \"error\"")
	}
}

func TestSameTokenTwiceIsRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok := f.Token("prod", hcloudsim.Read)
	if _, err := f.svc.Add(ctx, AddRequest{Name: "prod", Token: tok}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Add(ctx, AddRequest{Name: "prod again", Token: " " + tok + "\n"})
	if !errors.Is(err, ErrDuplicateToken) || !strings.Contains(err.Error(), `"prod"`) {
		t.Fatalf("got %v", err)
	}
	if f.Keys.Len() != 1 {
		t.Fatal("duplicate stored")
	}
}

func TestAddAfterCheckTokenSpendsNothingAndShowsBudget(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok := f.Token("prod", hcloudsim.ReadWrite)
	rep, err := f.svc.CheckToken(ctx, tok)
	if err != nil || rep.Permission != project.PermissionReadWrite || rep.RateLimit == nil {
		t.Fatalf("CheckToken: %+v %v", rep, err)
	}
	f.Sim.ResetLog()
	st, err := f.svc.Add(ctx, AddRequest{Name: "prod", Token: tok, SkipCheck: true, Permission: rep.Permission, Checked: &rep})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Sim.Requests()); n != 0 {
		t.Errorf("Save after Check spent %d requests", n)
	}
	if st.Status != hetzner.StatusOK || st.RateLimit == nil || st.Servers == nil || st.Permission != project.PermissionReadWrite {
		t.Fatalf("state after add %+v", st)
	}
	// A report for another token is ignored.
	other := f.Token("other", hcloudsim.Read)
	st, err = f.svc.Add(ctx, AddRequest{Name: "other", Token: other, SkipCheck: true, Checked: &rep})
	if err != nil || st.Status != hetzner.StatusUnchecked {
		t.Fatalf("foreign report used: %+v %v", st, err)
	}
}
