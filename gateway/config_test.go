package gateway

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:8080" || c.PublicURL != "http://127.0.0.1:8080" {
		t.Fatalf("addr %q public %q", c.HTTPAddr, c.PublicURL)
	}
	for _, name := range []string{"SKILLCERT_ADMIN_PASSWORD", "SKILLCERT_PAYMENT_SECRET", "SKILLCERT_TOKEN_KEY",
		"SKILLCERT_ID_HASH_KEY", "SKILLCERT_ID_ENC_KEY"} {
		if !slices.Contains(c.generated, name) {
			t.Errorf("%s not reported as generated", name)
		}
	}
	again, _ := loadConfig(envOf(nil))
	if c.AdminPassword == again.AdminPassword || c.PaymentSecret == again.PaymentSecret {
		t.Fatal("generated secrets repeat between starts")
	}
	if string(c.IDEncKey) != string(again.IDEncKey) || len(c.IDEncKey) != 32 {
		t.Fatal("the development ID keys must be stable across starts (stored data depends on them)")
	}
	if c.Fees == nil || c.Policy.PanelSize != 3 || c.TokenTTL != 12*time.Hour {
		t.Fatalf("defaults: fees %v policy %+v ttl %v", c.Fees, c.Policy, c.TokenTTL)
	}
}

func TestLoadConfigOverrides(t *testing.T) {
	hexKey := strings.Repeat("ab", 32)
	c, err := loadConfig(envOf(map[string]string{
		"SKILLCERT_HTTP_ADDR": "0.0.0.0:9090", "SKILLCERT_PUBLIC_URL": "https://cert.example.org/",
		"SKILLCERT_ADMIN_PASSWORD": "Admin12345", "SKILLCERT_PAYMENT_SECRET": "s3cret",
		"SKILLCERT_ID_ENC_KEY": hexKey, "SKILLCERT_TOKEN_KEY": "a long enough token key",
		"SKILLCERT_PANEL_SIZE": "5", "SKILLCERT_DEV_SEED": "1", "SKILLCERT_TOKEN_TTL": "30m",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "0.0.0.0:9090" || c.PublicURL != "https://cert.example.org" || c.AdminPassword != "Admin12345" ||
		c.PaymentSecret != "s3cret" || c.Policy.PanelSize != 5 || !c.DevSeed || c.TokenTTL != 30*time.Minute {
		t.Fatalf("overrides not applied: %+v", c)
	}
	if c.IDEncKey[0] != 0xab || len(c.IDEncKey) != 32 {
		t.Fatalf("hex key decoded to %x", c.IDEncKey)
	}
	if slices.Contains(c.generated, "SKILLCERT_ADMIN_PASSWORD") || slices.Contains(c.generated, "SKILLCERT_ID_ENC_KEY") {
		t.Fatalf("given settings reported as generated: %v", c.generated)
	}
}

func TestLoadConfigRejects(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"short enc key":      {"SKILLCERT_ID_ENC_KEY": "tooshort"},
		"passphrase enc":     {"SKILLCERT_ID_ENC_KEY": "a passphrase that is not 32 bytes of key"},
		"short token key":    {"SKILLCERT_TOKEN_KEY": "short"},
		"bad ttl":            {"SKILLCERT_TOKEN_TTL": "soon"},
		"negative duration":  {"SKILLCERT_UPLOAD_TTL": "-1m"},
		"bad bool":           {"SKILLCERT_DEV_SEED": "maybe"},
		"bad int":            {"SKILLCERT_RATE_LIMIT": "lots"},
		"zero rate":          {"SKILLCERT_RATE_LIMIT": "0"},
		"bad site code":      {"SKILLCERT_SITE_CODE": "12ab56"},
		"bad fee table":      {"SKILLCERT_FEE_TABLE": `{"5": {"theory": -1, "skill": 1}}`},
		"missing fee file":   {"SKILLCERT_FEE_TABLE": "/nonexistent/fees.json"},
		"pprof off loopback": {"SKILLCERT_PPROF_ADDR": "0.0.0.0:6060"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := loadConfig(envOf(env)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
