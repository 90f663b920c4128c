package main

import (
	"encoding/json"
	"strings"
	"testing"

	"skillcert"
)

func export(t *testing.T, n int, edit func([]skillcert.AuditRecord) []skillcert.AuditRecord) string {
	t.Helper()
	var rs []skillcert.AuditRecord
	prev := skillcert.AuditGenesisHash
	for i := 1; i <= n; i++ {
		d := `{"component": "theory"}`
		r := skillcert.AuditRecord{ChainSeq: int64(i), PrevHash: prev, Subject: "application",
			ApplicationID: "7d0c2b1e-0000-4000-8000-000000000001", Seq: int64(i), Action: "score_entered",
			AtMicros: 1764000000000000 + int64(i), ActorRole: "provincial_reviewer", Details: &d}
		r.Hash = skillcert.AuditHash(r)
		prev = r.Hash
		rs = append(rs, r)
	}
	head := skillcert.AuditExportHeader{Format: skillcert.AuditExportFormat, HeadSeq: int64(n), HeadHash: prev}
	if edit != nil {
		rs = edit(rs)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	_ = enc.Encode(head)
	for _, r := range rs {
		_ = enc.Encode(r)
	}
	return b.String()
}

func TestVerifyExport(t *testing.T) {
	res, err := verifyExport(strings.NewReader(export(t, 5, nil)))
	if err != nil || !res.OK || res.Events != 5 {
		t.Fatalf("intact export: %+v, %v", res, err)
	}
	res, err = verifyExport(strings.NewReader(export(t, 5, func(rs []skillcert.AuditRecord) []skillcert.AuditRecord {
		d := `{"component": "skill"}`
		rs[1].Details = &d
		return rs
	})))
	if err != nil || res.OK || res.FirstBadSeq == nil || *res.FirstBadSeq != 2 {
		t.Fatalf("edited event 2: %+v, %v", res, err)
	}
	res, err = verifyExport(strings.NewReader(export(t, 5, func(rs []skillcert.AuditRecord) []skillcert.AuditRecord {
		return append(rs[:2], rs[3:]...)
	})))
	if err != nil || res.OK || res.FirstBadSeq == nil || *res.FirstBadSeq != 3 {
		t.Fatalf("deleted event 3: %+v, %v", res, err)
	}
	if _, err := verifyExport(strings.NewReader("{\"chain_seq\":1}\n")); err == nil {
		t.Fatal("a file without header was accepted")
	}
}
