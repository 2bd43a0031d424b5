package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/cloudmoo/cloudmoo-desktop/core/hcloudcli"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// importLine is the `import-hcloud --json` contract: one line per context.
type importLine struct {
	Context    string             `json:"context"`
	Name       string             `json:"name"` // the CloudMoo project holding the token now, else ""
	Outcome    hcloudcli.Outcome  `json:"outcome"`
	Permission project.Permission `json:"permission"`
	Message    string             `json:"message"`
}

const importUsage = `import-hcloud [--config PATH] [--json] [--rename-conflicts] [CONTEXT...]

Stores the tokens of the hcloud CLI's contexts (all, or the CONTEXTs named)
in the keychain, each as a project named like its context. Each token is
checked against the API first; one that cannot be checked now (offline, rate
limited) is saved unchecked. cli.toml is only read, never changed.

Exit status:
  0  every context with a usable token is now in CloudMoo: imported, saved
     unchecked, or already present. Contexts for which cli.toml holds no
     usable token (missing, malformed, a repeated name) are reported as
     skipped and do not count as failures.
  1  a context was rejected by Hetzner, its name is taken (see
     --rename-conflicts), or saving it failed; or none of the contexts has a
     usable token; or the file cannot be read; or a CONTEXT is not in it.

Options:`

func runImport(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("import-hcloud", flag.ContinueOnError)
	path := fs.String("config", "", "the hcloud CLI config (default: $HCLOUD_CONFIG, else the hcloud CLI's cli.toml)")
	asJSON := fs.Bool("json", false, "one JSON object per line: context, name, outcome, permission, message")
	rename := fs.Bool("rename-conflicts", false, `import a context whose name is taken as "NAME (hcloud)", "NAME (hcloud 2)"…`)
	pos, code, ok := flags(env, fs, importUsage, args)
	if !ok {
		return code
	}
	if *path == "" {
		p, err := hcloudcli.DefaultPath()
		if err != nil {
			return fail(env, err)
		}
		*path = p
	}
	cfg, err := hcloudcli.Load(*path)
	if err != nil {
		return fail(env, err)
	}
	opts := hcloudcli.Options{Contexts: pos}
	if *rename {
		opts.Resolve = hcloudcli.RenameConflict
	}
	enc := json.NewEncoder(env.Stdout)
	opts.Progress = func(p hcloudcli.Progress) {
		if p.Result == nil {
			return
		}
		r := *p.Result
		msg := r.Message
		if r.Outcome == hcloudcli.OutcomeConflict && !*rename {
			alt, _ := hcloudcli.RenameConflict(r.Context, r.Context.Name)
			msg += fmt.Sprintf("; run again with --rename-conflicts to import it as %q", alt)
		}
		if *asJSON {
			_ = enc.Encode(importLine{Context: r.Context.Name, Name: r.ProjectName, Outcome: r.Outcome, Permission: r.Permission, Message: msg})
			return
		}
		fmt.Fprintf(env.Stdout, "%s: %s\n", printable(r.Context.Name), msg)
	}
	return withService(ctx, env, func(svc service.Service) int {
		results, err := hcloudcli.Import(ctx, svc, cfg, opts)
		if err != nil {
			return fail(env, err)
		}
		return importSummary(env, *path, results, *asJSON)
	})
}

// importSummary prints the totals and the plain-text warning, and returns
// the exit code the usage promises.
func importSummary(env Env, path string, results []hcloudcli.Result, asJSON bool) int {
	counts := map[hcloudcli.Outcome]int{}
	failed, usable, readWrite := false, 0, 0
	for _, r := range results {
		counts[r.Outcome]++
		failed = failed || r.Outcome.Failed()
		if r.Outcome != hcloudcli.OutcomeSkipped {
			usable++
		}
		if r.Outcome == hcloudcli.OutcomeImported && r.Permission == project.PermissionReadWrite {
			readWrite++
		}
	}
	if !asJSON {
		fmt.Fprintf(env.Stdout, "%d imported, %d unchecked, %d already present, %d skipped, %d not imported.\n",
			counts[hcloudcli.OutcomeImported], counts[hcloudcli.OutcomeUnchecked], counts[hcloudcli.OutcomeAlreadyPresent],
			counts[hcloudcli.OutcomeSkipped], counts[hcloudcli.OutcomeConflict]+counts[hcloudcli.OutcomeRejected]+counts[hcloudcli.OutcomeError])
		if readWrite > 0 {
			fmt.Fprintf(env.Stdout, "%d of these tokens can change your infrastructure. Monitoring needs only Read: consider Read tokens (Console → Security → API Tokens).\n", readWrite)
		}
	}
	if counts[hcloudcli.OutcomeImported]+counts[hcloudcli.OutcomeUnchecked]+counts[hcloudcli.OutcomeAlreadyPresent] > 0 {
		fmt.Fprintln(env.Stderr, hcloudcli.PlainTextWarning(path))
	}
	if usable == 0 {
		fmt.Fprintf(env.Stderr, "cloudmoo-desktop: none of the chosen contexts in %s has a usable token; nothing was imported\n", path)
		return ExitError
	}
	if failed {
		return ExitError
	}
	return ExitOK
}

// printable quotes a context name that would garble a line of output
// (line breaks, terminal control characters).
func printable(s string) string {
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}
