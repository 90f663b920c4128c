package gateway

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/argon2"

	"skillcert/internal/devstack"
)

// peakRSS returns the peak resident set size of process pid in bytes (VmHWM).
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// startGatewayProcess builds cmd/gateway and runs it as its own process against the shared stack, so that
// its memory can be measured alone. It returns the base URL and the process.
func startGatewayProcess(t *testing.T, g *testGateway, overrides map[string]string) (string, *os.Process) {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "gateway")
	build := exec.Command("go", "build", "-o", bin, "./cmd/gateway")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build gateway: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	for k, v := range g.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "SKILLCERT_HTTP_ADDR=127.0.0.1:"+port, "SKILLCERT_METRICS_ADDR=off", "SKILLCERT_DEV_SEED=0",
		"SKILLCERT_AUTH_RATE_LIMIT=100000", "SKILLCERT_RATE_LIMIT=100000", "HOME="+os.Getenv("HOME"), "PATH="+os.Getenv("PATH"))
	for k, v := range overrides {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logFile, err := os.Create(filepath.Join(t.TempDir(), "gateway.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait(); logFile.Close() })
	gw := &testGateway{baseURL: "http://127.0.0.1:" + port, client: &http.Client{Timeout: time.Minute}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := gw.waitReady(ctx); err != nil {
		b, _ := os.ReadFile(logFile.Name())
		t.Fatalf("%v\n%s", err, b)
	}
	return gw.baseURL, cmd.Process
}

// TestFinding04ConcurrentLoginsBounded: 200 logins at once keep the gateway under 150 MiB: at most about
// one argon2id hash runs per CPU; the others wait briefly or get 503 with Retry-After.
func TestFinding04ConcurrentLoginsBounded(t *testing.T) {
	g := startGateway(t)
	base, proc := startGatewayProcess(t, g, nil)
	idle := peakRSS(t, proc.Pid)
	body := `{"login":"admin","password":"` + testAdminPassword + `"}`
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	noRetryAfter := 0
	start := make(chan struct{})
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 200}}
	for range 200 {
		wg.Go(func() {
			<-start
			resp, err := client.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				statuses[-1]++
				return
			}
			resp.Body.Close()
			statuses[resp.StatusCode]++
			if resp.StatusCode == 503 && resp.Header.Get("Retry-After") == "" {
				noRetryAfter++
			}
		})
	}
	close(start)
	wg.Wait()
	peak := peakRSS(t, proc.Pid)
	t.Logf("200 concurrent logins: statuses %v; gateway RSS idle %d MiB, peak %d MiB", statuses, idle>>20, peak>>20)
	if peak >= 150<<20 {
		t.Fatalf("peak RSS %d MiB, want < 150 MiB", peak>>20)
	}
	if statuses[200] == 0 || statuses[200]+statuses[503] != 200 || noRetryAfter > 0 {
		t.Fatalf("statuses %v (%d 503 without Retry-After), want only 200 and 503 with Retry-After, some 200", statuses, noRetryAfter)
	}
}

// TestFinding04OlderHashesUpgradedAtLogin: a password hashed with the earlier parameters (19 MiB) still
// signs in, and is then stored with the current ones (7 MiB), without revoking anything.
func TestFinding04OlderHashesUpgradedAtLogin(t *testing.T) {
	g := startGateway(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, g.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	userID, before := g.newStaff(t, roleSupervisor, "")
	salt := []byte("0123456789abcdef")
	old := fmt.Sprintf("$argon2id$v=%d$m=%d,t=2,p=1$%s$%s", argon2.Version, 19*1024, base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(argon2.IDKey([]byte("Staff2022pass"), salt, 2, 19*1024, 1, 32)))
	if _, err := pool.Exec(ctx, "UPDATE users SET password_hash = $1 WHERE id = $2", old, userID); err != nil {
		t.Fatal(err)
	}
	var username string
	if err := pool.QueryRow(ctx, "SELECT username FROM users WHERE id = $1", userID).Scan(&username); err != nil {
		t.Fatal(err)
	}
	g.login(t, username, "Staff2022pass")
	var stored string
	if err := pool.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = $1", userID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if _, current := argonParams(stored); !current || !checkPassword(stored, "Staff2022pass") {
		t.Fatalf("after login the hash is %q, want the current parameters", stored)
	}
	must(g.as(before).Me(ctx))(t)
	g.login(t, username, "Staff2022pass")
}
