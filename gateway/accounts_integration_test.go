package gateway

import (
	"strings"
	"testing"
	"time"

	"skillcert/api"
)

func TestAccountsIntegration(t *testing.T) {
	g := startGateway(t)
	a := g.registerApplicant(t, "张三")

	t.Run("register refusals", func(t *testing.T) {
		tests := []struct {
			name   string
			body   any
			status int
			code   string
			field  string
		}{
			{"malformed JSON", `{"phone":`, 400, "malformed", ""},
			{"bad ID number", map[string]any{"phone": newPhone(), "password": applicantPassword, "name": "李四",
				"id_number": "150102198501010000"}, 422, "invalid", "id_number"},
			{"weak password", map[string]any{"phone": newPhone(), "password": "short", "name": "李四",
				"id_number": newIDNumber()}, 422, "invalid", "password"},
			{"phone taken", map[string]any{"phone": a.Phone, "password": applicantPassword, "name": "李四",
				"id_number": newIDNumber()}, 409, "conflict", "phone"},
			{"ID taken (lower-case x too)", map[string]any{"phone": newPhone(), "password": applicantPassword, "name": "李四",
				"id_number": strings.ToLower(a.IDNumber)}, 409, "conflict", "id_number"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				g.do(t, "POST", "/api/v1/auth/register", "", tt.body).wantError(t, tt.status, tt.code, tt.field)
			})
		}
	})

	t.Run("login and me", func(t *testing.T) {
		g.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": a.Phone, "password": "Wrong2022pass"}).
			wantError(t, 401, "unauthorized", "")
		g.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": "13000000000", "password": "Wrong2022pass"}).
			wantError(t, 401, "unauthorized", "")
		r := g.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": a.Phone, "password": applicantPassword}).want(t, 200)
		if r.str("role") != roleApplicant || r.Body["region"] != nil || r.str("expires_at") == "" {
			t.Fatalf("login answer %s", r.Raw)
		}
		exp, err := time.Parse(time.RFC3339, r.str("expires_at"))
		if err != nil || exp.Before(time.Now()) {
			t.Fatalf("expires_at %q", r.str("expires_at"))
		}
		me := g.do(t, "GET", "/api/v1/auth/me", a.Token, nil).want(t, 200)
		masked := me.str("id_number_masked")
		if masked != a.IDNumber[:4]+"**********"+a.IDNumber[14:] || strings.Contains(string(me.Raw), a.IDNumber) {
			t.Fatalf("me shows %s (ID %s)", me.Raw, a.IDNumber)
		}
		g.do(t, "GET", "/api/v1/auth/me", a.Token+"x", nil).wantError(t, 401, "unauthorized", "")
	})

	t.Run("login throttling", func(t *testing.T) {
		victim := g.registerApplicant(t, "王五")
		statuses := []int{}
		for range 7 {
			r := g.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": victim.Phone, "password": "Wrong2022pass"})
			statuses = append(statuses, r.Status)
		}
		if statuses[0] != 401 || statuses[6] != 429 {
			t.Fatalf("statuses of 7 wrong logins: %v, want 401 first and 429 last", statuses)
		}
		r := g.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": victim.Phone, "password": applicantPassword})
		r.wantError(t, 429, "rate_limited", "")
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	})

	t.Run("idempotent registration", func(t *testing.T) {
		body := map[string]any{"phone": newPhone(), "password": applicantPassword, "name": "赵六", "id_number": newIDNumber()}
		key := "reg-" + newPhone()
		first := g.do(t, "POST", "/api/v1/auth/register", "", body, "Idempotency-Key", key).want(t, 201)
		again := g.do(t, "POST", "/api/v1/auth/register", "", body, "Idempotency-Key", key).want(t, 201)
		if first.str("user_id") == "" || again.str("user_id") != first.str("user_id") || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("repeat gave %s (replayed %q), first %s", again.Raw, again.Header.Get("Idempotent-Replayed"), first.Raw)
		}
		body["name"] = "赵七"
		g.do(t, "POST", "/api/v1/auth/register", "", body, "Idempotency-Key", key).wantError(t, 422, "invalid", "Idempotency-Key")
		delete(body, "name")
		g.do(t, "POST", "/api/v1/auth/register", "", body).wantError(t, 422, "invalid", "name")
	})

	t.Run("staff accounts", func(t *testing.T) {
		ctx := t.Context()
		admin := g.adminToken(t)
		staff := api.CreateUserRequest{Username: "city_test_" + newPhone(), Password: "Staff2022pass", Name: "审核员",
			Role: roleCityReviewer, Region: "包头市", Employer: "包头市人社局"}
		wantAPIError(t, errOf(g.as(a.Token).CreateUser(ctx, staff)), 403, "forbidden", "")
		wantAPIError(t, errOf(g.as("").CreateUser(ctx, staff)), 401, "unauthorized", "")
		if r := must(g.as(admin).CreateUser(ctx, staff))(t); r.UserID == "" {
			t.Fatalf("no user_id: %+v", r)
		}
		wantAPIError(t, errOf(g.as(admin).CreateUser(ctx, staff)), 409, "conflict", "username")
		login := must(g.as("").Login(ctx, staff.Username, "Staff2022pass"))(t)
		if login.Role != roleCityReviewer || login.Region == nil || *login.Region != "包头市" {
			t.Fatalf("staff login %+v", login)
		}
		for name, change := range map[string]func(*api.CreateUserRequest) string{
			"city reviewer without region": func(r *api.CreateUserRequest) string { r.Region = ""; return "region" },
			"unknown region":               func(r *api.CreateUserRequest) string { r.Region = "北京市"; return "region" },
			"unknown role":                 func(r *api.CreateUserRequest) string { r.Role = "root"; return "role" },
			"applicant role":               func(r *api.CreateUserRequest) string { r.Role = roleApplicant; return "role" },
		} {
			t.Run(name, func(t *testing.T) {
				body := staff
				body.Username = "other_" + newPhone()
				field := change(&body)
				wantAPIError(t, errOf(g.as(admin).CreateUser(t.Context(), body)), 422, "invalid", field)
			})
		}
		if demo := must(g.as("").Login(ctx, "city_hohhot", testDemoPassword))(t); demo.Region == nil || *demo.Region != "呼和浩特市" {
			t.Fatalf("demo city reviewer %+v", demo)
		}
	})
}
