package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"

	"skillcert/activities"
)

// projectionWrites are the activities that write the projection, by activity type. Each is a method of
// activities.Activities with one input; reproject calls it again with the recorded input, except
// IssueCertificate, whose recorded number is restored rather than issued anew, and RecordStep (fused
// executions), which activities.RestoreStep writes again from its recorded input and result (its
// certificate restored, its upload not inspected again). InspectDocument is not among them: document rows
// are created by the gateway, not the workflow (see deploy/OPERATIONS.md).
// RevokeApplication (the revocation workflow of completed certified cases) and RecordIncident are listed for
// the workflow work that adds them; an activity a history does not use is never called.
var projectionWrites = map[string]bool{
	"RecordStep": true, "RecordTransition": true, "CreatePaymentOrder": true, "RecordPayment": true, "Notify": true,
	"IssueCertificate": true, "RevokeCertificate": true, "RevokeApplication": true, "RecordIncident": true,
}

// apply re-applies one completed write. args and result are plain JSON payloads (not encrypted).
func (r *reprojector) apply(ctx context.Context, w write) error {
	switch {
	case w.activity == "IssueCertificate":
		in, err := arg[activities.IssueInput](w.args)
		if err != nil {
			return err
		}
		var number string
		if w.result == nil || plainJSON.FromPayload(w.result, &number) != nil || number == "" {
			return errors.New("the workflow got no certificate number")
		}
		return activities.RestoreCertificate(ctx, r.pool, r.acts.CertSerialKey, in, number)
	case w.activity == "RecordStep":
		in, err := arg[activities.StepInput](w.args)
		if err != nil {
			return err
		}
		var res activities.StepResult
		if w.result == nil || plainJSON.FromPayload(w.result, &res) != nil {
			return errors.New("the workflow got no result of its step")
		}
		return activities.RestoreStep(ctx, r.acts, in, res, !r.skipOutbox)
	case w.activity == "RecordTransition" && r.skipOutbox:
		rec, err := arg[activities.TransitionRecord](w.args)
		if err != nil {
			return err
		}
		rec.Notifications = nil
		return r.acts.RecordTransition(ctx, rec)
	case w.activity == "Notify" && r.skipOutbox:
		return nil
	}
	return r.call(ctx, w.activity, w.args)
}

// call runs the activity method named activity with its recorded input decoded into the method's input type.
func (r *reprojector) call(ctx context.Context, activity string, args *commonpb.Payloads) error {
	m := reflect.ValueOf(r.acts).MethodByName(activity)
	if !projectionWrites[activity] || !m.IsValid() || m.Type().NumIn() != 2 || m.Type().NumOut() == 0 {
		return fmt.Errorf("%s is not a projection write of this version", activity)
	}
	if n := len(args.GetPayloads()); n != 1 {
		return fmt.Errorf("%d arguments, want 1", n)
	}
	in := reflect.New(m.Type().In(1))
	if err := plainJSON.FromPayload(args.GetPayloads()[0], in.Interface()); err != nil {
		return fmt.Errorf("decode the input of %s: %w", activity, err)
	}
	out := m.Call([]reflect.Value{reflect.ValueOf(ctx), in.Elem()})
	if err, _ := out[len(out)-1].Interface().(error); err != nil {
		return err
	}
	return nil
}

// arg decodes the single argument of an activity call as a T.
func arg[T any](args *commonpb.Payloads) (T, error) {
	var v T
	if n := len(args.GetPayloads()); n != 1 {
		return v, fmt.Errorf("%d arguments, want 1", n)
	}
	if err := plainJSON.FromPayload(args.GetPayloads()[0], &v); err != nil {
		return v, fmt.Errorf("decode argument as a %T: %w", v, err)
	}
	return v, nil
}
