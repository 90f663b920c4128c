package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"

	"skillcert/codec"
	"skillcert/deploy/prodstack"
	"skillcert/internal/devstack"
	"skillcert/workflows"
)

// chaosEnv selects the long chaos run (`make chaos` sets it to "full"; it also writes deploy/chaos/results).
const chaosEnv = "SKILLCERT_CHAOS"

// chaosComponents are what the chaos run kills, in turn: every process of the component at once, so the
// component is really gone (both workers, both gateways, all four Temporal services).
var chaosComponents = []struct {
	name  string
	procs []string
}{
	{"worker", []string{"worker-1", "worker-2"}},
	{"gateway", []string{"gateway-1", "gateway-2"}},
	{"temporal", []string{"temporal-history", "temporal-matching", "temporal-frontend", "temporal-worker"}},
	{"postgres", []string{"postgres"}},
	{"minio", []string{"minio"}},
}

// chaosResult is what deploy/chaos/results/latest.json holds.
type chaosResult struct {
	GeneratedAt      time.Time          `json:"generated_at"`
	Mode             string             `json:"mode"`
	Lifecycles       int                `json:"lifecycles"`
	Kills            map[string]int     `json:"kills"`
	MaxRecoverySecs  map[string]float64 `json:"max_recovery_seconds"` // kill → the proxy's /readyz answers 200 again
	RequestsRetried  int64              `json:"requests_retried"`
	RetriedConflicts int64              `json:"retries_answered_409"` // see must: first attempt's outcome unknown
	Lost             int                `json:"lost"`
	Duplicated       int                `json:"duplicated"`
	ProjectionDiffs  int                `json:"projection_differs_from_workflow"`
	Seconds          float64            `json:"seconds"`
	// FailedClients counts the clients whose wave stopped on an error (their cases are not in Lifecycles).
	FailedClients int  `json:"failed_clients"`
	Passed        bool `json:"passed"`
}

// TestChaos drives lifecycles through the production profile with a patient client while it SIGKILLs and
// restarts, in turn, the workers, the gateways, the Temporal server, Postgres and MinIO; then every
// acknowledged write must be there (lost = 0), nothing twice (duplicated = 0) and the projection must equal
// each workflow's state. The short run kills each component once; SKILLCERT_CHAOS=full (make chaos) three
// times each and writes deploy/chaos/results/latest.{json,md}.
func TestChaos(t *testing.T) {
	t.Parallel()
	// rounds: kills per component; clients drive waves of cases lifecycles in parallel; pause: traffic
	// between two kills.
	rounds, clients, cases, pause := 1, 2, 2, time.Second
	full := os.Getenv(chaosEnv) == "full"
	if full {
		rounds, clients, cases, pause = 3, 4, 4, 3*time.Second
	}
	start := time.Now()
	ps, s := startProduction(t)
	// Longer than the gateway takes to take over an Idempotency-Key left unfinished by a gateway that died (2 min).
	s.patient.limit = 3 * time.Minute
	a := s.actors()
	res := chaosResult{GeneratedAt: time.Now().UTC(), Mode: map[bool]string{true: "full", false: "short"}[full],
		Kills: map[string]int{}, MaxRecoverySecs: map[string]float64{}}

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for r := 0; r < rounds; r++ {
			for _, c := range chaosComponents {
				time.Sleep(pause)
				secs, err := killComponent(ps, c.procs)
				if err != nil {
					t.Errorf("chaos: %s: %v", c.name, err)
					return
				}
				res.Kills[c.name]++
				res.MaxRecoverySecs[c.name] = max(res.MaxRecoverySecs[c.name], secs)
				t.Logf("chaos: %s killed and back in %.1f s", c.name, secs)
			}
		}
	}()
	// Rounds of waves, one per client, in parallel, until the chaos is over.
	var ids []string
	var mu sync.Mutex
	for r := 1; ; r++ {
		t.Run(fmt.Sprintf("round-%d", r), func(t *testing.T) {
			for c := 1; c <= clients; c++ {
				t.Run(fmt.Sprintf("client-%d", c), func(t *testing.T) {
					t.Parallel()
					defer func() {
						if t.Failed() {
							mu.Lock()
							res.FailedClients++
							mu.Unlock()
						}
					}()
					client := *s
					client.t = t
					got := client.wave(a, fmt.Sprintf("chaos-%d-%d", r, c), cases, func(string) {})
					mu.Lock()
					ids = append(ids, got...)
					mu.Unlock()
				})
			}
		})
		if t.Failed() {
			break
		}
		select {
		case <-done:
		default:
			continue
		}
		break
	}
	wg.Wait()
	res.Lifecycles = len(ids)
	res.RequestsRetried, res.RetriedConflicts = s.patient.retries.Load(), s.patient.conflicts.Load()
	res.Lost, res.Duplicated, res.ProjectionDiffs = chaosVerify(t, ps, s, ids)
	res.Seconds = time.Since(start).Seconds()
	for _, c := range chaosComponents {
		if res.Kills[c.name] != rounds {
			t.Errorf("%s killed %d times, want %d", c.name, res.Kills[c.name], rounds)
		}
	}
	if res.Lost != 0 || res.Duplicated != 0 || res.ProjectionDiffs != 0 {
		t.Errorf("lost %d, duplicated %d, projection differs %d; want 0", res.Lost, res.Duplicated, res.ProjectionDiffs)
	}
	res.Passed = !t.Failed()
	t.Logf("\n%s", res.markdown())
	if full {
		writeChaosResults(t, res)
	}
}

// killComponent SIGKILLs every process of a component, restarts them a second later and returns the seconds
// from the kill until the proxy's /readyz answers 200 again (for workers: until they run again).
func killComponent(ps *prodstack.Stack, procs []string) (float64, error) {
	t0 := time.Now()
	for _, name := range procs {
		if err := ps.Kill(name); err != nil {
			return 0, err
		}
	}
	time.Sleep(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, name := range procs {
		if err := ps.Restart(ctx, name); err != nil {
			return 0, err
		}
	}
	for ctx.Err() == nil {
		resp, err := http.Get(ps.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(t0).Seconds(), nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return 0, fmt.Errorf("not ready again after %s", time.Since(t0).Round(time.Second))
}

// chaosVerify counts lost writes (a certified case lacking its certificate, applied payment, accepted
// documents or audit events; an applicant who cannot sign in is caught by wave), duplicates (a second
// certificate or payment, a repeated or missing audit seq) and cases whose projection differs from their
// workflow's state (status, seq, certificate number).
func chaosVerify(t *testing.T, ps *prodstack.Stack, s *system, ids []string) (lost, dup, diffs int) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, ps.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	c, err := codec.Parse(ps.Secrets["SKILLCERT_CODEC_KEYS"])
	if err != nil {
		t.Fatal(err)
	}
	tc, err := client.Dial(client.Options{HostPort: ps.TemporalAddress, Namespace: ps.TemporalNamespace,
		DataConverter: c.DataConverter(), FailureConverter: c.FailureConverter(), Logger: quietSDKLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	for _, id := range ids {
		var docs, certs, pays, events, seqs, maxSeq int
		var status, cert string
		var seq int64
		if err := conn.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM documents WHERE application_id = $1 AND status = 'accepted'),
			(SELECT count(*) FROM certificates WHERE application_id = $1),
			(SELECT count(*) FROM payments WHERE application_id = $1 AND outcome = 'applied'),
			(SELECT count(*) FROM audit_events WHERE application_id = $1),
			(SELECT count(DISTINCT seq) FROM audit_events WHERE application_id = $1),
			(SELECT coalesce(max(seq), 0) FROM audit_events WHERE application_id = $1),
			a.status, coalesce(a.certificate_number, ''), a.seq FROM applications a WHERE a.id = $1`, id).
			Scan(&docs, &certs, &pays, &events, &seqs, &maxSeq, &status, &cert, &seq); err != nil {
			t.Errorf("%s: %v", id, err)
			lost++
			continue
		}
		if docs == 0 || certs == 0 || pays == 0 || maxSeq > seqs {
			t.Errorf("%s lost writes: %d accepted documents, %d certificates, %d payments, audit seqs %d of 1..%d", id, docs, certs, pays, seqs, maxSeq)
			lost++
		}
		if certs > 1 || pays > 1 || events > seqs {
			t.Errorf("%s duplicated: %d certificates, %d payments, %d audit events for %d seqs", id, certs, pays, events, seqs)
			dup++
		}
		v, err := tc.QueryWorkflow(ctx, workflows.WorkflowID(id), "", workflows.QueryState)
		var st workflows.State
		if err == nil {
			err = v.Get(&st)
		}
		if err != nil || string(st.Status) != status || st.Seq != seq || st.CertificateNumber != cert {
			t.Errorf("%s: projection %s seq %d cert %q, workflow %s seq %d cert %q (%v)", id, status, seq, cert, st.Status, st.Seq, st.CertificateNumber, err)
			diffs++
		}
	}
	return lost, dup, diffs
}

func (r chaosResult) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Chaos run (%s), %s\n\n%d lifecycles through the production profile in %.0f s; requests retried by the patient client: %d (answered 409 after an unknown first outcome: %d).\n\n",
		r.Mode, r.GeneratedAt.Format("2006-01-02 15:04 MST"), r.Lifecycles, r.Seconds, r.RequestsRetried, r.RetriedConflicts)
	b.WriteString("| component | SIGKILLs | max recovery (s) |\n|---|---|---|\n")
	names := make([]string, 0, len(r.Kills))
	for n := range r.Kills {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "| %s | %d | %.1f |\n", n, r.Kills[n], r.MaxRecoverySecs[n])
	}
	fmt.Fprintf(&b, "\n**lost = %d, duplicated = %d**, projection differs from workflow state: %d.\n", r.Lost, r.Duplicated, r.ProjectionDiffs)
	if r.FailedClients > 0 {
		fmt.Fprintf(&b, "\n%d client(s) stopped on an error; their cases are not counted above.\n", r.FailedClients)
	}
	fmt.Fprintf(&b, "\nResult: **%s**.\n", map[bool]string{true: "passed", false: "FAILED (see the test log)"}[r.Passed])
	return b.String()
}

func writeChaosResults(t *testing.T, r chaosResult) {
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "deploy", "chaos", "results")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	js, _ := json.MarshalIndent(r, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "latest.json"), append(js, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "latest.md"), []byte(r.markdown()), 0o644); err != nil {
		t.Fatal(err)
	}
}
