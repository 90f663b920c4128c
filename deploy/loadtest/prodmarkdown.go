package main

import (
	"fmt"
	"strings"
)

// productionMarkdown renders the production profile's figures beside the dev server's (from latest.json).
func productionMarkdown(b *strings.Builder, pr *ProductionRun, cores int) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("Production profile (%s): lifecycles alternate the two gateways.\n\n", pr.Topology)
	dev := pr.Dev
	head := "| figure | two workers | one worker |"
	sep := "|---|---|---|"
	if dev != nil {
		head += fmt.Sprintf(" dev server (%s, %s) |", dev.Mode, dev.GeneratedAt.Format("2006-01-02 15:04"))
		sep += "---|"
	}
	p("%s\n%s\n", head, sep)
	row := func(label string, two, one, d string) {
		p("| %s | %s | %s |", label, two, one)
		if dev != nil {
			p(" %s |", d)
		}
		p("\n")
	}
	devPerS, devC := "", ""
	if dev != nil {
		devPerS, devC = fmt.Sprintf("%.2f", dev.LifecyclesPerS), fmt.Sprint(dev.Concurrency)
		switch {
		case dev.Disturbed:
			devPerS += " (disturbed)"
		case !dev.LoadKnown:
			devPerS += " (load not recorded)"
		}
	}
	row("**lifecycles/s**", fmt.Sprintf("**%.2f**", pr.TwoWorkers.PerSecond), fmt.Sprintf("%.2f", pr.OneWorker.PerSecond), devPerS)
	row("concurrency", fmt.Sprint(pr.TwoWorkers.Run.Concurrency), fmt.Sprint(pr.OneWorker.Run.Concurrency), devC)
	row("completed (failed)", fmt.Sprintf("%d (%d)", pr.TwoWorkers.Run.Completed, pr.TwoWorkers.Run.Failed),
		fmt.Sprintf("%d (%d)", pr.OneWorker.Run.Completed, pr.OneWorker.Run.Failed), "")
	row("Temporal CPU-s per lifecycle (4 services)", trimFloat3(pr.TwoWorkers.TemporalCPU), trimFloat3(pr.OneWorker.TemporalCPU), "")
	row("CPU busy (ours / machine)", fmt.Sprintf("%.0f %% / %.0f %%", pr.TwoWorkers.CPUBusy*100, pr.TwoWorkers.MachineBusy*100),
		fmt.Sprintf("%.0f %% / %.0f %%", pr.OneWorker.CPUBusy*100, pr.OneWorker.MachineBusy*100), "")
	lat := func(m map[string]Latency, route string) string {
		l, ok := m[route]
		if !ok || l.Count == 0 {
			return "—"
		}
		return fmt.Sprintf("%.0f / %.0f", l.P50, l.P99)
	}
	for _, h := range append(humanActions, struct{ name, route string }{"document complete", documentCompleteRoute}) {
		d := ""
		if dev != nil {
			d = lat(dev.Endpoints, h.route)
		}
		row(h.name+" p50 / p99 ms", lat(pr.TwoWorkers.Endpoints, h.route), lat(pr.OneWorker.Endpoints, h.route), d)
	}
	p("\nSpeed-up from one worker to two: **%.2f×**. The machine has %d cores; when the run keeps them busy a second worker "+
		"process adds pollers but no CPU, so the figure shows that the profile scales by configuration (a second worker "+
		"takes its share of the task queue with no code change), not what a second machine would add.\n\n", pr.SpeedUp, cores)
}
