// Command temporal-ui-proxy serves make dev's Temporal Web UI (temporalio/ui-server) under one host name.
//
// The UI calls the gateway's codec server with the admin's codec cookie, which is SameSite: the browser
// sends it only when the UI's page and the gateway are on the same site. make dev prints both as
// 127.0.0.1; a UI opened as http://localhost:8233 would be another site, and its decode calls would go
// without the cookie. This proxy listens on the UI's port, sends loopback aliases (localhost, ::1) to
// the same address under the canonical host with a redirect, and passes everything else to ui-server,
// which it runs as its child on an inner port.
//
//	temporal-ui-proxy -listen 127.0.0.1:8233 -upstream 127.0.0.1:PORT -- ui-server args...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8233", "the UI's address: host:port, the host being the canonical name")
	upstream := flag.String("upstream", "", "host:port of the ui-server this proxy runs (the command after --)")
	flag.Parse()
	if err := run(*listen, *upstream, flag.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "temporal-ui-proxy: %v\n", err)
		os.Exit(1)
	}
}

// run starts the child command, serves the proxy until SIGTERM or SIGINT or the child's exit, then stops both.
func run(listen, upstream string, child []string) error {
	if upstream == "" || len(child) == 0 {
		return errors.New("usage: temporal-ui-proxy -listen HOST:PORT -upstream HOST:PORT -- ui-server args")
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	cmd := exec.Command(child[0], child[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		ln.Close()
		return fmt.Errorf("start %s: %w", child[0], err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	srv := &http.Server{Handler: newHandler(listen, &url.URL{Scheme: "http", Host: upstream}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-exited:
		_ = srv.Close()
		return fmt.Errorf("ui-server exited: %v", err)
	case <-sig:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
	return nil
}

// newHandler redirects requests for a loopback alias of the canonical address (listen, host:port) to
// that address, and proxies all others to upstream.
func newHandler(listen string, upstream *url.URL) http.Handler {
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	_, port, _ := net.SplitHostPort(listen)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, p, err := net.SplitHostPort(r.Host)
		if err != nil {
			host, p = r.Host, "80"
		}
		if p == port && r.Host != listen && loopbackAlias(host) {
			http.Redirect(w, r, "http://"+listen+r.URL.RequestURI(), http.StatusPermanentRedirect)
			return
		}
		proxy.ServeHTTP(w, r)
	})
}

// loopbackAlias reports whether host names this machine's loopback: localhost (and its subdomains), or a
// loopback IP address.
func loopbackAlias(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
