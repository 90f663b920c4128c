package inspect

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
)

// The PDF tools parse hostile files, so they run confined (finding 17 of the security review). The
// confinement is chosen once per process, the strongest that works here:
//
//   - SandboxBubblewrap: bubblewrap (Debian package bubblewrap) puts the tool in new user, mount, network,
//     PID, IPC and UTS namespaces, as user nobody (65534) with no capabilities, in a new session, killed
//     with its parent. Its file system is /usr (and the /bin, /lib links) read-only, /etc/fonts
//     read-only, a minimal /dev and an empty private /tmp: nothing else of the host exists inside, and
//     nothing it writes outlives it. The network namespace has only a loopback that is down.
//   - SandboxNobody: where bubblewrap is missing or namespaces are not allowed (some containers), a root
//     process still runs the tool as nobody, in a new network namespace when the kernel allows it. It can
//     then not write root's files or reach the network, but it sees the host's file system and may write
//     world-writable directories such as /tmp.
//   - SandboxLimitsOnly: neither root nor bubblewrap: only the rlimits below and an empty environment.
//
// In every mode a shell applies rlimits before it execs the sandbox or the tool: address space
// (ToolMemoryKB), CPU seconds (ToolCPU), no files written (file size 0), no core dumps, 64 open files.
const (
	SandboxBubblewrap = "bubblewrap"
	SandboxNobody     = "nobody"
	SandboxLimitsOnly = "rlimits"
)

// nobody is the unprivileged user the tools run as.
const nobody = 65534

var sandbox struct {
	once  sync.Once
	mode  string
	bwrap string
	netns bool // SandboxNobody: a new network namespace works
}

// SandboxMode returns how the PDF tools are confined here (probed on first use).
func SandboxMode() string {
	sandbox.once.Do(probeSandbox)
	return sandbox.mode
}

// probeSandbox picks the mode: bubblewrap when it runs a trivial command, else nobody when root.
func probeSandbox() {
	truePath, _ := exec.LookPath("true")
	if os.Geteuid() == 0 && truePath != "" {
		probe := exec.Command(truePath)
		probe.SysProcAttr = nobodyAttr(true)
		sandbox.netns = probe.Run() == nil
	}
	switch path, err := exec.LookPath("bwrap"); {
	case err == nil && truePath != "" && exec.Command(path, append(bwrapArgs(truePath), truePath)...).Run() == nil:
		sandbox.mode, sandbox.bwrap = SandboxBubblewrap, path
	case os.Geteuid() == 0:
		sandbox.mode = SandboxNobody
	default:
		sandbox.mode = SandboxLimitsOnly
	}
}

// bwrapArgs are bubblewrap's arguments up to "--", after which come tool and its own arguments.
func bwrapArgs(tool string) []string {
	args := []string{"--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
		"--uid", fmt.Sprint(nobody), "--gid", fmt.Sprint(nobody),
		"--ro-bind", "/usr", "/usr", "--ro-bind-try", "/etc/fonts", "/etc/fonts",
		"--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp"}
	for _, dir := range []string{"/bin", "/sbin", "/lib", "/lib64", "/lib32"} {
		if target, err := os.Readlink(dir); err == nil {
			args = append(args, "--symlink", target, dir)
		} else if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			args = append(args, "--ro-bind", dir, dir)
		}
	}
	if dir := filepath.Dir(tool); !underUsr(dir) {
		args = append(args, "--ro-bind", dir, dir)
	}
	return append(args, "--")
}

func underUsr(dir string) bool { return dir == "/usr" || len(dir) > 5 && dir[:5] == "/usr/" }

// nobodyAttr runs a child as nobody without supplementary groups, in its own session and process group,
// killed when this process dies; with netns, in a new network namespace.
func nobodyAttr(netns bool) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL,
		Credential: &syscall.Credential{Uid: nobody, Gid: nobody, Groups: []uint32{}}}
	if netns {
		attr.Cloneflags = syscall.CLONE_NEWNET
	}
	return attr
}

// sandboxed returns the command that runs tool (an absolute path) with args, confined as SandboxMode
// says and under the rlimits, with an empty environment.
func sandboxed(ctx context.Context, tool string, args ...string) *exec.Cmd {
	mode := SandboxMode()
	// The shell applies the limits to itself and then becomes the sandbox or the tool, so they hold for
	// the tool only.
	script := fmt.Sprintf(`ulimit -v %d; ulimit -t %d; ulimit -f 0; ulimit -c 0; ulimit -n 64; exec "$0" "$@"`,
		ToolMemoryKB, ToolCPU)
	argv := append([]string{tool}, args...)
	if mode == SandboxBubblewrap {
		argv = append(append([]string{sandbox.bwrap}, bwrapArgs(tool)...), argv...)
	}
	cmd := exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", script}, argv...)...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	cmd.Dir = "/"
	switch mode {
	case SandboxNobody:
		cmd.SysProcAttr = nobodyAttr(sandbox.netns)
	default:
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
	}
	return cmd
}
