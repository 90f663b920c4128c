// Package config owns the environment of both programs, the gateway and the worker: the one table of
// every variable with its default and meaning (Vars), typed readers that take their defaults from that
// table, the production check of the keys (CheckProduction), and the Markdown table of docs/CONFIG.md,
// which is generated from Vars (go run ./config/gendoc) and checked against it by a test. The programs
// keep their own typed settings; this package only says where each value comes from.
package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Program is a bit set of the programs that read a variable.
type Program uint8

// The programs.
const (
	Gateway Program = 1 << iota
	Worker
	Both = Gateway | Worker
)

func (p Program) String() string {
	switch p {
	case Gateway:
		return "gateway"
	case Worker:
		return "worker"
	case Both:
		return "both"
	}
	return "none"
}

// Var is one environment variable.
type Var struct {
	Name string
	// Default is the value used when the variable is unset or blank ("" when there is none, or when it is
	// computed: then Shown says what it is).
	Default string
	// Shown describes a default that is not a plain value (generated, derived, a development key).
	Shown string
	// Doc is the meaning, in one line of Markdown.
	Doc      string
	Programs Program
	// Production marks the keys that must be set when SKILLCERT_ENV=production.
	Production bool
}

// Lookup returns the variable named name.
func Lookup(name string) (Var, bool) {
	i := slices.IndexFunc(Vars, func(v Var) bool { return v.Name == name })
	if i < 0 {
		return Var{}, false
	}
	return Vars[i], true
}

// Default returns the default of name. Asking for a variable missing from Vars is a programming error.
func Default(name string) string {
	v, ok := Lookup(name)
	if !ok {
		panic("config: " + name + " is not in config.Vars")
	}
	return v.Default
}

// Env reads variables through getenv, with the defaults of Vars. Every name it is asked for must be in
// Vars, so nothing undocumented can be read through it.
type Env func(string) string

// String returns the trimmed value of name, or its default when unset or blank.
func (e Env) String(name string) string {
	def := Default(name)
	if v := strings.TrimSpace(e(name)); v != "" {
		return v
	}
	return def
}

// Raw returns the value of name exactly as set ("" when unset), for secrets whose spaces count.
func (e Env) Raw(name string) string {
	Default(name) // documented?
	return e(name)
}

// Int returns name as an integer, failing with the variable's name when it is not one.
func (e Env) Int(name string) (int, error) {
	v := e.String(name)
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("config: %s=%q is not an integer", name, v)
	}
	return n, nil
}

// PositiveInt is Int that also refuses zero and negative numbers.
func (e Env) PositiveInt(name string) (int, error) {
	n, err := e.Int(name)
	if err == nil && n <= 0 {
		err = fmt.Errorf("config: %s=%d must be a positive integer", name, n)
	}
	return n, err
}

// Bool returns name as a boolean (1, t, true, 0, f, false, …).
func (e Env) Bool(name string) (bool, error) {
	v := e.String(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("config: %s=%q is not a boolean", name, v)
	}
	return b, nil
}

// Duration returns name as a positive duration such as 15m.
func (e Env) Duration(name string) (time.Duration, error) {
	v := e.String(name)
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config: %s=%q is not a positive duration such as 15m", name, v)
	}
	return d, nil
}

// Environments SKILLCERT_ENV may name.
const (
	Development = "development"
	Production  = "production"
)

// Environment returns SKILLCERT_ENV: development (the default) or production. Any other value is refused,
// so that a misspelt "prod" cannot start a production system with development keys.
func (e Env) Environment() (string, error) {
	switch v := strings.ToLower(e.String("SKILLCERT_ENV")); v {
	case Development, Production:
		return v, nil
	default:
		return "", fmt.Errorf("config: SKILLCERT_ENV=%q must be %s or %s", v, Development, Production)
	}
}

// CheckProduction refuses to start program p of a production system without its keys: when SKILLCERT_ENV
// is production, every variable marked Production that p reads must be set, and the error names each
// missing one. Outside production the development fallbacks apply and it returns nil.
func CheckProduction(p Program, getenv func(string) string) error {
	e := Env(getenv)
	env, err := e.Environment()
	if err != nil || env != Production {
		return err
	}
	var missing []string
	for _, v := range Vars {
		if v.Production && v.Programs&p != 0 && strings.TrimSpace(getenv(v.Name)) == "" {
			missing = append(missing, v.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("SKILLCERT_ENV=production but these keys are unset (no development fallbacks in production): %s",
			strings.Join(missing, ", "))
	}
	return nil
}

// CompareReads checks the names a program read against the table: it names every variable read that Vars
// does not list for p, and every one listed for p that was not read. Tests record what a program's
// configuration loading reads and call it, so that the table and the code cannot drift apart.
func CompareReads(p Program, read map[string]bool) error {
	var extra, unread []string
	for name := range read {
		if v, ok := Lookup(name); !ok || v.Programs&p == 0 {
			extra = append(extra, name)
		}
	}
	for _, v := range Vars {
		if v.Programs&p != 0 && !read[v.Name] {
			unread = append(unread, v.Name)
		}
	}
	if len(extra)+len(unread) == 0 {
		return nil
	}
	slices.Sort(extra)
	slices.Sort(unread)
	return fmt.Errorf("the %s reads %v, which config.Vars does not list for it, and does not read %v, which it lists", p, extra, unread)
}
