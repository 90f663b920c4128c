// Command audit-verify checks an exported audit trail offline: it recomputes the hash chain of a file from
// GET /api/v1/admin/exports/audit.jsonl and prints {"ok", "events", "first_bad_seq"}. It exits 0 when the
// chain is intact, 1 when it was edited, or events were inserted or deleted, and 2 when the file is unreadable.
//
//	go run ./cmd/audit-verify audit.jsonl     (or: make audit-verify FILE=audit.jsonl)
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"skillcert"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: audit-verify <audit.jsonl>   (- reads standard input)")
		os.Exit(2)
	}
	in := os.Stdin
	if os.Args[1] != "-" {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "audit-verify:", err)
			os.Exit(2)
		}
		defer f.Close()
		in = f
	}
	res, err := verifyExport(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "audit-verify:", err)
		os.Exit(2)
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	if !res.OK {
		os.Exit(1)
	}
}

// verifyExport reads the header line and the events of an export and checks the chain.
func verifyExport(r io.Reader) (skillcert.AuditVerification, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return skillcert.AuditVerification{}, err
		}
		return skillcert.AuditVerification{}, errors.New("empty file: no export header")
	}
	var h skillcert.AuditExportHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Format != skillcert.AuditExportFormat {
		return skillcert.AuditVerification{}, fmt.Errorf("line 1 is not a %s header", skillcert.AuditExportFormat)
	}
	var v skillcert.AuditVerifier
	for line := 2; sc.Scan(); line++ {
		var rec skillcert.AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return skillcert.AuditVerification{}, fmt.Errorf("line %d: %w", line, err)
		}
		v.Add(rec)
	}
	if err := sc.Err(); err != nil {
		return skillcert.AuditVerification{}, err
	}
	return v.Finish(h.HeadSeq, h.HeadHash), nil
}
