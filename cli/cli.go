// Package cli is CloudMoo Desktop's command line: the subcommands of the
// one binary that scripts and acceptance checks drive. Their output and
// exit codes are a contract; keep them stable.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitInvalid     = 2 // check: a token is invalid
	ExitRateLimited = 3 // check: a project is rate limited, none invalid
)

// Env is what the command line needs from the process: streams, the
// terminal, and how to reach a Service and open the window.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// ReadSecret reads a line without echo when stdin is a terminal; nil
	// or ok=false means stdin is not a terminal.
	ReadSecret func(prompt string) (secret string, ok bool, err error)
	// OpenService returns the Service the subcommands use and a function
	// that releases it.
	OpenService func(ctx context.Context) (service.Service, func(), error)
	// OpenWindow runs the window until it is closed.
	OpenWindow func(ctx context.Context, demo bool) error
	// Extra holds subcommands wired in by main (agent, import-hcloud, …).
	Extra   map[string]Command
	Version string
}

// Command is one subcommand.
type Command struct {
	Summary string
	Run     func(ctx context.Context, env Env, args []string) int
}

func builtins() map[string]Command {
	return map[string]Command{
		"add":     {"add NAME: store a project; the token is read from standard input", runAdd},
		"list":    {"list [--json]: show the stored projects", runList},
		"rename":  {"rename OLD NEW: rename a project", runRename},
		"remove":  {"remove NAME: remove a project and its keychain entry", runRemove},
		"check":   {"check [--json] [NAME...] | check --token-stdin [--json]: check tokens against the API", runCheck},
		"replace": {"replace NAME: replace (rotate) a project's token, read from standard input", runReplace},
		"version": {"version: print the version", runVersion},

		"import-hcloud": {"import-hcloud [--config PATH] [--json] [--rename-conflicts] [CONTEXT...]: import hcloud CLI contexts into the keychain", runImport},
	}
}

// Run runs the command line and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	cmds := builtins()
	for name, c := range env.Extra {
		cmds[name] = c
	}
	if len(args) == 0 || args[0] == "--demo" || args[0] == "-demo" {
		demo := len(args) > 0
		if env.OpenWindow == nil {
			fmt.Fprintln(env.Stderr, "cloudmoo-desktop: this build has no window")
			return ExitError
		}
		if err := env.OpenWindow(ctx, demo); err != nil {
			fmt.Fprintln(env.Stderr, "cloudmoo-desktop:", err)
			return ExitError
		}
		return ExitOK
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(env.Stdout, cmds)
		return ExitOK
	case "--version", "-version":
		return runVersion(ctx, env, nil)
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "cloudmoo-desktop: unknown command %q\n\n", args[0])
		usage(env.Stderr, cmds)
		return ExitError
	}
	return c.Run(ctx, env, args[1:])
}

func usage(w io.Writer, cmds map[string]Command) {
	fmt.Fprintln(w, "CloudMoo Desktop: your Hetzner Cloud tokens in the OS keychain, their permission and rate limit at a glance.")
	fmt.Fprintln(w, "\nUsage:\n  cloudmoo-desktop            open the window\n  cloudmoo-desktop --demo     open the window on a simulated Hetzner API with sample projects")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  cloudmoo-desktop %s\n", cmds[n].Summary)
	}
	fmt.Fprintln(w, "\nRun 'cloudmoo-desktop COMMAND --help' for a command's options.")
	fmt.Fprintln(w, "Environment: CLOUDMOO_CONFIG_DIR (config directory), HCLOUD_ENDPOINT (API endpoint).")
}

// flags parses a subcommand's flags, allowing them before or after the
// positional arguments. It returns ok=false after printing help or an error.
func flags(env Env, fs *flag.FlagSet, usageLine string, args []string) (pos []string, code int, ok bool) {
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: cloudmoo-desktop %s\n", usageLine)
		fs.PrintDefaults()
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			// Asked-for help goes to stdout; flag would print it to stderr.
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return nil, ExitOK, false
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, ExitError, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, 0, true
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), 0, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// fail prints err for a person and returns ExitError.
func fail(env Env, err error) int {
	fmt.Fprintln(env.Stderr, "cloudmoo-desktop:", err)
	return ExitError
}

func withService(ctx context.Context, env Env, run func(service.Service) int) int {
	svc, release, err := env.OpenService(ctx)
	if err != nil {
		return fail(env, err)
	}
	defer release()
	return run(svc)
}

// readToken reads a token from a no-echo prompt on a terminal, else from
// standard input (one line; surrounding space is trimmed by token rules).
func readToken(env Env, prompt string) (string, error) {
	if env.ReadSecret != nil {
		s, ok, err := env.ReadSecret(prompt)
		if ok || err != nil {
			return s, err
		}
	}
	data, err := io.ReadAll(io.LimitReader(env.Stdin, 4096))
	if err != nil {
		return "", fmt.Errorf("cannot read the token from standard input: %w", err)
	}
	s := string(data)
	if strings.TrimSpace(s) == "" {
		return "", errors.New("no token on standard input; pipe it in, e.g. `cloudmoo-desktop add prod < token.txt`, or run in a terminal to be asked for it")
	}
	return s, nil
}

func runVersion(_ context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if _, code, ok := flags(env, fs, "version", args); !ok {
		return code
	}
	fmt.Fprintf(env.Stdout, "cloudmoo-desktop %s\n", env.Version)
	return ExitOK
}

// TerminalSecretReader returns a ReadSecret that prompts on stderr and
// reads without echo when f is a terminal.
func TerminalSecretReader(f *os.File) func(prompt string) (string, bool, error) {
	return func(prompt string) (string, bool, error) {
		if !term.IsTerminal(int(f.Fd())) {
			return "", false, nil
		}
		fmt.Fprint(os.Stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", true, fmt.Errorf("cannot read the token from the terminal: %w", err)
		}
		return string(b), true, nil
	}
}
