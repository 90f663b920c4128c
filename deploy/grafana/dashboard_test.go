package grafana

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/internal/devstack"
	"skillcert/schema"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

// pending are metric names the dashboard uses that another branch adds; each must move out of this list
// (the test then finds it in the code) once that branch is merged.
var pending = map[string]string{}

type dashboard struct {
	Panels []struct {
		ID         int    `json:"id"`
		Type       string `json:"type"`
		Title      string `json:"title"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		GridPos struct{ H, W, X, Y int } `json:"gridPos"`
		Targets []struct {
			Expr   string `json:"expr"`
			RawSQL string `json:"rawSql"`
		} `json:"targets"`
	} `json:"panels"`
}

func load(t *testing.T) dashboard {
	t.Helper()
	raw, err := os.ReadFile("skillcert.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	var d dashboard
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("skillcert.json: %v", err)
	}
	if len(d.Panels) == 0 {
		t.Fatal("no panels")
	}
	return d
}

// TestDashboardShape checks the layout and that every query names a data source input.
func TestDashboardShape(t *testing.T) {
	ids := map[int]bool{}
	for _, p := range load(t).Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d twice", p.ID)
		}
		ids[p.ID] = true
		if p.GridPos.X < 0 || p.GridPos.W <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q: gridPos %+v outside the 24 columns", p.Title, p.GridPos)
		}
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		switch p.Datasource.UID {
		case "${DS_PROMETHEUS}", "${DS_POSTGRES}":
		default:
			t.Errorf("panel %q: data source %q is not an input of the dashboard", p.Title, p.Datasource.UID)
		}
	}
}

var metricName = regexp.MustCompile(`\b(?:skillcert|temporal)_[a-z0-9_]+`)

// TestDashboardMetricsExist checks that every metric a panel queries is one the code exports: the
// skillcert_ metrics are registered by name in this repository's Go code, the temporal_ metrics are names
// the Temporal Go SDK emits (timers get the _seconds suffix of the worker's Prometheus handler).
func TestDashboardMetricsExist(t *testing.T) {
	code := repositorySource(t)
	sdk := sdkMetricNames(t)
	for _, p := range load(t).Panels {
		for _, target := range p.Targets {
			for _, name := range metricName.FindAllString(target.Expr, -1) {
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
				switch {
				case pending[base] != "":
					t.Logf("panel %q: %s comes with %s", p.Title, base, pending[base])
				case strings.HasPrefix(base, "skillcert_"):
					if !strings.Contains(code, `"`+base+`"`) {
						t.Errorf("panel %q: no Go code registers %s", p.Title, base)
					}
				case !sdk[strings.TrimSuffix(base, "_seconds")]:
					t.Errorf("panel %q: the Temporal SDK emits no %s", p.Title, base)
				}
			}
		}
	}
}

// repositorySource is the text of every non-test Go file of the module.
func repositorySource(t *testing.T) string {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			b.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// sdkMetricNames reads the metric names the Temporal SDK in go.mod defines.
func sdkMetricNames(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "go.temporal.io/sdk").Output()
	if err != nil {
		t.Fatalf("locate the Temporal SDK: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "common", "metrics", "constants.go"))
	if err != nil {
		t.Fatal(err)
	}
	// Names are constants built as Prefix + "suffix", where Prefix is TemporalMetricsPrefix ("temporal_")
	// or another such constant (TemporalRequest + "_failure").
	values := map[string]string{"TemporalMetricsPrefix": "temporal_"}
	defs := regexp.MustCompile(`(\w+)\s*=\s*(\w+) \+ "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1)
	for range 3 { // constants may refer to constants defined later
		for _, m := range defs {
			if prefix, ok := values[m[2]]; ok {
				values[m[1]] = prefix + m[3]
			}
		}
	}
	names := map[string]bool{}
	for _, v := range values {
		names[v] = true
	}
	if len(names) < 20 {
		t.Fatalf("found only %d SDK metric names: has constants.go changed?", len(names))
	}
	return names
}

// TestDashboardQueriesRun runs every Postgres panel's query against the migrated schema.
func TestDashboardQueriesRun(t *testing.T) {
	stack := devstack.ForTest(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, stack.TestDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := schema.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	for _, p := range load(t).Panels {
		for _, target := range p.Targets {
			if target.RawSQL == "" {
				continue
			}
			rows, err := pool.Query(ctx, target.RawSQL)
			if err == nil {
				rows.Close()
				err = rows.Err()
			}
			if err != nil {
				t.Errorf("panel %q: %v\n%s", p.Title, err, target.RawSQL)
			}
		}
	}
}
