package gateway

import (
	"context"
	"runtime"
	"time"

	"skillcert"
)

// hashSlots bounds concurrent argon2id computations. Each one takes argonMemory (19 MiB) and a core for
// tens of milliseconds, so unbounded logins would let a crowd (or an attacker) grow the gateway without
// limit. About two per CPU keeps the cores busy; a request that finds no slot within hashWait gets a
// quick 503 with Retry-After instead of queueing.
type hashSlots struct {
	slots chan struct{}
	wait  time.Duration
}

// hashWait is how long a request waits for a free hashing slot.
const hashWait = time.Second

// newHashSlots returns n slots (2 × CPUs when n ≤ 0).
func newHashSlots(n int) *hashSlots {
	if n <= 0 {
		n = 2 * runtime.NumCPU()
	}
	return &hashSlots{slots: make(chan struct{}, n), wait: hashWait}
}

// errBusy answers a request that found every hashing slot taken.
var errBusy = &skillcert.Error{Code: skillcert.EUNAVAILABLE, Message: "服务器繁忙，请稍后重试"}

// acquire takes a slot, waiting at most s.wait; release gives it back.
func (s *hashSlots) acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	default:
	}
	timer := time.NewTimer(s.wait)
	defer timer.Stop()
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-timer.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, errBusy
	}
}

// hashPassword is hashPassword within a slot.
func (s *hashSlots) hashPassword(ctx context.Context, pw string) (string, error) {
	release, err := s.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return hashPassword(pw)
}

// checkPassword is checkPassword within a slot.
func (s *hashSlots) checkPassword(ctx context.Context, encoded, pw string) (bool, error) {
	release, err := s.acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return checkPassword(encoded, pw), nil
}
