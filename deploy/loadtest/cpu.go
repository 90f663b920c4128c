package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of the CPU times in /proc/<pid>/stat (100 on every Linux we run on).
const clockTicks = 100

// statTicks reads the CPU time of a /proc/<pid>/stat line in clock ticks: the process' own user and
// system time plus that of its children that have ended (the worker's pdftotext runs, say).
func statTicks(stat []byte) (int64, error) {
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat line")
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 15 {
		return 0, fmt.Errorf("short stat line")
	}
	var total int64
	for _, k := range []int{11, 12, 13, 14} { // utime, stime, cutime, cstime (fields 14–17 of stat)
		n, err := strconv.ParseInt(f[k], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat field %d: %w", k+3, err)
		}
		total += n
	}
	return total, nil
}

// processTicks is the CPU time of pid, and of its live children too when tree is set (a postmaster's
// backends).
func processTicks(pid int, tree bool) int64 {
	pids := []int{pid}
	if tree {
		pids = append(pids, childrenOf(pid)...)
	}
	var total int64
	for _, p := range pids {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		if n, err := statTicks(data); err == nil {
			total += n
		}
	}
	return total
}

// cpuMeter measures the CPU seconds each process spends during a phase.
type cpuMeter struct {
	pids  map[string]int
	trees map[string]bool
	start map[string]int64
}

// newCPUMeter starts measuring the named processes (trees: with their children).
func newCPUMeter(pids map[string]int, trees map[string]bool) *cpuMeter {
	m := &cpuMeter{pids: pids, trees: trees, start: map[string]int64{}}
	for name, pid := range pids {
		m.start[name] = processTicks(pid, trees[name])
	}
	return m
}

// seconds returns each process' CPU seconds since the meter started.
func (m *cpuMeter) seconds() map[string]float64 {
	out := map[string]float64{}
	for name, pid := range m.pids {
		out[name] = round2(float64(processTicks(pid, m.trees[name])-m.start[name]) / clockTicks)
	}
	return out
}

// busyShare is the share of the machine's CPU time the processes used over elapsed.
func busyShare(seconds map[string]float64, elapsed time.Duration) float64 {
	total := 0.0
	for _, v := range seconds {
		total += v
	}
	return round2(total / (float64(runtime.NumCPU()) * elapsed.Seconds()))
}
