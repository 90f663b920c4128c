package workflows

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportGraph keeps the deterministic workflow code apart from I/O: package workflows may import only
// the standard library, the Temporal SDK (and its uuid), the domain, and the dependency-free packages
// contract (its activities' vocabulary) and failure (domain errors through Temporal).
func TestImportGraph(t *testing.T) {
	pkg, err := build.Import("skillcert/workflows", ".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"skillcert": true, "skillcert/contract": true, "skillcert/failure": true,
		"github.com/google/uuid": true}
	for _, imp := range pkg.Imports {
		switch {
		case allowed[imp], strings.HasPrefix(imp, "go.temporal.io/sdk/"), !strings.Contains(strings.Split(imp, "/")[0], "."):
			if strings.HasPrefix(imp, "skillcert/") && !allowed[imp] {
				t.Errorf("workflows imports %s", imp)
			}
		default:
			t.Errorf("workflows imports %s: only the SDK, the domain, contract and failure are allowed", imp)
		}
	}
	// The allowed skillcert packages themselves import nothing of the module but the domain.
	for _, name := range []string{"skillcert", "skillcert/contract", "skillcert/failure"} {
		p, err := build.Import(name, ".", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "skillcert/") || strings.Contains(imp, "pgx") || strings.Contains(imp, "minio") {
				t.Errorf("%s imports %s", name, imp)
			}
		}
	}
}
