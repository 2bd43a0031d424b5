package demo

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
)

func TestDemoSamples(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := Start(ctx, Options{Latency: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	dir := d.Dir
	states, err := d.Service.CheckNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status hetzner.Status
		perm   project.Permission
	}{
		"production": {hetzner.StatusOK, project.PermissionRead},
		"staging":    {hetzner.StatusOK, project.PermissionReadWrite},
		"ci-runners": {hetzner.StatusLow, project.PermissionReadWrite},
		"old-laptop": {hetzner.StatusInvalidToken, project.PermissionRead},
	}
	if len(states) != len(want) {
		t.Fatalf("%d projects", len(states))
	}
	for _, st := range states {
		w, ok := want[st.Name]
		if !ok || st.Status != w.status || st.Permission != w.perm {
			t.Errorf("%s: %s %s, want %+v", st.Name, st.Status, st.Permission, w)
		}
	}
	if d.Keychain.Len() != 4 {
		t.Errorf("in-memory keychain holds %d tokens", d.Keychain.Len())
	}
	d.Close()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("the demo's config directory survived Close")
	}
}

func TestGeneratedSamples(t *testing.T) {
	for _, n := range []int{2, 4, 20, 200} {
		s := GeneratedSamples(n)
		if len(s) != n {
			t.Fatalf("GeneratedSamples(%d) gave %d", n, len(s))
		}
		seen := map[string]bool{}
		for _, x := range s {
			if seen[x.Name] {
				t.Fatalf("repeated name %s", x.Name)
			}
			seen[x.Name] = true
		}
	}
}
