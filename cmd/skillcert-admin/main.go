// Command skillcert-admin runs one-off operations on a skillcert installation.
//
//	skillcert-admin reproject -case <application id>   rebuild one case's projection from its workflow
//	skillcert-admin reproject -all                     rebuild every case's projection
//
// It reads the same environment as the worker: DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// SKILLCERT_CODEC_KEYS and SKILLCERT_TASK_QUEUE. See deploy/OPERATIONS.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "skillcert-admin:", err)
		os.Exit(1)
	}
}

const usage = `usage: skillcert-admin <command> [flags]

commands:
  reproject   rebuild the Postgres projection (applications, tasks, audit, certificates, payments,
              notifications) from the workflows' histories; -case ID or -all (see -h)`

// run dispatches to a command; out receives its report.
func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) < 2 {
		return fmt.Errorf("no command\n%s", usage)
	}
	switch args[1] {
	case "reproject":
		return reprojectCommand(ctx, args[2:], getenv, out)
	case "help", "-h", "--help":
		fmt.Fprintln(out, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", args[1], usage)
	}
}
