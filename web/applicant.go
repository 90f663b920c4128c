package web

import (
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"skillcert/api"
)

// applicantRoutes are the applicant portal's pages.
func (u *ui) applicantRoutes(r fiber.Router) {
	r.Get("/login", u.loginPage(false))
	r.Post("/login", u.login(false))
	r.Get("/register", u.registerPage)
	r.Post("/register", u.register)
	r.Post("/logout", u.logout)
	r.Get("/", u.requireApplicant, u.home)
	r.Get("/notifications", u.requireSignedIn, u.notificationsPage)
	r.Post("/notifications", u.requireSignedIn, u.setEmail)
	r.Get("/apply", u.requireApplicant, u.applyPage)
	r.Get("/apply/pathway", u.requireApplicant, u.pathwayFields)
	r.Post("/apply/check", u.requireApplicant, u.checkEligibility)
	r.Post("/apply", u.requireApplicant, u.apply)
	r.Get("/a/:id", u.requireApplicant, u.applicationPage)
	r.Get("/a/:id/checklist", u.requireApplicant, u.checklistFragment)
	r.Post("/a/:id/docs", u.requireApplicant, u.presignUpload)
	r.Post("/a/:id/docs/:doc/complete", u.requireApplicant, u.completeUpload)
	r.Get("/a/:id/docs/:doc", u.requireApplicant, u.openDocument)
	r.Get("/a/:id/pdf/:name", u.requireApplicant, u.pdf)
	r.Post("/a/:id/submit", u.requireApplicant, u.act("submit"))
	r.Post("/a/:id/withdraw", u.requireApplicant, u.act("withdraw"))
	r.Post("/a/:id/pay", u.requireApplicant, u.pay)
}

// batch is a batch as GET /api/v1/batches lists it.
type batch = api.Batch

// occupation is an entry of GET /api/v1/occupations.
type occupation = api.Occupation

// homeData is the applicant's home page: open batches and their own applications.
type homeData struct {
	Batches      []batch
	Applications []application
}

func (u *ui) home(c *fiber.Ctx) error {
	p := u.newPage(c, "我的申报")
	var d homeData
	ctx, tok := c.UserContext(), token(c)
	if err := u.API.Call(ctx, tok, http.MethodGet, "/api/v1/batches", nil, &d.Batches); err != nil {
		p.Error = asAPIError(err)
	}
	if err := u.API.Call(ctx, tok, http.MethodGet, "/api/v1/applications", nil, &d.Applications); err != nil {
		p.Error = asAPIError(err)
	}
	p.Flash = flashes[c.Query("done")]
	p.Data = d
	return u.render(c, http.StatusOK, "home", p)
}

// applyData fills the application form.
type applyData struct {
	Batches     []batch
	Occupations []occupation
	Regions     []string
	Pathway     string
	Checklist   []docRule
	Eligible    bool
	Checked     bool
}

// docRule is a document the application will ask for (eligibility answer).
type docRule struct {
	DocType  string `json:"doc_type"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
}

// applyFields are the names of the application form's fields, as the API names them.
var applyFields = []string{"batch_id", "region", "employer", "employer_type", "occupation_code", "level",
	"pathway", "education", "occupation_started_on",
	"previous_certificate.number", "previous_certificate.level", "previous_certificate.occupation_code",
	"previous_certificate.issued_on", "title.field", "title.grade", "title.obtained_on",
	"veteran.treatment_level", "veteran.since_year"}

func (u *ui) applyPage(c *fiber.Ctx) error {
	p := u.newPage(c, "资格自查与申报")
	p.Form = formValues(c, applyFields...)
	p.Form["batch_id"] = c.Query("batch")
	if p.Form["pathway"] == "" {
		p.Form["pathway"] = "standard"
	}
	d := u.loadApplyData(c, &p)
	p.Data = d
	return u.render(c, http.StatusOK, "apply", p)
}

// loadApplyData reads the batches, occupations and regions the form offers.
func (u *ui) loadApplyData(c *fiber.Ctx, p *page) *applyData {
	d := &applyData{Pathway: p.Form["pathway"]}
	ctx := c.UserContext()
	for path, out := range map[string]any{"/api/v1/batches": &d.Batches, "/api/v1/occupations": &d.Occupations,
		"/api/v1/regions": &d.Regions} {
		if err := u.API.Call(ctx, token(c), http.MethodGet, path, nil, out); err != nil {
			p.Error = asAPIError(err)
		}
	}
	return d
}

// pathwayFields is the part of the form that depends on the pathway (htmx swaps it on change).
func (u *ui) pathwayFields(c *fiber.Ctx) error {
	p := u.newPage(c, "")
	p.Form = formValues(c, applyFields...)
	p.Form["pathway"] = c.Query("pathway")
	p.Data = &applyData{Pathway: p.Form["pathway"]}
	return u.fragment(c, http.StatusOK, "apply", "pathway-fields", p)
}

// applicationRequest turns the form into the API's body; numbers that do not parse are sent as 0 so that
// the API names the field.
func applicationRequest(f map[string]string) map[string]any {
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	body := map[string]any{"batch_id": f["batch_id"], "region": f["region"], "employer": f["employer"],
		"employer_type": f["employer_type"], "occupation_code": f["occupation_code"], "level": num(f["level"]),
		"pathway": f["pathway"], "education": f["education"], "occupation_started_on": f["occupation_started_on"]}
	switch f["pathway"] {
	case "standard", "lateral":
		if f["previous_certificate.number"] != "" || f["pathway"] == "lateral" {
			body["previous_certificate"] = map[string]any{"number": f["previous_certificate.number"],
				"level": num(f["previous_certificate.level"]), "occupation_code": f["previous_certificate.occupation_code"],
				"issued_on": f["previous_certificate.issued_on"]}
		}
	case "title":
		body["title"] = map[string]any{"field": f["title.field"], "grade": f["title.grade"], "obtained_on": f["title.obtained_on"]}
	case "veteran":
		body["veteran"] = map[string]any{"treatment_level": num(f["veteran.treatment_level"]), "since_year": num(f["veteran.since_year"])}
	}
	return body
}

// checkEligibility runs the API's self-check (the same checks as applying) and shows 符合 or each failing rule.
func (u *ui) checkEligibility(c *fiber.Ctx) error {
	p := u.newPage(c, "资格自查与申报")
	p.Form = formValues(c, applyFields...)
	var ans struct {
		Eligible  bool      `json:"eligible"`
		Checklist []docRule `json:"checklist"`
	}
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/eligibility/check", applicationRequest(p.Form), &ans)
	if err != nil {
		p.Error = asAPIError(err)
	}
	d := u.loadApplyData(c, &p)
	d.Checked, d.Eligible, d.Checklist = true, err == nil, ans.Checklist
	p.Data = d
	if isHTMX(c) {
		return u.fragment(c, http.StatusOK, "apply", "apply-form", p)
	}
	return u.render(c, http.StatusOK, "apply", p)
}

// apply creates the application through the API and opens it.
func (u *ui) apply(c *fiber.Ctx) error {
	p := u.newPage(c, "资格自查与申报")
	p.Form = formValues(c, applyFields...)
	var created application
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/applications", applicationRequest(p.Form), &created)
	if err != nil {
		p.Error = asAPIError(err)
		d := u.loadApplyData(c, &p)
		p.Data = d
		return u.render(c, p.Error.Status, "apply", p)
	}
	return redirect(c, "/a/"+created.ID+"?done=created")
}
