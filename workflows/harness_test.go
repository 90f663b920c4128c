package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/activities"
	"skillcert/contract"
	"skillcert/inspect"
)

// acts names the activities for the mocks: method values resolve to the registered activity names.
var acts *activities.Activities

// harness drives ApplicationWorkflow in the SDK's test environment (time skipping) with recorded
// activities. Actions are scheduled an hour apart of workflow time so each completes before the next.
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	in      ApplicationInput
	mu      sync.Mutex
	records []activities.TransitionRecord
	issued  int
	revoked int
	notes   []activities.NotifyInput
	// recordErr, when set, may fail a RecordTransition call.
	recordErr func(activities.TransitionRecord) error
	inspect   func(activities.InspectInput) inspect.Result
	next      time.Duration
	// storedBatch, when set, is what LoadBatchWindows reads (a change whose signal never came).
	storedBatch *activities.BatchDates
	incidents   []activities.IncidentInput
	// issueErr, when set, may fail an IssueCertificate call (or the certificate of a RecordStep).
	issueErr func() error
	// steps are the side effects of the RecordStep calls that completed, by kind (fused executions).
	steps []string
}

// recordStep stands for RecordStep: it inspects with h.inspect, issues with h.issueErr, completes the record
// as the activity does (contract.CompleteAttach, CompleteCertified) and fails as a whole when recordErr
// refuses the completed record, so that nothing of a failed step is counted.
func (h *harness) recordStep(_ context.Context, in activities.StepInput) (activities.StepResult, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rec, kind := in.Record, "none"
	var out activities.StepResult
	switch {
	case in.Inspect != nil:
		r := h.inspect(*in.Inspect)
		v := contract.Inspection{Kind: r.Kind, Size: r.Size, SHA256: r.SHA256, TextChars: r.TextChars, Accepted: r.Accepted, Code: r.Code, Reason: r.Reason}
		if err := contract.CompleteAttach(&rec, in.Inspect.Rule.DocType, in.Inspect.DocumentID, v); err != nil {
			return out, err
		}
		out.Inspection, kind = &v, "inspect"
	case in.Order != nil:
		kind = "order"
	case in.Payment != nil:
		kind = "payment"
	case in.Certificate != nil:
		if h.issueErr != nil {
			if err := h.issueErr(); err != nil {
				return activities.StepResult{}, err
			}
		}
		out.CertificateNumber, kind = "S00001500000126"+"3"+"000001", "certificate"
		if err := contract.CompleteCertified(&rec, out.CertificateNumber); err != nil {
			return out, err
		}
	}
	if h.recordErr != nil {
		if err := h.recordErr(rec); err != nil {
			return activities.StepResult{}, err
		}
	}
	if kind == "certificate" {
		h.issued++
	}
	h.steps = append(h.steps, kind)
	h.records = append(h.records, rec)
	return out, nil
}

// inspectDelay is how long (workflow time) a harness's inspections take; 0 unless a test sets it.
var inspectDelay time.Duration

var start = time.Date(2026, 7, 1, 9, 0, 0, 0, skillcert.ChinaZone)

const (
	applicantID = "9f3a7c1e-0000-4000-8000-000000000001"
	appID       = "5b0c2d9e-0000-4000-8000-0000000000aa"
	cityA       = "c1000000-0000-4000-8000-000000000001"
	cityB       = "c1000000-0000-4000-8000-000000000002"
	provA       = "b2000000-0000-4000-8000-000000000001"
	provB       = "b2000000-0000-4000-8000-000000000002"
	adminID     = "a0000000-0000-4000-8000-000000000001"
)

var (
	applicant = Actor{UserID: applicantID, Role: skillcert.RoleApplicant}
	city1     = Actor{UserID: cityA, Role: skillcert.RoleCityReviewer, Region: "包头市"}
	city2     = Actor{UserID: cityB, Role: skillcert.RoleCityReviewer, Region: "包头市"}
	cityOther = Actor{UserID: "c1000000-0000-4000-8000-000000000009", Role: skillcert.RoleCityReviewer, Region: "赤峰市"}
	prov1     = Actor{UserID: provA, Role: skillcert.RoleProvincialReviewer}
	prov2     = Actor{UserID: provB, Role: skillcert.RoleProvincialReviewer}
	admin     = Actor{UserID: adminID, Role: skillcert.RoleAdmin}
)

func member(n string, employer string) Actor {
	return Actor{UserID: "d3000000-0000-4000-8000-00000000000" + n, Role: skillcert.RoleCommitteeMember, Employer: employer}
}

func baseInput(level skillcert.Level) ApplicationInput {
	in := ApplicationInput{
		ApplicationID: appID, ApplicantID: applicantID,
		Batch: BatchWindows{BatchID: "2026-1", RegistrationClosesAt: start.Add(20 * 24 * time.Hour),
			PaymentOpensAt: start, PaymentClosesAt: start.Add(30 * 24 * time.Hour), ExamStartsAt: start.Add(60 * 24 * time.Hour)},
		Region: "包头市", Employer: "包头市第一中学", EmployerType: skillcert.EmployerInstitution,
		OccupationCode: "6-31-01-03", OccupationName: "电工", Conditions: skillcert.DefaultConditions,
		OccupationLevels: skillcert.AllLevels, Level: level, Pathway: skillcert.PathwayStandard,
		Education: skillcert.EducationHighSchool, OccupationStartedOn: skillcert.Date{Year: 1995, Month: 3, Day: 1},
		FeeFen: 30000, Policy: DefaultPolicy(), Actor: applicant,
	}
	if level < 5 {
		in.PreviousCertificate = &skillcert.PreviousCertificate{Number: "S000015000001" + "10" + string(rune('0'+level+1)) + "000001",
			Level: level + 1, OccupationCode: "6-31-01-03", IssuedOn: skillcert.Date{Year: 2010, Month: 5, Day: 1}}
	}
	in.Checklist = skillcert.Checklist(level, in.Pathway)
	return in
}

func newHarness(t *testing.T, in ApplicationInput) *harness {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))))
	h := &harness{t: t, env: suite.NewTestWorkflowEnvironment(), in: in, next: time.Minute}
	h.env.SetStartTime(start)
	h.env.RegisterWorkflow(ApplicationWorkflow)
	h.env.RegisterActivity(&activities.Activities{})
	h.inspect = func(in activities.InspectInput) inspect.Result {
		return inspect.Result{Accepted: true, Kind: in.Rule.Kinds[0], Size: 1000, SHA256: "ab"}
	}
	h.env.OnActivity(acts.RecordTransition, mock.Anything, mock.Anything).Return(func(_ context.Context, rec activities.TransitionRecord) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.recordErr != nil {
			if err := h.recordErr(rec); err != nil {
				return err
			}
		}
		h.records = append(h.records, rec)
		return nil
	})
	h.env.OnActivity(acts.InspectDocument, mock.Anything, mock.Anything).After(inspectDelay).Return(func(_ context.Context, in activities.InspectInput) (inspect.Result, error) {
		return h.inspect(in), nil
	})
	h.env.OnActivity(acts.RecordStep, mock.Anything, mock.Anything).After(inspectDelay).Return(h.recordStep)
	h.env.OnActivity(acts.IssueCertificate, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.IssueInput) (string, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.issueErr != nil {
			if err := h.issueErr(); err != nil {
				return "", err
			}
		}
		h.issued++
		return "S00001500000126" + "3" + "000001", nil
	})
	h.env.OnActivity(acts.RevokeCertificate, mock.Anything, mock.Anything).Return(func(context.Context, activities.RevokeInput) error {
		h.revoked++
		return nil
	})
	h.env.OnActivity(acts.LoadBatchWindows, mock.Anything, mock.Anything).Return(func(context.Context, string) (activities.BatchDates, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.storedBatch != nil {
			return *h.storedBatch, nil
		}
		b := h.in.Batch
		return activities.BatchDates{RegistrationClosesAt: b.RegistrationClosesAt, PaymentOpensAt: b.PaymentOpensAt,
			PaymentClosesAt: b.PaymentClosesAt, ExamStartsAt: b.ExamStartsAt}, nil
	})
	h.env.OnActivity(acts.RecordIncident, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.IncidentInput) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.incidents = append(h.incidents, in)
		return nil
	})
	h.env.OnActivity(acts.CreatePaymentOrder, mock.Anything, mock.Anything).Return(nil)
	h.env.OnActivity(acts.RecordPayment, mock.Anything, mock.Anything).Return(nil)
	h.env.OnActivity(acts.Notify, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.NotifyInput) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.notes = append(h.notes, in)
		return nil
	})
	return h
}

// outcome of one scheduled update.
type outcome struct {
	done     bool
	rejected error // refused by the validator
	err      error // failed in the handler
	result   any
}

// update schedules an update after the previous action and returns where its outcome will be.
func (h *harness) update(name string, arg any) *outcome {
	return h.updateAfter(time.Hour, name, arg)
}

func (h *harness) updateAfter(gap time.Duration, name string, arg any) *outcome {
	o := &outcome{}
	h.next += gap
	h.env.RegisterDelayedCallback(func() {
		cb := &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { o.done, o.rejected = true, err },
			OnAccept:   func() {},
			OnComplete: func(res any, err error) { o.done, o.result, o.err = true, res, err },
		}
		if arg == nil {
			h.env.UpdateWorkflow(name, "", cb)
		} else {
			h.env.UpdateWorkflow(name, "", cb, arg)
		}
	}, h.next)
	return o
}

// at runs fn after the previous action.
func (h *harness) at(gap time.Duration, fn func()) {
	h.next += gap
	h.env.RegisterDelayedCallback(fn, h.next)
}

// attachAll uploads every required document.
func (h *harness) attachAll() {
	for i, rule := range h.in.Checklist {
		if rule.Required {
			h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(i), DocType: rule.DocType, ObjectKey: "k", Actor: applicant})
		}
	}
}

func docID(i int) string {
	return "e4000000-0000-4000-8000-0000000000" + string(rune('a'+i/10)) + string(rune('0'+i%10))
}

// run executes the workflow until it completes or the test time limit passes.
func (h *harness) run() {
	h.env.SetTestTimeout(30 * time.Second)
	h.env.ExecuteWorkflow(ApplicationWorkflow, h.in)
}

// taskID returns a function that gives the ID of the open task of the given type, as projected by the last record.
func (h *harness) taskID(taskType skillcert.TaskType) func() string {
	return func() string {
		h.mu.Lock()
		defer h.mu.Unlock()
		if len(h.records) == 0 {
			return ""
		}
		for _, t := range h.records[len(h.records)-1].Tasks {
			if t.Type == taskType {
				return t.ID
			}
		}
		return ""
	}
}

// review schedules the decision of the current task of taskType.
func (h *harness) review(taskType skillcert.TaskType, actor Actor, decision skillcert.Decision, reason string) *outcome {
	o := &outcome{}
	h.next += time.Hour
	h.env.RegisterDelayedCallback(func() {
		req := CompleteTaskRequest{TaskID: h.taskID(taskType)(), Decision: decision, Reason: reason, Actor: actor}
		h.env.UpdateWorkflow(UpdateCompleteTask, "", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { o.done, o.rejected = true, err },
			OnAccept:   func() {},
			OnComplete: func(res any, err error) { o.done, o.result, o.err = true, res, err },
		}, req)
	}, h.next)
	return o
}

func (h *harness) status() skillcert.Status { return h.state().Status }

func (h *harness) state() State {
	var st State
	v, err := h.env.QueryWorkflow(QueryState)
	if err != nil {
		h.t.Fatalf("query: %v", err)
	}
	if err := v.Get(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

func (h *harness) actions() []string {
	var out []string
	for _, r := range h.records {
		out = append(out, r.Action)
	}
	return out
}

// mustAccept fails the test when o was refused or failed.
func mustAccept(t *testing.T, what string, o *outcome) {
	t.Helper()
	if !o.done {
		t.Fatalf("%s: never completed", what)
	}
	if o.rejected != nil || o.err != nil {
		t.Fatalf("%s: rejected=%v err=%v", what, o.rejected, o.err)
	}
}

// mustRefuse fails unless o was refused (by validator or handler) with the given error code.
func mustRefuse(t *testing.T, what string, o *outcome, code string) {
	t.Helper()
	err := o.rejected
	if err == nil {
		err = o.err
	}
	if err == nil {
		t.Fatalf("%s: accepted, want refusal %s", what, code)
	}
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != code {
		t.Fatalf("%s: got %v, want code %s", what, err, code)
	}
}

func noopCallback() *testsuite.TestUpdateCallback {
	return &testsuite.TestUpdateCallback{OnReject: func(error) {}, OnAccept: func() {}, OnComplete: func(any, error) {}}
}

// capture returns a callback that stores the update's outcome in o.
func capture(o *outcome) *testsuite.TestUpdateCallback {
	return &testsuite.TestUpdateCallback{
		OnReject:   func(err error) { o.done, o.rejected = true, err },
		OnAccept:   func() {},
		OnComplete: func(res any, err error) { o.done, o.result, o.err = true, res, err },
	}
}

// roundTrip converts a decoded activity argument into v through JSON.
func roundTrip(in, v any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// preLongLived makes the execution behave as one started before the long-lived-2026-11 change (and so
// before lean-2026-11): neither marker is recorded.
func (h *harness) preLongLived() {
	h.preLean()
	h.env.OnGetVersion(changeLongLived, workflow.DefaultVersion, versionLongLived).Return(workflow.DefaultVersion)
}

// preLean makes the execution behave as one started after long-lived-2026-11 and before lean-2026-11:
// its side effects are regular activities.
func (h *harness) preLean() {
	h.preFused()
	h.env.OnGetVersion(changeLean, workflow.DefaultVersion, versionLean).Return(workflow.DefaultVersion)
}

// preFused makes the execution behave as one started after lean-2026-11 and before fused-2026-11: a
// step's side effect and its projection write are two local activities.
func (h *harness) preFused() {
	h.env.OnGetVersion(changeFused, workflow.DefaultVersion, versionFused).Return(workflow.DefaultVersion)
}
