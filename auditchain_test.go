package skillcert

import (
	"slices"
	"testing"
)

// chain builds n linked audit records.
func chain(n int) []AuditRecord {
	out := make([]AuditRecord, 0, n)
	prev := AuditGenesisHash
	for i := 1; i <= n; i++ {
		reason := "原因"
		details := `{"score": 88.5}`
		r := AuditRecord{ChainSeq: int64(i), PrevHash: prev, Subject: "application",
			ApplicationID: "5f0c2b1e-0000-4000-8000-00000000000" + string(rune('0'+i%10)), Seq: int64(i), Action: "submit",
			AtMicros: 1700000000000000 + int64(i), ActorRole: "applicant", Reason: &reason, Details: &details}
		if i%2 == 0 {
			r.Reason, r.Details = nil, nil
		}
		r.Hash = AuditHash(r)
		prev = r.Hash
		out = append(out, r)
	}
	return out
}

func verify(rs []AuditRecord, headSeq int64, headHash string) AuditVerification {
	var v AuditVerifier
	for _, r := range rs {
		v.Add(r)
	}
	return v.Finish(headSeq, headHash)
}

func TestAuditChainDetectsTampering(t *testing.T) {
	good := chain(6)
	head, headHash := int64(6), good[5].Hash
	if got := verify(good, head, headHash); !got.OK || got.Events != 6 || got.FirstBadSeq != nil {
		t.Fatalf("intact chain: %+v", got)
	}
	if got := verify(nil, 0, AuditGenesisHash); !got.OK || got.Events != 0 {
		t.Fatalf("empty chain: %+v", got)
	}
	cases := map[string]struct {
		rs      []AuditRecord
		headSeq int64
		want    int64
	}{
		"edited reason": {rs: func() []AuditRecord {
			rs := slices.Clone(good)
			r := "改过的原因"
			rs[2].Reason = &r
			return rs
		}(), headSeq: head, want: 3},
		"reason removed (NULL, not empty)": {rs: func() []AuditRecord {
			rs := slices.Clone(good)
			e := ""
			rs[0].Reason = &e
			return rs
		}(), headSeq: head, want: 1},
		"edited and rehashed": {rs: func() []AuditRecord {
			rs := slices.Clone(good)
			rs[3].Action = "approve"
			rs[3].Hash = AuditHash(rs[3])
			return rs
		}(), headSeq: head, want: 5},
		"deleted":       {rs: slices.Delete(slices.Clone(good), 3, 4), headSeq: head, want: 4},
		"deleted first": {rs: slices.Clone(good)[1:], headSeq: head, want: 1},
		"deleted last":  {rs: slices.Clone(good)[:5], headSeq: head, want: 6},
		"inserted": {rs: func() []AuditRecord {
			rs := slices.Clone(good)
			fake := rs[2]
			fake.Action = "forged"
			fake.Hash = AuditHash(fake)
			return slices.Insert(rs, 3, fake)
		}(), headSeq: head, want: 3},
	}
	for name, tc := range cases {
		got := verify(tc.rs, tc.headSeq, headHash)
		if got.OK || got.FirstBadSeq == nil || *got.FirstBadSeq != tc.want {
			t.Errorf("%s: %+v, want first_bad_seq %d", name, got, tc.want)
		}
	}
}

// The canonical content is unambiguous: moving bytes between fields changes it.
func TestAuditCanonicalUnambiguous(t *testing.T) {
	a, b := "ab", "c"
	c, d := "a", "bc"
	r1 := AuditRecord{Reason: &a, Details: &b}
	r2 := AuditRecord{Reason: &c, Details: &d}
	if AuditCanonical(r1) == AuditCanonical(r2) {
		t.Fatal("fields are not delimited")
	}
	empty := ""
	if AuditHash(AuditRecord{Reason: &empty}) == AuditHash(AuditRecord{}) {
		t.Fatal("an empty field hashes like an absent one")
	}
}
