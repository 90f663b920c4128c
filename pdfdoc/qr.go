package pdfdoc

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// qr draws a QR code of content as vector squares in the square (x, y, size), with a white quiet zone
// inside the square so it scans on any background.
func (d *doc) qr(content string, x, y, size float64) {
	code, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		d.fail(fmt.Errorf("qr code: %w", err))
		return
	}
	code.DisableBorder = true
	bitmap := code.Bitmap()
	if len(bitmap) == 0 {
		d.fail(fmt.Errorf("qr code: empty bitmap"))
		return
	}
	const quiet = 2 // modules of white border on each side
	module := size / float64(len(bitmap)+2*quiet)
	d.setColor(255, 255, 255)
	d.fill(x, y, size, size)
	d.black()
	ox, oy := x+quiet*module, y+quiet*module
	for row, cells := range bitmap {
		for col := 0; col < len(cells); {
			if !cells[col] {
				col++
				continue
			}
			run := col
			for run < len(cells) && cells[run] {
				run++
			}
			// a hair of overlap hides anti-aliasing seams between neighbouring squares
			d.fill(ox+float64(col)*module, oy+float64(row)*module, float64(run-col)*module+0.05, module+0.05)
			col = run
		}
	}
}
