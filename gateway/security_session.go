package gateway

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/schema/db"
)

// Sessions: password checks (throttled, within a hashing slot), token issue, logout and password change.
// A token is refused once its ID is on the deny list (logout) or its user's token version moved past the
// one it carries (password change); both live in Postgres, so every gateway refuses it at once.

// checkLogin verifies login and password for the client at ip and returns the account. Throttled
// attempts get 429 with Retry-After, wrong credentials 401, a busy server 503.
func (a *app) checkLogin(c *fiber.Ctx, login, password string) (db.User, error) {
	ctx, ip, now := c.UserContext(), a.clientIP(c), a.now()
	blocked, wait, err := a.logins.blocked(ctx, login, ip, now)
	if err != nil {
		return db.User{}, err
	}
	if blocked {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return db.User{}, &skillcert.Error{Code: skillcert.ERATELIMIT, Message: "登录失败次数过多，请稍后再试"}
	}
	u, err := a.q.GetUserByLogin(ctx, login)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return db.User{}, fmt.Errorf("load account: %w", err)
	}
	found := err == nil
	hash := dummyHash
	if found {
		hash = u.PasswordHash
	}
	ok, err := a.hashing.checkPassword(ctx, hash, password)
	if err != nil {
		return db.User{}, err
	}
	if !ok || !found || u.Disabled {
		if err := a.logins.fail(detached(c), login, ip, now); err != nil {
			return db.User{}, err
		}
		return db.User{}, errUnauthorized("账号或密码错误")
	}
	if err := a.logins.succeed(detached(c), login, ip); err != nil {
		return db.User{}, err
	}
	a.upgradeHash(c, u, password)
	return u, nil
}

// upgradeHash replaces a stored hash made with older argon2id parameters by one with the current ones,
// after a successful login (the only time the password is known). It changes no token; a failure is
// logged and left for the next login.
func (a *app) upgradeHash(c *fiber.Ctx, u db.User, password string) {
	if _, current := argonParams(u.PasswordHash); current {
		return
	}
	hash, err := a.hashing.hashPassword(c.UserContext(), password)
	if err == nil {
		err = a.q.UpgradePasswordHash(detached(c), db.UpgradePasswordHashParams{UserID: u.ID, Old: u.PasswordHash, New: hash})
	}
	if err != nil {
		a.log.Warn("upgrade password hash", "user_id", u.ID, "error", err.Error())
	}
}

// issueToken returns a token for u valid for audience, at the user's current token version.
func (a *app) issueToken(c *fiber.Ctx, u db.User, audience string) (string, time.Time, error) {
	version, err := a.q.GetTokenVersion(c.UserContext(), u.ID)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("read token version: %w", err)
	}
	return a.tokens.issue(u.ID, u.Role, version, audience, a.now())
}

// logout revokes the token of the request (204); the same token is refused (401) from then on.
func (a *app) logout(c *fiber.Ctx) error {
	p := user(c)
	if err := a.q.RevokeToken(c.UserContext(), db.RevokeTokenParams{Jti: p.TokenID, ExpiresAt: p.TokenExpires}); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return c.SendStatus(http.StatusNoContent)
}

// changePassword sets a new password after checking the current one, and revokes every token of the user
// (this one too): 204, then sign in again.
func (a *app) changePassword(c *fiber.Ctx) error {
	var req changePasswordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	if req.CurrentPassword == "" {
		f.add("current_password", "请填写当前密码")
	}
	if err := skillcert.CheckPassword(req.NewPassword); err != nil {
		f.add("new_password", messageOf(err))
	}
	if err := f.err(); err != nil {
		return err
	}
	ctx, ip, now := c.UserContext(), a.clientIP(c), a.now()
	u, err := a.q.GetUserByID(ctx, user(c).ID)
	if err != nil {
		return fmt.Errorf("load account: %w", err)
	}
	// Guesses of the current password (with a stolen token) are throttled like logins.
	throttleAs := "user-id:" + u.ID
	blocked, wait, err := a.logins.blocked(ctx, throttleAs, ip, now)
	if err != nil {
		return err
	}
	if blocked {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return &skillcert.Error{Code: skillcert.ERATELIMIT, Message: "密码错误次数过多，请稍后再试"}
	}
	ok, err := a.hashing.checkPassword(ctx, u.PasswordHash, req.CurrentPassword)
	if err != nil {
		return err
	}
	if !ok {
		if err := a.logins.fail(detached(c), throttleAs, ip, now); err != nil {
			return err
		}
		return fieldInvalid("current_password", "当前密码不正确")
	}
	hash, err := a.hashing.hashPassword(ctx, req.NewPassword)
	if err != nil {
		return err
	}
	if _, err := a.q.SetPasswordRevokingTokens(ctx, db.SetPasswordRevokingTokensParams{UserID: u.ID, PasswordHash: hash}); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return c.SendStatus(http.StatusNoContent)
}

// messageOf is the message of a *skillcert.Error, or the error's text.
func messageOf(err error) string {
	var se *skillcert.Error
	if errors.As(err, &se) {
		return se.Message
	}
	return err.Error()
}

// sessionRoutes are logout and password change.
func (a *app) sessionRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/auth/logout", Handler: a.logout, Tag: "accounts", Status: 204,
			Summary: "Log out: the token of this request is refused (401) from now on"},
		{Method: "POST", Path: "/api/v1/auth/password", Handler: a.changePassword, Tag: "accounts", Status: 204,
			Summary: "Change the password (current_password, new_password); every token of the user is revoked",
			Request: changePasswordRequest{}, Errors: []int{422, 429}, AuthLimited: true},
	}
}
