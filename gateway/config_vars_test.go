package gateway

import (
	"context"
	"strings"
	"testing"
	"time"

	"skillcert/codec"
	appconfig "skillcert/config"
	"skillcert/internal/tracing"
	"skillcert/pdfdoc"
	"skillcert/workflows"
)

// recordingEnv is a production environment with every key set that records the names read.
func recordingEnv(read map[string]bool) func(string) string {
	set := map[string]string{"SKILLCERT_ENV": "production", "SKILLCERT_CODEC_KEYS": codec.DevKeyring,
		"SKILLCERT_ID_HASH_KEY": strings.Repeat("ab", 32), "SKILLCERT_ID_ENC_KEY": strings.Repeat("cd", 32),
		"SKILLCERT_PAYMENT_SECRET": "payment secret", "SKILLCERT_TOKEN_KEY": "a long enough token key"}
	return func(name string) string { read[name] = true; return set[name] }
}

// TestConfigTableMatchesGateway fails when the gateway reads a variable that docs/CONFIG.md (config.Vars)
// does not list for it, or the table lists one for the gateway that it never reads.
func TestConfigTableMatchesGateway(t *testing.T) {
	read := map[string]bool{}
	getenv := recordingEnv(read)
	if _, err := loadConfig(getenv); err != nil {
		t.Fatal(err)
	}
	if _, _, err := codec.FromEnv(getenv); err != nil {
		t.Fatal(err)
	}
	_, _ = pdfdoc.FindFont(getenv) // the PDF renderer reads SKILLCERT_CJK_FONT itself
	// The tracing setup reads the OTEL_* variables.
	if _, err := tracing.Setup(context.Background(), "test", getenv); err != nil {
		t.Fatal(err)
	}
	if err := appconfig.CompareReads(appconfig.Gateway, read); err != nil {
		t.Fatal(err)
	}
}

// TestConfigDefaultsMatchCode keeps the defaults that other packages also name equal to the table's.
func TestConfigDefaultsMatchCode(t *testing.T) {
	c, err := loadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Policy != workflows.DefaultPolicy() || c.TaskQueue != workflows.TaskQueue {
		t.Fatalf("policy %+v, task queue %s: not the workflow's defaults %+v, %s", c.Policy, c.TaskQueue,
			workflows.DefaultPolicy(), workflows.TaskQueue)
	}
	if v, _ := appconfig.Lookup("SKILLCERT_CJK_FONT"); !strings.Contains(v.Shown, pdfdoc.DefaultFontPath) {
		t.Fatalf("the documented font %q is not pdfdoc's %s", v.Shown, pdfdoc.DefaultFontPath)
	}
	if c.MetricsAddr != defaultMetricsAddr || c.MetricsAddrSet {
		t.Fatalf("metrics listener %q (set %v), want the default %s", c.MetricsAddr, c.MetricsAddrSet, defaultMetricsAddr)
	}
	if c.BodyLimit != 16<<20 || c.LoginWindow != 15*time.Minute || c.LogLevel != "info" {
		t.Fatalf("defaults %+v", c)
	}
}

func TestLoadConfigProduction(t *testing.T) {
	_, err := loadConfig(envOf(map[string]string{"SKILLCERT_ENV": "production", "SKILLCERT_TOKEN_KEY": "a long enough token key"}))
	if err == nil || !strings.Contains(err.Error(), "SKILLCERT_ID_ENC_KEY") || strings.Contains(err.Error(), "SKILLCERT_TOKEN_KEY") {
		t.Fatalf("production without keys: %v", err)
	}
	c, err := loadConfig(recordingEnv(map[string]bool{}))
	if err != nil || len(c.generated) != 1 || c.generated[0] != "SKILLCERT_ADMIN_PASSWORD" {
		t.Fatalf("production with keys: generated %v, %v", c.generated, err)
	}
}
