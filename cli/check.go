package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/cloudmoo/cloudmoo-desktop/core/hetzner"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/ratelimit"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// checkLine is the `check --json` contract.
type checkLine struct {
	Name       string             `json:"name"`
	Status     hetzner.Status     `json:"status"`
	Permission project.Permission `json:"permission"`
	RateLimit  *checkRateLimit    `json:"rate_limit"`
	CheckedAt  string             `json:"checked_at"`
	Servers    *int               `json:"servers"`
	Error      string             `json:"error"`
}

type checkRateLimit struct {
	Limit     int    `json:"limit"`
	Remaining int    `json:"remaining"`
	Reset     string `json:"reset"`
}

func toCheckRateLimit(rl *ratelimit.RateLimit) *checkRateLimit {
	if rl == nil || !rl.Known() {
		return nil
	}
	return &checkRateLimit{Limit: rl.Limit, Remaining: rl.Remaining, Reset: rl.Reset.UTC().Format(time.RFC3339)}
}

func runCheck(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "one JSON object per line")
	fromStdin := fs.Bool("token-stdin", false, "check a token read from standard input instead of stored projects (nothing is saved)")
	pos, code, ok := flags(env, fs, "check [--json] [NAME...] | check --token-stdin [--json]", args)
	if !ok {
		return code
	}
	var lines []checkLine
	rc := withService(ctx, env, func(svc service.Service) int {
		if *fromStdin {
			if len(pos) != 0 {
				return fail(env, fmt.Errorf("--token-stdin checks one token and takes no project names"))
			}
			tok, err := readToken(env, "Hetzner API token to check: ")
			if err != nil {
				return fail(env, err)
			}
			rep, err := svc.CheckToken(ctx, tok)
			if err != nil {
				return fail(env, err)
			}
			msg := rep.Message
			if msg == "" && rep.Permission == project.PermissionUnknown {
				msg = rep.PermissionMessage
			}
			lines = append(lines, checkLine{Name: rep.TokenMask, Status: rep.Status, Permission: rep.Permission,
				RateLimit: toCheckRateLimit(rep.RateLimit), CheckedAt: rep.CheckedAt.UTC().Format(time.RFC3339), Servers: rep.Servers, Error: msg})
			return -1
		}
		states, err := svc.CheckNow(ctx, pos...)
		if err != nil {
			return fail(env, err)
		}
		for _, st := range states {
			line := checkLine{Name: st.Name, Status: st.Status, Permission: st.Permission, RateLimit: toCheckRateLimit(st.RateLimit),
				CheckedAt: st.CheckedAt.UTC().Format(time.RFC3339), Servers: st.Servers}
			if !st.Status.Healthy() {
				line.Error = st.Message
			}
			if line.Permission == "" {
				line.Permission = project.PermissionUnknown
			}
			lines = append(lines, line)
		}
		if len(states) == 0 {
			fmt.Fprintln(env.Stderr, "No projects to check. Add one with: cloudmoo-desktop add NAME < token.txt")
		}
		return -1
	})
	if rc >= 0 {
		return rc
	}
	printCheck(env, lines, *asJSON)
	return checkExit(lines)
}

func printCheck(env Env, lines []checkLine, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		for _, l := range lines {
			_ = enc.Encode(l)
		}
		return
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATUS\tPERMISSION\tREMAINING\tSERVERS")
	for _, l := range lines {
		rem := "?"
		if l.RateLimit != nil {
			rem = fmt.Sprintf("%d/%d", l.RateLimit.Remaining, l.RateLimit.Limit)
		}
		servers := "?"
		if l.Servers != nil {
			servers = fmt.Sprint(*l.Servers)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.Name, l.Status, l.Permission.Label(), rem, servers)
	}
	tw.Flush()
	for _, l := range lines {
		if l.Error != "" {
			fmt.Fprintf(env.Stderr, "%s: %s\n", l.Name, l.Error)
		}
	}
}

// checkExit: 0 all healthy, 2 any invalid token, 3 any rate limited (none
// invalid), 1 anything else.
func checkExit(lines []checkLine) int {
	invalid, limited, other := false, false, false
	for _, l := range lines {
		switch l.Status {
		case hetzner.StatusOK, hetzner.StatusLow:
		case hetzner.StatusInvalidToken:
			invalid = true
		case hetzner.StatusRateLimited:
			limited = true
		default:
			other = true
		}
	}
	switch {
	case invalid:
		return ExitInvalid
	case limited:
		return ExitRateLimited
	case other:
		return ExitError
	}
	return ExitOK
}
