package tracing

import (
	"context"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// TemporalInterceptors returns the Temporal SDK's OpenTelemetry interceptor for client.Options.Interceptors
// (nil when tracing is off). Set on the client, it also traces the workers created from it: workflow
// spans are emitted only outside replay, so workflow code stays deterministic and calls no OTel itself.
//
// An application workflow runs for months, and the SDK ends its RunWorkflow span only when it returns, so
// the first step's activities would hang below a span that is not exported for months (or never, when the
// worker restarts). Here the RunWorkflow span ends as soon as it is started and tagged: it marks when a
// worker started (or, after a restart, reloaded) the workflow, and its children stay in the trace.
func (t *Tracing) TemporalInterceptors() ([]interceptor.ClientInterceptor, error) {
	if t == nil {
		return nil, nil
	}
	ti, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer: t.provider.Tracer("temporal-sdk-go"), TextMapPropagator: t.propagator,
		SpanStarter: func(ctx context.Context, tr trace.Tracer, name string, opts ...trace.SpanStartOption) trace.Span {
			_, span := tr.Start(ctx, name, opts...)
			if strings.HasPrefix(name, "RunWorkflow:") {
				return endWhenTagged{span}
			}
			return span
		},
	})
	if err != nil {
		return nil, err
	}
	return []interceptor.ClientInterceptor{ti}, nil
}

// endWhenTagged ends a span as soon as the interceptor has set its attributes (the workflow and run IDs).
type endWhenTagged struct{ trace.Span }

// SetAttributes sets kv and ends the span.
func (s endWhenTagged) SetAttributes(kv ...attribute.KeyValue) {
	s.Span.SetAttributes(kv...)
	s.Span.End()
}

// QueryTracer returns a pgx tracer that records one span per statement, named after the sqlc query
// ("postgres GetApplication") or the statement's first word, without its arguments. Statements outside a
// trace (pool housekeeping, migrations) record nothing. Nil when tracing is off.
func (t *Tracing) QueryTracer() pgx.QueryTracer {
	if t == nil {
		return nil
	}
	return queryTracer{tracer: t.Tracer()}
}

type queryTracer struct{ tracer trace.Tracer }

// TraceQueryStart implements pgx.QueryTracer.
func (q queryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return ctx
	}
	op := statementName(data.SQL)
	ctx, _ = q.tracer.Start(ctx, "postgres "+op, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(semconv.DBSystemNamePostgreSQL, semconv.DBOperationName(op)))
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (q queryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	if data.Err != nil {
		span.SetStatus(codes.Error, "query failed")
		span.SetAttributes(attribute.String("error.type", errorType(data.Err)))
	}
	span.End()
}

// statementName is the sqlc query name of sql ("-- name: GetUser :one") or its first keyword.
func statementName(sql string) string {
	s := strings.TrimSpace(sql)
	if rest, ok := strings.CutPrefix(s, "-- name: "); ok {
		if name, _, ok := strings.Cut(rest, " "); ok && name != "" {
			return name
		}
	}
	if word, _, _ := strings.Cut(s, " "); word != "" && len(word) <= 16 {
		return strings.ToUpper(word)
	}
	return "query"
}

// errorType names an error by its Go type, never its message (which may quote a value).
func errorType(err error) string {
	type coded interface{ SQLState() string }
	if c, ok := err.(coded); ok {
		return "sqlstate " + c.SQLState()
	}
	return "error"
}

// RoundTripper wraps base (the object store's HTTP transport) so that every request made inside a trace
// records a client span "minio GET" with the status code; the URL (bucket and object key) is not recorded.
// It returns base unchanged when tracing is off.
func (t *Tracing) RoundTripper(base http.RoundTripper) http.RoundTripper {
	if t == nil {
		return base
	}
	return roundTripper{base: base, tracer: t.Tracer()}
}

type roundTripper struct {
	base   http.RoundTripper
	tracer trace.Tracer
}

// RoundTrip implements http.RoundTripper.
func (r roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return r.base.RoundTrip(req)
	}
	ctx, span := r.tracer.Start(ctx, "minio "+req.Method, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String(string(semconv.HTTPRequestMethodKey), req.Method),
			semconv.ServerAddress(req.URL.Hostname())))
	defer span.End()
	resp, err := r.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		span.SetStatus(codes.Error, "request failed")
		return resp, err
	}
	span.SetAttributes(semconv.HTTPResponseStatusCode(resp.StatusCode))
	if resp.StatusCode >= 500 {
		span.SetStatus(codes.Error, resp.Status)
	}
	return resp, nil
}

// untraced are the probe and scrape paths, called every few seconds by machines: no trace for them.
var untraced = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// Middleware returns Fiber middleware that continues the caller's trace (W3C traceparent) or starts one,
// records a server span named after the route pattern ("POST /api/v1/applications") and passes its
// context to the handlers through c.UserContext(). Probes and metric scrapes are not traced. Nil when
// tracing is off.
func (t *Tracing) Middleware() fiber.Handler {
	if t == nil {
		return nil
	}
	tracer := t.Tracer()
	return func(c *fiber.Ctx) error {
		if untraced[c.Path()] {
			return c.Next()
		}
		carrier := propagation.HeaderCarrier{}
		for _, key := range []string{"Traceparent", "Tracestate", "Baggage"} {
			if v := c.Get(key); v != "" {
				carrier.Set(key, v)
			}
		}
		ctx := t.propagator.Extract(c.UserContext(), carrier)
		ctx, span := tracer.Start(ctx, c.Method(), trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String(string(semconv.HTTPRequestMethodKey), c.Method())))
		defer span.End()
		c.SetUserContext(ctx)
		err := c.Next()
		route := c.Route().Path
		span.SetName(c.Method() + " " + route)
		status := c.Response().StatusCode()
		span.SetAttributes(semconv.HTTPRoute(route), semconv.HTTPResponseStatusCode(status))
		if status >= 500 || err != nil {
			span.SetStatus(codes.Error, "server error")
		}
		return err
	}
}
