package gateway

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"skillcert/api"
)

func TestAccountsIntegration(t *testing.T) {
	g := startGateway(t)
	a := g.registerApplicant(t, "张三")

	t.Run("register refusals", func(t *testing.T) {
		_, _, e := g.send(t, "", "POST", "/api/v1/auth/register", `{"phone":`) // malformed JSON
		wantStatusError(t, e, 400, "malformed", "")
		tests := []struct {
			name   string
			body   api.RegisterRequest
			status int
			code   string
			field  string
		}{
			{"bad ID number", api.RegisterRequest{Phone: newPhone(), Password: applicantPassword, Name: "李四",
				IDNumber: "150102198501010000"}, 422, "invalid", "id_number"},
			{"weak password", api.RegisterRequest{Phone: newPhone(), Password: "short", Name: "李四",
				IDNumber: newIDNumber()}, 422, "invalid", "password"},
			{"phone taken", api.RegisterRequest{Phone: a.Phone, Password: applicantPassword, Name: "李四",
				IDNumber: newIDNumber()}, 409, "conflict", "phone"},
			{"ID taken (lower-case x too)", api.RegisterRequest{Phone: newPhone(), Password: applicantPassword, Name: "李四",
				IDNumber: strings.ToLower(a.IDNumber)}, 409, "conflict", "id_number"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantAPIError(t, errOf(g.as("").Register(t.Context(), tt.body)), tt.status, tt.code, tt.field)
			})
		}
	})

	t.Run("login and me", func(t *testing.T) {
		ctx := t.Context()
		wantAPIError(t, errOf(g.as("").Login(ctx, a.Phone, "Wrong2022pass")), 401, "unauthorized", "")
		wantAPIError(t, errOf(g.as("").Login(ctx, "13000000000", "Wrong2022pass")), 401, "unauthorized", "")
		r := must(g.as("").Login(ctx, a.Phone, applicantPassword))(t)
		if r.Role != roleApplicant || r.Region != nil || r.ExpiresAt.IsZero() {
			t.Fatalf("login answer %+v", r)
		}
		if r.ExpiresAt.Before(time.Now()) {
			t.Fatalf("expires_at %v", r.ExpiresAt)
		}
		// The raw answer too: the full ID number is nowhere in it.
		resp, raw, _ := g.send(t, a.Token, "GET", "/api/v1/auth/me", nil)
		var me api.Me
		if err := json.Unmarshal(raw, &me); err != nil || resp.StatusCode != 200 {
			t.Fatalf("me: %d %s (%v)", resp.StatusCode, raw, err)
		}
		if me.IDNumberMasked == nil || *me.IDNumberMasked != a.IDNumber[:4]+"**********"+a.IDNumber[14:] || strings.Contains(string(raw), a.IDNumber) {
			t.Fatalf("me shows %s (ID %s)", raw, a.IDNumber)
		}
		wantAPIError(t, errOf(g.as(a.Token+"x").Me(ctx)), 401, "unauthorized", "")
	})

	t.Run("login throttling", func(t *testing.T) {
		victim := g.registerApplicant(t, "王五")
		statuses := []int{}
		for range 7 {
			statuses = append(statuses, answerStatus(errOf(g.as("").Login(t.Context(), victim.Phone, "Wrong2022pass"))))
		}
		if statuses[0] != 401 || statuses[6] != 429 {
			t.Fatalf("statuses of 7 wrong logins: %v, want 401 first and 429 last", statuses)
		}
		r, _, e := g.send(t, "", "POST", "/api/v1/auth/login", api.LoginRequest{Login: victim.Phone, Password: applicantPassword})
		wantStatusError(t, e, 429, "rate_limited", "")
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	})

	t.Run("idempotent registration", func(t *testing.T) {
		ctx := t.Context()
		body := api.RegisterRequest{Phone: newPhone(), Password: applicantPassword, Name: "赵六", IDNumber: newIDNumber()}
		key := "reg-" + newPhone()
		first := must(g.as("").WithIdempotencyKey(key).Register(ctx, body))(t)
		again, raw, _ := g.send(t, "", "POST", "/api/v1/auth/register", body, "Idempotency-Key", key) // for its headers
		var repeat api.UserIDResponse
		if err := json.Unmarshal(raw, &repeat); err != nil || again.StatusCode != 201 {
			t.Fatalf("repeat: %d %s (%v)", again.StatusCode, raw, err)
		}
		if first.UserID == "" || repeat.UserID != first.UserID || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("repeat gave %s (replayed %q), first %+v", raw, again.Header.Get("Idempotent-Replayed"), first)
		}
		body.Name = "赵七"
		wantAPIError(t, errOf(g.as("").WithIdempotencyKey(key).Register(ctx, body)), 422, "invalid", "Idempotency-Key")
		// Without the name at all (not an empty one): the raw body.
		_, _, e := g.send(t, "", "POST", "/api/v1/auth/register", map[string]any{"phone": body.Phone,
			"password": body.Password, "id_number": body.IDNumber})
		wantStatusError(t, e, 422, "invalid", "name")
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
