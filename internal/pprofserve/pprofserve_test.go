package pprofserve

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
)

func TestCheckAddrLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"", "127.0.0.1:6060", "localhost:0", "[::1]:6060", "127.0.0.2:1"} {
		if err := CheckAddr(ok); err != nil {
			t.Errorf("CheckAddr(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{":6060", "0.0.0.0:6060", "[::]:6060", "10.0.0.1:6060", "example.invalid:6060", "6060"} {
		if err := CheckAddr(bad); err == nil {
			t.Errorf("CheckAddr(%q) = nil, want an error", bad)
		}
	}
}

func TestStartServesProfilesAndStops(t *testing.T) {
	if stop, err := Start("", slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	} else {
		stop()
	}
	if _, err := Start("0.0.0.0:0", slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("Start on 0.0.0.0 was accepted")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop, err := Start(addr, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(body) == 0 {
		t.Fatalf("cmdline: %d %q", res.StatusCode, body)
	}
	stop()
	if _, err := http.Get("http://" + addr + "/debug/pprof/cmdline"); err == nil {
		t.Fatal("still served after stop")
	}
}
