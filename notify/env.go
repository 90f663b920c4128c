package notify

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/config"
)

// Config is the sender's configuration from the environment (see config.Vars, docs/CONFIG.md).
type Config struct {
	Disabled bool        // SKILLCERT_NOTIFY_DISABLED=1
	SMTP     *SMTPMailer // nil when SKILLCERT_SMTP_ADDR is unset: no e-mail channel
}

// ConfigFromEnv reads SKILLCERT_NOTIFY_DISABLED, SKILLCERT_SMTP_ADDR (host:port), SKILLCERT_SMTP_FROM and the
// optional SKILLCERT_SMTP_USERNAME and SKILLCERT_SMTP_PASSWORD.
// The defaults are config.Vars'.
func ConfigFromEnv(getenv func(string) string) Config {
	env := config.Env(getenv)
	c := Config{Disabled: env.String("SKILLCERT_NOTIFY_DISABLED") == "1"}
	addr, from := env.String("SKILLCERT_SMTP_ADDR"), env.String("SKILLCERT_SMTP_FROM")
	user, password := env.String("SKILLCERT_SMTP_USERNAME"), env.Raw("SKILLCERT_SMTP_PASSWORD")
	if addr != "" {
		c.SMTP = &SMTPMailer{Addr: addr, From: from, Username: user, Password: password}
	}
	return c
}

// New returns the sender a worker runs, or nil when disabled. SMS is logged only (LogSMS) until a provider
// is configured.
func New(pool *pgxpool.Pool, log *slog.Logger, c Config) *Sender {
	if c.Disabled {
		return nil
	}
	s := &Sender{Pool: pool, Log: log.With("component", "notify"), SMS: LogSMS{Log: log.With("component", "sms")},
		Worker: workerID()}
	if c.SMTP != nil {
		s.Mailer = *c.SMTP
	}
	return s
}

// workerID names this sender's leases: host, process and a random part.
func workerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}
