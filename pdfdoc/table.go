package pdfdoc

// cell is one box of a table row: a label (shaded, centered) or a value (left-aligned).
type cell struct {
	w     float64
	text  string
	label bool
}

// label and value build cells.
func label(w float64, text string) cell { return cell{w: w, text: text, label: true} }
func value(w float64, text string) cell { return cell{w: w, text: text} }

// row draws cells side by side from (x, y), all h high, and returns the y below the row.
func (d *doc) row(x, y, h float64, cells ...cell) float64 {
	for _, c := range cells {
		if c.label {
			d.setColor(240, 240, 240)
			d.fill(x, y, c.w, h)
			d.black()
			d.fitText(x, y, c.w, h, c.text, 10.5, 7, alignCenter)
		} else {
			d.fitText(x, y, c.w, h, c.text, 11, 7, alignLeft)
		}
		d.box(x, y, c.w, h)
		x += c.w
	}
	return y + h
}

// opinionBox draws a labelled box for a handwritten opinion: the label cell on the left, an optional
// printed text at the top of the box and the signing line (e.g. 盖章 and date) at its bottom right.
// It returns the y below the box.
func (d *doc) opinionBox(x, y, labelW, w, h float64, name, top, signing string) float64 {
	d.row(x, y, h, label(labelW, name), value(w-labelW, ""))
	saved := d.size
	d.setSize(10.5)
	if top != "" {
		d.paragraph(x+labelW+6, y+6, w-labelW-12, top)
	}
	d.textAligned(x+labelW, y+h-d.size-8, w-labelW-12, signing, alignRight)
	d.setSize(saved)
	return y + h
}

// footer prints small centered text at the bottom of the current page.
func (d *doc) footer(text string) {
	saved := d.size
	d.setSize(8)
	d.setColor(110, 110, 110)
	d.textAligned(0, d.height-28, d.width, text, alignCenter)
	d.black()
	d.setSize(saved)
}

// photoBox draws the photo when given, else an empty frame captioned with what to paste there.
func (d *doc) photoBox(x, y, w, h float64, photo []byte, caption string) {
	if len(photo) > 0 {
		d.photo(photo, x+3, y+3, w-6, h-6)
	} else {
		saved := d.size
		d.setSize(9)
		d.setColor(130, 130, 130)
		d.fitText(x, y, w, h, caption, 9, 7, alignCenter)
		d.black()
		d.setSize(saved)
	}
	d.box(x, y, w, h)
}
