package gateway

import (
	"strings"
	"sync"
	"time"
)

// loginThrottle counts failed logins per account name and per client IP within a sliding window. Once an
// account has max failures (or an IP ten times as many), further attempts are refused until the oldest
// failure leaves the window; a successful login clears the account's count.
type loginThrottle struct {
	mu       sync.Mutex
	max      int
	window   time.Duration
	failures map[string][]time.Time
}

func newLoginThrottle(max int, window time.Duration) *loginThrottle {
	return &loginThrottle{max: max, window: window, failures: map[string][]time.Time{}}
}

func accountKey(login string) string { return "login:" + strings.ToLower(strings.TrimSpace(login)) }
func ipKey(ip string) string         { return "ip:" + ip }

// blocked reports whether a login attempt must be refused now, and for how long.
func (t *loginThrottle) blocked(login, ip string, now time.Time) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range []struct {
		key string
		max int
	}{{accountKey(login), t.max}, {ipKey(ip), t.max * 10}} {
		recent := t.prune(k.key, now)
		if len(recent) >= k.max {
			return true, recent[len(recent)-k.max].Add(t.window).Sub(now)
		}
	}
	return false, 0
}

// fail records a failed attempt.
func (t *loginThrottle) fail(login, ip string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range []string{accountKey(login), ipKey(ip)} {
		t.failures[k] = append(t.prune(k, now), now)
	}
	if len(t.failures) > 100000 {
		t.sweep(now)
	}
}

// succeed clears the account's failures.
func (t *loginThrottle) succeed(login string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, accountKey(login))
}

// prune drops failures older than the window and returns the rest.
func (t *loginThrottle) prune(key string, now time.Time) []time.Time {
	list := t.failures[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) >= t.window {
		i++
	}
	if i == len(list) {
		delete(t.failures, key)
		return nil
	}
	list = list[i:]
	t.failures[key] = list
	return list
}

// sweep forgets every key whose failures all left the window.
func (t *loginThrottle) sweep(now time.Time) {
	for k := range t.failures {
		t.prune(k, now)
	}
}
