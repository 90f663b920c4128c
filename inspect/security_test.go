package inspect_test

import (
	"image"
	"image/color"
	"os"
	"runtime"
	"strings"
	"testing"

	"skillcert"
	"skillcert/inspect"
)

// pngBomb is a 77-byte PNG that declares 60000×100000 pixels (testdata/bombs/README.md).
func pngBomb(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/bombs/png-60000x100000.png")
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 77 {
		t.Fatalf("bomb is %d bytes", len(data))
	}
	return data
}

// allocated returns the bytes fn allocated on the heap.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Finding 2: a 77-byte PNG declaring 60000×100000 pixels is refused from its header, for every document
// type, without allocating its pixels.
func TestFinding2_DimensionBombIsRefusedFromTheHeader(t *testing.T) {
	bomb := pngBomb(t)
	for _, dt := range []skillcert.DocType{skillcert.DocPhoto, skillcert.DocIDCardFront} {
		var res inspect.Result
		n := allocated(func() { res = inspect.Inspect(bomb, ruleFor(t, dt)) })
		if res.Accepted || res.Code != skillcert.EINVALID || !strings.Contains(res.Reason, "尺寸过大") {
			t.Errorf("%s: %+v", dt, res)
		}
		if res.Width != 60000 || res.Height != 100000 {
			t.Errorf("%s: dimensions %d×%d not reported", dt, res.Width, res.Height)
		}
		t.Logf("%s: inspecting the bomb allocated %d bytes", dt, n)
		if n > 8<<20 {
			t.Errorf("%s: inspecting the bomb allocated %d bytes", dt, n)
		}
	}
	if _, err := inspect.DecodeImage(bomb, skillcert.KindPNG, skillcert.MaxScanPixels); skillcert.ErrorCode(err) != skillcert.EINVALID {
		t.Errorf("DecodeImage: %v", err)
	}
}

// Finding 6: photos and scans have their own, lower pixel caps, and the decoded size counts the colour
// model (a 16-bit image takes twice the memory of an 8-bit one).
func TestFinding6_ImageBudgets(t *testing.T) {
	cfg := func(w, h int, m color.Model) image.Config { return image.Config{ColorModel: m, Width: w, Height: h} }
	tests := []struct {
		name string
		cfg  image.Config
		max  int64
		ok   bool
	}{
		{"phone photo 4000×3000", cfg(3000, 4000, color.YCbCrModel), skillcert.MaxPhotoPixels, true},
		{"photo over 12 MP", cfg(3000, 4001, color.YCbCrModel), skillcert.MaxPhotoPixels, false},
		{"A4 scan at 400 dpi", cfg(3307, 4677, color.NRGBAModel), skillcert.MaxScanPixels, true},
		{"scan over 24 MP", cfg(4000, 6001, color.GrayModel), skillcert.MaxScanPixels, false},
		{"16-bit scan of 20 MP is over the decode budget", cfg(4000, 5000, color.NRGBA64Model), skillcert.MaxScanPixels, false},
		{"8-bit scan of 20 MP", cfg(4000, 5000, color.NRGBAModel), skillcert.MaxScanPixels, true},
		{"no pixels", cfg(0, 10, color.GrayModel), skillcert.MaxScanPixels, false},
	}
	for _, tt := range tests {
		err := inspect.CheckDimensions(tt.cfg, tt.max)
		if (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if skillcert.MaxImagePixels(skillcert.DocPhoto) != skillcert.MaxPhotoPixels ||
		skillcert.MaxImagePixels(skillcert.DocIDCardFront) != skillcert.MaxScanPixels || skillcert.MaxPhotoPixels >= skillcert.MaxScanPixels {
		t.Error("photo and scan caps")
	}
	if got := cap(inspect.DecodeSlots); got != max(1, runtime.NumCPU()/2) {
		t.Errorf("%d decode slots", got)
	}
}
