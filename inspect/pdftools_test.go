package inspect_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"skillcert/inspect"
)

// TestPDFToolsLeaveNoProcess: when a PDF runs out of time, both tools and their shell are killed, in
// every confinement that works here (the tools share one sandbox: killing only its first process would
// leave them running until their CPU limit). The test process becomes the subreaper of its descendants,
// so a tool that outlived the call would show up as its child.
func TestPDFToolsLeaveNoProcess(t *testing.T) {
	if err := prctlSubreaper(); err != nil {
		t.Skipf("cannot become a subreaper: %v", err)
	}
	setLimit(t, &inspect.ToolTimeout, time.Second)
	ops := deflate(t, bytes.Repeat([]byte("0 0 m 1 1 l S\n"), 100<<20/14))
	bomb := streamPDF(ops, "FlateDecode")
	modes := []string{inspect.SandboxLimitsOnly}
	if os.Geteuid() == 0 {
		modes = append(modes, inspect.SandboxNobody)
	}
	if inspect.SandboxMode() == inspect.SandboxBubblewrap {
		modes = append(modes, inspect.SandboxBubblewrap)
	}
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			defer inspect.SetSandboxMode(mode)()
			if _, _, err := inspect.CountPDFText(bomb); !errors.Is(err, inspect.ErrTooHeavy) {
				t.Fatalf("err %v, want ErrTooHeavy", err)
			}
			time.Sleep(200 * time.Millisecond) // a killed process is gone at once; a survivor is still there
			if left := liveChildren(t); len(left) > 0 {
				t.Fatalf("processes left running: %s", strings.Join(left, "; "))
			}
		})
	}
}

func prctlSubreaper() error {
	const prSetChildSubreaper = 36
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		return errno
	}
	return nil
}

// liveChildren reaps the test process' exited children and lists the living ones (pid and command).
func liveChildren(t *testing.T) []string {
	t.Helper()
	for {
		var ws syscall.WaitStatus
		if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); pid <= 0 || err != nil {
			break
		}
	}
	var left []string
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", os.Getpid(), task.Name()))
		if err != nil {
			t.Skipf("no children list: %v", err)
		}
		for _, pid := range strings.Fields(string(data)) {
			cmd, _ := os.ReadFile("/proc/" + pid + "/cmdline")
			left = append(left, pid+" "+strings.ReplaceAll(string(cmd), "\x00", " "))
		}
	}
	return left
}
