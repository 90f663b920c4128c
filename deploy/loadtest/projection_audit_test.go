package main

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"skillcert"
)

// TestAuditCopyIsOneChain: the audit rows the loader copies form one chain that skillcert.AuditVerifier
// accepts, in time order, with each application's events numbered from 1 and ending in its status.
func TestAuditCopyIsOneChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cat := projCatalog{batches: projBatches(time.Now()), occs: skillcert.SeedOccupations(), regions: regionMix()}
	var rows []appRow
	for range 300 {
		rows = append(rows, cat.genApp(rng, uuidFrom(rng), -1))
	}
	refs := auditEvents(rows)
	var buf bytes.Buffer
	head, err := writeAuditCopy(&buf, cat, rows, refs, []string{uuidFrom(rng).String()})
	if err != nil {
		t.Fatal(err)
	}
	cols := strings.Split(auditColumns, ", ")
	var v skillcert.AuditVerifier
	last := map[string]string{} // application → status after its newest event
	var prevAt int64
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	for _, line := range lines {
		f := map[string]*string{}
		for i, val := range strings.Split(line, "\t") {
			if val != `\N` {
				f[cols[i]] = &val
			}
		}
		num := func(c string) int64 { n, _ := strconv.ParseInt(*f[c], 10, 64); return n }
		at, err := time.Parse("2006-01-02 15:04:05.000000-07", *f["at"])
		if err != nil || at.UnixMicro() < prevAt {
			t.Fatalf("event %s at %s (%v): not in time order", *f["chain_seq"], *f["at"], err)
		}
		prevAt = at.UnixMicro()
		v.Add(skillcert.AuditRecord{ChainSeq: num("chain_seq"), PrevHash: *f["prev_hash"], Hash: *f["hash"], Subject: *f["subject"],
			ApplicationID: *f["application_id"], Seq: num("seq"), Action: *f["action"], AtMicros: at.UnixMicro(),
			ActorID: f["actor_id"], ActorRole: *f["actor_role"], FromStatus: f["from_status"], ToStatus: f["to_status"],
			Reason: f["reason"], Details: f["details"]})
		if num("id") != num("chain_seq") {
			t.Fatalf("id %d is not the chain position %d", num("id"), num("chain_seq"))
		}
		last[*f["application_id"]] = *f["to_status"]
	}
	if res := v.Finish(int64(len(lines)), head); !res.OK || res.Events != int64(len(refs)) {
		t.Fatalf("the copied chain does not verify: %+v", res)
	}
	for _, r := range rows {
		if got := last[r.id.String()]; got != string(r.status) {
			t.Fatalf("application in %s: its last event ends in %q", r.status, got)
		}
	}
}
