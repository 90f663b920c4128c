package main

import (
	"testing"
	"time"
)

func durations(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1 // 1..100 ms
	}
	tests := []struct {
		name   string
		values []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single", durations(7), 99, 7 * time.Millisecond},
		{"median of four is the second", durations(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p95 of 1..100", durations(hundred...), 95, 95 * time.Millisecond},
		{"p99 of 1..100", durations(hundred...), 99, 99 * time.Millisecond},
		{"p100 is the maximum", durations(hundred...), 100, 100 * time.Millisecond},
		{"tiny p is the minimum", durations(3, 5, 9), 0.1, 3 * time.Millisecond},
		{"p99 of ten is the maximum", durations(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.values, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.values, tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeSortsAndAverages(t *testing.T) {
	got := summarize(durations(40, 10, 30, 20))
	want := Latency{Count: 4, P50: 20, P95: 40, P99: 40, Max: 40, Mean: 25}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if (summarize(nil) != Latency{}) {
		t.Error("summary of nothing should be zero")
	}
}

func TestRecorderGroupsByRoute(t *testing.T) {
	r := newRecorder()
	for _, d := range durations(5, 1, 3) {
		r.add("GET /a", d)
	}
	r.add("POST /b/{id}", 8*time.Millisecond)
	s := r.summary()
	if len(s) != 2 || s["GET /a"].Count != 3 || s["GET /a"].P50 != 3 || s["POST /b/{id}"].Max != 8 {
		t.Errorf("summary = %+v", s)
	}
	if r.total() != 4 {
		t.Errorf("total = %d, want 4", r.total())
	}
}

func TestMillisecondsRounding(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want float64
	}{{1500 * time.Microsecond, 1.5}, {1234567 * time.Nanosecond, 1.23}, {0, 0}, {2 * time.Second, 2000}}
	for _, tt := range tests {
		if got := ms(tt.d); got != tt.want {
			t.Errorf("ms(%v) = %v, want %v", tt.d, got, tt.want)
		}
	}
}
