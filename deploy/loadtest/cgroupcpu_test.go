package main

import (
	"os/exec"
	"testing"
	"time"
)

// TestCgroupCPUCountsDescendants: the cgroup counts the CPU of a child the measured process started
// after it was moved in, as the worker starts its PDF tools.
func TestCgroupCPUCountsDescendants(t *testing.T) {
	cmd := exec.Command("sh", "-c", `sleep 0.3; sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done'; sleep 30`)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	cg, err := newCgroupCPU("test", cmd.Process.Pid)
	if err != nil {
		t.Skipf("no cpuacct cgroup here: %v", err)
	}
	t.Cleanup(cg.remove)
	start := cg.reading()
	deadline := time.Now().Add(20 * time.Second)
	for cg.cpuSince(start) < 0.05 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := cg.cpuSince(start); got < 0.05 {
		t.Fatalf("the cgroup counted %.3f s of the busy grandchild", got)
	}
	if own := processTicks(cmd.Process.Pid, false); own > 2 {
		t.Logf("the shell's own /proc time: %d ticks", own)
	}
}
