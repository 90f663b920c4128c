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

// TestLeanSideEffectsRunAsLocalActivities drives a 三级 application to certification twice: as a new
// (lean-2026-11) execution, every side effect of its human actions runs as a local activity and no
// regular activity is scheduled; as an execution started before lean-2026-11, inspection, payment order,
// payment record and certificate issue stay regular activities, as their histories recorded.
func TestLeanSideEffectsRunAsLocalActivities(t *testing.T) {
	for _, lean := range []bool{true, false} {
		h := newHarness(t, baseInput(skillcert.Level3))
		if !lean {
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
			t.Fatalf("lean=%v: status %s, want certified", lean, got)
		}
		moved := []string{contract.InspectDocument, contract.CreatePaymentOrder, contract.RecordPayment, contract.IssueCertificate}
		for _, name := range moved {
			inLocal, inRegular := slices.Contains(*local, name), slices.Contains(*regular, name)
			if lean && (!inLocal || inRegular) || !lean && (inLocal || !inRegular) {
				t.Errorf("lean=%v: %s local %v regular %v", lean, name, inLocal, inRegular)
			}
		}
		if lean && len(*regular) > 0 {
			t.Errorf("lean execution scheduled regular activities %v", *regular)
		}
		if !slices.Contains(*local, contract.RecordTransition) {
			t.Errorf("lean=%v: projection writes are not local activities (%v)", lean, *local)
		}
	}
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
