package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// The idle phase: a few whole lifecycles one at a time on a stack doing nothing else, so every human
// action's latency is its own cost, not a queue behind other work. Their scanned documents are 1 MiB PDFs,
// so document complete includes reading back and inspecting a realistic scan.

// bigPDFSize is the size of the scanned documents of the idle phase.
const bigPDFSize = 1 << 20

// idleLifecycles drives plans one after the other with d, recording under rec, and returns how many failed.
func idleLifecycles(ctx context.Context, d *driver, rec *recorder, plans []plan) (int, error) {
	pdf, err := paddedPDF(bigPDFSize)
	if err != nil {
		return 0, err
	}
	idle := *d
	idle.api = &apiClient{api: d.api.api, rec: rec, errors: d.api.errors}
	idle.files.scan = pdf
	s := d.seats // its own sessions, so the idle seat assignments are timed under rec too
	idle.seats = newSeating(idle.api, s.provincial, s.batchID, s.examAt)
	failed := 0
	for _, p := range plans {
		if _, err := idle.lifecycle(ctx, p); err != nil {
			failed++
		}
	}
	return failed, ctx.Err()
}

// paddedPDF writes a one-page PDF with a line of text and an unused binary stream that brings the file to
// size bytes: a valid PDF (correct cross-reference table) of the size of a scanned page.
func paddedPDF(size int) ([]byte, error) {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
	text := "BT /F1 14 Tf 72 770 Td (Scanned document, load test) Tj ET"
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	const trailerRoom = 400 // the padding object's wrapper, the cross-reference table and the trailer
	pad := size - b.Len() - trailerRoom
	if pad < 0 {
		return nil, fmt.Errorf("padded PDF: %d bytes is too small", size)
	}
	raw := make([]byte, pad/2)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	// Hex-encoded, so the file stays free of bytes that look like keywords.
	obj(fmt.Sprintf("<< /Length %d /Filter /ASCIIHexDecode >>\nstream\n%s\nendstream", len(raw)*2+1, hex.EncodeToString(raw)+">"))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes(), nil
}
