package skillcert

import (
	"slices"
	"strings"
	"testing"
)

// DOMAIN.md: "Working days follow the Chinese State Council calendar including 调休 make-up days".
// Facts from the State Council notices (国办发明电〔2021〕11号 for 2022).
func TestDomainIsWorkday(t *testing.T) {
	cal := DefaultCalendar()
	tests := []struct {
		date string
		want bool
		why  string
	}{
		{"2022-10-08", true, "Saturday make-up day after National Day"},
		{"2022-10-09", true, "Sunday make-up day after National Day"},
		{"2022-10-03", false, "Monday in the National Day holiday"},
		{"2022-10-07", false, "Friday in the National Day holiday"},
		{"2022-10-10", true, "ordinary Monday"},
		{"2022-10-15", false, "ordinary Saturday"},
		{"2022-01-29", true, "Saturday make-up day before the Spring Festival"},
		{"2022-02-04", false, "Friday in the Spring Festival"},
		{"2022-06-03", false, "Dragon Boat Festival, a Friday"},
		{"2022-06-21", true, "the notice's date, a Tuesday"},
		{"2022-12-31", false, "Saturday, listed in the 2023 file as New Year holiday"},
		{"2023-01-02", false, "Monday in lieu of New Year's Day"},
		{"2020-01-01", false, "New Year's Day 2020"},
		{"2026-12-31", true, "a Thursday in the last published year"},
	}
	for _, tt := range tests {
		got, err := cal.IsWorkday(d(tt.date))
		if err != nil || got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, %v; want %v (%s)", tt.date, got, err, tt.want, tt.why)
		}
	}
}

// Issue 3: "Years outside the data must give an error, not a silent guess"; 2027.json has no days and no
// papers, so 2027 is unpublished.
func TestCalendarUnpublishedYears(t *testing.T) {
	cal := DefaultCalendar()
	if got := cal.Years(); !slices.Equal(got, []int{2020, 2021, 2022, 2023, 2024, 2025, 2026}) {
		t.Errorf("Years = %v", got)
	}
	for _, date := range []string{"2027-01-04", "2019-12-31", "2030-06-03", "1999-01-04"} {
		_, err := cal.IsWorkday(d(date))
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || !strings.Contains(e.Message, date[:4]) {
			t.Errorf("IsWorkday(%s) error = %v, want EINVALID naming the year", date, err)
		}
	}
	if _, err := cal.IsWorkday(Date{}); err == nil {
		t.Error("IsWorkday of the zero Date succeeded")
	}
	if _, err := cal.AddWorkdays(d("2026-12-25"), 10); err == nil {
		t.Error("AddWorkdays ran into 2027 without an error")
	}
	if _, err := cal.WorkdaysBetween(d("2026-12-01"), d("2027-01-10")); err == nil {
		t.Error("WorkdaysBetween ran into 2027 without an error")
	}
}

// Issue 3: "document whether the start day counts": AddWorkdays does not count d.
func TestAddWorkdays(t *testing.T) {
	cal := DefaultCalendar()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2022-09-30", 1, "2022-10-08"},  // the holiday is skipped, the make-up Saturday counts
		{"2022-09-30", 3, "2022-10-10"},  // 8th, 9th, 10th
		{"2022-10-08", 0, "2022-10-08"},  // n = 0 is d itself
		{"2022-10-01", 1, "2022-10-08"},  // from a holiday
		{"2022-10-10", 1, "2022-10-11"},  // the start day is not counted
		{"2022-10-10", -1, "2022-10-09"}, // backwards: the make-up Sunday
		{"2022-10-10", -3, "2022-09-30"},
		{"2022-12-30", 1, "2023-01-03"}, // across the year and the New Year holiday
	}
	for _, tt := range tests {
		got, err := cal.AddWorkdays(d(tt.from), tt.n)
		if err != nil || got.String() != tt.want {
			t.Errorf("AddWorkdays(%s, %d) = %v, %v; want %s", tt.from, tt.n, got, err, tt.want)
		}
	}
}

// DOMAIN.md: "考务手册 … due 5 working days before the exam; skill scores are due within 10 working days
// after it".
func TestDomainExamDeadlines(t *testing.T) {
	cal := DefaultCalendar()
	tests := []struct {
		name, exam, roster, scores string
	}{
		{"late August 2022, no holidays", "2022-08-29", "2022-08-22", "2022-09-13"},
		{"exam right after National Day", "2022-10-10", "2022-09-28", "2022-10-24"},
		{"exam on a Saturday", "2022-08-27", "2022-08-22", "2022-09-09"},
	}
	for _, tt := range tests {
		roster, err := cal.RosterDue(d(tt.exam))
		if err != nil || roster.String() != tt.roster {
			t.Errorf("%s: RosterDue = %v, %v; want %s", tt.name, roster, err, tt.roster)
		}
		scores, err := cal.SkillScoresDue(d(tt.exam))
		if err != nil || scores.String() != tt.scores {
			t.Errorf("%s: SkillScoresDue = %v, %v; want %s", tt.name, scores, err, tt.scores)
		}
	}
	if RosterLeadWorkdays != 5 || SkillScoreWorkdays != 10 || DefaultCorrectionWorkdays != 5 {
		t.Error("deadline constants changed")
	}
}

func TestWorkdaysBetween(t *testing.T) {
	cal := DefaultCalendar()
	tests := []struct {
		a, b string
		want int
	}{
		{"2022-09-30", "2022-10-10", 3}, // (a, b]: 8th, 9th, 10th
		{"2022-10-10", "2022-10-10", 0},
		{"2022-10-10", "2022-09-30", -3},
		{"2022-10-07", "2022-10-08", 1},
		// 2022: 260 weekdays − 18 weekday holidays + 7 make-up days = 249.
		{"2021-12-31", "2022-12-31", 249},
	}
	for _, tt := range tests {
		got, err := cal.WorkdaysBetween(d(tt.a), d(tt.b))
		if err != nil || got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
	// AddWorkdays and WorkdaysBetween agree.
	from := d("2022-01-01")
	for n := 1; n <= 300; n += 37 {
		to, err := cal.AddWorkdays(from, n)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := cal.WorkdaysBetween(from, to); got != n {
			t.Errorf("WorkdaysBetween(%s, AddWorkdays(+%d) = %s) = %d", from, n, to, got)
		}
	}
}

func TestNewCalendar(t *testing.T) {
	y2030 := []byte(`{"year": 2030, "papers": ["x"], "days": [{"name": "元旦", "date": "2030-01-01", "isOffDay": true},
		{"name": "春节", "date": "2030-01-05", "isOffDay": false}]}`)
	cal, err := NewCalendar(y2030)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		date string
		want bool
	}{{"2030-01-01", false}, {"2030-01-05", true}, {"2030-01-06", false}, {"2030-01-07", true}}
	for _, tt := range tests {
		if got, err := cal.IsWorkday(d(tt.date)); err != nil || got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, %v", tt.date, got, err)
		}
	}
	bad := []struct {
		name  string
		files [][]byte
	}{
		{"no files", nil},
		{"only an unpublished year", [][]byte{[]byte(`{"year": 2031, "papers": [], "days": []}`)}},
		{"not JSON", [][]byte{[]byte(`{`)}},
		{"bad date", [][]byte{[]byte(`{"year": 2030, "papers": ["x"], "days": [{"name": "x", "date": "2030-02-30", "isOffDay": true}]}`)}},
		{"year twice", [][]byte{y2030, y2030}},
		{"year 0", [][]byte{[]byte(`{"year": 0, "papers": ["x"], "days": []}`)}},
	}
	for _, tt := range bad {
		if _, err := NewCalendar(tt.files...); err == nil {
			t.Errorf("%s: NewCalendar succeeded", tt.name)
		}
	}
}
