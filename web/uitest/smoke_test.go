package uitest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// registerInBrowser registers a new applicant through the form and returns the ID number; it first
// submits a wrong ID number and checks that the error is shown next to that field.
func registerInBrowser(t *testing.T, b *browser, name string) string {
	t.Helper()
	phone := newPhone()
	b.open("/register")
	b.shot("register")
	b.fill(map[string]string{"#f-name": name, "#f-id_number": badIDNumber(), "#f-phone": phone, "#f-password": applicantPasswd})
	b.do(chromedp.Click(chromedp.CSS(`form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#e-id_number")))
	if msg := b.text("#e-id_number"); !strings.Contains(msg, "身份证") && !strings.Contains(msg, "校验") {
		t.Fatalf("the ID number's error is %q", msg)
	}
	if inv, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS("#f-id_number"), "aria-invalid")); err != nil || inv.Value != "true" {
		t.Fatalf("the ID number input is not marked invalid: %+v %v", inv, err)
	}
	b.shot("register-error")
	id := newIDNumber()
	b.fill(map[string]string{"#f-id_number": id, "#f-password": applicantPasswd})
	b.do(chromedp.Click(chromedp.CSS(`form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#h-mine")))
	return id
}

// TestSmokeApplicantPortal registers in the browser (with an inline ID error first), lands on the portal
// with the open batches, and checks the page basics: lang, CSP with a nonce, no inline script without it.
func TestSmokeApplicantPortal(t *testing.T) {
	st := startStack(t)
	for _, vp := range []viewport{phone, desktop} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowser(t, st, vp)
			registerInBrowser(t, b, "张测试")
			b.waitText("#main", "申报批次")
			b.shot("home")
			b.open("/")
			fcp, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](
				`(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: -1}).startTime`))
			t.Logf("portal home at %s: first contentful paint %.0f ms (err %v), %d bytes transferred", vp.name, fcp, err, pageWeight(b))
			checkPage(b, true)
			lang, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.documentElement.lang"))
			if err != nil || lang != "zh-CN" {
				t.Fatalf("lang %q %v", lang, err)
			}
			htmx, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("typeof window.htmx === 'object'"))
			if err != nil || !htmx {
				t.Fatalf("htmx did not load under the CSP: %v", err)
			}
			// The session cookie is out of the page's reach, and a form post without the CSRF token is refused.
			cookies, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.cookie"))
			if err != nil || strings.Contains(cookies, "skillcert_session") || strings.Contains(cookies, "skillcert_csrf") {
				t.Fatalf("cookies readable by scripts: %q %v", cookies, err)
			}
			forged, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch('/a/00000000-0000-0000-0000-000000000000/withdraw',
				{method: 'POST', body: new URLSearchParams({_csrf: 'forged'})}).then(async r => r.status + ' ' + await r.text())`,
				chromedp.EvalAwaitPromise))
			if err != nil || !strings.HasPrefix(forged, "403") || !strings.Contains(forged, "CSRF") {
				t.Fatalf("a post with a forged CSRF token got %.80q %v", forged, err)
			}
			b.open("/verify")
			b.shot("verify-form")
			checkPage(b, true)
		})
	}
}
