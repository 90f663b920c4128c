package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"skillcert"
	"skillcert/codec"
	"skillcert/internal/devstack"
	"skillcert/objectstore"
	"skillcert/schema"
	"skillcert/worker"
	"skillcert/workflows"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

// world is the real worker (worker.Run) on a private task queue and database of the test stack, with the
// reference data and accounts the cases need, seeded by SQL.
type world struct {
	env   map[string]string
	pool  *pgxpool.Pool
	tc    client.Client
	store *objectstore.Store
	queue string
	staff map[string]string // name → user id
}

func startWorld(t *testing.T) *world {
	t.Helper()
	stack := devstack.ForTest(t)
	ctx := context.Background()
	w := &world{env: map[string]string{}, staff: map[string]string{}}
	for _, kv := range stack.Env() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			w.env[k] = v
		}
	}
	w.env["DATABASE_URL"] = stack.TestDatabase(t)
	w.queue = "reproject-test-" + uuid.NewString()[:8]
	w.env["SKILLCERT_TASK_QUEUE"] = w.queue
	pool, err := pgxpool.New(ctx, w.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	w.pool = pool
	if err := schema.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if w.store, err = objectstore.Open(ctx, objectstore.ConfigFromEnv(w.getenv)); err != nil {
		t.Fatal(err)
	}
	cdc, err := codec.Parse(codec.DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	if w.tc, err = client.Dial(client.Options{HostPort: stack.TemporalAddress, Namespace: stack.TemporalNamespace,
		DataConverter: cdc.DataConverter(), FailureConverter: cdc.FailureConverter()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.tc.Close)

	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- worker.Run(runCtx, nil, w.getenv) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
	})
	w.exec(t, `INSERT INTO regions VALUES ('包头市', 2)`)
	w.exec(t, `INSERT INTO occupations (code, name, levels) VALUES ('6-31-01-03', '电工', '{5,4,3,2,1}')`)
	w.exec(t, `INSERT INTO batches VALUES ('b1', '2026', now(), now() + interval '10 days', now(), now() + interval '20 days', now() + interval '30 days')`)
	for _, s := range []struct{ name, role, region string }{{"city1", "city_reviewer", "包头市"},
		{"prov1", "provincial_reviewer", ""}, {"prov2", "provincial_reviewer", ""}, {"admin", "admin", ""}} {
		id := uuid.NewString()
		w.staff[s.name] = id
		w.exec(t, `INSERT INTO users (id, role, username, name, password_hash, region) VALUES ($1, $2, $3, $3, 'x', NULLIF($4, ''))`,
			id, s.role, s.name+id[:4], s.region)
	}
	return w
}

func (w *world) getenv(k string) string { return w.env[k] }

func (w *world) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := w.pool.Exec(context.Background(), q, args...); err != nil {
		t.Fatal(q, err)
	}
}

func (w *world) actor(name string, role skillcert.Role) workflows.Actor {
	a := workflows.Actor{UserID: w.staff[name], Role: role}
	if role == skillcert.RoleCityReviewer {
		a.Region = "包头市"
	}
	return a
}

// update sends an update to the case's workflow and waits for its result.
func (w *world) update(ctx context.Context, appID, name string, arg, out any) error {
	h, err := w.tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflows.WorkflowID(appID),
		UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := h.Get(ctx, out); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (w *world) openTask(ctx context.Context, appID string, taskType skillcert.TaskType) (string, error) {
	var id string
	err := w.pool.QueryRow(ctx, `SELECT id FROM tasks WHERE application_id = $1 AND type = $2 AND status IN ('open','claimed')`, appID, string(taskType)).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("open %s task: %w", taskType, err)
	}
	return id, nil
}

// stage is how far a case is driven: every stage leaves different rows (tasks open, completed or cancelled,
// payments, a certificate, a revoked one).
type stage int

const (
	stageDraft stage = iota
	stageRejected
	stageReReview
	stageCertified
	stageRevoked
	stages
)

// drive creates a case for a new applicant and takes it to stage s through the workflow's updates.
func (w *world) drive(ctx context.Context, i int, s stage, photo []byte) (string, error) {
	applicantID, appID := uuid.NewString(), uuid.NewString()
	if _, err := w.pool.Exec(ctx, `INSERT INTO users (id, role, phone, name, password_hash) VALUES ($1, 'applicant', $2, $3, 'x')`,
		applicantID, fmt.Sprintf("1380000%04d", i), fmt.Sprintf("申请人%d", i)); err != nil {
		return "", err
	}
	now := time.Now()
	applicant := workflows.Actor{UserID: applicantID, Role: skillcert.RoleApplicant}
	in := workflows.ApplicationInput{
		ApplicationID: appID, ApplicantID: applicantID,
		Batch:  workflows.BatchWindows{BatchID: "b1", RegistrationClosesAt: now.Add(240 * time.Hour), PaymentOpensAt: now.Add(-time.Hour), PaymentClosesAt: now.Add(480 * time.Hour), ExamStartsAt: now.Add(720 * time.Hour)},
		Region: "包头市", Employer: "包头市水务局", EmployerType: skillcert.EmployerInstitution,
		OccupationCode: "6-31-01-03", OccupationName: "电工", Conditions: skillcert.DefaultConditions, OccupationLevels: skillcert.AllLevels,
		Level: skillcert.Level5, Pathway: skillcert.PathwayStandard, Education: skillcert.EducationHighSchool,
		OccupationStartedOn: skillcert.Date{Year: 2015, Month: 1, Day: 1}, FeeFen: 12000, Policy: workflows.DefaultPolicy(),
		Checklist: skillcert.Checklist(skillcert.Level5, skillcert.PathwayStandard), Actor: applicant,
	}
	start := w.tc.NewWithStartWorkflowOperation(client.StartWorkflowOptions{ID: workflows.WorkflowID(appID), TaskQueue: w.queue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, workflows.ApplicationWorkflow, in)
	h, err := w.tc.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateCreated, WaitForStage: client.WorkflowUpdateStageCompleted}})
	if err != nil {
		return appID, err
	}
	var res workflows.Result
	if err := h.Get(ctx, &res); err != nil || s == stageDraft {
		return appID, err
	}
	for _, rule := range in.Checklist {
		if !rule.Required {
			continue
		}
		docID := uuid.NewString()
		key := "applications/" + appID + "/" + docID
		if _, err := w.store.Put(ctx, key, photo, "image/png"); err != nil {
			return appID, err
		}
		if _, err := w.pool.Exec(ctx, `INSERT INTO documents (id, application_id, doc_type, object_key, filename, declared_type, declared_size, created_by)
			VALUES ($1, $2, $3, $4, 'x.png', 'image/png', $5, $6)`, docID, appID, rule.DocType, key, len(photo), applicantID); err != nil {
			return appID, err
		}
		var att workflows.AttachDocumentResult
		if err := w.update(ctx, appID, workflows.UpdateAttachDocument, workflows.AttachDocumentRequest{DocumentID: docID, DocType: rule.DocType, ObjectKey: key, Actor: applicant}, &att); err != nil {
			return appID, err
		}
	}
	steps := []func() error{
		func() error {
			return w.update(ctx, appID, workflows.UpdateSubmit, workflows.ActorRequest{Actor: applicant}, &res)
		},
		func() error {
			return w.decide(ctx, appID, skillcert.TaskPreliminaryReview, map[bool]skillcert.Decision{true: skillcert.DecisionReject, false: skillcert.DecisionApprove}[s == stageRejected], "city1", skillcert.RoleCityReviewer)
		},
	}
	if s >= stageCertified {
		steps = append(steps, func() error { return w.certify(ctx, appID, applicant) })
	}
	if s == stageRevoked { // a certified case's workflow has completed: it is revoked by a workflow of its own
		steps = append(steps, func() error {
			run, err := w.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.RevocationWorkflowID(appID), TaskQueue: w.queue},
				workflows.RevocationWorkflowName, workflows.RevocationInput{ApplicationID: appID, Reason: "材料造假", Actor: w.actor("admin", skillcert.RoleAdmin)})
			if err != nil {
				return err
			}
			return run.Get(ctx, &res)
		})
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return appID, err
		}
	}
	return appID, nil
}

func (w *world) decide(ctx context.Context, appID string, taskType skillcert.TaskType, decision skillcert.Decision, who string, role skillcert.Role) error {
	task, err := w.openTask(ctx, appID, taskType)
	if err != nil {
		return err
	}
	var res workflows.Result
	return w.update(ctx, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: task, Decision: decision,
		Reason: "材料审核意见", Actor: w.actor(who, role)}, &res)
}

// certify takes an approved case through re-review, payment, the exam and the scores to its certificate.
func (w *world) certify(ctx context.Context, appID string, applicant workflows.Actor) error {
	if err := w.decide(ctx, appID, skillcert.TaskReReview, "approve", "prov1", skillcert.RoleProvincialReviewer); err != nil {
		return err
	}
	var order workflows.PaymentOrder
	if err := w.update(ctx, appID, workflows.UpdateCreatePaymentOrder, workflows.ActorRequest{Actor: applicant}, &order); err != nil {
		return err
	}
	var paid workflows.ConfirmPaymentResult
	if err := w.update(ctx, appID, workflows.UpdateConfirmPayment, workflows.ConfirmPaymentRequest{OrderID: order.OrderID,
		TransactionID: "tx-" + appID, AmountFen: order.AmountFen, PaidAt: time.Now()}, &paid); err != nil {
		return err
	}
	var res workflows.Result
	if err := w.update(ctx, appID, workflows.UpdateAssignExam, workflows.AssignExamRequest{SessionID: uuid.NewString(), Seat: 1,
		Venue: "包头职业技术学院", StartsAt: time.Now().Add(24 * time.Hour), Actor: w.actor("prov1", skillcert.RoleProvincialReviewer)}, &res); err != nil {
		return err
	}
	if err := w.update(ctx, appID, workflows.UpdateRecordAttendance, workflows.AttendanceRequest{Present: true, Actor: w.actor("city1", skillcert.RoleCityReviewer)}, &res); err != nil {
		return err
	}
	var sc workflows.EnterScoreResult
	for _, e := range []struct {
		c    skillcert.Component
		who  string
		role skillcert.Role
	}{{skillcert.ComponentTheory, "prov1", skillcert.RoleProvincialReviewer}, {skillcert.ComponentTheory, "prov2", skillcert.RoleProvincialReviewer},
		{skillcert.ComponentSkill, "city1", skillcert.RoleCityReviewer}, {skillcert.ComponentSkill, "prov2", skillcert.RoleProvincialReviewer}} {
		if err := w.update(ctx, appID, workflows.UpdateEnterScore, workflows.EnterScoreRequest{Component: e.c, Score: 755, Actor: w.actor(e.who, e.role)}, &sc); err != nil {
			return err
		}
	}
	if sc.Status != skillcert.StatusCertified {
		return fmt.Errorf("after the scores the case is %s", sc.Status)
	}
	return nil
}

// driveCases drives n cases, spread over the stages, eight at a time.
func (w *world) driveCases(t *testing.T, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	photo := whitePNG(300, 400)
	ids := make([]string, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ids[i], errs[i] = w.drive(ctx, i, stage(i%int(stages)), photo)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("case %d (stage %d): %v", i, i%int(stages), err)
		}
	}
	return ids
}

func whitePNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 255, 255, 255}
			if y >= h/3 && y < h*2/3 && x >= w/3 && x < w*2/3 {
				c = color.RGBA{40, 40, 60, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
