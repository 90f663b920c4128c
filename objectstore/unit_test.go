package objectstore

import (
	"context"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{}
	cfg := ConfigFromEnv(func(k string) string { return env[k] })
	if cfg.Endpoint != DefaultEndpoint || cfg.Bucket != DefaultBucket || cfg.Region != DefaultRegion || cfg.UseSSL {
		t.Fatalf("defaults: %+v", cfg)
	}
	env = map[string]string{"SKILLCERT_MINIO_ENDPOINT": "minio:9000", "SKILLCERT_MINIO_ACCESS_KEY": "ak",
		"SKILLCERT_MINIO_SECRET_KEY": "sk", "SKILLCERT_MINIO_BUCKET": "docs", "SKILLCERT_MINIO_USE_SSL": "true"}
	cfg = ConfigFromEnv(func(k string) string { return env[k] })
	want := Config{Endpoint: "minio:9000", AccessKey: "ak", SecretKey: "sk", Bucket: "docs", Region: DefaultRegion, UseSSL: true}
	if cfg != want {
		t.Fatalf("got %+v, want %+v", cfg, want)
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct{ name, want string }{
		{"张三_11010519491231002X.jpg", `attachment; filename="___11010519491231002X.jpg"; filename*=UTF-8''%E5%BC%A0%E4%B8%89_11010519491231002X.jpg`},
		{"report 2022.pdf", `attachment; filename="report 2022.pdf"; filename*=UTF-8''report%202022.pdf`},
		{`a"b\c/d.pdf`, `attachment; filename="a_b_c_d.pdf"; filename*=UTF-8''a%22b_c_d.pdf`},
		{"evil\r\nX-Injected: 1.pdf", `attachment; filename="evilX-Injected: 1.pdf"; filename*=UTF-8''evilX-Injected%3A%201.pdf`},
		{"  ", `attachment; filename="download"; filename*=UTF-8''download`},
		{"100%.pdf", `attachment; filename="100_.pdf"; filename*=UTF-8''100%25.pdf`},
	}
	for _, tt := range tests {
		if got := ContentDisposition(tt.name); got != tt.want {
			t.Errorf("ContentDisposition(%q)\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestKeysAreCheckedBeforeAnyRequest(t *testing.T) {
	s := &Store{bucket: "b"} // no client: a request would panic
	ctx := context.Background()
	for _, key := range []string{"", "a/../b", "身份证/张三.jpg", "a b", "/lead", "trail/", "a//b", string(make([]byte, 513))} {
		if _, _, err := s.PresignUpload(ctx, key, "image/png", 10, time.Minute); err == nil {
			t.Errorf("upload key %q accepted", key)
		}
		if _, err := s.PresignDownload(ctx, key, "", "x", time.Minute); err == nil {
			t.Errorf("download key %q accepted", key)
		}
	}
}

func TestGrantsAnonymous(t *testing.T) {
	tests := []struct {
		policy string
		want   bool
	}{
		{"", false},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"]}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:ListBucket"]}]}`, true},
		{`{"Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:*"]}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:user/app"]},"Action":["s3:*"]}]}`, false},
		{`not json`, true},
	}
	for _, tt := range tests {
		if got := grantsAnonymous(tt.policy); got != tt.want {
			t.Errorf("grantsAnonymous(%s) = %v, want %v", tt.policy, got, tt.want)
		}
	}
}
