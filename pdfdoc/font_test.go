package pdfdoc_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"skillcert/pdfdoc"
)

func TestFindFont(t *testing.T) {
	dir := t.TempDir()
	ttf := filepath.Join(dir, "font.ttf")
	ttc := filepath.Join(dir, "font.ttc")
	for _, p := range []string{ttf, ttc} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, defaultErr := os.Stat(pdfdoc.DefaultFontPath)
	tests := []struct {
		name    string
		env     string
		want    string
		wantErr string
	}{
		{"from the environment", ttf, ttf, ""},
		{"collection refused", ttc, "", ".ttc"},
		{"missing file", filepath.Join(dir, "none.ttf"), "", "no such file"},
		{"a folder", dir, "", "directory"},
	}
	if defaultErr == nil {
		tests = append(tests, struct{ name, env, want, wantErr string }{"default", "", pdfdoc.DefaultFontPath, ""})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pdfdoc.FindFont(func(k string) string {
				if k == pdfdoc.FontEnv {
					return tt.env
				}
				return ""
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v; want an error about %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestNewRendererRefusesUnusableFonts(t *testing.T) {
	main, err := pdfdoc.FindFont(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	collection := write("c.ttf", append([]byte("ttcf"), make([]byte, 64)...))
	cff := write("c.otf", append([]byte("OTTO"), make([]byte, 64)...))
	text := write("t.ttf", []byte("this is not a font at all"))
	tests := []struct {
		name    string
		main    string
		extra   []string
		wantErr string
	}{
		{"collection", collection, nil, ".ttc"},
		{"CFF OpenType", cff, nil, "CFF"},
		{"not a font", text, nil, "not a TrueType"},
		{"missing", filepath.Join(dir, "none.ttf"), nil, "no such file"},
		{"fallback without Latin letters", main, []string{main}, "cannot draw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pdfdoc.NewRenderer(tt.main, tt.extra...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err %v, want one about %q", err, tt.wantErr)
			}
		})
	}
}
