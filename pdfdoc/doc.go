package pdfdoc

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/signintech/gopdf"
)

// Horizontal alignment of text inside a box.
const (
	alignLeft = iota
	alignCenter
	alignRight
)

// doc wraps one gopdf document with the drawing helpers the layouts need. The first error sticks and is
// returned by bytes(), so layouts read as straight-line code.
type doc struct {
	r             *Renderer
	pdf           *gopdf.GoPdf
	width, height float64
	size          float64 // current font size in points
	font          int     // index of the selected font
	leading       float64 // line height as a multiple of the font size; 0 means 1.45
	err           error
}

func (d *doc) fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// setSize selects the font size for the following text.
func (d *doc) setSize(size float64) {
	if d.size == size {
		return
	}
	d.size = size
	d.fail(d.pdf.SetFontSize(size))
}

// selectFont switches to the i-th font at the current size.
func (d *doc) selectFont(i int) {
	if d.font == i {
		return
	}
	d.font = i
	d.fail(d.pdf.SetFont(fontFamily(i), "", d.size))
}

// setColor sets the text, stroke and fill color.
func (d *doc) setColor(r, g, b uint8) {
	d.pdf.SetTextColor(r, g, b)
	d.pdf.SetStrokeColor(r, g, b)
	d.pdf.SetFillColor(r, g, b)
}

// black restores the default color.
func (d *doc) black() { d.setColor(0, 0, 0) }

// glyph tells which font draws c (font -1: none has it) and its advance at size 1, computed once per
// Renderer.
func (d *doc) glyph(c rune) glyph {
	if g, ok := d.r.glyphs.Load(c); ok {
		return g.(glyph)
	}
	font, size := d.font, d.size
	g := glyph{font: -1}
	for i := range d.r.fonts {
		d.selectFont(i)
		ok, err := d.pdf.IsCurrFontContainGlyph(c)
		d.fail(err)
		if ok {
			d.setSize(1)
			w, err := d.pdf.MeasureTextWidth(string(c))
			d.fail(err)
			g = glyph{font: i, width: w}
			break
		}
	}
	d.setSize(size)
	d.selectFont(font)
	d.r.glyphs.Store(c, g)
	return g
}

// runeWidth is the advance of c at the current size.
func (d *doc) runeWidth(c rune) float64 {
	return d.glyph(c).width * d.size
}

// measure is the width of s at the current size.
func (d *doc) measure(s string) float64 {
	total := 0.0
	for _, c := range s {
		total += d.runeWidth(c)
	}
	return total
}

// text draws s with the top of its line box at y, starting at x. Runs of characters are drawn with the
// font that has them, on a common baseline.
func (d *doc) text(x, y float64, s string) {
	baseline := y + d.size*0.88
	runes := []rune(s)
	for start := 0; start < len(runes); {
		font := max(d.glyph(runes[start]).font, 0)
		end, width := start, 0.0
		for end < len(runes) && max(d.glyph(runes[end]).font, 0) == font {
			width += d.runeWidth(runes[end])
			end++
		}
		d.selectFont(font)
		d.pdf.SetXY(x, baseline)
		d.fail(d.pdf.Text(string(runes[start:end])))
		x += width
		start = end
	}
}

// textAligned draws one line of s inside the horizontal span [x, x+w] with its top at y.
func (d *doc) textAligned(x, y, w float64, s string, align int) {
	switch align {
	case alignCenter:
		x += (w - d.measure(s)) / 2
	case alignRight:
		x += w - d.measure(s)
	}
	d.text(x, y, s)
}

// lineHeight is the distance between baselines at the current size.
func (d *doc) lineHeight() float64 {
	if d.leading > 0 {
		return d.size * d.leading
	}
	return d.size * 1.45
}

// Characters that must not start a line (closing punctuation) or end one (opening brackets).
const (
	noLineStart = "，。、；：？！）》」』】,.;:?!)%"
	noLineEnd   = "（《「『【(“‘"
)

// wrap splits s into lines no wider than width at the current size. Newlines are kept as breaks; Latin
// words and numbers are not split unless a single one is wider than the line.
func (d *doc) wrap(s string, width float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, d.wrapParagraph([]rune(para), width)...)
	}
	return lines
}

// canBreakBefore reports whether a line may start at runes[i].
func canBreakBefore(runes []rune, i int) bool {
	if i <= 0 || i >= len(runes) {
		return false
	}
	prev, cur := runes[i-1], runes[i]
	return !(isWordRune(prev) && isWordRune(cur)) &&
		!strings.ContainsRune(noLineStart, cur) && !strings.ContainsRune(noLineEnd, prev)
}

func (d *doc) wrapParagraph(runes []rune, width float64) []string {
	if len(runes) == 0 {
		return []string{""}
	}
	var lines []string
	start, lineWidth := 0, 0.0
	lastBreak := -1 // the latest index in the current line where a new line may begin
	for i := 0; i < len(runes); i++ {
		w := d.runeWidth(runes[i])
		if lineWidth+w > width && i > start {
			end := i
			if !canBreakBefore(runes, i) && lastBreak > start {
				end = lastBreak
			}
			lines = append(lines, strings.TrimRight(string(runes[start:end]), " "))
			start, lastBreak, lineWidth = end, -1, 0
			for start < len(runes) && runes[start] == ' ' {
				start++
			}
			for j := start; j < i; j++ {
				lineWidth += d.runeWidth(runes[j])
			}
		}
		if i > start && canBreakBefore(runes, i) {
			lastBreak = i
		}
		if i >= start {
			lineWidth += w
		}
	}
	if start < len(runes) {
		lines = append(lines, string(runes[start:]))
	}
	return lines
}

// isWordRune reports whether r belongs to a Latin word or number that should not be split.
func isWordRune(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.' || r == '/')
}

// paragraph draws s wrapped to width starting at (x, y) and returns the y below the last line.
func (d *doc) paragraph(x, y, width float64, s string) float64 {
	for _, line := range d.wrap(s, width) {
		d.text(x, y, line)
		y += d.lineHeight()
	}
	return y
}

// fitText draws s inside the box (x, y, w, h) with padding, vertically centered, shrinking the font from
// size down to minSize until the wrapped text fits; text that still does not fit is cut with "…".
func (d *doc) fitText(x, y, w, h float64, s string, size, minSize float64, align int) {
	const pad, padY = 4, 2.5
	saved, savedLeading := d.size, d.leading
	d.leading = 1.25
	defer func() { d.setSize(saved); d.leading = savedLeading }()
	innerW, innerH := w-2*pad, h-2*padY
	fits := func(lines []string) bool { return float64(len(lines)-1)*d.lineHeight()+d.size <= innerH }
	var lines []string
	found := false
	// In a box too low for two lines, a single line shrunk a little reads better than a wrapped one.
	if d.setSize(size); !fits([]string{"", ""}) {
		for sz := size; sz >= max(minSize, size*0.8) && !found; sz -= 0.5 {
			d.setSize(sz)
			lines = d.wrap(s, innerW)
			found = len(lines) == 1 && fits(lines)
		}
	}
	for sz := size; !found; sz -= 0.5 {
		d.setSize(sz)
		lines = d.balancedWrap(s, innerW)
		found = fits(lines) || sz-0.5 < minSize
	}
	if maxLines := int((innerH-d.size)/d.lineHeight()) + 1; len(lines) > maxLines && maxLines > 0 {
		lines = lines[:maxLines]
		last := []rune(lines[maxLines-1])
		for len(last) > 0 && d.measure(string(last))+d.runeWidth('…') > innerW {
			last = last[:len(last)-1]
		}
		lines[maxLines-1] = string(last) + "…"
	}
	blockH := float64(len(lines)-1)*d.lineHeight() + d.size
	ty := y + (h-blockH)/2
	for _, line := range lines {
		d.textAligned(x+pad, ty, innerW, line, align)
		ty += d.lineHeight()
	}
}

// balancedWrap wraps s into as few lines as wrap does at width, but makes them about equally long, so a
// label never ends with one orphaned character.
func (d *doc) balancedWrap(s string, width float64) []string {
	lines := d.wrap(s, width)
	if len(lines) < 2 || strings.Contains(s, "\n") {
		return lines
	}
	lo, hi := width/2, width
	for range 10 {
		mid := (lo + hi) / 2
		if len(d.wrap(s, mid)) > len(lines) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return d.wrap(s, hi)
}

// box strokes a rectangle.
func (d *doc) box(x, y, w, h float64) {
	d.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "D")
}

// fill paints a rectangle in the current fill color.
func (d *doc) fill(x, y, w, h float64) {
	d.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "F")
}

// line strokes a line.
func (d *doc) line(x1, y1, x2, y2 float64) {
	d.pdf.Line(x1, y1, x2, y2)
}

// newPage adds a page.
func (d *doc) newPage() {
	d.pdf.AddPage()
}

// bytes finishes the document.
func (d *doc) bytes() ([]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	out, err := d.pdf.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return out, nil
}
