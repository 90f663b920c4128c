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
		valid := func() map[string]any {
			return map[string]any{"batch_id": s.batch, "region": s.region, "occupation_code": caseOccupation, "level": 5,
				"starts_at": time.Now().Add(240 * time.Hour).Format(time.RFC3339), "venue": "考点", "capacity": 10}
		}
		cases := map[string]any{"batch_id": "no-such-batch", "region": "北京市", "occupation_code": "9-99-99-99",
			"starts_at": "2022-08-27 09:00", "venue": "", "capacity": 0}
		for field, value := range cases {
			body := valid()
			body[field] = value
			g.do(t, "POST", "/api/v1/exam-sessions", s.prov.Token, body).wantError(t, 422, "invalid", field)
		}
		past := valid()
		past["starts_at"] = time.Now().Add(-time.Hour).Format(time.RFC3339)
		g.do(t, "POST", "/api/v1/exam-sessions", s.prov.Token, past).wantError(t, 422, "invalid", "starts_at")
		noLevel := valid()
		noLevel["occupation_code"], noLevel["level"] = "4-09-08-01", 1 // 保洁员 has levels 5…3 only
		g.do(t, "POST", "/api/v1/exam-sessions", s.prov.Token, noLevel).wantError(t, 422, "invalid", "level")
		g.do(t, "POST", "/api/v1/exam-sessions", s.prov.Token, `{"batch_id": 1`).wantError(t, 400, "malformed", "")
		g.do(t, "POST", "/api/v1/exam-sessions", s.city.Token, valid()).wantError(t, 403, "forbidden", "")
		g.do(t, "POST", "/api/v1/exam-sessions", supervisor.Token, valid()).wantError(t, 403, "forbidden", "")
		g.do(t, "POST", "/api/v1/exam-sessions", "", valid()).wantError(t, 401, "unauthorized", "")
	})

	t.Run("roster due date and the overdue flag", func(t *testing.T) {
		later := time.Now().Add(40 * 24 * time.Hour).Truncate(time.Second)
		r := s.session(t, 4, 10, later).want(t, 201)
		due, estimated := rosterDue(later)
		if r.str("roster_due_on") != due.String() || r.Body["roster_due_estimated"] != estimated || r.Body["roster_overdue"] != false {
			t.Fatalf("session %s, want roster due %s (estimated %v)", r.Raw, due, estimated)
		}
		if estimated != (r.str("roster_due_note") != "") {
			t.Fatalf("an estimated due date must say so: %s", r.Raw)
		}
		soon := s.session(t, 3, 10, time.Now().Add(48*time.Hour)).want(t, 201)
		sid := soon.str("id")
		if soon.Body["roster_overdue"] != true {
			t.Fatalf("an exam in two days has its roster overdue: %s", soon.Raw)
		}
		if ids := sessionIDs(t, g, s.city.Token, "overdue=true"); !slices.Contains(ids, sid) {
			t.Fatalf("the region's overdue list %v lacks %s", ids, sid)
		}
		if ids := sessionIDs(t, g, other.Token, ""); slices.Contains(ids, sid) || slices.Contains(ids, r.str("id")) {
			t.Fatalf("another region's reviewer sees %v", ids)
		}
		g.do(t, "GET", "/api/v1/exam-sessions?region="+s.region, other.Token, nil).wantError(t, 403, "forbidden", "")
		g.do(t, "GET", "/api/v1/exam-sessions?level=9", s.city.Token, nil).wantError(t, 422, "invalid", "level")
		g.do(t, "GET", "/api/v1/exam-sessions/"+sid, other.Token, nil).wantError(t, 404, "not_found", "")
		g.do(t, "GET", "/api/v1/exam-sessions/00000000-0000-0000-0000-000000000000", s.prov.Token, nil).wantError(t, 404, "not_found", "")
		if ids := sessionIDs(t, g, supervisor.Token, "batch_id="+s.batch); !slices.Contains(ids, sid) {
			t.Fatalf("a supervisor of all regions sees %v", ids)
		}

		g.do(t, "POST", "/api/v1/exam-sessions/"+sid+"/roster", other.Token, nil).wantError(t, 404, "not_found", "")
		g.do(t, "POST", "/api/v1/exam-sessions/"+sid+"/roster", s.prov.Token, nil).wantError(t, 403, "forbidden", "")
		done := g.do(t, "POST", "/api/v1/exam-sessions/"+sid+"/roster", s.city.Token, nil).want(t, 200)
		if done.Body["roster_overdue"] != false || done.str("roster_submitted_at") == "" {
			t.Fatalf("after submitting the roster: %s", done.Raw)
		}
		again := g.do(t, "POST", "/api/v1/exam-sessions/"+sid+"/roster", s.city2.Token, nil).want(t, 200)
		if again.str("roster_submitted_at") != done.str("roster_submitted_at") {
			t.Fatalf("a repeat moved the submission time: %s then %s", done.Raw, again.Raw)
		}
		if ids := sessionIDs(t, g, s.city.Token, "overdue=true"); slices.Contains(ids, sid) {
			t.Fatalf("submitted roster still listed overdue: %v", ids)
		}
	})

	small := s.session(t, 5, 2, time.Now().Add(20*24*time.Hour)).want(t, 201).str("id")
	big := s.session(t, 5, 10, time.Now().Add(21*24*time.Hour)).want(t, 201).str("id")

	t.Run("assign seats up to capacity, stable", func(t *testing.T) {
		g.do(t, "POST", "/api/v1/exam-sessions/"+small+"/assign", s.city.Token, nil).wantError(t, 403, "forbidden", "")
		r := g.do(t, "POST", "/api/v1/exam-sessions/"+small+"/assign", s.prov.Token, nil).want(t, 200)
		seats := r.Body["seats"].([]any)
		if r.Body["assigned"] != 2.0 || len(seats) != 2 || r.Body["seated"] != 2.0 {
			t.Fatalf("small session: %s", r.Raw)
		}
		got := map[string]float64{}
		for _, st := range seats {
			m := st.(map[string]any)
			got[m["application_id"].(string)] = m["seat"].(float64)
		}
		if got[id1] != 1 || got[id2] != 2 { // earliest payment first
			t.Fatalf("seats %v, want %s→1 and %s→2", got, id1, id2)
		}
		if again := g.do(t, "POST", "/api/v1/exam-sessions/"+small+"/assign", s.prov.Token, nil).want(t, 200); again.Body["assigned"] != 0.0 || again.Body["seated"] != 2.0 {
			t.Fatalf("a repeat changed the seats: %s", again.Raw)
		}
		r = g.do(t, "POST", "/api/v1/exam-sessions/"+big+"/assign", s.prov.Token, nil).want(t, 200)
		if seats := r.Body["seats"].([]any); len(seats) != 1 || seats[0].(map[string]any)["application_id"] != id3 || seats[0].(map[string]any)["seat"] != 1.0 {
			t.Fatalf("big session: %s", r.Raw)
		}
		app := g.do(t, "GET", "/api/v1/applications/"+id1, first.Token, nil).want(t, 200)
		exam, _ := app.Body["exam"].(map[string]any)
		if exam["session_id"] != small || exam["seat"] != 1.0 || exam["venue"] == "" {
			t.Fatalf("the applicant's exam %v", exam)
		}
	})

	t.Run("attendance", func(t *testing.T) {
		path := "/api/v1/exam-sessions/" + small + "/attendance"
		g.do(t, "POST", path, s.city.Token, map[string]any{"application_id": id3, "present": true}).wantError(t, 422, "invalid", "application_id")
		g.do(t, "POST", path, s.city.Token, map[string]any{"application_id": id1}).wantError(t, 422, "invalid", "present")
		g.do(t, "POST", path, other.Token, map[string]any{"application_id": id1, "present": true}).wantError(t, 404, "not_found", "")
		g.do(t, "POST", path, supervisor.Token, map[string]any{"application_id": id1, "present": true}).wantError(t, 403, "forbidden", "")
		if r := g.do(t, "POST", path, s.city.Token, map[string]any{"application_id": id1, "present": true}).want(t, 200); r.str("status") != "scoring" {
			t.Fatalf("present: %s", r.Raw)
		}
		g.do(t, "POST", path, s.city.Token, map[string]any{"application_id": id1, "present": false}).wantError(t, 409, "conflict", "")
		if r := g.do(t, "POST", path, s.prov.Token, map[string]any{"application_id": id2, "present": false}).want(t, 200); r.str("status") != "abandoned" {
			t.Fatalf("absent: %s", r.Raw)
		}
	})

	t.Run("two sessions seating at once never seat an application twice", func(t *testing.T) {
		_, late := s.paid(t, "王四", 5)
		starts := time.Now().Add(22 * 24 * time.Hour)
		a := s.session(t, 5, 3, starts).want(t, 201).str("id")
		b := s.session(t, 5, 3, starts).want(t, 201).str("id")
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
		if r := g.do(t, "GET", "/api/v1/applications/"+late, s.prov.Token, nil).want(t, 200); r.Body["exam"] == nil {
			t.Fatalf("the application was not seated: %s", r.Raw)
		}
	})

	t.Run("roster export", func(t *testing.T) {
		path := "/api/v1/admin/exports/roster.xlsx?exam_session_id=" + small
		r := g.do(t, "GET", path, s.city.Token, nil).want(t, 200)
		if r.Header.Get("Content-Type") != xlsxContentType {
			t.Fatalf("content type %q", r.Header.Get("Content-Type"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
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
		g.do(t, "GET", path, other.Token, nil).wantError(t, 404, "not_found", "")
		g.do(t, "GET", "/api/v1/admin/exports/roster.xlsx?region="+s.region, other.Token, nil).wantError(t, 403, "forbidden", "")
		g.do(t, "GET", "/api/v1/admin/exports/roster.xlsx?region=火星", s.prov.Token, nil).wantError(t, 422, "invalid", "region")
		g.do(t, "GET", "/api/v1/admin/exports/roster.xlsx", supervisor.Token, nil).wantError(t, 403, "forbidden", "")
		all := g.do(t, "GET", "/api/v1/admin/exports/roster.xlsx?region="+s.region, s.admin, nil).want(t, 200)
		f2, err := excelize.OpenReader(bytes.NewReader(all.Raw))
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
