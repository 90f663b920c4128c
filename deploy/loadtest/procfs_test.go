package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestStatusKB(t *testing.T) {
	status := []byte("Name:\tgateway\nVmPeak:\t  812345 kB\nVmHWM:\t   96512 kB\nVmRSS:\t   80000 kB\nThreads:\t9\n")
	tests := []struct {
		field string
		want  int64
		ok    bool
	}{{"VmHWM", 96512, true}, {"VmRSS", 80000, true}, {"Threads", 9, true}, {"VmSwap", 0, false}, {"Vm", 0, false}}
	for _, tt := range tests {
		got, ok := statusKB(status, tt.field)
		if got != tt.want || ok != tt.ok {
			t.Errorf("statusKB(%s) = %d, %v; want %d, %v", tt.field, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParentAndTicksFromStat(t *testing.T) {
	// The command name may hold spaces and parentheses; fields are counted after the last ')'.
	stat := []byte("4242 (postgres: bench (x)) S 4100 4100 4100 0 -1 4194560 500 0 0 0 150 30 7 3 20 0 1 0 100 1000 50")
	if ppid, ok := parentOf(stat); !ok || ppid != 4100 {
		t.Errorf("parentOf = %d, %v; want 4100", ppid, ok)
	}
	if ticks, err := statTicks(stat); err != nil || ticks != 150+30+7+3 {
		t.Errorf("statTicks = %d, %v; want 190", ticks, err)
	}
	for _, bad := range []string{"no parenthesis", "1 (x) S"} {
		if _, err := statTicks([]byte(bad)); err == nil {
			t.Errorf("statTicks(%q) should fail", bad)
		}
	}
	if _, ok := parentOf([]byte("1 (x)")); ok {
		t.Error("parentOf of a truncated line should fail")
	}
}

func TestMiB(t *testing.T) {
	if got := mib(204800); got != 200 {
		t.Errorf("mib(204800 KiB) = %v, want 200", got)
	}
	if got := mib(1536); got != 1.5 {
		t.Errorf("mib(1536 KiB) = %v, want 1.5", got)
	}
}

func TestMachineTicks(t *testing.T) {
	stat := []byte("cpu  836856 36 280642 748764 8111 0 12946 664 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n")
	busy, total, err := machineTicks(stat)
	if err != nil || busy != 836856+36+280642+12946+664 || total != busy+748764+8111 {
		t.Errorf("machineTicks = %d, %d, %v", busy, total, err)
	}
	for _, bad := range []string{"", "intr 1 2 3", "cpu 1 2 x 4 5 6 7 8"} {
		if _, _, err := machineTicks([]byte(bad)); err == nil {
			t.Errorf("machineTicks(%q) should fail", bad)
		}
	}
}

// TestChildrenOfMatchesScan: the kernel's children list and the /proc scan name the same processes.
func TestChildrenOfMatchesScan(t *testing.T) {
	var cmds []*exec.Cmd
	for range 2 {
		cmd := exec.Command("sleep", "30")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	t.Cleanup(func() {
		for _, c := range cmds {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	})
	// The test's children are started from any of its threads; the postmaster has only one.
	got := map[int]bool{}
	for _, task := range must(os.ReadDir(fmt.Sprintf("/proc/%d/task", os.Getpid()))) {
		tid, _ := strconv.Atoi(task.Name())
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", os.Getpid(), tid))
		if err != nil {
			t.Skipf("no children file: %v", err)
		}
		for _, f := range strings.Fields(string(data)) {
			n, _ := strconv.Atoi(f)
			got[n] = true
		}
	}
	scanned := scanChildrenOf(os.Getpid())
	for _, c := range cmds {
		if !got[c.Process.Pid] || !slices.Contains(scanned, c.Process.Pid) {
			t.Errorf("child %d: in the children files %v, in the scan %v", c.Process.Pid, got[c.Process.Pid], scanned)
		}
	}
	if len(childrenOf(1)) == 0 {
		t.Error("childrenOf(1) is empty")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
