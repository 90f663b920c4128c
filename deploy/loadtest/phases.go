package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"skillcert"
	"skillcert/workflows"
)

// makePlans assigns each lifecycle its applicant, region, occupation, level and employer.
func makePlans(applicants []account) []plan {
	plans := make([]plan, len(applicants))
	for i, a := range applicants {
		level := levelFor(i)
		region := regionOf(i)
		plans[i] = plan{index: i, applicant: a, region: region, occupation: occupationFor(i, level), level: level,
			employer: fmt.Sprintf("%s第%d行政服务中心", region, i%40+1)}
	}
	return plans
}

// regionsOf lists the regions the plans use, in the catalog's order.
func regionsOf(n int) []string {
	used := map[string]bool{}
	for i := 0; i < n; i++ {
		used[regionOf(i)] = true
	}
	var out []string
	for _, r := range skillcert.Regions {
		if used[r] {
			out = append(out, r)
		}
	}
	return out
}

// createOpenApplications leaves n applications open as drafts: applicant k applies for perApplicant
// different occupations. A draft is a running workflow waiting for its applicant, as most open
// applications are.
func createOpenApplications(ctx context.Context, d *driver, applicants []account, n, perApplicant, conc int) PhaseRun {
	occs := skillcert.SeedOccupations()
	start := time.Now()
	failed := parallel(ctx, n, conc, func(ctx context.Context, i int) error {
		a := applicants[i/perApplicant]
		if a.Token == "" {
			return fmt.Errorf("applicant %d did not register", i/perApplicant)
		}
		level := 5 - i%2 // 五级 and 四级 qualify by years of work alone
		p := plan{index: 1_000_000 + i, applicant: a, region: regionOf(i), level: level,
			occupation: occs[(i%perApplicant+i/perApplicant)%len(occs)].Code, employer: "压力测试单位"}
		_, err := d.createApplication(ctx, p)
		return err
	})
	secs := time.Since(start).Seconds()
	return PhaseRun{Count: n - failed, Failed: failed, Seconds: round2(secs), PerSecond: round2(float64(n-failed) / secs)}
}

// lifecycleOutcome is one lifecycle's result.
type lifecycleOutcome struct {
	appID    string
	level    int
	duration time.Duration
	err      error
}

// runLifecycles drives every plan at concurrency conc, plan i through drivers[i % len(drivers)] (the
// production profile alternates two gateways).
func runLifecycles(ctx context.Context, drivers []*driver, plans []plan, conc int) ([]lifecycleOutcome, LifecycleRun) {
	outcomes := make([]lifecycleOutcome, len(plans))
	var mu sync.Mutex
	done := 0
	start := time.Now()
	failed := parallel(ctx, len(plans), conc, func(ctx context.Context, i int) error {
		t := time.Now()
		id, err := drivers[i%len(drivers)].lifecycle(ctx, plans[i])
		outcomes[i] = lifecycleOutcome{appID: id, level: plans[i].level, duration: time.Since(t), err: err}
		mu.Lock()
		done++
		if done%max(1, len(plans)/10) == 0 {
			fmt.Printf("  %d/%d lifecycles (%.0f s)\n", done, len(plans), time.Since(start).Seconds())
		}
		mu.Unlock()
		return err
	})
	elapsed := time.Since(start)
	run := LifecycleRun{Requested: len(plans), Completed: len(plans) - failed, Failed: failed, Concurrency: conc,
		Seconds: round2(elapsed.Seconds())}
	var ds []time.Duration
	for _, o := range outcomes {
		if o.err == nil {
			ds = append(ds, o.duration)
		}
	}
	if len(ds) > 0 {
		l := summarize(ds)
		run.MeanSeconds, run.P95Seconds = round2(l.Mean/1000), round2(l.P95/1000)
	}
	return outcomes, run
}

// levelGroup names the level group of a lifecycle in the report.
func levelGroup(level int) string {
	if skillcert.Level(level).NeedsComprehensiveReview() {
		return "二级 技师 (with 综合评审)"
	}
	return "三级–五级"
}

// countActions reads the histories of the completed lifecycles and averages them, overall and per level
// group; it also returns each lifecycle's traffic for the baseline.
func countActions(ctx context.Context, c client.Client, outcomes []lifecycleOutcome) (ActionsReport, []cycleShape, error) {
	all := countHistory(nil)
	groups, levels := historySums{}, historySums{}
	var shapes []cycleShape
	for _, o := range outcomes {
		if o.err != nil || o.appID == "" {
			continue
		}
		events, err := readHistory(ctx, c, workflows.WorkflowID(o.appID))
		if err != nil {
			return ActionsReport{}, nil, err
		}
		h := countHistory(events)
		all.add(h)
		groups.add(levelGroup(o.level), h)
		levels.add(levelKey(o.level), h)
		shapes = append(shapes, cycleShape{Updates: sum(h.Updates), Activities: h.Attempts, Signals: sum(h.Signals)})
	}
	rep := ActionsReport{All: averageActions(all, len(shapes)), ByGroup: groups.averages(), ByLevel: levels.averages()}
	rep.Explanation = explainActions(rep.All)
	return rep, shapes, nil
}

// historySums adds up histories by a key (a level, a level group) and counts them.
type historySums map[string]*historySum

// historySum is the sum of n histories.
type historySum struct {
	sum historyCount
	n   int
}

func (m historySums) add(key string, h historyCount) {
	if m[key] == nil {
		m[key] = &historySum{sum: countHistory(nil)}
	}
	m[key].sum.add(h)
	m[key].n++
}

// averages is the per-lifecycle average of every key.
func (m historySums) averages() map[string]Actions {
	out := make(map[string]Actions, len(m))
	for k, v := range m {
		out[k] = averageActions(v.sum, v.n)
	}
	return out
}
