package gateway

import (
	"slices"
	"testing"

	appconfig "skillcert/config"
)

// TestCodecOriginsAcceptBothLoopbackNames: the Web UI opened as localhost or as 127.0.0.1 may call the codec.
func TestCodecOriginsAcceptBothLoopbackNames(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want []string
	}{
		{nil, []string{"http://127.0.0.1:8233", "http://localhost:8233"}},
		{map[string]string{"TEMPORAL_UI_URL": "http://127.0.0.1:40123/"},
			[]string{"http://127.0.0.1:40123", "http://localhost:40123"}},
		{map[string]string{"TEMPORAL_UI_URL": "http://localhost:8233"},
			[]string{"http://localhost:8233", "http://127.0.0.1:8233"}},
		{map[string]string{"TEMPORAL_UI_URL": "https://temporal.example.org"},
			[]string{"https://temporal.example.org"}},
		{map[string]string{"TEMPORAL_UI_URL": "http://127.0.0.1:8233", "SKILLCERT_CODEC_ORIGINS": " https://a.example , "},
			[]string{"https://a.example"}},
	}
	for _, c := range cases {
		got := codecOrigins(appconfig.Env(func(k string) string { return c.env[k] }))
		if !slices.Equal(got, c.want) {
			t.Errorf("codecOrigins(%v) = %q, want %q", c.env, got, c.want)
		}
	}
}
