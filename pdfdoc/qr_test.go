package pdfdoc_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skillcert/pdfdoc"
)

// TestQRCodesScan renders the ticket and the certificate to pictures and scans their QR codes with zbarimg
// (Debian zbar-tools), when it is installed.
func TestQRCodesScan(t *testing.T) {
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian poppler-utils, zbar-tools)", tool)
		}
	}
	r := newRenderer(t)
	tests := []struct {
		name   string
		render func() ([]byte, error)
		want   string
	}{
		{"ticket", func() ([]byte, error) {
			return r.AdmissionTicket(pdfdoc.TicketData{TicketNumber: "ZKZ20221501000017", Name: name, IDNumber: idNumber,
				OccupationName: occName, LevelName: level, Venue: "考点", Seat: "1", StartsAt: time.Now()})
		}, "ZKZ20221501000017"},
		{"certificate", func() ([]byte, error) {
			return r.Certificate(pdfdoc.CertificateData{Number: "S000015150100223000001", Name: name, OccupationName: occName,
				LevelName: level, VerifyURL: "https://skillcert.example.cn/verify/S000015150100223000001"})
		}, "https://skillcert.example.cn/verify/S000015150100223000001"},
		{"revoked certificate", func() ([]byte, error) {
			return r.Certificate(pdfdoc.CertificateData{Number: "S000015150100223000001", Name: name, Revoked: true,
				VerifyURL: "https://skillcert.example.cn/verify/S000015150100223000001"})
		}, "https://skillcert.example.cn/verify/S000015150100223000001"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.render()
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if err := os.WriteFile(base+".pdf", data, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-singlefile", base+".pdf", base).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v: %s", err, out)
			}
			out, err := exec.Command("zbarimg", "-q", "--raw", base+".png").Output()
			if err != nil {
				t.Fatalf("zbarimg found no code: %v", err)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Fatalf("QR code says %q, want %q", got, tt.want)
			}
		})
	}
}
