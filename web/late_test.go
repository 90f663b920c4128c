package web

import (
	"testing"
	"time"
)

// TestLateItems: a case whose due date has passed, or whose workflow has recorded the escalation, is
// overdue and listed first; the others follow by due date; a case without a date comes last.
func TestLateItems(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	apps := []application{
		{ID: "later", Deadlines: deadlines{SkillScoresDueAt: at(72 * time.Hour)}},
		{ID: "none"},
		{ID: "soon", Deadlines: deadlines{SkillScoresDueAt: at(time.Hour)}},
		{ID: "passed", Deadlines: deadlines{SkillScoresDueAt: at(-time.Hour)}},
		{ID: "escalated", Deadlines: deadlines{SkillScoresDueAt: at(-48 * time.Hour)},
			History: []event{{Action: "attendance_recorded"}, {Action: "skill_scores_overdue"}}},
	}
	got := lateItems(apps, now)
	want := []struct {
		id                 string
		overdue, escalated bool
	}{{"escalated", true, true}, {"passed", true, false}, {"soon", false, false}, {"later", false, false}, {"none", false, false}}
	if len(got) != len(want) {
		t.Fatalf("%d items, want %d", len(got), len(want))
	}
	for i, w := range want {
		if g := got[i]; g.App.ID != w.id || g.Overdue != w.overdue || g.Escalated != w.escalated {
			t.Errorf("item %d: %s overdue=%v escalated=%v, want %+v", i, g.App.ID, g.Overdue, g.Escalated, w)
		}
	}
}
