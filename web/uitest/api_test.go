package uitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"
)

// api calls the JSON API directly, for test setup only (creating a batch as admin).
func (st *stack) api(t *testing.T, method, path, token string, in, out any) int {
	t.Helper()
	var body bytes.Buffer
	if in != nil {
		if err := json.NewEncoder(&body).Encode(in); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, st.baseURL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// login returns an API token.
func (st *stack) login(t *testing.T, login, password string) string {
	t.Helper()
	var ans struct {
		Token string `json:"token"`
	}
	if s := st.api(t, "POST", "/api/v1/auth/login", "", map[string]string{"login": login, "password": password}, &ans); s != 200 {
		t.Fatalf("login %s: %d", login, s)
	}
	return ans.Token
}

// newBatch creates a batch open for registration and payment now and returns its ID.
func (st *stack) newBatch(t *testing.T) string {
	t.Helper()
	id := fmt.Sprintf("ui-%d", rand.IntN(1_000_000_000))
	now := time.Now()
	s := st.api(t, "POST", "/api/v1/admin/batches", st.login(t, "admin", adminPassword), map[string]any{
		"id": id, "name": "界面测试批次 " + id,
		"registration_opens_at":  now.Add(-time.Hour).Format(time.RFC3339),
		"registration_closes_at": now.Add(30 * 24 * time.Hour).Format(time.RFC3339),
		"payment_opens_at":       now.Add(-time.Hour).Format(time.RFC3339),
		"payment_closes_at":      now.Add(40 * 24 * time.Hour).Format(time.RFC3339),
		"exam_starts_at":         now.Add(50 * 24 * time.Hour).Format(time.RFC3339),
	}, nil)
	if s != 201 {
		t.Fatalf("create batch: %d", s)
	}
	return id
}
