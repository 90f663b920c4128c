package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/schema/db"
)

// The audit trail is a hash chain (skillcert.AuditVerifier, migration 00030). GET /api/v1/admin/audit/verify
// recomputes it in the database's snapshot; GET /api/v1/admin/exports/audit.jsonl exports it for `make
// audit-verify`, which checks the file offline with the same code.

// auditChainBatch is how many events are read at a time.
const auditChainBatch = 2000

// walkAuditChain reads the chain head and then every event in chain order, all in one read-only snapshot
// (events appended meanwhile are neither counted nor expected), calling head once and each for every event.
func walkAuditChain(ctx context.Context, pool *pgxpool.Pool, head func(seq int64, hash string) error,
	each func(skillcert.AuditRecord) error) error {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("begin audit snapshot: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	q := db.New(tx)
	h, err := q.GetAuditChainHead(ctx)
	if err != nil {
		return fmt.Errorf("read audit chain head: %w", err)
	}
	if err := head(h.LastSeq, h.LastHash); err != nil {
		return err
	}
	after := int64(0)
	for {
		rows, err := q.ListAuditChain(ctx, db.ListAuditChainParams{After: after, Lim: auditChainBatch})
		if err != nil {
			return fmt.Errorf("read audit chain after %d: %w", after, err)
		}
		for _, r := range rows {
			if err := each(auditRecord(r)); err != nil {
				return err
			}
			after = r.ChainSeq
		}
		if len(rows) < auditChainBatch {
			return nil
		}
	}
}

func auditRecord(r db.ListAuditChainRow) skillcert.AuditRecord {
	var details *string
	if r.HasDetails {
		details = &r.Details
	}
	return skillcert.AuditRecord{ChainSeq: r.ChainSeq, PrevHash: r.PrevHash, Hash: r.Hash, Subject: r.Subject,
		ApplicationID: r.ApplicationID, Seq: r.Seq, Action: r.Action, AtMicros: r.AtUs, ActorID: r.ActorID,
		ActorRole: r.ActorRole, FromStatus: r.FromStatus, ToStatus: r.ToStatus, Reason: r.Reason, Details: details}
}

// verifyAudit answers whether the audit trail is intact, and where it was first changed.
func (a *app) verifyAudit(c *fiber.Ctx) error {
	var v skillcert.AuditVerifier
	var headSeq int64
	var headHash string
	err := walkAuditChain(c.UserContext(), a.pool,
		func(seq int64, hash string) error { headSeq, headHash = seq, hash; return nil },
		func(r skillcert.AuditRecord) error { v.Add(r); return nil })
	if err != nil {
		return fmt.Errorf("verify audit chain: %w", err)
	}
	res := v.Finish(headSeq, headHash)
	if !res.OK {
		a.log.Warn("audit chain broken", "first_bad_seq", *res.FirstBadSeq, "events", res.Events)
	}
	return c.JSON(res)
}

// exportAudit streams the whole audit trail as JSON lines: the header, then one skillcert.AuditRecord per
// event in chain order. `make audit-verify FILE=…` checks such a file offline.
func (a *app) exportAudit(c *fiber.Ctx) error {
	ctx := detached(c)
	c.Set(fiber.HeaderContentType, "application/x-ndjson")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit.jsonl"`)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		enc := json.NewEncoder(w)
		err := walkAuditChain(ctx, a.pool,
			func(seq int64, hash string) error {
				return enc.Encode(skillcert.AuditExportHeader{Format: skillcert.AuditExportFormat, HeadSeq: seq, HeadHash: hash})
			},
			func(r skillcert.AuditRecord) error {
				if err := enc.Encode(r); err != nil {
					return err
				}
				if r.ChainSeq%auditChainBatch == 0 {
					return w.Flush()
				}
				return nil
			})
		if err != nil { // the status is sent already: the truncated file fails verification
			a.log.Error("export audit chain", "error", err)
		}
		_ = w.Flush()
	})
	return nil
}

// auditChainRoutes are the verification and the export of the audit hash chain.
func (a *app) auditChainRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/admin/audit/verify", Roles: []skillcert.Role{skillcert.RoleAdmin, skillcert.RoleSupervisor}, Handler: a.verifyAudit,
			Tag: "admin", Summary: "Recompute the audit hash chain: ok, events checked, and the chain position of the first edited, inserted or deleted event (null when ok)",
			Response: skillcert.AuditVerification{}, Errors: []int{503}},
		{Method: "GET", Path: "/api/v1/admin/exports/audit.jsonl", Roles: rolesAdmin, Handler: a.exportAudit, Tag: "admin",
			Summary:     "Export the audit hash chain as JSON lines (a header with the chain head, then every event) for offline verification (make audit-verify)",
			ContentType: "application/x-ndjson", Errors: []int{503}},
	}
}
