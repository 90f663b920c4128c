package inspect

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"skillcert"
)

// PDF limits. pdfinfo and pdftotext run as child processes with these limits, so a malicious or broken
// file (a decompression bomb, a page tree of a million pages, a parser bug) costs bounded time and memory
// and cannot take the worker down.
var (
	MaxPages     = 500              // more pages are refused before extracting text
	ToolTimeout  = 30 * time.Second // wall-clock limit per tool run
	ToolCPU      = 30               // CPU seconds per tool run (ulimit -t)
	ToolMemoryKB = 1 << 20          // address space per tool run in KiB (ulimit -v), 1 GiB
	MaxTextBytes = 16 << 20         // more extracted text than this is refused as abnormal
)

// toolSlots bounds how many PDF tools run at once.
var toolSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// Refusals of PDFs, as *skillcert.Error so callers can show the message.
var (
	ErrEncrypted = skillcert.FieldError(skillcert.EINVALID, "file", "PDF 已加密（设有打开密码或权限密码），请上传未加密的 PDF")
	ErrDamaged   = skillcert.FieldError(skillcert.EINVALID, "file", "PDF 文件已损坏或不完整，无法解析")
	ErrTooHeavy  = skillcert.FieldError(skillcert.EINVALID, "file", "PDF 过于复杂，无法在限定的时间和内存内解析，请另存为普通 PDF 后上传")
	ErrNoPages   = skillcert.FieldError(skillcert.EINVALID, "file", "PDF 中没有页面")
)

// CountPDFText returns the number of text characters of a PDF, counted by skillcert.CountChars (every
// Chinese character, letter and digit is one; whitespace and punctuation are not counted), and its page
// count. Errors are *skillcert.Error EINVALID for encrypted, damaged or abnormal files (see the Err
// variables), or a plain error when the tools cannot run.
func CountPDFText(data []byte) (chars, pages int, err error) {
	text, pages, err := ExtractPDFText(data)
	if err != nil {
		return 0, pages, err
	}
	return skillcert.CountChars(text), pages, nil
}

// ExtractPDFText returns the text of a PDF (pages separated by form feeds) and its page count, using
// poppler's pdfinfo and pdftotext (Debian package poppler-utils) under the limits above. The two tools
// run one after the other in one sandbox (runPDFTools; starting a sandbox costs about as much as the
// tools): pdfinfo's verdict (encrypted, no pages, too many) decides first, and pdftotext's output is
// dropped then. pdftotext on such a file is bounded by the same limits as any run.
func ExtractPDFText(data []byte) (text string, pages int, err error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return "", 0, skillcert.FieldError(skillcert.EINVALID, "file", "不是 PDF 文件")
	}
	info, extracted, infoErr, textErr, err := runPDFTools(data)
	if err != nil {
		return "", 0, err
	}
	if infoErr != nil {
		return "", 0, infoErr
	}
	pages, encrypted, err := parsePDFInfo(info)
	if err != nil {
		return "", 0, err
	}
	switch {
	case encrypted:
		return "", pages, ErrEncrypted
	case pages == 0:
		return "", 0, ErrNoPages
	case pages > MaxPages:
		return "", pages, skillcert.FieldError(skillcert.EINVALID, "file",
			fmt.Sprintf("PDF 页数过多（共 %d 页，最多 %d 页）", pages, MaxPages))
	}
	if textErr != nil {
		return "", pages, textErr
	}
	return string(extracted), pages, nil
}

// parsePDFInfo reads the page count and the encryption flag from pdfinfo's output.
func parsePDFInfo(out []byte) (pages int, encrypted bool, err error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	found := false
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch key {
		case "Pages":
			if pages, err = strconv.Atoi(value); err != nil {
				return 0, false, ErrDamaged
			}
			found = true
		case "Encrypted":
			encrypted = strings.HasPrefix(value, "yes")
		}
	}
	if !found {
		return 0, false, ErrDamaged
	}
	return pages, encrypted, nil
}

// errToolMissing is returned when poppler-utils is not installed.
var errToolMissing = errors.New("poppler-utils is not installed")

// cappedBuffer keeps at most limit bytes. Past the limit a quiet buffer drops the rest; another one
// records the overflow, calls onOverflow (which stops the tool) and fails the write.
type cappedBuffer struct {
	buf        bytes.Buffer // not embedded: io.Copy would use its ReadFrom and bypass the limit
	limit      int
	quiet      bool
	overflow   bool
	onOverflow func()
}

// Write implements io.Writer.
func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) <= b.limit {
		return b.buf.Write(p)
	}
	if b.quiet {
		b.buf.Write(p[:max(0, b.limit-b.buf.Len())])
		return len(p), nil
	}
	if !b.overflow && b.onOverflow != nil {
		b.onOverflow()
	}
	b.overflow = true
	return 0, errors.New("output limit reached")
}

// inspectPDF counts the text of a PDF and checks it against rule.MinChars. A PDF without any text (a scan
// saved as PDF) is fine for scanned documents but refused where text is required.
func inspectPDF(res *Result, data []byte, rule skillcert.DocRule) error {
	chars, pages, err := CountPDFText(data)
	res.Pages = pages
	if err != nil {
		return err
	}
	res.TextChars = chars
	if rule.MinChars <= 0 {
		return nil
	}
	label := docLabel(rule)
	if chars == 0 {
		return invalid("PDF 中没有可识别的文字（可能是扫描件或由图片生成），%s须上传含可复制文字的 PDF，不少于%d字", label, rule.MinChars)
	}
	if chars < rule.MinChars {
		return invalid("%s不少于%d字，当前只识别到%d字（不计空格和标点）", label, rule.MinChars, chars)
	}
	return nil
}
