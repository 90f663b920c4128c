package activities

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"skillcert"
	"skillcert/contract"
)

// TestRecordStepOneTransaction runs the fused steps of one application against the real Postgres and
// MinIO: an upload inspected and recorded with its step (the verdict on the document row and in the
// projection's checklist), a payment order, a payment, a certificate. Each is run twice (a local activity
// may run twice) and writes once. A step whose projection write fails for good (a notification with a
// malformed recipient: SQLSTATE 22P02) leaves its payment or certificate unwritten too.
func TestRecordStepOneTransaction(t *testing.T) {
	pool, applicant := testPool(t)
	ctx := context.Background()
	store := testStore(t, "step-")
	a := &Activities{Pool: pool, Store: store}
	var err error
	appID, docID, orderID := uuid.NewString(), uuid.NewString(), uuid.NewString()
	view := map[string]any{"checklist": []map[string]any{{"doc_type": "photo", "label": "电子照片", "required": true, "status": "missing"}}}
	step := func(seq int64, status skillcert.Status) TransitionRecord {
		rec := record(appID, applicant, seq, status)
		rec.Row.View = view
		return rec
	}
	first := step(1, skillcert.StatusDraft)
	if err := a.RecordTransition(ctx, first); err != nil {
		t.Fatal(err)
	}
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, query, args...).Scan(&n); err != nil {
			t.Fatal(query, err)
		}
		return n
	}
	twice := func(in StepInput) StepResult {
		t.Helper()
		var res StepResult
		for range 2 {
			if res, err = a.RecordStep(ctx, in); err != nil {
				t.Fatalf("step #%d: %v", in.Record.Seq, err)
			}
		}
		if n := count(`SELECT count(*) FROM audit_events WHERE application_id = $1 AND seq = $2`, appID, in.Record.Seq); n != 1 {
			t.Fatalf("step #%d: %d audit events", in.Record.Seq, n)
		}
		return res
	}

	key := "applications/" + appID + "/" + docID
	if _, err := pool.Exec(ctx, `INSERT INTO documents (id, application_id, doc_type, object_key, filename, declared_type, declared_size, created_by)
		VALUES ($1, $2, 'photo', $3, 'photo.png', 'image/png', 1, $4)`, docID, appID, key, applicant); err != nil {
		t.Fatal(err)
	}
	photo := whitePortrait(t, 255)
	if _, err := store.Put(ctx, key, photo, "image/png"); err != nil {
		t.Fatal(err)
	}
	rule, _ := skillcert.DocRuleFor(skillcert.Level5, skillcert.PathwayStandard, skillcert.DocPhoto)
	res := twice(StepInput{Record: step(2, skillcert.StatusDraft), Inspect: &InspectInput{ApplicationID: appID, DocumentID: docID, Rule: rule}})
	if res.Inspection == nil || !res.Inspection.Accepted || res.Inspection.SHA256 != sha256Hex(photo) {
		t.Fatalf("verdict %+v", res.Inspection)
	}
	var docStatus, action string
	var stored []byte
	if err := pool.QueryRow(ctx, `SELECT d.status, e.action, a.view FROM documents d, audit_events e, applications a
		WHERE d.id = $1 AND e.application_id = $2 AND e.seq = 2 AND a.id = $2`, docID, appID).Scan(&docStatus, &action, &stored); err != nil {
		t.Fatal(err)
	}
	var got struct{ Checklist []skillcert.DocumentState }
	if err := json.Unmarshal(stored, &got); err != nil || docStatus != "accepted" || action != "document_accepted" ||
		len(got.Checklist) != 1 || got.Checklist[0] != (skillcert.DocumentState{Status: "accepted", DocumentID: docID}) {
		t.Fatalf("document %s, audit %s, view %s (%v)", docStatus, action, stored, err)
	}

	order := OrderInput{OrderID: orderID, ApplicationID: appID, AmountFen: 30000, DueAt: time.Now().Add(time.Hour), At: time.Now()}
	twice(StepInput{Record: step(3, skillcert.StatusAwaitingPayment), Order: &order})
	if n := count(`SELECT count(*) FROM payment_orders WHERE id = $1 AND status = 'open'`, orderID); n != 1 {
		t.Fatalf("%d open orders", n)
	}

	payment := PaymentInput{TransactionID: "tx-" + appID, OrderID: orderID, ApplicationID: appID, AmountFen: 30000, PaidAt: time.Now(), Outcome: "applied"}
	broken := step(4, skillcert.StatusExamScheduled)
	broken.Notifications = []Notification{{Kind: "paid", RecipientRole: skillcert.RoleApplicant, RecipientID: "not-a-uuid", Message: "x"}}
	if _, err := a.RecordStep(ctx, StepInput{Record: broken, Payment: &payment}); err == nil {
		t.Fatal("a step with a malformed notification was written")
	}
	if n := count(`SELECT count(*) FROM payments WHERE application_id = $1`, appID); n != 0 {
		t.Fatalf("the payment of a failed step was recorded (%d)", n)
	}
	twice(StepInput{Record: step(4, skillcert.StatusExamScheduled), Payment: &payment})
	if n := count(`SELECT count(*) FROM payments p JOIN payment_orders o ON o.id = p.order_id WHERE p.application_id = $1 AND o.status = 'paid'`, appID); n != 1 {
		t.Fatalf("%d applied payments of a paid order", n)
	}

	issue := IssueInput{ApplicationID: appID, ApplicantID: applicant, OccupationCode: "6-31-01-03", OccupationName: "电工",
		Level: skillcert.Level5, IssuedOn: skillcert.Date{Year: 2026, Month: 11, Day: 29}, SiteCode: "000001"}
	certified := step(5, skillcert.StatusCertified)
	certified.Notifications = []Notification{{Kind: "certified", RecipientRole: skillcert.RoleApplicant, RecipientID: applicant,
		Message: "证书编号 " + contract.CertificateNumberPlaceholder + "。"}}
	brokenCert := certified
	brokenCert.Notifications = []Notification{{Kind: "certified", RecipientRole: skillcert.RoleApplicant, RecipientID: "not-a-uuid", Message: "x"}}
	if _, err := a.RecordStep(ctx, StepInput{Record: brokenCert, Certificate: &issue}); err == nil {
		t.Fatal("a certifying step with a malformed notification was written")
	}
	if n := count(`SELECT count(*) FROM certificates WHERE application_id = $1`, appID); n != 0 {
		t.Fatalf("the certificate of a failed step was issued (%d)", n)
	}
	res = twice(StepInput{Record: certified, Certificate: &issue})
	var number, message string
	if err := pool.QueryRow(ctx, `SELECT a.certificate_number, a.view->>'certificate_number', n.message FROM applications a
		JOIN notifications n ON n.application_id = a.id AND n.kind = 'certified' WHERE a.id = $1`, appID).Scan(&number, &action, &message); err != nil {
		t.Fatal(err)
	}
	if res.CertificateNumber == "" || number != res.CertificateNumber || action != number || message != "证书编号 "+number+"。" ||
		strings.Contains(certified.Notifications[0].Message, number) {
		t.Fatalf("certificate %q: row %q, view %q, message %q; the caller's record %q", res.CertificateNumber, number, action, message, certified.Notifications[0].Message)
	}
	if n := count(`SELECT count(*) FROM certificates WHERE application_id = $1`, appID); n != 1 {
		t.Fatalf("%d certificates", n)
	}
}
