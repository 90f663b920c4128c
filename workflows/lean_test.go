package workflows

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"

	"skillcert"
	"skillcert/contract"
)

// TestLeanSideEffectsRunAsLocalActivities drives a 三级 application to certification three times: as a
// new (fused-2026-11) execution, each side effect of a human action and its projection write are one
// local activity (RecordStep) and no regular activity is scheduled; as a lean-2026-11 execution, the side
// effects are local activities of their own beside RecordTransition; as an execution started before
// lean-2026-11, inspection, payment order, payment record and certificate issue stay regular activities,
// as their histories recorded.
func TestLeanSideEffectsRunAsLocalActivities(t *testing.T) {
	for _, version := range []string{"fused", "lean", "old"} {
		h := newHarness(t, baseInput(skillcert.Level3))
		switch version {
		case "lean":
			h.preFused()
		case "old":
			h.preLean()
		}
		local, regular := h.activityStarts()
		h.update(UpdateCreated, nil)
		h.approveToPayment()
		h.payAndSit()
		h.enterBoth(skillcert.ComponentTheory, prov1, prov2, 72.5)
		h.enterBoth(skillcert.ComponentSkill, city1, city2, 60)
		h.run()
		if got := h.status(); got != skillcert.StatusCertified {
			t.Fatalf("%s: status %s, want certified", version, got)
		}
		moved := []string{contract.InspectDocument, contract.CreatePaymentOrder, contract.RecordPayment, contract.IssueCertificate}
		for _, name := range moved {
			inLocal, inRegular := slices.Contains(*local, name), slices.Contains(*regular, name)
			want := map[string][2]bool{"fused": {false, false}, "lean": {true, false}, "old": {false, true}}[version]
			if inLocal != want[0] || inRegular != want[1] {
				t.Errorf("%s: %s local %v regular %v", version, name, inLocal, inRegular)
			}
		}
		if version != "old" && len(*regular) > 0 {
			t.Errorf("%s execution scheduled regular activities %v", version, *regular)
		}
		if !slices.Contains(*local, contract.RecordTransition) {
			t.Errorf("%s: projection writes are not local activities (%v)", version, *local)
		}
		if fused := slices.Contains(*local, contract.RecordStep); fused != (version == "fused") {
			t.Errorf("%s: RecordStep ran: %v", version, fused)
		}
		if version != "fused" {
			continue
		}
		docs := 0
		for _, rule := range h.in.Checklist {
			if rule.Required {
				docs++
			}
		}
		want := append(slices.Repeat([]string{"inspect"}, docs), "order", "payment", "certificate")
		if !slices.Equal(h.steps, want) {
			t.Errorf("fused steps %v, want %v", h.steps, want)
		}
		if n := countOf(*local, contract.RecordTransition) + countOf(*local, contract.RecordStep); n != len(h.records) {
			t.Errorf("%d local writes for %d records: a step wrote twice or not at all (%v)", n, len(h.records), *local)
		}
	}
}

func countOf(list []string, name string) int {
	n := 0
	for _, s := range list {
		if s == name {
			n++
		}
	}
	return n
}

// TestLeanReminderAndBatchReread covers the deadline path of a lean execution: the payment reminder
// (Notify) and the batch re-read before the deadline acts (LoadBatchWindows) are local activities too.
func TestLeanReminderAndBatchReread(t *testing.T) {
	in := baseInput(skillcert.Level5)
	in.Policy.PaymentReminderBefore = time.Hour
	h := newHarness(t, in)
	local, regular := h.activityStarts()
	h.update(UpdateCreated, nil)
	h.approveToPayment()
	h.run()
	if got := h.status(); got != skillcert.StatusExpired {
		t.Fatalf("status %s, want expired", got)
	}
	for _, name := range []string{contract.Notify, contract.LoadBatchWindows} {
		if !slices.Contains(*local, name) || slices.Contains(*regular, name) {
			t.Errorf("%s: local %v, regular %v", name, *local, *regular)
		}
	}
}

// activityStarts records the types of the local and the regular activities the workflow starts.
func (h *harness) activityStarts() (local, regular *[]string) {
	local, regular = new([]string), new([]string)
	h.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, _ []any) {
		*local = append(*local, info.ActivityType.Name)
	})
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		*regular = append(*regular, info.ActivityType.Name)
	})
	return local, regular
}
