package prodstack

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// temporalServerModule is the Temporal server release the profile runs; deploy/dev/lib.sh pins the same.
const temporalServerModule = "go.temporal.io/server@v1.29.1"

// tools are the executables the profile runs, built once into the cache by deploy/dev/tools.sh.
type tools struct {
	temporalCLI, minio, server, sqlTool, uiServer string
	schemaDir                                     string // the server module's schema/postgresql/v12
	pgBin                                         string // folder of initdb and postgres
}

// buildTools installs missing OS packages (deploy/dev/setup.sh), builds missing tools (deploy/dev/tools.sh)
// and finds the server module's SQL schema in the module cache.
func buildTools(ctx context.Context, root string, logf func(string, ...any)) (tools, error) {
	var t tools
	scripts := filepath.Join(root, "deploy", "dev")
	if out, err := runQuiet(ctx, "", "bash", filepath.Join(scripts, "setup.sh")); err != nil {
		return t, fmt.Errorf("deploy/dev/setup.sh: %w: %s", err, out)
	}
	logf("tools (the first run builds the Temporal server, its SQL tool and the UI server: several minutes)")
	out, err := runQuiet(ctx, "", "bash", filepath.Join(scripts, "tools.sh"), "temporal", "minio",
		"temporal-server", "temporal-sql-tool", "temporal-ui-server")
	if err != nil {
		return t, fmt.Errorf("deploy/dev/tools.sh: %w: %s", err, out)
	}
	paths := map[string]*string{"SKILLCERT_TEMPORAL_BIN": &t.temporalCLI, "SKILLCERT_MINIO_BIN": &t.minio,
		"SKILLCERT_TEMPORAL_SERVER_BIN": &t.server, "SKILLCERT_TEMPORAL_SQL_TOOL_BIN": &t.sqlTool,
		"SKILLCERT_TEMPORAL_UI_SERVER_BIN": &t.uiServer}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && paths[k] != nil {
			*paths[k] = v
		}
	}
	for k, v := range paths {
		if *v == "" {
			return t, fmt.Errorf("deploy/dev/tools.sh did not print %s: %s", k, out)
		}
	}
	// The module is in the cache since tools.sh built the server from it; `go mod download` only finds it.
	tmp, err := os.MkdirTemp("", "skillcert-moddl-")
	if err != nil {
		return t, err
	}
	defer os.RemoveAll(tmp)
	dl, err := runQuiet(ctx, tmp, "go", "mod", "download", "-json", temporalServerModule)
	if err != nil {
		return t, fmt.Errorf("find %s in the module cache: %w: %s", temporalServerModule, err, dl)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal([]byte(dl), &mod); err != nil || mod.Dir == "" {
		return t, fmt.Errorf("go mod download %s: %v: %s", temporalServerModule, err, dl)
	}
	t.schemaDir = filepath.Join(mod.Dir, "schema", "postgresql", "v12")
	if t.pgBin, err = pgBinDir(); err != nil {
		return t, err
	}
	return t, nil
}

// runQuiet runs a command and returns its combined output, trimmed.
func runQuiet(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

// pgBinDir finds the newest /usr/lib/postgresql/<v>/bin holding initdb (as deploy/dev/lib.sh does).
func pgBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) < pgMajor(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", fmt.Errorf("initdb not found under /usr/lib/postgresql; run deploy/dev/setup.sh")
}

func pgMajor(binDir string) int {
	var v int
	fmt.Sscanf(filepath.Base(filepath.Dir(binDir)), "%d", &v)
	return v
}

// ports are the loopback ports of one run.
type ports struct {
	pg, minio, minioConsole, ui, proxy                int
	frontend, frontendHTTP, history, matching, worker int // gRPC (frontendHTTP: Temporal's HTTP API)
	membership                                        map[string]int
	metrics                                           map[string]int // Prometheus of every Temporal service and app
	gateways                                          []int
}

// pickPorts picks distinct free ports (fixed ones from Options where given).
func pickPorts(o Options) (ports, error) {
	fixed := map[string]int{}
	for name, addr := range map[string]string{"proxy": o.ProxyAddr, "ui": o.UIAddr} {
		if addr != "" {
			port, err := portOf(addr)
			if err != nil {
				return ports{}, err
			}
			fixed[name] = port
		}
	}
	n := 10 + 4 + 4 + o.Workers + 2*o.Gateways
	free, err := freePorts(n, fixed["proxy"], fixed["ui"])
	if err != nil {
		return ports{}, err
	}
	next := func() int { p := free[0]; free = free[1:]; return p }
	p := ports{pg: next(), minio: next(), minioConsole: next(), ui: next(), proxy: next(), frontend: next(),
		frontendHTTP: next(), history: next(), matching: next(), worker: next(),
		membership: map[string]int{}, metrics: map[string]int{}}
	for _, svc := range temporalServices {
		p.membership[svc] = next()
		p.metrics["temporal-"+svc] = next()
	}
	for i := 1; i <= o.Workers; i++ {
		p.metrics[fmt.Sprintf("worker-%d", i)] = next()
	}
	for i := 1; i <= o.Gateways; i++ {
		p.gateways = append(p.gateways, next())
		p.metrics[fmt.Sprintf("gateway-%d", i)] = next()
	}
	if port, ok := fixed["proxy"]; ok {
		p.proxy = port
	}
	if port, ok := fixed["ui"]; ok {
		p.ui = port
	}
	return p, nil
}

func portOf(addr string) (int, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, fmt.Errorf("address %q: %w", addr, err)
	}
	var n int
	if _, err := fmt.Sscanf(port, "%d", &n); err != nil || n <= 0 || n > 65535 {
		return 0, fmt.Errorf("address %q: bad port", addr)
	}
	return n, nil
}

// freePorts returns n distinct loopback TCP ports, none of exclude, that were free a moment ago, between 20000
// and 32000: below the kernel's ephemeral range (so outgoing connections do not take them) and below 32768,
// because Temporal stores membership ports in a smallint column.
func freePorts(n int, exclude ...int) ([]int, error) {
	var out []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for tries := 0; len(out) < n; tries++ {
		if tries > 100*n {
			return nil, fmt.Errorf("no %d free ports between 20000 and 32000", n)
		}
		port := 20000 + mrand.IntN(12000)
		if slices.Contains(exclude, port) {
			continue
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		ls = append(ls, l)
		out = append(out, port)
	}
	return out, nil
}

// secretNames are the settings every worker and gateway must share; generated once per data folder.
var secretNames = []string{"SKILLCERT_TOKEN_KEY", "SKILLCERT_CODEC_KEYS", "SKILLCERT_ID_HASH_KEY", "SKILLCERT_ID_ENC_KEY",
	"SKILLCERT_PAYMENT_SECRET", "SKILLCERT_ADMIN_PASSWORD", "SKILLCERT_MINIO_SECRET_KEY", "MINIO_KMS_SECRET_KEY",
	"SKILLCERT_CERT_SERIAL_KEY"}

// loadSecrets reads path (KEY=VALUE lines, mode 0600), generating and appending the missing settings.
// A value set in this process's environment wins (SKILLCERT_ADMIN_PASSWORD, say).
func loadSecrets(path string) (map[string]string, error) {
	out := map[string]string{}
	if b, err := os.ReadFile(path); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && !strings.HasPrefix(k, "#") {
				out[k] = v
			}
		}
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	key := func() string { b := make([]byte, 32); _, _ = rand.Read(b); return hex.EncodeToString(b) }
	gen := map[string]func() string{
		"SKILLCERT_TOKEN_KEY": key, "SKILLCERT_ID_HASH_KEY": key, "SKILLCERT_ID_ENC_KEY": key,
		"SKILLCERT_PAYMENT_SECRET": key, "SKILLCERT_CERT_SERIAL_KEY": key,
		"SKILLCERT_CODEC_KEYS": func() string {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			return "k1:" + base64.StdEncoding.EncodeToString(b)
		},
		"SKILLCERT_ADMIN_PASSWORD":   func() string { return "Prod" + key()[:12] + "9a" },
		"SKILLCERT_MINIO_SECRET_KEY": func() string { return key()[:32] },
		"MINIO_KMS_SECRET_KEY": func() string {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			return "skillcert-prod:" + base64.StdEncoding.EncodeToString(b)
		},
	}
	var buf strings.Builder
	changed := false
	for _, name := range secretNames {
		if v := os.Getenv(name); v != "" && name == "SKILLCERT_ADMIN_PASSWORD" {
			out[name] = v
		}
		if out[name] == "" {
			out[name] = gen[name]()
			changed = true
		}
		fmt.Fprintf(&buf, "%s=%s\n", name, out[name])
	}
	if changed {
		if err := os.WriteFile(path, []byte(buf.String()), 0o600); err != nil {
			return nil, err
		}
	}
	return out, nil
}
