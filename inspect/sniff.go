package inspect

import (
	"bytes"
	"unicode/utf8"
)

// signatures of common files that are not accepted, so the refusal can say what the file really is.
var signatures = []struct {
	magic  []byte
	offset int
	name   string
}{
	{[]byte("MZ"), 0, "Windows 可执行程序（EXE/DLL）"},
	{[]byte("\x7fELF"), 0, "Linux 可执行程序"},
	{[]byte("PK\x03\x04"), 0, "ZIP 压缩包或 Office 文档（DOCX/XLSX）"},
	{[]byte("Rar!\x1a\x07"), 0, "RAR 压缩包"},
	{[]byte("7z\xbc\xaf\x27\x1c"), 0, "7z 压缩包"},
	{[]byte("\x1f\x8b"), 0, "GZIP 压缩包"},
	{[]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), 0, "旧版 Office 文档（DOC/XLS）"},
	{[]byte("GIF8"), 0, "GIF 图片"},
	{[]byte("WEBP"), 8, "WEBP 图片"},
	{[]byte("ftypheic"), 4, "HEIC 图片"},
	{[]byte("ftypmif1"), 4, "HEIC 图片"},
	{[]byte("ftyp"), 4, "视频文件"},
	{[]byte("II*\x00"), 0, "TIFF 图片"},
	{[]byte("MM\x00*"), 0, "TIFF 图片"},
	{[]byte("{\\rtf"), 0, "RTF 文档"},
	{[]byte("<!DOCTYPE html"), 0, "网页文件（HTML）"},
	{[]byte("<html"), 0, "网页文件（HTML）"},
}

// describeUnknown says what a file of no accepted kind seems to be: "实际是 Windows 可执行程序（EXE/DLL）".
func describeUnknown(data []byte) string {
	for _, s := range signatures {
		if len(data) >= s.offset+len(s.magic) && bytes.EqualFold(data[s.offset:s.offset+len(s.magic)], s.magic) {
			return "实际是" + s.name
		}
	}
	head := data[:min(len(data), 512)]
	for i := 0; i < 3 && len(head) > 0 && !utf8.Valid(head); i++ {
		head = head[:len(head)-1] // a character cut at the 512-byte boundary
	}
	if utf8.Valid(head) && !bytes.ContainsRune(head, 0) {
		return "实际是纯文本文件"
	}
	return "不是可识别的图片或 PDF 文件"
}
