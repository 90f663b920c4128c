package config

import (
	"fmt"
	"strings"
)

// Markdown is docs/CONFIG.md: the table of Vars. `go run ./config/gendoc` writes it, and a test fails when
// the file and Vars disagree.
func Markdown() string {
	var b strings.Builder
	b.WriteString(`# Configuration

<!-- Generated from config/vars.go by ` + "`make generate`" + ` (go run ./config/gendoc); do not edit. -->

Both programs read their configuration from the environment only; the table below is the whole of it.
Unset and blank mean the same. *programs*: which program reads the variable. *production*: the program
that reads the variable refuses to start when ` + "`SKILLCERT_ENV=production`" + ` and it is unset; outside
production a development fallback is used and a warning logged. README says how to make and
rotate the keys. The dev stack's own variables (ports, data folder) are in README.

| variable | default | programs | production | meaning |
|---|---|---|---|---|
`)
	for _, v := range Vars {
		def := v.Shown
		if def == "" && v.Default != "" {
			def = "`" + v.Default + "`"
		}
		if def == "" {
			def = "—"
		}
		prod := ""
		if v.Production {
			prod = "required"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", v.Name, def, v.Programs, prod, v.Doc)
	}
	b.WriteString(`
## One-off commands

- ` + "`SKILLCERT_NEW_PASSWORD=<password> gateway set-password <username or phone>`" + `: sets that account's password (checked
  like any password) and revokes every token it holds. It reads the same ` + "`DATABASE_URL`" + ` and runs the migrations,
  nothing else.
`)
	return b.String()
}
