package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"skillcert"
	"skillcert/api"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// fakeTasks is a taskStore answering from fixed rows, recording what the handlers asked.
type fakeTasks struct {
	inbox     []db.ListInboxTasksRow
	inboxErr  error
	asked     []db.ListInboxTasksParams
	task      db.GetTaskDetailRow
	claimed   int
	released  int
	facts     []db.CommitteeTaskFactsRow
	usersByID map[string]db.User
}

func (f *fakeTasks) ListInboxTasks(_ context.Context, arg db.ListInboxTasksParams) ([]db.ListInboxTasksRow, error) {
	f.asked = append(f.asked, arg)
	rows := f.inbox
	if int(arg.Off) < len(rows) {
		rows = rows[arg.Off:]
	} else {
		rows = nil
	}
	return rows[:min(len(rows), int(arg.Lim))], f.inboxErr
}

func (f *fakeTasks) CommitteeTaskFacts(context.Context, db.CommitteeTaskFactsParams) ([]db.CommitteeTaskFactsRow, error) {
	return f.facts, nil
}

func (f *fakeTasks) GetTaskDetail(_ context.Context, id string) (db.GetTaskDetailRow, error) {
	if id != f.task.ID {
		return db.GetTaskDetailRow{}, pgx.ErrNoRows
	}
	return f.task, nil
}

func (f *fakeTasks) ClaimOpenTask(context.Context, db.ClaimOpenTaskParams) (int64, error) {
	f.claimed++
	return 1, nil
}

func (f *fakeTasks) ReleaseTask(context.Context, db.ReleaseTaskParams) (int64, error) {
	f.released++
	return 1, nil
}

func (f *fakeTasks) AssignTaskTo(context.Context, db.AssignTaskToParams) (int64, error) {
	return 1, nil
}

func (f *fakeTasks) GetUserByID(_ context.Context, id string) (db.User, error) {
	if u, ok := f.usersByID[id]; ok {
		return u, nil
	}
	return db.User{}, pgx.ErrNoRows
}

// fakeUpdater is a caseUpdater answering every Update with err, or with the result res.
type fakeUpdater struct {
	err   error
	res   workflows.Result
	names []string
}

func (f *fakeUpdater) Update(_ context.Context, _ string, name string, _, result any) error {
	f.names = append(f.names, name)
	if f.err != nil {
		return f.err
	}
	if r, ok := result.(*workflows.Result); ok {
		*r = f.res
	}
	return nil
}

// serveAs serves handler at method path for the principal p, with the gateway's error handling and
// without authentication (the handlers are under test, not the token checks).
func serveAs(a *app, p *principal, method, path string, handler fiber.Handler) *fiber.App {
	f := fiber.New(fiber.Config{ErrorHandler: a.handleError})
	f.Add(method, path, func(c *fiber.Ctx) error {
		c.Locals(localsUser, p)
		return c.Next()
	}, handler)
	return f
}

// answer sends one request and returns its status and body.
func answer(t *testing.T, f *fiber.App, method, target, body string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

func inboxRows(n int) []db.ListInboxTasksRow {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	rows := make([]db.ListInboxTasksRow, n)
	for i := range rows {
		rows[i] = db.ListInboxTasksRow{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Type: workflows.TaskPreliminaryReview,
			ApplicationID: "a", Status: "open", Role: roleCityReviewer, Region: "包头市", CreatedAt: start.Add(time.Duration(i) * time.Minute),
			OccupationCode: "6-31-01-03", Level: 5, ApplicationStatus: "preliminary_review"}
	}
	return rows
}

// TestInboxPagingWithAFakeStore: the inbox asks the store for one row more than the page, scoped to the
// caller's role and region, and turns the extra row into next_page and next_cursor; the cursor leads on
// from the last item shown.
func TestInboxPagingWithAFakeStore(t *testing.T) {
	a := newOfflineApp(t)
	store := &fakeTasks{inbox: inboxRows(5)}
	a.tasks = store
	f := serveAs(a, &principal{ID: "u1", Role: roleCityReviewer, Region: "包头市"}, "GET", "/api/v1/tasks", a.listTasks)

	read := func(query string) api.Page[api.Task] {
		t.Helper()
		status, raw := answer(t, f, "GET", "/api/v1/tasks"+query, "")
		if status != 200 {
			t.Fatalf("%s: %d %s", query, status, raw)
		}
		var pg api.Page[api.Task]
		if err := json.Unmarshal(raw, &pg); err != nil {
			t.Fatal(err)
		}
		return pg
	}
	first := read("?page_size=2")
	asked := store.asked[0]
	if asked.Lim != 3 || asked.Off != 0 || len(asked.Roles) != 1 || asked.Roles[0] != roleCityReviewer || deref(asked.ScopeRegion) != "包头市" {
		t.Fatalf("asked the store for %+v", asked)
	}
	if len(first.Items) != 2 || first.NextPage == nil || *first.NextPage != 2 || first.NextCursor == nil {
		t.Fatalf("first page %+v", first)
	}
	if second := read("?page=2&page_size=2"); store.asked[1].Off != 2 || second.Items[0].ID != store.inbox[2].ID {
		t.Fatalf("page 2 asked %+v, got %+v", store.asked[1], second.Items)
	}
	read("?page_size=2&after=" + *first.NextCursor)
	if at, id := store.asked[2].AfterAt, store.asked[2].AfterID; at == nil || !at.Equal(store.inbox[1].CreatedAt) || deref(id) != store.inbox[1].ID {
		t.Fatalf("the cursor leads on from %v %v, want the second row", at, deref(id))
	}
	last := read("?page=3&page_size=2")
	if len(last.Items) != 1 || last.NextPage != nil || last.NextCursor != nil {
		t.Fatalf("last page %+v", last)
	}
	if status, raw := answer(t, f, "GET", "/api/v1/tasks?page_size=201", ""); status != 422 || !strings.Contains(string(raw), `"page_size"`) {
		t.Fatalf("page_size 201: %d %s", status, raw)
	}
	if len(store.asked) != 4 {
		t.Fatalf("an invalid page reached the store")
	}
}

// TestStoreAndWorkflowErrorsMap: an unreachable database answers 503 and any other store error a 500 that
// names nothing of the cause; a workflow's refusal of a decision keeps its code and fields, and the claim
// the request took is given back.
func TestStoreAndWorkflowErrorsMap(t *testing.T) {
	a := newOfflineApp(t)
	store := &fakeTasks{inbox: inboxRows(1), inboxErr: &pgconn.ConnectError{}}
	a.tasks = store
	reviewer := &principal{ID: "u1", Role: roleCityReviewer, Region: "包头市"}
	f := serveAs(a, reviewer, "GET", "/api/v1/tasks", a.listTasks)
	if status, raw := answer(t, f, "GET", "/api/v1/tasks", ""); status != 503 || !strings.Contains(string(raw), `"unavailable"`) {
		t.Fatalf("database down: %d %s", status, raw)
	}
	store.inboxErr = errors.New("password=hunter2 host=db")
	if status, raw := answer(t, f, "GET", "/api/v1/tasks", ""); status != 500 || strings.Contains(string(raw), "hunter2") {
		t.Fatalf("store failure: %d %s", status, raw)
	}

	taskID := "00000000-0000-4000-8000-000000000007"
	store.task = db.GetTaskDetailRow{ID: taskID, ApplicationID: "00000000-0000-4000-8000-0000000000aa", Type: workflows.TaskPreliminaryReview,
		Status: "open", Role: roleCityReviewer, Region: "包头市", Level: 5, ApplicationStatus: "preliminary_review"}
	upd := &fakeUpdater{err: skillcert.FieldError(skillcert.EFORBIDDEN, "actor", "初审与复审不能由同一人完成")}
	a.updater = upd
	f = serveAs(a, reviewer, "POST", "/api/v1/tasks/:id/complete", a.completeTask)
	status, raw := answer(t, f, "POST", "/api/v1/tasks/"+taskID+"/complete", `{"decision":"approve","reason":"齐全"}`)
	var refused api.ErrorBody
	_ = json.Unmarshal(raw, &refused)
	if status != http.StatusForbidden || refused.Error.Code != skillcert.EFORBIDDEN || refused.Error.Fields["actor"] == "" {
		t.Fatalf("refused decision: %d %s", status, raw)
	}
	if store.claimed != 1 || store.released != 1 || len(upd.names) != 1 || upd.names[0] != workflows.UpdateCompleteTask {
		t.Fatalf("claimed %d, released %d, updates %v: the refused decision must give the task back", store.claimed, store.released, upd.names)
	}

	upd.err, upd.res = nil, workflows.Result{Status: skillcert.StatusReReview}
	status, raw = answer(t, f, "POST", "/api/v1/tasks/"+taskID+"/complete", `{"decision":"approve","reason":"齐全"}`)
	var done api.CompleteTaskResponse
	if err := json.Unmarshal(raw, &done); status != 200 || err != nil || done.Status != "re_review" || done.TaskID != taskID {
		t.Fatalf("decision: %d %s", status, raw)
	}
	if store.released != 1 {
		t.Fatal("an accepted decision gave the task back")
	}
	if status, _ := answer(t, f, "POST", "/api/v1/tasks/00000000-0000-4000-8000-000000000999/complete", `{"decision":"approve","reason":"x"}`); status != 404 {
		t.Fatalf("unknown task: %d", status)
	}
}
