package deploy_test

import (
	"strconv"
	"strings"
	"testing"

	"skillcert/config"

	corev1 "k8s.io/api/core/v1"
)

// notRead are variables the artefacts may set although no skillcert code reads them: the Go runtime's and the C
// library's.
var notRead = map[string]bool{"GOMEMLIMIT": true, "TZ": true}

// programVars lists the variables cmd/<prog> reads, from config.Vars: the one table both programs read their
// environment through (config's own tests check that each program reads exactly what the table says). A
// variable the artefacts set but the program does not read (say, after a rename) is then caught.
func programVars(t *testing.T, prog string) map[string]bool {
	t.Helper()
	p := map[string]config.Program{"gateway": config.Gateway, "worker": config.Worker}[prog]
	vars := map[string]bool{}
	for _, v := range config.Vars {
		if v.Programs&p != 0 {
			vars[v.Name] = true
		}
	}
	if !vars["DATABASE_URL"] {
		t.Fatalf("config.Vars lists nothing for %s", prog)
	}
	return vars
}

// productionKeys are the keys a program refuses to start without when SKILLCERT_ENV=production.
func productionKeys(prog string) []string {
	p := map[string]config.Program{"gateway": config.Gateway, "worker": config.Worker}[prog]
	var keys []string
	for _, v := range config.Vars {
		if v.Production && v.Programs&p != 0 {
			keys = append(keys, v.Name)
		}
	}
	return keys
}

// TestArtefactsSetOnlyWhatProgramsRead checks every variable that compose.yaml and the Kubernetes overlays give
// the gateway and the worker, including the keys of the ConfigMaps and Secrets they load whole.
func TestArtefactsSetOnlyWhatProgramsRead(t *testing.T) {
	read := map[string]map[string]bool{"gateway": programVars(t, "gateway"), "worker": programVars(t, "worker")}
	check := func(where, prog string, names []string) {
		set := map[string]bool{}
		for _, n := range names {
			set[n] = true
			if !notRead[n] && !read[prog][n] {
				t.Errorf("%s sets %s, which the %s does not read", where, n, prog)
			}
		}
		for _, k := range productionKeys(prog) {
			if !set[k] {
				t.Errorf("%s does not give the %s %s, without which it refuses to start in production", where, prog, k)
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
