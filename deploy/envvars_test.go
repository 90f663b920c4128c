package deploy_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// envName matches the names of the variables the programs read.
var envName = regexp.MustCompile(`^(SKILLCERT_[A-Z0-9_]+|DATABASE_URL|TEMPORAL_[A-Z0-9_]+|OTEL_[A-Z0-9_]+)$`)

// notRead are variables the artefacts may set although no skillcert code reads them: the Go runtime's and the C
// library's.
var notRead = map[string]bool{"GOMEMLIMIT": true, "TZ": true}

// programVars lists every environment variable name that appears as a string literal in the non-test Go files of
// the module's packages that cmd/<prog> links. A variable the artefacts set but the program does not read (say,
// after a rename) is then caught.
func programVars(t *testing.T, prog string) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}|{{join .GoFiles \",\"}}{{end}}",
		"skillcert/cmd/"+prog).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, _ := filepath.Abs("..")
	vars := map[string]bool{}
	fset := token.NewFileSet()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dir, files, _ := strings.Cut(line, "|")
		if !strings.HasPrefix(dir, root) || files == "" {
			continue
		}
		for _, f := range strings.Split(files, ",") {
			file, err := parser.ParseFile(fset, filepath.Join(dir, f), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && envName.MatchString(s) {
						vars[s] = true
					}
				}
				return true
			})
		}
	}
	if !vars["DATABASE_URL"] {
		t.Fatalf("found no environment variables in cmd/%s (scanner broken?)", prog)
	}
	return vars
}

// TestArtefactsSetOnlyWhatProgramsRead checks every variable that compose.yaml and the Kubernetes overlays give
// the gateway and the worker, including the keys of the ConfigMaps and Secrets they load whole.
func TestArtefactsSetOnlyWhatProgramsRead(t *testing.T) {
	read := map[string]map[string]bool{"gateway": programVars(t, "gateway"), "worker": programVars(t, "worker")}
	check := func(where, prog string, names []string) {
		for _, n := range names {
			if !notRead[n] && !read[prog][n] {
				t.Errorf("%s sets %s, which the %s does not read", where, n, prog)
			}
		}
	}
	p := loadCompose(t)
	for _, s := range p.Services {
		prog := strings.TrimRight(s.Name, "-12")
		if prog != "gateway" && prog != "worker" {
			continue
		}
		var names []string
		for k := range s.Environment {
			names = append(names, k)
		}
		check("compose service "+s.Name, prog, names)
		if img := "skillcert/" + prog + ":"; !strings.HasPrefix(s.Image, img) {
			t.Errorf("compose service %s runs image %q, want %s…", s.Name, s.Image, img)
		}
	}
	for _, dir := range overlays {
		o := build(t, dir)
		for _, prog := range []string{"gateway", "worker"} {
			d := o.deployments["skillcert-"+prog]
			c := d.Spec.Template.Spec.Containers[0]
			if !strings.HasPrefix(c.Image, "skillcert/"+prog+":") {
				t.Errorf("%s: %s runs image %q", dir, prog, c.Image)
			}
			var names []string
			for _, e := range c.Env {
				names = append(names, e.Name)
			}
			for _, from := range c.EnvFrom {
				switch {
				case from.ConfigMapRef != nil:
					cm := o.configMaps[from.ConfigMapRef.Name]
					if cm == nil {
						t.Fatalf("%s: %s loads missing ConfigMap %s", dir, prog, from.ConfigMapRef.Name)
					}
					for k := range cm.Data {
						names = append(names, k)
					}
				case from.SecretRef != nil:
					s := o.secrets[from.SecretRef.Name]
					if s == nil {
						t.Fatalf("%s: %s loads missing Secret %s", dir, prog, from.SecretRef.Name)
					}
					for k := range s.StringData {
						names = append(names, k)
					}
				}
			}
			check(dir+" "+prog, prog, names)
			checkPorts(t, dir+" "+prog, c.Env, c.Ports)
		}
	}
}

// checkPorts: each named container port is the port of the address variable the program listens on.
func checkPorts(t *testing.T, where string, env []corev1EnvVar, ports []corev1Port) {
	t.Helper()
	addr := map[string]string{}
	for _, e := range env {
		addr[e.Name] = e.Value
	}
	want := map[string]string{"http": "SKILLCERT_HTTP_ADDR", "metrics": "SKILLCERT_METRICS_ADDR"}
	if strings.HasSuffix(where, "worker") {
		want = map[string]string{"metrics": "SKILLCERT_WORKER_METRICS_ADDR"}
	}
	for _, p := range ports {
		v := addr[want[p.Name]]
		if v == "" || !strings.HasSuffix(v, ":"+strconv.Itoa(int(p.ContainerPort))) {
			t.Errorf("%s: container port %s=%d but %s=%q", where, p.Name, p.ContainerPort, want[p.Name], v)
		}
	}
}

type (
	corev1EnvVar = corev1.EnvVar
	corev1Port   = corev1.ContainerPort
)
