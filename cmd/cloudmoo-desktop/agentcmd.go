package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/cli"
	"github.com/cloudmoo/cloudmoo-desktop/core/agent"
	"github.com/cloudmoo/cloudmoo-desktop/core/demo"
	"github.com/cloudmoo/cloudmoo-desktop/core/notify"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// noWindowGrace is how long an agent without a tray waits for its first
// window before it exits: it has nobody to show anything to.
const noWindowGrace = 60 * time.Second

// agentCommand is `cloudmoo-desktop agent [--demo] | agent status [--json] | agent quit`.
func agentCommand() cli.Command {
	return cli.Command{
		Summary: "agent [--demo] | agent status [--json] | agent quit: run, inspect or stop the background agent (--demo: the demo's agent)",
		Run:     runAgentCommand,
	}
}

func runAgentCommand(ctx context.Context, env cli.Env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "status":
			return runAgentStatus(ctx, env, args[1:])
		case "quit", "stop":
			return runAgentQuit(ctx, env, args[1:])
		}
	}
	fs := flag.NewFlagSet("agent", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	demoMode := fs.Bool("demo", false, "serve the simulated API's sample projects with an in-memory keychain")
	noTray := fs.Bool("no-tray", false, "do not show a tray icon")
	withWindows := fs.Bool("exit-with-windows", false, "without a tray, stop when the last window closes (how a window starts the agent)")
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(env.Stdout)
			fmt.Fprintln(env.Stdout, "Usage: cloudmoo-desktop agent [--demo] [--no-tray] | agent status [--json] | agent quit")
			fmt.Fprintln(env.Stdout, "The agent owns projects, keychain access and monitoring; windows and the command line talk to it.")
			fs.PrintDefaults()
			return cli.ExitOK
		}
	}
	if err := fs.Parse(args); err != nil {
		return cli.ExitError
	}
	if err := runAgent(ctx, *demoMode, *noTray, *withWindows, env); err != nil {
		fmt.Fprintln(env.Stderr, "cloudmoo-desktop agent:", err)
		return cli.ExitError
	}
	return cli.ExitOK
}

// configDir is where this agent's socket and config live. A demo agent has
// a directory of its own so it never meets the real one.
func configDir(demoMode bool) (string, error) {
	dir, err := project.DefaultDir()
	if err != nil {
		return "", err
	}
	if demoMode {
		dir = filepath.Join(dir, "demo")
	}
	return dir, nil
}

// runAgent serves the service on the socket until told to quit. An agent
// a window started for itself, with no tray to live on in, stops with the
// last window; one started on purpose (autostart, a service manager) keeps
// monitoring and notifying until told to quit.
func runAgent(ctx context.Context, demoMode, noTray, withWindows bool, env cli.Env) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dir, err := configDir(demoMode)
	if err != nil {
		return err
	}
	var svc *service.Local
	if demoMode {
		d, err := demo.Start(ctx, demoOptions())
		if err != nil {
			return err
		}
		defer d.Close()
		svc = d.Service
	} else if svc, err = newLocal(); err != nil {
		return err
	}
	sock := agent.SocketPath(dir)
	srv := agent.NewServer(svc, agent.ServerOptions{
		SocketPath: sock,
		Version:    appVersion(),
		Demo:       demoMode,
		Quit:       cancel,
	})
	if err := srv.Listen(); err != nil {
		return err
	}
	go svc.Run(ctx)
	go func() { _ = notify.Run(ctx, svc, notify.Default(), log.Printf) }()
	go followAutostart(ctx, svc)
	// A demo agent a window started for itself has no tray: it should end
	// with its window, not stay beside the real agent's icon.
	trayUp := !noTray && !(demoMode && withWindows) && trayAvailable()
	transient := withWindows && !trayUp
	if transient {
		go exitWithoutWindows(ctx, srv, cancel)
	}
	srv.SetLifecycle(trayUp, transient)
	fmt.Fprintf(env.Stderr, "cloudmoo-desktop agent %s: serving %s (pid %d, tray %v)\n", appVersion(), sock, os.Getpid(), trayUp)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	if trayUp {
		// The tray runs on this, the main goroutine: macOS and Windows
		// need their menu on the main thread.
		runTray(ctx, svc, srv, cancel)
	}
	return <-served
}

// exitWithoutWindows ends a tray-less agent when its last window has gone,
// or when no window came within noWindowGrace of its start.
func exitWithoutWindows(ctx context.Context, srv *agent.Server, cancel context.CancelFunc) {
	start := time.Now()
	seen := false
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n := srv.Windows()
		switch {
		case n > 0:
			seen = true
		case seen:
			cancel()
			return
		case time.Since(start) > noWindowGrace:
			cancel()
			return
		}
	}
}

func runAgentStatus(ctx context.Context, env cli.Env, args []string) int {
	fs := flag.NewFlagSet("agent status", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	asJSON := fs.Bool("json", false, `print {"running":…,"pid":…,"socket":…,"projects":…,"uptime_s":…}`)
	demoMode := fs.Bool("demo", false, "ask the demo agent")
	if err := fs.Parse(args); err != nil {
		return cli.ExitError
	}
	dir, err := configDir(*demoMode)
	if err != nil {
		fmt.Fprintln(env.Stderr, "cloudmoo-desktop:", err)
		return cli.ExitError
	}
	sock := agent.SocketPath(dir)
	c, err := agent.Dial(ctx, sock)
	if err != nil {
		if *asJSON {
			_ = json.NewEncoder(env.Stdout).Encode(agent.Status{Running: false, Socket: sock})
		} else {
			fmt.Fprintf(env.Stdout, "No agent is running for %s (%v).\n", dir, err)
		}
		return cli.ExitError
	}
	defer c.Close()
	st, err := c.Status(ctx)
	if err != nil {
		fmt.Fprintln(env.Stderr, "cloudmoo-desktop:", err)
		return cli.ExitError
	}
	if *asJSON {
		_ = json.NewEncoder(env.Stdout).Encode(st)
	} else {
		fmt.Fprintf(env.Stdout, "Agent running: pid %d, socket %s, %d projects, up %d s, %d windows.\n", st.PID, st.Socket, st.Projects, st.UptimeSeconds, st.Windows)
	}
	return cli.ExitOK
}

func runAgentQuit(ctx context.Context, env cli.Env, args []string) int {
	fs := flag.NewFlagSet("agent quit", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	demoMode := fs.Bool("demo", false, "stop the demo agent")
	if err := fs.Parse(args); err != nil {
		return cli.ExitError
	}
	dir, err := configDir(*demoMode)
	if err != nil {
		fmt.Fprintln(env.Stderr, "cloudmoo-desktop:", err)
		return cli.ExitError
	}
	c, err := agent.Dial(ctx, agent.SocketPath(dir))
	if err != nil {
		fmt.Fprintln(env.Stderr, "cloudmoo-desktop: no agent is running")
		return cli.ExitError
	}
	defer c.Close()
	if err := c.Quit(ctx); err != nil {
		fmt.Fprintln(env.Stderr, "cloudmoo-desktop:", err)
		return cli.ExitError
	}
	fmt.Fprintln(env.Stdout, "The agent is stopping.")
	return cli.ExitOK
}

// connectAgent returns a client of the agent for dir, starting one detached
// when none runs.
func connectAgent(ctx context.Context, dir string, demoMode bool) (*agent.Client, error) {
	sock := agent.SocketPath(dir)
	c, err := agent.Dial(ctx, sock)
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, agent.ErrNotRunning) {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("cannot find this program to start the agent: %w", err)
	}
	args := []string{"agent", "--exit-with-windows"}
	if demoMode {
		args = append(args, "--demo")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", dir, err)
	}
	if _, err := agent.StartDetached(exe, args, nil, filepath.Join(dir, "agent.log")); err != nil {
		return nil, fmt.Errorf("cannot start the agent: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	c, err = agent.WaitReady(wctx, sock)
	if err != nil {
		return nil, fmt.Errorf("the agent did not start (see %s): %w", filepath.Join(dir, "agent.log"), err)
	}
	return c, nil
}

// windowService is the agent client as the window uses it: its event
// stream counts as a window, so the agent knows one is open.
type windowService struct{ *agent.Client }

func (w windowService) Subscribe(ctx context.Context) (<-chan service.Event, error) {
	return w.SubscribeAs(ctx, true)
}
