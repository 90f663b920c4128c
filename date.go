package skillcert

import (
	"bytes"
	"fmt"
	"time"
)

// ChinaZone is China Standard Time (UTC+8, no daylight saving). Calendar dates of the domain — deadlines,
// exam days, certificate dates — are dates in this zone.
var ChinaZone = time.FixedZone("CST", 8*3600)

// Date is a civil date without a time of day or zone, such as a certificate's issue date. Its JSON and text
// form is "YYYY-MM-DD"; the zero Date (no date) is written as JSON null and read from null or "".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a "YYYY-MM-DD" date (four-digit year 0001–9999). It returns an *Error EINVALID for any
// other shape and for dates that do not exist, such as 2022-02-30.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, Errorf(EINVALID, "日期格式应为 YYYY-MM-DD：%q", s)
	}
	year, ok1 := atoiDigits(s[0:4])
	month, ok2 := atoiDigits(s[5:7])
	day, ok3 := atoiDigits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, Errorf(EINVALID, "日期格式应为 YYYY-MM-DD：%q", s)
	}
	d := Date{Year: year, Month: time.Month(month), Day: day}
	if !d.valid() {
		return Date{}, Errorf(EINVALID, "日期不存在：%q", s)
	}
	return d, nil
}

// atoiDigits converts a string of ASCII digits; ok is false if any byte is not a digit.
func atoiDigits(s string) (n int, ok bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// valid reports whether d names a real day in the years 1–9999.
func (d Date) valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Year, d.Month)
}

// daysIn returns the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// NewDate returns the date y-m-d, normalising out-of-range months and days the way time.Date does
// (2022-13-01 becomes 2023-01-01).
func NewDate(y int, m time.Month, d int) Date {
	return dateOfUTC(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

func dateOfUTC(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// DateOf returns the calendar date of t in China time (UTC+8).
func DateOf(t time.Time) Date {
	y, m, d := t.In(ChinaZone).Date()
	return Date{Year: y, Month: m, Day: d}
}

// String returns "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date, meaning "no date". encoding/json's omitzero uses it.
func (d Date) IsZero() bool { return d == Date{} }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return sign(d.Year - o.Year)
	case d.Month != o.Month:
		return sign(int(d.Month) - int(o.Month))
	default:
		return sign(d.Day - o.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// AddDays returns the date n calendar days after d (before it for negative n).
func (d Date) AddDays(n int) Date {
	return dateOfUTC(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

// Start returns 00:00:00 of d in China time.
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, ChinaZone)
}

// End returns 23:59:59 of d in China time: the last whole second of the day, used for "by the end of d"
// deadlines.
func (d Date) End() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, ChinaZone)
}

// FullYears returns the number of whole years from from to asOf: the anniversary day itself completes a
// year (from 2018-07-01, 4 years are complete on 2022-07-01). A person born on 29 February completes a year
// on 1 March in common years. It returns 0 when asOf is before from.
func FullYears(from, asOf Date) int {
	if asOf.Before(from) {
		return 0
	}
	years := asOf.Year - from.Year
	if asOf.Month < from.Month || (asOf.Month == from.Month && asOf.Day < from.Day) {
		years--
	}
	return years
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	if !d.valid() {
		return nil, Errorf(EINVALID, "日期不存在：%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD"; null and "" give the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return Errorf(EINVALID, "日期应为 \"YYYY-MM-DD\" 格式的字符串：%s", truncate(string(b), 40))
	}
	return d.UnmarshalText(b[1 : len(b)-1])
}

// MarshalText writes "YYYY-MM-DD", or nothing for the zero Date.
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsZero() && !d.valid() {
		return nil, Errorf(EINVALID, "日期不存在：%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads "YYYY-MM-DD"; empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// truncate shortens s to at most n runes for error messages.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
