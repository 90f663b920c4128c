package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/schema/capture"
	"skillcert/schema/db"
)

// Projection is the result of the million-row measurements.
type Projection struct {
	Loaded          loadedProjection `json:"loaded"`
	Requests        int              `json:"requests_per_endpoint"` // asked for; a variant's Endpoints[...].Count is what was made
	Plans           []Plan           `json:"plans"`
	SeqScansCustom  []string         `json:"seq_scans_custom_plans"`  // "query: table", sequential scans of big tables
	SeqScansGeneric []string         `json:"seq_scans_generic_plans"` // the same in the plans of prepared statements
	Variants        []Variant        `json:"variants"`
}

// Variant is one gateway configuration measured on the loaded database.
type Variant struct {
	Name      string               `json:"name"`
	Params    string               `json:"database_url_params"` // added to DATABASE_URL of the gateway
	Endpoints map[string]Latency   `json:"endpoints"`
	Items     map[string]int       `json:"items_in_first_answer"`
	Goal      map[string]GoalCheck `json:"goal_p99_under_50ms"`
	Gateway   Memory               `json:"gateway_memory"`
}

// GoalCheck compares a figure with its goal.
type GoalCheck struct {
	Value float64 `json:"value"` // p99 in ms, or peak memory in MiB
	Met   bool    `json:"met"`
}

// projectionVariants: the gateway as shipped (it plans every execution with its values:
// plan_cache_mode=force_custom_plan unless DATABASE_URL says otherwise), and with Postgres' default, under which
// a prepared statement may switch to its generic plan after five executions.
var projectionVariants = []Variant{
	{Name: "as shipped"},
	{Name: "plan_cache_mode=auto", Params: "plan_cache_mode=auto"},
}

// goalQueries are the queries the p99 < 50 ms goal covers.
var goalQueries = []string{"inbox, first page", "inbox, page 100", "admin search (status, region, level)", "certificate verification"}

// projectionQuery is one measured endpoint: how to make its requests, and the query the gateway runs for it.
type projectionQuery struct {
	name       string
	admin      bool // sent by the admin (else by the region's city reviewer; verification is public)
	supervisor bool // sent by the region's supervisor
	public     bool
	path       func(i int) string
	capture    func(q *db.Queries) error // calls the generated query with the handler's parameters
}

// projectionQueries are the measured endpoints over the loaded data.
func projectionQueries(ctx context.Context, region string, certs []string) []projectionQuery {
	searches := searchFilters(rand.New(rand.NewPCG(7, 11)), 1000)
	return []projectionQuery{
		{name: "inbox, first page", path: func(int) string { return "/api/v1/tasks" },
			capture: func(q *db.Queries) error {
				_, err := q.ListInboxTasks(ctx, db.ListInboxTasksParams{Roles: []string{"city_reviewer"}, ScopeRegion: &region, Lim: 51})
				return err
			}},
		{name: "inbox, page 100", path: func(int) string { return "/api/v1/tasks?page=100" },
			capture: func(q *db.Queries) error {
				_, err := q.ListInboxTasks(ctx, db.ListInboxTasksParams{Roles: []string{"city_reviewer"}, ScopeRegion: &region, Off: 99 * 50, Lim: 51})
				return err
			}},
		{name: "admin search (status, region, level)", admin: true, path: func(i int) string { return searches[i%len(searches)].path() },
			capture: func(q *db.Queries) error {
				f := searches[0]
				_, err := q.SearchApplications(ctx, db.SearchApplicationsParams{Status: &f.status, Region: &f.region, Level: &f.level, Lim: 51})
				return err
			}},
		{name: "stats by region, level, status", admin: true, path: func(int) string { return "/api/v1/admin/stats?group_by=region,level,status" },
			capture: func(q *db.Queries) error {
				_, err := q.CountApplicationsGrouped(ctx, db.CountApplicationsGroupedParams{ByRegion: true, ByLevel: true, ByStatus: true})
				return err
			}},
		{name: "certificate verification", public: true, path: func(i int) string { return "/api/v1/certificates/" + certs[i%len(certs)] },
			capture: func(q *db.Queries) error {
				_, err := q.GetCertificate(ctx, certs[0])
				return err
			}},
	}
}

// measureProjection loads the data into a database of its own, explains the gateway's queries, and measures
// them through HTTP with a gateway per variant.
func measureProjection(ctx context.Context, env *runEnv, apps, tasks, requests int, budget time.Duration) (Projection, error) {
	out := Projection{Requests: requests}
	dbURL, drop, err := env.stack.NewDatabase(ctx, "loadtest_projection")
	if err != nil {
		return out, err
	}
	if !env.keep {
		defer func() { _ = drop(context.WithoutCancel(ctx)) }()
	}
	// With SKILLCERT_BENCH_UNSAFE_COMMIT=1 the cluster commits asynchronously; VACUUM cannot mark rows
	// all-visible until their commit is flushed, so the loader always commits synchronously. Its EXPLAINs
	// plan as the gateway's pool does (gateway/run.go poolConfig: no parallel workers).
	loaderURL, err := withParams(dbURL, "synchronous_commit=on&max_parallel_workers_per_gather=0")
	if err != nil {
		return out, err
	}
	pool, err := pgxpool.New(ctx, loaderURL)
	if err != nil {
		return out, fmt.Errorf("projection database: %w", err)
	}
	defer pool.Close()
	env.logf("projection: loading %d applications and %d open tasks (COPY)", apps, tasks)
	if out.Loaded, err = loadProjection(ctx, pool, apps, tasks, time.Now()); err != nil {
		return out, err
	}
	env.logf("projection: loaded in %.0f s (%.0f s audit, %.0f s exam sessions; + %.0f s VACUUM ANALYZE; all-visible %v): %d applications, %d open tasks, %d certificates, %d audit events, %d exam sessions, %d seats",
		out.Loaded.LoadSeconds, out.Loaded.AuditSecs, out.Loaded.ExamSecs, out.Loaded.VacuumSecs, out.Loaded.AllVisible, out.Loaded.Applications, out.Loaded.OpenTasks,
		out.Loaded.Certificates, out.Loaded.AuditEvents, out.Loaded.ExamSessions, out.Loaded.ExamSeats)
	queries := projectionQueries(ctx, out.Loaded.inboxRegion, out.Loaded.certNumbers)
	lists, err := listProjectionQueries(ctx, pool, out.Loaded.inboxRegion) // projection_lists.go
	if err != nil {
		return out, err
	}
	queries = append(queries, lists...)
	audit, err := auditProjectionQueries(ctx, pool, out.Loaded.inboxRegion) // projection_audit_lists.go
	if err != nil {
		return out, err
	}
	queries = append(queries, audit...)
	for _, pq := range queries {
		c := &capture.Statement{}
		if err := pq.capture(db.New(c)); err != capture.ErrCaptured {
			return out, fmt.Errorf("capture %s: %v", pq.name, err)
		}
		plan, err := explain(ctx, pool, pq.name, c)
		if err != nil {
			return out, err
		}
		out.Plans = append(out.Plans, plan)
		for _, t := range seqScans(plan.CustomPlan) {
			out.SeqScansCustom = append(out.SeqScansCustom, pq.name+": "+t)
		}
		for _, t := range seqScans(plan.GenericPlan) {
			out.SeqScansGeneric = append(out.SeqScansGeneric, pq.name+": "+t)
		}
	}
	for i, v := range projectionVariants {
		if v, err = measureVariant(ctx, env, v, dbURL, i == 0, out.Loaded.inboxRegion, queries, requests, budget); err != nil {
			return out, err
		}
		out.Variants = append(out.Variants, v)
	}
	return out, nil
}

// measureVariant runs a gateway on the database with v's parameters and times every query's endpoint.
func measureVariant(ctx context.Context, env *runEnv, v Variant, dbURL string, first bool, region string,
	queries []projectionQuery, requests int, budget time.Duration) (Variant, error) {
	withVariant, err := withParams(dbURL, v.Params)
	if err != nil {
		return v, err
	}
	stackEnv := append(env.stack.Env(), "DATABASE_URL="+withVariant)
	gw, base, err := startGateway(ctx, env.bin, "gateway-projection", env.logDir, stackEnv, env.gateway, env.gwEnv...)
	if err != nil {
		return v, err
	}
	defer gw.stop(20 * time.Second)
	api := newAPIClient(base, 4, newRecorder(), env.errors)
	admin, err := login(ctx, api, "admin", env.gateway.adminPassword)
	if err != nil {
		return v, fmt.Errorf("projection gateway: %w", err)
	}
	var reviewer, supervisor account
	if first {
		reviewer, err = createStaff(ctx, api, admin, "projcity", region+"初审员", "city_reviewer", region, "")
		if err == nil {
			supervisor, err = createStaff(ctx, api, admin, "projsuper", region+"监督员", "supervisor", region, "")
		}
	} else {
		reviewer, err = login(ctx, api, "projcity", staffPassword)
		if err == nil {
			supervisor, err = login(ctx, api, "projsuper", staffPassword)
		}
	}
	if err != nil {
		return v, fmt.Errorf("projection gateway: %w", err)
	}
	_ = resetPeak(gw.pid())
	v.Endpoints, v.Items, v.Goal = map[string]Latency{}, map[string]int{}, map[string]GoalCheck{}
	for _, pq := range queries {
		token := reviewer.Token
		switch {
		case pq.admin:
			token = admin.Token
		case pq.supervisor:
			token = supervisor.Token
		case pq.public:
			token = ""
		}
		lat, items, err := timeEndpoint(ctx, api, pq, token, requests, budget)
		if err != nil {
			return v, err
		}
		v.Endpoints[pq.name], v.Items[pq.name] = lat, items
		env.logf("projection (%s): %-38s p50 %7.2f ms  p99 %7.2f ms  (%d requests, %d items)", v.Name, pq.name, lat.P50, lat.P99, lat.Count, items)
	}
	for _, name := range goalQueries {
		l := v.Endpoints[name]
		v.Goal[name] = GoalCheck{Value: l.P99, Met: l.P99 < 50}
	}
	if kb, err := procKB(gw.pid(), "VmHWM"); err == nil {
		v.Gateway = Memory{PID: gw.pid(), PeakMiB: mib(kb), How: "VmHWM"}
	}
	return v, nil
}

// timeEndpoint sends n requests one after another (latency without queueing) and returns their summary
// and the number of items in the first answer. An endpoint slower than budget/n stops after budget (and
// at least 100 requests); the summary's count says how many were made.
func timeEndpoint(ctx context.Context, api *apiClient, pq projectionQuery, token string, n int, budget time.Duration) (Latency, int, error) {
	sub := newRecorder()
	measured := &apiClient{api: api.api, rec: sub, errors: api.errors}
	items := 0
	start := time.Now()
	for i := 0; i < n && (i < 100 || time.Since(start) < budget); i++ {
		var answer map[string]any
		if err := measured.do(ctx, call{method: "GET", route: pq.name, path: pq.path(i), token: token, out: &answer}); err != nil {
			return Latency{}, 0, err
		}
		if i == 0 {
			items = countItems(answer)
		}
	}
	return sub.summary()["GET "+pq.name], items, nil
}

// countItems counts the entries of an answer's list (items or rows), or 1 for a single object.
func countItems(answer map[string]any) int {
	for _, key := range []string{"items", "rows"} {
		if list, ok := answer[key].([]any); ok {
			return len(list)
		}
	}
	return 1
}

// searchFilter is one admin search.
type searchFilter struct {
	status, region string
	level          int32
}

func (f searchFilter) path() string {
	q := url.Values{"status": {f.status}, "region": {f.region}, "level": {fmt.Sprint(f.level)}}
	return "/api/v1/admin/applications?" + q.Encode()
}

// searchFilters draws n searches the way an administrator would filter: statuses that matter, any region,
// any level.
func searchFilters(rng *rand.Rand, n int) []searchFilter {
	statuses := []skillcert.Status{skillcert.StatusPreliminaryReview, skillcert.StatusReReview, skillcert.StatusAwaitingPayment,
		skillcert.StatusScoring, skillcert.StatusCertified, skillcert.StatusFailed, skillcert.StatusRejected}
	out := make([]searchFilter, n)
	for i := range out {
		out[i] = searchFilter{status: string(statuses[rng.IntN(len(statuses))]),
			region: skillcert.Regions[rng.IntN(len(skillcert.Regions))], level: int32(1 + rng.IntN(5))}
	}
	return out
}

// withParams adds query parameters ("a=1&b=2") to a database URL; pgx passes the ones it does not know
// (plan_cache_mode, jit) to the server as session settings and reads its own (pool_max_conns).
func withParams(dbURL, params string) (string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", fmt.Errorf("database url: %w", err)
	}
	extra, err := url.ParseQuery(params)
	if err != nil {
		return "", fmt.Errorf("database url parameters %q: %w", params, err)
	}
	q := u.Query()
	for k, vals := range extra {
		q[k] = vals
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
