package uitest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"skillcert"
)

// newIDNumber returns a valid ID number of a person born in 1985 in 呼和浩特 with a random sequence.
func newIDNumber() string {
	first := fmt.Sprintf("15010219850%d%02d%03d", 1+rand.IntN(9), 1+rand.IntN(28), rand.IntN(1000))
	check, _ := skillcert.IDCheckChar(first)
	return first + string(check)
}

// badIDNumber is newIDNumber with a wrong check character.
func badIDNumber() string {
	id := newIDNumber()
	last := id[len(id)-1]
	wrong := byte('0')
	if last == '0' {
		wrong = '1'
	}
	return id[:len(id)-1] + string(wrong)
}

func newPhone() string { return fmt.Sprintf("139%08d", rand.IntN(100_000_000)) }

// writePNG writes an image to a file in the test's temporary folder and returns its path.
func writePNG(t *testing.T, name string, img image.Image) string {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// photoFile is a head-and-shoulders portrait on white that passes the photo check.
func photoFile(t *testing.T) string {
	const w, h = 300, 420
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 255, 255, 255}
			dx, dy := float64(x-w/2)/66, float64(y-160)/92
			if dx*dx+dy*dy <= 1 || (y > 300 && x > 40 && x < w-40) {
				c = color.RGBA{60, 50, 50, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return writePNG(t, "photo.png", img)
}

// scanFile is a legible-looking scan: white paper with dark lines.
func scanFile(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 420, 600))
	for y := range 600 {
		for x := range 420 {
			c := color.RGBA{250, 250, 250, 255}
			if y%40 < 3 && x > 30 && x < 390 {
				c = color.RGBA{20, 20, 20, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return writePNG(t, "scan.png", img)
}

// tinyFile is a PNG too small to be a legible scan (the inspection refuses it).
func tinyFile(t *testing.T) string {
	return writePNG(t, "tiny.png", image.NewRGBA(image.Rect(0, 0, 4, 4)))
}
