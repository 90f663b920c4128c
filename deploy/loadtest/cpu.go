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

// machineTicks reads the first line of /proc/stat: the machine's busy and total CPU time in clock ticks
// (busy: user, nice, system, irq, softirq, steal; total adds idle and iowait).
func machineTicks(stat []byte) (busy, total int64, err error) {
	line, _, _ := strings.Cut(string(stat), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("unexpected /proc/stat line %q", line)
	}
	var v [8]int64
	for i := range v {
		if v[i], err = strconv.ParseInt(f[i+1], 10, 64); err != nil {
			return 0, 0, fmt.Errorf("/proc/stat field %d: %w", i+1, err)
		}
	}
	busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
	return busy, busy + v[3] + v[4], nil
}

// machineMeter measures how busy the whole machine was, to tell this run's CPU from other programs'.
type machineMeter struct{ busy, total int64 }

func newMachineMeter() *machineMeter {
	m := &machineMeter{}
	if data, err := os.ReadFile("/proc/stat"); err == nil {
		m.busy, m.total, _ = machineTicks(data)
	}
	return m
}

// busyShare is the share of the machine's CPU time that was busy since the meter started.
func (m *machineMeter) busyShare() float64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	busy, total, err := machineTicks(data)
	if err != nil || total <= m.total {
		return 0
	}
	return round2(float64(busy-m.busy) / float64(total-m.total))
}
