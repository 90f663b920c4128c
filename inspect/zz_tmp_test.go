package inspect

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func childCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkTmpChildCPU(b *testing.B) {
	pdf, _ := os.ReadFile("testdata/chromium-summary.pdf")
	for _, mode := range []string{SandboxLimitsOnly, SandboxNobody, SandboxBubblewrap} {
		b.Run(mode, func(b *testing.B) {
			SandboxMode()
			sandbox.mode = mode
			c0 := childCPU()
			for b.Loop() {
				if _, _, err := CountPDFText(pdf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(childCPU()-c0)/float64(b.N)/1e6, "child-cpu-ms/op")
		})
	}
}
