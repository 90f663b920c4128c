package gateway

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"skillcert"
	"skillcert/objectstore"
	"skillcert/workflows"
)

// config is everything the gateway reads from the environment (see CONFIG.md). Secrets that are unset are
// generated at start; generated tells run which ones to print.
type config struct {
	HTTPAddr          string
	MetricsAddr       string // SKILLCERT_METRICS_ADDR: the metrics listener, "off" for none
	MetricsAddrSet    bool   // whether SKILLCERT_METRICS_ADDR was given (a default address in use is not fatal)
	PublicURL         string
	AdminPassword     string
	PaymentSecret     string
	DatabaseURL       string
	TemporalAddress   string
	TemporalNamespace string
	TaskQueue         string // task queue of the application workflows (SKILLCERT_TASK_QUEUE)
	MinIO             objectstore.Config
	TokenKey          []byte
	TokenTTL          time.Duration
	IDHashKey         []byte
	IDEncKey          []byte
	CJKFont           string
	DevSeed           bool
	DemoPassword      string
	BodyLimit         int
	RateLimit         int // requests per minute per client IP, all routes
	AuthRateLimit     int // requests per minute per client IP on /api/v1/auth/*
	VerifyRateLimit   int // requests per minute per client IP on certificate verification
	LoginFailures     int // failed logins per account within LoginWindow before 429
	LoginWindow       time.Duration
	UploadTTL         time.Duration
	DownloadTTL       time.Duration
	ShutdownTimeout   time.Duration
	RequestTimeout    time.Duration
	TrustProxy        trustedProxies // SKILLCERT_TRUST_PROXY: CIDRs of the reverse proxies whose X-Forwarded-For is believed
	CodecOrigins      []string
	Fees              skillcert.FeeTable
	Policy            workflows.Policy

	generated []string // names of settings that were generated or defaulted insecurely
}

// loadConfig reads the configuration from getenv, applying the defaults of CONFIG.md.
func loadConfig(getenv func(string) string) (config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := config{
		HTTPAddr:          env("SKILLCERT_HTTP_ADDR", "127.0.0.1:8080"),
		MetricsAddr:       env("SKILLCERT_METRICS_ADDR", defaultMetricsAddr),
		MetricsAddrSet:    strings.TrimSpace(getenv("SKILLCERT_METRICS_ADDR")) != "",
		DatabaseURL:       env("DATABASE_URL", "postgres://postgres@127.0.0.1:55432/skillcert?sslmode=disable"),
		TemporalAddress:   env("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		TemporalNamespace: env("TEMPORAL_NAMESPACE", "default"),
		TaskQueue:         env("SKILLCERT_TASK_QUEUE", workflows.TaskQueue),
		MinIO:             objectstore.ConfigFromEnv(getenv),
		CJKFont:           env("SKILLCERT_CJK_FONT", ""),
		DemoPassword:      env("SKILLCERT_DEMO_PASSWORD", "Demo2022skill"),
		CodecOrigins:      codecOrigins(getenv),
	}
	c.PublicURL = strings.TrimRight(env("SKILLCERT_PUBLIC_URL", "http://"+c.HTTPAddr), "/")

	var err error
	bools := []struct {
		name string
		dst  *bool
	}{{"SKILLCERT_DEV_SEED", &c.DevSeed}}
	for _, b := range bools {
		if *b.dst, err = parseBool(b.name, getenv(b.name)); err != nil {
			return config{}, err
		}
	}
	if c.TrustProxy, err = parseTrustedProxies(getenv("SKILLCERT_TRUST_PROXY")); err != nil {
		return config{}, err
	}
	ints := []struct {
		name string
		def  int
		dst  *int
	}{
		{"SKILLCERT_BODY_LIMIT", 16 << 20, &c.BodyLimit},
		{"SKILLCERT_RATE_LIMIT", 3000, &c.RateLimit},
		{"SKILLCERT_AUTH_RATE_LIMIT", 600, &c.AuthRateLimit},
		{"SKILLCERT_VERIFY_RATE_LIMIT", 30, &c.VerifyRateLimit},
		{"SKILLCERT_LOGIN_FAILURES", 5, &c.LoginFailures},
	}
	for _, i := range ints {
		if *i.dst, err = parseInt(i.name, env(i.name, strconv.Itoa(i.def))); err != nil {
			return config{}, err
		}
	}
	durations := []struct {
		name string
		def  time.Duration
		dst  *time.Duration
	}{
		{"SKILLCERT_TOKEN_TTL", 12 * time.Hour, &c.TokenTTL},
		{"SKILLCERT_LOGIN_WINDOW", 15 * time.Minute, &c.LoginWindow},
		{"SKILLCERT_UPLOAD_TTL", 15 * time.Minute, &c.UploadTTL},
		{"SKILLCERT_DOWNLOAD_TTL", 5 * time.Minute, &c.DownloadTTL},
		{"SKILLCERT_SHUTDOWN_TIMEOUT", 20 * time.Second, &c.ShutdownTimeout},
		{"SKILLCERT_REQUEST_TIMEOUT", 30 * time.Second, &c.RequestTimeout},
	}
	for _, d := range durations {
		if *d.dst, err = parseDuration(d.name, env(d.name, d.def.String())); err != nil {
			return config{}, err
		}
	}

	if c.AdminPassword = getenv("SKILLCERT_ADMIN_PASSWORD"); c.AdminPassword == "" {
		c.AdminPassword = randomSecret(12)
		c.generated = append(c.generated, "SKILLCERT_ADMIN_PASSWORD")
	}
	if c.PaymentSecret = getenv("SKILLCERT_PAYMENT_SECRET"); c.PaymentSecret == "" {
		c.PaymentSecret = randomSecret(24)
		c.generated = append(c.generated, "SKILLCERT_PAYMENT_SECRET")
	}
	if c.TokenKey, err = keyFromEnv(getenv, "SKILLCERT_TOKEN_KEY", false); err != nil {
		return config{}, err
	}
	if c.TokenKey == nil {
		c.TokenKey = []byte(randomSecret(32))
		c.generated = append(c.generated, "SKILLCERT_TOKEN_KEY")
	}
	// The ID-number keys must survive restarts (stored hashes and ciphertexts depend on them), so an unset
	// key falls back to a fixed development key, and run warns about it.
	for _, k := range []struct {
		name string
		dst  *[]byte
	}{{"SKILLCERT_ID_HASH_KEY", &c.IDHashKey}, {"SKILLCERT_ID_ENC_KEY", &c.IDEncKey}} {
		if *k.dst, err = keyFromEnv(getenv, k.name, k.name == "SKILLCERT_ID_ENC_KEY"); err != nil {
			return config{}, err
		}
		if *k.dst == nil {
			sum := sha256.Sum256([]byte("skillcert development key: " + k.name))
			*k.dst = sum[:]
			c.generated = append(c.generated, k.name)
		}
	}
	if c.Fees, err = feesFromEnv(getenv("SKILLCERT_FEE_TABLE")); err != nil {
		return config{}, err
	}
	if c.Policy, err = policyFromEnv(getenv); err != nil {
		return config{}, err
	}
	if c.RateLimit <= 0 || c.AuthRateLimit <= 0 || c.VerifyRateLimit <= 0 || c.LoginFailures <= 0 || c.BodyLimit <= 0 {
		return config{}, fmt.Errorf("config: rate limits, login failures and body limit must be positive")
	}
	return c, nil
}

// feesFromEnv reads the fee table from JSON given inline or as a file path; unset gives the defaults.
func feesFromEnv(v string) (skillcert.FeeTable, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return skillcert.DefaultFees(), nil
	}
	data := []byte(v)
	if !strings.HasPrefix(v, "{") {
		b, err := os.ReadFile(v)
		if err != nil {
			return nil, fmt.Errorf("config: SKILLCERT_FEE_TABLE: %w", err)
		}
		data = b
	}
	t, err := skillcert.ParseFeeTable(data)
	if err != nil {
		return nil, fmt.Errorf("config: SKILLCERT_FEE_TABLE: %w", err)
	}
	return t, nil
}

// policyFromEnv starts from the default policy and applies the SKILLCERT_* overrides.
func policyFromEnv(getenv func(string) string) (workflows.Policy, error) {
	p := workflows.DefaultPolicy()
	for _, o := range []struct {
		name string
		dst  *int
	}{
		{"SKILLCERT_CORRECTION_WORKDAYS", &p.CorrectionWorkdays},
		{"SKILLCERT_SCORE_DUE_WORKDAYS", &p.ScoreDueWorkdays},
		{"SKILLCERT_PANEL_SIZE", &p.PanelSize},
	} {
		if v := strings.TrimSpace(getenv(o.name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return p, fmt.Errorf("config: %s=%q is not a positive integer", o.name, v)
			}
			*o.dst = n
		}
	}
	if v := strings.TrimSpace(getenv("SKILLCERT_PAYMENT_REMINDER")); v != "" {
		d, err := parseDuration("SKILLCERT_PAYMENT_REMINDER", v)
		if err != nil {
			return p, err
		}
		p.PaymentReminderBefore = d
	}
	if v := strings.TrimSpace(getenv("SKILLCERT_SITE_CODE")); v != "" {
		if len(v) != 6 || strings.Trim(v, "0123456789") != "" {
			return p, fmt.Errorf("config: SKILLCERT_SITE_CODE=%q must be 6 digits", v)
		}
		p.SiteCode = v
	}
	return p, nil
}

// keyFromEnv reads a key given as 64 hex characters, base64 of 32 bytes, or (when exact32 is false) any
// passphrase of at least 16 bytes. Unset gives nil.
func keyFromEnv(getenv func(string) string, name string, exact32 bool) ([]byte, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return nil, nil
	}
	if b, err := hex.DecodeString(v); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(v); err == nil && len(b) == 32 {
		return b, nil
	}
	if !exact32 && len(v) >= 16 {
		return []byte(v), nil
	}
	if exact32 {
		return nil, fmt.Errorf("config: %s must be 32 bytes as 64 hex characters or base64", name)
	}
	return nil, fmt.Errorf("config: %s must be at least 16 characters", name)
}

func parseBool(name, v string) (bool, error) {
	if strings.TrimSpace(v) == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, fmt.Errorf("config: %s=%q is not a boolean", name, v)
	}
	return b, nil
}

func parseInt(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("config: %s=%q is not an integer", name, v)
	}
	return n, nil
}

func parseDuration(name, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config: %s=%q is not a positive duration such as 15m", name, v)
	}
	return d, nil
}

// randomSecret returns n random bytes as URL-safe base64 without padding.
func randomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
