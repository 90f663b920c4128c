package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// Machine describes where the figures come from.
type Machine struct {
	CPUModel  string `json:"cpu_model"`
	Cores     int    `json:"cores"`
	RAMMiB    int    `json:"ram_mib"`
	GoVersion string `json:"go_version"`
	Commit    string `json:"git_commit"`
	Dirty     bool   `json:"git_dirty"` // the tree had uncommitted changes
	Kernel    string `json:"kernel"`
	Postgres  string `json:"postgres"`
	Temporal  string `json:"temporal_cli"`
}

// describeMachine reads /proc and git; what it cannot read stays empty.
func describeMachine(root string) Machine {
	m := Machine{Cores: runtime.NumCPU(), GoVersion: runtime.Version()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPUModel = cpuModel(data)
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		if kb, ok := statusKB(data, "MemTotal"); ok {
			m.RAMMiB = int(kb / 1024)
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	m.Commit = output(root, "git", "rev-parse", "HEAD")
	m.Dirty = output(root, "git", "status", "--porcelain", "--untracked-files=no") != ""
	return m
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel(cpuinfo []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(cpuinfo))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// output runs a command in dir and returns its trimmed standard output ("" on failure).
func output(dir, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
