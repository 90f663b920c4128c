package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"skillcert/internal/devstack"
)

// showHistory runs the Temporal CLI's `workflow show` against the stack, with extra flags.
func (s *system) showHistory(t *testing.T, app string, flags ...string) string {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(root+"/deploy/dev/tools.sh", "temporal").Output()
	if err != nil {
		t.Fatalf("tools.sh: %v", err)
	}
	bin := strings.TrimPrefix(strings.TrimSpace(string(out)), "SKILLCERT_TEMPORAL_BIN=")
	address := ""
	for _, kv := range s.env {
		if v, ok := strings.CutPrefix(kv, "TEMPORAL_ADDRESS="); ok {
			address = v
		}
	}
	args := append([]string{"workflow", "show", "--address", address, "--workflow-id", "application-" + app, "--output", "json"}, flags...)
	cmd := exec.Command(bin, args...)
	res, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("temporal %v: %v\n%s", args, err, res)
	}
	return string(res)
}

// checkCodecEndpoint shows that a history is ciphertext to the Temporal CLI and UI on their own, and that
// the gateway's codec endpoint decodes it for admins and nobody else.
func (s *system) checkCodecEndpoint(t *testing.T, admin, reviewer, app, plaintext string) {
	if raw := s.showHistory(t, app); mentions(t, raw, plaintext) {
		t.Fatalf("history shows %q without the codec", plaintext)
	}
	decoded := s.showHistory(t, app, "--codec-endpoint", s.baseURL+"/codec", "--codec-auth", "Bearer "+admin)
	if !mentions(t, decoded, plaintext) {
		t.Fatalf("history decoded by the codec endpoint lacks %q", plaintext)
	}
	for _, token := range []string{"", reviewer} {
		err := s.as(token).Do(context.Background(), "POST", "/codec/decode", map[string]any{"payloads": []any{}}, nil)
		if st := statusOf(err); st != 401 && st != 403 {
			t.Fatalf("codec decode with token %q: %v, want 401/403", token, err)
		}
	}
}

// mentions reports whether the JSON history out contains text, in a string or in a base64-encoded
// payload's data.
func mentions(t *testing.T, out, text string) bool {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("history is not JSON: %v", err)
	}
	found := false
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case string:
			if strings.Contains(v, text) {
				found = true
			} else if b, err := base64.StdEncoding.DecodeString(v); err == nil && strings.Contains(string(b), text) {
				found = true
			}
		}
	}
	walk(doc)
	return found
}
