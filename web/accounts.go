package web

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"skillcert/api"
)

// loginAnswer is the API's answer to a login.
type loginAnswer = api.LoginResponse

// loginPage shows the applicant (or, with staff, the staff) login form.
func (u *ui) loginPage(staff bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := u.newPage(c, map[bool]string{false: "申报人登录", true: "工作人员登录"}[staff])
		p.Staff = staff
		p.Form["next"] = c.Query("next")
		return u.render(c, http.StatusOK, "login", p)
	}
}

// login signs in through the API and keeps its token in the session cookie.
func (u *ui) login(staff bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := u.newPage(c, map[bool]string{false: "申报人登录", true: "工作人员登录"}[staff])
		p.Staff = staff
		p.Form = formValues(c, "login", "next")
		var ans loginAnswer
		err := u.API.Call(c.UserContext(), "", http.MethodPost, "/api/v1/auth/login",
			map[string]string{"login": p.Form["login"], "password": c.FormValue("password")}, &ans)
		if err != nil {
			p.Error = asAPIError(err)
			if p.Error.Status == http.StatusUnauthorized {
				p.Error.Message = "账号或密码错误"
				p.Error.Fields = map[string]string{"password": "账号或密码错误"}
			}
			return u.render(c, p.Error.Status, "login", p)
		}
		u.startSession(c, ans.Token, ans.ExpiresAt)
		home := "/"
		if ans.Role != "applicant" {
			home = "/staff/"
		}
		return redirect(c, safeNext(p.Form["next"], home))
	}
}

// logout ends the session (the API revokes the token where it supports logout).
func (u *ui) logout(c *fiber.Ctx) error {
	m := u.loadMe(c)
	u.endSession(c)
	if m != nil && !m.Applicant() {
		return redirect(c, "/staff/login")
	}
	return redirect(c, "/login")
}

func (u *ui) registerPage(c *fiber.Ctx) error {
	return u.render(c, http.StatusOK, "register", u.newPage(c, "申报人注册"))
}

// register creates the applicant account through the API, then signs in with it.
func (u *ui) register(c *fiber.Ctx) error {
	p := u.newPage(c, "申报人注册")
	p.Form = formValues(c, "name", "id_number", "phone")
	body := map[string]string{"name": p.Form["name"], "id_number": p.Form["id_number"], "phone": p.Form["phone"],
		"password": c.FormValue("password")}
	if err := u.API.Call(c.UserContext(), "", http.MethodPost, "/api/v1/auth/register", body, nil); err != nil {
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "register", p)
	}
	var ans loginAnswer
	if err := u.API.Call(c.UserContext(), "", http.MethodPost, "/api/v1/auth/login",
		map[string]string{"login": p.Form["phone"], "password": c.FormValue("password")}, &ans); err != nil {
		return redirect(c, "/login")
	}
	u.startSession(c, ans.Token, ans.ExpiresAt)
	return redirect(c, "/")
}
