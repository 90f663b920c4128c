package skillcert

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2022-10-08", Date{2022, time.October, 8}, true},
		{"2024-02-29", Date{2024, time.February, 29}, true},
		{"0001-01-01", Date{1, time.January, 1}, true},
		{"2023-02-29", Date{}, false}, // not a leap year
		{"2022-13-01", Date{}, false},
		{"2022-00-10", Date{}, false},
		{"2022-04-31", Date{}, false},
		{"0000-01-01", Date{}, false},
		{"2022-1-08", Date{}, false},
		{"2022/10/08", Date{}, false},
		{"22-10-08", Date{}, false},
		{"2022-10-08T00:00:00Z", Date{}, false},
		{"", Date{}, false},
		{"+022-10-08", Date{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("ParseDate(%q) error code = %q, want %q", tt.in, ErrorCode(err), EINVALID)
		}
		if tt.ok && got.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		On Date `json:"on"`
	}
	tests := []struct {
		in      string
		want    Date
		wantErr bool
		out     string
	}{
		{`{"on":"2022-06-21"}`, Date{2022, time.June, 21}, false, `{"on":"2022-06-21"}`},
		{`{"on":""}`, Date{}, false, `{"on":null}`},
		{`{"on":null}`, Date{}, false, `{"on":null}`},
		{`{}`, Date{}, false, `{"on":null}`},
		{`{"on":"2022-02-30"}`, Date{}, true, ""},
		{`{"on":20220621}`, Date{}, true, ""},
		{`{"on":"2022-06-21T08:00:00+08:00"}`, Date{}, true, ""},
	}
	for _, tt := range tests {
		var d doc
		err := json.Unmarshal([]byte(tt.in), &d)
		if (err != nil) != tt.wantErr {
			t.Errorf("Unmarshal(%s) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if d.On != tt.want {
			t.Errorf("Unmarshal(%s) = %v, want %v", tt.in, d.On, tt.want)
		}
		b, err := json.Marshal(d)
		if err != nil || string(b) != tt.out {
			t.Errorf("Marshal(%v) = %s, %v; want %s", d, b, err, tt.out)
		}
	}
	if _, err := json.Marshal(Date{2022, time.February, 30}); err == nil {
		t.Error("Marshal of an impossible date succeeded")
	}
	type omit struct {
		On Date `json:"on,omitzero"`
	}
	if b, _ := json.Marshal(omit{}); string(b) != `{}` {
		t.Errorf("omitzero of zero Date = %s, want {}", b)
	}
}

func TestDateArithmetic(t *testing.T) {
	d := Date{2022, time.December, 30}
	tests := []struct {
		name string
		got  Date
		want Date
	}{
		{"across the year", d.AddDays(3), Date{2023, time.January, 2}},
		{"backwards", d.AddDays(-30), Date{2022, time.November, 30}},
		{"leap day", Date{2024, time.February, 28}.AddDays(1), Date{2024, time.February, 29}},
		{"zero", d.AddDays(0), d},
		{"NewDate normalises", NewDate(2022, 13, 1), Date{2023, time.January, 1}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if !d.Before(d.AddDays(1)) || d.Before(d) || d.AddDays(-1).After(d) || !d.After(d.AddDays(-1)) {
		t.Error("Before/After disagree with AddDays")
	}
	if (Date{}).String() != "" || !(Date{}).IsZero() || d.IsZero() {
		t.Error("zero Date handling is wrong")
	}
	if got := (Date{2022, time.October, 8}).Weekday(); got != time.Saturday {
		t.Errorf("2022-10-08 weekday = %v, want Saturday", got)
	}
}

func TestDateChinaTime(t *testing.T) {
	tests := []struct {
		utc  time.Time
		want Date
	}{
		{time.Date(2022, 7, 30, 15, 59, 59, 0, time.UTC), Date{2022, time.July, 30}}, // 23:59:59 in China
		{time.Date(2022, 7, 30, 16, 0, 0, 0, time.UTC), Date{2022, time.July, 31}},   // 00:00 next day
		{time.Date(2022, 12, 31, 16, 0, 0, 0, time.UTC), Date{2023, time.January, 1}},
	}
	for _, tt := range tests {
		if got := DateOf(tt.utc); got != tt.want {
			t.Errorf("DateOf(%v) = %v, want %v", tt.utc, got, tt.want)
		}
	}
	d := Date{2022, time.July, 30}
	if got := d.Start().UTC(); !got.Equal(time.Date(2022, 7, 29, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("Start = %v", got)
	}
	if got := d.End().UTC(); !got.Equal(time.Date(2022, 7, 30, 15, 59, 59, 0, time.UTC)) {
		t.Errorf("End = %v", got)
	}
	if DateOf(d.Start()) != d || DateOf(d.End()) != d {
		t.Error("Start and End are not on d in China time")
	}
}

func TestFullYears(t *testing.T) {
	tests := []struct {
		from, asOf string
		want       int
	}{
		{"2018-07-01", "2022-07-01", 4}, // the anniversary completes the year (inclusive)
		{"2018-07-01", "2022-06-30", 3},
		{"2018-07-01", "2018-07-01", 0},
		{"2020-02-29", "2021-02-28", 0}, // leap day: the year completes on 1 March
		{"2020-02-29", "2021-03-01", 1},
		{"2020-02-29", "2024-02-29", 4},
		{"2022-07-01", "2018-07-01", 0}, // asOf before from
		{"2016-12-31", "2022-01-01", 5},
	}
	for _, tt := range tests {
		from, _ := ParseDate(tt.from)
		asOf, _ := ParseDate(tt.asOf)
		if got := FullYears(from, asOf); got != tt.want {
			t.Errorf("FullYears(%s, %s) = %d, want %d", tt.from, tt.asOf, got, tt.want)
		}
	}
}

func TestDateText(t *testing.T) {
	tests := []struct {
		d    Date
		text string
		ok   bool
	}{
		{Date{2022, time.June, 21}, "2022-06-21", true},
		{Date{}, "", true},
		{Date{2022, time.June, 31}, "", false},
	}
	for _, tt := range tests {
		b, err := tt.d.MarshalText()
		if (err == nil) != tt.ok || string(b) != tt.text {
			t.Errorf("MarshalText(%#v) = %q, %v", tt.d, b, err)
		}
		if !tt.ok {
			continue
		}
		var back Date
		if err := back.UnmarshalText(b); err != nil || back != tt.d {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
}
