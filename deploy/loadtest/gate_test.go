package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseLoadavg(t *testing.T) {
	at := time.Date(2026, 11, 29, 15, 4, 0, 0, time.UTC)
	l, err := parseLoadavg("0.23 0.86 1.72 2/109 32158\n", at)
	if err != nil || l.One != 0.23 || l.Five != 0.86 || l.Fifteen != 1.72 || !l.At.Equal(at) {
		t.Fatalf("parseLoadavg = %+v, %v", l, err)
	}
	for _, bad := range []string{"", "0.1 0.2", "x 0.2 0.3 1/1 1", "-1 0.2 0.3 1/1 1"} {
		if _, err := parseLoadavg(bad, at); err == nil {
			t.Errorf("parseLoadavg(%q) should fail", bad)
		}
	}
}

func TestGateRefusesLatestAfterABusyStart(t *testing.T) {
	at := time.Date(2026, 11, 29, 15, 4, 0, 0, time.UTC)
	load := func(one float64) LoadAverage { return LoadAverage{At: at, One: one} }
	tests := []struct {
		name             string
		start            float64
		quick, force     bool
		prefix           string
		wantName         string
		wantDisturbed    bool
		wantForced       bool
		wantReasonSubstr string
	}{
		{"idle", 0.2, false, false, "", "latest", false, false, "undisturbed"},
		{"at the limit", 0.5, true, false, "", "latest", false, false, "undisturbed"},
		{"busy", 0.51, false, false, "", "run-2026-11-29-1504", true, false, "above 0.50"},
		{"busy quick", 1.9, true, false, "", "run-2026-11-29-1504", true, false, "above 0.50"},
		{"busy quick forced", 1.9, true, true, "", "latest", true, true, "DISTURBED"},
		{"busy full forced", 1.9, false, true, "", "run-2026-11-29-1504", true, false, "quick mode only"},
		{"production idle", 0.1, true, false, "quick-production", "quick-production-2026-11-29-1504", false, false, "quick-production run"},
		{"production busy forced", 2, true, true, "quick-production", "quick-production-2026-11-29-1504", true, false, "disturbed"},
		{"unsafe commits idle", 0.1, false, false, "full-unsafe-commit", "full-unsafe-commit-2026-11-29-1504", false, false, "durable dev-server"},
	}
	for _, tt := range tests {
		g := gateResults(load(tt.start), load(0.1), tt.quick, tt.force, tt.prefix)
		if g.Name != tt.wantName || g.Disturbed != tt.wantDisturbed || g.Forced != tt.wantForced ||
			!strings.Contains(g.Reason, tt.wantReasonSubstr) {
			t.Errorf("%s: gate = %+v", tt.name, g)
		}
	}
}

func TestMarkdownLabelsADisturbedLatest(t *testing.T) {
	r := sampleResult()
	g := gateResults(LoadAverage{One: 1.2}, LoadAverage{One: 1.4}, true, true, "")
	r.Load = &g
	if md := markdown(r); !strings.Contains(md, "**DISTURBED**") || !strings.Contains(md, "-allow-disturbed") {
		t.Errorf("a forced latest is not labelled disturbed:\n%s", md)
	}
}

func TestSettledLoadWaitsForTheLoadToFall(t *testing.T) {
	readings := []float64{0.9, 0.7, 0.45, 0.1}
	i, slept := 0, time.Duration(0)
	read := func() (LoadAverage, error) {
		l := LoadAverage{One: readings[min(i, len(readings)-1)]}
		i++
		return l, nil
	}
	sleep := func(d time.Duration) { slept += d }
	l, err := settledLoad(time.Minute, read, sleep)
	if err != nil || l.One != 0.45 || slept != 10*time.Second {
		t.Errorf("settledLoad = %+v, %v after %v; want 0.45 after 10s", l, err, slept)
	}
	i, slept = 0, 0
	if l, _ := settledLoad(5*time.Second, read, sleep); l.One != 0.7 || slept != 5*time.Second {
		t.Errorf("settledLoad with 5s = %+v after %v; want 0.7 after 5s (it gives up)", l, slept)
	}
}
