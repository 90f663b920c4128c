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
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"skillcert/activities"
	"skillcert/workflows"
)

// applicationWorkflow is the workflow type of a case, whose histories are replayed through its code.
const applicationWorkflow = "ApplicationWorkflow"

// reprojector rebuilds the projection of a case by re-applying, in order, the projection writes its
// workflows completed: the same RecordTransition (and payment, notification, certificate) write paths the
// worker uses. Those writes are idempotent and ordered by the workflow's sequence number, so rows that
// survived are left as they are and only what is missing or behind is written again.
type reprojector struct {
	temporal   client.Client
	dc         converter.DataConverter
	fc         converter.FailureConverter
	codec      converter.PayloadCodec // decrypts payloads read straight from a history
	sdkLogger  log.Logger
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

// execution is one run of a workflow.
type execution struct {
	workflowID, runID, workflowType string
	start                           int64
}

// reprojectCase rebuilds one case: every run of its application workflow (oldest first), then its
// revocation workflow if it has one.
func (r *reprojector) reprojectCase(ctx context.Context, workflowID string) caseResult {
	var res caseResult
	runs, err := r.runsOf(ctx, workflowID)
	if err == nil && len(runs) == 0 {
		err = fmt.Errorf("no workflow (never started, or closed longer ago than the namespace's retention)")
	}
	if err == nil {
		var more []execution
		// A certified case whose workflow completed is revoked by a workflow of its own, which reads and
		// advances the row its application workflow wrote.
		more, err = r.runsOf(ctx, workflows.RevocationWorkflowID(strings.TrimPrefix(workflowID, workflows.WorkflowID(""))))
		runs = append(runs, more...)
	}
	for _, e := range runs {
		if err != nil {
			break
		}
		var n int
		n, err = r.reproject(ctx, e)
		res.runs++
		res.writes += n
	}
	if err != nil {
		res.err = fmt.Errorf("%s: %w", workflowID, err)
	}
	return res
}

// runsOf lists the runs of a workflow, oldest first.
func (r *reprojector) runsOf(ctx context.Context, workflowID string) ([]execution, error) {
	var runs []execution
	var token []byte
	for {
		resp, err := r.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s'", workflowID), NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			runs = append(runs, execution{workflowID: workflowID, runID: e.GetExecution().GetRunId(),
				workflowType: e.GetType().GetName(), start: e.GetStartTime().AsTime().UnixNano()})
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].start < runs[j].start })
	return runs, nil
}

// reproject re-applies the projection writes of one run and returns how many it re-applied. Only writes
// whose activity completed are re-applied: one still running will write by itself, one that failed wrote
// nothing.
func (r *reprojector) reproject(ctx context.Context, run execution) (int, error) {
	iter := r.temporal.GetWorkflowHistory(ctx, run.workflowID, run.runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	hist := &historypb.History{}
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			return 0, fmt.Errorf("read history: %w", err)
		}
		hist.Events = append(hist.Events, ev)
	}
	var writes []write
	var err error
	if run.workflowType == applicationWorkflow {
		writes, err = r.replay(hist)
	} else {
		writes, err = r.recorded(hist)
	}
	if err != nil {
		return 0, err
	}
	for i, w := range writes {
		err := w.err
		if err == nil {
			err = r.apply(ctx, w)
		}
		if err != nil {
			return i, fmt.Errorf("write %d (%s): %w", i+1, w.activity, err)
		}
	}
	return len(writes), nil
}

// replay replays an application workflow's history through the workflow code with an interceptor that
// records every projection write the code asks for, with its arguments as the code built them, and keeps
// those the code saw complete. This works for regular and local activities alike (a local activity's input
// is not in the history, but the replayed code builds it again); a history that no longer replays is
// refused.
func (r *reprojector) replay(hist *historypb.History) ([]write, error) {
	rec := &recorder{}
	replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
		DataConverter: r.dc, FailureConverter: r.fc, Interceptors: []interceptor.WorkerInterceptor{rec},
	})
	if err != nil {
		return nil, err
	}
	replayer.RegisterWorkflow(workflows.ApplicationWorkflow)
	if err := replayer.ReplayWorkflowHistory(r.sdkLogger, hist); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return rec.writes, nil
}

// recorded reads the completed projection writes of another workflow type (the revocation workflow)
// straight from its history: the input of each completed activity, decrypted. A projection write run as a
// local activity cannot be read this way (its input is not in the history) and is refused.
func (r *reprojector) recorded(hist *historypb.History) ([]write, error) {
	scheduled := map[int64]*historypb.ActivityTaskScheduledEventAttributes{}
	var writes []write
	for _, ev := range hist.GetEvents() {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			if a := ev.GetActivityTaskScheduledEventAttributes(); projectionWrites[a.GetActivityType().GetName()] {
				scheduled[ev.GetEventId()] = a
			}
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			done := ev.GetActivityTaskCompletedEventAttributes()
			if a, ok := scheduled[done.GetScheduledEventId()]; ok {
				w := write{activity: a.GetActivityType().GetName()}
				w.args, w.err = r.plain(a.GetInput())
				if res, err := r.plain(done.GetResult()); err == nil && len(res.GetPayloads()) > 0 {
					w.result = res.GetPayloads()[0]
				}
				writes = append(writes, w)
			}
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			m := ev.GetMarkerRecordedEventAttributes()
			if m.GetMarkerName() != "LocalActivity" {
				continue
			}
			var data struct{ ActivityType string }
			if err := r.dc.FromPayloads(m.GetDetails()["data"], &data); err != nil {
				return nil, fmt.Errorf("event %d: decode local activity marker: %w", ev.GetEventId(), err)
			}
			if projectionWrites[data.ActivityType] {
				return nil, fmt.Errorf("event %d: %s ran as a local activity outside %s: its input is not in the history",
					ev.GetEventId(), data.ActivityType, applicationWorkflow)
			}
		}
	}
	return writes, nil
}

// plain decrypts payloads read from a history into plain JSON payloads.
func (r *reprojector) plain(p *commonpb.Payloads) (*commonpb.Payloads, error) {
	if p == nil {
		return nil, nil
	}
	out, err := r.codec.Decode(p.GetPayloads())
	if err != nil {
		return nil, fmt.Errorf("decrypt payload: %w", err)
	}
	return &commonpb.Payloads{Payloads: out}, nil
}
