// Package deploy_test validates the deployment artefacts offline: there is no Docker engine or Kubernetes here,
// so the Kustomize overlays are built with the kustomize library and every object is decoded strictly into the
// Kubernetes API types, compose.yaml is loaded by compose-go, and every environment variable, image and port
// the artefacts give the programs is checked against what the programs actually read.
package deploy_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// overlays are the Kustomize overlays an operator deploys.
var overlays = []string{"k8s/overlays/staging", "k8s/overlays/production"}

// objects is one overlay, decoded.
type objects struct {
	deployments map[string]*appsv1.Deployment
	services    map[string]*corev1.Service
	configMaps  map[string]*corev1.ConfigMap
	secrets     map[string]*corev1.Secret
	pdbs        []*policyv1.PodDisruptionBudget
	policies    []*networkingv1.NetworkPolicy
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
}

// build runs kustomize on dir and decodes every object strictly (unknown fields are errors).
func build(t *testing.T, dir string) objects {
	t.Helper()
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	o := objects{deployments: map[string]*appsv1.Deployment{}, services: map[string]*corev1.Service{},
		configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{}}
	for _, r := range res.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		var target any
		switch r.GetKind() {
		case "Deployment":
			d := &appsv1.Deployment{}
			o.deployments[r.GetName()], target = d, d
		case "Service":
			s := &corev1.Service{}
			o.services[r.GetName()], target = s, s
		case "ConfigMap":
			c := &corev1.ConfigMap{}
			o.configMaps[r.GetName()], target = c, c
		case "Secret":
			s := &corev1.Secret{}
			o.secrets[r.GetName()], target = s, s
		case "PodDisruptionBudget":
			p := &policyv1.PodDisruptionBudget{}
			o.pdbs, target = append(o.pdbs, p), p
		case "NetworkPolicy":
			p := &networkingv1.NetworkPolicy{}
			o.policies, target = append(o.policies, p), p
		case "HorizontalPodAutoscaler":
			h := &autoscalingv2.HorizontalPodAutoscaler{}
			o.hpas, target = append(o.hpas, h), h
		case "Namespace":
			target = &corev1.Namespace{}
		default:
			t.Fatalf("%s: unexpected kind %s (add it to the strict decoder)", dir, r.GetKind())
		}
		if err := yaml.UnmarshalStrict(y, target); err != nil {
			t.Errorf("%s: %s %s does not decode strictly: %v", dir, r.GetKind(), r.GetName(), err)
		}
	}
	return o
}

func TestKustomizeOverlays(t *testing.T) {
	for _, dir := range overlays {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			o := build(t, dir)
			for _, name := range []string{"skillcert-gateway", "skillcert-worker"} {
				d := o.deployments[name]
				if d == nil {
					t.Fatalf("no Deployment %s", name)
				}
				sc := d.Spec.Template.Spec.SecurityContext
				if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
					t.Errorf("%s: pods must run as non-root", name)
				}
				for _, c := range d.Spec.Template.Spec.Containers {
					if c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
						t.Errorf("%s/%s: memory request and limit are required", name, c.Name)
					}
				}
				if !hasPDB(o.pdbs, d) {
					t.Errorf("%s: no PodDisruptionBudget selects it", name)
				}
			}
			gw := o.deployments["skillcert-gateway"].Spec.Template.Spec.Containers[0]
			if gw.ReadinessProbe == nil || gw.ReadinessProbe.HTTPGet == nil || gw.ReadinessProbe.HTTPGet.Path != "/readyz" {
				t.Errorf("gateway readiness probe must be GET /readyz, got %+v", gw.ReadinessProbe)
			}
			if len(o.hpas) != 1 || o.hpas[0].Spec.ScaleTargetRef.Name != "skillcert-worker" ||
				o.hpas[0].Spec.Metrics[0].External == nil {
				t.Errorf("want one HPA scaling the workers on an external (backlog) metric")
			}
			checkNetworkPolicies(t, o.policies)
		})
	}
}

func hasPDB(pdbs []*policyv1.PodDisruptionBudget, d *appsv1.Deployment) bool {
	for _, p := range pdbs {
		if p.Spec.Selector != nil && p.Namespace == d.Namespace &&
			subset(p.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
			return true
		}
	}
	return false
}

func subset(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return len(sel) > 0
}

// checkNetworkPolicies: ingress to skillcert is denied by default, only the gateway's HTTP port is open to all,
// and Temporal's frontend admits only skillcert's gateway and worker from outside its namespace.
func checkNetworkPolicies(t *testing.T, ps []*networkingv1.NetworkPolicy) {
	t.Helper()
	var denyAll, gatewayOpen, temporalGuarded bool
	for _, p := range ps {
		switch {
		case p.Namespace == "skillcert" && len(p.Spec.PodSelector.MatchLabels) == 0 && len(p.Spec.Ingress) == 0 &&
			len(p.Spec.Egress) == 0 && len(p.Spec.PolicyTypes) == 2:
			denyAll = true
		case p.Namespace == "skillcert" && p.Spec.PodSelector.MatchLabels["app.kubernetes.io/name"] == "skillcert-gateway":
			for _, in := range p.Spec.Ingress {
				if len(in.From) == 0 && len(in.Ports) == 1 && in.Ports[0].Port.IntValue() == 8080 {
					gatewayOpen = true
				}
			}
		case p.Namespace == "temporal":
			temporalGuarded = len(p.Spec.Ingress) == 1
		}
		for _, in := range p.Spec.Ingress {
			if p.Namespace == "skillcert" && len(in.From) == 0 &&
				p.Spec.PodSelector.MatchLabels["app.kubernetes.io/name"] != "skillcert-gateway" {
				t.Errorf("NetworkPolicy %s opens ingress from anywhere to pods other than the gateway", p.Name)
			}
		}
	}
	if !denyAll || !gatewayOpen || !temporalGuarded {
		t.Errorf("network policies: default deny %v, gateway public %v, temporal guarded %v", denyAll, gatewayOpen, temporalGuarded)
	}
}

// loadCompose loads compose.yaml with the example environment, every empty key filled with a placeholder.
func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	example, err := os.ReadFile("compose.env.example")
	if err != nil {
		t.Fatal(err)
	}
	env := types.Mapping{}
	for _, line := range strings.Split(string(example), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") {
			if v == "" {
				v = "placeholder-" + strings.ToLower(k)
			}
			env[k] = v
		}
	}
	abs, _ := filepath.Abs(".")
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  abs,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(abs, "compose.yaml")}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("skillcert", true) })
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return p
}

func TestComposeTopology(t *testing.T) {
	p := loadCompose(t)
	want := []string{"gateway-1", "gateway-2", "mailpit", "minio", "postgres", "proxy", "temporal", "temporal-schema",
		"temporal-ui", "worker-1", "worker-2"}
	if got := p.ServiceNames(); strings.Join(sorted(got), ",") != strings.Join(want, ",") {
		t.Errorf("services %v, want %v", sorted(got), want)
	}
	minio, _ := p.GetService("minio")
	if !strings.Contains(strings.Join(minio.Command, " "), "/data{1...4}") {
		t.Errorf("minio must run erasure-coded over four drives, command %v", minio.Command)
	}
	for _, name := range []string{"gateway-1", "gateway-2", "worker-1", "worker-2"} {
		s, _ := p.GetService(name)
		if s.Build == nil || !strings.HasPrefix(s.Build.Dockerfile, "deploy/docker/") {
			t.Errorf("%s: built from %v, want a Dockerfile under deploy/docker", name, s.Build)
		}
		if v := s.Environment["SKILLCERT_ENV"]; v == nil || *v != "production" {
			t.Errorf("%s: SKILLCERT_ENV must be production", name)
		}
	}
	if published := publishedPorts(p); strings.Join(published, ",") != "proxy,mailpit,temporal-ui" &&
		strings.Join(sorted(published), ",") != "mailpit,proxy,temporal-ui" {
		t.Errorf("only the proxy (and loopback-only UIs) may publish ports, got %v", published)
	}
}

func publishedPorts(p *types.Project) []string {
	var names []string
	for _, s := range p.Services {
		if len(s.Ports) > 0 {
			names = append(names, s.Name)
		}
	}
	return sorted(names)
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

// dockerfile is what the artefacts test needs of a Dockerfile.
type dockerfile struct {
	stages  int
	user    string
	expose  []string
	builds  string // the package of the final go build
	runtime string // packages the runtime stage installs
}

func readDockerfile(t *testing.T, path string) dockerfile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d dockerfile
	for _, line := range strings.Split(string(bytes.ReplaceAll(data, []byte("\\\n"), nil)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "FROM":
			d.stages++
		case "USER":
			d.user = f[1]
		case "EXPOSE":
			d.expose = f[1:]
		case "RUN":
			if i := strings.Index(line, "go build"); i >= 0 {
				d.builds = f[len(f)-1]
			}
			if d.stages > 1 {
				d.runtime += line
			}
		}
	}
	return d
}

func TestDockerfiles(t *testing.T) {
	for prog, want := range map[string]struct {
		pkg, runtime string
		ports        []string
	}{
		"gateway": {"./cmd/gateway", "fonts-droid-fallback", []string{"8080", "9464"}},
		"worker":  {"./cmd/worker", "poppler-utils", []string{"9465"}},
	} {
		d := readDockerfile(t, "docker/"+prog+".Dockerfile")
		if d.stages < 2 {
			t.Errorf("%s: want a multi-stage build", prog)
		}
		if d.user == "" || strings.HasPrefix(d.user, "0") || strings.HasPrefix(d.user, "root") {
			t.Errorf("%s: runs as %q, want an unprivileged user", prog, d.user)
		}
		if d.builds != want.pkg {
			t.Errorf("%s: builds %q, want %q", prog, d.builds, want.pkg)
		}
		if _, err := os.Stat(filepath.Join("..", want.pkg)); err != nil {
			t.Errorf("%s: %v", prog, err)
		}
		if !strings.Contains(d.runtime, want.runtime) || !strings.Contains(d.runtime, "fonts-dejavu-core") {
			t.Errorf("%s: the runtime stage must install %s and the fonts", prog, want.runtime)
		}
		if strings.Join(d.expose, ",") != strings.Join(want.ports, ",") {
			t.Errorf("%s: EXPOSE %v, want %v", prog, d.expose, want.ports)
		}
	}
}
