package hcloudsim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name          string
		fault         hcloudsim.Fault
		wantStatus    int    // 0: no response at all
		wantCode      string // Hetzner error code hcloud-go decodes, "" for none
		wantHeaders   bool
		wantDecodeErr bool // the client fails without an API error
		wantCost      float64
	}{
		{"500 default", hcloudsim.Fault{Kind: hcloudsim.ServerError, Count: 1}, 500, "server_error", true, false, 1},
		{"503", hcloudsim.Fault{Kind: hcloudsim.ServerError, Count: 1, Status: 503}, 503, "unavailable", true, false, 1},
		{"504", hcloudsim.Fault{Kind: hcloudsim.ServerError, Count: 1, Status: 504}, 504, "timeout", true, false, 1},
		{"maintenance", hcloudsim.Fault{Kind: hcloudsim.Maintenance, Count: 1}, 403, "maintenance", true, false, 1},
		{"malformed JSON", hcloudsim.Fault{Kind: hcloudsim.MalformedJSON, Count: 1}, 200, "", true, true, 1},
		{"missing headers", hcloudsim.Fault{Kind: hcloudsim.MissingHeaders, Count: 1}, 200, "", false, false, 1},
		{"dropped connection", hcloudsim.Fault{Kind: hcloudsim.DropConnection, Count: 1}, 0, "", false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, hcloudsim.Options{})
			e.sim.SetFault(tt.fault)
			servers, resp, err := e.client(e.readTok).Server.List(t.Context(), hcloud.ServerListOpts{})

			var apiErr hcloud.Error
			isAPIErr := errors.As(err, &apiErr)
			switch {
			case tt.wantDecodeErr && (err == nil || isAPIErr):
				t.Errorf("err = %v, want a client-side error", err)
			case tt.wantCode != "" && errCode(err) != hcloud.ErrorCode(tt.wantCode):
				t.Errorf("err = %v, want code %s", err, tt.wantCode)
			case !tt.wantDecodeErr && tt.wantCode == "" && (err != nil || len(servers) != 3):
				t.Errorf("got %d servers, %v; want a normal answer", len(servers), err)
			}
			if tt.wantStatus != 0 && (resp == nil || resp.Response == nil || resp.StatusCode != tt.wantStatus) {
				t.Fatalf("response %+v, want status %d", resp, tt.wantStatus)
			}
			if tt.wantStatus != 0 && (resp.Meta.Ratelimit.Limit == 3600) != tt.wantHeaders {
				t.Errorf("Meta.Ratelimit = %+v, want headers present: %v", resp.Meta.Ratelimit, tt.wantHeaders)
			}
			if got := 3600 - e.prod.Remaining(); got != tt.wantCost {
				t.Errorf("cost %v requests, want %v", got, tt.wantCost)
			}
			if reqs := e.sim.Requests(); len(reqs) != 1 || reqs[0].Fault != tt.fault.Kind || reqs[0].Status != tt.wantStatus {
				t.Errorf("log = %+v, want one request marked %v with status %d", reqs, tt.fault.Kind, tt.wantStatus)
			}

			// Count 1: the next request is normal again.
			if _, _, err := e.client(e.readTok).Server.List(t.Context(), hcloud.ServerListOpts{}); err != nil {
				t.Errorf("the fault outlived its count: %v", err)
			}
		})
	}
}

func TestFaultSequence(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{})
	e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.ServerError, Count: 2, Status: 503})
	e.sim.AddFault(hcloudsim.Fault{Kind: hcloudsim.Maintenance, Count: 1})
	want := []int{503, 503, 403, 200, 200}
	for i, w := range want {
		if r := e.do(t, http.MethodGet, "/servers", e.readTok, ""); r.status != w {
			t.Errorf("request %d: %d, want %d", i+1, r.status, w)
		}
	}

	e.sim.SetFault(hcloudsim.Fault{Kind: hcloudsim.MissingHeaders}) // until cleared
	for range 3 {
		if r := e.do(t, http.MethodGet, "/servers", e.readTok, ""); r.header.Get("RateLimit-Limit") != "" {
			t.Error("headers present under MissingHeaders")
		}
	}
	e.sim.ClearFaults()
	if r := e.do(t, http.MethodGet, "/servers", e.readTok, ""); r.limit != 3600 {
		t.Error("headers still missing after ClearFaults")
	}
}

func TestLatency(t *testing.T) {
	e := newEnv(t, hcloudsim.Options{Latency: 50 * time.Millisecond})
	start := time.Now()
	e.do(t, http.MethodGet, "/servers", e.readTok, "")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("answered in %v, want at least the 50ms latency", d)
	}

	e.sim.SetLatency(time.Minute)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := e.client(e.readTok).Server.List(ctx, hcloud.ServerListOpts{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context deadline", err)
	}
	e.sim.SetLatency(0)
	// The abandoned request never reached the API: one logged, one spent.
	if got := len(e.sim.Requests()); got != 1 {
		t.Errorf("logged %d requests, want 1", got)
	}
}
