package prodstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// minioAccessKey is the MinIO root user of the profile (its password is generated per data folder).
const minioAccessKey = "skillcert"

// startMinio runs one MinIO server erasure-coded over four drives (folders d1..d4): any one drive can be lost.
func (s *Stack) startMinio(ctx context.Context) error {
	base := filepath.Join(s.Dir, "minio")
	for i := 1; i <= 4; i++ {
		if err := os.MkdirAll(filepath.Join(base, "d"+strconv.Itoa(i)), 0o755); err != nil {
			return err
		}
	}
	s.MinioEndpoint = "127.0.0.1:" + strconv.Itoa(s.ports.minio)
	s.MinioAccessKey, s.MinioSecretKey = minioAccessKey, s.Secrets["SKILLCERT_MINIO_SECRET_KEY"]
	env := append(os.Environ(), "MINIO_ROOT_USER="+s.MinioAccessKey, "MINIO_ROOT_PASSWORD="+s.MinioSecretKey,
		"MINIO_KMS_SECRET_KEY="+s.Secrets["MINIO_KMS_SECRET_KEY"], "MINIO_UPDATE=off", "MINIO_BROWSER=on",
		// The four drives share this machine's root disk; MinIO would refuse them outside CI/CD mode.
		"MINIO_CI_CD=on")
	return s.run(ctx, procSpec{name: "minio", path: s.tools.minio, env: env,
		// MinIO expands the {1...4} ellipsis itself: one server, four drives, one erasure set.
		args: []string{"server", filepath.Join(base, "d{1...4}"), "--address", s.MinioEndpoint,
			"--console-address", "127.0.0.1:" + strconv.Itoa(s.ports.minioConsole), "--quiet", "--anonymous"},
		ready: httpReady("http://" + s.MinioEndpoint + "/minio/health/cluster"), readyLimit: 2 * time.Minute})
}

// uiConfig is the Temporal UI server's configuration (see its config/development.yaml).
const uiConfig = `temporalGrpcAddress: %s
host: 127.0.0.1
port: %d
publicPath: ""
enableUi: true
defaultNamespace: default
showTemporalSystemNamespace: false
notifyOnNewVersion: false
cors:
  cookieInsecure: true
  allowOrigins:
    - %s
  unsafeAllowAllOrigins: false
codec:
  endpoint: %s
  passAccessToken: false
  includeCredentials: true
auth:
  enabled: false
`

// startUI runs the Temporal Web UI as its own process, decoding payloads through the gateways' /codec
// (admins sign in there; the browser sends its cookie because includeCredentials is on).
func (s *Stack) startUI(ctx context.Context) error {
	dir := filepath.Join(s.Dir, "ui")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	s.TemporalUIURL = "http://127.0.0.1:" + strconv.Itoa(s.ports.ui)
	s.URL = "http://127.0.0.1:" + strconv.Itoa(s.ports.proxy)
	cfg := fmt.Sprintf(uiConfig, s.TemporalAddress, s.ports.ui, s.URL, s.URL+"/codec")
	if err := os.WriteFile(filepath.Join(dir, "production.yaml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	return s.run(ctx, procSpec{name: "temporal-ui", path: s.tools.uiServer, env: os.Environ(),
		args:  []string{"--root", dir, "--config", ".", "--env", "production", "start"},
		ready: httpReady(s.TemporalUIURL + "/")})
}

// startApps builds worker and gateway, starts the proxy, then the gateways one by one (the first migrates
// and seeds) and the workers.
func (s *Stack) startApps(ctx context.Context) error {
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(s.Dir, "bin")+"/", "./cmd/worker", "./cmd/gateway")
	build.Dir = s.root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w: %s", err, out)
	}
	for _, port := range s.ports.gateways {
		s.GatewayURLs = append(s.GatewayURLs, "http://127.0.0.1:"+strconv.Itoa(port))
	}
	var err error
	if s.proxy, err = startProxy("127.0.0.1:"+strconv.Itoa(s.ports.proxy), s.GatewayURLs); err != nil {
		return err
	}
	for i := range s.ports.gateways {
		if err := s.run(ctx, s.gatewaySpec(i+1)); err != nil {
			return err
		}
	}
	for i := 1; i <= s.opts.Workers; i++ {
		if err := s.run(ctx, s.workerSpec(i)); err != nil {
			return err
		}
	}
	return nil
}

// AppEnv is the environment every worker and gateway gets: the stack's addresses and the shared secrets.
func (s *Stack) AppEnv() []string {
	env := append(os.Environ(),
		"SKILLCERT_ENV=production",
		"DATABASE_URL="+s.DatabaseURL,
		"TEMPORAL_ADDRESS="+s.TemporalAddress,
		"TEMPORAL_NAMESPACE="+s.TemporalNamespace,
		"TEMPORAL_UI_URL="+s.TemporalUIURL,
		"SKILLCERT_TASK_QUEUE="+s.TaskQueue,
		"SKILLCERT_MINIO_ENDPOINT="+s.MinioEndpoint,
		"SKILLCERT_MINIO_ACCESS_KEY="+s.MinioAccessKey,
		"SKILLCERT_PUBLIC_URL="+s.URL,
		"SKILLCERT_CODEC_ORIGINS="+s.TemporalUIURL,
		"SKILLCERT_CJK_FONT=/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		// One machine: every client is 127.0.0.1, so per-IP limits far above production's.
		"SKILLCERT_RATE_LIMIT=100000000", "SKILLCERT_AUTH_RATE_LIMIT=100000000",
	)
	for _, name := range secretNames {
		if name != "MINIO_KMS_SECRET_KEY" {
			env = append(env, name+"="+s.Secrets[name])
		}
	}
	return append(env, s.opts.AppEnv...)
}

func (s *Stack) gatewaySpec(i int) procSpec {
	name := "gateway-" + strconv.Itoa(i)
	env := append(s.AppEnv(), "SKILLCERT_HTTP_ADDR=127.0.0.1:"+strconv.Itoa(s.ports.gateways[i-1]),
		"SKILLCERT_METRICS_ADDR=127.0.0.1:"+strconv.Itoa(s.ports.metrics[name]))
	return procSpec{name: name, path: filepath.Join(s.Dir, "bin", "gateway"), env: env,
		ready: httpReady(s.GatewayURLs[i-1] + "/readyz")}
}

func (s *Stack) workerSpec(i int) procSpec {
	name := "worker-" + strconv.Itoa(i)
	env := append(s.AppEnv(), "SKILLCERT_METRICS_ADDR=127.0.0.1:"+strconv.Itoa(s.ports.metrics[name]))
	return procSpec{name: name, path: filepath.Join(s.Dir, "bin", "worker"), env: env,
		// The worker has no probe of its own: it is ready once it has run a few seconds without exiting.
		settle: 2 * time.Second}
}
