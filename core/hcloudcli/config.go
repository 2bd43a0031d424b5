// Package hcloudcli reads the hcloud CLI's config file (cli.toml), where the
// official Hetzner CLI keeps one context per project with its token in plain
// text, and imports those contexts into CloudMoo's keychain through
// service.Service.
//
// It only ever reads cli.toml: the file belongs to the hcloud CLI, and a
// tool that rewrote it behind the user's back could break their setup.
// Tokens read from it stay in an unexported field of Context; everything a
// Context prints or serialises shows the masked form only.
package hcloudcli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/token"
)

// MaxFileSize is the largest cli.toml Load reads. A real one with dozens of
// contexts is a few kilobytes; anything bigger is not an hcloud config.
const MaxFileSize = 1 << 20

// Errors Load and Parse wrap, so callers can tell a missing file (offer to
// pick one) from a broken one (show where it is broken).
var (
	// ErrNotFound means there is no file at the path.
	ErrNotFound = errors.New("no hcloud CLI config")
	// ErrUnreadable means the file exists but cannot be read.
	ErrUnreadable = errors.New("the hcloud CLI config cannot be read")
	// ErrSyntax means the file is not valid TOML.
	ErrSyntax = errors.New("the hcloud CLI config is not valid TOML")
	// ErrShape means the file is TOML but not shaped like an hcloud config.
	ErrShape = errors.New("the hcloud CLI config has an unexpected layout")
)

// Problem names why a context cannot be imported; empty means it can.
type Problem string

// The problems a context can have.
const (
	ProblemNone           Problem = ""
	ProblemNoName         Problem = "no_name"         // name missing, not text, or unusable as a project name
	ProblemNoToken        Problem = "no_token"        // token missing or empty
	ProblemTokenCommand   Problem = "token_command"   // token comes from a command CloudMoo will not run
	ProblemMalformedToken Problem = "malformed_token" // token breaks token.Parse's rules
	ProblemDuplicateName  Problem = "duplicate_name"  // an earlier context has the same name
)

// Context is one hcloud CLI context. Its token is kept unexported: String,
// GoString, Format and MarshalJSON show only the mask.
type Context struct {
	// Name is the context's name as the hcloud CLI shows it.
	Name string
	// Active is true for the context active_context names.
	Active bool
	// TokenMask is the token's first and last four characters, empty
	// when the context has no token.
	TokenMask string
	// Endpoint is the API endpoint the context's (or the global)
	// preferences set, empty for Hetzner's default.
	Endpoint string
	// Problem says why the context cannot be imported; Reason says it in
	// words, with what to do.
	Problem Problem
	Reason  string

	tok token.Token
}

// Context's printed and JSON forms are its own, never the struct's fields.
var (
	_ fmt.Formatter  = Context{}
	_ json.Marshaler = Context{}
)

// Importable reports whether the context has a usable token and name.
func (c Context) Importable() bool { return c.Problem == ProblemNone && !c.tok.IsZero() }

// String returns the name, the masked token and whether it is active.
func (c Context) String() string {
	s := fmt.Sprintf("%s (token %s", c.Name, orNone(c.TokenMask))
	if c.Active {
		s += ", active"
	}
	if c.Problem != ProblemNone {
		s += ", " + string(c.Problem)
	}
	return s + ")"
}

// GoString keeps %#v from printing the unexported token.
func (c Context) GoString() string { return "hcloudcli.Context(" + c.String() + ")" }

// Format makes every fmt verb, not only %v and %s, print the masked form:
// without it %d or %x would walk the struct and reach the token.
func (c Context) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, c.GoString())
		return
	}
	_, _ = io.WriteString(f, c.String())
}

// contextJSON is Context's JSON form: no token field exists to fill.
type contextJSON struct {
	Name      string  `json:"name"`
	Active    bool    `json:"active"`
	TokenMask string  `json:"token_mask"`
	Endpoint  string  `json:"endpoint,omitempty"`
	Problem   Problem `json:"problem,omitempty"`
	Reason    string  `json:"reason,omitempty"`
}

// MarshalJSON writes the context without its token.
func (c Context) MarshalJSON() ([]byte, error) {
	return json.Marshal(contextJSON{c.Name, c.Active, c.TokenMask, c.Endpoint, c.Problem, c.Reason})
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Config is what Load found in a cli.toml.
type Config struct {
	// Path is the file read, empty for Parse.
	Path string
	// ActiveContext is the active_context value, which may name no
	// context.
	ActiveContext string
	// Contexts are in file order.
	Contexts []Context
}

// Importable returns the contexts that can be imported.
func (c *Config) Importable() []Context {
	var out []Context
	for _, x := range c.Contexts {
		if x.Importable() {
			out = append(out, x)
		}
	}
	return out
}

// Load reads and parses the cli.toml at path. It opens the file read-only
// and never writes it.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s; pass --config PATH (or set HCLOUD_CONFIG) if yours is elsewhere", ErrNotFound, path)
		}
		return nil, fmt.Errorf("%w: %w. Check that your user may read it (on Linux and macOS: ls -l %s)", ErrUnreadable, err, path)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%w: %s is a folder; pass the cli.toml file inside it", ErrUnreadable, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d KiB, far larger than any hcloud CLI config; check the path", ErrUnreadable, path, MaxFileSize>>10)
	}
	cfg, err := parse(data, path)
	if err != nil {
		return nil, err
	}
	cfg.Path = path
	return cfg, nil
}

// Parse reads a cli.toml's contents. Unknown keys are ignored, as newer
// hcloud versions add preferences; contexts that cannot be imported are
// returned with their Problem set rather than failing the whole file.
func Parse(data []byte) (*Config, error) { return parse(data, "") }

func parse(data []byte, path string) (*Config, error) {
	where := path
	if where == "" {
		where = "the file"
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, syntaxError(err, data, where)
	}
	cfg := &Config{}
	if s, ok := raw["active_context"].(string); ok {
		cfg.ActiveContext = s
	}
	globalEndpoint := endpointOf(raw["preferences"])
	list, err := contextTables(raw["contexts"], where)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, t := range list {
		c := readContext(t, i)
		if c.Endpoint == "" {
			c.Endpoint = globalEndpoint
		}
		if c.Problem != ProblemNoName {
			if seen[c.Name] {
				c.Problem = ProblemDuplicateName
				c.Reason = fmt.Sprintf("an earlier context in %s is also called %q, and the hcloud CLI only ever uses that one; rename or remove one of them with hcloud context", where, c.Name)
				c.tok = token.Token{}
			}
			seen[c.Name] = true
		}
		if cfg.ActiveContext != "" && c.Name == cfg.ActiveContext && c.Problem != ProblemDuplicateName {
			c.Active = true
		}
		cfg.Contexts = append(cfg.Contexts, c)
	}
	return cfg, nil
}

// contextTables accepts [[contexts]] tables and the inline form
// contexts = [{...}], both of which TOML allows.
func contextTables(v any, where string) ([]map[string]any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case []map[string]any:
		return v, nil
	case []any:
		out := make([]map[string]any, 0, len(v))
		for i, x := range v {
			t, ok := x.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: in %s, entry %d of contexts is %s, not a table with name and token", ErrShape, where, i+1, typeName(x))
			}
			out = append(out, t)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%w: in %s, contexts is %s; the hcloud CLI writes it as [[contexts]] tables with name and token", ErrShape, where, typeName(v))
	}
}

func readContext(t map[string]any, i int) Context {
	var c Context
	c.Endpoint = endpointOf(t["preferences"])
	name, ok := t["name"].(string)
	rawTok, tokOK := t["token"].(string)
	if tokOK {
		rawTok = strings.TrimSpace(rawTok)
		if rawTok != "" {
			c.TokenMask = token.Mask(rawTok)
		}
	}
	switch {
	case !ok || strings.TrimSpace(name) == "":
		c.Name = fmt.Sprintf("context %d", i+1)
		c.Problem, c.Reason = ProblemNoName, "the context has no name; give it one in cli.toml (name = \"...\") or add the token by hand"
		return c
	default:
		c.Name = name
	}
	if _, err := project.NormalizeName(name); err != nil {
		c.Problem, c.Reason = ProblemNoName, "its name cannot be a CloudMoo project name: "+err.Error()
		return c
	}
	switch {
	case t["token"] != nil && !tokOK:
		c.Problem, c.Reason = ProblemMalformedToken, fmt.Sprintf("%s: its token is %s, not text in quotes", token.ErrMalformed, typeName(t["token"]))
	case rawTok == "" && t["token_command"] != nil:
		c.Problem, c.Reason = ProblemTokenCommand, "the hcloud CLI gets this token by running a command (token_command); CloudMoo does not run it. Add the token by hand instead"
	case rawTok == "":
		c.Problem, c.Reason = ProblemNoToken, "the context has no token; the hcloud CLI cannot use it either. Recreate it with hcloud context create, or add the token by hand"
	default:
		tok, err := token.Parse(rawTok)
		if err != nil {
			c.Problem, c.Reason = ProblemMalformedToken, err.Error()
			return c
		}
		c.tok = tok
	}
	return c
}

// endpointOf reads the endpoint preference, the one preference that
// changes what a token means (a token for another API is not Hetzner's).
func endpointOf(prefs any) string {
	m, _ := prefs.(map[string]any)
	s, _ := m["endpoint"].(string)
	return strings.TrimSpace(s)
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case int64:
		return "a number"
	case float64:
		return "a number"
	case bool:
		return "true or false"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	default:
		return "a date or time"
	}
}

var (
	quoted   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'[^'\n]*'`)
	longWord = regexp.MustCompile(`[A-Za-z0-9]{13,}`)
)

// syntaxError turns a TOML error into one that says where the file is
// broken without quoting it: the library quotes the text it choked on,
// which in cli.toml may well be a token (token = abc… without quotes).
func syntaxError(err error, data []byte, where string) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%w: %s cannot be read as TOML. The hcloud CLI cannot read it either; fix it or pass another file", ErrSyntax, where)
	}
	msg := quoted.ReplaceAllStringFunc(pe.Message, func(q string) string {
		if len(q) <= 4 { // one character, or an escape such as '\n': names the problem, holds no secret
			return q
		}
		return "…"
	})
	msg = strings.TrimRight(msg, ". ")
	if longWord.MatchString(msg) {
		msg = "the text there is not valid TOML" // something unquoted survived: say less
	}
	line := pe.Position.Line
	if strings.Contains(pe.Message, `got '\n'`) && line > 1 {
		line-- // the lexer stands on the next line when a line ends too early
	}
	hint := ""
	if unquotedValue(data, line) || strings.HasPrefix(pe.Message, "expected value but found") {
		hint = " (text values such as a token must be in double quotes: token = \"...\")"
	}
	return fmt.Errorf("%w: %s, line %d: %s%s. The hcloud CLI cannot read it either; fix that line", ErrSyntax, where, line, msg, hint)
}

// unquotedValue reports whether line n (from 1) of data assigns a key a
// value that starts like a bare word or number, the usual way a pasted
// token breaks a hand-edited cli.toml.
func unquotedValue(data []byte, n int) bool {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return false
	}
	_, v, ok := strings.Cut(lines[n-1], "=")
	v = strings.TrimSpace(v)
	return ok && v != "" && isAlnum(v[0])
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
