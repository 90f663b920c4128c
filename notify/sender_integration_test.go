package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/activities"
	"skillcert/internal/devstack"
	"skillcert/schema"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

// mailpit is a running mailpit: its SMTP address and its HTTP API.
type mailpit struct{ smtp, api string }

// startMailpit runs the pinned mailpit (deploy/dev/tools.sh mailpit) on free ports until the test ends.
func startMailpit(t *testing.T) mailpit {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := os.Getenv("SKILLCERT_MAILPIT_BIN")
	if bin == "" {
		out, err := exec.Command(filepath.Join(root, "deploy/dev/tools.sh"), "mailpit").Output()
		if err != nil {
			t.Fatalf("build mailpit: %v", err)
		}
		bin = strings.TrimPrefix(strings.TrimSpace(string(out)), "SKILLCERT_MAILPIT_BIN=")
	}
	smtpPort, httpPort := freePort(t), freePort(t)
	cmd := exec.Command(bin, "--smtp", "127.0.0.1:"+smtpPort, "--listen", "127.0.0.1:"+httpPort,
		"--database", filepath.Join(t.TempDir(), "mailpit.db"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	m := mailpit{smtp: "127.0.0.1:" + smtpPort, api: "http://127.0.0.1:" + httpPort}
	for i := 0; ; i++ {
		resp, err := http.Get(m.api + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return m
			}
		}
		if i > 200 {
			t.Fatalf("mailpit did not start: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	return p
}

// received is what mailpit holds for one recipient: subject and text of each message.
func (m mailpit) received(t *testing.T, to string) []struct{ Subject, Text string } {
	t.Helper()
	var list struct {
		Messages []struct {
			ID      string
			Subject string
		} `json:"messages"`
	}
	getJSON(t, m.api+"/api/v1/search?query="+url(to), &list)
	var out []struct{ Subject, Text string }
	for _, msg := range list.Messages {
		var full struct{ Subject, Text string }
		getJSON(t, m.api+"/api/v1/message/"+msg.ID, &full)
		out = append(out, full)
	}
	return out
}

func url(s string) string {
	return strings.NewReplacer("@", "%40", " ", "%20", ":", "%3A").Replace("to:" + s)
}

func getJSON(t *testing.T, u string, out any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

// testPool is a migrated database of its own.
func testPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	st := devstack.ForTest(t)
	pool, err := pgxpool.New(context.Background(), st.TestDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := schema.Migrate(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return pool
}

// newApplicant inserts an applicant with the e-mail address (none when empty) and returns their ID.
func newApplicant(t *testing.T, pool *pgxpool.Pool, email string) string {
	t.Helper()
	id := uuid.NewString()
	var addr any
	if email != "" {
		addr = email
	}
	_, err := pool.Exec(context.Background(), `INSERT INTO users (id, role, phone, name, password_hash, email)
		VALUES ($1, 'applicant', $2, '测试申报人', 'x', $3)`, id, fmt.Sprintf("139%08d", time.Now().UnixNano()%100_000_000), addr)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// remind writes a payment reminder exactly as the workflow does: through the Notify activity.
func remind(t *testing.T, pool *pgxpool.Pool, applicantID, message string) {
	t.Helper()
	acts := &activities.Activities{Pool: pool, Now: time.Now}
	appID := uuid.NewString()
	err := acts.Notify(context.Background(), activities.NotifyInput{DedupeKey: appID + ":remind:payment", ApplicationID: appID,
		Notification: activities.Notification{Kind: "payment_reminder", RecipientRole: "applicant", RecipientID: applicantID,
			Message: message}, At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPaymentReminderMailedOnceByTwoWorkers: reminders in the outbox reach mailpit with their Chinese text,
// each exactly once, while two senders (as two workers run them) deliver concurrently; every row ends sent.
func TestPaymentReminderMailedOnceByTwoWorkers(t *testing.T) {
	pool := testPool(t)
	mp := startMailpit(t)
	const n = 12
	msg := "您的申报将于 2026-12-20 17:00 截止缴费，请及时缴费，逾期视为放弃。"
	var addrs []string
	for i := range n {
		addr := fmt.Sprintf("applicant%d-%d@example.com", i, time.Now().UnixNano())
		addrs = append(addrs, addr)
		remind(t, pool, newApplicant(t, pool, addr), msg)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &Sender{Pool: pool, Mailer: SMTPMailer{Addr: mp.smtp, From: "noreply@skillcert.invalid"},
				Worker: fmt.Sprintf("worker-%d", w), Log: log, Batch: 2}
			for range 20 {
				if _, err := s.DeliverOnce(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, addr := range addrs {
		got := mp.received(t, addr)
		if len(got) != 1 {
			t.Fatalf("%s received %d messages, want exactly 1", addr, len(got))
		}
		if got[0].Subject != "职业技能等级认定：缴费提醒" || !strings.Contains(got[0].Text, msg) {
			t.Fatalf("%s received %q / %q", addr, got[0].Subject, got[0].Text)
		}
	}
	var unsent int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM notifications WHERE sent_at IS NULL`).Scan(&unsent); err != nil || unsent != 0 {
		t.Fatalf("%d rows not marked sent (%v)", unsent, err)
	}
}

// TestUndeliverableRetriedThenDeadLettered: a failing SMTP server costs an attempt each time with the row
// kept for a retry, until the last attempt dead-letters it with the error; a recipient without any
// address is dead-lettered at once.
func TestUndeliverableRetriedThenDeadLettered(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	remind(t, pool, newApplicant(t, pool, "nobody@example.com"), "缴费提醒")
	s := &Sender{Pool: pool, Mailer: SMTPMailer{Addr: "127.0.0.1:" + freePort(t), From: "noreply@skillcert.invalid"},
		Worker: "w1", MaxAttempts: 2, Backoff: time.Millisecond}
	state := func() (attempts int, dead bool, lastError string) {
		t.Helper()
		var le *string
		if err := pool.QueryRow(ctx, `SELECT attempts, dead_at IS NOT NULL, last_error FROM notifications`).Scan(&attempts, &dead, &le); err != nil {
			t.Fatal(err)
		}
		if le != nil {
			lastError = *le
		}
		return
	}
	if _, err := s.DeliverOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if a, dead, le := state(); a != 1 || dead || !strings.Contains(le, "smtp") {
		t.Fatalf("after one failure: attempts %d dead %v error %q", a, dead, le)
	}
	time.Sleep(10 * time.Millisecond)
	if _, err := s.DeliverOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if a, dead, _ := state(); a != 2 || !dead {
		t.Fatalf("after the last attempt: attempts %d dead %v", a, dead)
	}
	if n, _ := s.DeliverOnce(ctx); n != 0 {
		t.Fatalf("a dead letter was leased again")
	}

	// No address at all: dead at once.
	if _, err := pool.Exec(ctx, `DELETE FROM notifications`); err != nil {
		t.Fatal(err)
	}
	remind(t, pool, newApplicant(t, pool, ""), "缴费提醒")
	s.SMS = nil
	if _, err := s.DeliverOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if a, dead, le := state(); a != 1 || !dead || !strings.Contains(le, "没有可用") {
		t.Fatalf("no address: attempts %d dead %v error %q", a, dead, le)
	}
}
