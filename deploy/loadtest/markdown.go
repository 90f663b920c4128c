package main

import (
	"fmt"
	"strings"
)

// markdown renders the short summary of a run (latest.md).
func markdown(r Result) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	m := r.Machine
	p("# Load test (%s mode), %s\n\n", r.Mode, r.GeneratedAt.Format("2006-01-02 15:04 MST"))
	p("Machine: %s, %d cores, %d MiB RAM, %s, commit %s%s.\n\n", m.CPUModel, m.Cores, m.RAMMiB, m.GoVersion, short(m.Commit), dirty(m.Dirty))
	if sc := r.Settings["synchronous_commit"]; sc == "off" {
		p("**synchronous_commit off (unsafe, SKILLCERT_BENCH_UNSAFE_COMMIT=1): not the durable configuration.**\n\n")
	} else if sc != "" {
		p("Postgres synchronous_commit = %s (durable commits).\n\n", sc)
	}
	if g := r.Load; g != nil {
		label := "undisturbed"
		if g.Disturbed {
			label = "**DISTURBED** (other programs shared the cores; the figures are not this machine's own)"
		}
		p("Load average (1/5/15 min): %.2f %.2f %.2f at the start, %.2f %.2f %.2f at the end: %s. Written as %s: %s.\n\n",
			g.Start.One, g.Start.Five, g.Start.Fifteen, g.End.One, g.End.Five, g.End.Fifteen, label, g.Name, g.Reason)
	}
	if r.Production != nil {
		productionMarkdown(&b, r.Production, m.Cores)
	}
	goalsMarkdown(&b, r.Goals)
	p("| figure | value |\n|---|---|\n")
	p("| lifecycles completed (failed) | %d (%d) at concurrency %d in %.1f s |\n", r.Lifecycles.Completed, r.Lifecycles.Failed,
		r.Lifecycles.Concurrency, r.Lifecycles.Seconds)
	p("| **lifecycles/s** | **%.2f** |\n", r.LifecyclesPerS)
	if r.Baseline != nil {
		p("| baseline lifecycles/s (bare Temporal, same traffic) | %.2f |\n", r.BaselinePerS)
		p("| ratio to the same-traffic baseline | %.2f |\n", r.Ratio)
	}
	if r.Floor != nil {
		p("| floor lifecycles/s (bare Temporal: the same starts and validated Updates, nothing else) | %.2f |\n", r.FloorPerS)
		p("| **ratio_floor** (ours / floor, goal ≥ 0.8) | **%.2f** |\n", r.RatioFloor)
	}
	if len(r.TemporalCPU) > 0 {
		var parts []string
		for _, k := range []struct{ key, label string }{{"ours", "ours"}, {"same_traffic_baseline", "same-traffic baseline"}, {"floor", "floor"}} {
			if v, ok := r.TemporalCPU[k.key]; ok {
				parts = append(parts, k.label+" "+trimFloat3(v))
			}
		}
		p("| Temporal CPU-seconds per lifecycle | %s |\n", strings.Join(parts, ", "))
	}
	p("| mean / p95 lifecycle duration | %.1f s / %.1f s |\n", r.Lifecycles.MeanSeconds, r.Lifecycles.P95Seconds)
	p("| billable actions per lifecycle | %s (history events %s) |\n", trimFloat(r.Actions.All.BillablePerCycle), trimFloat(r.Actions.All.EventsPerCycle))
	for _, g := range sortedKeys(r.Actions.ByGroup) {
		a := r.Actions.ByGroup[g]
		p("| — %s (%d) | %s actions, %s events |\n", g, a.Lifecycles, trimFloat(a.BillablePerCycle), trimFloat(a.EventsPerCycle))
	}
	for _, l := range sortedKeys(r.Actions.ByLevel) {
		a := r.Actions.ByLevel[l]
		p("| — level %s (%d) | %s actions, %s events |\n", l, a.Lifecycles, trimFloat(a.BillablePerCycle), trimFloat(a.EventsPerCycle))
	}
	p("| registration (register + login, argon2id) | %d in %.1f s (%.1f/s) |\n", r.Registration.Count, r.Registration.Seconds, r.Registration.PerSecond)
	p("| open applications kept during the load | %d, created at %.1f/s |\n", r.OpenApps.Count, r.OpenApps.PerSecond)
	if len(r.CPUSeconds) > 0 {
		var parts []string
		for _, name := range sortedKeys(r.CPUSeconds) {
			parts = append(parts, fmt.Sprintf("%s %.1f s", name, r.CPUSeconds[name]))
		}
		p("| CPU busy during the lifecycles | %.0f %% of %d cores (%s); machine busy %.0f %% (other programs: %.0f %%) |\n",
			r.CPUBusy*100, m.Cores, strings.Join(parts, ", "), r.MachineBusy*100, max(0, r.MachineBusy-r.CPUBusy)*100)
	}
	if r.WorkerCPUWithTools > 0 {
		p("| worker CPU with its sandboxed PDF tools (cpuacct cgroup; the tools' time is part of \"other programs\" above) | %.1f s (%.3f s per lifecycle) |\n",
			r.WorkerCPUWithTools, r.WorkerCPUWithTools/float64(max(1, r.Lifecycles.Completed)))
	}
	if st := r.Actions.All.StepMillis; len(st) > 0 {
		p("| mean task-queue wait, activity / workflow task | %.0f ms / %.0f ms", st[activityQueued], st[wftQueued])
		if r.Baseline != nil {
			bs := r.Baseline.Actions.StepMillis
			p(" (baseline %.0f ms / %.0f ms)", bs[activityQueued], bs[wftQueued])
		}
		p(" |\n")
	}
	p("| errors | %d |\n\n", r.ErrorCount)
	if len(r.Sweep) > 0 {
		p("Concurrency sweep (fresh lifecycles, then their baselines):\n\n| concurrency | lifecycles/s | baseline/s | ratio | floor/s | ratio_floor | CPU busy (ours / machine) |\n|---|---|---|---|---|---|---|\n")
		p("| %d (main run) | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f %% / %.0f %% |\n", r.Lifecycles.Concurrency, r.LifecyclesPerS, r.BaselinePerS, r.Ratio,
			r.FloorPerS, r.RatioFloor, r.CPUBusy*100, r.MachineBusy*100)
		for _, s := range r.Sweep {
			p("| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f %% / %.0f %% |\n", s.Concurrency, s.PerSecond, s.BaselinePerS, s.Ratio,
				s.FloorPerS, s.RatioFloor, s.CPUBusy*100, s.MachineBusy*100)
		}
		p("\n")
	}

	p("Peak memory (MiB) while the open applications were created and the lifecycles ran, and during registration:\n\n")
	p("| process | peak | during registration | goal |\n|---|---|---|---|\n")
	for _, name := range sortedKeys(r.Memory) {
		goal := ""
		if g, ok := r.MemoryGoal[name]; ok {
			goal = fmt.Sprintf("< %s: %s", map[string]string{"worker": "200", "gateway": "100"}[name],
				map[bool]string{true: "met", false: "**missed**"}[g.Met])
		}
		p("| %s | %.1f (%s) | %.1f | %s |\n", name, r.Memory[name].PeakMiB, r.Memory[name].How, r.MemoryAll[name].PeakMiB, goal)
	}
	endpointsMarkdown(&b, r)
	if pr := r.Projection; pr != nil {
		projectionMarkdown(&b, pr)
	}
	if len(r.Errors) > 0 {
		p("\nErrors:\n\n")
		for _, e := range r.Errors {
			p("- %d × `%s` → %d: %s\n", e.Count, e.Endpoint, e.Status, strings.ReplaceAll(e.Message, "\n", " "))
		}
	}
	return b.String()
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

func dirty(d bool) string {
	if d {
		return " (with uncommitted changes)"
	}
	return ""
}

// projectionMarkdown renders the million-row table: one p50/p99 pair per gateway variant.
func projectionMarkdown(b *strings.Builder, pr *Projection) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("\nProjection at %d applications, %d open tasks, %d certificates, %d audit events, %d exam sessions with %d seats "+
		"(loaded in %.0f s, of it %.0f s audit and %.0f s exam sessions; up to %d sequential requests per endpoint, ms):\n\n",
		pr.Loaded.Applications, pr.Loaded.OpenTasks, pr.Loaded.Certificates, pr.Loaded.AuditEvents, pr.Loaded.ExamSessions,
		pr.Loaded.ExamSeats, pr.Loaded.LoadSeconds, pr.Loaded.AuditSecs, pr.Loaded.ExamSecs, pr.Requests)
	p("| query |")
	for _, v := range pr.Variants {
		p(" %s p50 / p99 |", v.Name)
	}
	p(" p99 < 50 ms |\n|---|")
	for range pr.Variants {
		p("---|")
	}
	p("---|\n")
	for _, pl := range pr.Plans {
		p("| %s |", pl.Query)
		goal := "—"
		for _, v := range pr.Variants {
			l := v.Endpoints[pl.Query]
			p(" %.2f / %.2f (n=%d) |", l.P50, l.P99, l.Count)
			if g, ok := v.Goal[pl.Query]; ok {
				if goal == "—" {
					goal = ""
				} else {
					goal += ", "
				}
				goal += map[bool]string{true: "yes", false: "**no**"}[g.Met]
			}
		}
		p(" %s |\n", goal)
	}
	scans := func(label string, list []string) {
		if len(list) == 0 {
			p("\nNo sequential scan of applications, tasks or certificates in the %s.", label)
			return
		}
		p("\nSequential scans in the %s: %s.", label, strings.Join(list, "; "))
	}
	scans("custom plans (what EXPLAIN with the request's values shows)", pr.SeqScansCustom)
	scans("generic plans (what a prepared statement may switch to after five runs under plan_cache_mode=auto)", pr.SeqScansGeneric)
	p(" Plans in latest.json.\n")
}

// endpointsMarkdown renders every endpoint's latency under load and one at a time on the idle stack.
func endpointsMarkdown(b *strings.Builder, r Result) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("\nEndpoints (ms): during the lifecycle load at concurrency %d, and one at a time on the idle stack (%d lifecycles, "+
		"1 MiB scans):\n\n| endpoint | n | p50 | p95 | p99 | idle n | idle p50 | idle p99 |\n|---|---|---|---|---|---|---|---|\n",
		r.Lifecycles.Concurrency, r.Idle.Count)
	routes := map[string]bool{}
	for k := range r.Endpoints {
		routes[k] = true
	}
	for k := range r.EndpointsIdle {
		routes[k] = true
	}
	for _, e := range sortedKeys(routes) {
		l, i := r.Endpoints[e], r.EndpointsIdle[e]
		p("| `%s` | %d | %.1f | %.1f | %.1f | %d | %.1f | %.1f |\n", e, l.Count, l.P50, l.P95, l.P99, i.Count, i.P50, i.P99)
	}
}

// goalsMarkdown renders the goals table: target, figure, met or not.
func goalsMarkdown(b *strings.Builder, goals []Goal) {
	if len(goals) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	met := 0
	for _, g := range goals {
		if g.Met {
			met++
		}
	}
	p("Goals of the performance issue: %d of %d met.\n\n| goal | target | this run | |\n|---|---|---|---|\n", met, len(goals))
	for _, g := range goals {
		switch {
		case !g.Measured:
			p("| %s | %s | — | not measured |\n", g.What, g.Target)
		case g.Met:
			p("| %s | %s | %s | met |\n", g.What, g.Target, trimFloat(g.Value))
		default:
			p("| %s | %s | %s | **not met** |\n", g.What, g.Target, trimFloat(g.Value))
		}
	}
	p("\n")
}

// trimFloat3 prints n with up to three decimals.
func trimFloat3(n float64) string {
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", n), "0"), ".")
	if s == "" || s == "-" {
		return "0"
	}
	return s
}
