// Package pdfdoc renders the Chinese documents the system prints: the filled 申报表 (附件5), the
// 诚信承诺书 (附件6), the 准考证 and the 职业技能等级证书, plus plain text documents. It embeds a subset of
// a TrueType CJK font (from the OS font packages) and draws QR codes as vector graphics. It does no
// other I/O than reading the font once.
package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/signintech/gopdf"
)

// FontEnv is the environment variable naming the TrueType CJK font file.
const FontEnv = "SKILLCERT_CJK_FONT"

// DefaultFontPath is the font used when FontEnv is unset: Debian's fonts-droid-fallback package.
const DefaultFontPath = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// fontFamily is the family name the i-th font is registered under in every document.
func fontFamily(i int) string { return "f" + strconv.Itoa(i) }

// FindFont returns the path of the CJK font: the file named by SKILLCERT_CJK_FONT when set, else
// DefaultFontPath. The file must exist; TrueType collections (.ttc) are refused because gopdf cannot
// embed them.
func FindFont(getenv func(string) string) (string, error) {
	path := strings.TrimSpace(getenv(FontEnv))
	source := FontEnv
	if path == "" {
		path, source = DefaultFontPath, "default font"
	}
	if strings.EqualFold(filepath.Ext(path), ".ttc") {
		return "", fmt.Errorf("find CJK font: %s %s is a TrueType collection (.ttc), which cannot be embedded; use a .ttf file", source, path)
	}
	info, err := os.Stat(path)
	if err != nil {
		hint := ""
		if path == DefaultFontPath {
			hint = " (install the Debian package fonts-droid-fallback or set " + FontEnv + ")"
		}
		return "", fmt.Errorf("find CJK font: %s: %w%s", source, err, hint)
	}
	if info.IsDir() {
		return "", fmt.Errorf("find CJK font: %s %s is a directory", source, path)
	}
	return path, nil
}

// DefaultLatinFontPath is the fallback font for characters the CJK font lacks. DroidSansFallbackFull has
// CJK glyphs only (not even digits), so Latin letters, digits and symbols come from DejaVu Sans (Debian
// package fonts-dejavu-core).
const DefaultLatinFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

// Renderer renders the documents. It holds the font bytes, read once; each document parses them into its
// own gopdf instance, so a Renderer is safe for concurrent use.
type Renderer struct {
	fonts  [][]byte  // main CJK font first, then fallbacks, tried in order for each character
	glyphs *sync.Map // rune → glyph: which font draws it and its advance at size 1
}

// glyph tells which font draws a character and how wide it is at font size 1.
type glyph struct {
	font  int
	width float64
}

// NewRenderer reads the TrueType CJK font at fontPath and the fallback fonts, and checks that together
// they can draw Chinese text, digits and Latin letters. Characters the main font lacks are drawn with the
// first fallback that has them. Without fallbacks, DefaultLatinFontPath is added when the main font
// lacks digits and that file exists.
func NewRenderer(fontPath string, fallbackPaths ...string) (*Renderer, error) {
	main, err := readTrueType(fontPath)
	if err != nil {
		return nil, err
	}
	r := &Renderer{fonts: [][]byte{main}, glyphs: &sync.Map{}}
	if len(fallbackPaths) == 0 {
		lacks, err := r.lacksGlyphs("0")
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", fontPath, err)
		}
		if _, statErr := os.Stat(DefaultLatinFontPath); lacks != "" && statErr == nil {
			fallbackPaths = []string{DefaultLatinFontPath}
		}
	}
	for _, path := range fallbackPaths {
		data, err := readTrueType(path)
		if err != nil {
			return nil, err
		}
		r.fonts = append(r.fonts, data)
	}
	r.glyphs = &sync.Map{} // forget answers given while fonts were missing
	const needed = "证书姓名0123456789X-:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	lacks, err := r.lacksGlyphs(needed)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", fontPath, err)
	}
	if lacks != "" {
		return nil, fmt.Errorf("fonts %s cannot draw %q; add a fallback font with those characters (e.g. %s)",
			strings.Join(append([]string{fontPath}, fallbackPaths...), ", "), lacks, DefaultLatinFontPath)
	}
	return r, nil
}

// readTrueType reads a font file and checks it is TrueType.
func readTrueType(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read font: %w", err)
	}
	if err := checkTrueType(data); err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	return data, nil
}

// lacksGlyphs returns the characters of s that no loaded font can draw.
func (r *Renderer) lacksGlyphs(s string) (string, error) {
	d, err := r.newDoc(false)
	if err != nil {
		return "", err
	}
	var missing []rune
	for _, c := range s {
		if d.glyph(c).font < 0 {
			missing = append(missing, c)
		}
	}
	return string(missing), d.err
}

// checkTrueType looks at the sfnt version tag: gopdf embeds TrueType outlines only.
func checkTrueType(data []byte) error {
	if len(data) < 12 {
		return errors.New("not a font file")
	}
	switch tag := data[:4]; {
	case bytes.Equal(tag, []byte("ttcf")):
		return errors.New("TrueType collections (.ttc) cannot be embedded; use a .ttf file")
	case bytes.Equal(tag, []byte("OTTO")):
		return errors.New("OpenType fonts with CFF outlines (.otf) cannot be embedded; use a TrueType .ttf file")
	case bytes.Equal(tag, []byte{0, 1, 0, 0}), bytes.Equal(tag, []byte("true")):
		return nil
	default:
		return errors.New("not a TrueType font file")
	}
}

// newDoc starts an A4 document (landscape when asked) with the CJK font selected.
func (r *Renderer) newDoc(landscape bool) (*doc, error) {
	pdf := &gopdf.GoPdf{}
	size := *gopdf.PageSizeA4
	if landscape {
		size = *gopdf.PageSizeA4Landscape
	}
	pdf.Start(gopdf.Config{PageSize: size, Unit: gopdf.UnitPT})
	for i, data := range r.fonts {
		if err := pdf.AddTTFFontData(fontFamily(i), data); err != nil {
			return nil, fmt.Errorf("load font %d: %w", i, err)
		}
	}
	if err := pdf.SetFont(fontFamily(0), "", 11); err != nil {
		return nil, fmt.Errorf("select font: %w", err)
	}
	return &doc{r: r, pdf: pdf, width: size.W, height: size.H, size: 11}, nil
}
