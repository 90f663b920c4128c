package gateway

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"skillcert"
	"skillcert/schema/db"
)

var usernamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{2,31}$`)

// checkName validates a person's name: 1–50 characters, no control characters.
func checkName(f fieldErrors, name string) {
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		f.add("name", "请填写姓名")
	case n > 50:
		f.add("name", "姓名不能超过50个字符")
	case strings.ContainsFunc(name, unicode.IsControl):
		f.add("name", "姓名含有无效字符")
	}
}

// checkRegistration trims req and records in f what is wrong with its phone, password, name and ID number
// (registration, and the report of a squatted ID number); it returns the parsed ID number.
func (a *app) checkRegistration(f fieldErrors, req *registerRequest) skillcert.IDNumber {
	req.Phone, req.Name = trimmed(req.Phone), trimmed(req.Name)
	if !skillcert.ValidPhone(req.Phone) {
		f.add("phone", "手机号码应为11位中国大陆手机号")
	}
	if err := skillcert.CheckPassword(req.Password); err != nil {
		f.addErr("password", err)
	}
	checkName(f, req.Name)
	id, err := skillcert.ParseIDNumber(req.IDNumber, skillcert.DateOf(a.now()))
	if err != nil {
		f.addErr("id_number", err)
	}
	return id
}

func (a *app) register(c *fiber.Ctx) error {
	var req registerRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	id := a.checkRegistration(f, &req)
	if err := f.err(); err != nil {
		return err
	}

	ctx := c.UserContext()
	idHash := skillcert.IDLookupHash(a.cfg.IDHashKey, id.Number)
	taken, err := a.q.FindUserConflict(ctx, db.FindUserConflictParams{Phone: &req.Phone, IDHash: &idHash})
	if err != nil {
		return fmt.Errorf("check registration conflicts: %w", err)
	}
	if err := registrationConflict(taken.PhoneTaken, taken.IDTaken); err != nil {
		return err
	}
	sealed, err := a.ids.seal(id.Number)
	if err != nil {
		return err
	}
	hash, err := a.hashing.hashPassword(ctx, req.Password)
	if err != nil {
		return err
	}
	userID := uuid.NewString()
	masked := id.Masked()
	err = a.q.CreateUser(ctx, db.CreateUserParams{ID: userID, Role: roleApplicant, Phone: &req.Phone, Name: req.Name,
		IDNumberHash: &idHash, IDNumberEnc: sealed, IDNumberMasked: &masked, PasswordHash: hash})
	if isUniqueViolation(err) { // lost a race with a concurrent registration
		name := violatedConstraint(err)
		return registrationConflict(strings.Contains(name, "phone"), strings.Contains(name, "id_number"))
	}
	if err != nil {
		return fmt.Errorf("create applicant: %w", err)
	}
	return c.Status(http.StatusCreated).JSON(userIDResponse{UserID: userID})
}

// registrationConflict is the 409 for a phone or ID number that is already registered.
func registrationConflict(phone, id bool) error {
	if !phone && !id {
		return nil
	}
	e := &skillcert.Error{Code: skillcert.ECONFLICT, Fields: map[string]string{}}
	if phone {
		e.Fields["phone"] = "该手机号码已注册"
		e.Message = "该手机号码已注册，请直接登录"
	}
	if id {
		e.Fields["id_number"] = "该身份证号码已注册"
		if e.Message == "" {
			e.Message = "该身份证号码已注册，请使用原账号登录；如非本人注册，可通过 POST /api/v1/auth/register/report 申诉"
		}
		e.Extra = map[string]any{"report": "/api/v1/auth/register/report"}
	}
	return e
}

func (a *app) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	req.Login = trimmed(req.Login)
	f := fieldErrors{}
	if req.Login == "" {
		f.add("login", "请填写手机号或用户名")
	}
	if req.Password == "" {
		f.add("password", "请填写密码")
	}
	if err := f.err(); err != nil {
		return err
	}
	u, err := a.checkLogin(c, req.Login, req.Password)
	if err != nil {
		return err
	}
	token, exp, err := a.issueToken(c, u, audienceAPI)
	if err != nil {
		return err
	}
	return c.JSON(loginResponse{Token: token, ExpiresAt: exp, Role: u.Role, Region: u.Region, UserID: u.ID, Name: u.Name})
}

func (a *app) me(c *fiber.Ctx) error {
	u, err := a.q.GetUserByID(c.UserContext(), user(c).ID)
	if err != nil {
		return fmt.Errorf("load account: %w", err)
	}
	return c.JSON(meResponse{UserID: u.ID, Role: u.Role, Region: u.Region, Name: u.Name, Phone: u.Phone,
		Username: u.Username, Employer: u.Employer, IDNumberMasked: u.IDNumberMasked})
}

func (a *app) createStaffUser(c *fiber.Ctx) error {
	var req createUserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	req.Username, req.Name, req.Role = trimmed(req.Username), trimmed(req.Name), trimmed(req.Role)
	req.Region, req.Employer = trimmed(req.Region), trimmed(req.Employer)
	f := fieldErrors{}
	if !usernamePattern.MatchString(req.Username) {
		f.add("username", "用户名应以英文字母开头，由3至32位字母、数字、下划线、点或连字符组成")
	}
	if err := skillcert.CheckPassword(req.Password); err != nil {
		f.addErr("password", err)
	}
	checkName(f, req.Name)
	if !slices.Contains(staffRoles, req.Role) {
		f.add("role", "角色应为 "+strings.Join(staffRoles, "、")+" 之一")
	}
	switch req.Role {
	case roleCityReviewer, roleSupervisor:
		if req.Region == "" && req.Role == roleCityReviewer {
			f.add("region", "协办单位审核员必须指定盟市")
		} else if req.Region != "" && !skillcert.ValidRegion(req.Region) {
			f.add("region", "盟市名称无效")
		}
	default:
		req.Region = "" // the other roles work across all regions
	}
	if utf8.RuneCountInString(req.Employer) > 100 {
		f.add("employer", "工作单位不能超过100个字符")
	}
	if err := f.err(); err != nil {
		return err
	}
	ctx := c.UserContext()
	taken, err := a.q.FindUserConflict(ctx, db.FindUserConflictParams{Username: &req.Username})
	if err != nil {
		return fmt.Errorf("check username: %w", err)
	}
	if taken.UsernameTaken {
		return skillcert.FieldError(skillcert.ECONFLICT, "username", "该用户名已存在")
	}
	hash, err := a.hashing.hashPassword(ctx, req.Password)
	if err != nil {
		return err
	}
	userID := uuid.NewString()
	err = a.q.CreateUser(ctx, db.CreateUserParams{ID: userID, Role: req.Role, Username: &req.Username, Name: req.Name,
		PasswordHash: hash, Region: ptr(req.Region), Employer: ptr(req.Employer)})
	if isUniqueViolation(err) {
		return skillcert.FieldError(skillcert.ECONFLICT, "username", "该用户名已存在")
	}
	if err != nil {
		return fmt.Errorf("create staff user: %w", err)
	}
	return c.Status(http.StatusCreated).JSON(userIDResponse{UserID: userID})
}

func (a *app) listStaffUsers(c *fiber.Ctx) error {
	rows, err := a.q.ListStaffUsers(c.UserContext())
	if err != nil {
		return fmt.Errorf("list staff: %w", err)
	}
	out := make([]staffUser, len(rows))
	for i, r := range rows {
		out[i] = staffUser{UserID: r.ID, Username: r.Username, Name: r.Name, Role: r.Role, Region: r.Region,
			Employer: r.Employer, Disabled: r.Disabled, CreatedAt: r.CreatedAt}
	}
	return c.JSON(out)
}

// accountRoutes are registration, login and staff accounts.
func (a *app) accountRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/auth/register", Public: true, Handler: a.register, Tag: "accounts",
			Summary: "Register an applicant", Request: registerRequest{}, Response: userIDResponse{},
			Status: 201, Errors: []int{409, 422}, Idempotent: true, AuthLimited: true},
		{Method: "POST", Path: "/api/v1/auth/login", Public: true, Handler: a.login, Tag: "accounts",
			Summary: "Log in (phone for applicants, username for staff)", Request: loginRequest{},
			Response: loginResponse{}, Errors: []int{401, 422, 429}, AuthLimited: true},
		{Method: "GET", Path: "/api/v1/auth/me", Handler: a.me, Tag: "accounts",
			Summary: "The signed-in account", Response: meResponse{}},
		{Method: "POST", Path: "/api/v1/admin/users", Roles: rolesAdmin, Handler: a.createStaffUser, Tag: "admin",
			Summary: "Create a staff account", Request: createUserRequest{}, Response: userIDResponse{},
			Status: 201, Errors: []int{409, 422}, Idempotent: true},
		{Method: "GET", Path: "/api/v1/admin/users", Roles: rolesAdmin, Handler: a.listStaffUsers, Tag: "admin",
			Summary: "List staff accounts", Response: []staffUser{}},
	}
}
