package inspect_test

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"skillcert"
	"skillcert/inspect"
)

// BenchmarkInspectPDF1MiB measures the floor of a document inspection (what document complete waits
// for besides Temporal, Postgres and object storage) on a 1 MiB PDF: one page of text (1,500 words)
// and a 1 MiB image, as a scanned-and-typed summary would be. Sub-benchmarks: the whole
// inspect.Inspect, the text count alone (pdfinfo and pdftotext, each run in the sandbox), and the
// SHA-256 of the bytes.
//
//	go test -run '^$' -bench InspectPDF1MiB -benchtime 20x ./inspect/
func BenchmarkInspectPDF1MiB(b *testing.B) {
	pdf := onePageTextAndImagePDF(1500, 1<<20)
	rule := skillcert.DocRule{DocType: skillcert.DocTechnicalSummary, Kinds: []skillcert.FileKind{skillcert.KindPDF},
		MaxBytes: skillcert.MaxScanBytes, MinChars: 1000}
	b.Logf("PDF of %d bytes", len(pdf))
	b.Run("inspect", func(b *testing.B) {
		for b.Loop() {
			if res := inspect.Inspect(pdf, rule); !res.Accepted {
				b.Fatalf("refused: %s %s", res.Code, res.Reason)
			}
		}
	})
	b.Run("pdfinfo+pdftotext", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := inspect.CountPDFText(pdf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sha256", func(b *testing.B) {
		for b.Loop() {
			sha256.Sum256(pdf)
		}
	})
}

// onePageTextAndImagePDF is a valid one-page PDF with words words of Helvetica text and an uncompressed
// grey image of imageBytes random bytes.
func onePageTextAndImagePDF(words, imageBytes int) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 6 Tf 20 820 Td 8 TL\n")
	for i := 0; i < words; i += 15 {
		line := make([]string, 0, 15)
		for j := i; j < min(i+15, words); j++ {
			line = append(line, fmt.Sprintf("word%d", j))
		}
		fmt.Fprintf(&content, "(%s) '\n", strings.Join(line, " "))
	}
	content.WriteString("ET\nq 100 0 0 100 400 50 cm /Im1 Do Q\n")
	side := 1
	for side*side < imageBytes {
		side++
	}
	img := make([]byte, side*side)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img {
		img[i] = byte(r.Uint32())
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream",
			side, side, len(img), img),
	}
	return rawPDF(objects)
}
