package gateway

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"skillcert"
)

// Reading a score file: the upload, its format, and its records, read as streams under the limits below.

// readImportFile returns the uploaded file: the part named "file" of a multipart form, or the raw body.
func readImportFile(c *fiber.Ctx) (name string, data []byte, err error) {
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return "", nil, errMalformed("请以 multipart/form-data 的 file 字段上传成绩文件")
		}
		f, err := fh.Open()
		if err != nil {
			return "", nil, fmt.Errorf("open uploaded file: %w", err)
		}
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, maxImportBytes+1))
		if err != nil {
			return "", nil, fmt.Errorf("read uploaded file: %w", err)
		}
		name = fh.Filename
	} else {
		data, name = c.Body(), c.Query("filename")
	}
	if len(data) > maxImportBytes {
		return "", nil, &skillcert.Error{Code: skillcert.ETOOLARGE, Message: "成绩文件过大（上限 8 MiB）"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return "", nil, errMalformed("成绩文件为空")
	}
	if utf8.RuneCountInString(name) > 200 || name == "" {
		name = "scores"
	}
	return name, data, nil
}

// detectFormat tells a CSV file from an XLSX workbook by content; anything else is 415.
func detectFormat(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return "xlsx", nil
	case bytes.IndexByte(data, 0) >= 0, bytes.HasPrefix(data, []byte("%PDF")), bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return "", &skillcert.Error{Code: skillcert.EUNSUPPORTED, Message: "仅支持 CSV 或 XLSX 格式的成绩文件（不支持 XLS 等其他格式）"}
	}
	return "csv", nil
}

// Limits of a score file beyond its size (maxImportBytes): a spreadsheet is a zip, and a small CSV can
// declare a huge number of fields, so both are read as streams and bounded while they are read.
const (
	maxImportUnzipped  = 16 << 20             // XLSX: the declared uncompressed size of all its parts
	maxImportXMLMemory = 4 << 20              // XLSX: parts larger than this are unzipped to a temporary file
	maxImportRecords   = 2*maxImportRows + 10 // records read, blank ones included
	maxImportColumns   = 64                   // fields per record (more are refused in CSV, ignored in XLSX)
	maxImportCellBytes = 1024                 // each kept cell is cut to this
	maxImportLineBytes = 64 << 10             // CSV: bytes per line
)

// recordReader collects the records of a score file while it is read: at most maxImportColumns cells of
// each, cut to maxImportCellBytes. It stops the reading (add returns false) once the file has shown more
// data rows than an import may have, and refuses a file of more than maxImportRecords records.
type recordReader struct {
	records  [][]string
	nonBlank int
}

// add keeps a copy of rec; it reports whether reading should go on.
func (r *recordReader) add(rec []string) (bool, error) {
	if len(r.records) >= maxImportRecords {
		return false, fieldInvalid("file", fmt.Sprintf("文件行数过多（含空行最多%d行）", maxImportRecords))
	}
	kept := make([]string, min(len(rec), maxImportColumns))
	blank := true
	for i := range kept {
		cell := rec[i]
		if len(cell) > maxImportCellBytes {
			cell = strings.ToValidUTF8(cell[:maxImportCellBytes], "")
		}
		kept[i] = cell
		blank = blank && strings.TrimSpace(cell) == ""
	}
	r.records = append(r.records, kept)
	if !blank {
		r.nonBlank++
	}
	// A header and maxImportRows data rows, and one more to tell that the file has too many.
	return r.nonBlank <= maxImportRows+1, nil
}

// csvRecords reads CSV text in UTF-8 (with or without BOM) or GBK, as spreadsheet programs in China save it,
// record by record (see recordReader); lines over maxImportLineBytes and records of more than
// maxImportColumns fields are refused before parsing.
func csvRecords(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, &skillcert.Error{Code: skillcert.EUNSUPPORTED, Message: "CSV 文件编码无法识别，请保存为 UTF-8"}
		}
		data = decoded
	}
	if err := csvShape(data); err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.ReuseRecord = true
	var out recordReader
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, skillcert.FieldError(skillcert.EINVALID, "file", "CSV 格式错误："+err.Error())
		}
		if more, err := out.add(rec); err != nil || !more {
			return out.records, err
		}
	}
	return out.records, nil
}

// csvShape refuses CSV text with a line longer than maxImportLineBytes or a record of more than
// maxImportColumns fields (commas outside quotes), so that parsing it costs bounded memory.
func csvShape(data []byte) error {
	inQuote := false
	line, fields := 0, 1
	for _, b := range data {
		line++
		switch {
		case b == '"':
			inQuote = !inQuote // "" inside a quoted field toggles twice
		case b == ',' && !inQuote:
			fields++
		case b == '\n':
			line = 0
			if !inQuote {
				fields = 1
			}
		}
		if line > maxImportLineBytes {
			return fieldInvalid("file", fmt.Sprintf("CSV 中有超过 %d 字节的行", maxImportLineBytes))
		}
		if fields > maxImportColumns {
			return fieldInvalid("file", fmt.Sprintf("CSV 中有超过 %d 列的行", maxImportColumns))
		}
	}
	return nil
}

// xlsxRecords reads the first worksheet's cells as text (raw values, so 60.5 is not reformatted), row by
// row with excelize's streaming iterator (see recordReader). A workbook whose parts declare more than
// maxImportUnzipped bytes uncompressed (a zip bomb) is refused before anything is inflated; the zip reader
// refuses a part that inflates beyond its declared size.
func xlsxRecords(data []byte) ([][]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &skillcert.Error{Code: skillcert.EUNSUPPORTED, Message: "不是有效的 XLSX 文件"}
	}
	var unzipped uint64
	for _, f := range zr.File {
		unzipped += f.UncompressedSize64
		if unzipped > maxImportUnzipped {
			return nil, skillcert.FieldError(skillcert.ETOOLARGE, "file",
				fmt.Sprintf("XLSX 文件解压后超过 %d MiB，请只保留成绩表", maxImportUnzipped>>20))
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: maxImportUnzipped, UnzipXMLSizeLimit: maxImportXMLMemory})
	if err != nil {
		return nil, &skillcert.Error{Code: skillcert.EUNSUPPORTED, Message: "不是有效的 XLSX 文件"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fieldInvalid("file", "工作簿中没有工作表")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fieldInvalid("file", "无法读取工作表："+err.Error())
	}
	defer rows.Close()
	var out recordReader
	for rows.Next() {
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fieldInvalid("file", "无法读取工作表："+err.Error())
		}
		if more, err := out.add(rec); err != nil || !more {
			return out.records, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fieldInvalid("file", "无法读取工作表："+err.Error())
	}
	return out.records, nil
}

// importColumns are the accepted header names of each column.
var importColumns = map[string][]string{
	"application_id": {"application_id", "申报编号", "申报id"},
	"component":      {"component", "科目", "考核科目", "成绩类型"},
	"score":          {"score", "成绩", "分数"},
}

// headerIndexes maps the columns to their positions when the first record is a header row.
func headerIndexes(first []string) (map[string]int, bool) {
	idx := map[string]int{}
	for i, cell := range first {
		cell = strings.ToLower(trimmed(strings.TrimPrefix(cell, "\ufeff")))
		for col, names := range importColumns {
			for _, n := range names {
				if cell == n {
					idx[col] = i
				}
			}
		}
	}
	return idx, len(idx) == len(importColumns)
}

// importRows turns records into rows: the header (if any) decides the column order, else the order is
// application_id, component, score. Blank rows are skipped.
func importRows(records [][]string) []importRow {
	idx := map[string]int{"application_id": 0, "component": 1, "score": 2}
	start := 0
	if len(records) > 0 {
		if h, ok := headerIndexes(records[0]); ok {
			idx, start = h, 1
		}
	}
	cell := func(rec []string, col string) string {
		if i := idx[col]; i < len(rec) {
			return trimmed(rec[i])
		}
		return ""
	}
	var rows []importRow
	for i := start; i < len(records); i++ {
		rec := records[i]
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		rows = append(rows, importRow{Row: i + 1, ApplicationID: strings.ToLower(cell(rec, "application_id")),
			Component: cell(rec, "component"), ScoreText: cell(rec, "score")})
	}
	return rows
}
