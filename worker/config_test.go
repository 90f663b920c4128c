package worker

import (
	"context"
	"strings"
	"testing"

	"skillcert/codec"
	appconfig "skillcert/config"
	"skillcert/internal/tracing"
)

// TestConfigTableMatchesWorker fails when the worker reads a variable that docs/CONFIG.md (config.Vars)
// does not list for it, or the table lists one for the worker that it never reads.
func TestConfigTableMatchesWorker(t *testing.T) {
	set := map[string]string{"SKILLCERT_ENV": "production", "SKILLCERT_CODEC_KEYS": codec.DevKeyring,
		"SKILLCERT_ID_HASH_KEY": "k", "SKILLCERT_ID_ENC_KEY": "k", "SKILLCERT_PAYMENT_SECRET": "k", "SKILLCERT_TOKEN_KEY": "k",
		"SKILLCERT_CERT_SERIAL_KEY": "a certificate serial key"}
	read := map[string]bool{}
	getenv := func(name string) string { read[name] = true; return set[name] }
	if _, err := loadConfig(getenv); err != nil {
		t.Fatal(err)
	}
	if _, _, err := codec.FromEnv(getenv); err != nil {
		t.Fatal(err)
	}
	// The tracing setup reads the OTEL_* variables.
	if _, err := tracing.Setup(context.Background(), "test", getenv); err != nil {
		t.Fatal(err)
	}
	if err := appconfig.CompareReads(appconfig.Worker, read); err != nil {
		t.Fatal(err)
	}
}

func TestLoadConfig(t *testing.T) {
	c, err := loadConfig(func(string) string { return "" })
	if err != nil || c.CacheSize != 1000 || c.MaxActivities != 64 || c.TaskQueue != "skillcert-applications" {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	if _, err := loadConfig(func(k string) string {
		return map[string]string{"SKILLCERT_WORKER_CACHE_SIZE": "0"}[k]
	}); err == nil || !strings.Contains(err.Error(), "SKILLCERT_WORKER_CACHE_SIZE") {
		t.Fatalf("a zero cache size: %v", err)
	}
	if _, err := loadConfig(func(k string) string { return map[string]string{"SKILLCERT_ENV": "production"}[k] }); err == nil {
		t.Fatal("production without keys")
	}
}

// TestPprofAddrLoopbackOnly: profiles are never served beyond this machine; an address that is not
// loopback stops the start, before anything is dialled.
func TestPprofAddrLoopbackOnly(t *testing.T) {
	for addr, ok := range map[string]bool{"": true, "127.0.0.1:6060": true, "0.0.0.0:6060": false, ":6060": false} {
		c, err := loadConfig(func(k string) string { return map[string]string{"SKILLCERT_PPROF_ADDR": addr}[k] })
		if (err == nil) != ok || ok && c.PprofAddr != addr {
			t.Errorf("SKILLCERT_PPROF_ADDR=%q: %+v, %v", addr, c.PprofAddr, err)
		}
	}
}
