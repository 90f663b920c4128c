package gateway

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"skillcert/codec"
	"skillcert/internal/pprofserve"
	"skillcert/internal/tracing"
	"skillcert/objectstore"
	"skillcert/schema"
	"skillcert/schema/db"
)

// listening, when set (by tests), is told the address the gateway listens on.
var listening func(addr string)

// Run is the whole gateway: it reads the configuration, migrates and seeds the database, connects to
// Temporal and MinIO and serves HTTP until ctx is cancelled, then shuts down gracefully.
//
// `gateway set-password USERNAME` instead sets that account's password from SKILLCERT_NEW_PASSWORD and exits.
func Run(ctx context.Context, args []string, getenv func(string) string) error {
	if len(args) > 1 && args[1] == "set-password" {
		return setPassword(ctx, args[2:], getenv, os.Stdout)
	}
	flags := flag.NewFlagSet("gateway", flag.ContinueOnError)
	addr := flags.String("addr", "", "listen address (overrides SKILLCERT_HTTP_ADDR)")
	if len(args) > 0 {
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.HTTPAddr = *addr
	}
	log := newLogger(os.Stdout, cfg.LogLevel)
	announceGenerated(log, cfg, terminalOut())

	a, closeAll, err := build(ctx, cfg, log, getenv)
	if err != nil {
		return err
	}
	defer closeAll()

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	stopMetrics, err := a.metrics.serve(cfg.MetricsAddr, cfg.MetricsAddrSet, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMetrics()
	stopProfiles, err := pprofserve.Start(cfg.PprofAddr, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopProfiles()
	f := a.fiber()
	served := make(chan error, 1)
	go func() { served <- f.Listener(ln) }()
	log.Info("gateway listening", "addr", ln.Addr().String(), "public_url", cfg.PublicURL,
		"openapi", cfg.PublicURL+"/api/v1/openapi.json")
	if listening != nil {
		listening(ln.Addr().String())
	}
	go a.sweepIdempotencyKeys(ctx)

	select {
	case err := <-served:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	log.Info("gateway shutting down", "timeout", cfg.ShutdownTimeout.String())
	if err := f.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// build connects the dependencies, migrates and seeds, and returns the app and a function that closes
// what it opened.
func build(ctx context.Context, cfg config, log *slog.Logger, getenv func(string) string) (*app, func(), error) {
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	fail := func(err error) (*app, func(), error) { closeAll(); return nil, nil, err }

	tr, err := tracing.Setup(ctx, "skillcert-gateway", getenv)
	if err != nil {
		return fail(err)
	}
	closers = append(closers, func() { flushTraces(tr, log) })
	poolCfg, err := poolConfig(cfg.DatabaseURL)
	if err != nil {
		return fail(fmt.Errorf("postgres: %w", err))
	}
	poolCfg.ConnConfig.Tracer = tr.QueryTracer()
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return fail(fmt.Errorf("postgres: %w", err))
	}
	closers = append(closers, pool.Close)
	if err := retry(ctx, log, "migrate database", 30*time.Second, func() error { return schema.Migrate(ctx, pool) }); err != nil {
		return fail(err)
	}

	dc, fc, cdc, devKeys, err := codec.DataConverterFromEnv(getenv)
	if err != nil {
		return fail(fmt.Errorf("payload codec: %w", err))
	}
	if devKeys {
		log.Warn("SKILLCERT_CODEC_KEYS is unset: Temporal payloads use the development key")
	}
	interceptors, err := tr.TemporalInterceptors()
	if err != nil {
		return fail(fmt.Errorf("tracing: %w", err))
	}
	tc, err := client.NewLazyClient(client.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
		Logger: tlog.NewStructuredLogger(log.With("component", "temporal")), DataConverter: dc, FailureConverter: fc,
		Interceptors: interceptors, ConnectionOptions: codec.ConnectionOptions()})
	if err != nil {
		return fail(fmt.Errorf("temporal client: %w", err))
	}
	closers = append(closers, tc.Close)

	if tr.Enabled() {
		base, err := objectstore.DefaultTransport(cfg.MinIO.UseSSL)
		if err != nil {
			return fail(fmt.Errorf("object store: %w", err))
		}
		cfg.MinIO.Transport = tr.RoundTripper(base)
	}
	var store objectStore
	if err := retry(ctx, log, "open object store", 30*time.Second, func() (err error) {
		store, err = newObjectStore(ctx, cfg.MinIO)
		return err
	}); err != nil {
		return fail(err)
	}
	ids, err := newIDCipher(cfg.IDEncKey)
	if err != nil {
		return fail(err)
	}
	q := db.New(pool)
	a := &app{
		cfg: cfg, log: log, pool: pool, q: q, tasks: q, temporal: tc, store: store, ids: ids,
		tokens:  &tokenSigner{key: cfg.TokenKey, ttl: cfg.TokenTTL},
		logins:  newLoginThrottle(db.New(pool), cfg.IDHashKey, cfg.LoginFailures, cfg.LoginWindow),
		hashing: newHashSlots(0),
		csrf:    newCSRF(cfg),
		metrics: newMetrics(), now: time.Now, internalSecret: newInternalSecret(),
		codec:         codecHandler(cdc),
		dataConverter: dc, fees: cfg.Fees, policy: cfg.Policy, traces: tr.Middleware(),
	}
	a.updater = temporalUpdater{a}
	a.pdf, err = newPDFRenderer(getenv)
	if err != nil {
		log.Warn("PDF rendering disabled: no CJK font", "error", err)
	}
	a.routes = a.allRoutes()
	if err := retry(ctx, log, "seed database", 30*time.Second, func() error { return a.seed(ctx) }); err != nil {
		return fail(err)
	}
	return a, closeAll, nil
}

// fiber builds the Fiber app: global middleware, then the route table.
func (a *app) fiber() *fiber.App {
	cfg := fiber.Config{
		AppName:               "skillcert-gateway",
		BodyLimit:             a.cfg.BodyLimit,
		ErrorHandler:          a.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
	}
	// Fiber believes X-Forwarded-Proto and -Host only from the trusted proxies (none by default). Client
	// addresses come from a.clientIP, not from Fiber's ProxyHeader.
	cfg.EnableTrustedProxyCheck = true
	cfg.TrustedProxies = a.cfg.TrustProxy.strings()
	cfg.EnableIPValidation = true
	f := fiber.New(cfg)
	if a.traces != nil {
		f.Use(a.traces)
	}
	f.Use(a.observe, a.securityHeaders, refuseContentEncoding)
	for _, h := range a.rateLimits() {
		f.Use(h)
	}
	a.registerRoutes(f)
	a.mountWeb(f)
	return f
}

// flushTraces sends the spans still buffered, for at most five seconds.
func flushTraces(tr *tracing.Tracing, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		log.Warn("flush traces", "error", err)
	}
}

// retry calls f until it succeeds or limit passes, for dependencies that are still starting.
func retry(ctx context.Context, log *slog.Logger, what string, limit time.Duration, f func() error) error {
	deadline := time.Now().Add(limit)
	wait := 250 * time.Millisecond
	for {
		err := f()
		if err == nil {
			return nil
		}
		if time.Now().Add(wait).After(deadline) || !isUnavailable(err) {
			return fmt.Errorf("%s: %w", what, err)
		}
		log.Warn(what+": retrying", "error", err.Error(), "in", wait.String())
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, errors.Join(ctx.Err(), err))
		case <-time.After(wait):
		}
		wait = min(wait*2, 4*time.Second)
	}
}

// newLogger returns the JSON logger at the level named by SKILLCERT_LOG_LEVEL (default info).
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.TrimSpace(level))); err != nil || level == "" {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// announceGenerated warns about secrets that were generated because their variable was unset. The
// secrets themselves never go to the log: the payment secret is shown on the terminal only (stderr when it
// is one), the admin password only when the account is created (announceAdmin).
func announceGenerated(log *slog.Logger, cfg config, terminal io.Writer) {
	for _, name := range cfg.generated {
		switch name {
		case "SKILLCERT_ADMIN_PASSWORD":
			// announced by the seed, which knows whether the account was created with it
		case "SKILLCERT_PAYMENT_SECRET":
			log.Warn("SKILLCERT_PAYMENT_SECRET is unset: generated the payment callback secret; it is shown on the terminal only")
			if terminal != nil {
				fmt.Fprintf(terminal, "skillcert gateway: payment callback secret (generated): %s\n", cfg.PaymentSecret)
			}
		case "SKILLCERT_TOKEN_KEY":
			log.Warn("SKILLCERT_TOKEN_KEY is unset: tokens are signed with a random key and end with this process")
		default:
			log.Warn(name + " is unset: using the development key; set it in production")
		}
	}
}

// terminalOut is where generated secrets are shown: stderr when it is a terminal, else nowhere (a
// redirected stderr ends up in log files). Tests replace it.
var terminalOut = func() io.Writer {
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		return os.Stderr
	}
	return nil
}

// toTerminal shows line on the terminal, if there is one.
func toTerminal(line string) {
	if w := terminalOut(); w != nil {
		fmt.Fprintln(w, line)
	}
}

// sweepIdempotencyKeys forgets stored answers after a day, failed logins that left the throttling window,
// and revoked tokens that expired anyway, hourly.
func (a *app) sweepIdempotencyKeys(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := a.q.DeleteOldIdempotencyKeys(ctx, a.now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			a.log.Warn("sweep idempotency keys", "error", err)
		}
		if err := a.logins.sweep(ctx, a.now()); err != nil && ctx.Err() == nil {
			a.log.Warn("sweep login failures", "error", err)
		}
		if err := a.q.DeleteExpiredRevokedTokens(ctx, a.now()); err != nil && ctx.Err() == nil {
			a.log.Warn("sweep revoked tokens", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// poolConfig parses the database URL. The list queries take optional filters (NULL = any); a cached generic
// plan cannot use the index that fits the filters actually given (the load test measured inbox page 100 at
// p99 146 ms with it, 31 ms without), so every execution is planned with its values unless the URL says
// otherwise. Nor does a request's query start parallel workers (max_parallel_workers_per_gather 0): the
// gateway's queries read a page from an index, and when the planner overestimates how many rows a LIKE
// matches it traded the admin search's index-only lookup of the masked name for a parallel scan of the
// accounts' rows, 5x slower (deploy/loadtest/PERFORMANCE.md); workers also take cores from the requests
// running beside it.
func poolConfig(databaseURL string) (*pgxpool.Config, error) {
	c, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, err
	}
	for name, value := range map[string]string{"plan_cache_mode": "force_custom_plan", "max_parallel_workers_per_gather": "0"} {
		if _, set := c.ConnConfig.RuntimeParams[name]; !set {
			c.ConnConfig.RuntimeParams[name] = value
		}
	}
	return c, nil
}
