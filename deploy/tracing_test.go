package deploy_test

import (
	"net/url"
	"os"
	"testing"

	"skillcert/config"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// The Temporal server exports traces over OTLP/gRPC only (go.temporal.io/server common/telemetry), so a
// collector shared with it is spoken to over gRPC.
const temporalProtocol = "grpc"

// traceSettings are the collector endpoint and protocol a process exports its traces with.
type traceSettings struct{ endpoint, protocol string }

// skillcertTraces reads what internal/tracing would use from env: the traces-specific variables win, and an
// unset protocol is the documented default.
func skillcertTraces(env map[string]string) traceSettings {
	s := traceSettings{endpoint: env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"], protocol: env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"]}
	if s.endpoint == "" {
		s.endpoint = env["OTEL_EXPORTER_OTLP_ENDPOINT"]
	}
	if s.protocol == "" {
		s.protocol = env["OTEL_EXPORTER_OTLP_PROTOCOL"]
	}
	if s.protocol == "" {
		s.protocol = config.Default("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	return s
}

// temporalTraces reads what the Temporal server would use from env ("" endpoint when it exports nothing).
func temporalTraces(t *testing.T, where string, env map[string]string) traceSettings {
	t.Helper()
	if env["OTEL_TRACES_EXPORTER"] != "otlp" {
		t.Errorf("%s: Temporal's OTEL_TRACES_EXPORTER=%q, want otlp", where, env["OTEL_TRACES_EXPORTER"])
	}
	if p := env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"]; p != "" && p != temporalProtocol {
		t.Errorf("%s: Temporal's traces protocol %q, which the server refuses", where, p)
	}
	return traceSettings{endpoint: env["OTEL_EXPORTER_OTLP_ENDPOINT"], protocol: temporalProtocol}
}

// checkOneCollector: every process exports to the same collector with the protocol Temporal can speak.
func checkOneCollector(t *testing.T, where string, temporal traceSettings, programs map[string]traceSettings) {
	t.Helper()
	if temporal.endpoint == "" {
		t.Errorf("%s: Temporal exports no traces", where)
	}
	for name, s := range programs {
		if s != temporal {
			t.Errorf("%s: %s traces to %+v but Temporal to %+v: one request's trace would be split", where, name, s, temporal)
		}
	}
}

// TestArtefactsTraceToOneCollector: compose, the Kustomize overlays and the Temporal Helm values send the
// gateway's, the worker's and Temporal's traces to one collector over gRPC. The variable names the programs
// read are checked by TestArtefactsSetOnlyWhatProgramsRead (config.Vars lists the OTEL_* ones); this test
// catches a value or protocol that differs between them.
func TestArtefactsTraceToOneCollector(t *testing.T) {
	p := loadCompose(t)
	envOf := func(name string) map[string]string {
		s, ok := p.Services[name]
		if !ok {
			t.Fatalf("compose has no service %s", name)
		}
		m := map[string]string{}
		for k, v := range s.Environment {
			if v != nil {
				m[k] = *v
			}
		}
		return m
	}
	programs := map[string]traceSettings{}
	for _, name := range []string{"gateway-1", "gateway-2", "worker-1", "worker-2"} {
		programs[name] = skillcertTraces(envOf(name))
	}
	checkOneCollector(t, "compose", temporalTraces(t, "compose", envOf("temporal")), programs)

	helm := helmTemporalEnv(t)
	temporal := temporalTraces(t, "helm", helm)
	for _, dir := range overlays {
		o := build(t, dir)
		programs := map[string]traceSettings{}
		for _, prog := range []string{"gateway", "worker"} {
			programs[prog] = skillcertTraces(containerEnv(t, o, "skillcert-"+prog))
		}
		checkOneCollector(t, dir+" and helm", temporal, programs)
		checkCollectorEgress(t, dir, temporal.endpoint, o)
	}
}

// helmTemporalEnv is server.additionalEnv of the Temporal Helm values.
func helmTemporalEnv(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("helm/temporal-values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var values struct {
		Server struct {
			AdditionalEnv []corev1.EnvVar `json:"additionalEnv"`
		} `json:"server"`
	}
	if err := yaml.Unmarshal(b, &values); err != nil {
		t.Fatalf("helm values: %v", err)
	}
	m := map[string]string{}
	for _, e := range values.Server.AdditionalEnv {
		m[e.Name] = e.Value
	}
	return m
}

// containerEnv is the environment of a Deployment's first container: the ConfigMaps and Secrets it loads
// whole, then its own env entries.
func containerEnv(t *testing.T, o objects, deployment string) map[string]string {
	t.Helper()
	d := o.deployments[deployment]
	if d == nil {
		t.Fatalf("no Deployment %s", deployment)
	}
	c := d.Spec.Template.Spec.Containers[0]
	m := map[string]string{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef != nil && o.configMaps[from.ConfigMapRef.Name] != nil {
			for k, v := range o.configMaps[from.ConfigMapRef.Name].Data {
				m[k] = v
			}
		}
		if from.SecretRef != nil && o.secrets[from.SecretRef.Name] != nil {
			for k, v := range o.secrets[from.SecretRef.Name].StringData {
				m[k] = v
			}
		}
	}
	for _, e := range c.Env {
		m[e.Name] = e.Value
	}
	return m
}

// checkCollectorEgress: the network policies let skillcert's pods reach the collector's port.
func checkCollectorEgress(t *testing.T, dir, endpoint string, o objects) {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil || u.Port() == "" {
		t.Errorf("%s: collector endpoint %q has no port", dir, endpoint)
		return
	}
	for _, p := range o.policies {
		if p.Namespace != "skillcert" || len(p.Spec.PodSelector.MatchLabels) != 0 {
			continue
		}
		for _, e := range p.Spec.Egress {
			for _, port := range e.Ports {
				if port.Port != nil && port.Port.String() == u.Port() {
					return
				}
			}
		}
	}
	t.Errorf("%s: no NetworkPolicy lets skillcert's pods reach the trace collector on port %s", dir, u.Port())
}
