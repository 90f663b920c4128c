package gateway

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"skillcert/schema/db"
)

// loginThrottle counts failed logins in Postgres, so that the count survives restarts and every gateway
// sees the same one. It counts two things within a sliding window:
//   - an account name together with a client IP: after max failures that pair is refused, while the same
//     account from other addresses still signs in (so five wrong passwords from one address cannot lock
//     admin out for everyone);
//   - a client IP alone: after ten times as many failures, whatever account it tries.
//
// A refused attempt is not counted, so each key holds at most its limit of rows within the window. A
// successful login clears its pair. Keys are HMACs, so the table holds no phone numbers or addresses.
type loginThrottle struct {
	q      *db.Queries
	key    []byte // HMAC key of the stored keys
	max    int
	window time.Duration
}

func newLoginThrottle(q *db.Queries, key []byte, max int, window time.Duration) *loginThrottle {
	return &loginThrottle{q: q, key: key, max: max, window: window}
}

// keys returns the stored keys of the account-and-IP pair and of the IP.
func (t *loginThrottle) keys(login, ip string) (pair, addr string) {
	sum := func(s string) string {
		m := hmac.New(sha256.New, t.key)
		m.Write([]byte("skillcert login throttle\x00" + s))
		return hex.EncodeToString(m.Sum(nil))
	}
	account := strings.ToLower(strings.TrimSpace(login))
	return sum("pair\x00" + account + "\x00" + ip), sum("ip\x00" + ip)
}

// blocked reports whether a login attempt must be refused now, and for how long.
func (t *loginThrottle) blocked(ctx context.Context, login, ip string, now time.Time) (bool, time.Duration, error) {
	pair, addr := t.keys(login, ip)
	rows, err := t.q.RecentLoginFailures(ctx, db.RecentLoginFailuresParams{Keys: []string{pair, addr}, Since: now.Add(-t.window)})
	if err != nil {
		return false, 0, fmt.Errorf("read login failures: %w", err)
	}
	failures := map[string][]time.Time{}
	for _, r := range rows {
		failures[r.Key] = append(failures[r.Key], r.FailedAt) // newest first
	}
	limits := map[string]int{pair: t.max, addr: t.max * 10}
	var wait time.Duration
	for _, k := range []string{pair, addr} {
		if w, ok := throttled(failures[k], limits[k], t.window, now); ok && w > wait {
			wait = w
		}
	}
	return wait > 0, wait, nil
}

// throttled decides from the failures of one key (newest first) whether it is at its limit, and how long
// until the failure that makes it so leaves the window.
func throttled(newestFirst []time.Time, limit int, window time.Duration, now time.Time) (time.Duration, bool) {
	if len(newestFirst) < limit {
		return 0, false
	}
	wait := newestFirst[limit-1].Add(window).Sub(now)
	return max(wait, time.Second), true
}

// fail records a failed attempt of the pair and of the IP.
func (t *loginThrottle) fail(ctx context.Context, login, ip string, now time.Time) error {
	pair, addr := t.keys(login, ip)
	if err := t.q.RecordLoginFailure(ctx, db.RecordLoginFailureParams{Keys: []string{pair, addr}, FailedAt: now}); err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

// succeed clears the failures of the pair (not of the IP).
func (t *loginThrottle) succeed(ctx context.Context, login, ip string) error {
	pair, _ := t.keys(login, ip)
	if err := t.q.ClearLoginFailures(ctx, pair); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}

// sweep forgets failures that left the window.
func (t *loginThrottle) sweep(ctx context.Context, now time.Time) error {
	return t.q.DeleteOldLoginFailures(ctx, now.Add(-t.window))
}
