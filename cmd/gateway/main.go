// Command gateway serves the skillcert HTTP API (API.md) with Fiber: accounts, applications, documents,
// payments, inboxes, certificates, the codec server and the OpenAPI document. Configuration comes from the
// environment (docs/CONFIG.md). Everything but signal handling lives in package gateway.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"skillcert/gateway"
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(gateway.SoftMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := gateway.Run(ctx, os.Args, os.Getenv); err != nil {
		fmt.Fprintf(os.Stderr, "gateway: %v\n", err)
		os.Exit(1)
	}
}
