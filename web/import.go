package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"
)

// maxImportFile bounds an uploaded score file (the API's own limit is 8 MiB).
const maxImportFile = 8 << 20

// importRow is one row of an import's answer: applied, or what was wrong with it.
type importRow struct {
	Row           int               `json:"row"`
	ApplicationID string            `json:"application_id"`
	Component     string            `json:"component"`
	Applied       bool              `json:"applied"`
	StateLabel    string            `json:"state_label"`
	Error         string            `json:"error"`
	Errors        map[string]string `json:"errors"`
}

func (u *ui) importPage(c *fiber.Ctx) error {
	p := u.newPage(c, "成绩导入")
	p.Staff = true
	return u.render(c, http.StatusOK, "import", p)
}

// importScores passes the uploaded CSV or XLSX to the API and shows every row's outcome or errors.
func (u *ui) importScores(c *fiber.Ctx) error {
	p := u.newPage(c, "成绩导入")
	p.Staff = true
	fh, err := c.FormFile("file")
	if err != nil || fh.Size > maxImportFile {
		p.Error = &APIError{Status: http.StatusUnprocessableEntity, Message: "请选择不超过 8 MiB 的 CSV 或 XLSX 文件",
			Fields: map[string]string{"file": "请选择成绩文件"}}
		return u.render(c, p.Error.Status, "import", p)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImportFile))
	if err != nil {
		return err
	}
	var ans struct {
		Rows    int         `json:"rows"`
		Applied int         `json:"applied"`
		Results []importRow `json:"results"`
	}
	err = u.API.Send(c.UserContext(), token(c), http.MethodPost, "/api/v1/scores/import?filename="+url.QueryEscape(fh.Filename),
		"application/octet-stream", data, &ans)
	if err != nil {
		e := asAPIError(err)
		p.Error = e
		var details struct {
			Rows []importRow `json:"rows"`
		}
		_ = json.Unmarshal(e.Details, &details)
		p.Data = details.Rows
		return u.render(c, e.Status, "import", p)
	}
	p.Flash = "导入完成：共 " + itoa(ans.Rows) + " 行，已录入 " + itoa(ans.Applied) + " 行。"
	p.Data = ans.Results
	return u.render(c, http.StatusOK, "import", p)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
