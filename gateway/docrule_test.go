package gateway

import (
	"encoding/json"
	"testing"

	"skillcert"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// viewRow is an application row whose view lists the 三级 checklist, with the rest of a submitted
// case's view filled in as the projection stores it.
func viewRow(t testing.TB) db.Application {
	t.Helper()
	req := skillcert.EligibilityRequest{Level: 3, Pathway: skillcert.PathwayStandard}
	v := workflows.View{OccupationName: "电工", Reasons: []string{"补正：学历证书不清晰"}, ReturnedBy: "reviewer-1"}
	for _, r := range skillcert.ApplicationChecklist(req) {
		v.Checklist = append(v.Checklist, workflows.ChecklistItem{DocType: r.DocType, Label: r.Label, Required: r.Required,
			Status: workflows.DocAccepted, DocumentID: "7d1f0c3e-5b7a-4c1e-9d0b-0a6f2d9c1b11"})
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return db.Application{View: data, Level: 3, Pathway: string(skillcert.PathwayStandard)}
}

// TestDocRuleReadsTheChecklist: a document type on the stored checklist has its rule, one that is not
// there, or a view that is not JSON, has none.
func TestDocRuleReadsTheChecklist(t *testing.T) {
	row := viewRow(t)
	var view workflows.View
	if err := json.Unmarshal(row.View, &view); err != nil || len(view.Checklist) == 0 {
		t.Fatalf("view %v: %v", view, err)
	}
	for _, item := range view.Checklist {
		if r, ok := docRule(row, item.DocType); !ok || r.DocType != item.DocType {
			t.Errorf("%s: rule %v, %v", item.DocType, r, ok)
		}
	}
	if _, ok := docRule(row, skillcert.DocType("no-such-doc")); ok {
		t.Error("a document type off the checklist has a rule")
	}
	row.View = []byte(`{"checklist": 5}`)
	if _, ok := docRule(row, view.Checklist[0].DocType); ok {
		t.Error("a broken view gave a rule")
	}
}

// BenchmarkDocRule is the checklist lookup of every upload request (POST …/documents).
//
//	go test -short -run '^$' -bench DocRule -benchmem ./gateway/
func BenchmarkDocRule(b *testing.B) {
	row := viewRow(b)
	var view workflows.View
	if err := json.Unmarshal(row.View, &view); err != nil {
		b.Fatal(err)
	}
	dt := view.Checklist[len(view.Checklist)-1].DocType
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := docRule(row, dt); !ok {
			b.Fatal("no rule")
		}
	}
}
