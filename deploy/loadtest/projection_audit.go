package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
)

// The audit trail of the synthetic applications: each application's events from creation to its status (a
// certified case has 11, a draft 1; about 7.8 per application over the status mix), in one hash chain in
// time order, as the trigger of migration 00030 would have chained them. The chain is computed here and
// loaded with COPY FREEZE with the triggers off (session_replication_role = replica): the trigger takes an
// advisory lock and hashes in SQL for each row, which at millions of rows would take most of the phase.
// A sample of the loaded rows is then re-hashed by the database (audit_hash) to prove the chain is the one
// the trigger makes.

// auditStep is one audit event of an application's path.
type auditStep struct {
	action, role string
	from, to     skillcert.Status // "" = NULL
	reason       string
	details      string // jsonb text exactly as Postgres renders it, or ""
}

// auditPath is the main path of an application; auditEnds ends a path elsewhere: prefix steps of auditPath,
// then the final step (if any).
var (
	auditPath = []auditStep{
		{action: "created", role: "applicant", to: skillcert.StatusDraft},
		{action: "submit", role: "applicant", from: skillcert.StatusDraft, to: skillcert.StatusPreliminaryReview},
		{action: "step", role: "city_reviewer", from: skillcert.StatusPreliminaryReview, to: skillcert.StatusReReview},
		{action: "step", role: "provincial_reviewer", from: skillcert.StatusReReview, to: skillcert.StatusAwaitingPayment},
		{action: "payment_order_created", role: "applicant", from: skillcert.StatusAwaitingPayment, to: skillcert.StatusAwaitingPayment},
		{action: "payment_confirmed", role: "system", from: skillcert.StatusAwaitingPayment, to: skillcert.StatusExamScheduled},
		{action: "exam_assigned", role: "provincial_reviewer", from: skillcert.StatusExamScheduled, to: skillcert.StatusExamScheduled},
		{action: "attended", role: "city_reviewer", from: skillcert.StatusExamScheduled, to: skillcert.StatusScoring},
		{action: "score_confirmed", role: "provincial_reviewer", from: skillcert.StatusScoring, to: skillcert.StatusComprehensiveReview,
			details: `{"skill": 76.4, "theory": 82.5}`},
		{action: "evaluation_recorded", role: "committee_member", from: skillcert.StatusComprehensiveReview,
			to: skillcert.StatusComprehensiveReview, details: `{"score": 85}`},
		{action: "step", role: "system", from: skillcert.StatusComprehensiveReview, to: skillcert.StatusCertified},
		{action: "revoke", role: "admin", from: skillcert.StatusCertified, to: skillcert.StatusRevoked, reason: "查实材料造假"},
	}
	auditEnds = map[skillcert.Status]struct {
		prefix int
		final  *auditStep
	}{
		skillcert.StatusDraft: {prefix: 1}, skillcert.StatusPreliminaryReview: {prefix: 2}, skillcert.StatusReReview: {prefix: 3},
		skillcert.StatusAwaitingPayment: {prefix: 5}, skillcert.StatusExamScheduled: {prefix: 7}, skillcert.StatusScoring: {prefix: 8},
		skillcert.StatusComprehensiveReview: {prefix: 10}, skillcert.StatusCertified: {prefix: 11}, skillcert.StatusRevoked: {prefix: 12},
		skillcert.StatusCorrectionNeeded: {2, &auditStep{action: "step", role: "city_reviewer", from: skillcert.StatusPreliminaryReview,
			to: skillcert.StatusCorrectionNeeded, reason: "学历证书扫描件不清晰"}},
		skillcert.StatusRejected: {2, &auditStep{action: "step", role: "city_reviewer", from: skillcert.StatusPreliminaryReview,
			to: skillcert.StatusRejected, reason: "不符合申报条件"}},
		skillcert.StatusWithdrawn: {2, &auditStep{action: "withdraw", role: "applicant", from: skillcert.StatusPreliminaryReview,
			to: skillcert.StatusWithdrawn}},
		skillcert.StatusExpired: {5, &auditStep{action: "step", role: "system", from: skillcert.StatusAwaitingPayment,
			to: skillcert.StatusExpired, reason: "缴费期限已过"}},
		skillcert.StatusAbandoned: {7, &auditStep{action: "no_show", role: "city_reviewer", from: skillcert.StatusExamScheduled,
			to: skillcert.StatusAbandoned}},
		skillcert.StatusFailed: {8, &auditStep{action: "score_confirmed", role: "provincial_reviewer", from: skillcert.StatusScoring,
			to: skillcert.StatusFailed, details: `{"skill": 51, "theory": 48.5}`}},
	}
)

// auditSteps are the events of an application in status s, oldest first (shared: not to be changed).
func auditSteps(s skillcert.Status) []auditStep {
	if steps, ok := auditStepsByStatus[s]; ok {
		return steps
	}
	return auditPath[:1]
}

// auditStepsByStatus are auditSteps of each status auditEnds names, made once.
var auditStepsByStatus = func() map[skillcert.Status][]auditStep {
	out := map[skillcert.Status][]auditStep{}
	for s, end := range auditEnds {
		steps := slices.Clone(auditPath[:end.prefix])
		if end.final != nil {
			steps = append(steps, *end.final)
		}
		out[s] = steps
	}
	return out
}()

// seated reports whether an application in status s was given an exam seat (its path passed exam_assigned).
func seated(s skillcert.Status) bool {
	for _, st := range auditSteps(s) {
		if st.action == "exam_assigned" {
			return true
		}
	}
	return false
}

// auditRef is one event to load: its time (µs since the epoch), its application (index into rows) and its
// step on that application's path; 16 bytes, so millions fit.
type auditRef struct {
	at   int64
	app  int32
	step uint8
}

// auditEvents places every application's events between its creation and its last update, in chain
// (time) order.
func auditEvents(rows []appRow) []auditRef {
	var out []auditRef
	for i, r := range rows {
		n := len(auditSteps(r.status))
		first, last := r.createdAt.UnixMicro(), r.updated.UnixMicro()
		for k := 0; k < n; k++ {
			at := first
			if n > 1 {
				at = first + (last-first)*int64(k)/int64(n-1)
			}
			out = append(out, auditRef{at: at, app: int32(i), step: uint8(k)})
		}
	}
	slices.SortFunc(out, func(a, b auditRef) int {
		switch {
		case a.at != b.at:
			return cmpInt(a.at, b.at)
		case a.app != b.app:
			return cmpInt(a.app, b.app)
		}
		return cmpInt(a.step, b.step)
	})
	return out
}

func cmpInt[T int64 | int32 | uint8](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// auditColumns are the columns copyAudit writes, in order.
const auditColumns = "id, subject, application_id, seq, action, at, actor_id, actor_role, from_status, to_status, reason, details, chain_seq, prev_hash, hash, region"

// copyAudit loads the events of rows as one valid chain and moves the chain head to its end. Staff actors
// are drawn from a pool of staff IDs.
func copyAudit(ctx context.Context, pool *pgxpool.Pool, rng *rand.Rand, cat projCatalog, rows []appRow) (int, error) {
	refs := auditEvents(rows)
	staff := make([]string, 300)
	for i := range staff {
		staff[i] = uuidFrom(rng).String()
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("audit load: %w", err)
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("audit load: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// FREEZE needs the table emptied in this transaction; TRUNCATE fires no row trigger. The indexes are
	// built after the copy, each in one sort, rather than row by row.
	rebuild, err := auditIndexes(ctx, tx)
	if err != nil {
		return 0, err
	}
	for _, q := range []string{"SET LOCAL session_replication_role = replica", "TRUNCATE audit_events"} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("audit load: %s: %w", q, err)
		}
	}
	for _, q := range rebuild.drop {
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("audit load: %s: %w", q, err)
		}
	}
	pr, pw := io.Pipe()
	var head string
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		var err error
		head, err = writeAuditCopy(w, cat, rows, refs, staff)
		if err == nil {
			err = w.Flush()
		}
		pw.CloseWithError(err)
	}()
	tag, err := conn.Conn().PgConn().CopyFrom(ctx, pr, "COPY audit_events ("+auditColumns+") FROM STDIN WITH (FREEZE)")
	_ = pr.Close() // ends the writer if the copy failed early
	if err != nil {
		return 0, fmt.Errorf("copy audit events: %w", err)
	}
	for _, q := range rebuild.create {
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("audit load: %s: %w", q, err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE audit_chain_head SET last_seq = $1, last_hash = $2 WHERE id = 1`, len(refs), head); err != nil {
		return 0, fmt.Errorf("audit chain head: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("audit load: %w", err)
	}
	return int(tag.RowsAffected()), checkAuditSample(ctx, pool, len(refs))
}

// indexRebuild are the statements that drop the indexes and unique constraints of a table, and those that
// make them again.
type indexRebuild struct{ drop, create []string }

// auditIndexes reads the indexes of audit_events, whatever the migrations made.
func auditIndexes(ctx context.Context, tx pgx.Tx) (indexRebuild, error) {
	var out indexRebuild
	rows, err := tx.Query(ctx, `SELECT c.conname IS NOT NULL, coalesce(c.conname, i.relname),
			coalesce(pg_get_constraintdef(c.oid), pg_get_indexdef(i.oid))
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
		LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u')
		WHERE x.indrelid = 'audit_events'::regclass ORDER BY c.contype NULLS LAST`)
	if err != nil {
		return out, fmt.Errorf("audit indexes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var constraint bool
		var name, def string
		if err := rows.Scan(&constraint, &name, &def); err != nil {
			return out, fmt.Errorf("audit indexes: %w", err)
		}
		if constraint {
			out.drop = append(out.drop, "ALTER TABLE audit_events DROP CONSTRAINT "+pgx.Identifier{name}.Sanitize())
			out.create = append(out.create, "ALTER TABLE audit_events ADD CONSTRAINT "+pgx.Identifier{name}.Sanitize()+" "+def)
		} else {
			out.drop = append(out.drop, "DROP INDEX "+pgx.Identifier{name}.Sanitize())
			out.create = append(out.create, def)
		}
	}
	return out, rows.Err()
}

// writeAuditCopy writes the events as COPY text and returns the hash of the last one.
func writeAuditCopy(w io.Writer, cat projCatalog, rows []appRow, refs []auditRef, staff []string) (string, error) {
	prev := skillcert.AuditGenesisHash
	var line []byte // reused: one line's buffer for every event
	nullable := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	for i, ref := range refs {
		r := rows[ref.app]
		st := auditSteps(r.status)[ref.step]
		actor := r.applicant.String()
		switch st.role {
		case "system":
			actor = ""
		case "applicant":
		default:
			actor = staff[(int(ref.app)*7+int(ref.step))%len(staff)]
		}
		rec := skillcert.AuditRecord{ChainSeq: int64(i + 1), PrevHash: prev, Subject: "application",
			ApplicationID: r.id.String(), Seq: int64(ref.step) + 1, Action: st.action, AtMicros: ref.at,
			ActorID: nullable(actor), ActorRole: st.role, FromStatus: nullable(string(st.from)),
			ToStatus: nullable(string(st.to)), Reason: nullable(st.reason), Details: nullable(st.details)}
		rec.Hash = skillcert.AuditHash(rec)
		prev = rec.Hash
		line = line[:0]
		at := time.UnixMicro(ref.at).UTC().Format("2006-01-02 15:04:05.000000+00")
		region := cat.regionOf(r) // as the insert trigger of migration 00055 sets it
		for k, v := range []*string{nullable(strconv.FormatInt(rec.ChainSeq, 10)), &rec.Subject, &rec.ApplicationID,
			nullable(strconv.FormatInt(rec.Seq, 10)), &rec.Action, &at, rec.ActorID, &rec.ActorRole, rec.FromStatus,
			rec.ToStatus, rec.Reason, rec.Details, nullable(strconv.FormatInt(rec.ChainSeq, 10)), &rec.PrevHash, &rec.Hash, &region} {
			if k > 0 {
				line = append(line, '\t')
			}
			if v == nil {
				line = append(line, `\N`...)
			} else {
				line = append(line, *v...) // no value holds a tab, newline or backslash
			}
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return "", err
		}
	}
	return prev, nil
}

// auditSample are the chain positions checkAuditSample checks: the first thousand, the last, and 2,000
// spread over the rest.
func auditSample(n int) []int64 {
	var out []int64
	for i := 1; i <= min(n, 1000); i++ {
		out = append(out, int64(i))
	}
	for i := 1000 + n/2000; i < n && n/2000 > 0; i += n / 2000 {
		out = append(out, int64(i))
	}
	return append(out, int64(n))
}

// checkAuditSample has the database recompute the hash, the link and the region of a sample of the loaded events
// (auditSample): a chain the loader computed differently from the trigger
// fails the run here rather than in a verification.
func checkAuditSample(ctx context.Context, pool *pgxpool.Pool, n int) error {
	var checked, bad int
	err := pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE e.hash <> audit_hash(e)
			OR e.prev_hash <> coalesce((SELECT p.hash FROM audit_events p WHERE p.chain_seq = e.chain_seq - 1), $1)
			OR e.region IS DISTINCT FROM (SELECT a.region FROM applications a WHERE a.id = e.application_id))
		FROM audit_events e WHERE e.chain_seq = ANY($2)`, skillcert.AuditGenesisHash, auditSample(n)).Scan(&checked, &bad)
	if err != nil {
		return fmt.Errorf("audit sample check: %w", err)
	}
	var head int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_chain_head h JOIN audit_events e
		ON e.chain_seq = h.last_seq AND e.hash = h.last_hash`).Scan(&head); err != nil {
		return fmt.Errorf("audit head check: %w", err)
	}
	if bad > 0 || head != 1 {
		return fmt.Errorf("audit load: %d of %d sampled events do not chain as the trigger would (head ok: %v)", bad, checked, head == 1)
	}
	return nil
}
