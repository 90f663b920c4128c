package gateway

import (
	"strings"
	"testing"
	"time"
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
		admin := g.adminToken(t)
		staff := map[string]any{"username": "city_test_" + newPhone(), "password": "Staff2022pass", "name": "审核员",
			"role": roleCityReviewer, "region": "包头市", "employer": "包头市人社局"}
		g.do(t, "POST", "/api/v1/admin/users", a.Token, staff).wantError(t, 403, "forbidden", "")
		g.do(t, "POST", "/api/v1/admin/users", "", staff).wantError(t, 401, "unauthorized", "")
		r := g.do(t, "POST", "/api/v1/admin/users", admin, staff).want(t, 201)
		if r.str("user_id") == "" {
			t.Fatalf("no user_id: %s", r.Raw)
		}
		g.do(t, "POST", "/api/v1/admin/users", admin, staff).wantError(t, 409, "conflict", "username")
		login := g.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": staff["username"], "password": "Staff2022pass"}).want(t, 200)
		if login.str("role") != roleCityReviewer || login.str("region") != "包头市" {
			t.Fatalf("staff login %s", login.Raw)
		}
		for name, change := range map[string]map[string]any{
			"city reviewer without region": {"region": ""},
			"unknown region":               {"region": "北京市"},
			"unknown role":                 {"role": "root"},
			"applicant role":               {"role": roleApplicant},
		} {
			t.Run(name, func(t *testing.T) {
				body := map[string]any{}
				for k, v := range staff {
					body[k] = v
				}
				body["username"] = "other_" + newPhone()
				for k, v := range change {
					body[k] = v
				}
				field := "region"
				if _, ok := change["role"]; ok {
					field = "role"
				}
				g.do(t, "POST", "/api/v1/admin/users", admin, body).wantError(t, 422, "invalid", field)
			})
		}
		demo := g.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": "city_hohhot", "password": testDemoPassword}).want(t, 200)
		if demo.str("region") != "呼和浩特市" {
			t.Fatalf("demo city reviewer %s", demo.Raw)
		}
	})
}
