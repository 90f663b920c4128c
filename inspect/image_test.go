package inspect_test

import (
	"bytes"
	"image"
	"strings"
	"testing"

	"skillcert"
	"skillcert/inspect"
)

// ruleFor returns the real checklist rule of a document type (高级技师, standard pathway, which has
// every document type this package checks).
func ruleFor(t testing.TB, dt skillcert.DocType) skillcert.DocRule {
	t.Helper()
	r, ok := skillcert.DocRuleFor(skillcert.Level1, skillcert.PathwayStandard, dt)
	if !ok {
		t.Fatalf("no rule for %s", dt)
	}
	return r
}

func TestInspectImages(t *testing.T) {
	photo := ruleFor(t, skillcert.DocPhoto)
	scan := ruleFor(t, skillcert.DocIDCardFront)
	goodPhoto := portrait(295, 413, white, false)
	goodJPEG := encodeJPEG(t, goodPhoto)
	goodPNG := encodePNG(t, goodPhoto)

	corruptPNG := bytes.Clone(goodPNG)
	for i := len(corruptPNG) / 2; i < len(corruptPNG)/2+64; i++ {
		corruptPNG[i] ^= 0x5A // damage the compressed pixel data; the header still reads
	}
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 2000)...)
	big := encodePNG(t, noise(900, 900)) // about 2.4 MB: over the photo limit
	if int64(len(big)) <= photo.MaxBytes {
		t.Fatalf("test image of %d bytes is not over the limit %d", len(big), photo.MaxBytes)
	}

	tests := []struct {
		name     string
		data     []byte
		rule     skillcert.DocRule
		kind     skillcert.FileKind
		code     string // "" when accepted
		reason   string // part of the reason
		wantSize [2]int // width, height when decoded
	}{
		{"white JPEG photo", goodJPEG, photo, skillcert.KindJPEG, "", "", [2]int{295, 413}},
		{"white PNG photo", goodPNG, photo, skillcert.KindPNG, "", "", [2]int{295, 413}},
		{"white BMP photo", encodeBMP(goodPhoto), photo, skillcert.KindBMP, "", "", [2]int{295, 413}},
		{"off-white photo with hair at the top", encodeJPEG(t, portrait(358, 441, offWhite, true)), photo, skillcert.KindJPEG, "", "", [2]int{358, 441}},
		{"blue background", encodeJPEG(t, portrait(295, 413, photoBlue, false)), photo, skillcert.KindJPEG, skillcert.EINVALID, "背景不是白色", [2]int{295, 413}},
		{"red background", encodePNG(t, portrait(295, 413, photoRed, false)), photo, skillcert.KindPNG, skillcert.EINVALID, "背景不是白色", [2]int{295, 413}},
		{"grey background", encodeJPEG(t, portrait(295, 413, lightGrey, false)), photo, skillcert.KindJPEG, skillcert.EINVALID, "背景不是白色", [2]int{295, 413}},
		{"1x1 photo", encodePNG(t, image.NewRGBA(image.Rect(0, 0, 1, 1))), photo, skillcert.KindPNG, skillcert.EINVALID, "1×1", [2]int{1, 1}},
		{"thumbnail photo", encodeJPEG(t, portrait(100, 140, white, false)), photo, skillcert.KindJPEG, skillcert.EINVALID, "分辨率过低", [2]int{100, 140}},
		{"landscape photo", encodeJPEG(t, portrait(600, 400, white, false)), photo, skillcert.KindJPEG, skillcert.EINVALID, "竖版", [2]int{600, 400}},
		{"corrupt PNG", corruptPNG, photo, skillcert.KindPNG, skillcert.EINVALID, "损坏", [2]int{295, 413}},
		{"truncated JPEG", goodJPEG[:len(goodJPEG)/2], photo, skillcert.KindJPEG, skillcert.EINVALID, "损坏", [2]int{295, 413}},
		{"truncated BMP", encodeBMP(goodPhoto)[:5000], photo, skillcert.KindBMP, skillcert.EINVALID, "损坏", [2]int{}},
		{"exe renamed to .jpg", exe, photo, "", skillcert.EUNSUPPORTED, "PNG/BMP/JPEG 格式，上传的文件实际是Windows 可执行程序", [2]int{}},
		{"text file", []byte("姓名：张三\n身份证号：11010519491231002X\n"), photo, "", skillcert.EUNSUPPORTED, "纯文本", [2]int{}},
		{"PDF as photo", manyPagesPDF(1), photo, skillcert.KindPDF, skillcert.EUNSUPPORTED, "实际是 PDF", [2]int{}},
		{"BMP as ID card scan", encodeBMP(goodPhoto), scan, skillcert.KindBMP, skillcert.EUNSUPPORTED, "PDF/PNG/JPEG 格式，上传的文件实际是 BMP", [2]int{}},
		{"photo over 2 MiB", big, photo, skillcert.KindPNG, skillcert.ETOOLARGE, "2MB", [2]int{}},
		{"empty file", nil, photo, "", skillcert.EINVALID, "为空", [2]int{}},
		{"ID card scan", encodeJPEG(t, noise(640, 400)), scan, skillcert.KindJPEG, "", "", [2]int{640, 400}},
		{"tiny ID card scan", encodeJPEG(t, noise(120, 80)), scan, skillcert.KindJPEG, skillcert.EINVALID, "分辨率过低", [2]int{120, 80}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := inspect.Inspect(tt.data, tt.rule)
			if res.Accepted != (tt.code == "") || res.Code != tt.code {
				t.Fatalf("accepted %v code %q reason %q; want code %q", res.Accepted, res.Code, res.Reason, tt.code)
			}
			if !strings.Contains(res.Reason, tt.reason) {
				t.Errorf("reason %q does not mention %q", res.Reason, tt.reason)
			}
			if res.Kind != tt.kind {
				t.Errorf("kind %q, want %q", res.Kind, tt.kind)
			}
			if res.Size != int64(len(tt.data)) || len(res.SHA256) != 64 {
				t.Errorf("size %d sha256 %q; want size %d and a digest", res.Size, res.SHA256, len(tt.data))
			}
			if tt.wantSize != [2]int{} && (res.Width != tt.wantSize[0] || res.Height != tt.wantSize[1]) {
				t.Errorf("size %d×%d, want %d×%d", res.Width, res.Height, tt.wantSize[0], tt.wantSize[1])
			}
		})
	}
}

func TestInspectDigestDiffers(t *testing.T) {
	rule := ruleFor(t, skillcert.DocPhoto)
	a := inspect.Inspect(encodePNG(t, portrait(295, 413, white, false)), rule)
	b := inspect.Inspect(encodePNG(t, portrait(296, 413, white, false)), rule)
	if !a.Accepted || !b.Accepted || a.SHA256 == b.SHA256 {
		t.Fatalf("two different photos: %+v %+v", a, b)
	}
}
