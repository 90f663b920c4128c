package uitest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/internal/devstack"
)

// db connects to the stack's database, for faults a test injects (a failing write, an edited audit row).
func (st *stack) db(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), st.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// asSuperuser runs sql with the database's triggers off, as someone editing the tables by hand would.
func asSuperuser(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if err := devstack.ExecWithoutTriggers(context.Background(), pool, sql, args...); err != nil {
		t.Fatal(err)
	}
}

// TestAdminIncidentAndAudit: an applicant's withdrawal whose projection write fails for good (a broken
// constraint, injected as a trigger) shows a clear message and becomes an incident; the admin's
// incidents page refuses a decision without a reason at its fields, and after the cause is fixed the
// retry completes the withdrawal. The audit log page then verifies the hash chain, names the event an
// edit by hand changed, and is intact again once the edit is undone.
func TestAdminIncidentAndAudit(t *testing.T) {
	full(t)
	st := startStack(t)
	batch := st.newBatch(t)
	b := newBrowser(t, st, phone)
	registerInBrowser(t, b, "周异常")
	b.open("/apply?batch=" + batch)
	fillApplication(b, "2015-03-01")
	b.do(chromedp.Click(chromedp.CSS(`#apply-form button.primary`)), chromedp.WaitVisible(chromedp.CSS("#h-docs")))
	appID := b.location()[strings.LastIndex(b.location(), "/a/")+3:]
	appID, _, _ = strings.Cut(appID, "?")

	pool := st.db(t)
	ctx := context.Background()
	fn := "fail_withdraw_" + strings.ReplaceAll(appID, "-", "")
	if _, err := pool.Exec(ctx, `CREATE FUNCTION `+fn+`() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.application_id = '`+appID+`' AND NEW.action = 'withdraw' THEN
				RAISE EXCEPTION 'test: constraint broken' USING ERRCODE = '23514';
			END IF;
			RETURN NEW;
		END $$`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE TRIGGER `+fn+` BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION `+fn+`()`); err != nil {
		t.Fatal(err)
	}
	dropTrigger := func() {
		if _, err := pool.Exec(ctx, `DROP TRIGGER IF EXISTS `+fn+` ON audit_events`); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(dropTrigger)

	b.js(`window.confirm = () => true`)
	b.do(chromedp.Click(chromedp.CSS("#withdraw-btn")), chromedp.WaitVisible(chromedp.CSS("#form-error")))
	b.shot("withdraw-failed")

	admin := staffLogin(t, st, desktop, "admin", adminPassword)
	short := appID[:strings.IndexByte(appID, '-')]
	deadline := time.Now().Add(stepTimeout)
	for admin.open("/staff/incidents"); !strings.Contains(admin.text("#incidents"), short); admin.open("/staff/incidents") {
		if time.Now().After(deadline) {
			admin.shot("failure")
			t.Fatalf("no incident listed for %s: %q", appID, admin.text("#incidents"))
		}
		time.Sleep(300 * time.Millisecond)
	}
	card := `#incidents li:has(a[href="/staff/applications/` + appID + `"])`
	admin.do(chromedp.Click(chromedp.CSS(card+` button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(card+` [id^="e-reason-"]`)))
	admin.waitText(card+` [id^="e-reason-"]`, "原因")
	admin.waitText(card+` [id^="e-decision-"]`, "请选择处理方式")
	admin.shot("incident-refused")
	checkPage(admin, false)

	dropTrigger() // the cause is fixed
	admin.js(`document.querySelector('` + card + ` input[name=decision][value=retry]').checked = true`)
	admin.do(chromedp.SendKeys(chromedp.CSS(card+` input[name=reason]`), "约束已修复，重新写入"),
		chromedp.Click(chromedp.CSS(card+` button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	admin.waitText(".flash", "已重试")
	if strings.Contains(admin.text("#incidents"), short) {
		t.Fatalf("the resolved incident is still listed: %q", admin.text("#incidents"))
	}
	admin.shot("incidents")
	b.open("/a/" + appID)
	b.waitText(".summary .badge", "撤回")

	// The audit log and its verification.
	admin.open("/staff/audit")
	admin.waitText("#audit", "撤回申报")
	admin.do(chromedp.Click(chromedp.CSS("#verify-btn")), chromedp.WaitVisible(chromedp.CSS("#verify-result")))
	admin.waitText("#verify-result", "审计链完整")
	admin.shot("audit")
	var victim int64
	var reason *string
	if err := pool.QueryRow(ctx, `SELECT chain_seq, reason FROM audit_events ORDER BY chain_seq DESC OFFSET 2 LIMIT 1`).Scan(&victim, &reason); err != nil {
		t.Fatal(err)
	}
	asSuperuser(t, pool, `UPDATE audit_events SET reason = 'edited by hand' WHERE chain_seq = $1`, victim)
	restored := false
	restore := func() {
		if !restored {
			asSuperuser(t, pool, `UPDATE audit_events SET reason = $2 WHERE chain_seq = $1`, victim, reason)
			restored = true
		}
	}
	t.Cleanup(restore)
	admin.open("/staff/audit?verify=1")
	admin.waitText("#verify-result", "审计链已被改动")
	if s := admin.text("#verify-result"); !strings.Contains(s, fmt.Sprintf("第 %d 条", victim)) {
		t.Fatalf("the verification does not name event %d: %q", victim, s)
	}
	admin.shot("audit-tampered")
	checkPage(admin, false)
	restore()
	admin.open("/staff/audit?verify=1")
	admin.waitText("#verify-result", "审计链完整")

	// A reviewer has no audit log.
	prov := staffLogin(t, st, desktop, "provincial1", demoPassword)
	prov.open("/staff/audit?verify=1")
	prov.waitText("#form-error", "无权")
}
