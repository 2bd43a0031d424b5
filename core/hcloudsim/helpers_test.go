package hcloudsim_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
	"github.com/cloudmoo/cloudmoo-desktop/internal/simclock"
)

// env is one simulator on loopback with a 3600/h project "prod" holding a
// Read token and a Read & Write token.
type env struct {
	sim         *hcloudsim.Server
	clock       *simclock.Clock
	url         string
	prod        *hcloudsim.Project
	readTok, rw string
}

func newEnv(t *testing.T, opts hcloudsim.Options) *env {
	t.Helper()
	clock := simclock.New()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	sim := hcloudsim.New(opts)
	t.Cleanup(sim.Close)
	e := &env{sim: sim, clock: clock, url: sim.Start(), readTok: hcloudsim.TokenFor("prod-read"), rw: hcloudsim.TokenFor("prod-rw")}
	e.prod = sim.AddProject("prod", 3600)
	e.prod.AddToken(e.readTok, hcloudsim.Read)
	e.prod.AddToken(e.rw, hcloudsim.ReadWrite)
	return e
}

// client is a real hcloud-go client without retries, so every call is one
// request and tests stay fast and countable.
func (e *env) client(tok string) *hcloud.Client {
	return hcloud.NewClient(
		hcloud.WithEndpoint(e.url),
		hcloud.WithToken(tok),
		hcloud.WithRetryOpts(hcloud.RetryOpts{MaxRetries: 0}),
		hcloud.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}),
	)
}

// rawResult is a response read without hcloud-go, to see headers and body.
type rawResult struct {
	status    int
	header    http.Header
	code      string
	message   string
	details   json.RawMessage
	body      []byte
	limit     int
	remaining int
	reset     int64
}

// do sends one request with plain net/http; tok "" sends no Authorization.
func (e *env) do(t *testing.T, method, path, tok, body string) rawResult {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := rawResult{status: resp.StatusCode, header: resp.Header, body: data}
	var eb struct {
		Error struct {
			Code    string          `json:"code"`
			Message string          `json:"message"`
			Details json.RawMessage `json:"details"`
		} `json:"error"`
	}
	if resp.StatusCode >= 400 && json.Unmarshal(data, &eb) == nil {
		r.code, r.message, r.details = eb.Error.Code, eb.Error.Message, eb.Error.Details
	}
	r.limit, _ = strconv.Atoi(resp.Header.Get("RateLimit-Limit"))
	r.remaining, _ = strconv.Atoi(resp.Header.Get("RateLimit-Remaining"))
	r.reset, _ = strconv.ParseInt(resp.Header.Get("RateLimit-Reset"), 10, 64)
	return r
}

// errCode returns the Hetzner error code hcloud-go decoded, or "".
func errCode(err error) hcloud.ErrorCode {
	var apiErr hcloud.Error
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}
