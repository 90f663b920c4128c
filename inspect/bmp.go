package inspect

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math/bits"
)

// BMP decoding, written here because the standard library has none: uncompressed 1, 4, 8, 16, 24 and
// 32 bits per pixel, with or without bit-field masks, bottom-up or top-down. RLE-compressed and
// embedded JPEG/PNG bitmaps are refused (rare, and no photo tool writes them by default).
//
// golang.org/x/image/bmp is not used: it refuses 16-bit bitmaps (the 565 and 555 files of scanners and
// some phone exports) and bit-field masks other than the default 32-bit ones, both of which
// TestBMPVariants decodes; it would also read the pixels through an io.Reader without first checking that
// the file holds as many bytes as the header declares (bmpDecodeConfig does, so a short file is refused
// before any allocation). TestBMPDimensionBombsAreRefusedBeforeDecoding holds the size checks.

var errBMPUnsupported = errors.New("unsupported BMP variant")

// bmpHeader is what the decoder needs from the file and DIB headers.
type bmpHeader struct {
	width, height int
	topDown       bool
	bpp           int
	dataOffset    int
	palette       color.Palette
	masks         [4]uint32 // red, green, blue, alpha; zero alpha: opaque
}

func bmpParseHeader(data []byte) (bmpHeader, error) {
	var h bmpHeader
	if len(data) < 26 || data[0] != 'B' || data[1] != 'M' {
		return h, errors.New("not a BMP file")
	}
	le := binary.LittleEndian
	h.dataOffset = int(le.Uint32(data[10:]))
	dibSize := int(le.Uint32(data[14:]))
	if dibSize < 12 || 14+dibSize > len(data) {
		return h, errors.New("truncated BMP header")
	}
	dib := data[14 : 14+dibSize]
	compression := uint32(0)
	paletteEntry := 4
	if dibSize == 12 { // BITMAPCOREHEADER
		h.width, h.height = int(le.Uint16(dib[4:])), int(le.Uint16(dib[6:]))
		h.bpp = int(le.Uint16(dib[10:]))
		paletteEntry = 3
	} else {
		if dibSize < 40 {
			return h, errors.New("truncated BMP header")
		}
		h.width, h.height = int(int32(le.Uint32(dib[4:]))), int(int32(le.Uint32(dib[8:])))
		h.bpp = int(le.Uint16(dib[14:]))
		compression = le.Uint32(dib[16:])
	}
	if h.height < 0 {
		h.height, h.topDown = -h.height, true
	}
	if h.width <= 0 || h.height <= 0 {
		return h, errors.New("BMP has no pixels")
	}
	switch compression {
	case 0: // BI_RGB
		switch h.bpp {
		case 16:
			h.masks = [4]uint32{0x7C00, 0x03E0, 0x001F, 0}
		case 24, 32:
			h.masks = [4]uint32{0xFF0000, 0x00FF00, 0x0000FF, 0}
		}
	case 3, 6: // BI_BITFIELDS, BI_ALPHABITFIELDS
		if h.bpp != 16 && h.bpp != 32 {
			return h, errBMPUnsupported
		}
		n := 3
		if compression == 6 || dibSize >= 56 {
			n = 4
		}
		at := 14 + 40 // masks follow a 40-byte header, or sit at the same place inside V4/V5 headers
		if len(data) < at+4*n {
			return h, errors.New("truncated BMP masks")
		}
		for i := range n {
			h.masks[i] = le.Uint32(data[at+4*i:])
		}
	default:
		return h, errBMPUnsupported
	}
	if h.bpp <= 8 {
		if h.bpp != 1 && h.bpp != 4 && h.bpp != 8 {
			return h, errBMPUnsupported
		}
		count := 1 << h.bpp
		if dibSize >= 40 {
			if used := int(le.Uint32(dib[32:])); used > 0 && used < count {
				count = used
			}
		}
		at := 14 + dibSize
		if compression == 3 && dibSize == 40 {
			at += 12
		}
		if len(data) < at+count*paletteEntry {
			return h, errors.New("truncated BMP palette")
		}
		for i := range count {
			e := data[at+i*paletteEntry:]
			h.palette = append(h.palette, color.RGBA{R: e[2], G: e[1], B: e[0], A: 0xFF})
		}
	} else if h.bpp != 16 && h.bpp != 24 && h.bpp != 32 {
		return h, errBMPUnsupported
	}
	return h, nil
}

// rowSize is the padded length of one row of pixels.
func (h bmpHeader) rowSize() int { return (h.width*h.bpp + 31) / 32 * 4 }

// bmpDecodeConfig reads the dimensions and checks the pixel data is all there.
func bmpDecodeConfig(data []byte) (bmpHeader, error) {
	h, err := bmpParseHeader(data)
	if err != nil {
		return h, err
	}
	if h.dataOffset < 14 || int64(h.dataOffset)+int64(h.rowSize())*int64(h.height) > int64(len(data)) {
		return h, fmt.Errorf("BMP pixel data truncated")
	}
	return h, nil
}

// bmpDecode decodes the whole image. Call bmpDecodeConfig first to bound its size.
func bmpDecode(data []byte) (image.Image, error) {
	h, err := bmpDecodeConfig(data)
	if err != nil {
		return nil, err
	}
	img := image.NewNRGBA(image.Rect(0, 0, h.width, h.height))
	stride := h.rowSize()
	for row := range h.height {
		y := h.height - 1 - row
		if h.topDown {
			y = row
		}
		src := data[h.dataOffset+row*stride:]
		dst := img.Pix[y*img.Stride:]
		for x := range h.width {
			c, err := h.pixel(src, x)
			if err != nil {
				return nil, err
			}
			dst[4*x], dst[4*x+1], dst[4*x+2], dst[4*x+3] = c.R, c.G, c.B, c.A
		}
	}
	return img, nil
}

// pixel reads pixel x of a row.
func (h bmpHeader) pixel(row []byte, x int) (color.NRGBA, error) {
	switch h.bpp {
	case 1, 4, 8:
		bit := x * h.bpp
		index := int(row[bit/8]>>(8-h.bpp-bit%8)) & (1<<h.bpp - 1)
		if index >= len(h.palette) {
			return color.NRGBA{}, errors.New("BMP palette index out of range")
		}
		c := h.palette[index].(color.RGBA)
		return color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0xFF}, nil
	case 24:
		p := row[3*x:]
		return color.NRGBA{R: p[2], G: p[1], B: p[0], A: 0xFF}, nil
	}
	var v uint32
	if h.bpp == 16 {
		v = uint32(binary.LittleEndian.Uint16(row[2*x:]))
	} else {
		v = binary.LittleEndian.Uint32(row[4*x:])
	}
	a := uint8(0xFF)
	if h.masks[3] != 0 {
		a = channel(v, h.masks[3])
	}
	return color.NRGBA{R: channel(v, h.masks[0]), G: channel(v, h.masks[1]), B: channel(v, h.masks[2]), A: a}, nil
}

// channel extracts the masked bits of v scaled to 0..255.
func channel(v, mask uint32) uint8 {
	if mask == 0 {
		return 0
	}
	shift := bits.TrailingZeros32(mask)
	width := bits.OnesCount32(mask)
	x := uint64((v & mask) >> shift)
	maxV := uint64(1)<<width - 1
	return uint8(x * 255 / maxV)
}
