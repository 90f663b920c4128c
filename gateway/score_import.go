package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"skillcert"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// Score import: a CSV or XLSX file of application_id, component, score rows. Every row is validated first;
// when any is bad the answer is 422 listing each bad row and nothing is applied. Otherwise each row is entered
// as a score entry by the importing operator (double entry still applies) and the outcome of each is reported.

const (
	maxImportBytes = 8 << 20
	maxImportRows  = 5000
	maxFieldErrors = 50 // rows named in error.fields; details.rows lists them all
)

// importRow is one data row of a score file, numbered as a spreadsheet shows it (the header is row 1).
type importRow struct {
	Row           int
	ApplicationID string
	Component     string
	ScoreText     string
}

// importRowError lists what is wrong with one row.
type importRowError struct {
	Row           int               `json:"row"`
	ApplicationID string            `json:"application_id,omitempty"`
	Errors        map[string]string `json:"errors"`
}

// importRowResult is the outcome of applying one row.
type importRowResult struct {
	Row           int              `json:"row"`
	ApplicationID string           `json:"application_id"`
	Component     string           `json:"component"`
	Score         *skillcert.Score `json:"score,omitempty"`
	Applied       bool             `json:"applied"`
	State         string           `json:"state,omitempty"`
	StateLabel    string           `json:"state_label,omitempty"`
	Status        string           `json:"status,omitempty"`
	ErrorCode     string           `json:"error_code,omitempty"`
	Error         string           `json:"error,omitempty"`
}

// importResponse is the answer of POST /api/v1/scores/import.
type importResponse struct {
	ImportID string            `json:"import_id"`
	Format   string            `json:"format"`
	Rows     int               `json:"rows"`
	Applied  int               `json:"applied"`
	Failed   int               `json:"failed"`
	Results  []importRowResult `json:"results"`
}

// readImportFile returns the uploaded file: the part named "file" of a multipart form, or the raw body.
func readImportFile(c *fiber.Ctx) (name string, data []byte, err error) {
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return "", nil, errMalformed("请以 multipart/form-data 的 file 字段上传成绩文件")
		}
		f, err := fh.Open()
		if err != nil {
			return "", nil, fmt.Errorf("open uploaded file: %w", err)
		}
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, maxImportBytes+1))
		if err != nil {
			return "", nil, fmt.Errorf("read uploaded file: %w", err)
		}
		name = fh.Filename
	} else {
		data, name = c.Body(), c.Query("filename")
	}
	if len(data) > maxImportBytes {
		return "", nil, &skillcert.Error{Code: skillcert.ETOOLARGE, Message: "成绩文件过大（上限 8 MiB）"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return "", nil, errMalformed("成绩文件为空")
	}
	if utf8.RuneCountInString(name) > 200 || name == "" {
		name = "scores"
	}
	return name, data, nil
}

// detectFormat tells a CSV file from an XLSX workbook by content; anything else is 415.
func detectFormat(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return "xlsx", nil
	case bytes.IndexByte(data, 0) >= 0, bytes.HasPrefix(data, []byte("%PDF")), bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return "", &skillcert.Error{Code: skillcert.EUNSUPPORTED, Message: "仅支持 CSV 或 XLSX 格式的成绩文件（不支持 XLS 等其他格式）"}
	}
	return "csv", nil
}

// csvRecords reads CSV text in UTF-8 (with or without BOM) or GBK, as spreadsheet programs in China save it.
func csvRecords(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, &skillcert.Error{Code: skillcert.EUNSUPPORTED, Message: "CSV 文件编码无法识别，请保存为 UTF-8"}
		}
		data = decoded
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	records, err := r.ReadAll()
	if err != nil {
		return nil, skillcert.FieldError(skillcert.EINVALID, "file", "CSV 格式错误："+err.Error())
	}
	return records, nil
}

// xlsxRecords reads the first worksheet's cells as text (raw values, so 60.5 is not reformatted).
func xlsxRecords(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, &skillcert.Error{Code: skillcert.EUNSUPPORTED, Message: "不是有效的 XLSX 文件"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fieldInvalid("file", "工作簿中没有工作表")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fieldInvalid("file", "无法读取工作表："+err.Error())
	}
	return rows, nil
}

// importColumns are the accepted header names of each column.
var importColumns = map[string][]string{
	"application_id": {"application_id", "申报编号", "申报id"},
	"component":      {"component", "科目", "考核科目", "成绩类型"},
	"score":          {"score", "成绩", "分数"},
}

// headerIndexes maps the columns to their positions when the first record is a header row.
func headerIndexes(first []string) (map[string]int, bool) {
	idx := map[string]int{}
	for i, cell := range first {
		cell = strings.ToLower(trimmed(strings.TrimPrefix(cell, "\ufeff")))
		for col, names := range importColumns {
			for _, n := range names {
				if cell == n {
					idx[col] = i
				}
			}
		}
	}
	return idx, len(idx) == len(importColumns)
}

// importRows turns records into rows: the header (if any) decides the column order, else the order is
// application_id, component, score. Blank rows are skipped.
func importRows(records [][]string) []importRow {
	idx := map[string]int{"application_id": 0, "component": 1, "score": 2}
	start := 0
	if len(records) > 0 {
		if h, ok := headerIndexes(records[0]); ok {
			idx, start = h, 1
		}
	}
	cell := func(rec []string, col string) string {
		if i := idx[col]; i < len(rec) {
			return trimmed(rec[i])
		}
		return ""
	}
	var rows []importRow
	for i := start; i < len(records); i++ {
		rec := records[i]
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		rows = append(rows, importRow{Row: i + 1, ApplicationID: strings.ToLower(cell(rec, "application_id")),
			Component: cell(rec, "component"), ScoreText: cell(rec, "score")})
	}
	return rows
}

// componentAliases accepts the Chinese names of the components in files.
var componentAliases = map[string]skillcert.Component{
	"theory": skillcert.ComponentTheory, "理论": skillcert.ComponentTheory, "理论知识": skillcert.ComponentTheory,
	"理论知识考试": skillcert.ComponentTheory, "skill": skillcert.ComponentSkill, "技能": skillcert.ComponentSkill,
	"技能考核": skillcert.ComponentSkill, "实操": skillcert.ComponentSkill, "操作技能": skillcert.ComponentSkill,
}

// validatedRow is a row that passed validation.
type validatedRow struct {
	importRow
	component skillcert.Component
	score     skillcert.Score
}

// validateImport checks every row against the projection: a known application in scoring whose component
// is not yet confirmed, a theory or skill component, a valid score, and no row repeated.
func (a *app) validateImport(ctx context.Context, rows []importRow) ([]validatedRow, []importRowError, error) {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		if validUUID(r.ApplicationID) {
			ids = append(ids, r.ApplicationID)
		}
	}
	apps, err := a.q.ListApplicationsByIDs(ctx, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("read applications of import: %w", err)
	}
	byID := make(map[string]db.ListApplicationsByIDsRow, len(apps))
	for _, app := range apps {
		byID[app.ID] = app
	}
	seen := map[string]int{}
	var ok []validatedRow
	var bad []importRowError
	for _, r := range rows {
		f := fieldErrors{}
		v := validatedRow{importRow: r, component: componentAliases[strings.ToLower(r.Component)]}
		if v.component == "" {
			f.add("component", "科目应为 theory（理论知识考试）或 skill（技能考核）")
		}
		if s, err := skillcert.ParseScoreText(r.ScoreText); err != nil {
			f.add("score", scoreReason(err))
		} else {
			v.score = s
		}
		app, found := byID[r.ApplicationID]
		switch {
		case !validUUID(r.ApplicationID):
			f.add("application_id", "申报编号格式无效")
		case !found:
			f.add("application_id", "申报不存在")
		case app.Status != string(skillcert.StatusScoring):
			f.add("application_id", fmt.Sprintf("申报当前状态为「%s」，不在成绩录入阶段", skillcert.Status(app.Status).Label()))
		case v.component != "" && scoreConfirmed(app, v.component):
			f.add("component", "该成绩已确认，无需再录入")
		}
		key := r.ApplicationID + "/" + string(v.component)
		if prev, dup := seen[key]; dup && v.component != "" {
			f.add("application_id", fmt.Sprintf("与第%d行重复（同一申报、同一科目）", prev))
		} else {
			seen[key] = r.Row
		}
		if len(f) > 0 {
			bad = append(bad, importRowError{Row: r.Row, ApplicationID: r.ApplicationID, Errors: f})
			continue
		}
		ok = append(ok, v)
	}
	return ok, bad, nil
}

// scoreConfirmed reports whether the projection shows the component's score confirmed.
func scoreConfirmed(app db.ListApplicationsByIDsRow, c skillcert.Component) bool {
	var view workflows.View
	if json.Unmarshal(app.View, &view) != nil {
		return false
	}
	if c == skillcert.ComponentTheory {
		return view.Scores.Theory != nil
	}
	return view.Scores.Skill != nil
}

// importError is the 422 listing every bad row; nothing was applied.
func importError(bad []importRowError) error {
	fields := map[string]string{}
	for i, b := range bad {
		if i == maxFieldErrors {
			break
		}
		for k, v := range b.Errors {
			fields[fmt.Sprintf("rows[%d].%s", b.Row, k)] = v
		}
	}
	return &skillcert.Error{Code: skillcert.EINVALID, Fields: fields, Extra: map[string]any{"rows": bad},
		Message: fmt.Sprintf("成绩文件有%d行错误，未导入任何成绩，请修改后重新上传", len(bad))}
}

// importScores validates a whole score file, then applies its rows one by one as entries of the caller.
func (a *app) importScores(c *fiber.Ctx) error {
	name, data, err := readImportFile(c)
	if err != nil {
		return err
	}
	format, err := detectFormat(data)
	if err != nil {
		return err
	}
	records, err := map[string]func([]byte) ([][]string, error){"csv": csvRecords, "xlsx": xlsxRecords}[format](data)
	if err != nil {
		return err
	}
	rows := importRows(records)
	switch {
	case len(rows) == 0:
		return fieldInvalid("file", "文件中没有成绩数据（列：application_id, component, score）")
	case len(rows) > maxImportRows:
		return fieldInvalid("file", fmt.Sprintf("每次最多导入%d行", maxImportRows))
	}
	ctx := c.UserContext()
	valid, bad, err := a.validateImport(ctx, rows)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return importError(bad)
	}
	out := importResponse{ImportID: uuid.NewString(), Format: format, Rows: len(valid), Results: make([]importRowResult, 0, len(valid))}
	actor := user(c).actor()
	var down error // set once Temporal is unreachable: the remaining rows are not tried
	for _, r := range valid {
		score := r.score
		res := importRowResult{Row: r.Row, ApplicationID: r.ApplicationID, Component: string(r.component), Score: &score}
		if down != nil {
			res.ErrorCode, res.Error = skillcert.EUNAVAILABLE, "未处理：服务暂时不可用，请稍后重新导入该行"
		} else {
			var er workflows.EnterScoreResult
			err := a.update(ctx, r.ApplicationID, workflows.UpdateEnterScore,
				workflows.EnterScoreRequest{Component: r.component, Score: r.score, Actor: actor}, &er)
			if err == nil {
				res.Applied, res.State, res.StateLabel, res.Status = true, er.State, describeScoreState(er.State), string(er.Status)
			} else {
				status, body := classify(err)
				res.ErrorCode, res.Error = body.Code, body.Message
				if status == http.StatusServiceUnavailable {
					down = err
				}
			}
		}
		if res.Applied {
			out.Applied++
		} else {
			out.Failed++
		}
		out.Results = append(out.Results, res)
	}
	if out.Applied == 0 && down != nil {
		return down
	}
	a.recordImport(c, out, name, data)
	return c.JSON(out)
}

// recordImport keeps who imported which file and what became of each row.
func (a *app) recordImport(c *fiber.Ctx, out importResponse, name string, data []byte) {
	sum := sha256.Sum256(data)
	results, err := json.Marshal(out.Results)
	if err == nil {
		err = a.q.InsertScoreImport(detached(c), db.InsertScoreImportParams{ID: out.ImportID, ImportedBy: user(c).ID,
			Filename: name, Format: out.Format, Sha256: hex.EncodeToString(sum[:]), RowCount: int32(out.Rows),
			Applied: int32(out.Applied), Results: results})
	}
	if err != nil {
		a.log.Warn("record score import", "import_id", out.ImportID, "error", err, "request_id", requestID(c))
	}
}
