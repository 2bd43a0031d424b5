// Package core holds CloudMoo Desktop's product logic: projects and their store,
// token rules, keychain access, the Hetzner client, the rate-limit model, the
// monitor and the Service every front end talks to.
//
// Nothing under core imports fyne.io: the window, the background agent and the
// command line share it, and a test below keeps it that way.
package core
