package prodstack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procSpec says how to start one process of the stack and how to tell it is ready.
type procSpec struct {
	name  string   // unique in the stack: "postgres", "temporal-history", "gateway-1", ...
	path  string   // executable
	args  []string // arguments
	env   []string // the whole environment (nil: this process's)
	dir   string   // working directory ("" = the stack folder)
	uid   int      // run as this user when >0 (Postgres refuses to run as root)
	gid   int
	ready func(ctx context.Context) error // nil: started is ready
	// readyLimit bounds the wait for ready.
	readyLimit time.Duration
	// settle is how long the process must run without exiting before it counts as started.
	settle time.Duration
}

// proc is a running (or exited) process of the stack.
type proc struct {
	spec procSpec
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, valid after done
}

// launch starts spec as a child in its own process group. The child gets SIGKILL should this process die
// (Pdeathsig), its pid goes to pids/NAME.pid and its output to logs/NAME.log.
func (s *Stack) launch(spec procSpec) (*proc, error) {
	logf, err := os.OpenFile(filepath.Join(s.Dir, "logs", spec.name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s log: %w", spec.name, err)
	}
	defer logf.Close()
	fmt.Fprintf(logf, "---- %s start %s\n", time.Now().Format(time.RFC3339), spec.name)
	cmd := exec.Command(spec.path, spec.args...)
	cmd.Env = spec.env
	cmd.Dir = spec.dir
	if cmd.Dir == "" {
		cmd.Dir = s.Dir
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if spec.uid > 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(spec.uid), Gid: uint32(spec.gid)}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.name, err)
	}
	p := &proc{spec: spec, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := os.WriteFile(s.pidFile(spec.name), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("%s pid file: %w", spec.name, err)
	}
	return p, nil
}

// exited reports whether the process has ended, and how.
func (p *proc) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// waitReady polls spec.ready until it succeeds, the process exits, ctx ends or readyLimit passes.
func (s *Stack) waitReady(ctx context.Context, p *proc) error {
	if p.spec.settle > 0 {
		select {
		case <-time.After(p.spec.settle):
		case <-ctx.Done():
			return ctx.Err()
		}
		if done, err := p.exited(); done {
			return fmt.Errorf("%s exited during start (%v); log: %s\n%s", p.spec.name, err,
				s.logPath(p.spec.name), s.logTail(p.spec.name, 1500))
		}
	}
	if p.spec.ready == nil {
		return nil
	}
	limit := p.spec.readyLimit
	if limit == 0 {
		limit = 2 * time.Minute
	}
	deadline := time.Now().Add(limit)
	var last error
	for {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		last = p.spec.ready(cctx)
		cancel()
		if last == nil {
			return nil
		}
		if done, err := p.exited(); done {
			return fmt.Errorf("%s exited during start (%v); log: %s\n%s", p.spec.name, err,
				s.logPath(p.spec.name), s.logTail(p.spec.name, 1500))
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s not ready after %s: %v; log: %s\n%s", p.spec.name, limit, last,
				s.logPath(p.spec.name), s.logTail(p.spec.name, 1500))
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// stop sends SIGTERM, waits up to limit, then SIGKILL, and removes the pid file.
func (s *Stack) stop(p *proc, limit time.Duration) {
	if done, _ := p.exited(); !done {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(limit):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	_ = os.Remove(s.pidFile(p.spec.name))
}

func (s *Stack) pidFile(name string) string { return filepath.Join(s.Dir, "pids", name+".pid") }

func (s *Stack) logPath(name string) string { return filepath.Join(s.Dir, "logs", name+".log") }

// logTail returns the last n bytes of a process's log.
func (s *Stack) logTail(name string, n int) string {
	b, err := os.ReadFile(s.logPath(name))
	if err != nil {
		return ""
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Down stops the processes a stack in dir recorded in its pid files, from any process (make prod-local-down):
// only a live process whose command line names dir is signalled, so a reused pid of a foreign process is never
// touched. It sends SIGTERM and, after 20 s, SIGKILL.
func Down(dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(dir, "pids", "*.pid"))
	if err != nil {
		return err
	}
	var errs []error
	// The launcher (make prod-local) first: it stops its children itself, in order.
	if pid, ok := launcherPid(dir); ok {
		errs = append(errs, terminate(pid))
	}
	for _, f := range files {
		pid, ok := ownedPid(f, dir)
		if ok {
			errs = append(errs, terminate(pid))
		}
		_ = os.Remove(f)
	}
	return errors.Join(errs...)
}

// ownedPid reads a pid file and reports the pid when that process lives and its command line contains dir.
func ownedPid(file, dir string) (int, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return 0, false
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || !strings.Contains(string(cmdline), dir) {
		return 0, false
	}
	return pid, true
}

// terminate sends SIGTERM to pid and SIGKILL when it still lives 20 s later.
func terminate(pid int) error {
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return nil // already gone
	}
	for i := 0; i < 200; i++ {
		if syscall.Kill(pid, 0) != nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("kill %d: %w", pid, err)
	}
	return nil
}

// launcherFile names the pid file of the process that started the stack (make prod-local). Its command line
// need not name the data folder, so it is identified by pid and start time (/proc/PID/stat field 22).
const launcherFile = "launcher.pid"

// RecordLauncher writes this process's pid and start time to pids/launcher.pid in dir, so that Down (make
// prod-local-down) can ask it to stop the stack.
func RecordLauncher(dir string) error {
	start, err := procStart(os.Getpid())
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "pids", launcherFile), []byte(fmt.Sprintf("%d %s\n", os.Getpid(), start)), 0o644)
}

// launcherPid returns the launcher's pid when it still runs with the recorded start time (not a reused pid).
func launcherPid(dir string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "pids", launcherFile))
	if err != nil {
		return 0, false
	}
	var pid int
	var start string
	if _, err := fmt.Sscan(string(b), &pid, &start); err != nil || pid <= 1 || pid == os.Getpid() {
		return 0, false
	}
	now, err := procStart(pid)
	return pid, err == nil && now == start
}

// procStart returns the start time of a process in clock ticks since boot.
func procStart(pid int) (string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", err
	}
	// The command name (field 2) is in parentheses and may hold spaces; count fields after its end.
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 20 {
		return "", fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	return f[19], nil // field 22 overall
}
