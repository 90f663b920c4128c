package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Result is everything a run measured; it is written as results/latest.json.
type Result struct {
	GeneratedAt    time.Time `json:"generated_at"`
	Mode           string    `json:"mode"` // "full" or "quick"
	LifecyclesPerS float64   `json:"lifecycles_per_s"`
	BaselinePerS   float64   `json:"baseline_per_s"`
	Ratio          float64   `json:"ratio"` // ours / baseline
	FloorPerS      float64   `json:"floor_per_s"`
	RatioFloor     float64   `json:"ratio_floor"` // ours / floor, at the main run's concurrency
	// RatioFloorByC is ours / floor at every concurrency measured (the main run and the sweep).
	RatioFloorByC map[string]float64 `json:"ratio_floor_by_concurrency"`
	// EventsPerLC is the history events per lifecycle, overall and per level (billable actions beside them).
	EventsPerLC EventsReport `json:"events_per_lifecycle"`
	// TemporalCPU is the Temporal server's CPU seconds per lifecycle: ours, the same-traffic baseline and the floor.
	TemporalCPU map[string]float64 `json:"temporal_cpu_s_per_lifecycle"`
	// EndpointsIdle is every endpoint's latency one request at a time on the idle stack (the idle phase).
	EndpointsIdle map[string]Latency `json:"endpoints_idle"`
	// ProjectionP99 is each projection query's p99 in ms, as shipped.
	ProjectionP99 map[string]float64   `json:"projection_p99_ms"`
	Goals         []Goal               `json:"goals"`
	Floor         *baselineResult      `json:"floor"`
	Load          *Gate                `json:"load_average"`
	Idle          PhaseRun             `json:"idle_lifecycles"`
	Production    *ProductionRun       `json:"production,omitempty"` // the production profile's run (-profile production)
	Actions       ActionsReport        `json:"actions_per_lifecycle"`
	Endpoints     map[string]Latency   `json:"endpoints"`
	Projection    *Projection          `json:"projection"`
	Machine       Machine              `json:"machine"`
	Lifecycles    LifecycleRun         `json:"lifecycles"`
	Baseline      *baselineResult      `json:"baseline"`
	Registration  PhaseRun             `json:"registration"`
	OpenApps      PhaseRun             `json:"open_applications"`
	CPUBusy       float64              `json:"cpu_busy_share_lifecycles"`     // CPU seconds of all processes / (cores × seconds)
	MachineBusy   float64              `json:"machine_busy_share_lifecycles"` // the whole machine, other programs included
	Sweep         []SweepPoint         `json:"concurrency_sweep"`
	CPUSeconds    map[string]float64   `json:"cpu_seconds_lifecycles"` // CPU used per process during the lifecycle phase
	Memory        map[string]Memory    `json:"memory"`                 // during open applications + lifecycles
	MemoryAll     map[string]Memory    `json:"memory_registration"`    // during registration (argon2id hashing)
	MemoryGoal    map[string]GoalCheck `json:"memory_goal_peak_mib"`   // worker < 200, gateway < 100
	Errors        []ErrorEntry         `json:"errors"`
	ErrorCount    int                  `json:"error_count"`
	Settings      map[string]string    `json:"settings"`
	Phases        map[string]float64   `json:"phase_seconds"`
}

// ActionsReport holds the per-lifecycle Temporal cost, overall and by level group, and why each action.
type ActionsReport struct {
	All         Actions            `json:"all"`
	ByGroup     map[string]Actions `json:"by_level_group"`
	ByLevel     map[string]Actions `json:"by_level"`
	Explanation []string           `json:"explanation"`
}

// LifecycleRun is the lifecycle phase.
type LifecycleRun struct {
	Requested   int     `json:"requested"`
	Completed   int     `json:"completed"`
	Failed      int     `json:"failed"`
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"http_requests"`
	MeanSeconds float64 `json:"mean_lifecycle_seconds"`
	P95Seconds  float64 `json:"p95_lifecycle_seconds"`
}

// PhaseRun is a phase that makes many of one thing.
type PhaseRun struct {
	Count     int     `json:"count"`
	Failed    int     `json:"failed"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"per_s"`
}

// updateReasons say why each Update of the workflow exists (one billable action each).
var updateReasons = map[string]string{
	"created":              "sent with the start (UpdateWithStart) so POST /applications returns the projected draft",
	"attach_document":      "one per uploaded document: the workflow inspects and attaches it",
	"submit":               "the applicant submits",
	"complete_task":        "初审 and 复审 decisions",
	"create_payment_order": "the applicant asks to pay",
	"confirm_payment":      "the payment platform's signed callback",
	"assign_exam":          "the seat given by the exam-session assignment",
	"record_attendance":    "attendance at the exam",
	"enter_score":          "double entry: two operators × theory and skill",
	"evaluate":             "综合评审: one per committee member on the panel (技师 and above)",
}

// activityReasons say why each activity runs (one billable action per attempt).
var activityReasons = map[string]string{
	"RecordTransition":   "writes the projection row, tasks, audit event and notifications of every step",
	"InspectDocument":    "reads the uploaded object back and checks its type, size and text",
	"CreatePaymentOrder": "stores the payment order",
	"RecordPayment":      "records the platform's payment",
	"IssueCertificate":   "numbers and registers the certificate",
	"Notify":             "sends a reminder",
	"RevokeCertificate":  "revokes the certificate",
}

// explainActions turns averaged counts into one line per kind of billable action.
func explainActions(a Actions) []string {
	var out []string
	line := func(kind string, n float64, what string) {
		out = append(out, fmt.Sprintf("%s: %s per lifecycle — %s", kind, trimFloat(n), what))
	}
	line("workflow start", a.Billable["workflow_started"], "one workflow per application, started by POST /applications")
	var parts []string
	for _, name := range sortedKeys(a.Updates) {
		reason := updateReasons[name]
		if reason == "" {
			reason = "see workflows/messages.go"
		}
		parts = append(parts, fmt.Sprintf("%s ×%s (%s)", name, trimFloat(a.Updates[name]), reason))
	}
	line("updates", a.Billable["updates"], strings.Join(parts, "; "))
	line("signals", a.Billable["signals"], "batch-window changes only; none happen during the run")
	parts = parts[:0]
	for _, name := range sortedKeys(a.Activities) {
		reason := activityReasons[name]
		if reason == "" {
			reason = "see activities/"
		}
		parts = append(parts, fmt.Sprintf("%s ×%s (%s)", name, trimFloat(a.Activities[name]), reason))
	}
	line("activity attempts", a.Billable["activity_attempts"], strings.Join(parts, "; ")+
		"; attempts above the scheduled count would be retries")
	line("timers started", a.Billable["timers_started"], fmt.Sprintf("deadlines, not polling: the payment-reminder timer armed on "+
		"entering awaiting_payment and the skill-score due-date timer armed on entering scoring (per lifecycle: %s cancelled, %s fired "+
		"during the run; a timer neither cancelled nor fired is still pending and wakes the workflow once at its deadline, "+
		"weeks later — AwaitWithTimeout in SDK v1.51 leaves its timer running when the condition comes true)",
		trimFloat(a.Events["TimerCanceled"]), trimFloat(a.TimersFired)))
	line("search-attribute upserts", a.Billable["search_attribute_upserts"],
		"SkillcertStatus and the other search attributes, set with the start (fused-2026-11 cases) and written on every "+
			"status change, plus the SDK's own version upsert")
	line("markers", a.Billable["markers"], "one version marker, two side effects (eligibility at creation, the skill-score due date), and one local "+
		"activity per step (RecordStep: the step's side effect and its projection write in one transaction)")
	out = append(out, fmt.Sprintf("nothing polls: %s workflow tasks per lifecycle for %s external messages "+
		"(start, Updates, Signals) and %s activity results; no timer fires", trimFloat(a.WorkflowTasks),
		trimFloat(a.ExternalMessages), trimFloat(a.Billable["activity_attempts"])))
	return out
}

// trimFloat prints n without trailing zeros.
func trimFloat(n float64) string {
	s := fmt.Sprintf("%.2f", n)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" || s == "-" {
		return "0"
	}
	return s
}

// writeResults writes <name>.json and <name>.md into dir.
func writeResults(dir, name string, r Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results folder: %w", err)
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".json"), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s.json: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".md"), []byte(markdown(r)), 0o644); err != nil {
		return fmt.Errorf("write %s.md: %w", name, err)
	}
	return nil
}
