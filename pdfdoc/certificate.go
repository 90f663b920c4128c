package pdfdoc

import (
	"fmt"
	"strings"

	"github.com/signintech/gopdf"
)

// Certificate renders the 职业技能等级证书 on a landscape A4 page: number, holder, ID number, occupation,
// level, issue date and issuer, and a QR code of VerifyURL for public verification. A revoked certificate
// carries a large red 已撤销 mark and a line saying when and why, so a printout cannot pass as valid.
func (r *Renderer) Certificate(c CertificateData) ([]byte, error) {
	if strings.TrimSpace(c.Number) == "" {
		return nil, fmt.Errorf("certificate: number is empty")
	}
	d, err := r.newDoc(true)
	if err != nil {
		return nil, err
	}
	d.newPage()
	issuer := c.Issuer
	if issuer == "" {
		issuer = Issuer
	}

	// Double frame in dark red and gold.
	d.setColor(150, 30, 30)
	d.pdf.SetLineWidth(3)
	d.box(24, 24, d.width-48, d.height-48)
	d.setColor(190, 150, 60)
	d.pdf.SetLineWidth(1)
	d.box(34, 34, d.width-68, d.height-68)
	d.setColor(150, 30, 30)
	d.setSize(30)
	d.textAligned(0, 62, d.width, "职业技能等级证书", alignCenter)
	d.setSize(11)
	d.setColor(120, 90, 40)
	d.textAligned(0, 104, d.width, "Vocational Skill Level Certificate", alignCenter)
	d.black()

	// Photo on the left, the particulars in the middle, QR code on the right.
	d.photoBox(80, 150, 110, 150, c.Photo, "照片")
	fields := []struct{ name, text string }{
		{"证书编号", c.Number},
		{"姓　　名", c.Name},
		{"性　　别", c.Gender},
		{"证件号码", c.IDNumber},
		{"职业（工种）", c.OccupationName},
		{"职业编码", c.OccupationCode},
		{"职业技能等级", c.LevelName},
		{"发证日期", chineseDate(c.IssuedOn)},
	}
	y := 148.0
	for _, f := range fields {
		if f.text == "" {
			continue
		}
		d.setSize(12)
		d.setColor(90, 90, 90)
		d.text(225, y, f.name+"：")
		d.black()
		d.setSize(14)
		d.text(325, y-1, f.text)
		y += 31
	}
	d.qr(verifyContent(c), d.width-200, 150, 120)
	d.setSize(9)
	d.textAligned(d.width-210, 274, 140, "扫码核验证书真伪", alignCenter)

	d.setSize(14)
	d.textAligned(0, d.height-118, d.width-90, "发证机构："+issuer, alignRight)
	d.setSize(9)
	d.setColor(110, 110, 110)
	d.textAligned(0, d.height-62, d.width, "本证书可在 "+verifyContent(c)+" 查询核验", alignCenter)
	d.black()
	if c.Revoked {
		d.revokedMark(c)
	}
	return d.bytes()
}

// verifyContent is what the QR code carries: the verification URL, or the bare number without one.
func verifyContent(c CertificateData) string {
	if c.VerifyURL != "" {
		return c.VerifyURL
	}
	return c.Number
}

// revokedMark stamps a large, rotated, translucent red 已撤销 over the page and a banner with the date and
// reason.
func (d *doc) revokedMark(c CertificateData) {
	d.setColor(200, 0, 0)
	if t, err := gopdf.NewTransparency(0.55, ""); err == nil {
		d.fail(d.pdf.SetTransparency(t))
	}
	cx, cy := d.width/2, d.height/2+20
	d.pdf.Rotate(18, cx, cy)
	d.pdf.SetLineWidth(5)
	d.box(cx-190, cy-70, 380, 140)
	d.setSize(96)
	d.textAligned(cx-190, cy-52, 380, "已撤销", alignCenter)
	d.pdf.RotateReset()
	d.pdf.ClearTransparency()
	d.pdf.SetLineWidth(1)

	banner := "本证书已撤销，不再有效"
	if c.RevokedOn != "" {
		banner += "（撤销日期：" + chineseDate(c.RevokedOn) + "）"
	}
	if c.RevokeReason != "" {
		banner += "。撤销原因：" + c.RevokeReason
	}
	d.setSize(13)
	d.fitText(60, d.height-100, d.width-120, 30, banner, 13, 8, alignCenter)
	d.black()
}
