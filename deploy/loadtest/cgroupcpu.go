package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// cgroupRoot is the cgroup-v1 cpuacct hierarchy, where a process' CPU time is counted together with
// every descendant's, ended or not, in whatever namespace it runs.
const cgroupRoot = "/sys/fs/cgroup/cpuacct"

// cgroupCPU counts the CPU time of one process and all its descendants in a cpuacct cgroup of its own.
// The worker needs it: its PDF tools run under bubblewrap, whose pid-namespace init reaps them, so their
// time never reaches the worker's cutime in /proc (the CPU table calls it "other programs").
type cgroupCPU struct{ dir string }

// newCgroupCPU moves pid into a new cpuacct cgroup; (nil, err) where there is no writable cpuacct
// hierarchy (cgroup v2 only, or no rights): then the figure is left out.
func newCgroupCPU(name string, pid int) (*cgroupCPU, error) {
	if _, err := os.Stat(filepath.Join(cgroupRoot, "cpuacct.usage")); err != nil {
		return nil, err
	}
	dir := filepath.Join(cgroupRoot, fmt.Sprintf("skillcert-bench-%d-%s", os.Getpid(), name))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0); err != nil {
		return nil, errors.Join(err, os.Remove(dir))
	}
	return &cgroupCPU{dir: dir}, nil
}

// seconds reads the cgroup's CPU time so far.
func (c *cgroupCPU) seconds() (float64, error) {
	data, err := os.ReadFile(filepath.Join(c.dir, "cpuacct.usage"))
	if err != nil {
		return 0, err
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	return float64(ns) / 1e9, err
}

// remove moves whatever still runs in the cgroup back to the root and deletes it.
func (c *cgroupCPU) remove() {
	if c == nil {
		return
	}
	if data, err := os.ReadFile(filepath.Join(c.dir, "cgroup.procs")); err == nil {
		for _, pid := range strings.Fields(string(data)) {
			_ = os.WriteFile(filepath.Join(cgroupRoot, "cgroup.procs"), []byte(pid), 0)
		}
	}
	_ = os.Remove(c.dir)
}

// cpuSince returns the CPU seconds the cgroup used since start (a reading of seconds), or 0 without one.
func (c *cgroupCPU) cpuSince(start float64) float64 {
	if c == nil {
		return 0
	}
	now, err := c.seconds()
	if err != nil {
		return 0
	}
	return round2(now - start)
}

// reading is seconds, 0 without a cgroup or on error.
func (c *cgroupCPU) reading() float64 {
	if c == nil {
		return 0
	}
	s, _ := c.seconds()
	return s
}
