package uitest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"skillcert"
)

// js runs an expression in the page.
func (b *browser) js(expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](expr)); err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
}

// choose sets a select's value and fires its change event (as a user's choice does).
func (b *browser) choose(sel, value string) {
	b.t.Helper()
	v, _ := json.Marshal(value)
	s, _ := json.Marshal(sel)
	b.js(`(() => { const e = document.querySelector(` + string(s) + `); e.value = ` + string(v) +
		`; e.dispatchEvent(new Event('change', {bubbles: true})); })()`)
}

// fillApplication fills the application form for a 五级 standard 保安员 application in 呼和浩特市.
func fillApplication(b *browser, startedOn string) {
	b.choose("#f-region", "呼和浩特市")
	b.fill(map[string]string{"#f-employer": "呼和浩特市某局", "#f-occupation_started_on": startedOn})
	b.choose("#f-employer_type", "agency")
	b.choose("#f-occupation_code", "4-07-05-01")
	b.choose("#f-level", "5")
	b.choose("#f-education", "high_school")
}

// uploadAll uploads a file for every required document, straight to object storage from the browser,
// and waits for each verdict. The first document first gets an illegible file, whose refusal and reason
// must show, and is then uploaded again.
func uploadAll(t *testing.T, b *browser) {
	t.Helper()
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('li.doc')].filter(li => li.querySelector('.req')).map(li => li.id.slice(4))`))
	if err != nil || len(raw) == 0 {
		t.Fatalf("required documents: %v %v", raw, err)
	}
	for i, doc := range raw {
		file := scanFile(t)
		if doc == "photo" {
			file = photoFile(t)
		}
		if i == 0 {
			b.do(chromedp.SetUploadFiles(chromedp.CSS("#up-"+doc), []string{tinyFile(t)}))
			b.waitText("#doc-"+doc+" .upload-msg", "")
			waitClass(b, "#doc-"+doc+" .upload-msg.err")
			b.shot("upload-refused")
		}
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#up-"+doc), []string{file}))
		b.waitText("#doc-"+doc+" .badge", "已通过检查")
	}
}

// waitClass waits for an element to exist and be visible.
func waitClass(b *browser, sel string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.CSS(sel)))
}

// checkZoom zooms the review screen's viewer with its buttons and then with the keyboard.
func checkZoom(b *browser) {
	b.t.Helper()
	zoomed := func(level, transform string) {
		b.t.Helper()
		b.waitText("#zoom-level", level)
		b.waitJS(`document.querySelector('#viewer-box iframe').style.transform === '` + transform + `'`)
	}
	b.do(chromedp.Click(chromedp.CSS(`button[data-zoom=in]`)), chromedp.Click(chromedp.CSS(`button[data-zoom=in]`)))
	zoomed("150%", "scale(1.5)")
	b.waitJS(`(() => { const v = document.querySelector('#viewer-box'); return v.scrollWidth > v.clientWidth })()`)
	b.shot("review-zoomed")
	b.do(chromedp.Focus(chromedp.CSS("#viewer-box")), chromedp.KeyEvent("0"))
	zoomed("100%", "")
	b.do(chromedp.KeyEvent("-"))
	zoomed("75%", "scale(0.75)")
	b.do(chromedp.Click(chromedp.CSS(`button[data-zoom=reset]`)))
	zoomed("100%", "")
}

// review decides the application's open task as a staff user in their own browser: it claims the task
// from the inbox (or opens it when already assigned), looks at a document inline, sets the verdicts
// and the decision. badDoc, when set, is marked bad with a reason.
func review(t *testing.T, st *stack, vp viewport, login, appID, decision, badDoc string) (*browser, string) {
	t.Helper()
	b := newBrowser(t, st, vp)
	b.open("/staff/login")
	b.fill(map[string]string{"#f-login": login, "#f-password": demoPassword})
	b.do(chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("table")))
	b.open("/staff/?application_id=" + appID)
	b.shot("inbox")
	if ok, _ := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!!document.querySelector('td.actions form[action$="/claim"] button')`)); ok {
		b.do(chromedp.Click(chromedp.CSS(`td.actions form[action$="/claim"] button`)))
	} else {
		b.do(chromedp.Click(chromedp.CSS(`td.actions a.btn`)))
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("#h-decide")))
	b.do(chromedp.Click(chromedp.CSS(`#main ul.links a`)), chromedp.WaitVisible(chromedp.CSS("iframe.viewer")))
	// The viewer shows the document itself (same origin, inline): a PDF or an image.
	b.waitJS(`(() => { const d = document.querySelector('iframe.viewer').contentDocument;
		return !!d && d.readyState === 'complete' && !!d.querySelector('img, embed') })()`)
	b.shot("review")
	if badDoc != "" { // once is enough: the first review
		checkZoom(b)
	}
	page := strings.TrimPrefix(b.location(), st.baseURL)
	b.js(`document.querySelectorAll('input[type=radio][value=ok]').forEach(r => r.checked = true)`)
	if badDoc != "" {
		b.js(`document.querySelector('input[name="verdict.` + badDoc + `"][value=bad]').checked = true`)
		b.fill(map[string]string{`#r-` + badDoc: "材料不清晰，请重新扫描上传"})
	}
	b.js(`document.querySelector('input[name=decision][value=` + decision + `]').checked = true`)
	b.fill(map[string]string{"#f-reason": "材料齐全，符合申报条件"})
	b.js(`document.querySelector('#h-decide ~ form button[type=submit]').click()`)
	b.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	return b, page
}

// TestApplicantJourney drives one application from registration to a paid exam place using only
// browsers: self-check (failing, then passing), the pathway-dependent form, uploads to MinIO with a
// refused file and its re-upload, submit, a return for correction with the reviewer's reason per
// document, re-upload and resubmit, the two reviews, a stale task, payment on the dev pay page, and the
// PDFs. Then a second application is withdrawn.
func TestApplicantJourney(t *testing.T) {
	full(t)
	st := startStack(t)
	batch := st.newBatch(t)
	vp := phone
	b := newBrowser(t, st, vp)
	idNumber := registerInBrowser(t, b, "李申报")

	b.open("/apply?batch=" + batch)
	fillApplication(b, "2026-03-01")
	b.do(chromedp.Click(chromedp.CSS(`button[formaction="/apply/check"]`)), chromedp.WaitVisible(chromedp.CSS("#check-result")))
	b.waitText("#check-result", "不符合申报条件")
	b.shot("self-check-failing")
	if !strings.Contains(b.text("#e-occupation_started_on"), "年") {
		t.Fatalf("the failing rule is not shown at its field: %q", b.text("#e-occupation_started_on"))
	}
	b.choose("#f-pathway", "title")
	b.do(chromedp.WaitVisible(chromedp.CSS("#f-title\\.grade")))
	b.shot("pathway-title")
	b.choose("#f-pathway", "standard")
	b.do(chromedp.WaitVisible(chromedp.CSS("#f-previous_certificate\\.number")))
	b.fill(map[string]string{"#f-occupation_started_on": "2015-03-01"})
	b.do(chromedp.Click(chromedp.CSS(`button[formaction="/apply/check"]`)))
	b.waitText("#check-result", "符合申报条件")
	b.shot("self-check-passing")
	b.do(chromedp.Click(chromedp.CSS(`#apply-form button.primary`)), chromedp.WaitVisible(chromedp.CSS("#h-docs")))
	appID := b.location()[strings.LastIndex(b.location(), "/a/")+3:]
	appID, _, _ = strings.Cut(appID, "?")
	b.shot("application-draft")
	checkPage(b, true)

	b.do(chromedp.Click(chromedp.CSS("#submit-btn")), chromedp.WaitVisible(chromedp.CSS("#form-error")))
	b.shot("submit-incomplete")
	uploadAll(t, b)
	b.shot("checklist-complete")
	b.do(chromedp.Click(chromedp.CSS("#submit-btn")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.waitText(".summary .badge", "初审")

	city, taskPage := review(t, st, desktop, "city_hohhot", appID, "return", "photo")
	// The reviewer's page of that task is stale now: sending it again is a clear message, not an error page.
	city.open(taskPage)
	city.js(`document.querySelector('input[name=decision][value=approve]').checked = true`)
	city.js(`document.querySelector('#h-decide ~ form button[type=submit]').click()`)
	city.do(chromedp.WaitVisible(chromedp.CSS("#form-error")))
	city.waitText("#form-error", "已被他人处理")
	city.shot("stale-task")
	b.open("/a/" + appID)
	b.waitText(".summary .badge", "补正")
	b.waitText("#doc-photo", "材料不清晰")
	b.waitText(".summary", "补正截止")
	b.shot("correction")
	checkPage(b, true)
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#up-photo"), []string{photoFile(t)}))
	b.waitText("#doc-photo .badge", "已通过检查")
	b.do(chromedp.Click(chromedp.CSS("#submit-btn")), chromedp.WaitVisible(chromedp.CSS(".flash")))

	review(t, st, desktop, "city_hohhot", appID, "approve", "")
	// The admin assigns the 复审 task to 就促会复审员一, whose inbox then holds it as claimed.
	admin := staffLogin(t, st, desktop, "admin", adminPassword)
	admin.open("/staff/?application_id=" + appID)
	admin.js(`(() => { const s = document.querySelector('form.assign select');
		s.value = [...s.options].find(o => o.text.includes('就促会复审员一')).value; })()`)
	admin.js(`document.querySelector('form.assign button').click()`)
	admin.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	admin.waitText(".flash", "任务已指派")
	admin.waitText("table", "已领取")
	admin.shot("assigned")
	review(t, st, desktop, "provincial1", appID, "approve", "")

	b.open("/a/" + appID)
	b.waitText(".summary .badge", "缴费")
	b.shot("awaiting-payment")
	b.do(chromedp.Click(chromedp.CSS("#pay-btn")), chromedp.WaitVisible(chromedp.CSS("form button")))
	b.shot("pay-page")
	b.do(chromedp.Click(chromedp.CSS("form button")))
	b.waitText("body", "已模拟支付成功")
	b.open("/a/" + appID)
	b.waitText(".timeline", "缴费成功")
	b.shot("paid")
	// Notifications: the messages of the case, and the e-mail address they go to (a bad one refused at its field).
	b.open("/notifications")
	b.waitText("#messages", "退回补正")
	b.waitText("#messages", "缴费成功")
	b.fill(map[string]string{"#f-email": "not-an-address"})
	b.do(chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#e-email")))
	b.waitText("#e-email", "邮箱")
	b.fill(map[string]string{"#f-email": "li@example.com"})
	b.do(chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("notifications")

	adminViews(t, st, appID, batch, idNumber)
	for _, pdf := range []string{"form.pdf", "pledge.pdf"} {
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch('/a/`+appID+`/pdf/`+pdf+`').then(r => r.status + ' ' + r.headers.get('content-type'))`,
			chromedp.EvalAwaitPromise))
		if err != nil || got != "200 application/pdf" {
			t.Fatalf("%s: %q %v", pdf, got, err)
		}
	}

	examToCertificate(t, st, b, appID, batch)

	// A second application, withdrawn.
	b.open("/apply?batch=" + batch)
	fillApplication(b, "2015-03-01")
	b.choose("#f-level", "4")
	b.do(chromedp.Click(chromedp.CSS(`#apply-form button.primary`)), chromedp.WaitVisible(chromedp.CSS("#h-docs")))
	b.js(`window.confirm = () => true`)
	b.do(chromedp.Click(chromedp.CSS("#withdraw-btn")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.waitText(".summary .badge", "撤回")
	b.shot("withdrawn")
}

// adminViews opens the case as admin: search, the application page with its audit trail and the link to
// the Temporal Web UI, and the in-app history page, whose decoded payloads show the region in clear. None
// of these pages holds the applicant's full ID number.
func adminViews(t *testing.T, st *stack, appID, batch, idNumber string) {
	t.Helper()
	for _, vp := range []viewport{desktop, phone} {
		b := newBrowser(t, st, vp)
		b.open("/staff/login")
		b.fill(map[string]string{"#f-login": "admin", "#f-password": adminPassword})
		b.do(chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("table")))
		b.open("/staff/search?q=" + appID)
		b.waitText("table", "保安员")
		b.shot("search")
		noFullID(b, idNumber)
		b.do(chromedp.Click(chromedp.CSS(`table a[href^="/staff/applications/"]`)), chromedp.WaitVisible(chromedp.CSS("#history-link")))
		b.waitText(".timeline", "资格初审退回补正")
		b.shot("admin-application")
		checkPage(b, false)
		noFullID(b, idNumber)
		b.do(chromedp.Click(chromedp.CSS("#history-link")), chromedp.WaitVisible(chromedp.CSS(".history")))
		b.waitText(".history", "呼和浩特市")
		b.waitText(".history", "工作流启动")
		b.shot("history")
		noFullID(b, idNumber)
		b.open("/staff/stats")
		b.waitText("#annex2", "呼和浩特市")
		b.waitJS(`!!document.querySelector('#chart-region svg')`)
		b.shot("stats")
		if vp == desktop {
			b.open("/staff/batches")
			later := time.Now().In(skillcert.ChinaZone).Add(45 * 24 * time.Hour)
			b.fill(map[string]string{"#pc-" + batch: later.Format("2006-01-02T15:04")})
			b.js(`document.querySelector('#batch-` + batch + ` form button').click()`)
			b.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
			b.waitText(".flash", "已通知")
			b.waitText("#batch-"+batch, later.Format("2006-01-02 15:04"))
			b.shot("batches")
			// Users and roles: a city reviewer without a region is refused at the region field.
			b.open("/staff/users")
			b.fill(map[string]string{"#f-username": fmt.Sprintf("ui_city_%d", time.Now().UnixNano()%1e9), "#f-name": "测试初审员",
				"#f-password": "Staff2022pass"})
			b.choose("#f-role", "city_reviewer")
			b.do(chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#e-region")))
			b.choose("#f-role", "city_reviewer")
			b.choose("#f-region", "包头市")
			b.fill(map[string]string{"#f-password": "Staff2022pass"})
			b.do(chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
			b.waitText("#users", "测试初审员")
			b.shot("users")
		}
	}
	// Without a session the history is not shown at all.
	anon := newBrowser(t, st, desktop)
	anon.open("/staff/applications/" + appID + "/history")
	anon.waitText("h1", "工作人员登录")
}
