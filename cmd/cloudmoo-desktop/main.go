// Command cloudmoo-desktop is CloudMoo Desktop: with no arguments it opens
// the window; with a subcommand it is the command line (see --help).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/cloudmoo/cloudmoo-desktop/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := cli.Env{
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		ReadSecret:  cli.TerminalSecretReader(os.Stdin),
		OpenService: openService,
		OpenWindow:  openWindow,
		Version:     appVersion(),
		Extra:       map[string]cli.Command{"agent": agentCommand()},
	}
	code := cli.Run(ctx, os.Args[1:], env)
	stop()
	os.Exit(code)
}
