package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/schema/db"
)

// Sender delivers the outbox. Its zero durations take the defaults below.
type Sender struct {
	Pool        *pgxpool.Pool
	Mailer      Mailer // nil: no e-mail channel
	SMS         SMS    // nil: no SMS channel
	Worker      string // lease owner, unique per running sender
	Log         *slog.Logger
	Now         func() time.Time
	Batch       int           // rows leased at once (default 20)
	Lease       time.Duration // how long a leased row is ours (default 2 minutes)
	Poll        time.Duration // wait between empty polls (default 5 seconds)
	MaxAttempts int           // attempts before the dead letter (default 8)
	Backoff     time.Duration // first retry delay, doubled per attempt, capped at 6 hours (default 30 seconds)
}

func (s *Sender) defaults() {
	if s.Batch <= 0 {
		s.Batch = 20
	}
	if s.Lease <= 0 {
		s.Lease = 2 * time.Minute
	}
	if s.Poll <= 0 {
		s.Poll = 5 * time.Second
	}
	if s.MaxAttempts <= 0 {
		s.MaxAttempts = 8
	}
	if s.Backoff <= 0 {
		s.Backoff = 30 * time.Second
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
}

// Run delivers until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	s.defaults()
	for ctx.Err() == nil {
		n, err := s.DeliverOnce(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Warn("notification outbox", "error", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(s.Poll):
		}
	}
}

// errNoAddress marks a row that no channel can reach: it goes to the dead letter at once.
var errNoAddress = errors.New("收件人没有可用的邮箱或手机号")

// DeliverOnce leases one batch and delivers it; it returns how many rows it leased.
func (s *Sender) DeliverOnce(ctx context.Context) (int, error) {
	s.defaults()
	q := db.New(s.Pool)
	now := s.Now()
	rows, err := q.LeaseNotifications(ctx, db.LeaseNotificationsParams{Worker: s.Worker, Until: now.Add(s.Lease),
		Now: now, Max: int32(s.Batch)})
	if err != nil {
		return 0, fmt.Errorf("lease: %w", err)
	}
	// Every send ends well inside the lease, so no other sender can lease a row while it is being sent.
	stopBy := now.Add(s.Lease / 2)
	for i, r := range rows {
		if s.Now().After(stopBy) {
			s.Log.Info("notification outbox: lease half used, leaving rows for the next lease", "left", len(rows)-i)
			break
		}
		sendCtx, cancel := context.WithDeadline(ctx, now.Add(s.Lease*3/4))
		err := s.deliver(sendCtx, q, r)
		cancel()
		if err == nil {
			if _, err := q.MarkNotificationSent(ctx, db.MarkNotificationSentParams{Now: s.Now(), ID: r.ID, Worker: s.Worker}); err != nil {
				return len(rows), fmt.Errorf("mark sent %d: %w", r.ID, err)
			}
			continue
		}
		delay := s.Backoff << min(r.Attempts, 20)
		delay = min(delay, 6*time.Hour)
		dead := errors.Is(err, errNoAddress)
		if _, merr := q.MarkNotificationFailed(ctx, db.MarkNotificationFailedParams{Error: truncate(err.Error(), 500),
			Next: s.Now().Add(delay), MaxAttempts: int32(s.MaxAttempts), Dead: dead, Now: s.Now(), ID: r.ID, Worker: s.Worker}); merr != nil {
			return len(rows), fmt.Errorf("mark failed %d: %w", r.ID, merr)
		}
		s.Log.Warn("notification not delivered", "notification_id", r.ID, "kind", r.Kind, "attempt", r.Attempts+1, "error", err)
	}
	return len(rows), nil
}

// deliver sends one row by e-mail when the recipient has an address, else by SMS.
func (s *Sender) deliver(ctx context.Context, q *db.Queries, r db.LeaseNotificationsRow) error {
	if r.RecipientID == nil {
		return fmt.Errorf("%w（通知发给角色，不针对个人，已在待办中显示）", errNoAddress)
	}
	addr, err := q.GetNotificationAddress(ctx, *r.RecipientID)
	if errors.Is(err, pgx.ErrNoRows) {
		return errNoAddress
	}
	if err != nil {
		return err
	}
	if addr.Email != nil && s.Mailer != nil {
		if _, err := mail.ParseAddress(*addr.Email); err != nil {
			return fmt.Errorf("%w（邮箱格式无效）", errNoAddress)
		}
		return s.Mailer.Mail(ctx, Mail{To: *addr.Email, Subject: subject(r.Kind), Body: r.Message + "\r\n\r\n（本邮件由系统自动发送，请勿回复）",
			MessageID: "notification-" + fmt.Sprint(r.ID)})
	}
	if addr.Phone != nil && s.SMS != nil {
		return s.SMS.Text(ctx, *addr.Phone, "【职业技能等级认定】"+r.Message)
	}
	return errNoAddress
}

// subjects are the e-mail subjects by notification kind.
var subjects = map[string]string{
	"payment_reminder": "缴费提醒", "correction_reminder": "补正提醒", "skill_scores_overdue": "技能成绩逾期提醒",
}

func subject(kind string) string {
	if s, ok := subjects[kind]; ok {
		return "职业技能等级认定：" + s
	}
	return "职业技能等级认定：办理进度通知"
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
