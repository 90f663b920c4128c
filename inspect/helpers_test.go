package inspect_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// portrait draws a head-and-shoulders picture on a background colour: a dark ellipse for the head
// (touching the top edge with its hair when hairToTop is set) and dark shoulders reaching the lower
// corners, like a real 证件照.
func portrait(w, h int, bg color.RGBA, hairToTop bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	skin, cloth := color.RGBA{90, 60, 50, 255}, color.RGBA{30, 30, 60, 255}
	cx, cy := float64(w)/2, float64(h)*0.38
	rx, ry := float64(w)*0.22, float64(h)*0.22
	if hairToTop {
		ry = cy + 1
	}
	for y := range h {
		for x := range w {
			c := bg
			dx, dy := (float64(x)-cx)/rx, (float64(y)-cy)/ry
			switch {
			case dx*dx+dy*dy <= 1:
				c = skin
			case float64(y) > float64(h)*0.7 && float64(y)-float64(h)*0.7 > -0.8*(float64(x)-cx)-float64(w)*0.2 && float64(y)-float64(h)*0.7 > 0.8*(float64(x)-cx)-float64(w)*0.2:
				c = cloth
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

var (
	white     = color.RGBA{255, 255, 255, 255}
	offWhite  = color.RGBA{228, 226, 222, 255}
	photoBlue = color.RGBA{67, 142, 219, 255}
	photoRed  = color.RGBA{200, 30, 40, 255}
	lightGrey = color.RGBA{150, 150, 150, 255}
)

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// encodeBMP writes an uncompressed bottom-up BMP with 24 bits per pixel, as Windows Paint does.
func encodeBMP(img image.Image) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	row := (w*3 + 3) &^ 3
	var buf bytes.Buffer
	le := binary.LittleEndian
	buf.WriteString("BM")
	binary.Write(&buf, le, uint32(54+row*h))
	binary.Write(&buf, le, uint32(0))
	binary.Write(&buf, le, uint32(54))
	for _, v := range []any{uint32(40), int32(w), int32(h), uint16(1), uint16(24), uint32(0), uint32(row * h), int32(2835), int32(2835), uint32(0), uint32(0)} {
		binary.Write(&buf, le, v)
	}
	line := make([]byte, row)
	for y := h - 1; y >= 0; y-- {
		for x := range w {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			line[3*x], line[3*x+1], line[3*x+2] = byte(bl>>8), byte(g>>8), byte(r>>8)
		}
		buf.Write(line)
	}
	return buf.Bytes()
}

// noise is an image that does not compress, to make large files.
func noise(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(2463534242)
	for i := range img.Pix {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		img.Pix[i] = byte(seed)
	}
	return img
}

// rawPDF assembles a PDF from object bodies (object i+1 is objects[i], object 1 the catalog), with a
// correct cross-reference table.
func rawPDF(objects []string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, body := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// manyPagesPDF is a PDF of n empty pages.
func manyPagesPDF(n int) []byte {
	objects := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	kids := make([]string, n)
	for i := range n {
		kids[i] = fmt.Sprintf("%d 0 R", i+3)
		objects = append(objects, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
	}
	objects[1] = fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", n, strings.Join(kids, " "))
	return rawPDF(objects)
}

// streamPDF is a one-page PDF whose content stream is content (Flate-compressed when deflated is given)
// and which can use the standard font Helvetica as /F1.
func streamPDF(content []byte, filter string) []byte {
	dict := fmt.Sprintf("<< /Length %d", len(content))
	if filter != "" {
		dict += " /Filter /" + filter
	}
	dict += " >>"
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		dict + "\nstream\n" + string(content) + "\nendstream",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	})
}
