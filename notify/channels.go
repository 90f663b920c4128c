package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Mailer sends one e-mail.
type Mailer interface {
	Mail(ctx context.Context, m Mail) error
}

// Mail is one message: plain text, UTF-8.
type Mail struct {
	To, Subject, Body string
	MessageID         string // stable per notification, so a repeat after a crash can be recognised
}

// SMS sends one text message. A real provider is configured by environment; LogSMS only logs.
type SMS interface {
	Text(ctx context.Context, phone, text string) error
}

// LogSMS is the SMS channel of development: it logs that a message would be sent, with the phone masked.
type LogSMS struct{ Log *slog.Logger }

// Text implements SMS.
func (l LogSMS) Text(_ context.Context, phone, text string) error {
	l.Log.Info("sms (logged, not sent)", "phone", maskPhone(phone), "chars", len([]rune(text)))
	return nil
}

// maskPhone keeps the first three and last four digits.
func maskPhone(p string) string {
	if len(p) < 8 {
		return "****"
	}
	return p[:3] + "****" + p[len(p)-4:]
}

// SMTPMailer sends over SMTP (no TLS on loopback dev servers; STARTTLS when the server offers it).
type SMTPMailer struct {
	Addr     string // host:port
	From     string // sender address
	Username string // optional PLAIN auth
	Password string
	Timeout  time.Duration
}

// Mail implements Mailer.
func (s SMTPMailer) Mail(ctx context.Context, m Mail) error {
	if strings.ContainsAny(m.To, "\r\n<>") || strings.ContainsAny(s.From, "\r\n<>") {
		return fmt.Errorf("invalid address")
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp dial: %w", err)
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	host, _, _ := net.SplitHostPort(s.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && host != "127.0.0.1" && host != "localhost" {
		return fmt.Errorf("smtp: STARTTLS is offered but not configured here; use a loopback relay")
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("smtp RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(m.bytes(s.From)); err != nil {
		return fmt.Errorf("smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp end of data: %w", err)
	}
	return c.Quit()
}

// bytes is the RFC 5322 message, UTF-8 text in base64.
func (m Mail) bytes(from string) []byte {
	id := m.MessageID
	if id == "" {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	var b strings.Builder
	b.WriteString("From: " + mime.BEncoding.Encode("UTF-8", "职业技能等级认定") + " <" + from + ">\r\n")
	b.WriteString("To: <" + m.To + ">\r\n")
	b.WriteString("Subject: " + mime.BEncoding.Encode("UTF-8", m.Subject) + "\r\n")
	b.WriteString("Message-ID: <" + id + "@skillcert>\r\n")
	b.WriteString("Date: " + time.Now().Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString(wrap76(base64Std(m.Body)))
	return []byte(b.String())
}
