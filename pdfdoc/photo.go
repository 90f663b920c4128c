package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // photos may be PNG

	"github.com/signintech/gopdf"
)

// pixelsPerPoint is the resolution photos are embedded at: 4 px/pt ≈ 288 dpi, enough for print.
const pixelsPerPoint = 4

// photo embeds a JPEG or PNG image fitted into the box (x, y, w, h), centered. The image is scaled down
// to the print resolution, laid on white (transparent parts print white) and embedded as JPEG, so a large
// phone photo does not bloat the PDF. Undecodable data is an error: the caller vouched for it.
func (d *doc) photo(data []byte, x, y, w, h float64) {
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		d.fail(fmt.Errorf("decode photo: %w", err))
		return
	}
	b := src.Bounds()
	if b.Dx() == 0 || b.Dy() == 0 {
		d.fail(errors.New("decode photo: empty image"))
		return
	}
	scale := min(w/float64(b.Dx()), h/float64(b.Dy()))
	iw, ih := float64(b.Dx())*scale, float64(b.Dy())*scale
	pw := min(b.Dx(), max(1, int(iw*pixelsPerPoint)))
	ph := min(b.Dy(), max(1, int(ih*pixelsPerPoint)))
	var out bytes.Buffer
	if err := jpeg.Encode(&out, downscale(src, pw, ph), &jpeg.Options{Quality: 90}); err != nil {
		d.fail(fmt.Errorf("encode photo: %w", err))
		return
	}
	holder, err := gopdf.ImageHolderByBytes(out.Bytes())
	if err != nil {
		d.fail(fmt.Errorf("embed photo: %w", err))
		return
	}
	d.fail(d.pdf.ImageByHolder(holder, x+(w-iw)/2, y+(h-ih)/2, &gopdf.Rect{W: iw, H: ih}))
}

// downscale averages src into a w×h RGBA image over a white background (box filter).
func downscale(src image.Image, w, h int) *image.RGBA {
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
					// blend over white: value·alpha + white·(1−alpha)
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
