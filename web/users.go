package web

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"skillcert/api"
)

// staffUser is an account of GET /api/v1/admin/users.
type staffUser = api.StaffUser

var userFields = []string{"username", "name", "role", "region", "employer"}

func (u *ui) usersPage(c *fiber.Ctx) error {
	return u.showUsers(c, u.newPage(c, "用户与角色"), http.StatusOK)
}

func (u *ui) showUsers(c *fiber.Ctx, p page, status int) error {
	p.Staff = true
	var users []staffUser
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/users", nil, &users); err != nil && p.Error == nil {
		p.Error = asAPIError(err)
	}
	var regions []string
	_ = u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/regions", nil, &regions)
	p.Data = map[string]any{"Users": users, "Regions": regions}
	return u.render(c, status, "users", p)
}

// createUser creates a staff account through the API.
func (u *ui) createUser(c *fiber.Ctx) error {
	p := u.newPage(c, "用户与角色")
	p.Form = formValues(c, userFields...)
	body := map[string]string{"password": c.FormValue("password")}
	for _, f := range userFields {
		body[f] = p.Form[f]
	}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/admin/users", body, nil); err != nil {
		p.Error = asAPIError(err)
		return u.showUsers(c, p, p.Error.Status)
	}
	p.Flash = "账号 " + p.Form["username"] + " 已创建。"
	p.Form = map[string]string{}
	return u.showUsers(c, p, http.StatusCreated)
}
