package hcloudcli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cloudmoo/cloudmoo-desktop/core/keychain"
	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// ErrNoContexts means the file holds no context at all.
var ErrNoContexts = errors.New("no hcloud CLI contexts")

// ErrUnknownContext means a context asked for by name is not in the file.
var ErrUnknownContext = errors.New("no such hcloud CLI context")

// Outcome says what Import did with one context.
type Outcome string

// The outcomes of importing a context.
const (
	OutcomeImported       Outcome = "imported"        // checked and stored
	OutcomeUnchecked      Outcome = "unchecked"       // stored without the check (offline, rate limited)
	OutcomeAlreadyPresent Outcome = "already_present" // the token is stored already, under ProjectName
	OutcomeSkipped        Outcome = "skipped"         // the context has no usable token or name (Context.Problem)
	OutcomeConflict       Outcome = "conflict"        // its name is taken and no new name was given
	OutcomeRejected       Outcome = "rejected"        // Hetzner refused the token
	OutcomeError          Outcome = "error"           // the keychain or CloudMoo's config failed
)

// Failed reports whether the context had a usable token that did not end
// up in the keychain, which the user should act on.
func (o Outcome) Failed() bool {
	return o == OutcomeConflict || o == OutcomeRejected || o == OutcomeError
}

// Result is what happened to one context.
type Result struct {
	Context Context `json:"context"`
	Outcome Outcome `json:"outcome"`
	// ProjectName is the CloudMoo project that holds the token now
	// (imported, unchecked, already_present), else empty.
	ProjectName string             `json:"project_name,omitempty"`
	Permission  project.Permission `json:"permission"`
	// Message says what happened in words, with what to do if anything.
	Message string `json:"message"`
}

// Resolver chooses what to do when a context's name is taken by the
// project existing: a new name to try, or skip. It is asked again if the
// new name is taken too. Import calls it from its own goroutine and waits,
// so it may block on a question to the user.
type Resolver func(c Context, existing string) (newName string, skip bool)

// Progress reports Import's progress. Result is nil when the context is
// about to be imported and set once it is done.
type Progress struct {
	Done, Total int
	Context     Context
	Result      *Result
}

// Options tune Import.
type Options struct {
	// Contexts names the contexts to import (exact names, as the hcloud
	// CLI compares them); all when empty.
	Contexts []string
	// Resolve handles name conflicts; nil leaves conflicting contexts
	// out (OutcomeConflict).
	Resolve Resolver
	// Progress, if set, is called from Import's goroutine before and
	// after each context.
	Progress func(Progress)
}

// maxRenames bounds how often Resolve is asked about one context, in case
// it keeps proposing taken names.
const maxRenames = 20

// Import stores the chosen contexts' tokens in the keychain through svc,
// one at a time and in file order, and returns one Result per chosen
// context. Its error is for a request that cannot start (no contexts, an
// unknown name); what happens to each context is in its Result. cli.toml
// is not touched.
func Import(ctx context.Context, svc service.Service, cfg *Config, opts Options) ([]Result, error) {
	chosen, err := choose(cfg, opts.Contexts)
	if err != nil {
		return nil, err
	}
	im := &importer{svc: svc, opts: opts}
	results := make([]Result, 0, len(chosen))
	var stop error // once the keychain or config is unusable, the rest would fail the same way
	for i, c := range chosen {
		if opts.Progress != nil {
			opts.Progress(Progress{Done: i, Total: len(chosen), Context: c})
		}
		var r Result
		if stop != nil && c.Importable() {
			r = Result{Context: c, Outcome: OutcomeError, Permission: project.PermissionUnknown, Message: "not imported: " + stop.Error()}
		} else {
			var err error
			r, err = im.one(ctx, c)
			if fatal(ctx, err) {
				stop = err
			}
		}
		results = append(results, r)
		if opts.Progress != nil {
			opts.Progress(Progress{Done: i + 1, Total: len(chosen), Context: c, Result: &r})
		}
	}
	return results, nil
}

func choose(cfg *Config, names []string) ([]Context, error) {
	where := cfg.Path
	if where == "" {
		where = "the hcloud CLI config"
	}
	if len(cfg.Contexts) == 0 {
		return nil, fmt.Errorf("%w: %s has none; the hcloud CLI creates one with: hcloud context create NAME", ErrNoContexts, where)
	}
	if len(names) == 0 {
		return cfg.Contexts, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []Context
	for _, c := range cfg.Contexts {
		if want[c.Name] {
			out = append(out, c)
		}
	}
	var missing []string
	for n := range want {
		found := false
		for _, c := range out {
			found = found || c.Name == n
		}
		if !found {
			missing = append(missing, strconv.Quote(n))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		var have []string
		for _, c := range cfg.Contexts {
			have = append(have, strconv.Quote(c.Name))
		}
		return nil, fmt.Errorf("%w %s in %s; it has %s", ErrUnknownContext, strings.Join(missing, ", "), where, strings.Join(have, ", "))
	}
	return out, nil
}

// fatal reports errors after which every further import would fail too.
func fatal(ctx context.Context, err error) bool {
	return err != nil && (ctx.Err() != nil || errors.Is(err, service.ErrReadOnly) ||
		errors.Is(err, keychain.ErrUnavailable) || errors.Is(err, keychain.ErrLocked))
}

type importer struct {
	svc  service.Service
	opts Options
}

// one imports c and returns its Result and, for OutcomeError, the error.
func (im *importer) one(ctx context.Context, c Context) (Result, error) {
	r := Result{Context: c, Permission: project.PermissionUnknown}
	if !c.Importable() {
		r.Outcome, r.Message = OutcomeSkipped, "skipped: "+c.Reason
		return r, nil
	}
	name, _ := project.NormalizeName(c.Name) // Parse checked it
	var probed, probing bool
	existing := ""
	for renames := 0; ; {
		st, why, err := im.add(ctx, c, name)
		switch {
		case err == nil && probing:
			return im.afterProbe(ctx, r, st, why, existing)
		case err == nil:
			return im.stored(r, st, why), nil
		case errors.Is(err, service.ErrDuplicateToken):
			return im.present(ctx, r, err), nil
		case errors.Is(err, service.ErrTokenRejected):
			r.Outcome, r.Message = OutcomeRejected, "not imported: "+err.Error()+im.endpointNote(ctx, c)
			return r, nil
		case errors.Is(err, project.ErrDuplicateName):
			if !probing {
				existing = im.nameHolder(ctx, name)
			}
			probing = false
			if !probed {
				probed = true
				if free, ok := im.probeName(ctx, c); ok {
					probing, name = true, free
					continue
				}
			}
			if im.opts.Resolve == nil {
				r.Outcome, r.Message = OutcomeConflict, fmt.Sprintf("not imported: a project called %q exists already", existing)
				return r, nil
			}
			if renames++; renames > maxRenames {
				r.Outcome, r.Message = OutcomeConflict, fmt.Sprintf("not imported: %q is taken too, and %d other names were tried", existing, maxRenames)
				return r, nil
			}
			newName, skip := im.opts.Resolve(c, existing)
			if skip {
				r.Outcome, r.Message = OutcomeConflict, fmt.Sprintf("not imported: a project called %q exists already, and you chose to skip it", existing)
				return r, nil
			}
			name = newName
		default:
			r.Outcome, r.Message = OutcomeError, "not imported: "+err.Error()
			return r, err
		}
	}
}

// add stores c under name, checked if possible and unchecked when the
// check could not be made; why is then the reason it could not.
func (im *importer) add(ctx context.Context, c Context, name string) (st service.ProjectState, why string, err error) {
	st, err = im.svc.Add(ctx, service.AddRequest{Name: name, Token: c.tok.Value()})
	if !errors.Is(err, service.ErrNotVerified) {
		return st, "", err
	}
	why = notVerifiedReason(err)
	st, err = im.svc.Add(ctx, service.AddRequest{Name: name, Token: c.tok.Value(), SkipCheck: true})
	return st, why, err
}

func (im *importer) stored(r Result, st service.ProjectState, why string) Result {
	r.ProjectName, r.Permission = st.Name, st.Permission
	if r.Permission == "" {
		r.Permission = project.PermissionUnknown
	}
	if why != "" {
		r.Outcome = OutcomeUnchecked
		r.Message = fmt.Sprintf("imported as %q, unchecked — CloudMoo checks it when it can (%s)", st.Name, why)
		return r
	}
	r.Outcome = OutcomeImported
	r.Message = fmt.Sprintf("imported as %q (permission %s)", st.Name, r.Permission.Label())
	return r
}

// notVerifiedReason keeps what went wrong from an ErrNotVerified error and
// drops its advice to save unchecked, which Import has just done.
func notVerifiedReason(err error) string {
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, service.ErrNotVerified.Error()+": "); ok {
		msg = after
	}
	msg, _, _ = strings.Cut(msg, " Save it without the check")
	return strings.TrimRight(strings.TrimSpace(msg), ".")
}

var savedAs = regexp.MustCompile(`saved as project ("(?:[^"\\]|\\.)*")`)

// present fills r for a token stored already. The holder's name comes from
// the error (the service names it) or, failing that, the stored mask.
func (im *importer) present(ctx context.Context, r Result, err error) Result {
	holder := ""
	if m := savedAs.FindStringSubmatch(err.Error()); m != nil {
		holder, _ = strconv.Unquote(m[1])
	}
	if snap, serr := im.svc.Snapshot(ctx); serr == nil {
		for _, p := range snap.Projects {
			if (holder != "" && p.Name == holder) || (holder == "" && p.TokenMask == r.Context.TokenMask) {
				holder, r.Permission = p.Name, p.Permission
				break
			}
		}
	}
	r.Outcome, r.ProjectName = OutcomeAlreadyPresent, holder
	r.Message = fmt.Sprintf("already present as %q", holder)
	if holder == "" {
		r.Message = "already present in CloudMoo under another name"
	}
	return r
}

// nameHolder returns the stored name that name collides with (names
// compare ignoring case), or name itself.
func (im *importer) nameHolder(ctx context.Context, name string) string {
	if snap, err := im.svc.Snapshot(ctx); err == nil {
		for _, p := range snap.Projects {
			if strings.EqualFold(p.Name, name) {
				return p.Name
			}
		}
	}
	return name
}

// probeName settles a name conflict without asking when the token is
// stored already. The service checks the name before the token, so a
// context named like its own project would otherwise look like a conflict.
// When a stored project shows c's token mask, it returns a free name to
// try Add under: the service refuses it as a duplicate token without a
// request. If the masks matched by chance, afterProbe lets Resolve decide.
func (im *importer) probeName(ctx context.Context, c Context) (string, bool) {
	snap, err := im.svc.Snapshot(ctx)
	if err != nil {
		return "", false
	}
	taken := map[string]bool{}
	match := false
	for _, p := range snap.Projects {
		taken[strings.ToLower(p.Name)] = true
		match = match || p.TokenMask == c.TokenMask
	}
	for n := 1; match && n < 1000; n++ {
		if s := suffixed(c.Name, n); !taken[strings.ToLower(s)] {
			return s, true
		}
	}
	return "", false
}

// afterProbe handles the rare probe that stored a token whose mask only
// looked like a stored one: the name is settled as for any conflict.
func (im *importer) afterProbe(ctx context.Context, r Result, st service.ProjectState, why, existing string) (Result, error) {
	if im.opts.Resolve != nil {
		newName, skip := im.opts.Resolve(r.Context, existing)
		if !skip {
			if !strings.EqualFold(strings.TrimSpace(newName), st.Name) {
				if renamed, err := im.svc.Rename(ctx, st.ID, newName); err == nil {
					st = renamed
				}
			}
			return im.stored(r, st, why), nil
		}
	}
	r.Outcome, r.Message = OutcomeConflict, fmt.Sprintf("not imported: a project called %q exists already", existing)
	if err := im.svc.Remove(ctx, st.ID); err != nil {
		r.Outcome, r.ProjectName = OutcomeError, st.Name
		r.Message = fmt.Sprintf("a project called %q exists already, and the copy saved while checking for that, %q, could not be removed: %v", existing, st.Name, err)
		return r, err
	}
	return r, nil
}

// endpointNote explains a rejection that may come from a context made for
// another API endpoint than the one CloudMoo uses.
func (im *importer) endpointNote(ctx context.Context, c Context) string {
	if c.Endpoint == "" {
		return ""
	}
	snap, err := im.svc.Snapshot(ctx)
	if err != nil || strings.TrimRight(snap.Endpoint, "/") == strings.TrimRight(c.Endpoint, "/") {
		return ""
	}
	return fmt.Sprintf(" (this context is set up for the API endpoint %s; CloudMoo checks against %s)", c.Endpoint, snap.Endpoint)
}

var suffixRE = regexp.MustCompile(`^.* \(hcloud(?: ([0-9]{1,4}))?\)$`)

// RenameConflict is a Resolver that never skips: it picks "NAME (hcloud)",
// then "NAME (hcloud 2)", "NAME (hcloud 3)"… as each proves taken. It is
// what import-hcloud --rename-conflicts uses.
func RenameConflict(c Context, existing string) (string, bool) {
	n := 1
	if !strings.EqualFold(strings.TrimSpace(existing), strings.TrimSpace(c.Name)) {
		if m := suffixRE.FindStringSubmatch(existing); m != nil {
			n = 2
			if k, err := strconv.Atoi(m[1]); err == nil {
				n = k + 1
			}
		}
	}
	return suffixed(c.Name, n), false
}

// suffixed returns name with its n-th " (hcloud …)" suffix, shortened to
// fit project.MaxNameLength.
func suffixed(name string, n int) string {
	suffix := " (hcloud)"
	if n > 1 {
		suffix = fmt.Sprintf(" (hcloud %d)", n)
	}
	base := strings.TrimSpace(name)
	if room := project.MaxNameLength - utf8.RuneCountInString(suffix); utf8.RuneCountInString(base) > room {
		base = strings.TrimSpace(string([]rune(base)[:room]))
	}
	return base + suffix
}

// PlainTextWarning tells the user, after an import, that cli.toml at path
// still holds the tokens in plain text and how to stop that. CloudMoo never
// edits the file itself: it belongs to the hcloud CLI.
func PlainTextWarning(path string) string {
	s := fmt.Sprintf("Your hcloud CLI config %s still holds these tokens in plain text. CloudMoo never changes it. "+
		"To stop keeping them there, remove the token lines (or the contexts, with hcloud context delete NAME) from it "+
		"and give the hcloud CLI its token through the HCLOUD_TOKEN environment variable when you need it.", path)
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			s += fmt.Sprintf(" Until then, note that other users of this computer can read it (mode %04o): chmod 600 %s", fi.Mode().Perm(), path)
		}
	}
	return s
}
