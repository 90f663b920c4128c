package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"skillcert/activities"
)

// reprojector rebuilds the projection of a case by re-applying, in history order, the projection writes
// its workflow's activities completed: the same RecordTransition (and payment, notification, certificate)
// write paths the worker uses. Those writes are idempotent and ordered by the workflow's sequence number,
// so rows that survived are left as they are and only what is missing or behind is written again.
type reprojector struct {
	temporal   client.Client
	dc         converter.DataConverter
	pool       *pgxpool.Pool
	acts       *activities.Activities
	taskQueue  string
	skipOutbox bool
}

// caseResult is what rebuilding one case did.
type caseResult struct {
	runs, writes int
	err          error
}

// reprojectCase rebuilds one case from every run of its workflow (oldest first).
func (r *reprojector) reprojectCase(ctx context.Context, workflowID string) caseResult {
	var res caseResult
	runs, err := r.runsOf(ctx, workflowID)
	if err == nil && len(runs) == 0 {
		err = fmt.Errorf("no workflow (never started, or closed longer ago than the namespace's retention)")
	}
	for _, runID := range runs {
		if err != nil {
			break
		}
		var n int
		n, err = r.replayRun(ctx, workflowID, runID)
		res.runs++
		res.writes += n
	}
	if err != nil {
		res.err = fmt.Errorf("%s: %w", workflowID, err)
	}
	return res
}

// runsOf lists the runs of a workflow, oldest first.
func (r *reprojector) runsOf(ctx context.Context, workflowID string) ([]string, error) {
	type run struct {
		id    string
		start int64
	}
	var runs []run
	var token []byte
	for {
		resp, err := r.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s'", workflowID), NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			runs = append(runs, run{e.GetExecution().GetRunId(), e.GetStartTime().AsTime().UnixNano()})
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].start < runs[j].start })
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.id
	}
	return ids, nil
}

// replayRun re-applies the projection writes of one run and returns how many it re-applied. Only
// activities that completed are re-applied: one still running will write by itself, and one that failed
// wrote nothing.
func (r *reprojector) replayRun(ctx context.Context, workflowID, runID string) (int, error) {
	iter := r.temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	scheduled := map[int64]*historypb.ActivityTaskScheduledEventAttributes{}
	writes := 0
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			return writes, fmt.Errorf("read history: %w", err)
		}
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			a := ev.GetActivityTaskScheduledEventAttributes()
			if _, ok := writers[a.GetActivityType().GetName()]; ok {
				scheduled[ev.GetEventId()] = a
			}
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			done := ev.GetActivityTaskCompletedEventAttributes()
			a, ok := scheduled[done.GetScheduledEventId()]
			if !ok {
				continue
			}
			name := a.GetActivityType().GetName()
			if err := writers[name](ctx, r, a.GetInput(), done.GetResult()); err != nil {
				return writes, fmt.Errorf("event %d %s: %w", ev.GetEventId(), name, err)
			}
			writes++
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if err := r.checkLocalActivity(ev.GetMarkerRecordedEventAttributes()); err != nil {
				return writes, fmt.Errorf("event %d: %w", ev.GetEventId(), err)
			}
		}
	}
	return writes, nil
}

// checkLocalActivity refuses a history where a projection write ran as a local activity: its marker
// records the result but not the input, so the write cannot be re-applied from history. Rebuilding such
// cases needs the write's record in the marker's result (see deploy/OPERATIONS.md).
func (r *reprojector) checkLocalActivity(m *historypb.MarkerRecordedEventAttributes) error {
	if m.GetMarkerName() != "LocalActivity" {
		return nil
	}
	var data struct{ ActivityType string }
	if err := r.dc.FromPayloads(m.GetDetails()["data"], &data); err != nil {
		return fmt.Errorf("decode local activity marker: %w", err)
	}
	if _, ok := writers[data.ActivityType]; ok {
		return fmt.Errorf("%s ran as a local activity: its input is not in the history", data.ActivityType)
	}
	return nil
}

// writer re-applies one completed activity from its recorded input and result.
type writer func(ctx context.Context, r *reprojector, input, result *commonpb.Payloads) error

// writers are the activities that write the projection, by activity type. InspectDocument is not among
// them: document rows are created by the gateway, not the workflow (see deploy/OPERATIONS.md).
var writers = map[string]writer{
	"RecordTransition": func(ctx context.Context, r *reprojector, input, _ *commonpb.Payloads) error {
		var rec activities.TransitionRecord
		if err := r.decode(input, &rec); err != nil {
			return err
		}
		if r.skipOutbox {
			rec.Notifications = nil
		}
		return r.acts.RecordTransition(ctx, rec)
	},
	"CreatePaymentOrder": func(ctx context.Context, r *reprojector, input, _ *commonpb.Payloads) error {
		var in activities.OrderInput
		if err := r.decode(input, &in); err != nil {
			return err
		}
		return r.acts.CreatePaymentOrder(ctx, in)
	},
	"RecordPayment": func(ctx context.Context, r *reprojector, input, _ *commonpb.Payloads) error {
		var in activities.PaymentInput
		if err := r.decode(input, &in); err != nil {
			return err
		}
		return r.acts.RecordPayment(ctx, in)
	},
	"Notify": func(ctx context.Context, r *reprojector, input, _ *commonpb.Payloads) error {
		var in activities.NotifyInput
		if err := r.decode(input, &in); err != nil || r.skipOutbox {
			return err
		}
		return r.acts.Notify(ctx, in)
	},
	"IssueCertificate": func(ctx context.Context, r *reprojector, input, result *commonpb.Payloads) error {
		var in activities.IssueInput
		if err := r.decode(input, &in); err != nil {
			return err
		}
		var number string
		if err := r.decode(result, &number); err != nil {
			return err
		}
		return activities.RestoreCertificate(ctx, r.pool, in, number)
	},
	"RevokeCertificate": func(ctx context.Context, r *reprojector, input, _ *commonpb.Payloads) error {
		var in activities.RevokeInput
		if err := r.decode(input, &in); err != nil {
			return err
		}
		return r.acts.RevokeCertificate(ctx, in)
	},
}

// decode reads the first payload of p (decrypting it) into v.
func (r *reprojector) decode(p *commonpb.Payloads, v any) error {
	if len(p.GetPayloads()) == 0 {
		return fmt.Errorf("no payload")
	}
	if err := r.dc.FromPayload(p.GetPayloads()[0], v); err != nil {
		return fmt.Errorf("decode payload: %s", strings.SplitN(err.Error(), ":", 2)[0])
	}
	return nil
}
