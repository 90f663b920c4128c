package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

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
		case app.Status != skillcert.StatusScoring:
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
