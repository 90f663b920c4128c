// Package tracing sets up OpenTelemetry traces for the gateway and the worker: one trace runs from the HTTP
// request through the Temporal client, the workflow and its activities to Postgres and MinIO.
//
// Traces are exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. Otherwise Setup returns a nil *Tracing and the programs install
// nothing: no interceptor, no query tracer, no middleware, so tracing that is off costs nothing.
//
// Spans carry route patterns, query names, activity and workflow types and status codes, never URLs with
// their query strings, SQL arguments or payloads, so no personal data leaves the process.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"skillcert/config"
)

// scope names the instrumentation of this module.
const scope = "skillcert"

// Tracing is the tracer provider of one program. A nil *Tracing means tracing is off; every method is safe
// to call on it.
type Tracing struct {
	provider   trace.TracerProvider
	propagator propagation.TextMapPropagator
	shutdown   func(context.Context) error
}

var override struct {
	sync.Mutex
	provider trace.TracerProvider
}

// UseProvider makes every later Setup return tp instead of reading the environment, and nil turns that off
// again. It is for tests that run the gateway and the worker in one process with an in-memory exporter.
func UseProvider(tp trace.TracerProvider) {
	override.Lock()
	defer override.Unlock()
	override.provider = tp
}

// Setup returns the tracing of service (e.g. "skillcert-gateway"): an OTLP exporter when
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, over gRPC when
// OTEL_EXPORTER_OTLP_PROTOCOL (or _TRACES_PROTOCOL) is "grpc" and over HTTP/protobuf otherwise. The
// variables are read through config.Env, so each is in the documented table (docs/CONFIG.md), and all of
// them on every call, so that the programs' configuration tests see every name. The exporter reads the
// other standard OTEL_EXPORTER_OTLP_* variables (headers, timeout, TLS) itself. It returns nil, and nil
// error, when no endpoint is set.
func Setup(ctx context.Context, service string, getenv func(string) string) (*Tracing, error) {
	s := readSettings(getenv)
	override.Lock()
	tp := override.provider
	override.Unlock()
	if tp != nil {
		return &Tracing{provider: tp, propagator: propagator(), shutdown: func(context.Context) error { return nil }}, nil
	}
	if s.endpoint == "" {
		return nil, nil
	}
	exp, err := newExporter(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName(service)))
	if err != nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	sdk := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return &Tracing{provider: sdk, propagator: propagator(), shutdown: sdk.Shutdown}, nil
}

// settings are the exporter's variables: the traces-specific ones win over the general ones.
type settings struct {
	endpoint string
	general  bool // endpoint is OTEL_EXPORTER_OTLP_ENDPOINT, a base URL that gets /v1/traces over HTTP
	protocol string
}

func readSettings(getenv func(string) string) settings {
	env := config.Env(getenv)
	tracesEndpoint, endpoint := env.String("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), env.String("OTEL_EXPORTER_OTLP_ENDPOINT")
	tracesProtocol, protocol := env.String("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), env.String("OTEL_EXPORTER_OTLP_PROTOCOL")
	s := settings{endpoint: tracesEndpoint, protocol: tracesProtocol}
	if s.endpoint == "" {
		s.endpoint, s.general = endpoint, true
	}
	if s.protocol == "" {
		s.protocol = protocol
	}
	return s
}

// newExporter picks the OTLP transport by the protocol and points it at the endpoint (a signal-specific
// endpoint is used as is; the general one gets /v1/traces over HTTP, as the OTLP specification says).
func newExporter(ctx context.Context, s settings) (*otlptrace.Exporter, error) {
	endpoint := s.endpoint
	if _, err := url.Parse(endpoint); err != nil || !strings.Contains(endpoint, "://") {
		return nil, fmt.Errorf("endpoint %q: want a URL such as http://collector:4318", endpoint)
	}
	switch s.protocol {
	case "grpc":
		return otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(endpoint))
	case "", "http/protobuf":
		if s.general {
			endpoint = strings.TrimRight(endpoint, "/") + "/v1/traces"
		}
		return otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	default:
		return nil, errors.New("OTEL_EXPORTER_OTLP_PROTOCOL: want grpc or http/protobuf, got " + s.protocol)
	}
}

// propagator carries the W3C trace context and baggage across HTTP.
func propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// Enabled reports whether traces are recorded.
func (t *Tracing) Enabled() bool { return t != nil }

// Tracer returns the module's tracer (a no-op one when tracing is off).
func (t *Tracing) Tracer() trace.Tracer {
	if t == nil {
		return noop.NewTracerProvider().Tracer(scope)
	}
	return t.provider.Tracer(scope)
}

// Shutdown flushes the spans still buffered and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.shutdown(ctx)
}
