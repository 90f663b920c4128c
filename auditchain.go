package skillcert

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// The audit trail is one hash chain over every event, in the order the events were appended (ChainSeq 1, 2,
// 3, … without gaps). Each event stores PrevHash, the Hash of the event before it (AuditGenesisHash for the
// first), and Hash, the SHA-256 of its own canonical content, which includes PrevHash. Editing an event
// changes its hash; deleting one leaves a gap in ChainSeq and a PrevHash that no longer matches; inserting
// one breaks the links after it. The database computes the same hashes in its insert trigger (migration
// 00030), so the canonical form below must not change without a new version prefix.

// AuditGenesisHash is the PrevHash of the first event.
const AuditGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// auditCanonicalVersion begins the canonical content of every event.
const auditCanonicalVersion = "skillcert-audit-v1"

// AuditRecord is one audit event as the chain sees it. Optional fields are nil when absent; Details is the
// event's JSON exactly as the database renders it (jsonb text).
type AuditRecord struct {
	ChainSeq      int64   `json:"chain_seq"`
	PrevHash      string  `json:"prev_hash"`
	Hash          string  `json:"hash"`
	Subject       string  `json:"subject"` // "application", or "account" for account events
	ApplicationID string  `json:"application_id"`
	Seq           int64   `json:"seq"`
	Action        string  `json:"action"`
	AtMicros      int64   `json:"at_us"` // microseconds since the Unix epoch
	ActorID       *string `json:"actor_id"`
	ActorRole     string  `json:"actor_role"`
	FromStatus    *string `json:"from_status"`
	ToStatus      *string `json:"to_status"`
	Reason        *string `json:"reason"`
	Details       *string `json:"details"`
}

// AuditCanonical is the canonical content of r that its Hash covers: the version, then every field (ChainSeq
// and PrevHash included, Hash excluded) as byte length, ':' and the value, or '~' when absent.
func AuditCanonical(r AuditRecord) string {
	var b strings.Builder
	b.WriteString(auditCanonicalVersion)
	field := func(v *string) {
		if v == nil {
			b.WriteByte('~')
			return
		}
		b.WriteString(strconv.Itoa(len(*v)))
		b.WriteByte(':')
		b.WriteString(*v)
	}
	str := func(s string) { field(&s) }
	num := func(n int64) { str(strconv.FormatInt(n, 10)) }
	num(r.ChainSeq)
	str(r.PrevHash)
	str(r.Subject)
	str(r.ApplicationID)
	num(r.Seq)
	str(r.Action)
	num(r.AtMicros)
	field(r.ActorID)
	str(r.ActorRole)
	field(r.FromStatus)
	field(r.ToStatus)
	field(r.Reason)
	field(r.Details)
	return b.String()
}

// AuditHash is the hex SHA-256 of r's canonical content.
func AuditHash(r AuditRecord) string {
	sum := sha256.Sum256([]byte(AuditCanonical(r)))
	return hex.EncodeToString(sum[:])
}

// AuditVerification is the outcome of checking the chain.
type AuditVerification struct {
	OK          bool   `json:"ok"`
	Events      int64  `json:"events"`
	FirstBadSeq *int64 `json:"first_bad_seq"` // the chain position of the first edited, inserted or missing event
}

// AuditVerifier checks the chain one event at a time, in ChainSeq order, so that a long trail is never
// held in memory. Its zero value expects the chain from its first event.
type AuditVerifier struct {
	events   int64
	next     int64 // the ChainSeq expected next (0 = 1)
	prevHash string
	bad      *int64
}

// Add checks the next event of the chain.
func (v *AuditVerifier) Add(r AuditRecord) {
	v.events++
	if v.bad != nil {
		return
	}
	want := v.next
	if want == 0 {
		want, v.prevHash = 1, AuditGenesisHash
	}
	switch {
	case r.ChainSeq > want: // events want…ChainSeq-1 are missing
		v.fail(want)
	case r.ChainSeq < want: // a duplicate position: an inserted event
		v.fail(r.ChainSeq)
	case r.PrevHash != v.prevHash, AuditHash(r) != r.Hash:
		v.fail(r.ChainSeq)
	}
	v.next, v.prevHash = want+1, r.Hash
}

func (v *AuditVerifier) fail(seq int64) { v.bad = &seq }

// Finish checks the end of the chain against its recorded head (the position and hash of the last event
// appended; headSeq 0 when nothing was ever appended) and returns the outcome. A head beyond the last event
// means events were deleted from the end.
func (v *AuditVerifier) Finish(headSeq int64, headHash string) AuditVerification {
	last := v.next - 1
	if v.next == 0 {
		last, v.prevHash = 0, AuditGenesisHash
	}
	if v.bad == nil {
		switch {
		case headSeq > last:
			v.fail(last + 1)
		case headSeq < last:
			v.fail(headSeq + 1)
		case headHash != v.prevHash:
			v.fail(max(last, 1))
		}
	}
	return AuditVerification{OK: v.bad == nil, Events: v.events, FirstBadSeq: v.bad}
}

// AuditExportFormat names the first line of an audit export (GET /api/v1/admin/exports/audit.jsonl).
const AuditExportFormat = "skillcert-audit-export-v1"

// AuditExportHeader is the first line of an audit export: the chain head its events must end at. Every
// following line is one AuditRecord, in chain order.
type AuditExportHeader struct {
	Format   string `json:"format"`
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash"`
}
