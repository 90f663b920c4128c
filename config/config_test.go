package config

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestConfigDocUpToDate fails when docs/CONFIG.md and Vars disagree: run `make generate`.
func TestConfigDocUpToDate(t *testing.T) {
	doc, err := os.ReadFile("../docs/CONFIG.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != Markdown() {
		t.Fatal("docs/CONFIG.md is not the table of config.Vars: run `make generate` (go run ./config/gendoc > docs/CONFIG.md)")
	}
}

func TestVarsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range Vars {
		if seen[v.Name] || v.Doc == "" || v.Programs == 0 || (v.Default != "" && v.Shown != "") {
			t.Errorf("%+v: duplicate, undocumented, read by no program, or with two defaults", v)
		}
		seen[v.Name] = true
	}
}

// productionKeys are the five keys the contract (API.md) names for both programs, and all they need.
var productionKeys = []string{"SKILLCERT_CODEC_KEYS", "SKILLCERT_ID_HASH_KEY", "SKILLCERT_ID_ENC_KEY",
	"SKILLCERT_PAYMENT_SECRET", "SKILLCERT_TOKEN_KEY"}

// keysOf are the keys program p needs in production.
func keysOf(Program) []string { return productionKeys }

func TestCheckProduction(t *testing.T) {
	for _, p := range []Program{Gateway, Worker} {
		t.Run(p.String(), func(t *testing.T) {
			if err := CheckProduction(p, envOf(nil)); err != nil {
				t.Fatalf("development without keys: %v", err)
			}
			if err := CheckProduction(p, envOf(map[string]string{"SKILLCERT_ENV": "development"})); err != nil {
				t.Fatalf("explicit development: %v", err)
			}
			err := CheckProduction(p, envOf(map[string]string{"SKILLCERT_ENV": "production"}))
			if err == nil {
				t.Fatal("production without keys started")
			}
			for _, k := range keysOf(p) {
				if !strings.Contains(err.Error(), k) {
					t.Errorf("the error does not name %s: %v", k, err)
				}
			}
			env := map[string]string{"SKILLCERT_ENV": "Production", "SKILLCERT_CODEC_KEYS": "k1:x", "SKILLCERT_TOKEN_KEY": "  "}
			err = CheckProduction(p, envOf(env))
			if err == nil || strings.Contains(err.Error(), "SKILLCERT_CODEC_KEYS") || !strings.Contains(err.Error(), "SKILLCERT_TOKEN_KEY") {
				t.Fatalf("some keys set (a blank one counts as unset): %v", err)
			}
			for _, k := range keysOf(p) {
				env[k] = "set"
			}
			if err := CheckProduction(p, envOf(env)); err != nil {
				t.Fatalf("production with every key: %v", err)
			}
			if err := CheckProduction(p, envOf(map[string]string{"SKILLCERT_ENV": "prod"})); err == nil {
				t.Fatal("a misspelt SKILLCERT_ENV was taken for development")
			}
		})
	}
	// The contract's five keys are enough for both programs: the worker's serial key is derived from one.
	five := map[string]string{"SKILLCERT_ENV": "production"}
	for _, k := range productionKeys {
		five[k] = "set"
	}
	for _, p := range []Program{Gateway, Worker} {
		if err := CheckProduction(p, envOf(five)); err != nil {
			t.Errorf("the %s with the five keys: %v", p, err)
		}
	}
}

func TestSerialKey(t *testing.T) {
	key := func(env map[string]string) []byte {
		t.Helper()
		k, _, err := SerialKey(envOf(env))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	if k := key(nil); k != nil {
		t.Errorf("development without a key: %x, want the development key (nil)", k)
	}
	own := "a serial key of twenty"
	if k := key(map[string]string{"SKILLCERT_ENV": "production", "SKILLCERT_ID_HASH_KEY": "h", "SKILLCERT_CERT_SERIAL_KEY": own}); string(k) != own {
		t.Errorf("a set key was not used: %q", k)
	}
	a := key(map[string]string{"SKILLCERT_ENV": "production", "SKILLCERT_ID_HASH_KEY": "hash key one"})
	b := key(map[string]string{"SKILLCERT_ENV": "production", "SKILLCERT_ID_HASH_KEY": "hash key two"})
	again := key(map[string]string{"SKILLCERT_ENV": "production", "SKILLCERT_ID_HASH_KEY": "hash key one"})
	if len(a) != 32 || bytes.Equal(a, b) || !bytes.Equal(a, again) || bytes.Contains(a, []byte("hash key one")) {
		t.Errorf("production derives a stable 32-byte key per ID hash key that does not contain it: %x %x %x", a, b, again)
	}
	if _, _, err := SerialKey(envOf(map[string]string{"SKILLCERT_CERT_SERIAL_KEY": "short"})); err == nil ||
		!strings.Contains(err.Error(), "SKILLCERT_CERT_SERIAL_KEY") {
		t.Errorf("a short key: %v", err)
	}
}

func TestEnvReaders(t *testing.T) {
	e := Env(envOf(map[string]string{"SKILLCERT_RATE_LIMIT": " 7 ", "SKILLCERT_TOKEN_TTL": "-1m",
		"SKILLCERT_DEV_SEED": "maybe", "SKILLCERT_PANEL_SIZE": "0", "SKILLCERT_ADMIN_PASSWORD": " pass "}))
	if n, err := e.Int("SKILLCERT_RATE_LIMIT"); n != 7 || err != nil {
		t.Errorf("Int: %d, %v", n, err)
	}
	if n, err := e.Int("SKILLCERT_AUTH_RATE_LIMIT"); n != 600 || err != nil {
		t.Errorf("default Int: %d, %v", n, err)
	}
	if _, err := e.Duration("SKILLCERT_TOKEN_TTL"); err == nil || !strings.Contains(err.Error(), "SKILLCERT_TOKEN_TTL") {
		t.Errorf("negative duration: %v", err)
	}
	if _, err := e.Bool("SKILLCERT_DEV_SEED"); err == nil {
		t.Error("bad boolean accepted")
	}
	if _, err := e.PositiveInt("SKILLCERT_PANEL_SIZE"); err == nil {
		t.Error("zero accepted as positive")
	}
	if e.Raw("SKILLCERT_ADMIN_PASSWORD") != " pass " {
		t.Error("Raw trimmed a secret")
	}
	defer func() {
		if recover() == nil {
			t.Error("reading an undocumented variable did not panic")
		}
	}()
	e.String("SKILLCERT_NOT_DOCUMENTED")
}

// TestProgramsRefuseProductionWithoutKeys starts the built gateway and worker with SKILLCERT_ENV=production
// and no keys: each exits non-zero at once and names every missing key on stderr.
func TestProgramsRefuseProductionWithoutKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("builds both programs (skipped with -short)")
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/gateway", "./cmd/worker")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, program := range []string{"gateway", "worker"} {
		t.Run(program, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, program))
			// Keys present in the test's own environment must not leak in; the ports point nowhere.
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "SKILLCERT_ENV=production",
				"SKILLCERT_ID_ENC_KEY=", "DATABASE_URL=postgres://nobody@127.0.0.1:1/none", "TEMPORAL_ADDRESS=127.0.0.1:1"}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("%s started in production without keys: %v; stderr %s", program, err, stderr.String())
			}
			for _, k := range keysOf(map[string]Program{"gateway": Gateway, "worker": Worker}[program]) {
				if !strings.Contains(stderr.String(), k) {
					t.Errorf("%s's stderr does not name %s: %s", program, k, stderr.String())
				}
			}
		})
	}
}

func TestCompareReads(t *testing.T) {
	read := map[string]bool{}
	for _, v := range Vars {
		if v.Programs&Worker != 0 {
			read[v.Name] = true
		}
	}
	if err := CompareReads(Worker, read); err != nil {
		t.Fatal(err)
	}
	read["SKILLCERT_UNLISTED"], read["SKILLCERT_HTTP_ADDR"] = true, true
	delete(read, "SKILLCERT_WORKER_CACHE_SIZE")
	err := CompareReads(Worker, read)
	for _, name := range []string{"SKILLCERT_UNLISTED", "SKILLCERT_HTTP_ADDR", "SKILLCERT_WORKER_CACHE_SIZE"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s not named: %v", name, err)
		}
	}
}
