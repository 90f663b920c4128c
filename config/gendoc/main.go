// Command gendoc writes docs/CONFIG.md, the table of every environment variable, from config.Vars.
//
//	go run ./config/gendoc > docs/CONFIG.md
package main

import (
	"fmt"

	"skillcert/config"
)

func main() { fmt.Print(config.Markdown()) }
