// Command prod runs the production profile on this machine (`make prod-local`, or `make dev PROFILE=production`):
// the real Temporal server as four processes on Postgres, MinIO erasure-coded over four drives, the Temporal
// Web UI, two workers and two gateways behind a round-robin proxy (package deploy/prodstack). Ctrl-C stops it
// all; `make prod-local-down` (`prod down`) stops it from another terminal, signalling only the processes
// recorded in its pid files.
//
// Environment: SKILLCERT_PROD_DATA_DIR (default <repo>/.data/prod), SKILLCERT_HTTP_ADDR (the proxy, default
// 127.0.0.1:8080), SKILLCERT_TEMPORAL_UI_PORT (default 8233), SKILLCERT_ADMIN_PASSWORD (default: generated once
// and kept in the data folder's secrets.env). Every other port is picked free at start.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"skillcert/deploy/prodstack"
	"skillcert/internal/devstack"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "prod:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	root, err := devstack.RepoRoot()
	if err != nil {
		return err
	}
	dir := os.Getenv("SKILLCERT_PROD_DATA_DIR")
	if dir == "" {
		dir = filepath.Join(root, ".data", "prod")
	}
	switch {
	case len(args) == 1 && args[0] == "down":
		return prodstack.Down(dir)
	case len(args) != 0:
		return fmt.Errorf("usage: prod [down]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	proxyAddr := os.Getenv("SKILLCERT_HTTP_ADDR")
	if proxyAddr == "" {
		proxyAddr = "127.0.0.1:8080"
	}
	uiPort := os.Getenv("SKILLCERT_TEMPORAL_UI_PORT")
	if uiPort == "" {
		uiPort = "8233"
	}
	s, err := prodstack.Start(ctx, prodstack.Options{Dir: dir, ProxyAddr: proxyAddr, UIAddr: "127.0.0.1:" + uiPort,
		Log: os.Stderr})
	if err != nil {
		return err
	}
	defer s.Stop()
	if err := prodstack.RecordLauncher(dir); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, `
  skillcert production profile is running; Ctrl-C or `+"`make prod-local-down`"+` stops everything.
    API (proxy)   %s/api/v1   gateways: %v
    Temporal      %s (frontend; history, matching, worker as separate processes)
    Temporal UI   %s   (codec: %s/codec)
    MinIO         %s (erasure-coded over 4 drives)
    Postgres      %s
    admin         password %s
    Data, logs    %s
`, s.URL, s.GatewayURLs, s.TemporalAddress, s.TemporalUIURL, s.URL, s.MinioEndpoint, s.DatabaseURL,
		s.AdminPassword(), dir)
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "prod: stopping ...")
	return nil
}
