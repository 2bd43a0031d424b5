package hcloudsim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
)

// listFunc calls one hcloud-go List and reports how many items it decoded.
type listFunc func(ctx context.Context, c *hcloud.Client) (int, *hcloud.Response, error)

func lister[T any](f func(context.Context, *hcloud.Client) ([]T, *hcloud.Response, error)) listFunc {
	return func(ctx context.Context, c *hcloud.Client) (int, *hcloud.Response, error) {
		items, resp, err := f(ctx, c)
		return len(items), resp, err
	}
}

func TestHcloudGoDecodesEveryList(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	c := e.client(e.readTok)
	tests := []struct {
		name string
		list listFunc
		want int
	}{
		{"servers", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.Server, *hcloud.Response, error) {
			return c.Server.List(ctx, hcloud.ServerListOpts{})
		}), 3},
		{"volumes", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.Volume, *hcloud.Response, error) {
			return c.Volume.List(ctx, hcloud.VolumeListOpts{})
		}), 2},
		{"ssh_keys", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.SSHKey, *hcloud.Response, error) {
			return c.SSHKey.List(ctx, hcloud.SSHKeyListOpts{})
		}), 2},
		{"networks", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.Network, *hcloud.Response, error) {
			return c.Network.List(ctx, hcloud.NetworkListOpts{})
		}), 1},
		{"firewalls", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.Firewall, *hcloud.Response, error) {
			return c.Firewall.List(ctx, hcloud.FirewallListOpts{})
		}), 1},
		{"floating_ips", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.FloatingIP, *hcloud.Response, error) {
			return c.FloatingIP.List(ctx, hcloud.FloatingIPListOpts{})
		}), 1},
		{"primary_ips", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.PrimaryIP, *hcloud.Response, error) {
			return c.PrimaryIP.List(ctx, hcloud.PrimaryIPListOpts{})
		}), 2},
		{"load_balancers", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.LoadBalancer, *hcloud.Response, error) {
			return c.LoadBalancer.List(ctx, hcloud.LoadBalancerListOpts{})
		}), 1},
		{"certificates", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.Certificate, *hcloud.Response, error) {
			return c.Certificate.List(ctx, hcloud.CertificateListOpts{})
		}), 1},
		{"placement_groups", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.PlacementGroup, *hcloud.Response, error) {
			return c.PlacementGroup.List(ctx, hcloud.PlacementGroupListOpts{})
		}), 1},
		{"images", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.Image, *hcloud.Response, error) {
			return c.Image.List(ctx, hcloud.ImageListOpts{})
		}), 4},
		{"locations", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.Location, *hcloud.Response, error) {
			return c.Location.List(ctx, hcloud.LocationListOpts{})
		}), 6},
		{"server_types", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.ServerType, *hcloud.Response, error) {
			return c.ServerType.List(ctx, hcloud.ServerTypeListOpts{})
		}), 4},
		{"load_balancer_types", lister(func(ctx context.Context, c *hcloud.Client) ([]*hcloud.LoadBalancerType, *hcloud.Response, error) {
			return c.LoadBalancerType.List(ctx, hcloud.LoadBalancerTypeListOpts{})
		}), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, resp, err := tt.list(t.Context(), c)
			if err != nil {
				t.Fatalf("hcloud-go could not decode /v1/%s: %v", tt.name, err)
			}
			if n != tt.want {
				t.Errorf("decoded %d items, want %d", n, tt.want)
			}
			p := resp.Meta.Pagination
			if p == nil || p.Page != 1 || p.PerPage != 25 || p.TotalEntries != tt.want || p.LastPage != 1 || p.NextPage != 0 {
				t.Errorf("pagination = %+v, want page 1 of 1, 25 per page, %d entries", p, tt.want)
			}
			if rl := resp.Meta.Ratelimit; rl.Limit != 3600 || rl.Remaining <= 0 || rl.Reset.IsZero() {
				t.Errorf("Meta.Ratelimit = %+v, want limit 3600 and a remaining count and reset", rl)
			}
		})
	}
}

func TestServerFieldsDecode(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	servers, err := e.client(e.readTok).Server.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s := servers[0]
	if s.Name != "server-1" || s.Status != hcloud.ServerStatusRunning || s.ServerType.Name == "" ||
		s.Location.Name == "" || s.Image == nil || s.PublicNet.IPv4.IP == nil || s.Created.IsZero() {
		t.Errorf("server decoded incompletely: %+v", s)
	}
}

func TestPagination(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	e.prod.AddServers(57) // 60 in all
	tests := []struct {
		name                   string
		query                  string
		wantItems, wantPerPage int
		wantPrev, wantNext     int // 0 = null
		wantLast               int
	}{
		{"default", "", 25, 25, 0, 2, 3},
		{"second page", "?page=2", 25, 25, 1, 3, 3},
		{"last page", "?page=3", 10, 25, 2, 0, 3},
		{"per_page capped at 50", "?per_page=100", 50, 50, 0, 2, 2},
		{"past the end", "?page=9&per_page=50", 0, 50, 2, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := e.client(e.readTok).NewRequest(t.Context(), http.MethodGet, "/servers"+tt.query, nil)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Servers []struct{ ID int64 } `json:"servers"`
			}
			resp, err := e.client(e.readTok).Do(req, &body)
			if err != nil {
				t.Fatal(err)
			}
			p := resp.Meta.Pagination
			if len(body.Servers) != tt.wantItems || p.PerPage != tt.wantPerPage || p.PreviousPage != tt.wantPrev ||
				p.NextPage != tt.wantNext || p.LastPage != tt.wantLast || p.TotalEntries != 60 {
				t.Errorf("got %d items, pagination %+v; want %d items, per_page %d, prev %d, next %d, last %d, total 60",
					len(body.Servers), p, tt.wantItems, tt.wantPerPage, tt.wantPrev, tt.wantNext, tt.wantLast)
			}
		})
	}
	t.Run("All follows next_page", func(t *testing.T) {
		all, err := e.client(e.readTok).Server.All(t.Context())
		if err != nil || len(all) != 60 {
			t.Fatalf("Server.All = %d servers, %v; want 60", len(all), err)
		}
	})
	t.Run("bad page", func(t *testing.T) {
		r := e.do(t, http.MethodGet, "/servers?page=0", e.readTok, "")
		if r.status != http.StatusUnprocessableEntity || r.code != "invalid_input" {
			t.Errorf("page=0 got %d %s, want 422 invalid_input", r.status, r.code)
		}
	})
}

func TestGetAndPaths(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	c := e.client(e.readTok)
	keys, err := c.SSHKey.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Run("get by ID", func(t *testing.T) {
		k, _, err := c.SSHKey.GetByID(t.Context(), keys[0].ID)
		if err != nil || k == nil || k.Name != keys[0].Name || k.Fingerprint == "" {
			t.Fatalf("GetByID = %+v, %v; want %s", k, err, keys[0].Name)
		}
	})
	t.Run("get by name", func(t *testing.T) {
		l, _, err := c.Location.GetByName(t.Context(), "hel1")
		if err != nil || l == nil || l.City != "Helsinki" {
			t.Fatalf("GetByName(hel1) = %+v, %v", l, err)
		}
	})
	t.Run("unknown ID is nil without error", func(t *testing.T) {
		s, resp, err := c.Server.GetByID(t.Context(), 42)
		if err != nil || s != nil || resp.StatusCode != http.StatusNotFound {
			t.Fatalf("GetByID(42) = %v, %v", s, err)
		}
	})

	tests := []struct {
		name, method, path string
		wantStatus         int
		wantCode           string
	}{
		{"unknown server", http.MethodGet, "/servers/999999", 404, "not_found"},
		{"non-numeric ID", http.MethodGet, "/servers/abc", 404, "not_found"},
		{"unknown collection", http.MethodGet, "/nothing_here", 404, "not_found"},
		{"datacenters removed", http.MethodGet, "/datacenters", 410, "deprecated_api_endpoint"},
		{"datacenter by ID removed", http.MethodGet, "/datacenters/1", 410, "deprecated_api_endpoint"},
		{"write not simulated", http.MethodPost, "/servers", 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, tt.method, tt.path, e.rw, "{}")
			if r.status != tt.wantStatus || r.code != tt.wantCode || r.limit != 3600 {
				t.Errorf("%s %s = %d %q (limit header %d), want %d %q with headers",
					tt.method, tt.path, r.status, r.code, r.limit, tt.wantStatus, tt.wantCode)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
	t.Run("hcloud-go sees deprecation details", func(t *testing.T) {
		_, err := c.Datacenter.All(t.Context()) //nolint:staticcheck // the point is that it is gone
		var apiErr hcloud.Error
		if !errors.As(err, &apiErr) || apiErr.Code != "deprecated_api_endpoint" {
			t.Fatalf("Datacenter.All error = %v, want deprecated_api_endpoint", err)
		}
		if d, ok := apiErr.Details.(hcloud.ErrorDetailsDeprecatedAPIEndpoint); !ok || d.Announcement == "" {
			t.Errorf("details = %#v, want an announcement link", apiErr.Details)
		}
	})
}
