package devstack

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestParseEnv(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr string
	}{
		{name: "plain", in: "A=1\nB=x=y\n", want: []string{"A=1", "B=x=y"}},
		{name: "comments and blanks", in: "# c\n\n  A=1  \n", want: []string{"A=1"}},
		{name: "empty value", in: "DATABASE_URL=\n", want: []string{"DATABASE_URL="}},
		{name: "no equals sign", in: "A=1\nnonsense\n", wantErr: "line 2"},
		{name: "empty key", in: "=1\n", wantErr: "line 1"},
		{name: "space in key", in: "A B=1\n", wantErr: "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEnv([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseEnv(%q) error = %v, want one mentioning %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseEnv(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("parseEnv(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	complete := map[string]string{
		"DATABASE_URL":               "postgres://postgres@127.0.0.1:1/skillcert?sslmode=disable",
		"TEMPORAL_ADDRESS":           "127.0.0.1:2",
		"TEMPORAL_UI_URL":            "http://127.0.0.1:3",
		"SKILLCERT_MINIO_ENDPOINT":   "127.0.0.1:4",
		"SKILLCERT_MINIO_ACCESS_KEY": "ak",
		"SKILLCERT_MINIO_SECRET_KEY": "sk",
		"MINIO_CONSOLE_URL":          "http://127.0.0.1:5",
	}
	tests := []struct {
		name    string
		drop    string // key left out of the file
		wantErr bool
	}{
		{name: "complete"},
		{name: "no database", drop: "DATABASE_URL", wantErr: true},
		{name: "no temporal", drop: "TEMPORAL_ADDRESS", wantErr: true},
		{name: "no minio endpoint", drop: "SKILLCERT_MINIO_ENDPOINT", wantErr: true},
		{name: "no minio secret", drop: "SKILLCERT_MINIO_SECRET_KEY", wantErr: true},
		{name: "no console url is fine", drop: "MINIO_CONSOLE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			for k, v := range complete {
				if k != tt.drop {
					lines = append(lines, k+"="+v)
				}
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "stack.env")
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Load(path)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), tt.drop) {
					t.Fatalf("Load without %s: error = %v, want one naming it", tt.drop, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got := map[string]string{
				"DATABASE_URL": s.DatabaseURL, "TEMPORAL_ADDRESS": s.TemporalAddress,
				"TEMPORAL_UI_URL": s.TemporalUIURL, "SKILLCERT_MINIO_ENDPOINT": s.MinioEndpoint,
				"SKILLCERT_MINIO_ACCESS_KEY": s.MinioAccessKey, "SKILLCERT_MINIO_SECRET_KEY": s.MinioSecretKey,
				"MINIO_CONSOLE_URL": s.MinioConsoleURL,
			}
			for k, v := range complete {
				if k == tt.drop {
					v = ""
				}
				if got[k] != v {
					t.Errorf("Load: %s = %q, want %q", k, got[k], v)
				}
			}
			if s.TemporalNamespace != "default" || s.Dir != dir {
				t.Errorf("Load: namespace %q dir %q, want default and %s", s.TemporalNamespace, s.Dir, dir)
			}
			if len(s.Env()) != len(lines) {
				t.Errorf("Env() has %d entries, want %d", len(s.Env()), len(lines))
			}
			if err := s.Stop(); err != nil {
				t.Errorf("Stop on a loaded stack: %v, want nil (it does not own it)", err)
			}
		})
	}
}

func TestFindRoot(t *testing.T) {
	top := t.TempDir()
	nested := filepath.Join(top, "a", "b")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := findRoot(nested); err == nil {
		t.Fatalf("findRoot without go.mod: want an error")
	}
	if err := os.WriteFile(filepath.Join(top, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{top, filepath.Join(top, "a"), nested} {
		got, err := findRoot(dir)
		if err != nil || got != top {
			t.Errorf("findRoot(%s) = %q, %v; want %q", dir, got, err, top)
		}
	}
	root, err := RepoRoot()
	if err != nil {
		t.Fatalf("RepoRoot: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "deploy", "dev", "stack.sh")); err != nil {
		t.Errorf("RepoRoot() = %s, which has no deploy/dev/stack.sh: %v", root, err)
	}
}

func TestFreePorts(t *testing.T) {
	ports, err := freePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || p > 65535 || seen[p] {
			t.Fatalf("freePorts(5) = %v: want 5 distinct valid ports", ports)
		}
		seen[p] = true
	}
}
