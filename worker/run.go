package worker

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"skillcert/activities"
	"skillcert/codec"
	appconfig "skillcert/config"
	"skillcert/inspect"
	"skillcert/internal/pprofserve"
	"skillcert/internal/tracing"
	"skillcert/notify"
	"skillcert/objectstore"
	"skillcert/schema"
	"skillcert/workflows"
)

// config is the worker's configuration, all from the environment.
type config struct {
	DatabaseURL      string
	TemporalAddress  string
	Namespace        string
	TaskQueue        string
	CacheSize        int
	MaxActivities    int
	Storage          objectstore.Config
	Notify           notify.Config
	MetricsAddr      string // the worker's /metrics listener ("off": none)
	MetricsExplicit  bool   // set in the environment (taken → the start fails), not the default
	CertSerialKey    []byte // keys the permutation of certificate serials (config.SerialKey); nil: the development key
	CertSerialSource string // where CertSerialKey came from, for the start-up log
	PprofAddr        string // SKILLCERT_PPROF_ADDR: loopback address of Go's profiles, "" for none
}

// loadConfig reads the worker's settings; the defaults and the documentation of every variable are in
// package config (docs/CONFIG.md). In production it refuses to start without the keys.
func loadConfig(getenv func(string) string) (config, error) {
	if err := appconfig.CheckProduction(appconfig.Worker, getenv); err != nil {
		return config{}, err
	}
	env := appconfig.Env(getenv)
	c := config{
		DatabaseURL:     env.String("DATABASE_URL"),
		TemporalAddress: env.String("TEMPORAL_ADDRESS"),
		Namespace:       env.String("TEMPORAL_NAMESPACE"),
		TaskQueue:       env.String("SKILLCERT_TASK_QUEUE"),
		Storage:         objectstore.ConfigFromEnv(getenv),
		Notify:          notify.ConfigFromEnv(getenv),
		MetricsAddr:     env.String("SKILLCERT_WORKER_METRICS_ADDR"),
		MetricsExplicit: strings.TrimSpace(getenv("SKILLCERT_WORKER_METRICS_ADDR")) != "",
	}
	var err error
	if c.CacheSize, err = env.PositiveInt("SKILLCERT_WORKER_CACHE_SIZE"); err != nil {
		return c, err
	}
	if c.MaxActivities, err = env.PositiveInt("SKILLCERT_WORKER_MAX_ACTIVITIES"); err != nil {
		return c, err
	}
	c.PprofAddr = env.String("SKILLCERT_PPROF_ADDR")
	if err := pprofserve.CheckAddr(c.PprofAddr); err != nil {
		return c, err
	}
	c.CertSerialKey, c.CertSerialSource, err = appconfig.SerialKey(getenv)
	return c, err
}

// Run is the whole worker: it reads the configuration, connects to Temporal, Postgres and MinIO, registers
// ApplicationWorkflow and its activities and polls the task queue until ctx is cancelled.
func Run(ctx context.Context, _ []string, getenv func(string) string) error {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil)).With("service", "worker")
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	tr, err := tracing.Setup(ctx, "skillcert-worker", getenv)
	if err != nil {
		return err
	}
	defer shutdownTracing(tr, logger)
	poolCfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	poolCfg.ConnConfig.Tracer = tr.QueryTracer()
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer pool.Close()
	if err := schema.Migrate(ctx, pool); err != nil {
		return err
	}
	if tr.Enabled() {
		base, err := objectstore.DefaultTransport(cfg.Storage.UseSSL)
		if err != nil {
			return fmt.Errorf("object store: %w", err)
		}
		cfg.Storage.Transport = tr.RoundTripper(base)
	}
	store, err := objectstore.Open(ctx, cfg.Storage)
	if err != nil {
		return fmt.Errorf("object store: %w", err)
	}
	cdc, dev, err := codec.FromEnv(getenv)
	if err != nil {
		return err
	}
	if dev {
		logger.Warn("SKILLCERT_CODEC_KEYS is unset: payloads are encrypted with the development key")
	}
	interceptors, err := tr.TemporalInterceptors()
	if err != nil {
		return fmt.Errorf("tracing: %w", err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	tc, err := client.DialContext(ctx, client.Options{
		HostPort: cfg.TemporalAddress, Namespace: cfg.Namespace, Logger: log.NewStructuredLogger(logger),
		DataConverter: cdc.DataConverter(), FailureConverter: cdc.FailureConverter(), Interceptors: interceptors,
		MetricsHandler: promHandler{m: newPromMetrics(reg)}, ConnectionOptions: codec.ConnectionOptions(),
	})
	if err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	defer tc.Close()

	sdkworker.SetStickyWorkflowCacheSize(cfg.CacheSize)
	w := sdkworker.New(tc, cfg.TaskQueue, sdkworker.Options{
		MaxConcurrentActivityExecutionSize: cfg.MaxActivities,
		// New cases run their side effects, document inspection included (files up to 20 MiB read into
		// memory), as local activities: the same bound applies to them (the SDK's default is 1,000).
		MaxConcurrentLocalActivityExecutionSize: cfg.MaxActivities,
		WorkerStopTimeout:                       10 * time.Second,
		Interceptors:                            []interceptor.WorkerInterceptor{newFailedAttempts(reg)},
	})
	if err := serveMetrics(ctx, cfg.MetricsAddr, cfg.MetricsExplicit, reg, logger); err != nil {
		return err
	}
	stopProfiles, err := pprofserve.Start(cfg.PprofAddr, logger)
	if err != nil {
		return err
	}
	defer stopProfiles()
	w.RegisterWorkflow(workflows.ApplicationWorkflow)
	if cfg.CertSerialKey == nil {
		logger.Warn("SKILLCERT_CERT_SERIAL_KEY is unset: certificate serials use the public development key")
	} else {
		logger.Info("certificate serial key", "source", cfg.CertSerialSource)
	}
	w.RegisterWorkflow(workflows.RevocationWorkflow)
	w.RegisterWorkflow(workflows.BatchWindowsWorkflow)
	w.RegisterActivity(&activities.Activities{Pool: pool, Store: store, Logger: logger, CertSerialKey: cfg.CertSerialKey})
	logger.Info("worker started", "task_queue", cfg.TaskQueue, "temporal", cfg.TemporalAddress,
		"pdf_sandbox", inspect.SandboxMode(), "image_decode_slots", cap(inspect.DecodeSlots))
	if sender := notify.New(pool, logger, cfg.Notify); sender != nil {
		go sender.Run(ctx) // delivers the notification outbox (e-mail, SMS) until ctx ends
	}
	if err := w.Run(workerInterrupt(ctx)); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	logger.Info("worker stopped")
	return nil
}

// shutdownTracing flushes the spans still buffered, for at most five seconds.
func shutdownTracing(tr *tracing.Tracing, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		logger.Warn("flush traces", "error", err)
	}
}

// workerInterrupt adapts ctx to the channel worker.Run waits on.
func workerInterrupt(ctx context.Context) <-chan interface{} {
	ch := make(chan interface{})
	go func() {
		<-ctx.Done()
		close(ch)
	}()
	return ch
}
