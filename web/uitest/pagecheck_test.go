package uitest

import (
	"strings"

	"github.com/chromedp/chromedp"
)

// maxApplicantPageBytes bounds what an applicant page transfers, compressed: the document and every
// asset it loads (the limit is 300 KB).
const maxApplicantPageBytes = 300 << 10

// noFullID fails when the page's markup holds the full ID number.
func noFullID(b *browser, idNumber string) {
	b.t.Helper()
	html, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		b.t.Fatal(err)
	}
	if strings.Contains(html, idNumber[:14]) { // the full number, or all of it but the last digits
		b.shot("failure")
		b.t.Fatalf("%s shows the applicant's full ID number", b.location())
	}
}

// pageWeight returns the bytes the page transferred (document and resources, as sent: compressed).
func pageWeight(b *browser) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`performance.getEntriesByType('navigation')
		.concat(performance.getEntriesByType('resource')).reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), 0)`))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// unhashedAssets lists the page's own scripts and stylesheets whose names carry no content hash (they
// could not be cached for long without going stale).
func unhashedAssets(b *browser) []string {
	b.t.Helper()
	list, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('script[src], link[rel=stylesheet]')]
		.map(e => e.getAttribute('src') || e.getAttribute('href'))
		.filter(u => !/^\/static\/.+\.[0-9a-f]{8,}\.(js|css)$/.test(u))`))
	if err != nil {
		b.t.Fatal(err)
	}
	return list
}

// lowContrast lists the visible text elements whose colour against their background is below WCAG AA
// (4.5:1, or 3:1 for large text), with the ratio found.
func lowContrast(b *browser) []string {
	b.t.Helper()
	list, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(() => {
		const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
		const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
			return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
		const bg = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
		const out = [];
		for (const e of document.body.querySelectorAll('*')) {
			const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
			if (!own || !e.getClientRects().length) continue;
			const st = getComputedStyle(e);
			if (st.visibility === 'hidden' || Number(st.opacity) === 0) continue;
			const l1 = lum(rgb(st.color)), l2 = lum(bg(e));
			const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
			const size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
			const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
			if (ratio < need) out.push(e.tagName + ' "' + e.textContent.trim().slice(0, 20) + '" ' + ratio.toFixed(2));
		}
		return out; })()`))
	if err != nil {
		b.t.Fatal(err)
	}
	return list
}

// checkPage checks the page basics every journey page should meet: hashed asset names and AA contrast;
// an applicant page also its weight.
func checkPage(b *browser, applicant bool) {
	b.t.Helper()
	if w := pageWeight(b); applicant && w > maxApplicantPageBytes {
		b.t.Errorf("%s transferred %d bytes, over the %d of an applicant page", b.location(), w, maxApplicantPageBytes)
	}
	if l := unhashedAssets(b); len(l) > 0 {
		b.t.Errorf("%s loads assets without a content hash in their names: %q", b.location(), l)
	}
	if l := lowContrast(b); len(l) > 0 {
		b.shot("failure")
		b.t.Errorf("%s has text below WCAG AA contrast: %q", b.location(), l)
	}
}
