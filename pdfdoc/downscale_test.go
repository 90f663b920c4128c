package pdfdoc

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"
)

// downscaleReference is the straightforward box filter downscale replaced: every pixel converted to
// non-premultiplied 16-bit colour through At, then blended over white.
func downscaleReference(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for dy := range h {
		y0 := b.Min.Y + dy*b.Dy()/h
		y1 := max(y0+1, b.Min.Y+(dy+1)*b.Dy()/h)
		for dx := range w {
			x0 := b.Min.X + dx*b.Dx()/w
			x1 := max(x0+1, b.Min.X+(dx+1)*b.Dx()/w)
			var r, g, bl, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.NRGBA64Model.Convert(src.At(sx, sy)).(color.NRGBA64)
					a := uint64(c.A)
					r += (uint64(c.R)*a + 0xFFFF*(0xFFFF-a)) / 0xFFFF
					g += (uint64(c.G)*a + 0xFFFF*(0xFFFF-a)) / 0xFFFF
					bl += (uint64(c.B)*a + 0xFFFF*(0xFFFF-a)) / 0xFFFF
					n++
				}
			}
			dst.SetRGBA(dx, dy, color.RGBA{R: uint8(r / n >> 8), G: uint8(g / n >> 8), B: uint8(bl / n >> 8), A: 0xFF})
		}
	}
	return dst
}

// onlyAt hides every method of an image but image.Image's, so downscale takes its slow path.
type onlyAt struct{ image.Image }

// testImages are images of every kind a photo decodes to, with random pixels (and alpha) at an odd origin.
func testImages() map[string]image.Image {
	rng := rand.New(rand.NewPCG(7, 9))
	r := image.Rect(3, 5, 3+301, 5+419)
	nrgba, rgba, gray := image.NewNRGBA(r), image.NewRGBA(r), image.NewGray(r)
	ycc := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
	for i := range nrgba.Pix {
		nrgba.Pix[i] = byte(rng.Uint32())
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			a := byte(rng.Uint32())
			rgba.SetRGBA(x, y, color.RGBA{R: byte(rng.IntN(int(a) + 1)), G: byte(rng.IntN(int(a) + 1)), B: a / 2, A: a})
		}
	}
	for _, p := range [][]byte{gray.Pix, ycc.Y, ycc.Cb, ycc.Cr} {
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
	}
	opaqueN, opaqueR := image.NewNRGBA(r), image.NewRGBA(r)
	for i := range opaqueN.Pix {
		opaqueN.Pix[i], opaqueR.Pix[i] = nrgba.Pix[i]|byte(0xFF*(i%4/3)), nrgba.Pix[i]|byte(0xFF*(i%4/3))
	}
	return map[string]image.Image{"nrgba": nrgba, "rgba": rgba, "gray": gray, "ycbcr": ycc, "slow path": onlyAt{nrgba},
		"opaque nrgba": opaqueN, "opaque rgba": opaqueR}
}

// TestDownscaleMatchesReference: the allocation-free downscale gives the reference's pixels, within one
// step of 8-bit rounding (the reference divides by alpha and multiplies back).
func TestDownscaleMatchesReference(t *testing.T) {
	for name, img := range testImages() {
		for _, size := range [][2]int{{120, 160}, {301, 419}, {77, 33}} {
			got, want := downscale(img, size[0], size[1]), downscaleReference(img, size[0], size[1])
			worst := 0
			for i := range got.Pix {
				d := int(got.Pix[i]) - int(want.Pix[i])
				worst = max(worst, d, -d)
			}
			if worst > 1 {
				t.Errorf("%s to %v: a channel differs by %d from the reference", name, size, worst)
			}
		}
	}
}

// TestPhotoCopyOfFittingPhoto: a photo that fits and is opaque is encoded without the copy through
// downscale, with the same result; one with transparency still goes through it (laid on white).
func TestPhotoCopyOfFittingPhoto(t *testing.T) {
	for name, img := range testImages() {
		got, err := PhotoCopy(img)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := jpeg.Encode(&want, downscale(img, img.Bounds().Dx(), img.Bounds().Dy()), &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: the copy differs from the JPEG of the downscaled image", name)
		}
	}
}

// BenchmarkPhotoCopy is what the worker does per accepted photo (storePhotoCopy): the load test's
// 300×420 PNG portrait decoded, and its copy made (downscale is a copy at full size here, as the photo
// is smaller than CopyWidth×CopyHeight), and the same from a 1200×1600 photo.
//
//	go test -run '^$' -bench PhotoCopy -benchmem ./pdfdoc/
func BenchmarkPhotoCopy(b *testing.B) {
	for _, size := range [][2]int{{300, 420}, {1200, 1600}} {
		src := image.NewNRGBA(image.Rect(0, 0, size[0], size[1]))
		for i := range src.Pix {
			src.Pix[i] = byte(i * 7)
			if i%4 == 3 {
				src.Pix[i] = 0xFF // opaque, as photos are
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, src); err != nil {
			b.Fatal(err)
		}
		img, err := DecodePhoto(buf.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := PhotoCopy(img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
