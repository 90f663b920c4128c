// Command worker runs the application workflows and their activities. Everything but signal handling lives
// in package worker.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"skillcert/worker"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := worker.Run(ctx, os.Args, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}
