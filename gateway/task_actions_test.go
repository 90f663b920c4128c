package gateway

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"skillcert/api"
	"skillcert/client"
)

// staffCase drives applications of one batch and region through their lifecycle over HTTP, as the people
// of each role would: the staff tests start from the state they need.
type staffCase struct {
	g                        *testGateway
	batch, region            string
	city, city2, prov, prov2 staffAccount
	admin                    string
}

// staffAccount is a logged-in staff user.
type staffAccount struct{ ID, Token string }

// caseOccupation is the occupation of the staff tests (保安员, levels 5…1).
const caseOccupation = "4-07-05-01"

func newStaffCase(t *testing.T, region string) *staffCase {
	t.Helper()
	g := startGateway(t)
	s := &staffCase{g: g, batch: g.newBatch(t), region: region, admin: g.adminToken(t)}
	s.city = s.staff(t, roleCityReviewer, region, "")
	s.city2 = s.staff(t, roleCityReviewer, region, "")
	s.prov = s.staff(t, roleProvincialReviewer, "", "")
	s.prov2 = s.staff(t, roleProvincialReviewer, "", "")
	return s
}

// staff creates a staff account with the employer given (a default one when empty) and logs it in.
func (s *staffCase) staff(t *testing.T, role, region, employer string) staffAccount {
	t.Helper()
	if employer == "" {
		employer = "内蒙古职业培训与就业促进会"
	}
	username := fmt.Sprintf("st_%s_%d", role, rand.IntN(1_000_000_000))
	r := must(s.g.as(s.admin).CreateUser(t.Context(), api.CreateUserRequest{Username: username,
		Password: "Staff2022pass", Name: "员工" + role, Role: role, Region: region, Employer: employer}))(t)
	return staffAccount{ID: r.UserID, Token: s.g.login(t, username, "Staff2022pass")}
}

// caseBody is a valid application of level 5 (or 2, with a 三级 certificate of 2018) in the case's region.
func (s *staffCase) caseBody(level int) api.CreateApplicationRequest {
	body := api.CreateApplicationRequest{BatchID: s.batch, Region: s.region, Employer: "呼和浩特市某局", EmployerType: "agency",
		OccupationCode: caseOccupation, Level: level, Pathway: "standard", Education: "high_school", OccupationStartedOn: "2015-03-01"}
	if level == 2 {
		body.OccupationStartedOn = "2008-03-01"
		body.PreviousCertificate = &api.PreviousCertificate{Number: "S000015000001183000123", Level: 3,
			OccupationCode: caseOccupation, IssuedOn: "2018-06-01"}
	}
	return body
}

// submitted registers an applicant, creates an application, uploads every required document and submits it:
// the application is in preliminary_review.
func (s *staffCase) submitted(t *testing.T, name string, level int) (applicant, string) {
	t.Helper()
	a := s.g.registerApplicant(t, name)
	created := must(s.g.as(a.Token).CreateApplication(t.Context(), s.caseBody(level)))(t)
	id := created.ID
	for _, it := range created.Checklist {
		if !it.Required {
			continue
		}
		docType, contentType, data := string(it.DocType), "image/png", scanPNG(t)
		switch docType {
		case "photo":
			data = photoPNG(t)
		case "technical_summary", "technical_paper":
			contentType, data = "application/pdf", textPDF(80)
		}
		must(s.g.uploadDocument(t, a.Token, id, docType, contentType, data))(t)
	}
	if r := must(s.g.as(a.Token).Submit(t.Context(), id))(t); r.Status != "preliminary_review" {
		t.Fatalf("after submit: %+v", r)
	}
	return a, id
}

// openTask returns the ID of the application's open or claimed task of the type, as the inbox shows it.
func (s *staffCase) openTask(t *testing.T, token, appID, taskType string) string {
	t.Helper()
	inbox := must(s.g.as(token).Tasks(t.Context(), client.TaskFilter{ApplicationID: appID, Type: taskType}, client.Paging{}))(t)
	if len(inbox.Items) != 1 {
		t.Fatalf("want one %s task of %s, inbox has %+v", taskType, appID, inbox.Items)
	}
	return inbox.Items[0].ID
}

// decide completes the application's review task of the type.
func (s *staffCase) decide(t *testing.T, who staffAccount, appID, taskType, decision string) (api.CompleteTaskResponse, error) {
	t.Helper()
	id := s.openTask(t, who.Token, appID, taskType)
	return s.g.as(who.Token).CompleteTask(t.Context(), id, api.CompleteTaskRequest{Decision: decision, Reason: "审核意见"})
}

// paid takes a submitted application through both reviews and pays it: exam_scheduled.
func (s *staffCase) paid(t *testing.T, name string, level int) (applicant, string) {
	t.Helper()
	a, id := s.submitted(t, name, level)
	must(s.decide(t, s.city, id, "preliminary_review", "approve"))(t)
	if r := must(s.decide(t, s.prov, id, "re_review", "approve"))(t); r.Status != "awaiting_payment" {
		t.Fatalf("after re-review: %+v", r)
	}
	order := must(s.g.as(a.Token).PaymentOrder(t.Context(), id))(t)
	must(s.g.signedCallback(t, testPaymentSecret, api.PaymentCallback{OrderID: order.OrderID, ApplicationID: id,
		AmountFen: order.AmountFen, PaidAt: time.Now().Format(time.RFC3339), TransactionID: "tx-" + id}))(t)
	if r := must(s.g.as(a.Token).Application(t.Context(), id))(t); r.Status != "exam_scheduled" {
		t.Fatalf("after payment: %+v", r)
	}
	return a, id
}

// session creates an exam session of the case for the level, starting at starts.
func (s *staffCase) session(t *testing.T, level, capacity int, starts time.Time) (api.ExamSession, error) {
	t.Helper()
	return s.g.as(s.prov.Token).CreateExamSession(t.Context(), api.CreateExamSessionRequest{BatchID: s.batch, Region: s.region,
		OccupationCode: caseOccupation, Level: level, StartsAt: starts.Format(time.RFC3339),
		Venue: s.region + "职业技能鉴定中心 第一考场", Capacity: capacity})
}

// scoring seats the paid applications of the level in a new session and marks them present: scoring.
func (s *staffCase) scoring(t *testing.T, level int, ids ...string) string {
	t.Helper()
	sid := must(s.session(t, level, len(ids)+5, time.Now().AddDate(0, 0, 20)))(t).ID
	must(s.g.as(s.prov.Token).AssignSeats(t.Context(), sid))(t)
	for _, id := range ids {
		if r := must(s.g.as(s.city.Token).Attendance(t.Context(), sid, id, true))(t); r.Status != "scoring" {
			t.Fatalf("after attendance: %+v", r)
		}
	}
	return sid
}

// score enters a score as who.
func (s *staffCase) score(t *testing.T, who staffAccount, appID, component string, score any) (api.ScoreResponse, error) {
	t.Helper()
	return s.g.as(who.Token).EnterScore(t.Context(), appID, component, score)
}

// textPDF is a one-page PDF whose text layer holds lines of Latin text (about 50 counted characters each).
func textPDF(lines int) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 8 Tf 11 TL 40 810 Td\n")
	for i := range lines {
		fmt.Fprintf(&content, "(Technical summary line %03d about maintenance work in the last three years) '\n", i)
	}
	content.WriteString("ET")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 1000] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}

// race sends the requests at once and returns their statuses, in the order given.
func race(t *testing.T, reqs ...func(t *testing.T) int) []int {
	t.Helper()
	start := make(chan struct{})
	statuses := make([]int, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() {
			<-start
			statuses[i] = req(t)
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

// oneWins checks that exactly one of the statuses is 200 and every other one 409.
func oneWins(t *testing.T, what string, statuses []int) {
	t.Helper()
	won := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			won++
		case http.StatusConflict:
		default:
			t.Fatalf("%s: statuses %v, want one 200 and otherwise 409", what, statuses)
		}
	}
	if won != 1 {
		t.Fatalf("%s: statuses %v, want exactly one 200", what, statuses)
	}
}

func TestTaskActionsIntegration(t *testing.T) {
	s := newStaffCase(t, "乌海市")
	g := s.g
	ctx := t.Context()
	_, appID := s.submitted(t, "赵六", 5)
	taskID := s.openTask(t, s.city.Token, appID, "preliminary_review")
	other := s.staff(t, roleCityReviewer, "包头市", "")
	supervisor := s.staff(t, roleSupervisor, "", "")
	claim := func(token string) (api.Task, error) { return g.as(token).Claim(ctx, taskID) }
	unclaim := func(token string) (api.Task, error) { return g.as(token).Unclaim(ctx, taskID) }
	assign := func(token, userID string) (api.Task, error) { return g.as(token).AssignTask(ctx, taskID, userID) }
	complete := func(token string, req api.CompleteTaskRequest) (api.CompleteTaskResponse, error) {
		return g.as(token).CompleteTask(ctx, taskID, req)
	}
	approve := api.CompleteTaskRequest{Decision: "approve"}
	raw := func(token, action, body string) *client.Error {
		_, _, e := exchange(t, g.as(token), "POST", "/api/v1/tasks/"+taskID+"/"+action, body)
		return e
	}

	t.Run("scope and role", func(t *testing.T) {
		wantAPIError(t, errOf(claim(other.Token)), 404, "not_found", "")
		wantAPIError(t, errOf(claim(s.prov.Token)), 403, "forbidden", "")
		wantAPIError(t, errOf(complete(other.Token, approve)), 404, "not_found", "")
		wantAPIError(t, errOf(claim(supervisor.Token)), 403, "forbidden", "")
		wantAPIError(t, errOf(claim("")), 401, "unauthorized", "")
		wantAPIError(t, errOf(g.as(s.city.Token).Claim(ctx, "00000000-0000-0000-0000-000000000001")), 404, "not_found", "")
		wantAPIError(t, errOf(g.as(s.city.Token).Claim(ctx, "not-a-task")), 404, "not_found", "")
	})

	t.Run("claim race: exactly one wins, five rounds", func(t *testing.T) {
		for round := range 5 {
			claimer := func(who staffAccount) func(t *testing.T) int {
				return func(t *testing.T) int { return answerStatus(errOf(claim(who.Token))) }
			}
			statuses := race(t, claimer(s.city), claimer(s.city2))
			oneWins(t, fmt.Sprintf("round %d", round), statuses)
			winner, loser := s.city, s.city2
			if statuses[1] == http.StatusOK {
				winner, loser = s.city2, s.city
			}
			wantAPIError(t, errOf(claim(loser.Token)), 409, "conflict", "assignee_id")
			wantAPIError(t, errOf(unclaim(loser.Token)), 409, "conflict", "")
			wantAPIError(t, errOf(complete(loser.Token, approve)), 409, "conflict", "")
			// claiming one's own task is harmless
			if again := must(claim(winner.Token))(t); again.Status != "claimed" || again.AssigneeID == nil || *again.AssigneeID != winner.ID {
				t.Fatalf("claimed task %+v", again)
			}
			if r := must(unclaim(winner.Token))(t); r.Status != "open" || r.AssigneeID != nil {
				t.Fatalf("unclaimed task %+v", r)
			}
		}
	})

	t.Run("assign", func(t *testing.T) {
		wantAPIError(t, errOf(assign(s.city.Token, other.ID)), 422, "invalid", "user_id")
		wantAPIError(t, errOf(assign(s.city.Token, s.prov.ID)), 422, "invalid", "user_id")
		wantErrorBody(t, raw(s.city.Token, "assign", `{"user_id":`), "malformed", "")
		if r := must(assign(s.city.Token, s.city2.ID))(t); r.AssigneeID == nil || *r.AssigneeID != s.city2.ID || r.Status != "claimed" {
			t.Fatalf("assigned task %+v", r)
		}
		wantAPIError(t, errOf(assign(s.city.Token, s.city.ID)), 409, "conflict", "")
		if r := must(assign(s.admin, s.city.ID))(t); r.AssigneeID == nil || *r.AssigneeID != s.city.ID { // admins reassign
			t.Fatalf("reassigned task %+v", r)
		}
		must(unclaim(s.admin))(t)
	})

	t.Run("refused decisions leave the task open", func(t *testing.T) {
		wantAPIError(t, errOf(complete(s.city.Token, api.CompleteTaskRequest{Decision: "maybe"})), 422, "invalid", "decision")
		wantAPIError(t, errOf(complete(s.city.Token, api.CompleteTaskRequest{Decision: "reject"})), 422, "invalid", "reason")
		wantAPIError(t, errOf(complete(s.city.Token, api.CompleteTaskRequest{Decision: "return", Reason: "照片不清晰",
			Documents: []api.DocumentVerdict{{DocType: "selfie", Verdict: "bad", Reason: "x"}}})), 422, "invalid", "documents[0].doc_type")
		wantErrorBody(t, raw(s.city.Token, "complete", "not json"), "malformed", "")
		inbox := must(g.as(s.city.Token).Tasks(ctx, client.TaskFilter{ApplicationID: appID}, client.Paging{}))(t)
		if len(inbox.Items) != 1 || inbox.Items[0].Status != "open" {
			t.Fatalf("after refused decisions: %+v", inbox.Items)
		}
	})

	t.Run("complete race: exactly one reviewer decides", func(t *testing.T) {
		decider := func(who staffAccount) func(t *testing.T) int {
			return func(t *testing.T) int {
				return answerStatus(errOf(complete(who.Token, api.CompleteTaskRequest{Decision: "approve", Reason: "材料齐全"})))
			}
		}
		oneWins(t, "complete", race(t, decider(s.city), decider(s.city2)))
		app := must(g.as(s.city.Token).Application(ctx, appID))(t)
		if app.Status != "re_review" {
			t.Fatalf("after the race: %+v", app)
		}
		approvals := 0
		for _, h := range app.History {
			if h.Action == "preliminary_review_approve" {
				approvals++
			}
		}
		if approvals != 1 {
			t.Fatalf("%d approvals recorded, want 1: %+v", approvals, app.History)
		}
		wantAPIError(t, errOf(complete(s.city.Token, approve)), 409, "conflict", "status")
		wantAPIError(t, errOf(claim(s.city.Token)), 409, "conflict", "status")
	})

	t.Run("re-review by the provincial reviewer", func(t *testing.T) {
		review := s.openTask(t, s.prov.Token, appID, "re_review")
		wantAPIError(t, errOf(g.as(s.city.Token).CompleteTask(ctx, review, approve)), 403, "forbidden", "")
		r := must(s.decide(t, s.prov, appID, "re_review", "return"))(t)
		if r.Status != "correction_needed" || r.ApplicationID != appID {
			t.Fatalf("after return: %+v", r)
		}
	})
}
