package pdfdoc

import (
	"strings"
)

// TextPDF renders a plain multi-page A4 document: title centered on the first page, then body wrapped
// into paragraphs (one per line of body). It adds no other text (no page numbers, no footer), so the
// text extracted from it is exactly title and body; tests and load tests use it to make 技术总结 and 论文
// PDFs of a known length.
func (r *Renderer) TextPDF(title, body string) ([]byte, error) {
	d, err := r.newDoc(false)
	if err != nil {
		return nil, err
	}
	const margin, bodySize = 64.0, 11.0
	d.newPage()
	y := margin
	if title = strings.TrimSpace(title); title != "" {
		d.setSize(16)
		for _, line := range d.wrap(title, d.width-2*margin) {
			d.textAligned(margin, y, d.width-2*margin, line, alignCenter)
			y += d.lineHeight()
		}
		y += 12
	}
	d.setSize(bodySize)
	bottom := d.height - margin
	for _, para := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		for _, line := range d.wrap(para, d.width-2*margin) {
			if y+d.lineHeight() > bottom {
				d.newPage()
				y = margin
			}
			d.text(margin, y, line)
			y += d.lineHeight()
		}
	}
	return d.bytes()
}
