package gateway

import (
	"archive/zip"
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"skillcert"
)

// Finding 14: score files are read as streams under limits. A spreadsheet is a zip: these tests build
// the bombs and check that reading them costs bounded memory and ends in a clear refusal.

// zipBombWorkbook is a real workbook (header and one row) with one more part that inflates to size bytes
// of zeros; it is a few hundred KB.
func zipBombWorkbook(t testing.TB, part string, size int) []byte {
	t.Helper()
	book := scoresWorkbook(t, [][]any{{"00000000-0000-0000-0000-000000000000", "theory", 60}})
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create(part)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range size >> 20 {
		w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// manyRowsWorkbook is a workbook whose first sheet has n data rows, written straight as XML so that it
// is cheap to build; it stays under the unzip limit.
func manyRowsWorkbook(t testing.TB, n int) []byte {
	t.Helper()
	book := scoresWorkbook(t, nil)
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c><c r="C%d"><v>60</v></c></row>`, i, i, i)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, _ := zw.Create(f.Name)
			w.Write([]byte(sheet.String()))
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	return out.Bytes()
}

// allocatedBy returns the bytes fn allocated on the heap.
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestFinding14_SpreadsheetZipBomb(t *testing.T) {
	bomb := zipBombWorkbook(t, "xl/media/image1.bin", 64<<20) // 64 MiB of zeros
	if len(bomb) > 2<<20 {
		t.Fatalf("the bomb is %d bytes: it should fit the 8 MiB upload limit", len(bomb))
	}
	var err error
	n := allocatedBy(func() { _, err = xlsxRecords(bomb) })
	if skillcert.ErrorCode(err) != skillcert.ETOOLARGE || !strings.Contains(err.Error(), "解压后") {
		t.Fatalf("bomb: %v", err)
	}
	t.Logf("reading the bomb (%d bytes) allocated %d bytes", len(bomb), n)
	if n > 32<<20 {
		t.Fatalf("reading the bomb allocated %d bytes", n)
	}
	// The worksheet itself as the bomb: the same.
	if _, err := xlsxRecords(zipBombWorkbook(t, "xl/worksheets/sheet2.xml", 64<<20)); skillcert.ErrorCode(err) != skillcert.ETOOLARGE {
		t.Fatalf("worksheet bomb: %v", err)
	}
}

func TestFinding14_RowsAreStreamedAndStopAt5000(t *testing.T) {
	book := manyRowsWorkbook(t, 60_000) // about 5 MB of XML
	var records [][]string
	var err error
	n := allocatedBy(func() { records, err = xlsxRecords(book) })
	if err != nil || len(records) != maxImportRows+2 {
		t.Fatalf("read %d records, %v; want the reading to stop at %d", len(records), err, maxImportRows+2)
	}
	if rows := importRows(records); len(rows) <= maxImportRows {
		t.Fatalf("%d rows: the import would not refuse the file", len(rows))
	}
	t.Logf("reading a workbook of 60,000 rows (%d bytes) allocated %d bytes", len(book), n)
	if n > 64<<20 {
		t.Errorf("reading 60,000 rows allocated %d bytes", n)
	}

	// CSV: the same stop, and records of absurd shape are refused before parsing.
	csvRows := strings.Repeat("x,theory,60\n", 600_000) // 7.2 MB
	records, err = csvRecords([]byte(csvRows))
	if err != nil || len(records) != maxImportRows+2 {
		t.Fatalf("CSV: %d records, %v", len(records), err)
	}
	for name, data := range map[string]string{
		"a line of 7 MB of commas":        strings.Repeat(",", 7<<20),
		"a line of 100 KB":                strings.Repeat("x", 100<<10),
		"many fields across quoted lines": strings.Repeat("\"a\n\","+strings.Repeat(",", 10), 100),
		"blank records":                   strings.Repeat(",,\n", maxImportRecords+1),
	} {
		if _, err := csvRecords([]byte(data)); skillcert.ErrorCode(err) != skillcert.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Long cells are cut.
	rec, err := csvRecords([]byte(strings.Repeat("y", 50<<10) + "," + strings.Repeat("a,", 60) + "\n"))
	if err != nil || len(rec) != 1 || len(rec[0][0]) != maxImportCellBytes || len(rec[0]) != 62 {
		t.Fatalf("cut: %v", err)
	}
}

// The zip bomb through the API: 413, naming the file.
func TestFinding14_ZipBombImportIsRefused(t *testing.T) {
	g := startGateway(t)
	_, token := g.newStaff(t, roleProvincialReviewer, "")
	bomb := zipBombWorkbook(t, "xl/media/image1.bin", 64<<20)
	wantAPIError(t, errOf(uploadScores(t, g, token, "scores.xlsx", bomb)), 413, skillcert.ETOOLARGE, "file")
	wantAPIError(t, errOf(uploadScores(t, g, token, "many.xlsx", manyRowsWorkbook(t, 20_000))), 422, "invalid", "file")
	// A broken multipart body (found by FuzzImportMultipart): refused before any handler, never a 500.
	_, _, e := g.send(t, token, "POST", "/api/v1/scores/import", "0", "Content-Type", "multipart/form-data; boundary=0")
	wantStatusError(t, e, 400, skillcert.EMALFORMED, "")
}
