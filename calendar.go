package skillcert

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"
)

// Calendar knows the working days of the Chinese State Council calendar: Monday to Friday, except public
// holidays, plus the weekend make-up days (调休) on which people work. It covers only the years whose
// arrangement has been published; asking about any other year is an error rather than a guess.
//
// The data is the holiday-cn project (github.com/NateScarlet/holiday-cn, MIT, data/holiday-cn/LICENSE):
// one file per year listing the dates that differ from the Monday–Friday rule.
type Calendar struct {
	published map[int]bool  // years whose arrangement is known
	special   map[Date]bool // date → is an off day (holiday) or, when false, a make-up working day
	first     int           // smallest published year
	last      int           // largest published year
}

// holidayYear is one holiday-cn file.
type holidayYear struct {
	Year   int      `json:"year"`
	Papers []string `json:"papers"`
	Days   []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay bool   `json:"isOffDay"`
	} `json:"days"`
}

// NewCalendar builds a calendar from holiday-cn year files (the contents of 2022.json, 2023.json, …).
// A file with neither days nor papers (a year not yet announced, such as 2027.json before the State
// Council publishes it) leaves its year unpublished. A file may list dates of the neighbouring year (New
// Year's Eve); they are kept.
func NewCalendar(yearFiles ...[]byte) (*Calendar, error) {
	c := &Calendar{published: map[int]bool{}, special: map[Date]bool{}}
	for i, b := range yearFiles {
		var y holidayYear
		if err := json.Unmarshal(b, &y); err != nil {
			return nil, fmt.Errorf("calendar file %d: %w", i, err)
		}
		if y.Year < 1949 || y.Year > 9999 {
			return nil, fmt.Errorf("calendar file %d: year %d out of range", i, y.Year)
		}
		if len(y.Days) == 0 && len(y.Papers) == 0 {
			continue
		}
		if c.published[y.Year] {
			return nil, fmt.Errorf("calendar file %d: year %d given twice", i, y.Year)
		}
		c.published[y.Year] = true
		for _, d := range y.Days {
			date, err := ParseDate(d.Date)
			if err != nil {
				return nil, fmt.Errorf("calendar %d: day %q: %w", y.Year, d.Date, err)
			}
			c.special[date] = d.IsOffDay
		}
	}
	if len(c.published) == 0 {
		return nil, fmt.Errorf("calendar: no published year")
	}
	for y := range c.published {
		if c.first == 0 || y < c.first {
			c.first = y
		}
		if y > c.last {
			c.last = y
		}
	}
	return c, nil
}

var (
	defaultCalendar     *Calendar
	defaultCalendarOnce sync.Once
)

// DefaultCalendar returns the calendar of the embedded holiday-cn data (data/holiday-cn). It panics if the
// embedded data is broken, which the package's tests rule out.
func DefaultCalendar() *Calendar {
	defaultCalendarOnce.Do(func() {
		cal, err := loadCalendar(dataFS, "data/holiday-cn")
		if err != nil {
			panic(fmt.Sprintf("skillcert: embedded calendar: %v", err))
		}
		defaultCalendar = cal
	})
	return defaultCalendar
}

// loadCalendar reads every NNNN.json year file of dir in fsys.
func loadCalendar(fsys fs.FS, dir string) (*Calendar, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read calendar dir: %w", err)
	}
	var files [][]byte
	for _, e := range entries {
		name := e.Name()
		if _, ok := atoiDigits(strings.TrimSuffix(name, ".json")); !ok || !strings.HasSuffix(name, ".json") {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			return nil, fmt.Errorf("read calendar %s: %w", name, err)
		}
		files = append(files, b)
	}
	return NewCalendar(files...)
}

// Years lists the published years, ascending.
func (c *Calendar) Years() []int {
	years := make([]int, 0, len(c.published))
	for y := range c.published {
		years = append(years, y)
	}
	slices.Sort(years)
	return years
}

// IsWorkday reports whether d is a working day. It returns an *Error EINVALID naming the year when d's year
// has not been published.
func (c *Calendar) IsWorkday(d Date) (bool, error) {
	if !d.valid() || !c.published[d.Year] {
		return false, c.yearError(d)
	}
	if off, ok := c.special[d]; ok {
		return !off, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

func (c *Calendar) yearError(d Date) error {
	return &Error{
		Code:    EINVALID,
		Message: fmt.Sprintf("工作日历未收录%d年的节假日安排（已收录%d至%d年）", d.Year, c.first, c.last),
		Fields:  map[string]string{"date": d.String()},
		Extra:   map[string]any{"year": d.Year},
	}
}

// AddWorkdays returns the n-th working day after d, not counting d itself: from Friday 2022-09-30,
// AddWorkdays(…, 1) is Saturday 2022-10-08 (a make-up day after the National Day holiday). For negative n
// it returns the |n|-th working day before d ("5 working days before the exam"); n = 0 returns d. It
// returns an error when the count runs into a year not published.
func (c *Calendar) AddWorkdays(d Date, n int) (Date, error) {
	if !d.valid() {
		return Date{}, c.yearError(d)
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		ok, err := c.IsWorkday(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// WorkdaysBetween counts the working days in (a, b]: after a, up to and including b. When b is before a it
// returns minus the working days in (b, a], so that AddWorkdays(a, WorkdaysBetween(a, b)) is the last working
// day on or before b.
func (c *Calendar) WorkdaysBetween(a, b Date) (int, error) {
	if b.Before(a) {
		n, err := c.WorkdaysBetween(b, a)
		return -n, err
	}
	if !a.valid() || !b.valid() {
		return 0, c.yearError(a)
	}
	count := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		ok, err := c.IsWorkday(d)
		if err != nil {
			return 0, err
		}
		if ok {
			count++
		}
	}
	return count, nil
}

// Deadlines of the exam (DOMAIN.md): the roster (考务手册) is due RosterLeadWorkdays working days before
// the exam, skill scores within SkillScoreWorkdays working days after it; a returned application has
// DefaultCorrectionWorkdays working days to be corrected (configurable).
const (
	RosterLeadWorkdays        = 5
	SkillScoreWorkdays        = 10
	DefaultCorrectionWorkdays = 5
)

// RosterDue is the day the 考务手册 is due for an exam on exam: the 5th working day before it.
func (c *Calendar) RosterDue(exam Date) (Date, error) {
	return c.AddWorkdays(exam, -RosterLeadWorkdays)
}

// SkillScoresDue is the last day for entering skill scores of an exam on exam: the 10th working day after it.
func (c *Calendar) SkillScoresDue(exam Date) (Date, error) {
	return c.AddWorkdays(exam, SkillScoreWorkdays)
}
