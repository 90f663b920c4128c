package gateway

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/xuri/excelize/v2"

	"skillcert"
	"skillcert/api"
	"skillcert/client"
	"skillcert/schema/db"
)

func TestRosterDue(t *testing.T) {
	cst := skillcert.ChinaZone
	cases := []struct {
		name      string
		exam      time.Time
		want      string
		estimated bool
	}{
		// 2022 National Day: 1–7 October off, Saturday 8 and Sunday 9 October are make-up working days.
		{"make-up days count, the holiday does not", time.Date(2022, 10, 10, 9, 0, 0, 0, cst), "2022-09-28", false},
		{"an ordinary week", time.Date(2022, 8, 26, 9, 0, 0, 0, cst), "2022-08-19", false},
		{"the exam's date is China's", time.Date(2022, 8, 25, 17, 0, 0, 0, time.UTC), "2022-08-19", false},
		{"unpublished year: weekdays only", time.Date(2030, 3, 18, 9, 0, 0, 0, cst), "2030-03-11", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, estimated := rosterDue(c.exam)
			if got.String() != c.want || estimated != c.estimated {
				t.Fatalf("rosterDue(%s) = %s, %v; want %s, %v", c.exam, got, estimated, c.want, c.estimated)
			}
		})
	}
}

func TestFreeSeats(t *testing.T) {
	cases := []struct {
		capacity int32
		taken    []int32
		want     []int32
	}{
		{3, nil, []int32{1, 2, 3}},
		{4, []int32{1, 3}, []int32{2, 4}},
		{2, []int32{1, 2}, nil},
		{3, []int32{2, 5}, []int32{1, 3}},
	}
	for _, c := range cases {
		if got := freeSeats(c.capacity, c.taken); !slices.Equal(got, c.want) {
			t.Errorf("freeSeats(%d, %v) = %v, want %v", c.capacity, c.taken, got, c.want)
		}
	}
}

func TestRosterOverdue(t *testing.T) {
	due := pgtype.Date{Time: time.Date(2022, 8, 19, 0, 0, 0, 0, time.UTC), Valid: true}
	submitted := time.Date(2022, 8, 22, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		now       time.Time
		submitted *time.Time
		want      bool
	}{
		{"before the due day", time.Date(2022, 8, 18, 12, 0, 0, 0, skillcert.ChinaZone), nil, false},
		{"on the due day", time.Date(2022, 8, 19, 23, 0, 0, 0, skillcert.ChinaZone), nil, false},
		{"the day after", time.Date(2022, 8, 20, 0, 30, 0, 0, skillcert.ChinaZone), nil, true},
		{"submitted late", time.Date(2022, 8, 23, 0, 0, 0, 0, skillcert.ChinaZone), &submitted, false},
	}
	for _, c := range cases {
		v := viewExamSession(db.GetExamSessionRow{RosterDueOn: due, RosterSubmittedAt: c.submitted}, c.now)
		if v.RosterOverdue != c.want || v.RosterDueOn != "2022-08-19" {
			t.Errorf("%s: overdue %v (due %s), want %v", c.name, v.RosterOverdue, v.RosterDueOn, c.want)
		}
	}
}

// sessionIDs lists the IDs of the exam sessions a caller's list shows.
func sessionIDs(t *testing.T, g *testGateway, token, query string) []string {
	t.Helper()
	var pg api.Page[api.ExamSession]
	if err := g.as(token).Do(t.Context(), "GET", "/api/v1/exam-sessions?page_size=200&"+query, nil, &pg); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range pg.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestExamSessionsIntegration(t *testing.T) {
	s := newStaffCase(t, "赤峰市")
	g := s.g
	other := s.staff(t, roleCityReviewer, "通辽市", "")
	supervisor := s.staff(t, roleSupervisor, "", "")
	first, id1 := s.paid(t, "钱一", 5)
	_, id2 := s.paid(t, "孙二", 5)
	_, id3 := s.paid(t, "周三", 5)

	t.Run("creation refusals", func(t *testing.T) {
		valid := func() api.CreateExamSessionRequest {
			return api.CreateExamSessionRequest{BatchID: s.batch, Region: s.region, OccupationCode: caseOccupation, Level: 5,
				StartsAt: time.Now().Add(240 * time.Hour).Format(time.RFC3339), Venue: "考点", Capacity: 10}
		}
		create := func(token string, req api.CreateExamSessionRequest) error {
			return errOf(g.as(token).CreateExamSession(t.Context(), req))
		}
		cases := map[string]func(*api.CreateExamSessionRequest){
			"batch_id":        func(r *api.CreateExamSessionRequest) { r.BatchID = "no-such-batch" },
			"region":          func(r *api.CreateExamSessionRequest) { r.Region = "北京市" },
			"occupation_code": func(r *api.CreateExamSessionRequest) { r.OccupationCode = "9-99-99-99" },
			"starts_at":       func(r *api.CreateExamSessionRequest) { r.StartsAt = "2022-08-27 09:00" },
			"venue":           func(r *api.CreateExamSessionRequest) { r.Venue = "" },
			"capacity":        func(r *api.CreateExamSessionRequest) { r.Capacity = 0 },
		}
		for field, change := range cases {
			body := valid()
			change(&body)
			wantAPIError(t, create(s.prov.Token, body), 422, "invalid", field)
		}
		past := valid()
		past.StartsAt = time.Now().Add(-time.Hour).Format(time.RFC3339)
		wantAPIError(t, create(s.prov.Token, past), 422, "invalid", "starts_at")
		noLevel := valid()
		noLevel.OccupationCode, noLevel.Level = "4-09-08-01", 1 // 保洁员 has levels 5…3 only
		wantAPIError(t, create(s.prov.Token, noLevel), 422, "invalid", "level")
		_, _, e := g.send(t, s.prov.Token, "POST", "/api/v1/exam-sessions", `{"batch_id": 1`)
		wantStatusError(t, e, 400, "malformed", "")
		wantAPIError(t, create(s.city.Token, valid()), 403, "forbidden", "")
		wantAPIError(t, create(supervisor.Token, valid()), 403, "forbidden", "")
		wantAPIError(t, create("", valid()), 401, "unauthorized", "")
	})

	t.Run("roster due date and the overdue flag", func(t *testing.T) {
		later := time.Now().Add(40 * 24 * time.Hour).Truncate(time.Second)
		r := must(s.session(t, 4, 10, later))(t)
		due, estimated := rosterDue(later)
		if r.RosterDueOn != due.String() || r.RosterDueEstimated != estimated || r.RosterOverdue {
			t.Fatalf("session %+v, want roster due %s (estimated %v)", r, due, estimated)
		}
		if estimated != (r.RosterDueNote != "") {
			t.Fatalf("an estimated due date must say so: %+v", r)
		}
		soon := must(s.session(t, 3, 10, time.Now().Add(48*time.Hour)))(t)
		sid := soon.ID
		if !soon.RosterOverdue {
			t.Fatalf("an exam in two days has its roster overdue: %+v", soon)
		}
		if ids := sessionIDs(t, g, s.city.Token, "overdue=true"); !slices.Contains(ids, sid) {
			t.Fatalf("the region's overdue list %v lacks %s", ids, sid)
		}
		if ids := sessionIDs(t, g, other.Token, ""); slices.Contains(ids, sid) || slices.Contains(ids, r.ID) {
			t.Fatalf("another region's reviewer sees %v", ids)
		}
		ctx := t.Context()
		wantAPIError(t, errOf(g.as(other.Token).ExamSessions(ctx, client.ExamSessionFilter{Region: s.region}, client.Paging{})), 403, "forbidden", "")
		wantAPIError(t, errOf(g.as(s.city.Token).ExamSessions(ctx, client.ExamSessionFilter{Level: 9}, client.Paging{})), 422, "invalid", "level")
		wantAPIError(t, errOf(g.as(other.Token).ExamSession(ctx, sid)), 404, "not_found", "")
		wantAPIError(t, errOf(g.as(s.prov.Token).ExamSession(ctx, "00000000-0000-0000-0000-000000000000")), 404, "not_found", "")
		if ids := sessionIDs(t, g, supervisor.Token, "batch_id="+s.batch); !slices.Contains(ids, sid) {
			t.Fatalf("a supervisor of all regions sees %v", ids)
		}

		wantAPIError(t, errOf(g.as(other.Token).SubmitRoster(ctx, sid)), 404, "not_found", "")
		wantAPIError(t, errOf(g.as(s.prov.Token).SubmitRoster(ctx, sid)), 403, "forbidden", "")
		done := must(g.as(s.city.Token).SubmitRoster(ctx, sid))(t)
		if done.RosterOverdue || done.RosterSubmittedAt == nil {
			t.Fatalf("after submitting the roster: %+v", done)
		}
		again := must(g.as(s.city2.Token).SubmitRoster(ctx, sid))(t)
		if again.RosterSubmittedAt == nil || !again.RosterSubmittedAt.Equal(*done.RosterSubmittedAt) {
			t.Fatalf("a repeat moved the submission time: %+v then %+v", done, again)
		}
		if ids := sessionIDs(t, g, s.city.Token, "overdue=true"); slices.Contains(ids, sid) {
			t.Fatalf("submitted roster still listed overdue: %v", ids)
		}
	})

	small := must(s.session(t, 5, 2, time.Now().Add(20*24*time.Hour)))(t).ID
	big := must(s.session(t, 5, 10, time.Now().Add(21*24*time.Hour)))(t).ID

	t.Run("assign seats up to capacity, stable", func(t *testing.T) {
		ctx := t.Context()
		wantAPIError(t, errOf(g.as(s.city.Token).AssignSeats(ctx, small)), 403, "forbidden", "")
		r := must(g.as(s.prov.Token).AssignSeats(ctx, small))(t)
		if r.Assigned != 2 || len(r.Seats) != 2 || r.Seated != 2 {
			t.Fatalf("small session: %+v", r)
		}
		got := map[string]int32{}
		for _, st := range r.Seats {
			got[st.ApplicationID] = st.Seat
		}
		if got[id1] != 1 || got[id2] != 2 { // earliest payment first
			t.Fatalf("seats %v, want %s→1 and %s→2", got, id1, id2)
		}
		if again := must(g.as(s.prov.Token).AssignSeats(ctx, small))(t); again.Assigned != 0 || again.Seated != 2 {
			t.Fatalf("a repeat changed the seats: %+v", again)
		}
		r = must(g.as(s.prov.Token).AssignSeats(ctx, big))(t)
		if len(r.Seats) != 1 || r.Seats[0].ApplicationID != id3 || r.Seats[0].Seat != 1 {
			t.Fatalf("big session: %+v", r)
		}
		exam := must(g.as(first.Token).Application(ctx, id1))(t).Exam
		if exam == nil || exam.SessionID != small || exam.Seat != 1 || exam.Venue == "" {
			t.Fatalf("the applicant's exam %+v", exam)
		}
	})

	t.Run("attendance", func(t *testing.T) {
		ctx := t.Context()
		attend := func(token, appID string, present bool) (api.StatusResponse, error) {
			return g.as(token).Attendance(ctx, small, appID, present)
		}
		wantAPIError(t, errOf(attend(s.city.Token, id3, true)), 422, "invalid", "application_id")
		// Without present at all: the typed request always has it.
		wantAPIError(t, g.as(s.city.Token).Do(ctx, "POST", "/api/v1/exam-sessions/"+small+"/attendance",
			map[string]any{"application_id": id1}, nil), 422, "invalid", "present")
		wantAPIError(t, errOf(attend(other.Token, id1, true)), 404, "not_found", "")
		wantAPIError(t, errOf(attend(supervisor.Token, id1, true)), 403, "forbidden", "")
		if r := must(attend(s.city.Token, id1, true))(t); r.Status != "scoring" {
			t.Fatalf("present: %+v", r)
		}
		wantAPIError(t, errOf(attend(s.city.Token, id1, false)), 409, "conflict", "")
		if r := must(attend(s.prov.Token, id2, false))(t); r.Status != "abandoned" {
			t.Fatalf("absent: %+v", r)
		}
	})

	t.Run("two sessions seating at once never seat an application twice", func(t *testing.T) {
		_, late := s.paid(t, "王四", 5)
		starts := time.Now().Add(22 * 24 * time.Hour)
		a := must(s.session(t, 5, 3, starts))(t).ID
		b := must(s.session(t, 5, 3, starts))(t).ID
		var answers [2]api.SeatAssignment
		var errs [2]error
		statuses := race(t,
			func(t *testing.T) int {
				answers[0], errs[0] = g.as(s.prov.Token).AssignSeats(t.Context(), a)
				return answerStatus(errs[0])
			},
			func(t *testing.T) int {
				answers[1], errs[1] = g.as(s.prov2.Token).AssignSeats(t.Context(), b)
				return answerStatus(errs[1])
			})
		if statuses[0] != 200 || statuses[1] != 200 {
			t.Fatalf("statuses %v: %v / %v", statuses, errs[0], errs[1])
		}
		// big still had room and took nobody: late paid after it was assigned; the two new sessions share late.
		if n := answers[0].Assigned + answers[1].Assigned; n != 1 {
			t.Fatalf("%v seats given for one application: %+v / %+v", n, answers[0], answers[1])
		}
		if r := must(g.as(s.prov.Token).Application(t.Context(), late))(t); r.Exam == nil {
			t.Fatalf("the application was not seated: %+v", r)
		}
	})

	t.Run("roster export", func(t *testing.T) {
		path := "/api/v1/admin/exports/roster.xlsx?exam_session_id=" + small
		ctx := t.Context()
		roster, ctype, err := g.as(s.city.Token).Download(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if ctype != xlsxContentType {
			t.Fatalf("content type %q", ctype)
		}
		f, err := excelize.OpenReader(bytes.NewReader(roster))
		if err != nil {
			t.Fatalf("open roster: %v", err)
		}
		defer f.Close()
		rows, err := f.GetRows(rosterSheet)
		if err != nil || len(rows) != 3 {
			t.Fatalf("roster rows %v (%v), want header + 2", rows, err)
		}
		want := []string{"1", "钱一", skillcert.MaskIDNumber(first.IDNumber), caseOccupation, "保安员", skillcert.Level(5).Label(), s.region}
		if !slices.Equal(rows[1][:len(want)], want) || rows[1][9] != "001" || rows[1][10] != id1 || rows[1][7] == "" {
			t.Fatalf("roster row %v, want %v… seat 001 of %s", rows[1], want, id1)
		}
		if rows[2][10] != id2 || rows[2][9] != "002" {
			t.Fatalf("second roster row %v", rows[2])
		}
		download := func(token, path string) error {
			_, _, err := g.as(token).Download(ctx, path)
			return err
		}
		wantAPIError(t, download(other.Token, path), 404, "not_found", "")
		wantAPIError(t, download(other.Token, "/api/v1/admin/exports/roster.xlsx?region="+s.region), 403, "forbidden", "")
		wantAPIError(t, download(s.prov.Token, "/api/v1/admin/exports/roster.xlsx?region=火星"), 422, "invalid", "region")
		wantAPIError(t, download(supervisor.Token, "/api/v1/admin/exports/roster.xlsx"), 403, "forbidden", "")
		all, _ := must2(g.as(s.admin).Download(ctx, "/api/v1/admin/exports/roster.xlsx?region="+s.region))(t)
		f2, err := excelize.OpenReader(bytes.NewReader(all))
		if err != nil {
			t.Fatal(err)
		}
		defer f2.Close()
		regionRows, _ := f2.GetRows(rosterSheet)
		var listed []string
		for _, row := range regionRows[1:] {
			listed = append(listed, row[10])
		}
		for _, id := range []string{id1, id2, id3} {
			if !slices.Contains(listed, id) {
				t.Fatalf("the region's roster %v lacks %s", listed, id)
			}
		}
	})
}
