package hcloudsim_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simclock"
)

func TestSeedingAndResources(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	tests := []struct {
		name  string
		act   func(p *hcloudsim.Project)
		kind  hcloudsim.Kind
		want  int
		names []string // expected names of that kind via hcloud-go, when set
	}{
		{"seeded servers", func(*hcloudsim.Project) {}, hcloudsim.KindServers, 3, []string{"server-1", "server-2", "server-3"}},
		{"more servers continue numbering", func(p *hcloudsim.Project) { p.AddServers(2) }, hcloudsim.KindServers, 5,
			[]string{"server-1", "server-2", "server-3", "server-4", "server-5"}},
		{"volumes", func(p *hcloudsim.Project) { p.AddVolumes(1) }, hcloudsim.KindVolumes, 3, nil},
		{"named key, then the same name again", func(p *hcloudsim.Project) {
			p.AddSSHKey("laptop")
			p.AddSSHKey("laptop")
		}, hcloudsim.KindSSHKeys, 4, []string{"key-1", "key-2", "laptop", "laptop-2"}},
		{"generic Add", func(p *hcloudsim.Project) {
			if err := p.Add(hcloudsim.KindFirewalls, 2); err != nil {
				t.Fatal(err)
			}
		}, hcloudsim.KindFirewalls, 3, nil},
		{"Clear empties a kind", func(p *hcloudsim.Project) { p.Clear(hcloudsim.KindNetworks) }, hcloudsim.KindNetworks, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.act(e.prod)
			if got := e.prod.Count(tt.kind); got != tt.want {
				t.Errorf("Count(%s) = %d, want %d", tt.kind, got, tt.want)
			}
			if tt.names == nil {
				return
			}
			var got []string
			switch tt.kind {
			case hcloudsim.KindServers:
				servers, err := e.client(e.readTok).Server.All(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range servers {
					got = append(got, s.Name)
				}
			case hcloudsim.KindSSHKeys:
				keys, err := e.client(e.readTok).SSHKey.All(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range keys {
					got = append(got, k.Name)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.names, ",") {
				t.Errorf("names = %v, want %v", got, tt.names)
			}
		})
	}

	t.Run("unknown kind", func(t *testing.T) {
		err := e.prod.Add("images", 1)
		if err == nil || !strings.Contains(err.Error(), "Kind constants") {
			t.Errorf("Add(images) = %v, want an error naming the valid kinds", err)
		}
	})
	t.Run("an emptied kind still lists, empty", func(t *testing.T) {
		nets, err := e.client(e.readTok).Network.All(t.Context())
		if err != nil || len(nets) != 0 {
			t.Errorf("Network.All = %d, %v; want an empty list", len(nets), err)
		}
	})
	t.Run("projects do not see each other", func(t *testing.T) {
		other := e.sim.AddProject("staging", 3600)
		tok := hcloudsim.TokenFor("staging")
		other.AddToken(tok, hcloudsim.Read)
		servers, err := e.client(tok).Server.All(t.Context())
		if err != nil || len(servers) != 3 {
			t.Fatalf("staging sees %d servers, %v; want its own 3", len(servers), err)
		}
		if _, _, err := e.client(tok).Server.GetByID(t.Context(), servers[0].ID); err != nil {
			t.Fatal(err)
		}
		prodServers, _ := e.client(e.readTok).Server.All(t.Context())
		s, _, err := e.client(tok).Server.GetByID(t.Context(), prodServers[0].ID)
		if err != nil || s != nil {
			t.Errorf("staging can read prod's server %d: %v, %v", prodServers[0].ID, s, err)
		}
	})
	t.Run("same name returns the same project", func(t *testing.T) {
		if p := e.sim.AddProject("prod", 7200); p != e.prod || p.Limit() != 3600 {
			t.Error("AddProject with a used name made a second project or changed it")
		}
	})
}

func TestLogLimitAndHead(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{LogLimit: 3})
	for range 5 {
		e.do(t, http.MethodHead, "/servers", e.readTok, "")
	}
	e.prod.Spend(1)
	reqs := e.sim.Requests()
	if len(reqs) != 3 || reqs[2].Source != hcloudsim.SourceOther || reqs[0].Method != http.MethodHead {
		t.Errorf("log = %+v, want the newest 3 entries", reqs)
	}
	for _, r := range reqs[:2] {
		if r.Status != http.StatusOK {
			t.Errorf("HEAD with a Read token got %d, want 200", r.Status)
		}
	}
}

func TestHandlerInProcess(t *testing.T) {
	sim := hcloudsim.New(hcloudsim.Options{Now: simclock.New().Now})
	if sim.URL() != "" {
		t.Errorf("URL() before Start = %q, want empty", sim.URL())
	}
	p := sim.AddProject("p", 3600)
	tok := hcloudsim.TokenFor("p")
	p.AddToken(tok, hcloudsim.ReadWrite)
	req, _ := http.NewRequest(http.MethodGet, "/v1/locations", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	sim.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("RateLimit-Remaining") != "3599" {
		t.Errorf("in-process GET = %d, headers %v", rec.Code, rec.Header())
	}
}
