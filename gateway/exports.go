package gateway

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"skillcert"
	"skillcert/schema/db"
)

// xlsxContentType is the media type of .xlsx workbooks.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// rosterSheet is the name of the roster's worksheet.
const rosterSheet = "考生名册"

// rosterHeader are the columns of the roster export.
var rosterHeader = []any{"序号", "姓名", "身份证号", "职业（工种）代码", "职业（工种）", "等级", "盟市", "考点", "考试时间", "座位号", "申报编号", "状态"}

// rosterWorkbook writes the roster rows into a new workbook.
func rosterWorkbook(rows []db.ListRosterRowsRow) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), rosterSheet); err != nil {
		return nil, fmt.Errorf("roster sheet: %w", err)
	}
	if err := f.SetSheetRow(rosterSheet, "A1", &rosterHeader); err != nil {
		return nil, fmt.Errorf("roster header: %w", err)
	}
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return nil, err
		}
		values := []any{i + 1, r.ApplicantName, deref(r.IDNumberMasked), r.OccupationCode, r.OccupationName,
			skillcert.Level(r.Level).Label(), r.Region, r.Venue, r.StartsAt.In(skillcert.ChinaZone).Format("2006-01-02 15:04"),
			fmt.Sprintf("%03d", r.Seat), r.ApplicationID, skillcert.Status(r.Status).Label()}
		if err := f.SetSheetRow(rosterSheet, cell, &values); err != nil {
			return nil, fmt.Errorf("roster row %d: %w", i+1, err)
		}
	}
	for col, width := range map[string]float64{"B": 12, "C": 22, "D": 14, "E": 20, "F": 14, "H": 30, "I": 18, "K": 38} {
		if err := f.SetColWidth(rosterSheet, col, col, width); err != nil {
			return nil, fmt.Errorf("roster column %s: %w", col, err)
		}
	}
	if err := f.SetPanes(rosterSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("roster panes: %w", err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write roster: %w", err)
	}
	return buf.Bytes(), nil
}

// exportRoster answers the exam roster as XLSX: the seated applicants (name, masked ID number, occupation,
// level, venue, seat) of one session or of a region. City reviewers get their own region only.
func (a *app) exportRoster(c *fiber.Ctx) error {
	p := user(c)
	region, sessionID := trimmed(c.Query("region")), trimmed(c.Query("exam_session_id"))
	f := fieldErrors{}
	if region != "" && !skillcert.ValidRegion(region) {
		f.add("region", "请选择有效的盟市")
	}
	if sessionID != "" && !validUUID(sessionID) {
		f.add("exam_session_id", "考场编号格式无效")
	}
	if err := f.err(); err != nil {
		return err
	}
	if scope := regionScope(p); scope != "" {
		if region != "" && region != scope {
			return errForbidden("您只能导出%s的名册", scope)
		}
		region = scope
	}
	name := "roster"
	if sessionID != "" {
		s, err := a.q.GetExamSession(c.UserContext(), sessionID)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound("考场")
		}
		if err != nil {
			return fmt.Errorf("read exam session: %w", err)
		}
		if scope := regionScope(p); scope != "" && s.Region != scope {
			return errNotFound("考场") // another region's session: not yours
		}
		name += "-" + sessionID[:8]
	}
	rows, err := a.q.ListRosterRows(c.UserContext(), db.ListRosterRowsParams{SessionID: ptr(sessionID), Region: ptr(region)})
	if err != nil {
		return fmt.Errorf("list roster: %w", err)
	}
	data, err := rosterWorkbook(rows)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxContentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.xlsx"; filename*=UTF-8''%s`,
		name, url.PathEscape("考生名册-"+name+".xlsx")))
	return c.Send(data)
}
