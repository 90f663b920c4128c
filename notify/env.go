package notify

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
)

// FromEnv returns the sender a worker runs, or nil when SKILLCERT_NOTIFY_DISABLED=1. E-mail goes to
// SKILLCERT_SMTP_ADDR (host:port; no e-mail channel when unset) from SKILLCERT_SMTP_FROM, with optional
// SKILLCERT_SMTP_USERNAME and SKILLCERT_SMTP_PASSWORD. SMS is logged only (LogSMS) until a provider is
// configured.
func FromEnv(pool *pgxpool.Pool, log *slog.Logger, getenv func(string) string) *Sender {
	if getenv("SKILLCERT_NOTIFY_DISABLED") == "1" {
		return nil
	}
	s := &Sender{Pool: pool, Log: log.With("component", "notify"), SMS: LogSMS{Log: log.With("component", "sms")},
		Worker: workerID()}
	if addr := getenv("SKILLCERT_SMTP_ADDR"); addr != "" {
		from := getenv("SKILLCERT_SMTP_FROM")
		if from == "" {
			from = "noreply@skillcert.invalid"
		}
		s.Mailer = SMTPMailer{Addr: addr, From: from, Username: getenv("SKILLCERT_SMTP_USERNAME"),
			Password: getenv("SKILLCERT_SMTP_PASSWORD")}
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
