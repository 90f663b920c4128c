package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// reasonTemplates are common reasons offered while reviewing (the reviewer may type any other).
var reasonTemplates = []string{
	"材料不清晰，请重新扫描上传", "材料与申报信息不一致", "缺少单位盖章", "证书信息无法核实",
	"从事本职业年限不足", "照片不符合要求（近期免冠证件照）", "材料齐全，符合申报条件",
}

// reviewData is the review screen: the application with its documents and the task being decided.
type reviewData struct {
	App       application
	TaskID    string
	Templates []string
	Doc       string // the document shown in the viewer
}

func (u *ui) reviewPage(c *fiber.Ctx) error {
	p := u.newPage(c, "审核申报")
	p.Staff = true
	a, err := u.loadApplicationID(c, c.Params("app"))
	if err != nil {
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	p.Title = "审核：" + a.OccupationName + " · " + levelLabel(a.Level)
	p.Data = reviewData{App: a, TaskID: c.Query("task"), Templates: reasonTemplates, Doc: c.Query("doc")}
	return u.render(c, http.StatusOK, "review", p)
}

// loadApplicationID reads one application through the API.
func (u *ui) loadApplicationID(c *fiber.Ctx, id string) (application, error) {
	var a application
	err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/applications/"+url.PathEscape(id), nil, &a)
	return a, err
}

// completeReview sends the decision with the per-document verdicts through the API. A task that is
// already completed or stale is a clear message on the inbox, not an error page.
func (u *ui) completeReview(c *fiber.Ctx) error {
	appID, taskID := c.Params("app"), c.Params("task")
	a, err := u.loadApplicationID(c, appID)
	if err != nil {
		p := u.newPage(c, "审核申报")
		p.Staff, p.Error = true, asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	var docs []map[string]string
	for _, item := range a.Checklist {
		v := c.FormValue("verdict." + item.DocType)
		if v == "" {
			continue
		}
		docs = append(docs, map[string]string{"doc_type": item.DocType, "verdict": v,
			"reason": strings.TrimSpace(c.FormValue("reason." + item.DocType))})
	}
	body := map[string]any{"decision": c.FormValue("decision"), "reason": strings.TrimSpace(c.FormValue("reason"))}
	if len(docs) > 0 {
		body["documents"] = docs
	}
	err = u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/tasks/"+url.PathEscape(taskID)+"/complete", body, nil)
	if err == nil {
		return redirect(c, "/staff/?done=complete")
	}
	e := asAPIError(err)
	if e.Status == http.StatusConflict {
		return redirect(c, "/staff/?error=stale")
	}
	p := u.newPage(c, "审核："+a.OccupationName+" · "+levelLabel(a.Level))
	p.Staff, p.Error = true, e
	p.Form = map[string]string{"decision": c.FormValue("decision"), "reason": c.FormValue("reason")}
	for _, item := range a.Checklist {
		p.Form["verdict."+item.DocType] = c.FormValue("verdict." + item.DocType)
		p.Form["reason."+item.DocType] = c.FormValue("reason." + item.DocType)
	}
	p.Data = reviewData{App: a, TaskID: taskID, Templates: reasonTemplates}
	return u.render(c, e.Status, "review", p)
}

// staffDocument sends a reviewer's browser to the API's download URL of a document.
func (u *ui) staffDocument(c *fiber.Ctx) error {
	return u.followDownload(c, "/api/v1/applications/"+url.PathEscape(c.Params("app"))+"/documents/"+url.PathEscape(c.Params("doc")))
}

// inlineKinds are the document types the viewer shows inline, by their leading bytes.
var inlineKinds = []struct{ magic, contentType string }{
	{"%PDF-", "application/pdf"}, {"\xff\xd8\xff", "image/jpeg"}, {"\x89PNG\r\n\x1a\n", "image/png"},
}

// maxInline bounds a document shown inline in the viewer.
const maxInline = 32 << 20

// staffDocumentInline shows a document inside the review screen: the gateway follows the API's download
// URL itself and answers the bytes for inline display, only when they are a PDF, JPEG or PNG.
func (u *ui) staffDocumentInline(c *fiber.Ctx) error {
	resp, err := u.API.Raw(c.UserContext(), token(c), http.MethodGet,
		"/api/v1/applications/"+url.PathEscape(c.Params("app"))+"/documents/"+url.PathEscape(c.Params("doc")))
	if err != nil {
		e := asAPIError(err)
		return c.Status(e.Status).SendString(e.Message)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if !u.storageURL(loc) {
		return c.Status(http.StatusBadGateway).SendString("文件暂时无法打开，请稍后重试")
	}
	req, err := http.NewRequestWithContext(c.UserContext(), http.MethodGet, loc, nil)
	if err != nil {
		return err
	}
	obj, err := http.DefaultClient.Do(req)
	if err != nil {
		return c.Status(http.StatusBadGateway).SendString("文件暂时无法打开，请稍后重试")
	}
	defer obj.Body.Close()
	if obj.StatusCode != http.StatusOK {
		return c.Status(http.StatusBadGateway).SendString("文件暂时无法打开，请稍后重试")
	}
	body, err := io.ReadAll(io.LimitReader(obj.Body, maxInline+1))
	if err != nil || len(body) > maxInline {
		return c.Status(http.StatusBadGateway).SendString("文件过大，无法在线预览，请下载查看")
	}
	for _, k := range inlineKinds {
		if bytes.HasPrefix(body, []byte(k.magic)) {
			c.Set(fiber.HeaderContentType, k.contentType)
			c.Set(fiber.HeaderContentDisposition, "inline")
			c.Set("X-Frame-Options", "SAMEORIGIN")
			c.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; object-src 'self'; plugin-types application/pdf; frame-ancestors 'self'")
			return c.Send(body)
		}
	}
	return c.Status(http.StatusUnsupportedMediaType).SendString("此文件类型不能在线预览")
}

// storageURL reports whether loc is on the object storage the API presigns for.
func (u *ui) storageURL(loc string) bool {
	for _, o := range u.UploadOrigins {
		if strings.HasPrefix(loc, o+"/") {
			return true
		}
	}
	return false
}
