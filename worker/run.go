package worker

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"skillcert/activities"
	"skillcert/codec"
	"skillcert/objectstore"
	"skillcert/schema"
	"skillcert/workflows"
)

// config is the worker's configuration, all from the environment.
type config struct {
	DatabaseURL     string
	TemporalAddress string
	Namespace       string
	TaskQueue       string
	CacheSize       int
	MaxActivities   int
	Storage         objectstore.Config
	CertSerialKey   []byte // SKILLCERT_CERT_SERIAL_KEY: keys the permutation of certificate serials
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL:     getenv("DATABASE_URL"),
		TemporalAddress: or(getenv("TEMPORAL_ADDRESS"), "127.0.0.1:7233"),
		Namespace:       or(getenv("TEMPORAL_NAMESPACE"), "default"),
		TaskQueue:       or(getenv("SKILLCERT_TASK_QUEUE"), workflows.TaskQueue),
		CacheSize:       1000,
		MaxActivities:   64,
		Storage:         objectstore.ConfigFromEnv(getenv),
	}
	if c.DatabaseURL == "" {
		return c, fmt.Errorf("DATABASE_URL is required")
	}
	if v := getenv("SKILLCERT_CERT_SERIAL_KEY"); v != "" {
		if len(v) < 16 {
			return c, fmt.Errorf("SKILLCERT_CERT_SERIAL_KEY: want at least 16 characters")
		}
		c.CertSerialKey = []byte(v)
	}
	for name, dst := range map[string]*int{"SKILLCERT_WORKER_CACHE_SIZE": &c.CacheSize, "SKILLCERT_WORKER_MAX_ACTIVITIES": &c.MaxActivities} {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return c, fmt.Errorf("%s: want a positive integer, got %q", name, v)
			}
			*dst = n
		}
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Run is the whole worker: it reads the configuration, connects to Temporal, Postgres and MinIO, registers
// ApplicationWorkflow and its activities and polls the task queue until ctx is cancelled.
func Run(ctx context.Context, _ []string, getenv func(string) string) error {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil)).With("service", "worker")
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer pool.Close()
	if err := schema.Migrate(ctx, pool); err != nil {
		return err
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
	tc, err := client.DialContext(ctx, client.Options{
		HostPort: cfg.TemporalAddress, Namespace: cfg.Namespace, Logger: log.NewStructuredLogger(logger),
		DataConverter: cdc.DataConverter(), FailureConverter: cdc.FailureConverter(),
	})
	if err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	defer tc.Close()

	sdkworker.SetStickyWorkflowCacheSize(cfg.CacheSize)
	w := sdkworker.New(tc, cfg.TaskQueue, sdkworker.Options{
		MaxConcurrentActivityExecutionSize: cfg.MaxActivities,
		WorkerStopTimeout:                  10 * time.Second,
	})
	w.RegisterWorkflow(workflows.ApplicationWorkflow)
	if cfg.CertSerialKey == nil {
		logger.Warn("SKILLCERT_CERT_SERIAL_KEY is unset: certificate serials use the public development key")
	}
	w.RegisterActivity(&activities.Activities{Pool: pool, Store: storeReader{store}, Logger: logger, CertSerialKey: cfg.CertSerialKey})
	logger.Info("worker started", "task_queue", cfg.TaskQueue, "temporal", cfg.TemporalAddress)
	if err := w.Run(workerInterrupt(ctx)); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	logger.Info("worker stopped")
	return nil
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
