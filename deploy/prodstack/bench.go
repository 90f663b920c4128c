package prodstack

import (
	"fmt"
	"time"
)

// Terminate stops one process of the stack gracefully (SIGTERM, then SIGKILL after limit): a worker so
// stopped finishes its tasks and withdraws its polls, unlike Kill. Restart starts it again. The load test
// uses it to measure one worker against two.
func (s *Stack) Terminate(name string, limit time.Duration) error {
	p, err := s.get(name)
	if err != nil {
		return err
	}
	if done, _ := p.exited(); done {
		return fmt.Errorf("prodstack: %s is not running", name)
	}
	s.stop(p, limit)
	s.logf("stopped %s", name)
	return nil
}
