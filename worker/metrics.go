package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"

	"skillcert/activities"
)

// promMetrics adapts the Temporal SDK's metrics to a Prometheus registry. A metric keeps the label names
// of its first use; later uses fill missing labels with "" and drop unknown ones, because Prometheus
// needs one label set per name.
type promMetrics struct {
	reg      *prometheus.Registry
	mu       sync.Mutex
	counters map[string]*prometheus.CounterVec
	gauges   map[string]*prometheus.GaugeVec
	timers   map[string]*prometheus.HistogramVec
	labels   map[string][]string
}

func newPromMetrics(reg *prometheus.Registry) *promMetrics {
	return &promMetrics{reg: reg, counters: map[string]*prometheus.CounterVec{}, gauges: map[string]*prometheus.GaugeVec{},
		timers: map[string]*prometheus.HistogramVec{}, labels: map[string][]string{}}
}

// promHandler is a client.MetricsHandler with a set of tags.
type promHandler struct {
	m    *promMetrics
	tags map[string]string
}

var _ client.MetricsHandler = promHandler{}

// WithTags returns a handler whose metrics carry tags too (overriding equal keys).
func (h promHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := maps.Clone(h.tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, tags)
	return promHandler{m: h.m, tags: merged}
}

// values returns the label names fixed for name (registering them on first use) and h's values for them.
func (h promHandler) values(name string) ([]string, []string, bool) {
	names, known := h.m.labels[name]
	if !known {
		names = slices.Sorted(maps.Keys(h.tags))
		h.m.labels[name] = names
	}
	vals := make([]string, len(names))
	for i, n := range names {
		vals[i] = h.tags[n]
	}
	return names, vals, known
}

// Counter counts name, a Prometheus counter.
func (h promHandler) Counter(name string) client.MetricsCounter {
	h.m.mu.Lock()
	defer h.m.mu.Unlock()
	names, vals, _ := h.values(name)
	vec, ok := h.m.counters[name]
	if !ok {
		vec = prometheus.NewCounterVec(prometheus.CounterOpts{Name: promName(name), Help: "Temporal SDK counter " + name}, names)
		if err := h.m.reg.Register(vec); err != nil {
			return client.MetricsNopHandler.Counter(name)
		}
		h.m.counters[name] = vec
	}
	c := vec.WithLabelValues(vals...)
	return counterFunc(func(d int64) { c.Add(float64(d)) })
}

// Gauge is a Prometheus gauge.
func (h promHandler) Gauge(name string) client.MetricsGauge {
	h.m.mu.Lock()
	defer h.m.mu.Unlock()
	names, vals, _ := h.values(name)
	vec, ok := h.m.gauges[name]
	if !ok {
		vec = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: promName(name), Help: "Temporal SDK gauge " + name}, names)
		if err := h.m.reg.Register(vec); err != nil {
			return client.MetricsNopHandler.Gauge(name)
		}
		h.m.gauges[name] = vec
	}
	g := vec.WithLabelValues(vals...)
	return gaugeFunc(g.Set)
}

// Timer is a Prometheus histogram in seconds.
func (h promHandler) Timer(name string) client.MetricsTimer {
	h.m.mu.Lock()
	defer h.m.mu.Unlock()
	names, vals, _ := h.values(name)
	vec, ok := h.m.timers[name]
	if !ok {
		vec = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: promName(name) + "_seconds",
			Help: "Temporal SDK timer " + name, Buckets: prometheus.ExponentialBuckets(0.001, 4, 10)}, names)
		if err := h.m.reg.Register(vec); err != nil {
			return client.MetricsNopHandler.Timer(name)
		}
		h.m.timers[name] = vec
	}
	o := vec.WithLabelValues(vals...)
	return timerFunc(func(d time.Duration) { o.Observe(d.Seconds()) })
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }

// promName makes an SDK metric name a valid Prometheus name.
func promName(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, name)
}

// failedAttempts counts failed activity attempts by activity type and class (transient: retried;
// permanent: not retried). It also classifies every activity error (activities.Classify).
type failedAttempts struct {
	interceptor.WorkerInterceptorBase
	failed *prometheus.CounterVec
}

func newFailedAttempts(reg prometheus.Registerer) *failedAttempts {
	f := &failedAttempts{failed: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "skillcert_worker_activity_failed_attempts_total",
		Help: "Failed activity attempts by activity type and class (transient or permanent).",
	}, []string{"activity", "class"})}
	reg.MustRegister(f.failed)
	return f
}

// InterceptActivity wraps every activity execution.
func (f *failedAttempts) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &countingInbound{root: f}
	i.Next = next
	return i
}

type countingInbound struct {
	interceptor.ActivityInboundInterceptorBase
	root *failedAttempts
}

// ExecuteActivity runs the activity, classifies its error and counts the failure.
func (i *countingInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	res, err := i.Next.ExecuteActivity(ctx, in)
	if err == nil {
		return res, nil
	}
	err = activities.Classify(err)
	class := "transient"
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.NonRetryable() {
		class = "permanent"
	}
	i.root.failed.WithLabelValues(activity.GetInfo(ctx).ActivityType.Name, class).Inc()
	return res, err
}

// serveMetrics serves reg on addr until ctx ends. An address set explicitly that is taken stops the
// start (as the gateway's SKILLCERT_METRICS_ADDR does); the default one being taken (another worker on
// this machine) is logged, and the worker does its work without metrics rather than not at all.
func serveMetrics(ctx context.Context, addr string, explicit bool, reg *prometheus.Registry, logger *slog.Logger) error {
	if addr == "off" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if explicit {
			return fmt.Errorf("SKILLCERT_WORKER_METRICS_ADDR %s: %w", addr, err)
		}
		logger.Error("worker metrics not served", "addr", addr, "error", err)
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	logger.Info("worker metrics", "addr", ln.Addr().String())
	go func() { _ = srv.Serve(ln) }()
	return nil
}
