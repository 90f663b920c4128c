package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// notification is one message of GET /api/v1/notifications.
type notification struct {
	Kind      string     `json:"kind"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// notificationsData is the notifications page: the messages and where they are delivered.
type notificationsData struct {
	Items []notification
}

func (u *ui) notificationsPage(c *fiber.Ctx) error {
	return u.showNotifications(c, u.newPage(c, "消息通知"), http.StatusOK)
}

func (u *ui) showNotifications(c *fiber.Ctx, p page, status int) error {
	var d notificationsData
	ctx, tok := c.UserContext(), token(c)
	if err := u.API.Call(ctx, tok, http.MethodGet, "/api/v1/notifications", nil, &d.Items); err != nil && p.Error == nil {
		p.Error = asAPIError(err)
	}
	if _, set := p.Form["email"]; !set {
		var s struct {
			Email *string `json:"email"`
		}
		if err := u.API.Call(ctx, tok, http.MethodGet, "/api/v1/auth/me/notifications", nil, &s); err == nil {
			p.Form["email"] = derefString(s.Email)
		}
	}
	p.Staff = p.Me != nil && !p.Me.Applicant()
	p.Data = d
	return u.render(c, status, "notifications", p)
}

// setEmail saves the e-mail address notifications are delivered to.
func (u *ui) setEmail(c *fiber.Ctx) error {
	p := u.newPage(c, "消息通知")
	p.Form["email"] = strings.TrimSpace(c.FormValue("email"))
	email := p.Form["email"]
	err := u.API.Call(c.UserContext(), token(c), http.MethodPut, "/api/v1/auth/me/notifications", map[string]*string{"email": &email}, nil)
	if err != nil {
		p.Error = asAPIError(err)
		return u.showNotifications(c, p, p.Error.Status)
	}
	p.Flash = "已保存。提醒将发送到该邮箱。"
	if email == "" {
		p.Flash = "已清除邮箱，提醒将以短信发送。"
	}
	return u.showNotifications(c, p, http.StatusOK)
}

// requireSignedIn lets any signed-in user through.
func (u *ui) requireSignedIn(c *fiber.Ctx) error {
	if u.loadMe(c) == nil {
		return redirect(c, "/login")
	}
	return c.Next()
}
