package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
	"skillcert/failure"
)

// State is everything the workflow knows about its application. Handlers change it under the mutex.
type State struct {
	Status            skillcert.Status     `json:"status"`
	Seq               int64                `json:"seq"`
	Checklist         []ChecklistItem      `json:"checklist"`
	ReviewRound       int                  `json:"review_round"`       // bumps on every entry into a review
	PreliminaryActors []string             `json:"preliminary_actors"` // who decided at 初审 (never 复审 too)
	ReturnedFrom      skillcert.Status     `json:"returned_from,omitempty"`
	ReturnedBy        string               `json:"returned_by,omitempty"`
	CorrectionDueAt   *time.Time           `json:"correction_due_at,omitempty"`
	Order             *PaymentOrder        `json:"order,omitempty"`
	PaidAt            *time.Time           `json:"paid_at,omitempty"`
	Transactions      []string             `json:"transactions,omitempty"`
	Exam              *ExamView            `json:"exam,omitempty"`
	SkillScoresDueAt  *time.Time           `json:"skill_scores_due_at,omitempty"`
	Theory            ScoreSlot            `json:"theory"`
	Skill             ScoreSlot            `json:"skill"`
	Panel             []Evaluation         `json:"panel,omitempty"`
	Comprehensive     *skillcert.Score     `json:"comprehensive,omitempty"`
	CertificateNumber string               `json:"certificate_number,omitempty"`
	Reasons           []string             `json:"reasons,omitempty"`
	Reminded          map[string]time.Time `json:"reminded,omitempty"` // reminder kind → the deadline it was for
	Escalated         bool                 `json:"escalated,omitempty"`
	// Uploads counts the inspected uploads per document type (capped by MaxUploadsPerDocType).
	Uploads   map[skillcert.DocType]int `json:"uploads,omitempty"`
	Incident  *Incident                 `json:"incident,omitempty"`  // the open incident, if any
	Incidents int                       `json:"incidents,omitempty"` // incidents raised so far
}

// ScoreSlot is the double entry of one score component.
type ScoreSlot struct {
	Round     int              `json:"round"`
	First     *ScoreEntry      `json:"first,omitempty"`
	Confirmed *skillcert.Score `json:"confirmed,omitempty"`
}

// ScoreEntry is one operator's entry.
type ScoreEntry struct {
	OperatorID string          `json:"operator_id"`
	Score      skillcert.Score `json:"score"`
}

// Evaluation is one committee member's 综合评审 score.
type Evaluation struct {
	MemberID string          `json:"member_id"`
	Score    skillcert.Score `json:"score"`
	Comment  string          `json:"comment"`
}

type application struct {
	in        ApplicationInput
	st        State
	mu        workflow.Mutex
	created   bool
	createErr error
	windows   int              // bumped when the batch windows change, so waiting timers re-arm
	version   workflow.Version // of changeLongLived; see versions.go
	lean      workflow.Version // of changeLean; see versions.go
	fuse      workflow.Version // of changeFused; see versions.go
}

// ApplicationWorkflow carries one application (申报) from draft to a final status, exactly as the lifecycle
// in DOMAIN.md. Human decisions arrive as Updates, batch changes as a Signal, and deadlines are timers. It
// returns the final status. A certified application completes its workflow (the certificate registry in
// Postgres is its record, and RevocationWorkflow revokes it later); executions started before the
// long-lived-2026-11 change stay open after certification, waiting for a revocation.
func ApplicationWorkflow(ctx workflow.Context, in ApplicationInput) (skillcert.Status, error) {
	w := &application{in: in, st: State{Status: skillcert.StatusDraft}}
	w.decideVersion(ctx)
	if err := w.setup(ctx); err != nil {
		return "", err
	}
	return w.run(ctx)
}

func (w *application) setup(ctx workflow.Context) error {
	w.mu = workflow.NewMutex(ctx)
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) { return w.st, nil }); err != nil {
		return err
	}
	if err := w.registerUpdates(ctx); err != nil {
		return err
	}
	workflow.Go(ctx, w.receiveBatchChanges)
	if w.longLived() {
		workflow.Go(ctx, w.reportIncidents)
	}
	return nil
}

func (w *application) run(ctx workflow.Context) (skillcert.Status, error) {
	w.create(ctx)
	if w.createErr == nil {
		w.loop(ctx)
	}
	// Running handlers finish first; an open incident keeps the case open until an admin decides it.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && w.st.Incident == nil }); err != nil {
		return w.st.Status, err
	}
	return w.st.Status, nil
}

// create checks the application again (the gateway checked it first) and projects the draft. A duplicate
// or ineligible application ends the workflow before anything is written; the created update reports why.
func (w *application) create(ctx workflow.Context) {
	defer func() { w.created = true }()
	if err := w.validateInput(ctx); err != nil {
		w.createErr = err
		return
	}
	for _, rule := range w.in.Checklist {
		w.st.Checklist = append(w.st.Checklist, ChecklistItem{DocType: rule.DocType, Label: rule.Label, Required: rule.Required, Status: DocMissing})
	}
	_ = w.mu.Lock(ctx)
	defer w.mu.Unlock()
	if _, err := w.apply(ctx, step{action: "created", actor: w.in.Actor}); err != nil {
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.Type() == contract.ErrDuplicate {
			var existing string
			_ = appErr.Details(&existing)
			w.createErr = failure.Encode(skillcert.DuplicateApplication(existing))
			return
		}
		w.createErr = err
	}
}

func (w *application) validateInput(ctx workflow.Context) error {
	in := w.in
	if in.ApplicationID == "" || in.ApplicantID == "" || in.Batch.BatchID == "" {
		return refuse(skillcert.EINVALID, "申报数据不完整", nil)
	}
	violations := w.eligibility(ctx, skillcert.EligibilityRequest{
		OccupationCode: in.OccupationCode, Conditions: in.Conditions, OccupationLevels: in.OccupationLevels,
		Level: in.Level, Pathway: in.Pathway, Education: in.Education, OccupationStartedOn: in.OccupationStartedOn,
		PreviousCertificate: in.PreviousCertificate, Title: in.Title, Veteran: in.Veteran,
		AsOf: skillcert.DateOf(workflow.Now(ctx)),
	})
	if err := skillcert.EligibilityError(violations); err != nil {
		return fromDomain(err)
	}
	return nil
}

// loop waits in each status for what can end it: a decision (through an update handler) or a deadline.
func (w *application) loop(ctx workflow.Context) {
	for ctx.Err() == nil {
		status := w.st.Status
		if status.Final() && (status != skillcert.StatusCertified || w.longLived()) {
			return
		}
		switch status {
		case skillcert.StatusAwaitingPayment:
			w.awaitDeadline(ctx, status, "payment", w.paymentDue, skillcert.EventPaymentDeadline)
		case skillcert.StatusCorrectionNeeded:
			w.awaitDeadline(ctx, status, "correction", w.correctionDue, skillcert.EventCorrectionDeadline)
		case skillcert.StatusScoring:
			w.awaitSkillScores(ctx)
		default:
			_ = workflow.Await(ctx, func() bool { return w.st.Status != status })
		}
	}
}

func (w *application) paymentDue() time.Time { return w.in.Batch.PaymentClosesAt }

func (w *application) correctionDue() time.Time {
	if w.st.CorrectionDueAt == nil {
		return time.Time{}
	}
	return *w.st.CorrectionDueAt
}

// awaitDeadline waits while the application stays in status. A reminder goes out ahead of the deadline;
// when the deadline passes, event moves the application on. A change of the batch windows re-arms both.
func (w *application) awaitDeadline(ctx workflow.Context, status skillcert.Status, kind string, due func() time.Time, event skillcert.Event) {
	for w.st.Status == status && ctx.Err() == nil {
		version, deadline, now := w.windows, due(), workflow.Now(ctx)
		changed := func() bool { return w.st.Status != status || w.windows != version || !due().Equal(deadline) }
		remindAt := deadline.Add(-w.in.Policy.PaymentReminderBefore)
		if w.in.Policy.PaymentReminderBefore > 0 && now.Before(remindAt) && !w.st.Reminded[kind].Equal(deadline) {
			if ok, _ := w.awaitWithTimeout(ctx, remindAt.Sub(now), changed); !ok {
				w.remind(ctx, kind, deadline)
			}
			continue
		}
		if now.Before(deadline) {
			_, _ = w.awaitWithTimeout(ctx, deadline.Sub(now), changed)
			continue
		}
		if kind == "payment" && w.longLived() && w.refreshBatch(ctx) {
			continue // the batch changed and its signal has not arrived (yet): follow the stored windows
		}
		w.withLock(ctx, func() {
			if w.st.Status == status && !workflow.Now(ctx).Before(due()) {
				_, _ = w.apply(ctx, step{action: string(event), event: event, actor: Actor{Role: skillcert.RoleSystem}})
			}
		})
	}
}

// awaitSkillScores escalates to the provincial reviewers when skill scores are not in by their due date.
// The applicant is never failed for the operators' delay.
func (w *application) awaitSkillScores(ctx workflow.Context) {
	for w.st.Status == skillcert.StatusScoring && ctx.Err() == nil {
		if w.st.Escalated || w.st.SkillScoresDueAt == nil || w.st.Skill.Confirmed != nil {
			_ = workflow.Await(ctx, func() bool { return w.st.Status != skillcert.StatusScoring })
			return
		}
		due := *w.st.SkillScoresDueAt
		if now := workflow.Now(ctx); now.Before(due) {
			if ok, _ := w.awaitWithTimeout(ctx, due.Sub(now), func() bool {
				return w.st.Status != skillcert.StatusScoring || w.st.Skill.Confirmed != nil
			}); ok {
				continue
			}
		}
		w.withLock(ctx, func() {
			if w.st.Status == skillcert.StatusScoring && w.st.Skill.Confirmed == nil {
				w.st.Escalated = true
				_, _ = w.apply(ctx, step{action: "skill_scores_overdue", actor: Actor{Role: skillcert.RoleSystem},
					notify: []contract.Notification{{Kind: "skill_scores_overdue", RecipientRole: skillcert.RoleProvincialReviewer,
						Message: "技能考核成绩已超过评价结束后10个工作日的录入期限，请督促盟市协办单位尽快录入。"}}})
			}
		})
	}
}

func (w *application) remind(ctx workflow.Context, kind string, deadline time.Time) {
	w.withLock(ctx, func() {
		if w.st.Reminded == nil {
			w.st.Reminded = map[string]time.Time{}
		}
		w.st.Reminded[kind] = deadline
		msg := "您的申报将于 " + deadline.In(skillcert.ChinaZone).Format("2006-01-02 15:04") + " 截止缴费，请及时缴费，逾期视为放弃。"
		if kind == "correction" {
			msg = "您的申报材料需补正，请于 " + deadline.In(skillcert.ChinaZone).Format("2006-01-02 15:04") + " 前补正并重新提交。"
		}
		err := w.sideEffect(ctx, sideEffectOptions(), contract.Notify, contract.NotifyInput{
			DedupeKey:     w.in.ApplicationID + ":remind:" + kind + ":" + deadline.UTC().Format(time.RFC3339),
			ApplicationID: w.in.ApplicationID,
			Notification:  contract.Notification{Kind: kind + "_reminder", RecipientRole: skillcert.RoleApplicant, RecipientID: w.in.ApplicantID, Message: msg},
			At:            workflow.Now(ctx),
		}, nil)
		if err != nil {
			workflow.GetLogger(ctx).Warn("reminder not sent", "kind", kind, "error", err)
		}
	})
}

func (w *application) withLock(ctx workflow.Context, fn func()) {
	if err := w.mu.Lock(ctx); err != nil {
		return
	}
	defer w.mu.Unlock()
	fn()
}
