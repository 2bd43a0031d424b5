package hcloudsim_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
)

// TestPermissionProbe is the matrix the app's permission probe relies on:
// POST /v1/ssh_keys with {} is refused for Read tokens before the body is
// looked at, and fails validation for Read & Write tokens.
func TestPermissionProbe(t *testing.T) {
	tests := []struct {
		name       string
		form       hcloudsim.ReadOnlyForm
		tok        func(e *env) string
		wantStatus int
		wantCode   string
	}{
		{"read, current form", hcloudsim.Forbidden403, func(e *env) string { return e.readTok }, 403, "forbidden"},
		{"read, older form", hcloudsim.TokenReadonly401, func(e *env) string { return e.readTok }, 401, "token_readonly"},
		{"read & write, current form", hcloudsim.Forbidden403, func(e *env) string { return e.rw }, 422, "invalid_input"},
		{"read & write, older form", hcloudsim.TokenReadonly401, func(e *env) string { return e.rw }, 422, "invalid_input"},
		{"unknown token", hcloudsim.Forbidden403, func(*env) string { return hcloudsim.TokenFor("stranger") }, 401, "unauthorized"},
		{"no token", hcloudsim.Forbidden403, func(*env) string { return "" }, 401, "unauthorized"},
		{"revoked token", hcloudsim.Forbidden403, func(e *env) string {
			e.sim.RevokeToken(e.rw)
			return e.rw
		}, 401, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, hcloudsim.Options{ReadOnlyForm: tt.form})
			tok := tt.tok(e)

			// Through hcloud-go, as the app sends it: SSHKey.Create would
			// refuse an empty name locally, so NewRequest + Do.
			c := e.client(tok)
			req, err := c.NewRequest(t.Context(), http.MethodPost, "/ssh_keys", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req, nil)
			if resp.StatusCode != tt.wantStatus || errCode(err) != hcloud.ErrorCode(tt.wantCode) {
				t.Fatalf("got %d %v, want %d %s", resp.StatusCode, err, tt.wantStatus, tt.wantCode)
			}
			if resp.Meta.Ratelimit.Limit != 3600 {
				t.Errorf("refusal without rate-limit headers: %+v", resp.Meta.Ratelimit)
			}
			if tt.wantCode == "invalid_input" {
				var apiErr hcloud.Error
				errors.As(err, &apiErr)
				d, ok := apiErr.Details.(hcloud.ErrorDetailsInvalidInput)
				if !ok || len(d.Fields) != 2 || d.Fields[0].Name != "name" || d.Fields[1].Name != "public_key" ||
					d.Fields[0].Messages[0] != "Missing data for required field." {
					t.Errorf("details = %#v, want name and public_key missing", apiErr.Details)
				}
			}
			if m := e.sim.Mutations(); len(m) != 0 {
				t.Errorf("a refused or invalid write was recorded as a mutation: %+v", m)
			}
		})
	}
}

// TestPermissionBeforeRouting checks that every write, even to paths the
// simulator does not implement, is permission-checked first.
func TestPermissionBeforeRouting(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	for _, tt := range []struct{ method, path string }{
		{http.MethodPost, "/servers"},
		{http.MethodPut, "/ssh_keys/1"},
		{http.MethodDelete, "/ssh_keys/1"},
		{http.MethodPost, "/no_such_thing"},
		{http.MethodPost, "/ssh_keys"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := e.do(t, tt.method, tt.path, e.readTok, "not json")
			if r.status != http.StatusForbidden || r.code != "forbidden" {
				t.Errorf("read token got %d %q, want 403 forbidden", r.status, r.code)
			}
		})
	}
}

func TestSSHKeyWrites(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	validKey := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3ExampleExampleExampleExampleExampleExam me@laptop"
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantCode                 string
		wantMutations            int
	}{
		{"invalid JSON", "POST", "/ssh_keys", "{", 400, "json_error", 0},
		{"empty name", "POST", "/ssh_keys", `{"name":"","public_key":"` + validKey + `"}`, 422, "invalid_input", 0},
		{"not a public key", "POST", "/ssh_keys", `{"name":"x","public_key":"hello"}`, 422, "invalid_input", 0},
		{"valid", "POST", "/ssh_keys", `{"name":"laptop","public_key":"` + validKey + `"}`, 201, "", 1},
		{"duplicate name", "POST", "/ssh_keys", `{"name":"laptop","public_key":"ssh-rsa AAAA other"}`, 409, "uniqueness_error", 1},
		{"duplicate key", "POST", "/ssh_keys", `{"name":"other","public_key":"` + validKey + `"}`, 409, "uniqueness_error", 1},
		{"delete unknown", "DELETE", "/ssh_keys/1", "", 404, "not_found", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, tt.method, tt.path, e.rw, tt.body)
			if r.status != tt.wantStatus || r.code != tt.wantCode {
				t.Errorf("got %d %q (%s), want %d %q", r.status, r.code, r.message, tt.wantStatus, tt.wantCode)
			}
			if got := len(e.sim.Mutations()); got != tt.wantMutations {
				t.Errorf("%d mutations, want %d", got, tt.wantMutations)
			}
		})
	}

	t.Run("created key is listed and deletable", func(t *testing.T) {
		c := e.client(e.rw)
		k, _, err := c.SSHKey.GetByName(t.Context(), "laptop")
		if err != nil || k == nil {
			t.Fatalf("GetByName(laptop) = %v, %v", k, err)
		}
		if _, err := c.SSHKey.Delete(t.Context(), k); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		m := e.sim.Mutations()
		if len(m) != 2 || m[1].Method != http.MethodDelete || m[1].Project != "prod" {
			t.Errorf("mutations = %+v, want the POST and the DELETE", m)
		}
	})

	t.Run("hcloud-go Create", func(t *testing.T) {
		k, _, err := e.client(e.rw).SSHKey.Create(t.Context(), hcloud.SSHKeyCreateOpts{
			Name: "ci", PublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIci ci", Labels: map[string]string{"team": "ops"},
		})
		if err != nil || k.ID == 0 || k.Labels["team"] != "ops" {
			t.Fatalf("Create = %+v, %v", k, err)
		}
	})
}

func TestRequestLogMasksTokens(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	e.do(t, http.MethodGet, "/servers?per_page=1", e.readTok, "")
	reqs := e.sim.Requests()
	if len(reqs) != 1 {
		t.Fatalf("logged %d requests", len(reqs))
	}
	r := reqs[0]
	want := e.readTok[:4] + "…" + e.readTok[60:]
	if r.TokenMasked != want || r.Project != "prod" || r.Path != "/v1/servers?per_page=1" ||
		r.Status != 200 || r.Source != hcloudsim.SourceAPI || !r.Time.Equal(e.clock.Now()) {
		t.Errorf("logged %+v", r)
	}
	b, _ := json.Marshal(reqs)
	if strings.Contains(string(b), e.readTok) {
		t.Error("the log holds a full token")
	}
	e.sim.ResetLog()
	if len(e.sim.Requests()) != 0 {
		t.Error("ResetLog left entries")
	}
}
