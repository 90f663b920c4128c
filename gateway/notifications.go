package gateway

import (
	"fmt"
	"net/http"
	"net/mail"
	"strings"

	"github.com/gofiber/fiber/v2"

	"skillcert"
	"skillcert/schema/db"
)

func (a *app) listMyNotifications(c *fiber.Ctx) error {
	id := user(c).ID
	rows, err := a.q.ListNotificationsOfRecipient(c.UserContext(), &id)
	if err != nil {
		return fmt.Errorf("list notifications: %w", err)
	}
	out := make([]notificationView, len(rows))
	for i, r := range rows {
		out[i] = notificationView{ID: r.ID, Kind: r.Kind, Message: r.Message, CreatedAt: r.CreatedAt, SentAt: r.SentAt}
	}
	return c.JSON(out)
}

func (a *app) getNotificationSettings(c *fiber.Ctx) error {
	email, err := a.q.GetUserEmail(c.UserContext(), user(c).ID)
	if err != nil {
		return fmt.Errorf("read e-mail: %w", err)
	}
	return c.JSON(notificationSettings{Email: email})
}

// putNotificationSettings sets (or, with an empty value, clears) the e-mail address notifications go to.
func (a *app) putNotificationSettings(c *fiber.Ctx) error {
	var req notificationSettings
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var email *string
	if req.Email != nil && strings.TrimSpace(*req.Email) != "" {
		e := strings.TrimSpace(*req.Email)
		addr, err := mail.ParseAddress(e)
		if err != nil || addr.Address != e || len(e) > 254 {
			return skillcert.FieldError(skillcert.EINVALID, "email", "邮箱地址格式不正确")
		}
		email = &e
	}
	if _, err := a.q.SetUserEmail(c.UserContext(), db.SetUserEmailParams{Email: email, ID: user(c).ID}); err != nil {
		return fmt.Errorf("set e-mail: %w", err)
	}
	return c.Status(http.StatusOK).JSON(notificationSettings{Email: email})
}

// notificationRoutes are the signed-in user's notifications and where they are delivered.
func (a *app) notificationRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/notifications", Handler: a.listMyNotifications, Tag: "accounts",
			Summary: "My notifications (latest 50), with when each was delivered", Response: []notificationView{}},
		{Method: "GET", Path: "/api/v1/auth/me/notifications", Handler: a.getNotificationSettings, Tag: "accounts",
			Summary: "Where my notifications are delivered", Response: notificationSettings{}},
		{Method: "PUT", Path: "/api/v1/auth/me/notifications", Handler: a.putNotificationSettings, Tag: "accounts",
			Roles:   []string{roleApplicant, roleCityReviewer, roleProvincialReviewer, roleCommitteeMember, roleAdmin}, // supervisors only read
			Summary: "Set the e-mail address my notifications go to (empty clears it; then SMS)",
			Request: notificationSettings{}, Response: notificationSettings{}, Errors: []int{422}},
	}
}
