package workflows_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"skillcert"
	"skillcert/activities"
	"skillcert/codec"
	"skillcert/internal/devstack"
	"skillcert/objectstore"
	"skillcert/schema"
	"skillcert/workflows"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

// realStack is a worker running ApplicationWorkflow with real activities against the test stack.
type realStack struct {
	pool   *pgxpool.Pool
	store  *objectstore.Store
	client client.Client
	users  map[string]string // name → user id
	dir    string            // the stack's data folder
}

func startReal(t *testing.T) *realStack {
	t.Helper()
	stack := devstack.ForTest(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, stack.TestDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := schema.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	store, err := objectstore.Open(ctx, objectstore.Config{Endpoint: stack.MinioEndpoint, AccessKey: stack.MinioAccessKey,
		SecretKey: stack.MinioSecretKey, Bucket: "wf-" + uuid.NewString()[:8]})
	if err != nil {
		t.Fatal(err)
	}
	cdc, err := codec.Parse(codec.DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: stack.TemporalAddress, Namespace: stack.TemporalNamespace,
		Logger:        log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
		DataConverter: cdc.DataConverter(), FailureConverter: cdc.FailureConverter()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	queue := "itest-" + uuid.NewString()
	w := worker.New(c, queue, worker.Options{})
	w.RegisterWorkflow(workflows.ApplicationWorkflow)
	w.RegisterWorkflow(workflows.RevocationWorkflow)
	w.RegisterWorkflow(workflows.BatchWindowsWorkflow)
	w.RegisterActivity(&activities.Activities{Pool: pool, Store: store})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	taskQueue = queue

	rs := &realStack{pool: pool, store: store, client: c, users: map[string]string{}, dir: stack.Dir}
	exec := func(q string, args ...any) {
		if _, err := pool.Exec(ctx, q, args...); err != nil {
			t.Fatal(q, err)
		}
	}
	exec(`INSERT INTO regions VALUES ('包头市', 2)`)
	exec(`INSERT INTO occupations (code, name, levels) VALUES ('6-31-01-03', '电工', '{5,4,3,2,1}')`)
	exec(`INSERT INTO batches VALUES ('b1', '2026', now(), now() + interval '10 days', now(), now() + interval '20 days', now() + interval '30 days')`)
	for _, u := range []struct{ name, role, region string }{
		{"applicant", "applicant", ""}, {"city1", "city_reviewer", "包头市"}, {"prov1", "provincial_reviewer", ""},
		{"prov2", "provincial_reviewer", ""}, {"m1", "committee_member", ""}, {"m2", "committee_member", ""}, {"m3", "committee_member", ""},
	} {
		id := uuid.NewString()
		rs.users[u.name] = id
		if u.role == "applicant" {
			exec(`INSERT INTO users (id, role, phone, name, password_hash) VALUES ($1, 'applicant', '13800000001', '李四', 'x')`, id)
		} else {
			exec(`INSERT INTO users (id, role, username, name, password_hash, region) VALUES ($1, $2, $3, $3, 'x', NULLIF($4, ''))`, id, u.role, u.name+id[:4], u.region)
		}
	}
	return rs
}

var taskQueue string

func (rs *realStack) actor(name string, role skillcert.Role) workflows.Actor {
	a := workflows.Actor{UserID: rs.users[name], Role: role}
	if role == skillcert.RoleCityReviewer {
		a.Region = "包头市"
	}
	if role == skillcert.RoleCommitteeMember {
		a.Employer = "评审单位" + name
	}
	return a
}

func whitePNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.White)
		}
	}
	for y := h / 3; y < h*2/3; y++ { // a dark figure in the middle, as on a real photo
		for x := w / 3; x < w*2/3; x++ {
			img.Set(x, y, color.RGBA{40, 40, 60, 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func (rs *realStack) update(t *testing.T, appID, name string, arg, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := rs.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflows.WorkflowID(appID),
		UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := h.Get(ctx, out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func (rs *realStack) openTask(t *testing.T, appID string, taskType skillcert.TaskType) string {
	t.Helper()
	var id string
	err := rs.pool.QueryRow(context.Background(), `SELECT id FROM tasks WHERE application_id = $1 AND type = $2 AND status IN ('open','claimed')`, appID, string(taskType)).Scan(&id)
	if err != nil {
		t.Fatalf("open %s task: %v", taskType, err)
	}
	return id
}

func TestSeniorWorkerOnRealStack(t *testing.T) {
	rs := startReal(t)
	ctx := context.Background()
	appID := uuid.NewString()
	in := workflows.ApplicationInput{
		ApplicationID: appID, ApplicantID: rs.users["applicant"],
		Batch:  workflows.BatchWindows{BatchID: "b1", RegistrationClosesAt: time.Now().Add(240 * time.Hour), PaymentOpensAt: time.Now().Add(-time.Hour), PaymentClosesAt: time.Now().Add(480 * time.Hour), ExamStartsAt: time.Now().Add(720 * time.Hour)},
		Region: "包头市", Employer: "包头市水务局", EmployerType: skillcert.EmployerInstitution,
		OccupationCode: "6-31-01-03", OccupationName: "电工", Conditions: skillcert.DefaultConditions, OccupationLevels: skillcert.AllLevels,
		Level: skillcert.Level5, Pathway: skillcert.PathwayStandard, Education: skillcert.EducationHighSchool,
		OccupationStartedOn: skillcert.Date{Year: 2015, Month: 1, Day: 1}, FeeFen: 12000, Policy: workflows.DefaultPolicy(),
		Checklist: skillcert.Checklist(skillcert.Level5, skillcert.PathwayStandard), Actor: rs.actor("applicant", skillcert.RoleApplicant),
	}
	start := rs.client.NewWithStartWorkflowOperation(client.StartWorkflowOptions{ID: workflows.WorkflowID(appID), TaskQueue: taskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, workflows.ApplicationWorkflow, in)
	h, err := rs.client.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateCreated, WaitForStage: client.WorkflowUpdateStageCompleted}})
	if err != nil {
		t.Fatal(err)
	}
	var res workflows.Result
	if err := h.Get(ctx, &res); err != nil || res.Status != skillcert.StatusDraft {
		t.Fatalf("created: %+v %v", res, err)
	}
	applicant := rs.actor("applicant", skillcert.RoleApplicant)
	img := whitePNG(300, 400)
	for _, rule := range in.Checklist {
		if !rule.Required {
			continue
		}
		docID := uuid.NewString()
		key := "applications/" + appID + "/" + docID
		if _, err := rs.store.Put(ctx, key, img, "image/png"); err != nil {
			t.Fatal(err)
		}
		if _, err := rs.pool.Exec(ctx, `INSERT INTO documents (id, application_id, doc_type, object_key, filename, declared_type, declared_size, created_by)
			VALUES ($1, $2, $3, $4, 'x.png', 'image/png', $5, $6)`, docID, appID, rule.DocType, key, len(img), in.ApplicantID); err != nil {
			t.Fatal(err)
		}
		var att workflows.AttachDocumentResult
		rs.update(t, appID, workflows.UpdateAttachDocument, workflows.AttachDocumentRequest{DocumentID: docID, DocType: rule.DocType, ObjectKey: key, Actor: applicant}, &att)
		if !att.Accepted {
			t.Fatalf("%s refused: %s", rule.DocType, att.Reason)
		}
	}
	rs.update(t, appID, workflows.UpdateSubmit, workflows.ActorRequest{Actor: applicant}, &res)
	rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, skillcert.TaskPreliminaryReview), Decision: "approve", Actor: rs.actor("city1", skillcert.RoleCityReviewer)}, &res)
	rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, skillcert.TaskReReview), Decision: "approve", Actor: rs.actor("prov1", skillcert.RoleProvincialReviewer)}, &res)
	var order workflows.PaymentOrder
	rs.update(t, appID, workflows.UpdateCreatePaymentOrder, workflows.ActorRequest{Actor: applicant}, &order)
	var paid workflows.ConfirmPaymentResult
	rs.update(t, appID, workflows.UpdateConfirmPayment, workflows.ConfirmPaymentRequest{OrderID: order.OrderID, TransactionID: "tx-" + appID, AmountFen: order.AmountFen, PaidAt: time.Now()}, &paid)
	rs.update(t, appID, workflows.UpdateAssignExam, workflows.AssignExamRequest{SessionID: uuid.NewString(), Seat: 1, Venue: "包头职业技术学院", StartsAt: time.Now().Add(24 * time.Hour), Actor: rs.actor("prov1", skillcert.RoleProvincialReviewer)}, &res)
	rs.update(t, appID, workflows.UpdateRecordAttendance, workflows.AttendanceRequest{Present: true, Actor: rs.actor("city1", skillcert.RoleCityReviewer)}, &res)
	var sc workflows.EnterScoreResult
	for _, e := range []struct {
		c  skillcert.Component
		op workflows.Actor
	}{{skillcert.ComponentTheory, rs.actor("prov1", skillcert.RoleProvincialReviewer)}, {skillcert.ComponentTheory, rs.actor("prov2", skillcert.RoleProvincialReviewer)},
		{skillcert.ComponentSkill, rs.actor("city1", skillcert.RoleCityReviewer)}, {skillcert.ComponentSkill, rs.actor("prov2", skillcert.RoleProvincialReviewer)}} {
		rs.update(t, appID, workflows.UpdateEnterScore, workflows.EnterScoreRequest{Component: e.c, Score: 755, Actor: e.op}, &sc)
	}
	if sc.Status != skillcert.StatusCertified {
		t.Fatalf("after scores: %+v", sc)
	}
	var status, number string
	if err := rs.pool.QueryRow(ctx, `SELECT a.status, c.number FROM applications a JOIN certificates c ON c.application_id = a.id WHERE a.id = $1`, appID).Scan(&status, &number); err != nil || status != "certified" {
		t.Fatalf("projection %q %q %v", status, number, err)
	}
	var audits int
	_ = rs.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE application_id = $1`, appID).Scan(&audits)
	if audits < 15 {
		t.Fatalf("only %d audit events", audits)
	}
	// A certified application completes its workflow; the certificate registry is its record, and a short
	// workflow of its own revokes it.
	var final skillcert.Status
	if err := rs.client.GetWorkflow(ctx, workflows.WorkflowID(appID), "").Get(ctx, &final); err != nil || final != skillcert.StatusCertified {
		t.Fatalf("final %s %v, want a completed certified workflow", final, err)
	}
	run, err := rs.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.RevocationWorkflowID(appID), TaskQueue: taskQueue},
		workflows.RevocationWorkflow, workflows.RevocationInput{ApplicationID: appID, Reason: "材料造假",
			Actor: workflows.Actor{UserID: uuid.NewString(), Role: skillcert.RoleAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, &res); err != nil || res.Status != skillcert.StatusRevoked {
		t.Fatalf("revocation %+v %v", res, err)
	}
	_ = rs.pool.QueryRow(ctx, `SELECT status FROM certificates WHERE number = $1`, number).Scan(&status)
	if status != "revoked" {
		t.Fatalf("certificate %s after revocation", status)
	}
	var view string
	if err := rs.pool.QueryRow(ctx, `SELECT status, view->'reasons'->>-1 FROM applications WHERE id = $1`, appID).Scan(&status, &view); err != nil ||
		status != "revoked" || view != "取消资格：材料造假" {
		t.Fatalf("projection after revocation: %q %q %v", status, view, err)
	}

	// Search attributes carry the status and region (never personal data) and are kept current.
	query := "WorkflowId = '" + workflows.WorkflowID(appID) + "' AND SkillcertStatus = 'certified' AND SkillcertRegion = '包头市' AND SkillcertLevel = 5"
	found := false
	for deadline := time.Now().Add(10 * time.Second); !found && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		resp, err := rs.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		found = len(resp.Executions) == 1
	}
	if !found {
		t.Fatalf("visibility query found nothing: %s", query)
	}
	// Payloads are encrypted: the employer (in the workflow input) never appears in the server's database.
	var raw []byte
	for _, f := range []string{"temporal.sqlite", "temporal.sqlite-wal"} {
		b, _ := os.ReadFile(filepath.Join(rs.dir, f))
		raw = append(raw, b...)
	}
	if !bytes.Contains(raw, []byte(workflows.WorkflowID(appID))) {
		t.Fatalf("the Temporal database in %s does not mention the workflow: wrong file?", rs.dir)
	}
	if bytes.Contains(raw, []byte(in.Employer)) || bytes.Contains(raw, []byte("包头职业技术学院")) {
		t.Fatal("plaintext payload found in the Temporal database")
	}
}
