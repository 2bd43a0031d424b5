// Package hetzner talks to the Hetzner Cloud API for one project's token:
// a read-only check that also yields the rate-limit headers, and a
// permission probe that can never change anything.
package hetzner

import (
	"context"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hetznercloud/hcloud-go/v2/hcloud"

	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// EnvEndpoint names the variable that points the app at another API, such
// as the simulator.
const EnvEndpoint = "HCLOUD_ENDPOINT"

// DefaultEndpoint is Hetzner's public API.
const DefaultEndpoint = hcloud.Endpoint

// EndpointFromEnv returns $HCLOUD_ENDPOINT or Hetzner's endpoint.
func EndpointFromEnv() string {
	if e := strings.TrimSpace(os.Getenv(EnvEndpoint)); e != "" {
		return strings.TrimRight(e, "/")
	}
	return DefaultEndpoint
}

// Config is shared by every project's client.
type Config struct {
	Endpoint   string       // "" = EndpointFromEnv()
	AppVersion string       // sent in the User-Agent
	HTTPClient *http.Client // nil = a shared client with a 20 s timeout
	Now        func() time.Time
	// Retries is how many times a network fault or a 5xx is retried (each
	// retry costs a request of the project's budget). Negative = none.
	Retries int
	// RetryBase is the first backoff; it doubles, capped at 2 s.
	RetryBase time.Duration
}

func (c Config) withDefaults() Config {
	if c.Endpoint == "" {
		c.Endpoint = EndpointFromEnv()
	}
	if c.HTTPClient == nil {
		c.HTTPClient = defaultHTTPClient
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Retries == 0 {
		c.Retries = 2
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.RetryBase == 0 {
		c.RetryBase = 250 * time.Millisecond
	}
	return c
}

// defaultHTTPClient is shared by every client so connections to the API are
// reused across checks. http.DefaultTransport keeps only 2 idle connections
// per host, which would make the monitor's parallel checks open a new TLS
// connection for most requests.
var defaultHTTPClient = &http.Client{Timeout: 20 * time.Second, Transport: newTransport()}

func newTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport // replaced by a test or an embedder: leave it be
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = 16
	return t
}

// Client is the API as one token sees it.
type Client struct {
	hc  *hcloud.Client
	cfg Config
}

// NewClient returns a client that sends tok to cfg.Endpoint.
func NewClient(tok token.Token, cfg Config) *Client {
	cfg = cfg.withDefaults()
	hc := hcloud.NewClient(
		hcloud.WithToken(tok.Value()),
		hcloud.WithEndpoint(cfg.Endpoint),
		hcloud.WithApplication("cloudmoo-desktop", cfg.AppVersion),
		hcloud.WithHTTPClient(cfg.HTTPClient),
		// hcloud-go would otherwise sleep through five retries of a 429
		// without reading RateLimit-Reset; we report it at once instead and
		// retry only what is worth retrying, ourselves.
		hcloud.WithRetryOpts(hcloud.RetryOpts{MaxRetries: 0}),
	)
	return &Client{hc: hc, cfg: cfg}
}

// Endpoint returns the API base URL in use.
func (c *Client) Endpoint() string { return c.cfg.Endpoint }

// do runs one API call, retrying network faults and 5xx with a short capped
// backoff. It returns the last response and error and how many requests
// went out.
func (c *Client) do(ctx context.Context, call func() (*hcloud.Response, error)) (*hcloud.Response, error, int) {
	sent := 0
	backoff := c.cfg.RetryBase
	for {
		resp, err := call()
		sent++
		if err == nil || sent > c.cfg.Retries || ctx.Err() != nil || !retryable(resp, err) {
			return resp, err, sent
		}
		select {
		case <-ctx.Done():
			return resp, err, sent
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 2*time.Second)
	}
}
