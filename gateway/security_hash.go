package gateway

import (
	"context"
	"runtime"
	"time"

	"golang.org/x/sync/semaphore"

	"skillcert"
)

// hashBudget bounds the memory of concurrent argon2id computations. Each one takes its hash's memory
// parameter (7 MiB now, 19 MiB for hashes made before) and a core for tens of milliseconds, so unbounded
// logins let a crowd, or an attacker, grow the gateway without limit (the review saw 1.9 GiB). The budget
// is one current hash per CPU (a hash keeps a core busy, so more at once only adds memory, not speed); a
// hash weighs its memory, so older, larger hashes count for more. A
// request that finds no room within hashWait gets a quick 503 with Retry-After instead of queueing.
type hashBudget struct {
	sem   *semaphore.Weighted
	total int64 // KiB
	wait  time.Duration
}

// SoftMemoryLimit is the gateway program's soft memory limit (runtime/debug.SetMemoryLimit) unless GOMEMLIMIT
// is set. Bursts of logins allocate and drop argon2id memory quickly; without a limit the collector lets
// the heap grow to twice what is live before it runs (200 concurrent logins peaked at 153 MiB RSS), with it
// the collector runs earlier. The limit covers the Go runtime's memory only: the program's code adds about
// 33 MiB of file-backed RSS, so 60 MiB keeps the whole process under the 100 MiB goal. At 100 MiB the load
// test's 1,400-user registration burst peaked at 137 MiB RSS (anonymous memory at the limit); the live heap
// of normal work is about 40 MiB, so the limit costs nothing then; above it the collector works harder but
// nothing fails. Tests that run the gateway in their own process do not set it.
const SoftMemoryLimit = 60 << 20

// hashWait is how long a request waits for room to hash.
const hashWait = 2 * time.Second

// newHashSlots returns a budget of n current hashes (one per CPU when n ≤ 0).
func newHashSlots(n int) *hashBudget {
	if n <= 0 {
		n = runtime.NumCPU()
	}
	total := int64(n) * argonMemory
	return &hashBudget{sem: semaphore.NewWeighted(total), total: total, wait: hashWait}
}

// errBusy answers a request that found the hashing budget spent.
var errBusy = &skillcert.Error{Code: skillcert.EUNAVAILABLE, Message: "服务器繁忙，请稍后重试"}

// acquire takes room for a hash of memoryKiB, waiting at most s.wait; release gives it back.
func (s *hashBudget) acquire(ctx context.Context, memoryKiB int64) (release func(), err error) {
	weight := min(max(memoryKiB, 1), s.total)
	if !s.sem.TryAcquire(weight) {
		wctx, cancel := context.WithTimeout(ctx, s.wait)
		defer cancel()
		if err := s.sem.Acquire(wctx, weight); err != nil {
			return nil, errBusy
		}
	}
	return func() { s.sem.Release(weight) }, nil
}

// hashPassword is hashPassword within the budget.
func (s *hashBudget) hashPassword(ctx context.Context, pw string) (string, error) {
	release, err := s.acquire(ctx, argonMemory)
	if err != nil {
		return "", err
	}
	defer release()
	return hashPassword(pw)
}

// checkPassword is checkPassword within the budget.
func (s *hashBudget) checkPassword(ctx context.Context, encoded, pw string) (bool, error) {
	memory, _ := argonParams(encoded)
	release, err := s.acquire(ctx, memory)
	if err != nil {
		return false, err
	}
	defer release()
	return checkPassword(encoded, pw), nil
}
