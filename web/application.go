package web

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
)

// flashes are the fixed messages a redirect may ask a page to show (?done=...).
var flashes = map[string]string{
	"created":  "申报已创建，请按清单上传材料。",
	"submit":   "已提交，等待资格审核。",
	"withdraw": "申报已撤回。",
}

// application is an application as GET /api/v1/applications/{id} describes it.
type application struct {
	ID             string          `json:"id"`
	Status         string          `json:"status"`
	StatusLabel    string          `json:"status_label"`
	BatchID        string          `json:"batch_id"`
	OccupationCode string          `json:"occupation_code"`
	OccupationName string          `json:"occupation_name"`
	Level          int32           `json:"level"`
	Pathway        string          `json:"pathway"`
	Region         string          `json:"region"`
	Employer       string          `json:"employer"`
	Checklist      []checklistItem `json:"checklist"`
	Deadlines      deadlines       `json:"deadlines"`
	Scores         *struct {
		Theory        *float64 `json:"theory"`
		Skill         *float64 `json:"skill"`
		Comprehensive *float64 `json:"comprehensive"`
	} `json:"scores"`
	CertificateNumber string `json:"certificate_number"`
	Payment           *struct {
		OrderID   string     `json:"order_id"`
		AmountFen int64      `json:"amount_fen"`
		DueAt     time.Time  `json:"due_at"`
		PaidAt    *time.Time `json:"paid_at"`
	} `json:"payment"`
	Exam *struct {
		Seat     int       `json:"seat"`
		Venue    string    `json:"venue"`
		StartsAt time.Time `json:"starts_at"`
		Attended *bool     `json:"attended"`
	} `json:"exam"`
	Reasons   []string `json:"reasons"`
	History   []event  `json:"history"`
	CreatedAt time.Time
}

// checklistItem is one document of the checklist.
type checklistItem struct {
	DocType    string `json:"doc_type"`
	Label      string `json:"label"`
	Required   bool   `json:"required"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
	DocumentID string `json:"document_id"`
}

// deadlines are the case's running deadlines.
type deadlines struct {
	CorrectionDueAt  *time.Time `json:"correction_due_at"`
	PaymentDueAt     *time.Time `json:"payment_due_at"`
	SkillScoresDueAt *time.Time `json:"skill_scores_due_at"`
}

// event is one line of the application's history.
type event struct {
	At         time.Time `json:"at"`
	ActorRole  string    `json:"actor_role"`
	Action     string    `json:"action"`
	Reason     string    `json:"reason"`
	FromStatus string    `json:"from_status"`
	ToStatus   string    `json:"to_status"`
}

// Editable reports whether documents can be uploaded and the application submitted.
func (a application) Editable() bool {
	return a.Status == "draft" || a.Status == "correction_needed"
}

// Withdrawable reports whether the applicant may still withdraw.
func (a application) Withdrawable() bool {
	return slices.Contains([]string{"draft", "preliminary_review", "correction_needed", "re_review", "awaiting_payment"}, a.Status)
}

// Has reports whether the application reached one of the statuses (for the PDF links).
func (a application) Has(statuses ...string) bool { return slices.Contains(statuses, a.Status) }

// loadApplication reads the application named in the path through the API.
func (u *ui) loadApplication(c *fiber.Ctx) (application, error) {
	var a application
	err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/applications/"+url.PathEscape(c.Params("id")), nil, &a)
	return a, err
}

func (u *ui) applicationPage(c *fiber.Ctx) error {
	a, err := u.loadApplication(c)
	if err != nil {
		p := u.newPage(c, "申报详情")
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	p := u.newPage(c, a.OccupationName+" · "+levelLabel(a.Level))
	p.Flash = flashes[c.Query("done")]
	if e := c.Query("error"); e != "" {
		p.Error = &APIError{Message: errorMessages[e]}
	}
	p.Data = a
	return u.render(c, http.StatusOK, "application", p)
}

// checklistFragment re-renders the checklist after an upload.
func (u *ui) checklistFragment(c *fiber.Ctx) error {
	a, err := u.loadApplication(c)
	if err != nil {
		return c.Status(asAPIError(err).Status).SendString(asAPIError(err).Message)
	}
	p := u.newPage(c, "")
	p.Data = a
	return u.fragment(c, http.StatusOK, "application", "checklist", p)
}

// presignUpload asks the API for a presigned upload of one document (JSON for app.js).
func (u *ui) presignUpload(c *fiber.Ctx) error {
	var in struct {
		DocType     string `json:"doc_type"`
		Filename    string `json:"filename"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
	}
	if err := c.BodyParser(&in); err != nil {
		return c.Status(http.StatusBadRequest).JSON(&APIError{Message: "请求格式错误"})
	}
	var out map[string]any
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost,
		"/api/v1/applications/"+url.PathEscape(c.Params("id"))+"/documents", in, &out)
	if err != nil {
		e := asAPIError(err)
		return c.Status(e.Status).JSON(e)
	}
	return c.Status(http.StatusCreated).JSON(out)
}

// completeUpload tells the API the bytes are uploaded; it answers the inspection's verdict.
func (u *ui) completeUpload(c *fiber.Ctx) error {
	var out map[string]any
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/applications/"+url.PathEscape(c.Params("id"))+
		"/documents/"+url.PathEscape(c.Params("doc"))+"/complete", nil, &out)
	if err != nil {
		e := asAPIError(err)
		return c.Status(e.Status).JSON(e)
	}
	return c.JSON(out)
}

// openDocument sends the browser to the API's short-lived download URL of a document.
func (u *ui) openDocument(c *fiber.Ctx) error {
	return u.followDownload(c, "/api/v1/applications/"+url.PathEscape(c.Params("id"))+"/documents/"+url.PathEscape(c.Params("doc")))
}

// followDownload answers the API's redirect to a download as a redirect of the browser.
func (u *ui) followDownload(c *fiber.Ctx, path string) error {
	resp, err := u.API.Raw(c.UserContext(), token(c), http.MethodGet, path)
	if err != nil {
		p := u.newPage(c, "无法打开文件")
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	defer resp.Body.Close()
	loc := resp.Header.Get("Location")
	if !u.storageURL(loc) {
		p := u.newPage(c, "无法打开文件")
		p.Error = &APIError{Status: http.StatusBadGateway, Message: "文件暂时无法打开，请稍后重试"}
		return u.render(c, http.StatusBadGateway, "error", p)
	}
	return c.Redirect(loc, http.StatusFound)
}

// pdfNames are the generated PDFs the pages link to, by their API name.
var pdfNames = map[string]bool{"form.pdf": true, "pledge.pdf": true, "admission-ticket.pdf": true, "certificate.pdf": true}

// pdf streams a generated PDF from the API.
func (u *ui) pdf(c *fiber.Ctx) error {
	name := c.Params("name")
	if !pdfNames[name] {
		return c.SendStatus(http.StatusNotFound)
	}
	resp, err := u.API.Raw(c.UserContext(), token(c), http.MethodGet, "/api/v1/applications/"+url.PathEscape(c.Params("id"))+"/"+name)
	if err != nil {
		p := u.newPage(c, "无法生成文件")
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	if cd := resp.Header.Get(fiber.HeaderContentDisposition); cd != "" {
		c.Set(fiber.HeaderContentDisposition, cd)
	}
	return c.Send(body)
}

// errorMessages are the fixed messages a redirect may ask the application page to show (?error=...).
var errorMessages = map[string]string{}

// act sends an applicant command (submit, withdraw) through the API.
func (u *ui) act(name string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Params("id")
		err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/applications/"+url.PathEscape(id)+"/"+name, nil, nil)
		if err != nil {
			return u.applicationWithError(c, asAPIError(err))
		}
		return redirect(c, "/a/"+url.PathEscape(id)+"?done="+name)
	}
}

// applicationWithError shows the application page again with the API's error (e.g. what is missing).
func (u *ui) applicationWithError(c *fiber.Ctx, e *APIError) error {
	a, err := u.loadApplication(c)
	if err != nil {
		p := u.newPage(c, "申报详情")
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	p := u.newPage(c, a.OccupationName+" · "+levelLabel(a.Level))
	p.Error = e
	p.Data = a
	return u.render(c, e.Status, "application", p)
}

// pay creates the payment order through the API and sends the browser to its pay page.
func (u *ui) pay(c *fiber.Ctx) error {
	var order struct {
		PayURL string `json:"pay_url"`
	}
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/applications/"+url.PathEscape(c.Params("id"))+"/payment", nil, &order)
	if err != nil {
		return u.applicationWithError(c, asAPIError(err))
	}
	loc := order.PayURL
	if pu, err := url.Parse(loc); err == nil && pu.Host == c.Hostname() {
		loc = pu.RequestURI() // the dev pay page is served here
	}
	return redirect(c, loc)
}
