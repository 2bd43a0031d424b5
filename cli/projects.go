package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

func runAdd(ctx context.Context, env Env, args []string) int {
	return runTokenCommand(ctx, env, args, tokenCommand{
		name:   "add",
		usage:  "add [--no-check] NAME   (token on standard input, or asked for on a terminal)",
		prompt: "Hetzner API token for %q: ",
		save: func(svc service.Service, name, tok string, skip bool) (service.ProjectState, error) {
			return svc.Add(ctx, service.AddRequest{Name: name, Token: tok, SkipCheck: skip})
		},
		done: "Saved %q (token %s, permission %s) in the keychain.\n",
	})
}

func runReplace(ctx context.Context, env Env, args []string) int {
	return runTokenCommand(ctx, env, args, tokenCommand{
		name:   "replace",
		usage:  "replace [--no-check] NAME   (new token on standard input, or asked for on a terminal)",
		prompt: "New Hetzner API token for %q: ",
		save: func(svc service.Service, name, tok string, skip bool) (service.ProjectState, error) {
			return svc.ReplaceToken(ctx, service.ReplaceRequest{ID: name, Token: tok, SkipCheck: skip})
		},
		done: "Replaced the token of %q (now %s, permission %s).\n",
	})
}

// tokenCommand is a subcommand that takes a project name and reads a
// token: add and replace.
type tokenCommand struct {
	name, usage, prompt string
	save                func(svc service.Service, name, tok string, skipCheck bool) (service.ProjectState, error)
	done                string // format: name, masked token, permission
}

func runTokenCommand(ctx context.Context, env Env, args []string, c tokenCommand) int {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	noCheck := fs.Bool("no-check", false, "save without checking the token against the API")
	pos, code, ok := flags(env, fs, c.usage, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return fail(env, fmt.Errorf("%s takes one project name (quote names with spaces); got %d arguments", c.name, len(pos)))
	}
	tok, err := readToken(env, fmt.Sprintf(c.prompt, pos[0]))
	if err != nil {
		return fail(env, err)
	}
	return withService(ctx, env, func(svc service.Service) int {
		st, err := c.save(svc, pos[0], tok, *noCheck)
		if err != nil {
			return fail(env, err)
		}
		fmt.Fprintf(env.Stdout, c.done, st.Name, st.TokenMask, st.Permission.Label())
		if st.Permission == project.PermissionReadWrite {
			fmt.Fprintln(env.Stdout, "This token can change your infrastructure. Monitoring needs only Read: consider a Read token (Console → Security → API Tokens).")
		}
		return ExitOK
	})
}

// listLine is the `list --json` contract.
type listLine struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Permission project.Permission `json:"permission"`
	AddedAt    string             `json:"added_at"`
}

func runList(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "one JSON object per line")
	pos, code, ok := flags(env, fs, "list [--json]", args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		return fail(env, fmt.Errorf("list takes no arguments"))
	}
	return withService(ctx, env, func(svc service.Service) int {
		snap, err := svc.Snapshot(ctx)
		if err != nil {
			return fail(env, err)
		}
		for _, p := range snap.Problems {
			fmt.Fprintln(env.Stderr, "cloudmoo-desktop:", p.Message)
		}
		if *asJSON {
			enc := json.NewEncoder(env.Stdout)
			for _, p := range snap.Projects {
				perm := p.Permission
				if perm == "" {
					perm = project.PermissionUnknown
				}
				_ = enc.Encode(listLine{ID: p.ID, Name: p.Name, Permission: perm, AddedAt: p.AddedAt.UTC().Format(time.RFC3339)})
			}
		} else {
			if len(snap.Projects) == 0 {
				fmt.Fprintln(env.Stderr, "No projects yet. Add one with: cloudmoo-desktop add NAME < token.txt")
			}
			tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
			if len(snap.Projects) > 0 {
				fmt.Fprintln(tw, "NAME\tPERMISSION\tTOKEN\tADDED")
			}
			for _, p := range snap.Projects {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, p.Permission.Label(), p.TokenMask, p.AddedAt.Local().Format("2006-01-02 15:04"))
			}
			tw.Flush()
		}
		if len(snap.Problems) > 0 {
			return ExitError
		}
		return ExitOK
	})
}

func runRename(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("rename", flag.ContinueOnError)
	pos, code, ok := flags(env, fs, "rename OLD NEW", args)
	if !ok {
		return code
	}
	if len(pos) != 2 {
		return fail(env, fmt.Errorf("rename takes the old and the new name (quote names with spaces); got %d arguments", len(pos)))
	}
	return withService(ctx, env, func(svc service.Service) int {
		st, err := svc.Rename(ctx, pos[0], pos[1])
		if err != nil {
			return fail(env, err)
		}
		fmt.Fprintf(env.Stdout, "Renamed %q to %q.\n", pos[0], st.Name)
		return ExitOK
	})
}

func runRemove(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("remove", flag.ContinueOnError)
	pos, code, ok := flags(env, fs, "remove NAME", args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return fail(env, fmt.Errorf("remove takes one project name; got %d arguments", len(pos)))
	}
	return withService(ctx, env, func(svc service.Service) int {
		if err := svc.Remove(ctx, pos[0]); err != nil {
			return fail(env, err)
		}
		fmt.Fprintf(env.Stdout, "Removed %q and its token from the keychain.\n", pos[0])
		return ExitOK
	})
}
