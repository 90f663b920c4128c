package inspect_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/signintech/gopdf"

	"skillcert"
	"skillcert/inspect"
	"skillcert/pdfdoc"
)

// renderer is shared by the tests; it needs the CJK font of the OS packages.
func renderer(t testing.TB) *pdfdoc.Renderer {
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

// summaryBody returns text of which exactly n characters count (Chinese characters, Latin letters,
// digits), mixed with punctuation, spaces and line breaks that do not.
func summaryBody(n int) string {
	words := []string{"本人", "近三年", "负责", "PLC", "控制系统", "改造", "2021", "年", "完成", "VLAN", "划分", "网络", "可用率", "99", "提升",
		"等级保护", "测评", "整改", "带徒", "两名", "Linux", "服务器", "运维"}
	marks := []string{"，", "。", " ", "、", "\n　　", "（", "）", "%", "；", "：", "“", "”"}
	var b strings.Builder
	count := 0
	for i := 0; count < n; i++ {
		w := []rune(words[i%len(words)])
		if count+len(w) > n {
			w = w[:n-count]
		}
		b.WriteString(string(w))
		count += len(w)
		if i%3 == 2 {
			b.WriteString(marks[(i/3)%len(marks)])
		}
	}
	return b.String()
}

func TestSummaryBodyCountsExactly(t *testing.T) {
	for _, n := range []int{1, 999, 1000, 2999, 3000} {
		if got := skillcert.CountChars(summaryBody(n)); got != n {
			t.Errorf("summaryBody(%d) has %d countable characters", n, got)
		}
	}
}

// TestTextLengthThresholds renders real CJK PDFs whose text has exactly 999, 1000, 2999 and 3000
// characters and checks the verdict flips exactly at the rule's minimum.
func TestTextLengthThresholds(t *testing.T) {
	r := renderer(t)
	summary := ruleFor(t, skillcert.DocTechnicalSummary)
	paper := ruleFor(t, skillcert.DocTechnicalPaper)
	const title = "专业技术总结"
	titleChars := skillcert.CountChars(title)
	tests := []struct {
		rule  skillcert.DocRule
		chars int
	}{
		{summary, summary.MinChars - 1}, {summary, summary.MinChars},
		{paper, paper.MinChars - 1}, {paper, paper.MinChars},
	}
	if summary.MinChars != 1000 || paper.MinChars != 3000 {
		t.Fatalf("rules changed: summary %d, paper %d characters", summary.MinChars, paper.MinChars)
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.rule.DocType, tt.chars), func(t *testing.T) {
			data, err := r.TextPDF(title, summaryBody(tt.chars-titleChars))
			if err != nil {
				t.Fatal(err)
			}
			res := inspect.Inspect(data, tt.rule)
			if res.TextChars != tt.chars || res.Kind != skillcert.KindPDF || res.Pages < 1 {
				t.Fatalf("counted %d characters on %d pages (kind %q), want %d", res.TextChars, res.Pages, res.Kind, tt.chars)
			}
			wantAccepted := tt.chars >= tt.rule.MinChars
			if res.Accepted != wantAccepted {
				t.Fatalf("accepted %v (%s %s), want %v", res.Accepted, res.Code, res.Reason, wantAccepted)
			}
			if !wantAccepted {
				found, need := fmt.Sprint(tt.chars), fmt.Sprint(tt.rule.MinChars)
				if res.Code != skillcert.EINVALID || !strings.Contains(res.Reason, found) || !strings.Contains(res.Reason, need) {
					t.Errorf("code %q reason %q: want EINVALID naming %s found and %s needed", res.Code, res.Reason, found, need)
				}
			}
		})
	}
}

// TestChromiumPDF counts a PDF printed by Chromium (headings in Type 3 fonts, a table, a list) against
// the characters of its HTML source.
func TestChromiumPDF(t *testing.T) {
	data, err := os.ReadFile("testdata/chromium-summary.pdf")
	if err != nil {
		t.Fatal(err)
	}
	source, err := os.ReadFile("testdata/chromium-summary.txt")
	if err != nil {
		t.Fatal(err)
	}
	chars, pages, err := inspect.CountPDFText(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := skillcert.CountChars(string(source)); chars != want || pages != 1 {
		t.Fatalf("counted %d characters on %d pages, want %d on 1", chars, pages, want)
	}
	text, _, err := inspect.ExtractPDFText(data)
	if err != nil || !strings.Contains(text, "专业技术总结") || !strings.Contains(text, "网络故障排查手册") {
		t.Fatalf("text misses the heading or the list (err %v): %.200q", err, text)
	}
}

// imageOnlyPDF is a PDF with one page holding a picture and no text, like a scan saved as PDF.
func imageOnlyPDF(t testing.TB) []byte {
	t.Helper()
	pdf := gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.AddPage()
	if err := pdf.ImageFrom(noise(200, 280), 50, 50, &gopdf.Rect{W: 400, H: 560}); err != nil {
		t.Fatal(err)
	}
	data, err := pdf.GetBytesPdfReturnErr()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// protectedPDF is a PDF encrypted by gopdf (RC4) with a user password.
func protectedPDF(t testing.TB) []byte {
	t.Helper()
	path, err := pdfdoc.FindFont(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	pdf := gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Protection: gopdf.PDFProtectionConfig{
		UseProtection: true, Permissions: gopdf.PermissionsPrint, UserPass: []byte("1234"), OwnerPass: []byte("owner"),
	}})
	pdf.AddPage()
	if err := pdf.AddTTFFont("cjk", path); err != nil {
		t.Fatal(err)
	}
	if err := pdf.SetFont("cjk", "", 14); err != nil {
		t.Fatal(err)
	}
	if err := pdf.Text("专业技术总结"); err != nil {
		t.Fatal(err)
	}
	data, err := pdf.GetBytesPdfReturnErr()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func deflate(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := zlib.NewWriterLevel(&out, zlib.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestInspectPDFs(t *testing.T) {
	r := renderer(t)
	summary := ruleFor(t, skillcert.DocTechnicalSummary)
	scan := ruleFor(t, skillcert.DocEducationCertificate)
	long, err := r.TextPDF("专业技术总结", summaryBody(1200))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		data   []byte
		rule   skillcert.DocRule
		code   string // "" when accepted
		reason string
	}{
		{"long enough summary", long, summary, "", ""},
		{"summary as education scan", long, scan, "", ""},
		{"image-only PDF as summary", imageOnlyPDF(t), summary, skillcert.EINVALID, "没有可识别的文字"},
		{"image-only PDF as scan", imageOnlyPDF(t), scan, "", ""},
		{"encrypted by gopdf", protectedPDF(t), summary, skillcert.EINVALID, "已加密"},
		{"AES-256 with user password", readTestdata(t, "encrypted-user-password.pdf"), summary, skillcert.EINVALID, "已加密"},
		{"AES-128 owner password only", readTestdata(t, "encrypted-owner-only.pdf"), scan, skillcert.EINVALID, "已加密"},
		{"truncated", long[:len(long)/3], summary, skillcert.EINVALID, "损坏"},
		{"header then garbage", append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("garbage "), 500)...), scan, skillcert.EINVALID, "损坏"},
		{"too many pages", manyPagesPDF(inspect.MaxPages + 1), scan, skillcert.EINVALID, "页数过多"},
		{"image as summary", encodePNG(t, noise(400, 400)), summary, skillcert.EUNSUPPORTED, "PDF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := inspect.Inspect(tt.data, tt.rule)
			if res.Accepted != (tt.code == "") || res.Code != tt.code || !strings.Contains(res.Reason, tt.reason) {
				t.Fatalf("accepted %v code %q reason %q; want code %q and a reason with %q", res.Accepted, res.Code, res.Reason, tt.code, tt.reason)
			}
		})
	}
}

// setLimit changes a package limit for one test.
func setLimit[T any](t *testing.T, p *T, v T) {
	old := *p
	*p = v
	t.Cleanup(func() { *p = old })
}

func TestPDFBombs(t *testing.T) {
	t.Run("decompression bomb runs out of time", func(t *testing.T) {
		setLimit(t, &inspect.ToolTimeout, time.Second)
		ops := deflate(t, bytes.Repeat([]byte("0 0 m 1 1 l S\n"), 100<<20/14)) // 100 MB of drawing from 200 KB
		start := time.Now()
		_, _, err := inspect.CountPDFText(streamPDF(ops, "FlateDecode"))
		if !errors.Is(err, inspect.ErrTooHeavy) {
			t.Fatalf("err %v, want ErrTooHeavy", err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("took %v despite a 1 s limit", took)
		}
	})
	t.Run("text flood is cut off", func(t *testing.T) {
		setLimit(t, &inspect.MaxTextBytes, 64<<10)
		line := "(" + strings.Repeat("A", 80) + ") '\n"
		content := "BT /F1 8 Tf 10 TL 20 830 Td " + strings.Repeat(line, 80) + "ET"
		body := streamPDF(deflate(t, []byte(content)), "FlateDecode")
		res := inspect.Inspect(bytes.Replace(body, []byte("/Count 1 /Kids [3 0 R]"), []byte("/Count 20 /Kids [3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R 3 0 R]"), 1), ruleFor(t, skillcert.DocTechnicalSummary))
		if res.Accepted || res.Code != skillcert.EINVALID || !strings.Contains(res.Reason, "过于复杂") {
			t.Fatalf("accepted %v code %q reason %q (%d pages, %d chars)", res.Accepted, res.Code, res.Reason, res.Pages, res.TextChars)
		}
	})
	t.Run("missing pdftotext is no verdict", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		res := inspect.Inspect(manyPagesPDF(1), ruleFor(t, skillcert.DocEducationCertificate))
		if res.Accepted || res.Code != skillcert.EINTERNAL {
			t.Fatalf("accepted %v code %q reason %q; want EINTERNAL", res.Accepted, res.Code, res.Reason)
		}
	})
}
