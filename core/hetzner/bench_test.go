package hetzner

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudsim"
)

// BenchmarkCheck50Projects checks 50 projects at once against the simulator
// with 50 ms of network latency. Checks run concurrently over one shared
// transport, so an op should take about one round trip, not 50.
func BenchmarkCheck50Projects(b *testing.B) {
	const n, latency = 50, 50 * time.Millisecond
	sim := hcloudsim.New(hcloudsim.Options{Latency: latency, LogLimit: 1000})
	b.Cleanup(sim.Close)
	url := sim.Start()
	// Enough idle connections per host for every check in flight: with
	// http.DefaultTransport's 2, most checks would dial a new connection.
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(transport.CloseIdleConnections)
	httpClient := &http.Client{Timeout: 10 * time.Second, Transport: transport}
	clients := make([]*Client, n)
	for i := range clients {
		name := fmt.Sprintf("project-%02d", i)
		secret := hcloudsim.TokenFor(name)
		sim.AddProject(name, 3600).AddToken(secret, hcloudsim.Read)
		clients[i] = NewClient(mustToken(b, secret), Config{Endpoint: url, HTTPClient: httpClient})
	}
	checkAll := func() {
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Go(func() {
				if res := c.Check(context.Background(), 10); !res.Status.Healthy() {
					b.Errorf("check: %s %s", res.Status, res.Message)
				}
			})
		}
		wg.Wait()
	}
	checkAll() // open the connections outside the measurement

	var wall time.Duration
	ops := 0
	for b.Loop() {
		start := time.Now()
		checkAll()
		wall += time.Since(start)
		ops++
	}
	b.ReportMetric(wall.Seconds()*1000/float64(ops), "wall-ms/op")
	b.ReportMetric(float64(latency.Milliseconds()), "latency-ms")
}
