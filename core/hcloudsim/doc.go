// Package hcloudsim simulates the parts of the Hetzner Cloud API that CloudMoo
// Desktop talks to, on net/http, so that tests, the --demo mode and benchmarks
// run against something that behaves like Hetzner without a network or a real
// project.
//
// It follows shared/hetzner-api.md: tokens belong to projects and carry Read or
// Read & Write permission; every project has a continuously refilled token
// bucket shared by its tokens (unauthenticated requests draw from a separate
// anonymous bucket); every response, errors and 429s included, carries the
// RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers; errors use
// Hetzner's JSON error body; list endpoints return Hetzner's JSON shapes with
// pagination meta, so real hcloud-go decodes them.
//
// Time comes from Options.Now, so a test can drive refills, other clients'
// spending and reset timestamps with a simulated clock and get exact,
// repeatable numbers. Nothing runs in the background: other clients' traffic
// (StartOthers) is settled lazily whenever the project's bucket is looked at.
//
// Faults (SetFault) inject the failures a real network and API produce: 5xx
// errors, dropped connections, broken JSON, missing rate-limit headers and
// maintenance.
//
// A typical test:
//
//	sim := hcloudsim.New(hcloudsim.Options{Now: clock.Now}) // clock: the test's simulated clock
//	defer sim.Close()
//	p := sim.AddProject("prod", 3600)
//	tok := hcloudsim.TokenFor("prod-rw")
//	p.AddToken(tok, hcloudsim.ReadWrite)
//	client := hcloud.NewClient(hcloud.WithEndpoint(sim.Start()), hcloud.WithToken(tok))
package hcloudsim
