// Package pprofserve serves Go's runtime profiles (net/http/pprof) for the gateway and the worker when
// SKILLCERT_PPROF_ADDR is set. It is off by default, and it listens on loopback only: a profile shows
// stacks and the heap may hold personal data, so an address that is not a loopback one is refused.
// The load test uses it to profile both programs under load (deploy/loadtest, -cpuprofile).
package pprofserve

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"
)

// CheckAddr reports whether addr ("host:port") may serve profiles: "" (off) or a loopback host.
func CheckAddr(addr string) error {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("SKILLCERT_PPROF_ADDR %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("SKILLCERT_PPROF_ADDR %q: profiles are served on a loopback address only (127.0.0.1:port)", addr)
	}
	return nil
}

// Start serves /debug/pprof/ on addr until the returned function is called. An empty addr serves nothing.
func Start(addr string, logger *slog.Logger) (stop func(), err error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return func() {}, nil
	}
	if err := CheckAddr(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("SKILLCERT_PPROF_ADDR %s: %w", addr, err)
	}
	srv := &http.Server{Handler: Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	logger.Warn("profiling endpoint on (SKILLCERT_PPROF_ADDR); for measurements only", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }, nil
}

// Handler is the mux of the profiles, under /debug/pprof/.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
