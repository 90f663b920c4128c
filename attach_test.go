package skillcert

import "testing"

func TestAttachOutcome(t *testing.T) {
	accepted := DocumentState{Status: DocStatusAccepted, DocumentID: "d1"}
	for _, c := range []struct {
		name     string
		cur      DocumentState
		accepted bool
		want     DocumentState
		action   string
	}{
		{"first accepted", DocumentState{Status: DocStatusMissing}, true, DocumentState{Status: DocStatusAccepted, DocumentID: "d2"}, "document_accepted"},
		{"rejected replaces a rejection", DocumentState{Status: DocStatusRejected, Reason: "old"}, false, DocumentState{Status: DocStatusRejected, Reason: "太小"}, "document_rejected"},
		{"rejected after bad", DocumentState{Status: DocStatusBad, DocumentID: "d1", Reason: "模糊"}, false, DocumentState{Status: DocStatusRejected, DocumentID: "d1", Reason: "太小"}, "document_rejected"},
		{"rejected keeps accepted", accepted, false, accepted, "document_rejected"},
		{"accepted replaces accepted", accepted, true, DocumentState{Status: DocStatusAccepted, DocumentID: "d2"}, "document_accepted"},
	} {
		got, action := AttachOutcome(c.cur, "d2", c.accepted, "太小")
		if got != c.want || action != c.action {
			t.Errorf("%s: got %+v %s, want %+v %s", c.name, got, action, c.want, c.action)
		}
	}
}
