package workflows

import (
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

// step is one change of the application: an optional lifecycle event plus what to record about it.
type step struct {
	action        string
	event         skillcert.Event // "" when the status does not change
	actor         Actor
	reason        string
	details       any
	completedTask string
	notify        []contract.Notification
	effect        *effect // fused executions: the side effect written with the step (fused.go)
}

// Search attribute keys (no personal data).
var (
	searchStatus     = temporal.NewSearchAttributeKeyKeyword(SearchStatus)
	searchRegion     = temporal.NewSearchAttributeKeyKeyword(SearchRegion)
	searchBatch      = temporal.NewSearchAttributeKeyKeyword(SearchBatch)
	searchOccupation = temporal.NewSearchAttributeKeyKeyword(SearchOccupation)
	searchLevel      = temporal.NewSearchAttributeKeyInt64(SearchLevel)
)

// activityContext bounds the retries of a side effect: transient errors retry with backoff for at most
// ActivityMaxAttempts attempts (about three minutes), permanent ones (invalid input, SQLSTATE classes 22
// and 23, domain errors: contract.Classify) fail at once. A projection write that still fails raises an
// incident; other failures go back to the caller. The mutex is never held longer than this.
func activityContext(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, sideEffectOptions())
}

// retryPolicy is the bounded, classified retry policy of the workflow's side effects.
func retryPolicy() *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval:        500 * time.Millisecond,
		BackoffCoefficient:     2,
		MaximumInterval:        30 * time.Second,
		MaximumAttempts:        ActivityMaxAttempts,
		NonRetryableErrorTypes: []string{contract.ErrDuplicate, contract.ErrInvalid, contract.ErrPermanent},
	}
}

// ActivityMaxAttempts is the attempt limit of the workflow's side effects.
const ActivityMaxAttempts = 10

// recordTransition writes rec. Long-lived executions write it with a local activity (one marker event
// instead of three activity events and a workflow task round trip: the projection write is a short,
// idempotent transaction), under the same bounded retry policy; older ones keep the activity.
func (w *application) recordTransition(ctx workflow.Context, rec contract.TransitionRecord) error {
	if !w.longLived() {
		return workflow.ExecuteActivity(activityContext(ctx), contract.RecordTransition, rec).Get(ctx, nil)
	}
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 30 * time.Second, RetryPolicy: retryPolicy()})
	return workflow.ExecuteLocalActivity(lctx, contract.RecordTransition, rec).Get(ctx, nil)
}

// apply moves the application by s.event (when set), then writes the projection, tasks, audit event and
// notifications through RecordTransition. Callers hold the mutex. The state changes before the write, so
// a failed write (after all retries) leaves the workflow ahead of its projection, and the next write,
// carrying a newer sequence number, catches the projection up.
func (w *application) apply(ctx workflow.Context, s step) (Result, error) {
	if s.effect != nil {
		return w.applyWithEffect(ctx, s)
	}
	from, to, err := w.advance(ctx, s)
	if err != nil {
		return Result{}, err
	}
	rec := w.transitionRecord(ctx, s, from, to)
	if to != from || w.st.Seq == 1 && !(w.fused() && w.startedWithSearchAttributes(ctx)) {
		w.upsertSearchAttributes(ctx)
	}
	err = w.recordTransition(ctx, rec)
	if err != nil && w.longLived() && w.raiseIncident(ctx, rec, err) {
		err = refuse(skillcert.EUNAVAILABLE, "处理结果暂未能保存，已转管理员处理，请稍后查看", nil)
	}
	return Result{Status: to, Seq: w.st.Seq}, err
}

// advance moves the application by s.event (when set) and numbers the step.
func (w *application) advance(ctx workflow.Context, s step) (from, to skillcert.Status, err error) {
	from = w.st.Status
	to = from
	if s.event != "" {
		next, err := skillcert.Transition(from, s.event)
		if err != nil {
			return from, from, fromDomain(err)
		}
		to = next
	}
	w.st.Status = to
	w.st.Seq++
	if to != from {
		w.enter(ctx, from, to)
	}
	return from, to, nil
}

// transitionRecord is what the step writes: the projection row, the open tasks, the audit event and the
// notifications.
func (w *application) transitionRecord(ctx workflow.Context, s step, from, to skillcert.Status) contract.TransitionRecord {
	rec := contract.TransitionRecord{
		ApplicationID: w.in.ApplicationID, Seq: w.st.Seq, At: workflow.Now(ctx), Action: s.action,
		ToStatus: to, ActorID: s.actor.UserID, ActorRole: s.actor.Role, Reason: s.reason,
		Row: w.row(), Tasks: w.openTasks(), CompletedTaskID: s.completedTask, Notifications: s.notify,
	}
	if to != from {
		rec.FromStatus = from
	}
	rec.Details = s.details
	return rec
}

func (w *application) upsertSearchAttributes(ctx workflow.Context) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, w.searchAttributes()...); err != nil {
		workflow.GetLogger(ctx).Warn("search attributes not updated", "error", err)
	}
}

// StartSearchAttributes are the search attributes the gateway starts an application's workflow with: what
// its first step would otherwise upsert (fused executions skip that upsert when they are set).
func StartSearchAttributes(in ApplicationInput) temporal.SearchAttributes {
	w := &application{in: in, st: State{Status: skillcert.StatusDraft}}
	return temporal.NewSearchAttributes(w.searchAttributes()...)
}

// startedWithSearchAttributes reports whether the workflow already carries the search attributes of its
// current state (the start set them, StartSearchAttributes), so the first step's upsert would change
// nothing. The start event holds them, so the answer is the same on every replay.
func (w *application) startedWithSearchAttributes(ctx workflow.Context) bool {
	sa := workflow.GetTypedSearchAttributes(ctx)
	keywords := []struct {
		key  temporal.SearchAttributeKeyKeyword
		want string
	}{{searchStatus, string(w.st.Status)}, {searchRegion, w.in.Region}, {searchBatch, w.in.Batch.BatchID}, {searchOccupation, w.in.OccupationCode}}
	for _, k := range keywords {
		if got, ok := sa.GetKeyword(k.key); !ok || got != k.want {
			return false
		}
	}
	level, ok := sa.GetInt64(searchLevel)
	return ok && level == int64(w.in.Level)
}

func (w *application) searchAttributes() []temporal.SearchAttributeUpdate {
	return []temporal.SearchAttributeUpdate{
		searchStatus.ValueSet(string(w.st.Status)), searchRegion.ValueSet(w.in.Region),
		searchBatch.ValueSet(w.in.Batch.BatchID), searchOccupation.ValueSet(w.in.OccupationCode),
		searchLevel.ValueSet(int64(w.in.Level)),
	}
}

// enter sets what a new status starts: review rounds, deadlines, score entry.
func (w *application) enter(ctx workflow.Context, from, to skillcert.Status) {
	switch to {
	case skillcert.StatusPreliminaryReview, skillcert.StatusReReview, skillcert.StatusComprehensiveReview:
		w.st.ReviewRound++
	case skillcert.StatusCorrectionNeeded:
		due := w.workdaysFrom(ctx, workflow.Now(ctx), w.in.Policy.CorrectionWorkdays)
		w.st.CorrectionDueAt = &due
	case skillcert.StatusScoring:
		if w.st.Exam != nil {
			due := w.workdaysFrom(ctx, w.st.Exam.StartsAt, w.in.Policy.ScoreDueWorkdays)
			w.st.SkillScoresDueAt = &due
		}
	}
	if from == skillcert.StatusCorrectionNeeded {
		w.st.CorrectionDueAt = nil
	}
}

// taskID is a stable ID for a task: the same inputs give the same ID on every replay and retry.
func (w *application) taskID(kind skillcert.TaskType, round int) string {
	ns := uuid.MustParse(w.in.ApplicationID)
	return uuid.NewSHA1(ns, []byte(string(kind)+"#"+strconv.Itoa(round))).String()
}

// tasks are the open human tasks for the current state.
func (w *application) tasks() []contract.TaskSpec {
	region := w.in.Region
	switch w.st.Status {
	case skillcert.StatusPreliminaryReview, skillcert.StatusReReview:
		role := skillcert.RoleCityReviewer
		if w.st.Status == skillcert.StatusReReview {
			role = skillcert.RoleProvincialReviewer
		}
		t := contract.TaskSpec{ID: w.taskID(skillcert.TaskType(w.st.Status), w.st.ReviewRound), Type: reviewTaskType(w.st.Status), Role: role, Region: region}
		if w.st.ReturnedFrom == w.st.Status && w.st.ReturnedBy != "" {
			t.Type, t.AssigneeID = skillcert.TaskCorrectionReview, w.st.ReturnedBy
		}
		return []contract.TaskSpec{t}
	case skillcert.StatusScoring:
		var out []contract.TaskSpec
		for _, c := range []skillcert.Component{skillcert.ComponentTheory, skillcert.ComponentSkill} {
			slot := w.slot(c)
			if slot.Confirmed != nil {
				continue
			}
			t := contract.TaskSpec{Type: skillcert.TaskScoreEntry, Role: skillcert.RoleProvincialReviewer, Region: region}
			if c == skillcert.ComponentSkill {
				t.Role, t.DueAt = skillcert.RoleCityReviewer, w.st.SkillScoresDueAt
			}
			if slot.First != nil {
				t.Type = skillcert.TaskScoreConfirmation
			}
			t.ID = w.taskID(t.Type+"/"+skillcert.TaskType(c), slot.Round)
			out = append(out, t)
		}
		return out
	case skillcert.StatusComprehensiveReview:
		return []contract.TaskSpec{{ID: w.taskID(skillcert.TaskComprehensiveReview, w.st.ReviewRound), Type: skillcert.TaskComprehensiveReview, Role: skillcert.RoleCommitteeMember, Region: region}}
	}
	return nil
}

// openTasks are the human tasks plus the open incident's admin task.
func (w *application) openTasks() []contract.TaskSpec {
	return append(w.tasks(), w.incidentTask()...)
}

func reviewTaskType(s skillcert.Status) skillcert.TaskType {
	if s == skillcert.StatusReReview {
		return skillcert.TaskReReview
	}
	return skillcert.TaskPreliminaryReview
}

// view is the projection the gateway renders.
func (w *application) view() View {
	v := View{
		OccupationName:    w.in.OccupationName,
		Checklist:         w.st.Checklist,
		Scores:            ScoresView{Theory: w.st.Theory.Confirmed, Skill: w.st.Skill.Confirmed, Comprehensive: w.st.Comprehensive},
		CertificateNumber: w.st.CertificateNumber,
		Exam:              w.st.Exam,
		ReturnedBy:        w.st.ReturnedBy,
		Declared: &Declared{EmployerType: w.in.EmployerType, Education: w.in.Education, OccupationStartedOn: w.in.OccupationStartedOn,
			PreviousCertificate: w.in.PreviousCertificate, Title: w.in.Title, Veteran: w.in.Veteran},
		Reasons: w.st.Reasons,
	}
	if v.Checklist == nil {
		v.Checklist = []ChecklistItem{}
	}
	switch w.st.Status {
	case skillcert.StatusCorrectionNeeded:
		v.Deadlines.CorrectionDueAt = w.st.CorrectionDueAt
	case skillcert.StatusAwaitingPayment:
		due := w.paymentDue()
		v.Deadlines.PaymentDueAt = &due
	case skillcert.StatusScoring:
		v.Deadlines.SkillScoresDueAt = w.st.SkillScoresDueAt
	}
	if o := w.st.Order; o != nil {
		v.Payment = &PaymentView{OrderID: o.OrderID, AmountFen: o.AmountFen, DueAt: o.DueAt, PaidAt: w.st.PaidAt}
		if n := len(w.st.Transactions); n > 0 {
			v.Payment.TransactionID = w.st.Transactions[n-1]
		}
	}
	if w.in.Level.NeedsComprehensiveReview() && (w.st.Status == skillcert.StatusComprehensiveReview || len(w.st.Panel) > 0) {
		v.Panel = &PanelView{Count: len(w.st.Panel), Size: w.in.Policy.PanelSize}
	}
	return v
}

func (w *application) row() contract.ApplicationRow {
	r := contract.ApplicationRow{
		ApplicantID: w.in.ApplicantID, BatchID: w.in.Batch.BatchID, Region: w.in.Region, Employer: w.in.Employer,
		OccupationCode: w.in.OccupationCode, Level: w.in.Level, Pathway: w.in.Pathway,
		Status: w.st.Status, View: w.view(), CertificateNumber: w.st.CertificateNumber,
	}
	if w.st.Status == skillcert.StatusAwaitingPayment {
		due := w.paymentDue()
		r.PaymentDueAt = &due
	}
	if w.st.Status == skillcert.StatusCorrectionNeeded {
		r.CorrectionDueAt = w.st.CorrectionDueAt
	}
	if w.st.Exam != nil {
		r.ExamSessionID, r.Seat = w.st.Exam.SessionID, w.st.Exam.Seat
	}
	return r
}
