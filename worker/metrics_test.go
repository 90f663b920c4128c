package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"

	"skillcert/activities"
)

func TestPromHandlerExportsSDKMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := promHandler{m: newPromMetrics(reg)}
	tagged := h.WithTags(map[string]string{"namespace": "default", "task_queue": "q"})
	tagged.Counter("temporal_request").Inc(2)
	tagged.WithTags(map[string]string{"task_queue": "other"}).Counter("temporal_request").Inc(1)
	h.Counter("temporal_request").Inc(1) // fewer tags: filled with ""
	tagged.Gauge("temporal_num_pollers").Update(3)
	tagged.Timer("temporal_workflow_task_execution_latency").Record(20 * time.Millisecond)

	series := gather(t, reg)
	for name, want := range map[string]float64{
		`temporal_request{namespace="",task_queue=""}`:                                         1,
		`temporal_request{namespace="default",task_queue="other"}`:                             1,
		`temporal_request{namespace="default",task_queue="q"}`:                                 2,
		`temporal_num_pollers{namespace="default",task_queue="q"}`:                             3,
		`temporal_workflow_task_execution_latency_seconds{namespace="default",task_queue="q"}`: 1, // one observation
	} {
		if got, ok := series[name]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v; all: %v", name, got, ok, want, series)
		}
	}
}

// gather flattens reg into "name{labels}" → value (histograms: their sample count).
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			key := mf.GetName() + "{" + strings.Join(labels, ",") + "}"
			switch {
			case m.Counter != nil:
				out[key] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[key] = m.GetGauge().GetValue()
			case m.Histogram != nil:
				out[key] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

func TestClassifyAndCountFailedAttempts(t *testing.T) {
	for _, tc := range []struct {
		err   error
		class string
	}{
		{fmt.Errorf("insert: %w", &pgconn.PgError{Code: "23503"}), "permanent"},
		{fmt.Errorf("insert: %w", &pgconn.PgError{Code: "22001"}), "permanent"},
		{fmt.Errorf("insert: %w", &pgconn.PgError{Code: "40001"}), "transient"},
		{errors.New("connection refused"), "transient"},
		{temporal.NewNonRetryableApplicationError("bad", activities.ErrInvalid, nil), "permanent"},
	} {
		got := activities.Classify(tc.err)
		var appErr *temporal.ApplicationError
		permanent := errors.As(got, &appErr) && appErr.NonRetryable()
		if (tc.class == "permanent") != permanent {
			t.Errorf("%v: permanent %v, want %s", tc.err, permanent, tc.class)
		}
	}
	// Through the worker's interceptor: a constraint violation comes out non-retryable and is counted.
	reg := prometheus.NewRegistry()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.SetWorkerOptions(sdkworker.Options{Interceptors: []interceptor.WorkerInterceptor{newFailedAttempts(reg)}})
	env.RegisterActivityWithOptions(func(context.Context) error {
		return fmt.Errorf("insert audit event: %w", &pgconn.PgError{Code: "23514"})
	}, activity.RegisterOptions{Name: "RecordTransition"})
	_, err := env.ExecuteActivity("RecordTransition")
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || appErr.Type() != activities.ErrPermanent {
		t.Fatalf("activity error %v, want a non-retryable %s", err, activities.ErrPermanent)
	}
	if n := gather(t, reg)[`skillcert_worker_activity_failed_attempts_total{activity="RecordTransition",class="permanent"}`]; n != 1 {
		t.Fatalf("failed attempts counted %v, want 1", n)
	}
}

// An explicitly set metrics address that is taken stops the start; the default one being taken does not.
func TestTakenMetricsAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := serveMetrics(ctx, ln.Addr().String(), true, prometheus.NewRegistry(), logger); err == nil {
		t.Fatal("a taken explicit address was accepted")
	}
	if err := serveMetrics(ctx, ln.Addr().String(), false, prometheus.NewRegistry(), logger); err != nil {
		t.Fatalf("a taken default address stopped the start: %v", err)
	}
	if err := serveMetrics(ctx, "127.0.0.1:0", true, prometheus.NewRegistry(), logger); err != nil {
		t.Fatal(err)
	}
}
