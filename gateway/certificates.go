package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/pdfdoc"
	"skillcert/schema/db"
)

// certificateView is the public verification of a certificate: no personal data beyond the masked name.
type certificateView struct {
	Number         string     `json:"number"`
	Status         string     `json:"status"` // "valid" or "revoked"
	NameMasked     string     `json:"name_masked"`
	OccupationCode string     `json:"occupation_code"`
	OccupationName string     `json:"occupation_name"`
	Level          int32      `json:"level"`
	LevelName      string     `json:"level_name"`
	IssuedOn       string     `json:"issued_on"`
	Issuer         string     `json:"issuer"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"`
}

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
	return viewCertificate(row), nil
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
</table>{{else}}<p class="revoked">未查询到证书编号「{{.Number}}」，请核对后重试。</p>{{end}}
</body></html>`))

// verifyHTML is the public verification page. Unknown numbers get a 404 page, not a JSON error.
func (a *app) verifyHTML(c *fiber.Ctx) error {
	v, err := a.lookupCertificate(c)
	found := err == nil
	if err != nil && skillcert.ErrorCode(err) != skillcert.ENOTFOUND {
		return err
	}
	var buf bytes.Buffer
	if err := verifyPage.Execute(&buf, map[string]any{"Found": found, "C": v, "Number": c.Params("number")}); err != nil {
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

// certificateRoutes are the public verification endpoints.
func (a *app) certificateRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/certificates/:number", Public: true, Handler: a.getCertificate,
			Tag: "certificates", Summary: "Verify a certificate (masked name; revoked shown as revoked)",
			Response: certificateView{}, Errors: []int{404}},
		{Method: "GET", Path: "/verify/:number", Public: true, Handler: a.verifyHTML, Tag: "certificates",
			Summary: "Certificate verification page", ContentType: "text/html", Errors: []int{404}},
	}
}
