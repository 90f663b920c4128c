package pdfdoc_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"runtime"
	"testing"

	"skillcert/pdfdoc"
)

// Finding 2: a 77-byte PNG declaring 60000×100000 pixels, given as the photo of every document, is refused
// from its header: rendering fails with an error and allocates nothing like the declared 24 GB.
func TestFinding2_PhotoDimensionBomb(t *testing.T) {
	bomb, err := os.ReadFile("../testdata/bombs/png-60000x100000.png")
	if err != nil || len(bomb) != 77 {
		t.Fatalf("bomb: %d bytes, %v", len(bomb), err)
	}
	r := newRenderer(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	renders := map[string]func() ([]byte, error){
		"form": func() ([]byte, error) { return r.ApplicationForm(pdfdoc.FormData{Name: name, Photo: bomb}) },
		"ticket": func() ([]byte, error) {
			return r.AdmissionTicket(pdfdoc.TicketData{TicketNumber: "1", Name: name, Photo: bomb})
		},
		"certificate": func() ([]byte, error) {
			return r.Certificate(pdfdoc.CertificateData{Number: "1", Name: name, Photo: bomb})
		},
	}
	for doc, render := range renders {
		if _, err := render(); err == nil {
			t.Errorf("%s rendered with the bomb as its photo", doc)
		}
	}
	runtime.ReadMemStats(&after)
	t.Logf("three renders with the bomb allocated %d bytes", after.TotalAlloc-before.TotalAlloc)
	if n := after.TotalAlloc - before.TotalAlloc; n > 256<<20 {
		t.Errorf("rendering allocated %d bytes", n)
	}
	if err := pdfdoc.CheckPhoto(bomb); err == nil {
		t.Error("CheckPhoto accepted the bomb")
	}
	if _, err := pdfdoc.DecodePhoto(bomb); err == nil {
		t.Error("DecodePhoto accepted the bomb")
	}
}

// Finding 2: the PDF copy of an accepted photo is a JPEG that fits the largest photo box at print
// resolution, whatever the size of the original; small photos are not enlarged.
func TestFinding2_PhotoCopyIsDownscaled(t *testing.T) {
	big := image.NewNRGBA(image.Rect(0, 0, 3000, 4000))
	for i := range big.Pix {
		big.Pix[i] = 0xff
	}
	var src bytes.Buffer
	if err := png.Encode(&src, big); err != nil {
		t.Fatal(err)
	}
	img, err := pdfdoc.DecodePhoto(src.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	out, err := pdfdoc.PhotoCopy(img)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil || cfg.Width > pdfdoc.CopyWidth || cfg.Height > pdfdoc.CopyHeight || cfg.Width < pdfdoc.CopyWidth-1 {
		t.Fatalf("copy %d×%d, %v", cfg.Width, cfg.Height, err)
	}
	small := image.NewRGBA(image.Rect(0, 0, 200, 280))
	small.Set(0, 0, color.Black)
	out, err = pdfdoc.PhotoCopy(small)
	if cfg, _ := jpeg.DecodeConfig(bytes.NewReader(out)); err != nil || cfg.Width != 200 || cfg.Height != 280 {
		t.Fatalf("small copy %d×%d, %v", cfg.Width, cfg.Height, err)
	}
	// The copy embeds like any photo.
	r := newRenderer(t)
	if _, err := r.ApplicationForm(pdfdoc.FormData{Name: name, Photo: out}); err != nil {
		t.Fatal(err)
	}
}
