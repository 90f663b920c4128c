package e2e

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"skillcert/deploy/prodstack"
)

// productionEnv selects the long run of TestProductionProfile (`make test-production` sets it to "full").
const productionEnv = "SKILLCERT_PRODUCTION_TEST"

// startProduction starts the production profile (deploy/prodstack) in a temporary folder and returns a
// patient client on its proxy.
func startProduction(t *testing.T) (*prodstack.Stack, *system) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: starts the production profile (skipped with -short)")
	}
	dir, err := os.MkdirTemp("", "skillcert-prod-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	start := time.Now()
	ps, err := prodstack.Start(ctx, prodstack.Options{Dir: dir, Log: testLog{t},
		AppEnv: []string{"SKILLCERT_ADMIN_PASSWORD=" + adminPassword, "SKILLCERT_PAYMENT_SECRET=" + paymentSecret,
			"SKILLCERT_LOG_LEVEL=warn"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("production profile up in %.0f s", time.Since(start).Seconds())
	t.Cleanup(func() {
		if t.Failed() {
			for _, name := range ps.Names() {
				if b, err := os.ReadFile(filepath.Join(dir, "logs", name+".log")); err == nil {
					t.Logf("--- %s log (tail) ---\n%s", name, tail(b, 1500))
				}
			}
		}
		ps.Stop()
	})
	return ps, &system{t: t, baseURL: ps.URL, databaseURL: ps.DatabaseURL, patient: &patience{limit: 3 * time.Minute}}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestProductionProfile runs lifecycles through the proxy of the production profile — the Temporal server as
// four processes on Postgres, two workers, two gateways, MinIO over four drives — and SIGKILLs one worker,
// one gateway (while it handles a request) and the Temporal history service while they run. Every
// acknowledged write stays, every case reaches its end with one certificate, the audit trails have no gap or
// repeat and the projection equals each workflow's state (chaosVerify). With
// SKILLCERT_PRODUCTION_TEST=full it drives more cases (make test-production).
func TestProductionProfile(t *testing.T) {
	t.Parallel() // beside TestChaos: each runs its own profile, and most of their time is spent waiting
	ps, s := startProduction(t)
	cases := 2
	if os.Getenv(productionEnv) == "full" {
		cases = 8
	}

	checkTopology(t, ps)
	a := s.actors()
	checkTokenAcrossGateways(t, ps, s)
	k := newKiller(t, ps)
	ids := s.wave(a, "prod-main", cases, func(phase string) {
		switch phase {
		case "apply 2":
			k.kill("worker-1") // while the next applications are written
		case "review":
			k.kill("gateway-1") // while the reviews go through the proxy
		case "pay":
			k.kill("temporal-history") // while the payments are confirmed
		case "committee":
			k.wait()
		}
	})
	if lost, dup, diffs := chaosVerify(t, ps, s, ids); lost+dup+diffs != 0 {
		t.Errorf("lost %d, duplicated %d, projection differs from workflow %d; want 0", lost, dup, diffs)
	}
	checkSearchAttributes(t, ps, len(ids))
	t.Logf("%d lifecycles certified; killed and restarted %v (gateway-1 mid-request: %v); client retries %d, of which answered 409 after an unknown outcome %d",
		len(ids), k.done, k.midRequest, s.patient.retries.Load(), s.patient.conflicts.Load())
}

// killer SIGKILLs processes of the stack in the background, one at a time, restarting each a second later,
// while the test goes on sending requests.
type killer struct {
	t    *testing.T
	ps   *prodstack.Stack
	wg   sync.WaitGroup
	mu   sync.Mutex
	done []string
	// midRequest: gateway-1 was killed while the proxy waited for its answer to a request.
	midRequest bool
}

func newKiller(t *testing.T, ps *prodstack.Stack) *killer { return &killer{t: t, ps: ps} }

func (k *killer) kill(name string) {
	k.wg.Wait() // one component down at a time
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		time.Sleep(150 * time.Millisecond) // let the next requests get under way
		// Kill gateway-1 while it handles a request, if one comes within 20 s.
		if name == "gateway-1" {
			for deadline := time.Now().Add(20 * time.Second); k.ps.GatewayInFlight(1) == 0 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			k.mu.Lock()
			k.midRequest = k.ps.GatewayInFlight(1) > 0
			k.mu.Unlock()
		}
		if err := k.ps.Kill(name); err != nil {
			k.t.Errorf("kill %s: %v", name, err)
			return
		}
		time.Sleep(time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := k.ps.Restart(ctx, name); err != nil {
			k.t.Errorf("restart %s: %v", name, err)
			return
		}
		k.mu.Lock()
		k.done = append(k.done, name)
		k.mu.Unlock()
	}()
}

func (k *killer) wait() {
	k.wg.Wait()
	if len(k.done) != 3 {
		k.t.Errorf("killed and restarted %v, want worker-1, gateway-1 and temporal-history", k.done)
	}
}

// checkTopology: the Temporal services, workers and gateways are separate processes, and the Web UI decodes
// through the gateways' codec endpoint.
func checkTopology(t *testing.T, ps *prodstack.Stack) {
	pids := map[int]string{}
	for _, name := range []string{"postgres", "minio", "temporal-frontend", "temporal-history", "temporal-matching",
		"temporal-worker", "temporal-ui", "worker-1", "worker-2", "gateway-1", "gateway-2"} {
		pid, err := ps.Pid(name)
		if err != nil {
			t.Fatal(err)
		}
		if other, dup := pids[pid]; dup {
			t.Fatalf("%s and %s are the same process %d", name, other, pid)
		}
		pids[pid] = name
	}
	resp, err := http.Get(ps.TemporalUIURL + "/api/v1/settings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var settings struct {
		Codec struct {
			Endpoint           string
			IncludeCredentials bool
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&settings); err != nil {
		t.Fatal(err)
	}
	if settings.Codec.Endpoint != ps.URL+"/codec" || !settings.Codec.IncludeCredentials {
		t.Errorf("Web UI codec settings %+v, want endpoint %s/codec with credentials", settings.Codec, ps.URL)
	}
}

// checkTokenAcrossGateways: a token one gateway issued is accepted by the other, and a forged one by neither.
func checkTokenAcrossGateways(t *testing.T, ps *prodstack.Stack, s *system) {
	g1, g2 := *s, *s
	g1.baseURL, g2.baseURL = ps.GatewayURLs[0], ps.GatewayURLs[1]
	token := g1.login("admin", adminPassword)
	if err := g2.inbox(token); err != nil {
		t.Errorf("gateway-2 answers %v to a token of gateway-1, want 200", err)
	}
	forged := token[:len(token)-4] + "AAAA"
	if forged == token {
		forged = token[:len(token)-4] + "BBBB"
	}
	if err := g2.inbox(forged); statusOf(err) != http.StatusUnauthorized {
		t.Errorf("gateway-2 answers %v to a forged token, want 401", err)
	}
}

// checkSearchAttributes: the custom Keyword search attributes are registered on Postgres visibility and
// answer a query.
func checkSearchAttributes(t *testing.T, ps *prodstack.Stack, certified int) {
	c, err := client.Dial(client.Options{HostPort: ps.TemporalAddress, Namespace: ps.TemporalNamespace, Logger: quietSDKLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const query = "SkillcertStatus = 'certified' AND SkillcertBatch = 'prod-main'"
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := c.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err == nil && int(resp.GetCount()) == certified {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("visibility count for %q: %v, %v; want %d", query, resp.GetCount(), err, certified)
			return
		}
		time.Sleep(time.Second)
	}
}

// quietSDKLog is a Temporal SDK logger that discards everything.
func quietSDKLog() sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}
