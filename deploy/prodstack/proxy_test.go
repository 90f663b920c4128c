package prodstack

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestProxyFailsOverOnlyBeforeSending: with one gateway down, every request reaches the other, body intact;
// a gateway that dies mid-request is not sent the request again (the client gets 502 and retries itself).
func TestProxyFailsOverOnlyBeforeSending(t *testing.T) {
	var hits atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write([]byte("got " + string(b)))
	}))
	defer up.Close()
	down := freeAddr(t) // nothing listens here
	var cut atomic.Int64
	dying := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cut.Add(1)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close() // dies after receiving the request
	}))
	defer dying.Close()

	p, err := startProxy(freeAddr(t), []string{"http://" + down, up.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	base := "http://" + p.addr
	for i := 0; i < 4; i++ {
		resp, err := http.Post(base+"/x", "application/json", strings.NewReader("body"+strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "got body"+strconv.Itoa(i) {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, b)
		}
	}
	if hits.Load() != 4 {
		t.Fatalf("live gateway got %d requests, want 4", hits.Load())
	}

	p2, err := startProxy(freeAddr(t), []string{dying.URL, up.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer p2.close()
	before := hits.Load()
	for i := 0; i < 2; i++ {
		resp, err := http.Post("http://"+p2.addr+"/x", "application/json", strings.NewReader("once"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	if cut.Load() != 1 || hits.Load()-before != 1 {
		t.Fatalf("dying gateway got %d, live one %d; want 1 each (no replay)", cut.Load(), hits.Load()-before)
	}
}

func freeAddr(t *testing.T) string {
	ports, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
}

// TestDownSignalsOnlyOwnProcesses: a pid file naming a process whose command line lacks the data folder (a
// reused pid) is not signalled.
func TestDownSignalsOnlyOwnProcesses(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pids"), 0o755); err != nil {
		t.Fatal(err)
	}
	// This test process: alive, but its command line does not name dir.
	if err := os.WriteFile(filepath.Join(dir, "pids", "gateway-1.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := ownedPid(filepath.Join(dir, "pids", "gateway-1.pid"), dir); ok {
		t.Fatal("a foreign process counts as ours")
	}
	if err := Down(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pids", "gateway-1.pid")); !os.IsNotExist(err) {
		t.Fatalf("stale pid file kept: %v", err)
	}
}

func TestLauncherIdentity(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pids"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := RecordLauncher(dir); err != nil {
		t.Fatal(err)
	}
	// Our own pid is never signalled; a recorded pid whose start time differs (a reused pid) is not ours.
	if _, ok := launcherPid(dir); ok {
		t.Fatal("Down would signal itself")
	}
	if err := os.WriteFile(filepath.Join(dir, "pids", launcherFile), []byte("1 12345\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := launcherPid(dir); ok {
		t.Fatal("pid 1 counts as the launcher")
	}
	start, err := procStart(os.Getppid())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pids", launcherFile), []byte(fmt.Sprintf("%d %s\n", os.Getppid(), start)), 0o644); err != nil {
		t.Fatal(err)
	}
	if pid, ok := launcherPid(dir); !ok || pid != os.Getppid() {
		t.Fatalf("the recorded live launcher is not found: %d %v", pid, ok)
	}
	if err := os.WriteFile(filepath.Join(dir, "pids", launcherFile), []byte(fmt.Sprintf("%d %s1\n", os.Getppid(), start)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := launcherPid(dir); ok {
		t.Fatal("a pid with another start time counts as the launcher")
	}
}

func TestPickPortsKeepsFixedOnesApart(t *testing.T) {
	p, err := pickPorts(Options{Workers: 2, Gateways: 2, ProxyAddr: "127.0.0.1:28080", UIAddr: "127.0.0.1:28233"})
	if err != nil {
		t.Fatal(err)
	}
	all := []int{p.pg, p.minio, p.minioConsole, p.ui, p.proxy, p.frontend, p.frontendHTTP, p.history, p.matching, p.worker}
	for _, m := range []map[string]int{p.membership, p.metrics} {
		for _, v := range m {
			all = append(all, v)
		}
	}
	all = append(all, p.gateways...)
	seen := map[int]bool{}
	for _, port := range all {
		if seen[port] || port <= 0 || port >= 32768 {
			t.Fatalf("port %d repeated or out of range in %v", port, all)
		}
		seen[port] = true
	}
	if p.proxy != 28080 || p.ui != 28233 || len(all) != 10+8+2+2+2 {
		t.Fatalf("proxy %d ui %d, %d ports", p.proxy, p.ui, len(all))
	}
	if _, err := pickPorts(Options{Workers: 2, Gateways: 2, ProxyAddr: "127.0.0.1:http"}); err == nil {
		t.Fatal("a bad proxy address is accepted")
	}
}
