package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// verifyForm is the public certificate lookup: a number typed here opens /verify/{number}.
func (u *ui) verifyForm(c *fiber.Ctx) error {
	if n := strings.TrimSpace(c.Query("number")); n != "" {
		return c.Redirect("/verify/"+url.PathEscape(strings.ToUpper(n)), http.StatusSeeOther)
	}
	p := u.newPage(c, "职业技能等级证书查询")
	p.Me = nil
	return u.render(c, http.StatusOK, "verify", p)
}
