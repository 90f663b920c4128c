package gateway

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"time"

	"skillcert"
	appconfig "skillcert/config"
	"skillcert/internal/pprofserve"
	"skillcert/objectstore"
	"skillcert/workflows"
)

// config is everything the gateway reads from the environment (package config, docs/CONFIG.md). Secrets that are unset are
// generated at start; generated tells run which ones to print.
type config struct {
	HTTPAddr          string
	MetricsAddr       string // SKILLCERT_METRICS_ADDR: the metrics listener, "off" for none
	MetricsAddrSet    bool   // whether SKILLCERT_METRICS_ADDR was given (a default address in use is not fatal)
	PprofAddr         string // SKILLCERT_PPROF_ADDR: loopback address of Go's profiles, "" for none
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
	LogLevel          string
	CodecOrigins      []string
	Fees              skillcert.FeeTable
	Policy            workflows.Policy

	generated []string // names of settings that were generated or defaulted insecurely
}

// loadConfig reads the configuration from getenv; the defaults and the documentation of every variable
// are in package config (docs/CONFIG.md).
func loadConfig(getenv func(string) string) (config, error) {
	if err := appconfig.CheckProduction(appconfig.Gateway, getenv); err != nil {
		return config{}, err
	}
	env := appconfig.Env(getenv)
	c := config{
		HTTPAddr:          env.String("SKILLCERT_HTTP_ADDR"),
		MetricsAddr:       env.String("SKILLCERT_METRICS_ADDR"),
		MetricsAddrSet:    strings.TrimSpace(env.Raw("SKILLCERT_METRICS_ADDR")) != "",
		PprofAddr:         env.String("SKILLCERT_PPROF_ADDR"),
		DatabaseURL:       env.String("DATABASE_URL"),
		TemporalAddress:   env.String("TEMPORAL_ADDRESS"),
		TemporalNamespace: env.String("TEMPORAL_NAMESPACE"),
		TaskQueue:         env.String("SKILLCERT_TASK_QUEUE"),
		MinIO:             objectstore.ConfigFromEnv(getenv),
		DemoPassword:      env.String("SKILLCERT_DEMO_PASSWORD"),
		LogLevel:          env.String("SKILLCERT_LOG_LEVEL"),
		CodecOrigins:      codecOrigins(env),
	}
	c.PublicURL = strings.TrimRight(env.String("SKILLCERT_PUBLIC_URL"), "/")
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.HTTPAddr
	}

	var err error
	if c.DevSeed, err = env.Bool("SKILLCERT_DEV_SEED"); err != nil {
		return config{}, err
	}
	if c.TrustProxy, err = parseTrustedProxies(env.String("SKILLCERT_TRUST_PROXY")); err != nil {
		return config{}, err
	}
	for name, dst := range map[string]*int{
		"SKILLCERT_BODY_LIMIT":        &c.BodyLimit,
		"SKILLCERT_RATE_LIMIT":        &c.RateLimit,
		"SKILLCERT_AUTH_RATE_LIMIT":   &c.AuthRateLimit,
		"SKILLCERT_VERIFY_RATE_LIMIT": &c.VerifyRateLimit,
		"SKILLCERT_LOGIN_FAILURES":    &c.LoginFailures,
	} {
		if *dst, err = env.PositiveInt(name); err != nil {
			return config{}, err
		}
	}
	for name, dst := range map[string]*time.Duration{
		"SKILLCERT_TOKEN_TTL":        &c.TokenTTL,
		"SKILLCERT_LOGIN_WINDOW":     &c.LoginWindow,
		"SKILLCERT_UPLOAD_TTL":       &c.UploadTTL,
		"SKILLCERT_DOWNLOAD_TTL":     &c.DownloadTTL,
		"SKILLCERT_SHUTDOWN_TIMEOUT": &c.ShutdownTimeout,
		"SKILLCERT_REQUEST_TIMEOUT":  &c.RequestTimeout,
	} {
		if *dst, err = env.Duration(name); err != nil {
			return config{}, err
		}
	}

	if c.AdminPassword = env.Raw("SKILLCERT_ADMIN_PASSWORD"); c.AdminPassword == "" {
		c.AdminPassword = randomSecret(12)
		c.generated = append(c.generated, "SKILLCERT_ADMIN_PASSWORD")
	}
	if c.PaymentSecret = env.Raw("SKILLCERT_PAYMENT_SECRET"); c.PaymentSecret == "" {
		c.PaymentSecret = randomSecret(24)
		c.generated = append(c.generated, "SKILLCERT_PAYMENT_SECRET")
	}
	if c.TokenKey, err = keyFromEnv(env, "SKILLCERT_TOKEN_KEY", false); err != nil {
		return config{}, err
	}
	if c.TokenKey == nil {
		c.TokenKey = []byte(randomSecret(32))
		c.generated = append(c.generated, "SKILLCERT_TOKEN_KEY")
	}
	// The ID-number keys must survive restarts (stored hashes and ciphertexts depend on them), so an unset
	// key falls back to a fixed development key, and run warns about it (never in production:
	// CheckProduction refused that above).
	for _, k := range []struct {
		name string
		dst  *[]byte
	}{{"SKILLCERT_ID_HASH_KEY", &c.IDHashKey}, {"SKILLCERT_ID_ENC_KEY", &c.IDEncKey}} {
		if *k.dst, err = keyFromEnv(env, k.name, k.name == "SKILLCERT_ID_ENC_KEY"); err != nil {
			return config{}, err
		}
		if *k.dst == nil {
			sum := sha256.Sum256([]byte("skillcert development key: " + k.name))
			*k.dst = sum[:]
			c.generated = append(c.generated, k.name)
		}
	}
	if c.Fees, err = feesFromEnv(env.String("SKILLCERT_FEE_TABLE")); err != nil {
		return config{}, err
	}
	if c.Policy, err = policyFromEnv(env); err != nil {
		return config{}, err
	}
	if err := pprofserve.CheckAddr(c.PprofAddr); err != nil {
		return config{}, err
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

// policyFromEnv reads the workflow policy; its defaults are those of workflows.DefaultPolicy, listed in
// package config (a test keeps the two equal).
func policyFromEnv(env appconfig.Env) (workflows.Policy, error) {
	p := workflows.DefaultPolicy()
	var err error
	for name, dst := range map[string]*int{
		"SKILLCERT_CORRECTION_WORKDAYS": &p.CorrectionWorkdays,
		"SKILLCERT_SCORE_DUE_WORKDAYS":  &p.ScoreDueWorkdays,
		"SKILLCERT_PANEL_SIZE":          &p.PanelSize,
	} {
		if *dst, err = env.PositiveInt(name); err != nil {
			return p, err
		}
	}
	if p.PaymentReminderBefore, err = env.Duration("SKILLCERT_PAYMENT_REMINDER"); err != nil {
		return p, err
	}
	p.SiteCode = env.String("SKILLCERT_SITE_CODE")
	if len(p.SiteCode) != 6 || strings.Trim(p.SiteCode, "0123456789") != "" {
		return p, fmt.Errorf("config: SKILLCERT_SITE_CODE=%q must be 6 digits", p.SiteCode)
	}
	return p, nil
}

// keyFromEnv reads a key given as 64 hex characters, base64 of 32 bytes, or (when exact32 is false) any
// passphrase of at least 16 bytes. Unset gives nil.
func keyFromEnv(env appconfig.Env, name string, exact32 bool) ([]byte, error) {
	v := env.String(name)
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

// randomSecret returns n random bytes as URL-safe base64 without padding.
func randomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
