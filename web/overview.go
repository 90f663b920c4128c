package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"skillcert"
	"skillcert/api"
)

// overviewRoutes are the overseers' statistics (charts, the 附件2 table and its XLSX), the batches with
// their payment windows, and the roster export.
func (u *ui) overviewRoutes(r fiber.Router) {
	r.Get("/staff/stats", u.requireStaff, u.statsPage)
	r.Get("/staff/stats.xlsx", u.requireStaff, u.statsXLSX)
	r.Get("/staff/batches", u.requireStaff, u.batchesPage)
	r.Post("/staff/batches/:id", u.requireStaff, u.patchBatch)
	r.Get("/staff/roster.xlsx", u.requireStaff, u.roster)
	r.Get("/staff/users", u.requireStaff, u.usersPage)
	r.Post("/staff/users", u.requireStaff, u.createUser)
}

// statsRow is one group of GET /api/v1/admin/stats.
type statsRow = api.StatsRow

// chart is one bar chart: its title, category labels and counts (drawn by stats.js with ECharts).
type chart struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Labels []string `json:"labels"`
	Counts []int64  `json:"counts"`
}

// annexTable is the 附件2 summary: applications per region (rows) and level (columns).
type annexTable struct {
	Levels  []int32
	Regions []string
	Counts  map[string]map[int32]int64
	Total   int64
}

// Cell returns the count of one region and level.
func (t annexTable) Cell(region string, level int32) int64 { return t.Counts[region][level] }

// RowTotal returns the count of one region.
func (t annexTable) RowTotal(region string) (n int64) {
	for _, c := range t.Counts[region] {
		n += c
	}
	return n
}

func (u *ui) loadStats(c *fiber.Ctx, groupBy string) ([]statsRow, error) {
	var ans struct {
		Rows []statsRow `json:"rows"`
	}
	err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/stats?group_by="+url.QueryEscape(groupBy), nil, &ans)
	return ans.Rows, err
}

// annex builds the 附件2 table from the API's counts by region and level.
func (u *ui) annex(c *fiber.Ctx) (annexTable, error) {
	rows, err := u.loadStats(c, "region,level")
	t := annexTable{Levels: []int32{5, 4, 3, 2, 1}, Counts: map[string]map[int32]int64{}}
	for _, r := range rows {
		if t.Counts[r.Region] == nil {
			t.Counts[r.Region] = map[int32]int64{}
			t.Regions = append(t.Regions, r.Region)
		}
		t.Counts[r.Region][r.Level] += r.Count
		t.Total += r.Count
	}
	return t, err
}

func (u *ui) statsPage(c *fiber.Ctx) error {
	p := u.newPage(c, "统计分析")
	p.Staff = true
	var charts []chart
	for _, g := range []struct{ by, title string }{{"region", "按盟市"}, {"level", "按等级"}, {"status", "按状态"}, {"occupation_code", "按职业"}} {
		rows, err := u.loadStats(c, g.by)
		if err != nil {
			p.Error = asAPIError(err)
			break
		}
		ch := chart{ID: "chart-" + g.by, Title: g.title}
		for _, r := range rows {
			label := map[string]string{"region": r.Region, "level": levelLabel(r.Level),
				"status": skillcert.Status(r.Status).Label(), "occupation_code": r.OccupationCode}[g.by]
			ch.Labels, ch.Counts = append(ch.Labels, label), append(ch.Counts, r.Count)
		}
		charts = append(charts, ch)
	}
	t, err := u.annex(c)
	if err != nil && p.Error == nil {
		p.Error = asAPIError(err)
	}
	p.Data = map[string]any{"Charts": charts, "Annex": t}
	return u.render(c, http.StatusOK, "stats", p)
}

// statsXLSX is the 附件2 table as a spreadsheet.
func (u *ui) statsXLSX(c *fiber.Ctx) error {
	t, err := u.annex(c)
	if err != nil {
		e := asAPIError(err)
		return c.Status(e.Status).SendString(e.Message)
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "附件2汇总"
	_ = f.SetSheetName("Sheet1", sheet)
	header := []any{"盟市"}
	for _, l := range t.Levels {
		header = append(header, levelLabel(l))
	}
	header = append(header, "合计")
	_ = f.SetSheetRow(sheet, "A1", &header)
	for i, r := range t.Regions {
		row := []any{r}
		for _, l := range t.Levels {
			row = append(row, t.Cell(r, l))
		}
		row = append(row, t.RowTotal(r))
		_ = f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &row)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="annex2-`+time.Now().In(skillcert.ChinaZone).Format("20060102")+`.xlsx"`)
	return c.Send(buf.Bytes())
}

func (u *ui) batchesPage(c *fiber.Ctx) error {
	p := u.newPage(c, "申报批次")
	return u.showBatches(c, p, http.StatusOK)
}

func (u *ui) showBatches(c *fiber.Ctx, p page, status int) error {
	p.Staff = true
	var bs []batch
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/batches", nil, &bs); err != nil && p.Error == nil {
		p.Error = asAPIError(err)
	}
	p.Data = bs
	return u.render(c, status, "batches", p)
}

// patchBatch changes a batch's payment deadline through the API; running applications follow it.
func (u *ui) patchBatch(c *fiber.Ctx) error {
	p := u.newPage(c, "申报批次")
	local := strings.TrimSpace(c.FormValue("payment_closes_at"))
	at, err := time.ParseInLocation("2006-01-02T15:04", local, skillcert.ChinaZone)
	if err != nil {
		p.Error = &APIError{Status: http.StatusUnprocessableEntity, Message: "缴费截止时间格式不正确",
			Fields: map[string]string{"payment_closes_at": "请填写日期和时间"}}
		return u.showBatches(c, p, p.Error.Status)
	}
	var ans struct {
		ApplicationsNotified int `json:"applications_notified"`
	}
	err = u.API.Call(c.UserContext(), token(c), http.MethodPatch, "/api/v1/admin/batches/"+url.PathEscape(c.Params("id")),
		map[string]string{"payment_closes_at": at.Format(time.RFC3339)}, &ans)
	if err != nil {
		p.Error = asAPIError(err)
		return u.showBatches(c, p, p.Error.Status)
	}
	p.Flash = fmt.Sprintf("缴费截止时间已改为 %s，已通知 %d 个进行中的申报。", at.Format("2006-01-02 15:04"), ans.ApplicationsNotified)
	return u.showBatches(c, p, http.StatusOK)
}

// roster streams the roster XLSX from the API (the caller's region for city reviewers).
func (u *ui) roster(c *fiber.Ctx) error {
	q := url.Values{}
	for _, k := range []string{"region", "exam_session_id"} {
		if v := strings.TrimSpace(c.Query(k)); v != "" {
			q.Set(k, v)
		}
	}
	resp, err := u.API.Raw(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/exports/roster.xlsx?"+q.Encode())
	if err != nil {
		p := u.newPage(c, "无法导出")
		p.Staff, p.Error = true, asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, resp.Header.Get(fiber.HeaderContentType))
	c.Set(fiber.HeaderContentDisposition, resp.Header.Get(fiber.HeaderContentDisposition))
	return c.Send(body)
}
