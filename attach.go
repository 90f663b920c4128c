package skillcert

// Checklist document statuses, as the workflow's checklist and the projection's view spell them.
const (
	DocStatusMissing  = "missing"  // nothing accepted yet
	DocStatusAccepted = "accepted" // inspected and accepted
	DocStatusRejected = "rejected" // the last upload failed inspection
	DocStatusBad      = "bad"      // a reviewer marked it bad; a new upload is needed
)

// DocumentState is where one checklist document stands: its status, the accepted document and why the last
// upload was refused.
type DocumentState struct {
	Status     string `json:"status"`
	DocumentID string `json:"document_id,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// AttachOutcome applies an inspection verdict on the upload documentID to the checklist document cur and
// returns its new state and the audit action. An accepted upload replaces whatever was there; a refused one
// is recorded with its reason, except that it never replaces an earlier accepted document.
func AttachOutcome(cur DocumentState, documentID string, accepted bool, reason string) (DocumentState, string) {
	if accepted {
		return DocumentState{Status: DocStatusAccepted, DocumentID: documentID}, "document_accepted"
	}
	if cur.Status != DocStatusAccepted {
		cur.Status, cur.Reason = DocStatusRejected, reason
	}
	return cur, "document_rejected"
}
