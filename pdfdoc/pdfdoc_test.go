package pdfdoc_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"skillcert"
	"skillcert/inspect"
	"skillcert/pdfdoc"
)

const (
	name     = "那顺·巴雅尔"
	idNumber = "15010219800101123X"
	occCode  = "4-07-05-04"
	occName  = "计算机网络管理员"
	level    = "三级/高级工"
)

func newRenderer(t testing.TB) *pdfdoc.Renderer {
	t.Helper()
	path, err := pdfdoc.FindFont(os.Getenv)
	if err != nil {
		t.Fatalf("CJK font: %v", err)
	}
	r, err := pdfdoc.NewRenderer(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func photoJPEG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 295, 413))
	for y := range 413 {
		for x := range 295 {
			c := color.RGBA{255, 255, 255, 255}
			if dx, dy := float64(x-147)/70, float64(y-160)/90; dx*dx+dy*dy < 1 || y > 300 {
				c = color.RGBA{60, 50, 70, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var generated = time.Date(2022, 6, 25, 2, 30, 0, 0, time.UTC)

// TestDocuments renders every generated document, reads its text back with the extractor the system uses
// and looks for what must (and must not) be printed. It writes a PNG of each first page under
// testout/pdfdoc for people to look at.
func TestDocuments(t *testing.T) {
	r := newRenderer(t)
	photo := photoJPEG(t)
	masked := skillcert.MaskIDNumber(idNumber)
	const verifyURL = "https://skillcert.example.cn/verify/S000015150100223000001"
	tests := []struct {
		file    string
		render  func() ([]byte, error)
		want    []string
		notWant []string
	}{
		{"application-form", func() ([]byte, error) {
			return r.ApplicationForm(pdfdoc.FormData{ApplicationID: "0190a2b4-app", BatchName: "2022年第一批", Name: name, Gender: "男",
				IDNumber: idNumber, BirthDate: "1980-01-01", Phone: "13800138000", Education: "大专/高职", Employer: "呼和浩特市赛罕区政务服务中心",
				EmployerType: "事业单位", Region: "呼和浩特市", OccupationCode: occCode, OccupationName: occName, LevelName: level,
				PathwayLabel: "初次/晋级", OccupationStartedOn: "2012-07-01", PreviousCertificate: "S000015150100173000123 四级/中级工 2017-08-30",
				Photo: photo, GeneratedAt: generated})
		}, []string{"附件5", "内蒙古自治区机关事业单位技能人员职业技能等级认定申报表", name, idNumber, occName, occCode, level,
			"所在单位意见", "单位盖章", "申报人（签名）", "S000015150100173000123", "2012年07月01日", "2022年06月25日 10:30"}, nil},
		{"integrity-pledge", func() ([]byte, error) {
			return r.IntegrityPledge(pdfdoc.PledgeData{ApplicationID: "0190a2b4-app", BatchName: "2022年第一批", Name: name, IDNumber: idNumber,
				OccupationName: occName, LevelName: level, GeneratedAt: generated})
		}, []string{"附件6", "诚", "承诺人（签名）", name, idNumber, occName, level}, nil},
		{"admission-ticket", func() ([]byte, error) {
			return r.AdmissionTicket(pdfdoc.TicketData{TicketNumber: "ZKZ20221501000017", ApplicationID: "0190a2b4-app", BatchName: "2022年第一批",
				Name: name, Gender: "男", IDNumber: idNumber, OccupationCode: occCode, OccupationName: occName, LevelName: level,
				Region: "呼和浩特市", Venue: "内蒙古机电职业技术学院实训楼", Room: "03", Seat: "17",
				StartsAt: time.Date(2022, 8, 27, 1, 0, 0, 0, time.UTC), ExamItems: "理论知识考试、操作技能考核", Photo: photo, GeneratedAt: generated})
		}, []string{"准考证", "ZKZ20221501000017", name, masked, occName, level, "2022年08月27日 09:00", "内蒙古机电职业技术学院实训楼", "17", "考生须知"},
			[]string{idNumber}},
		{"certificate", func() ([]byte, error) {
			return r.Certificate(pdfdoc.CertificateData{Number: "S000015150100223000001", Name: name, Gender: "男", IDNumber: idNumber,
				OccupationCode: occCode, OccupationName: occName, LevelName: level, IssuedOn: "2022-09-30", VerifyURL: verifyURL, Photo: photo})
		}, []string{"职业技能等级证书", "S000015150100223000001", name, idNumber, occName, level, "2022年09月30日", pdfdoc.Issuer, verifyURL},
			[]string{"已撤销"}},
		{"certificate-revoked", func() ([]byte, error) {
			return r.Certificate(pdfdoc.CertificateData{Number: "S000015150100223000002", Name: name, IDNumber: idNumber,
				OccupationName: occName, LevelName: level, IssuedOn: "2022-09-30", VerifyURL: verifyURL,
				Revoked: true, RevokedOn: "2023-01-05", RevokeReason: "申报材料弄虚作假"})
		}, []string{"已撤销", "本证书已撤销，不再有效", "2023年01月05日", "申报材料弄虚作假", name, occName, level}, nil},
	}
	outDir := filepath.Join("..", "testout", "pdfdoc")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := tt.render()
			if err != nil {
				t.Fatal(err)
			}
			text, pages, err := inspect.ExtractPDFText(data)
			if err != nil {
				t.Fatal(err)
			}
			if pages != 1 {
				t.Errorf("%d pages, want 1", pages)
			}
			// Wrapped lines put line breaks inside long values; compare without any whitespace.
			flat := strings.Join(strings.Fields(text), "")
			for _, s := range tt.want {
				if !strings.Contains(flat, strings.Join(strings.Fields(s), "")) {
					t.Errorf("text lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(flat, s) {
					t.Errorf("text shows %q, which it must not", s)
				}
			}
			writePreview(t, data, filepath.Join(outDir, tt.file))
		})
	}
}

// writePreview writes the PDF and a PNG of its first page (pdftoppm, when installed).
func writePreview(t *testing.T, data []byte, base string) {
	t.Helper()
	if err := os.WriteFile(base+".pdf", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Log("pdftoppm is not installed (Debian poppler-utils): no PNG preview")
		return
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "50", "-singlefile", base+".pdf", base).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	if info, err := os.Stat(base + ".png"); err != nil || info.Size() < 1000 {
		t.Fatalf("preview %s.png: %v", base, err)
	}
}

func TestTextPDFKeepsEveryCharacter(t *testing.T) {
	r := newRenderer(t)
	tests := []struct {
		name      string
		title     string
		body      string
		wantPages int
	}{
		{"short", "专业技术总结", "本人从事计算机网络管理工作，负责 VLAN 划分和 ACL 策略。", 1},
		{"long", "技术论文", strings.Repeat("基于国产操作系统的政务网络运维实践：Linux 服务器集群可用率达到 99.9%。\n", 120), 3},
		{"one very long word", "", strings.Repeat("A", 400), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := r.TextPDF(tt.title, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			chars, pages, err := inspect.CountPDFText(data)
			if err != nil {
				t.Fatal(err)
			}
			want := skillcert.CountChars(tt.title + tt.body)
			if chars != want || pages < tt.wantPages {
				t.Fatalf("%d characters on %d pages, want %d on at least %d", chars, pages, want, tt.wantPages)
			}
		})
	}
}

// TestRendererIsSafeForConcurrentUse renders documents in parallel (run with -race to see data races).
func TestRendererIsSafeForConcurrentUse(t *testing.T) {
	r := newRenderer(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = r.TextPDF("标题", strings.Repeat("并发渲染测试 ABC 123。", 50))
			} else {
				_, err = r.Certificate(pdfdoc.CertificateData{Number: "S000015150100223000009", Name: name, OccupationName: occName, LevelName: level})
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestRequiredNumbers(t *testing.T) {
	r := newRenderer(t)
	if _, err := r.AdmissionTicket(pdfdoc.TicketData{Name: name}); err == nil {
		t.Error("ticket without a number rendered")
	}
	if _, err := r.Certificate(pdfdoc.CertificateData{Name: name}); err == nil {
		t.Error("certificate without a number rendered")
	}
	if _, err := r.ApplicationForm(pdfdoc.FormData{Name: name, Photo: []byte("not an image")}); err == nil {
		t.Error("form with a broken photo rendered")
	}
}
