package gateway

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.temporal.io/sdk/client"
)

func (a *app) healthz(c *fiber.Ctx) error {
	return c.JSON(healthBody{Status: "ok"})
}

// readyz checks Temporal, Postgres and MinIO in parallel, each within two seconds.
func (a *app) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	checks := map[string]func(context.Context) error{
		"postgres": func(ctx context.Context) error { return a.pool.Ping(ctx) },
		"temporal": func(ctx context.Context) error {
			_, err := a.temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		},
		"minio": func(ctx context.Context) error { return a.store.Ping(ctx) },
	}
	down := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, check := range checks {
		wg.Go(func() {
			if err := check(ctx); err != nil {
				mu.Lock()
				defer mu.Unlock()
				down[name] = firstLine(err.Error())
			}
		})
	}
	wg.Wait()
	if len(down) == 0 {
		return c.JSON(readyBody{Status: "ok"})
	}
	attrs := []any{"request_id", requestID(c)}
	for name, why := range down {
		attrs = append(attrs, name, why)
	}
	a.log.Warn("not ready: dependencies down", attrs...)
	c.Set(fiber.HeaderRetryAfter, "5")
	return c.Status(http.StatusServiceUnavailable).JSON(readyBody{Status: "unavailable"})
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// operationsRoutes are the probes. The metrics have their own listener (SKILLCERT_METRICS_ADDR).
func (a *app) operationsRoutes() []route {
	return []route{
		{Method: "GET", Path: "/healthz", Public: true, Handler: a.healthz, Tag: "operations",
			Summary: "Process is up", Response: healthBody{}},
		{Method: "GET", Path: "/readyz", Public: true, Handler: a.readyz, Tag: "operations",
			Summary:  "Temporal, Postgres and MinIO reachable: status ok, else 503 with status unavailable (no details)",
			Response: readyBody{}, Errors: []int{503}},
	}
}
