package api

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsAreLight: package api and package client import only the standard library, the domain and
// each other, so that any Go program can use them without the server's dependencies (Temporal, pgx,
// Fiber).
func TestImportsAreLight(t *testing.T) {
	allowed := map[string]bool{"skillcert": true, "skillcert/api": true}
	for _, dir := range []string{".", "../client"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				first, _, _ := strings.Cut(path, "/")
				if !allowed[path] && strings.Contains(first, ".") || strings.HasPrefix(path, "skillcert/") && !allowed[path] {
					t.Errorf("%s imports %s", f, path)
				}
			}
		}
	}
}
