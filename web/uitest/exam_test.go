package uitest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"skillcert"
)

// staffLogin opens a browser signed in as a demo staff account.
func staffLogin(t *testing.T, st *stack, vp viewport, login, password string) *browser {
	t.Helper()
	b := newBrowser(t, st, vp)
	b.open("/staff/login")
	b.fill(map[string]string{"#f-login": login, "#f-password": password})
	b.do(chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("table")))
	return b
}

// enterScore enters one operator's score for a component and checks the outcome message.
func enterScore(t *testing.T, b *browser, appID, component, score, want string) {
	t.Helper()
	b.open("/staff/scores?application_id=" + appID)
	b.choose("#f-component", component)
	b.fill(map[string]string{"#f-score": score})
	b.do(chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.waitText(".flash", want)
	if v := b.text("#f-score"); v != "" {
		t.Fatalf("the score field keeps a value after entry: %q", v)
	}
}

// examToCertificate takes the paid application through the exam with browsers only: the provincial
// reviewer creates a session and seats it, the applicant gets the admission ticket, the city reviewer
// records attendance, two operators per component enter the scores blind, and the applicant ends
// certified with a certificate that the public page verifies.
func examToCertificate(t *testing.T, st *stack, b *browser, appID, batch string) {
	t.Helper()
	prov := staffLogin(t, st, desktop, "provincial1", demoPassword)
	prov.open("/staff/exams")
	venue := fmt.Sprintf("呼和浩特市职业技能鉴定中心 %d", rand.IntN(1_000_000))
	prov.choose("#f-batch_id", batch)
	prov.choose("#f-region", "呼和浩特市")
	prov.choose("#f-occupation_code", "4-07-05-01")
	prov.choose("#f-level", "5")
	starts := time.Now().In(skillcert.ChinaZone).Add(48 * 24 * time.Hour).Format("2006-01-02T15:04")
	prov.fill(map[string]string{"#f-starts_at": starts, "#f-venue": venue, "#f-capacity": "30"})
	prov.do(chromedp.Click(chromedp.CSS(`form.card button.primary`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	sid, err := chromedp.Run(prov.ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll('#sessions li')].find(li => li.textContent.includes('`+venue+`')).id.slice(8)`))
	if err != nil || sid == "" {
		t.Fatalf("new session not listed: %v", err)
	}
	// The API takes only exams to come; this one is moved 30 days into the past before seating, so that
	// its skill-score deadline (10 working days after the exam, set by the workflow when scoring starts)
	// has passed once the case is in scoring, and the workflow escalates it.
	if _, err := st.db(t).Exec(context.Background(), `UPDATE exam_sessions SET starts_at = now() - interval '30 days' WHERE id = $1`, sid); err != nil {
		t.Fatal(err)
	}
	prov.js(`document.querySelector('#session-` + sid + ` form[action$="/assign"] button').click()`)
	prov.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	prov.waitText(".flash", "已安排 1 人")
	prov.shot("exams")

	// A score file with bad rows: nothing is applied and each row's error is listed.
	csv := filepath.Join(t.TempDir(), "scores.csv")
	if err := os.WriteFile(csv, []byte("application_id,component,score\nnot-an-id,theory,85\n"+appID+",theory,101\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	prov.open("/staff/import")
	prov.do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{csv}))
	prov.do(chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#import-rows")))
	prov.waitText("#import-rows", "not-an-id")
	prov.waitText("#import-rows", appID)
	if n, _ := chromedp.Run(prov.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#import-rows ul.err').length`)); n != 2 {
		prov.shot("failure")
		t.Fatalf("%d rows with errors, want 2", n)
	}
	prov.shot("import-errors")

	b.open("/a/" + appID)
	b.waitText(".summary", venue)
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch('/a/`+appID+`/pdf/admission-ticket.pdf').then(r => r.status + ' ' + r.headers.get('content-type'))`,
		chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/pdf" {
		t.Fatalf("admission ticket: %q %v", got, err)
	}
	b.shot("exam-scheduled")

	city := staffLogin(t, st, desktop, "city_hohhot", demoPassword)
	city.open("/staff/exams")
	city.fill(map[string]string{"#att-" + sid: appID})
	city.js(`document.querySelector('#session-` + sid + ` form.attendance button').click()`)
	city.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	city.waitText(".flash", "出勤已登记")

	// The case now waits for skill scores past their due date: the workflow escalates it, and the
	// escalation list shows it overdue and escalated, first.
	row := `#late tbody tr:has(a[href="/staff/applications/` + appID + `"])`
	deadline := time.Now().Add(stepTimeout)
	for prov.open("/staff/late"); !strings.Contains(prov.text(row), "已上报"); prov.open("/staff/late") {
		if time.Now().After(deadline) {
			prov.shot("failure")
			t.Fatalf("the overdue case is never shown escalated: %q", prov.text("#late"))
		}
		time.Sleep(300 * time.Millisecond)
	}
	prov.shot("late")

	prov2 := staffLogin(t, st, desktop, "provincial2", demoPassword)
	city2 := staffLogin(t, st, desktop, "city2_hohhot", demoPassword)
	enterScore(t, prov, appID, "theory", "85", "待另一名操作员")
	prov.shot("score-first")
	enterScore(t, prov2, appID, "theory", "85", "一致")
	enterScore(t, city, appID, "skill", "78", "待另一名操作员")
	enterScore(t, city2, appID, "skill", "78", "一致")

	b.open("/a/" + appID)
	b.waitText(".summary", "证书编号")
	b.shot("certified")
	number := b.text(".summary dd a[href^='/verify/']")
	got, err = chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch('/a/`+appID+`/pdf/certificate.pdf').then(r => r.status + ' ' + r.headers.get('content-type'))`,
		chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/pdf" {
		t.Fatalf("certificate: %q %v", got, err)
	}
	pub := newBrowser(t, st, phone)
	verifyOnPhone(t, pub, number, "李申报", "证书有效", "verify", true)
	revokeInBrowser(t, st, pub, appID, number, "李申报")
}
