package inspect

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runSandboxed runs a bash script the way the PDF tools are run and returns its output.
func runSandboxed(t *testing.T, script string) (string, error) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is needed to probe the sandbox")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := sandboxed(ctx, bash, "-c", script)
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.String(), err
}

// Finding 17: the PDF tools run as an unprivileged user under rlimits, with no way to the network and no
// way to write outside their own private, throw-away directory. Each mode that works on this machine is
// tried (the fallbacks too), with what it is expected to guarantee.
func TestFinding17_PDFToolsRunSandboxed(t *testing.T) {
	best := SandboxMode()
	t.Logf("sandbox mode: %s", best)
	if os.Getenv("SKILLCERT_REQUIRE_SANDBOX") != "" && best != SandboxBubblewrap {
		t.Fatalf("sandbox mode %s, bubblewrap required here", best)
	}
	modes := []string{SandboxLimitsOnly}
	if os.Geteuid() == 0 {
		modes = append(modes, SandboxNobody)
	}
	if best == SandboxBubblewrap {
		modes = append(modes, SandboxBubblewrap)
	}
	saved := sandbox.mode
	t.Cleanup(func() { sandbox.mode = saved })
	pdf, err := os.ReadFile("testdata/chromium-summary.pdf")
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range modes {
		sandbox.mode = mode
		t.Run(mode, func(t *testing.T) {
			if chars, _, err := CountPDFText(pdf); err != nil || chars != 420 {
				t.Fatalf("pdftotext in the sandbox: %d characters, %v", chars, err)
			}
			checkIdentityAndLimits(t, mode)
			checkNoNetwork(t, mode)
			checkNoWrites(t, mode)
		})
	}
}

func checkIdentityAndLimits(t *testing.T, mode string) {
	out, err := runSandboxed(t, `id -u; ulimit -v; ulimit -t; ulimit -f; env | sort`)
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	wantLimits := []string{fmt.Sprint(ToolMemoryKB), fmt.Sprint(ToolCPU), "0"}
	if len(lines) < 4 || strings.Join(lines[1:4], " ") != strings.Join(wantLimits, " ") {
		t.Errorf("rlimits: %q, want %v", lines, wantLimits)
	}
	if mode != SandboxLimitsOnly && lines[0] != "65534" {
		t.Errorf("runs as uid %s, want nobody", lines[0])
	}
	if strings.Contains(out, "SKILLCERT") || strings.Contains(out, "DATABASE_URL") {
		t.Errorf("the environment leaks in: %s", out)
	}
}

func checkNoNetwork(t *testing.T, mode string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	out, err := runSandboxed(t, fmt.Sprintf(`echo hello > /dev/tcp/127.0.0.1/%d && echo CONNECTED`, port))
	reached := err == nil && strings.Contains(out, "CONNECTED")
	switch isolated := mode == SandboxBubblewrap || mode == SandboxNobody && sandbox.netns; {
	case isolated && reached:
		t.Errorf("the sandbox reached the host's loopback: %s", out)
	case !isolated && !reached:
		t.Errorf("mode %s has the network, yet the control connection failed: %v %s", mode, err, out)
	case !isolated:
		t.Logf("mode %s: the network is reachable (no network namespace)", mode)
	}
}

func checkNoWrites(t *testing.T, mode string) {
	dir := t.TempDir() // the test user's own directory (0755 once opened up for reading)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	open := t.TempDir() // world-writable, like /tmp
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("escape-%d", time.Now().UnixNano())
	protected := map[string][]string{
		SandboxBubblewrap: {filepath.Join(dir, name), filepath.Join(open, name), "/usr/" + name},
		SandboxNobody:     {filepath.Join(dir, name)},
	}[mode]
	for _, target := range protected {
		out, _ := runSandboxed(t, fmt.Sprintf(`echo escaped > %q`, target))
		if _, err := os.Stat(target); err == nil {
			os.Remove(target)
			t.Errorf("the sandbox wrote %s: %s", target, out)
		}
	}
	if mode != SandboxBubblewrap {
		t.Logf("mode %s: world-writable directories of the host are not protected", mode)
	}
}

// BenchmarkCountPDFTextBySandbox measures what each confinement adds to counting a one-page PDF.
func BenchmarkCountPDFTextBySandbox(b *testing.B) {
	pdf, err := os.ReadFile("testdata/chromium-summary.pdf")
	if err != nil {
		b.Fatal(err)
	}
	best := SandboxMode()
	saved := sandbox.mode
	b.Cleanup(func() { sandbox.mode = saved })
	for _, mode := range []string{SandboxLimitsOnly, SandboxNobody, SandboxBubblewrap} {
		if mode == SandboxBubblewrap && best != SandboxBubblewrap || mode == SandboxNobody && os.Geteuid() != 0 {
			continue
		}
		b.Run(mode, func(b *testing.B) {
			sandbox.mode = mode
			for b.Loop() {
				if _, _, err := CountPDFText(pdf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
