package inspect

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"strings"
	"testing"

	"skillcert"
)

// bmpFile builds a BMP: file header, a DIB header of dibSize bytes (40 or 124), extra bytes after it
// (masks or palette) and rows produced by pixelRow, bottom-up unless topDown.
func bmpFile(w, h, bpp int, compression uint32, dibSize int, topDown bool, extra []byte, masks [4]uint32, pixelRow func(y int) []byte) []byte {
	le := binary.LittleEndian
	row := (w*bpp + 31) / 32 * 4
	offset := 14 + dibSize + len(extra)
	var b bytes.Buffer
	b.WriteString("BM")
	binary.Write(&b, le, uint32(offset+row*h))
	binary.Write(&b, le, uint32(0))
	binary.Write(&b, le, uint32(offset))
	dib := make([]byte, dibSize)
	le.PutUint32(dib[0:], uint32(dibSize))
	le.PutUint32(dib[4:], uint32(int32(w)))
	height := int32(h)
	if topDown {
		height = -height
	}
	le.PutUint32(dib[8:], uint32(height))
	le.PutUint16(dib[12:], 1)
	le.PutUint16(dib[14:], uint16(bpp))
	le.PutUint32(dib[16:], compression)
	if dibSize >= 56 {
		for i, m := range masks {
			le.PutUint32(dib[40+4*i:], m)
		}
	}
	b.Write(dib)
	b.Write(extra)
	for i := range h {
		y := h - 1 - i
		if topDown {
			y = i
		}
		line := make([]byte, row)
		copy(line, pixelRow(y))
		b.Write(line)
	}
	return b.Bytes()
}

// expected colour of pixel (x, y) in the test pattern.
func pattern(x, y int) color.NRGBA {
	return color.NRGBA{R: uint8(x * 40), G: uint8(y * 50), B: uint8((x + y) * 20), A: 0xFF}
}

func TestBMPVariants(t *testing.T) {
	const w, h = 5, 4
	le := binary.LittleEndian
	var palette []byte
	for i := range 256 {
		palette = append(palette, byte(i), byte(i), byte(i), 0) // grey ramp, BGR0
	}
	tests := []struct {
		name string
		data []byte
		want func(x, y int) color.NRGBA
		tol  int
	}{
		{"24-bit bottom-up", bmpFile(w, h, 24, 0, 40, false, nil, [4]uint32{}, func(y int) []byte {
			var r []byte
			for x := range w {
				c := pattern(x, y)
				r = append(r, c.B, c.G, c.R)
			}
			return r
		}), pattern, 0},
		{"24-bit top-down", bmpFile(w, h, 24, 0, 40, true, nil, [4]uint32{}, func(y int) []byte {
			var r []byte
			for x := range w {
				c := pattern(x, y)
				r = append(r, c.B, c.G, c.R)
			}
			return r
		}), pattern, 0},
		{"8-bit palette", bmpFile(w, h, 8, 0, 40, false, palette, [4]uint32{}, func(y int) []byte {
			var r []byte
			for x := range w {
				r = append(r, byte(x*10+y))
			}
			return r
		}), func(x, y int) color.NRGBA { v := uint8(x*10 + y); return color.NRGBA{v, v, v, 0xFF} }, 0},
		{"1-bit palette", bmpFile(w, h, 1, 0, 40, false, []byte{0, 0, 0, 0, 255, 255, 255, 0}, [4]uint32{}, func(y int) []byte {
			var bits byte
			for x := range w {
				if (x+y)%2 == 0 {
					bits |= 0x80 >> x
				}
			}
			return []byte{bits}
		}), func(x, y int) color.NRGBA {
			if (x+y)%2 == 0 {
				return color.NRGBA{255, 255, 255, 255}
			}
			return color.NRGBA{0, 0, 0, 255}
		}, 0},
		{"32-bit bit fields with alpha (V5 header)", bmpFile(w, h, 32, 3, 124, false, nil, [4]uint32{0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000}, func(y int) []byte {
			var r []byte
			for x := range w {
				c := pattern(x, y)
				r = append(r, c.B, c.G, c.R, 0xFF)
			}
			return r
		}), pattern, 0},
		{"16-bit 565 bit fields", bmpFile(w, h, 16, 3, 40, false, func() []byte {
			m := make([]byte, 12)
			le.PutUint32(m[0:], 0xF800)
			le.PutUint32(m[4:], 0x07E0)
			le.PutUint32(m[8:], 0x001F)
			return m
		}(), [4]uint32{}, func(y int) []byte {
			var r []byte
			for x := range w {
				c := pattern(x, y)
				v := uint16(c.R>>3)<<11 | uint16(c.G>>2)<<5 | uint16(c.B>>3)
				r = le.AppendUint16(r, v)
			}
			return r
		}), pattern, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := bmpDecode(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
				t.Fatalf("size %v", b)
			}
			for y := range h {
				for x := range w {
					got := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
					want := tt.want(x, y)
					if diff(got.R, want.R) > tt.tol || diff(got.G, want.G) > tt.tol || diff(got.B, want.B) > tt.tol || got.A != want.A {
						t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, got, want)
					}
				}
			}
		})
	}
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func TestBMPRefusals(t *testing.T) {
	good := bmpFile(4, 4, 24, 0, 40, false, nil, [4]uint32{}, func(int) []byte { return make([]byte, 12) })
	rle := bytes.Clone(good)
	binary.LittleEndian.PutUint32(rle[14+16:], 1) // BI_RLE8
	huge := bytes.Clone(good)
	binary.LittleEndian.PutUint32(huge[14+4:], 100000) // claims a width the data does not have
	tests := []struct {
		name string
		data []byte
	}{
		{"RLE compressed", rle},
		{"pixel data shorter than the header says", huge},
		{"header cut", good[:20]},
		{"zero width", func() []byte { b := bytes.Clone(good); binary.LittleEndian.PutUint32(b[18:], 0); return b }()},
	}
	if _, err := bmpDecode(good); err != nil {
		t.Fatalf("good BMP: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := bmpDecode(tt.data); err == nil {
				t.Fatal("decoded")
			}
		})
	}
}

// Hostile BMPs are refused from their headers: the pixels are never decoded. One has a row more than the
// document type's pixel cap at 1 bit a pixel, with all its pixel data present (2-3 MB, 60-100 MB decoded);
// one declares 60000×100000 and ends after its header.
func TestBMPDimensionBombsAreRefusedBeforeDecoding(t *testing.T) {
	decodes := 0
	saved := decodePixels
	decodePixels = func(data []byte, kind skillcert.FileKind) (image.Image, error) {
		decodes++
		return saved(data, kind)
	}
	defer func() { decodePixels = saved }()
	twoColours := []byte{0, 0, 0, 0, 255, 255, 255, 0}
	headerOnly := bmpFile(60000, 1, 24, 0, 40, false, nil, [4]uint32{}, func(int) []byte { return nil })[:54]
	binary.LittleEndian.PutUint32(headerOnly[14+8:], 100000)
	checked := 0
	for _, rule := range skillcert.Checklist(skillcert.Level1, skillcert.PathwayStandard) {
		if !rule.Accepts(skillcert.KindBMP) {
			continue
		}
		dt := rule.DocType
		checked++
		h := int(skillcert.MaxImagePixels(dt)/5000) + 1 // one row over the cap
		large := bmpFile(5000, h, 1, 0, 40, false, twoColours, [4]uint32{}, func(int) []byte { return nil })
		res := Inspect(large, rule)
		if res.Accepted || res.Code != skillcert.EINVALID || !strings.Contains(res.Reason, "尺寸过大") || res.Width != 5000 || res.Height != h {
			t.Errorf("%s, 5000×%d in %d bytes: %+v", dt, h, len(large), res)
		}
		if res := Inspect(headerOnly, rule); res.Accepted {
			t.Errorf("%s, header only: accepted", dt)
		}
	}
	if checked == 0 {
		t.Fatal("no document type accepts BMP")
	}
	if decodes != 0 {
		t.Errorf("%d decodes of refused BMPs", decodes)
	}
}
