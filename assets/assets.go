// Package assets embeds CloudMoo's icons, so the binary needs no files
// beside it (a `go build` binary cannot rely on app.Metadata()).
package assets

import _ "embed"

// TrayOK is the tray icon when every project is fine (64×64 PNG).
//
//go:embed tray-ok.png
var TrayOK []byte

// TrayLow is the tray icon when a project's budget runs low (64×64 PNG).
//
//go:embed tray-low.png
var TrayLow []byte

// TrayProblem is the tray icon when a project or the app needs attention
// (64×64 PNG).
//
//go:embed tray-problem.png
var TrayProblem []byte

// TrayUnknown is the tray icon before the first check or with no projects
// (64×64 PNG).
//
//go:embed tray-unknown.png
var TrayUnknown []byte

// AppIcon is the application icon (256×256 PNG).
//
//go:embed icon-256.png
var AppIcon []byte
