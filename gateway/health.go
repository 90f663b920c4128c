package gateway

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.temporal.io/sdk/client"

	"skillcert"
)

// healthBody answers /healthz.
type healthBody struct {
	Status string `json:"status"`
}

// readyBody answers /readyz: each dependency with "ok" or why it is down, and the list of those down.
// When something is down the answer is 503 and also carries the usual error object.
type readyBody struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
	Down   []string          `json:"down"`
	Error  *apiError         `json:"error,omitempty"`
}

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
	body := readyBody{Status: "ok", Checks: map[string]string{}, Down: []string{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, check := range checks {
		wg.Go(func() {
			err := check(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				body.Checks[name] = "down: " + firstLine(err.Error())
				body.Down = append(body.Down, name)
				return
			}
			body.Checks[name] = "ok"
		})
	}
	wg.Wait()
	if len(body.Down) == 0 {
		return c.JSON(body)
	}
	sort.Strings(body.Down)
	body.Status = "unavailable"
	body.Error = &apiError{Code: skillcert.EUNAVAILABLE, Message: "依赖服务不可用：" + strings.Join(body.Down, ", "),
		Fields: map[string]string{}, RequestID: requestID(c)}
	return c.Status(http.StatusServiceUnavailable).JSON(body)
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

// operationsRoutes are the probes and the metrics endpoint.
func (a *app) operationsRoutes() []route {
	return []route{
		{Method: "GET", Path: "/healthz", Public: true, Handler: a.healthz, Tag: "operations",
			Summary: "Process is up", Response: healthBody{}},
		{Method: "GET", Path: "/readyz", Public: true, Handler: a.readyz, Tag: "operations",
			Summary: "Temporal, Postgres and MinIO reachable (503 names those down)", Response: readyBody{},
			Errors: []int{503}},
		{Method: "GET", Path: "/metrics", Public: true, Handler: a.metrics.handler(), Tag: "operations",
			Summary: "Prometheus metrics", ContentType: "text/plain"},
	}
}
