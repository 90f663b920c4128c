package gateway

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the gateway's Prometheus metrics, in a registry of their own so that several gateways can
// run in one test process.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	updates  *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "skillcert_http_requests_total", Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "skillcert_http_request_duration_seconds", Help: "HTTP request latency by method and route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "skillcert_workflow_updates_total", Help: "Workflow updates sent by the gateway, by name and outcome.",
		}, []string{"update", "outcome"}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.updates,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe records one finished request. Fiber's strings point into reused request buffers and the
// registry keeps the label values it is given, so they are copied first (else a stored label changes
// under the registry and /metrics fails with duplicate series).
func (m *metrics) observe(method, route string, status int, elapsed time.Duration) {
	method, route = strings.Clone(method), strings.Clone(route)
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(elapsed.Seconds())
}

// handler serves GET /metrics in the Prometheus text format, for the metrics listener.
func (m *metrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	return mux
}

// metricsListening, when set (by tests), is told the address of the metrics listener.
var metricsListening func(addr string)

// defaultMetricsAddr is the metrics listener when SKILLCERT_METRICS_ADDR is unset: loopback only.
const defaultMetricsAddr = "127.0.0.1:9464"

// serveMetrics starts the metrics listener on cfg.MetricsAddr ("off" disables it) and returns a function
// that stops it. The API listener no longer serves /metrics: what the gateway counts is for operators, not
// for the public. When the default address is taken (another gateway on this machine) the gateway runs on
// without metrics and says so; an address that was set and cannot be bound stops the start.
func (m *metrics) serve(addr string, explicit bool, log *slog.Logger) (func(), error) {
	if addr == "off" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil && !explicit {
		log.Warn("metrics listener not started: default address in use; set SKILLCERT_METRICS_ADDR", "addr", addr, "error", err.Error())
		return func() {}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("metrics listener on %s (SKILLCERT_METRICS_ADDR): %w", addr, err)
	}
	srv := &http.Server{Handler: m.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("metrics listening", "addr", ln.Addr().String())
	if metricsListening != nil {
		metricsListening(ln.Addr().String())
	}
	return func() { _ = srv.Close() }, nil
}
