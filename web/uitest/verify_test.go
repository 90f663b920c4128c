package uitest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// verifyOnPhone looks certificate number up on the public page in pub (a phone), with the holder's name,
// and checks that the status shown contains wantStatus. With all, it also looks the number up without a
// name and with a wrong one, checks that the page never shows the holder's full name to someone who typed
// another, and that an unknown number is refused at its field.
func verifyOnPhone(t *testing.T, pub *browser, number, holder, wantStatus, shot string, all bool) {
	t.Helper()
	n := 0
	lookup := func(name string) {
		t.Helper()
		n++ // a new address each time: opening the address of the posted answer again would repeat the post
		pub.open(fmt.Sprintf("/verify?form=%d", n))
		pub.fill(map[string]string{"#f-number": number})
		if name != "" {
			pub.fill(map[string]string{"#f-name": name})
		}
		pub.do(chromedp.Click(chromedp.CSS(`form[action="/verify"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#cert")))
		pub.waitText("#cert-status", wantStatus)
	}
	lookup(holder)
	pub.waitText("#cert-name", "一致")
	if s := pub.text("#cert-name"); strings.Contains(s, "不一致") {
		t.Fatalf("the holder's own name is reported as not matching: %q", s)
	}
	pub.shot(shot)
	if !all {
		return
	}
	checkPage(pub, true)
	lookup("")
	if ok, _ := chromedp.Run(pub.ctx, chromedp.Evaluate[bool](`!document.querySelector('#cert-name')`)); !ok {
		t.Fatal("a name check is shown though no name was typed")
	}
	lookup("王不对")
	pub.waitText("#cert-name", "不一致")
	if leaked, _ := chromedp.Run(pub.ctx, chromedp.Evaluate[bool](`document.documentElement.innerHTML.includes('`+holder+`')`)); leaked {
		t.Fatalf("the page shows the holder's name %q to someone who typed another", holder)
	}
	pub.shot(shot + "-wrong-name")
	// An unknown number is refused at its field.
	pub.open("/verify?form=unknown")
	pub.fill(map[string]string{"#f-number": "NOPE-0000"})
	pub.do(chromedp.Click(chromedp.CSS(`form[action="/verify"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#e-number")))
	pub.waitText("#e-number", "未查询到")
}

// revokeInBrowser revokes the case's certificate as admin: a missing reason is refused at its field, then
// the reason typed is in the audit trail, and the public pages in pub show the certificate as revoked.
func revokeInBrowser(t *testing.T, st *stack, pub *browser, appID, number, holder string) {
	t.Helper()
	admin := staffLogin(t, st, desktop, "admin", adminPassword)
	admin.open("/staff/applications/" + appID)
	admin.js(`window.confirm = () => true`)
	admin.do(chromedp.Click(chromedp.CSS(`form[action$="/revoke"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#e-reason")))
	admin.waitText("#e-reason", "原因")
	admin.shot("revoke-no-reason")
	admin.js(`window.confirm = () => true`)
	admin.fill(map[string]string{"#f-reason": "经核查申报材料不实，依规撤销"})
	admin.do(chromedp.Click(chromedp.CSS(`form[action$="/revoke"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	admin.waitText(".flash", "证书已撤销")
	admin.waitText(".timeline", "经核查申报材料不实，依规撤销")
	admin.shot("revoked")
	// The page printed on the certificate (its QR code) shows it once the revocation is recorded; the form
	// then too.
	deadline := time.Now().Add(stepTimeout)
	for pub.open("/verify/" + number); !strings.Contains(pub.text("body"), "已撤销"); pub.open("/verify/" + number) {
		if time.Now().After(deadline) {
			pub.shot("failure")
			t.Fatalf("the verification page never showed the certificate as revoked: %q", pub.text("body"))
		}
		time.Sleep(300 * time.Millisecond)
	}
	verifyOnPhone(t, pub, number, holder, "已撤销", "verify-revoked", false)
}
