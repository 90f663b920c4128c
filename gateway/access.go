package gateway

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// principal is the signed-in user of a request.
type principal struct {
	ID       string
	Role     skillcert.Role
	Region   string // "" for roles without one (and supervisors of all regions)
	Employer string
	Name     string

	TokenID      string    // the token of the request (logout revokes it)
	TokenExpires time.Time // when that token expires
}

// actor is the principal as the workflow records it.
func (p *principal) actor() workflows.Actor {
	return workflows.Actor{UserID: p.ID, Role: p.Role, Region: p.Region, Employer: p.Employer}
}

// has reports whether the principal has one of roles.
func (p *principal) has(roles ...skillcert.Role) bool { return slices.Contains(roles, p.Role) }

const localsUser = "skillcert.user"

// user returns the principal of the request, or nil for anonymous requests.
func user(c *fiber.Ctx) *principal {
	p, _ := c.Locals(localsUser).(*principal)
	return p
}

// authenticate reads the bearer token (if any) and enforces the route's roles: 401 without a valid token
// on a non-public route, 403 when the role is not admitted. It is the one place where roles are checked.
func (a *app) authenticate(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := a.principalOf(c, r.CookieAuth)
		if err != nil && !(r.Public && skillcert.ErrorCode(err) == skillcert.EUNAUTHORIZED) {
			return err // public routes ignore a bad token, but not an unreachable database
		}
		if p != nil {
			c.Locals(localsUser, p)
		}
		if r.Public {
			return c.Next()
		}
		if p == nil {
			return errUnauthorized("请先登录")
		}
		if len(r.Roles) > 0 && !p.has(r.Roles...) {
			return errForbidden("当前角色（%s）无权执行此操作", p.Role.Label())
		}
		return c.Next()
	}
}

// principalOf verifies the Authorization header (or, for routes that allow it, the named cookie) and loads
// the current account; nil when neither is present.
func (a *app) principalOf(c *fiber.Ctx, cookie string) (*principal, error) {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" && cookie != "" && c.Cookies(cookie) != "" {
		h = "Bearer " + c.Cookies(cookie)
	}
	if h == "" {
		return nil, nil
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		token, ok = strings.CutPrefix(h, "bearer ")
	}
	if !ok {
		return nil, errUnauthorized("Authorization 头应为 Bearer <token>")
	}
	cl, err := a.tokens.verify(strings.TrimSpace(token), a.now())
	if err != nil || (cl.Audience != audienceAPI && !(cl.Audience == audienceCodec && cookie == codecCookie)) {
		return nil, errUnauthorized("登录已失效，请重新登录")
	}
	s, err := a.q.GetSessionUser(c.UserContext(), db.GetSessionUserParams{UserID: cl.Subject, Jti: cl.ID})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errUnauthorized("登录已失效，请重新登录")
	}
	if err != nil {
		return nil, err // an unreachable database is a 503, never a 401
	}
	u := s.User
	if u.Disabled || u.Role != cl.Role || s.Revoked || s.TokenVersion != cl.Version {
		return nil, errUnauthorized("登录已失效，请重新登录")
	}
	p := principalFromUser(u)
	p.TokenID, p.TokenExpires = cl.ID, time.Unix(cl.ExpiresAt, 0)
	return p, nil
}

func principalFromUser(u db.User) *principal {
	return &principal{ID: u.ID, Role: skillcert.Role(u.Role), Region: deref(u.Region), Employer: deref(u.Employer), Name: u.Name}
}

// canSeeApplication decides whether p may read the application: applicants their own; city reviewers and
// regional supervisors their region; provincial reviewers, admins and supervisors of all regions every
// one; committee members those with an open comprehensive review they may act on. Callers answer 404 when it is false, so
// that no one learns which IDs exist.
func (a *app) canSeeApplication(c *fiber.Ctx, p *principal, app db.Application) (bool, error) {
	switch p.Role {
	case skillcert.RoleApplicant:
		return app.ApplicantID == p.ID, nil
	case skillcert.RoleCityReviewer:
		return app.Region == p.Region, nil
	case skillcert.RoleSupervisor:
		return p.Region == "" || app.Region == p.Region, nil
	case skillcert.RoleProvincialReviewer, skillcert.RoleAdmin:
		return true, nil
	case skillcert.RoleCommitteeMember:
		return a.committeeMayRead(c, p, app) // committee_access.go
	}
	return false, nil
}

// loadApplication reads the application named by the :id parameter and checks that the caller may see it
// (404 otherwise, also for malformed IDs).
func (a *app) loadApplication(c *fiber.Ctx) (db.Application, error) {
	id := c.Params("id")
	if !validUUID(id) {
		return db.Application{}, errNotFound("申报")
	}
	row, err := a.q.GetApplication(c.UserContext(), id)
	if errors.Is(err, pgx.ErrNoRows) {
		return db.Application{}, errNotFound("申报")
	}
	if err != nil {
		return db.Application{}, err
	}
	ok, err := a.canSeeApplication(c, user(c), row)
	if err != nil {
		return db.Application{}, err
	}
	if !ok {
		return db.Application{}, errNotFound("申报")
	}
	return row, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// texts converts vocabulary values (roles, statuses) to the text parameters of a query; nil stays nil
// (a query reads a NULL array as "all").
func texts[T ~string](v []T) []string {
	if v == nil {
		return nil
	}
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = string(s)
	}
	return out
}
