package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/pdfdoc"
	"skillcert/schema/db"
)

// maxCheckedNameRunes bounds the ?name= of a verification.
const maxCheckedNameRunes = 64

// issuer is the organisation that issues the certificates (内蒙古职业培训与就业促进会).
const issuer = pdfdoc.Issuer

// lookupCertificate finds a certificate by number; malformed and unknown numbers are both "not found".
func (a *app) lookupCertificate(c *fiber.Ctx) (certificateView, error) {
	number := strings.ToUpper(trimmed(c.Params("number")))
	if _, err := skillcert.ParseCertificateNumber(number); err != nil {
		return certificateView{}, skillcert.Errorf(skillcert.ENOTFOUND, "未查询到证书编号 %s", number)
	}
	row, err := a.q.GetCertificate(c.UserContext(), number)
	if errors.Is(err, pgx.ErrNoRows) {
		return certificateView{}, skillcert.Errorf(skillcert.ENOTFOUND, "未查询到证书编号 %s", number)
	}
	if err != nil {
		return certificateView{}, fmt.Errorf("read certificate: %w", err)
	}
	v := viewCertificate(row)
	if given, asked := checkedName(c); asked {
		holder, err := a.q.GetCertificateHolderName(c.UserContext(), row.Number)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return certificateView{}, fmt.Errorf("read certificate holder: %w", err)
		}
		matches := skillcert.SamePersonName(given, holder)
		v.NameMatches = &matches
	}
	return v, nil
}

// checkedName is the ?name= of a verification, and whether one was given.
func checkedName(c *fiber.Ctx) (string, bool) {
	raw := c.Context().QueryArgs().Peek("name")
	if raw == nil {
		return "", false
	}
	return trimmed(string(raw)), true
}

// checkNameParam refuses (422) a ?name= that is blank or too long, before any lookup.
func checkNameParam(c *fiber.Ctx) error {
	name, asked := checkedName(c)
	switch {
	case !asked:
		return nil
	case name == "":
		return fieldInvalid("name", "请填写要核对的持证人姓名")
	case utf8.RuneCountInString(name) > maxCheckedNameRunes:
		return fieldInvalid("name", fmt.Sprintf("姓名不能超过%d个字符", maxCheckedNameRunes))
	}
	return nil
}

func viewCertificate(row db.Certificate) certificateView {
	v := certificateView{Number: row.Number, Status: row.Status, NameMasked: row.NameMasked,
		OccupationCode: row.OccupationCode, OccupationName: row.OccupationName, Level: row.Level,
		LevelName: skillcert.Level(row.Level).Label(), Issuer: issuer, RevokedAt: row.RevokedAt}
	if row.IssuedOn.Valid {
		v.IssuedOn = row.IssuedOn.Time.Format(time.DateOnly)
	}
	return v
}

func (a *app) getCertificate(c *fiber.Ctx) error {
	if err := checkNameParam(c); err != nil {
		return err
	}
	v, err := a.lookupCertificate(c)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

var verifyPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>职业技能等级证书查询</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.5em;text-align:left}
th{width:35%;background:#f6f6f6}.valid{color:#0a7d28;font-weight:bold}.revoked{color:#b00020;font-weight:bold}</style>
</head><body><h1>职业技能等级证书查询</h1>
{{if .Found}}<table>
<tr><th>证书编号</th><td>{{.C.Number}}</td></tr>
<tr><th>状态</th><td class="{{.C.Status}}">{{if eq .C.Status "valid"}}有效{{else}}已撤销（证书无效）{{end}}</td></tr>
<tr><th>姓名</th><td>{{.C.NameMasked}}</td></tr>
<tr><th>职业（工种）</th><td>{{.C.OccupationName}}（{{.C.OccupationCode}}）</td></tr>
<tr><th>等级</th><td>{{.C.LevelName}}</td></tr>
<tr><th>发证日期</th><td>{{.C.IssuedOn}}</td></tr>
<tr><th>发证机构</th><td>{{.C.Issuer}}</td></tr>
{{if eq .NameCheck "match"}}<tr><th>姓名核对</th><td class="valid">与持证人姓名一致</td></tr>{{else if eq .NameCheck "mismatch"}}<tr><th>姓名核对</th><td class="revoked">与持证人姓名不一致</td></tr>{{end}}
</table>{{else}}<p class="revoked">未查询到证书编号「{{.Number}}」，请核对后重试。</p>{{end}}
</body></html>`))

// verifyHTML is the public verification page. Unknown numbers get a 404 page, not a JSON error.
func (a *app) verifyHTML(c *fiber.Ctx) error {
	if err := checkNameParam(c); err != nil {
		return err
	}
	v, err := a.lookupCertificate(c)
	found := err == nil
	if err != nil && skillcert.ErrorCode(err) != skillcert.ENOTFOUND {
		return err
	}
	// The name check as a word: a template's if is true for any non-nil *bool, so NameMatches is never
	// tested in the template itself.
	nameCheck := ""
	if v.NameMatches != nil {
		nameCheck = map[bool]string{true: "match", false: "mismatch"}[*v.NameMatches]
	}
	var buf bytes.Buffer
	if err := verifyPage.Execute(&buf, map[string]any{"Found": found, "C": v, "Number": c.Params("number"), "NameCheck": nameCheck}); err != nil {
		return fmt.Errorf("render verify page: %w", err)
	}
	status := http.StatusOK
	if !found {
		status = http.StatusNotFound
	}
	c.Set("Cache-Control", "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// verifyLimiter is the per-IP limit of certificate verification, shared by the JSON and the HTML route and
// much tighter than the general limit: verification is public, and must not serve to enumerate numbers or
// to test names against them.
func (a *app) verifyLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max: a.cfg.VerifyRateLimit, Expiration: time.Minute,
		// The browser's address, also for the web UI's in-process lookups (which would otherwise all share
		// the gateway's own address and one budget).
		KeyGenerator: a.clientIP,
		LimitReached: func(c *fiber.Ctx) error {
			return &skillcert.Error{Code: skillcert.ERATELIMIT, Message: "证书查询过于频繁，请一分钟后再试"}
		},
	})
}

// certificateRoutes are the public verification endpoints.
func (a *app) certificateRoutes() []route {
	limit := a.verifyLimiter()
	return []route{
		{Method: "GET", Path: "/api/v1/certificates/:number", Public: true, Handler: a.getCertificate, Before: limit,
			Tag: "certificates", Query: []string{"name"},
			Summary:  "Verify a certificate (masked name; revoked shown as revoked); ?name= adds name_matches. Rate-limited per IP (SKILLCERT_VERIFY_RATE_LIMIT)",
			Response: certificateView{}, Errors: []int{404, 422, 429}},
		{Method: "GET", Path: "/verify/:number", Public: true, Handler: a.verifyHTML, Before: limit, Tag: "certificates",
			Query: []string{"name"}, Summary: "Certificate verification page (?name= checks the holder's name)",
			ContentType: "text/html", Errors: []int{404, 422, 429}},
	}
}
