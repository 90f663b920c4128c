package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MiB is a mebibyte.
const MiB = 1 << 20

// statusKB reads a "Name:   123 kB" field of /proc/<pid>/status (or of any file in that format).
func statusKB(data []byte, field string) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		return n, err == nil
	}
	return 0, false
}

// procKB reads field (VmHWM, VmRSS) of a process' status, in KiB.
func procKB(pid int, field string) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	n, ok := statusKB(data, field)
	if !ok {
		return 0, fmt.Errorf("pid %d: no %s", pid, field)
	}
	return n, nil
}

// resetPeak restarts a process' VmHWM from its current RSS (Linux ≥ 4.0: write 5 to clear_refs), so a
// phase's peak can be read at its end.
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// childrenOf lists the processes whose parent is pid (the backends of a postmaster). It reads the
// kernel's list of the main thread's children (a postmaster forks from its only thread); where that file
// is missing (a kernel without CONFIG_PROC_CHILDREN) it scans every /proc/<pid>/stat, which costs a
// read per process on the machine.
func childrenOf(pid int) []int {
	if data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
		var out []int
		for _, f := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
		return out
	}
	return scanChildrenOf(pid)
}

// scanChildrenOf is childrenOf by a scan of /proc.
func scanChildrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", n))
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(data); ok && ppid == pid {
			out = append(out, n)
		}
	}
	return out
}

// parentOf reads the ppid from a /proc/<pid>/stat line: "pid (comm) state ppid ...", comm may hold spaces.
func parentOf(stat []byte) (int, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(f[1])
	return n, err == nil
}

// treePSS is the proportional set size of pid and its children in KiB: shared memory (Postgres' shared
// buffers) is divided between the processes sharing it instead of counted once per process.
func treePSS(pid int) int64 {
	var total int64
	for _, p := range append([]int{pid}, childrenOf(pid)...) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", p))
		if err != nil {
			continue
		}
		if n, ok := statusKB(data, "Pss"); ok {
			total += n
		}
	}
	return total
}

// readPidFile reads a pid file of the stack (<dir>/pids/<name>.pid).
func readPidFile(dir, name string) (int, error) {
	data, err := os.ReadFile(filepath.Join(dir, "pids", name+".pid"))
	if err != nil {
		return 0, fmt.Errorf("pid of %s: %w", name, err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0, fmt.Errorf("pid of %s: %w", name, err)
	}
	return n, nil
}

// Memory is the peak resident memory of one process (or process tree) during a phase, in MiB.
type Memory struct {
	PID     int     `json:"pid"`
	PeakMiB float64 `json:"peak_mib"`
	How     string  `json:"how"` // "VmHWM" (kernel peak) or "sampled Pss of the process tree"
}

// treeSampleInterval is how often the Pss of Postgres' process tree is sampled (the single processes'
// peaks are the kernel's VmHWM and need no sampling). Each sample reads smaps_rollup of every backend,
// which makes the kernel walk their page tables: at 250 ms that was two thirds of the load generator's CPU
// during the lifecycles; Postgres' memory moves slowly, and a sample a second still sees its peak.
const treeSampleInterval = time.Second

// memSampler follows the memory of the stack's processes: the kernel's peak (VmHWM) for single processes,
// and the sampled sum of PSS for Postgres (a postmaster plus one process per connection).
type memSampler struct {
	mu     sync.Mutex
	single map[string]int // name → pid, peaks from VmHWM (reset at phase start)
	trees  map[string]int // name → pid of the tree's root, peaks from sampling
	peaks  map[string]int64
	stop   chan struct{}
	wg     sync.WaitGroup
}

func newMemSampler(single, trees map[string]int) *memSampler {
	return &memSampler{single: single, trees: trees, peaks: map[string]int64{}}
}

// start resets the peaks and samples the trees every interval until finish.
func (m *memSampler) start(interval time.Duration) {
	m.mu.Lock()
	m.peaks = map[string]int64{}
	m.mu.Unlock()
	for _, pid := range m.single {
		_ = resetPeak(pid)
	}
	m.stop = make(chan struct{})
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
}

func (m *memSampler) sample() {
	for name, pid := range m.trees {
		kb := treePSS(pid)
		m.mu.Lock()
		m.peaks[name] = max(m.peaks[name], kb)
		m.mu.Unlock()
	}
}

// finish stops sampling and returns every process' peak since start.
func (m *memSampler) finish() map[string]Memory {
	close(m.stop)
	m.wg.Wait()
	m.sample()
	out := map[string]Memory{}
	for name, pid := range m.single {
		kb, err := procKB(pid, "VmHWM")
		if err != nil {
			continue
		}
		out[name] = Memory{PID: pid, PeakMiB: mib(kb), How: "VmHWM"}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for name, pid := range m.trees {
		out[name] = Memory{PID: pid, PeakMiB: mib(m.peaks[name]), How: "sampled Pss of the process tree"}
	}
	return out
}

func mib(kb int64) float64 { return float64(kb*1024*10/MiB) / 10 }
