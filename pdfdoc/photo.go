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

	"skillcert"
)

// pixelsPerPoint is the resolution photos are embedded at: 4 px/pt ≈ 288 dpi, enough for print.
const pixelsPerPoint = 4

// The PDF copy of a photo (PhotoCopy) fits in CopyWidth×CopyHeight pixels: the largest photo box of the
// documents (110×150 pt, the certificate's) at pixelsPerPoint, rounded up.
const (
	CopyWidth  = 480
	CopyHeight = 640
)

// MaxPhotoPixels bounds the photos a document embeds: the declared size is read first (DecodeConfig),
// and larger images are refused before a pixel is decoded.
const MaxPhotoPixels = skillcert.MaxPhotoPixels

// DecodePhoto decodes a JPEG or PNG photo after checking its declared size against MaxPhotoPixels, so a
// tiny file declaring a huge image (a decompression bomb) costs nothing.
func DecodePhoto(data []byte) (image.Image, error) {
	if err := CheckPhoto(data); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode photo: %w", err)
	}
	return img, nil
}

// CheckPhoto reads only the header of a photo and refuses what DecodePhoto would: not JPEG or PNG, no
// pixels, or more than MaxPhotoPixels.
func CheckPhoto(data []byte) error {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("decode photo: %w", err)
	}
	if format != "jpeg" && format != "png" {
		return fmt.Errorf("decode photo: %s is not JPEG or PNG", format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPhotoPixels {
		return fmt.Errorf("decode photo: %d×%d pixels is over the limit of %d", cfg.Width, cfg.Height, MaxPhotoPixels)
	}
	return nil
}

// PhotoCopy is the copy of an accepted photo that the documents embed: scaled down to fit in
// CopyWidth×CopyHeight (never up), laid on white and encoded as JPEG.
func PhotoCopy(img image.Image) ([]byte, error) {
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, errors.New("photo copy: empty image")
	}
	scale := min(1, float64(CopyWidth)/float64(b.Dx()), float64(CopyHeight)/float64(b.Dy()))
	w, h := max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))
	// A photo that fits already and has no transparency to lay on white is encoded as it is: most 证件照
	// (295×413, 358×441) are smaller than the copy, and JPEG encodes 8-bit RGBA, as PNG decodes to, directly,
	// to the same bytes as the copy would give (TestPhotoCopyOfFittingPhoto). Other types go through
	// downscale, as before.
	src := img
	if !fitsOpaque(img, w, h) {
		src = downscale(img, w, h)
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, src, &jpeg.Options{Quality: 90}); err != nil {
		return nil, fmt.Errorf("photo copy: %w", err)
	}
	return out.Bytes(), nil
}

// fitsOpaque reports whether img is w×h, of a colour type JPEG encodes directly, and opaque.
func fitsOpaque(img image.Image, w, h int) bool {
	switch img := img.(type) {
	case *image.RGBA:
		return img.Rect.Dx() == w && img.Rect.Dy() == h && img.Opaque()
	case *image.NRGBA:
		return img.Rect.Dx() == w && img.Rect.Dy() == h && img.Opaque()
	}
	return false
}

// photo embeds a JPEG or PNG image fitted into the box (x, y, w, h), centered. The image is scaled down
// to the print resolution, laid on white (transparent parts print white) and embedded as JPEG, so a large
// phone photo does not bloat the PDF. Undecodable or oversized data is an error (DecodePhoto).
func (d *doc) photo(data []byte, x, y, w, h float64) {
	src, err := DecodePhoto(data)
	if err != nil {
		d.fail(err)
		return
	}
	b := src.Bounds()
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

// downscale averages src into a w×h RGBA image over a white background (box filter). Every standard
// image type reads its pixels without allocating (image.RGBA64Image); other images go through At and a
// colour conversion per pixel, which cost the worker about 6 ms per photo copy.
func downscale(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	fast, _ := src.(image.RGBA64Image)
	for dy := range h {
		y0 := b.Min.Y + dy*b.Dy()/h
		y1 := max(y0+1, b.Min.Y+(dy+1)*b.Dy()/h)
		for dx := range w {
			x0 := b.Min.X + dx*b.Dx()/w
			x1 := max(x0+1, b.Min.X+(dx+1)*b.Dx()/w)
			var r, g, bl, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					var c color.RGBA64
					if fast != nil {
						c = fast.RGBA64At(sx, sy)
					} else {
						pr, pg, pb, pa := src.At(sx, sy).RGBA()
						c = color.RGBA64{R: uint16(pr), G: uint16(pg), B: uint16(pb), A: uint16(pa)}
					}
					// Premultiplied colour over white: value·alpha + white·(1−alpha) = premultiplied + (1−alpha).
					white := 0xFFFF - uint64(c.A)
					r += uint64(c.R) + white
					g += uint64(c.G) + white
					bl += uint64(c.B) + white
					n++
				}
			}
			dst.SetRGBA(dx, dy, color.RGBA{R: uint8(r / n >> 8), G: uint8(g / n >> 8), B: uint8(bl / n >> 8), A: 0xFF})
		}
	}
	return dst
}
