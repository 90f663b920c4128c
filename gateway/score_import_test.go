package gateway

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"skillcert/api"
)

func TestImportRows(t *testing.T) {
	cases := []struct {
		name    string
		records [][]string
		want    []importRow
	}{
		{"no header: fixed order", [][]string{{"A1", "theory", "60"}, {"", " ", ""}, {"b2", "skill", "70.5"}},
			[]importRow{{1, "a1", "theory", "60"}, {3, "b2", "skill", "70.5"}}},
		{"English header", [][]string{{"application_id", "component", "score"}, {"x", "skill", "1"}},
			[]importRow{{2, "x", "skill", "1"}}},
		{"Chinese header in another order", [][]string{{"\ufeff成绩", "申报编号", "科目"}, {"88", "y", "技能"}},
			[]importRow{{2, "y", "技能", "88"}}},
		{"short rows", [][]string{{"z"}}, []importRow{{1, "z", "", ""}}},
	}
	for _, c := range cases {
		if got := importRows(c.records); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDetectFormatAndCSV(t *testing.T) {
	for _, c := range []struct {
		data, want string
		code       string
	}{
		{"PK\x03\x04rest", "xlsx", ""},
		{"application_id,component,score\n", "csv", ""},
		{"%PDF-1.4 ...", "", "unsupported"},
		{"\xd0\xcf\x11\xe0 old excel", "", "unsupported"},
		{"a,b\x00,c", "", "unsupported"},
	} {
		got, err := detectFormat([]byte(c.data))
		if got != c.want || (c.code == "") != (err == nil) {
			t.Errorf("detectFormat(%q) = %q, %v", c.data, got, err)
		}
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("申报编号,科目,成绩\nabc,理论,60\n")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"GBK": gbk, "UTF-8 with BOM": "\ufeff申报编号,科目,成绩\nabc,理论,60\n"} {
		records, err := csvRecords([]byte(data))
		if err != nil || len(records) != 2 || records[0][0] != "申报编号" || records[1][1] != "理论" {
			t.Errorf("%s CSV read as %q, %v", name, records, err)
		}
	}
}

// uploadScores posts a score file as multipart/form-data (part "file") and decodes the answer.
func uploadScores(t *testing.T, g *testGateway, token, filename string, data []byte) (api.ImportResponse, error) {
	t.Helper()
	return g.as(token).ImportScores(t.Context(), filename, data)
}

// scoresWorkbook is an XLSX of header + rows, scores written as numbers.
func scoresWorkbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	header := []any{"application_id", "component", "score"}
	if err := f.SetSheetRow("Sheet1", "A1", &header); err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rowStates maps application/component to the state each row of an import answer reports.
func rowStates(t *testing.T, r api.ImportResponse) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range r.Results {
		key := m.ApplicationID + "/" + m.Component
		if m.Applied {
			out[key] = m.State
		} else {
			out[key] = "error: " + m.Error
		}
	}
	return out
}

func TestScoreImportIntegration(t *testing.T) {
	s := newStaffCase(t, "巴彦淖尔市")
	g := s.g
	a1, id1 := s.paid(t, "冯一", 5)
	_, id2 := s.paid(t, "陈二", 5)
	s.scoring(t, 5, id1, id2)
	_, waiting := s.paid(t, "褚三", 5) // paid, not seated: not in scoring

	t.Run("a bad row: 422 per row, nothing applied", func(t *testing.T) {
		csv := strings.Join([]string{
			"application_id,component,score",
			id1 + ",theory,70",
			id2 + ",skill,101",
			id2 + ",theory,abc",
			"00000000-0000-0000-0000-000000000000,theory,60",
			id1 + ",理论,71",
			waiting + ",skill,60",
			id2 + ",comprehensive,60",
		}, "\n")
		e := wantAPIError(t, errOf(uploadScores(t, g, s.prov.Token, "scores.csv", []byte(csv))), 422, "invalid", "rows[3].score")
		var bad []float64
		for _, row := range e.Body.Details["rows"].([]any) {
			bad = append(bad, row.(map[string]any)["row"].(float64))
		}
		if !slices.Equal(bad, []float64{3, 4, 5, 6, 7, 8}) {
			t.Fatalf("bad rows %v, want 3…8: %+v", bad, e.Body)
		}
		for _, field := range []string{"rows[4].score", "rows[5].application_id", "rows[6].application_id", "rows[7].application_id", "rows[8].component"} {
			if _, ok := e.Body.Fields[field]; !ok {
				t.Fatalf("error.fields lacks %s: %+v", field, e.Body)
			}
		}
		if actions := strings.Join(historyActions(t, g, a1.Token, id1), ","); strings.Contains(actions, "score_") {
			t.Fatalf("row 2 was applied although the file had bad rows: %s", actions)
		}
	})

	t.Run("refused files", func(t *testing.T) {
		_, _, e := g.send(t, s.prov.Token, "POST", "/api/v1/scores/import", "%PDF-1.4 not scores", "Content-Type", "application/pdf")
		wantStatusError(t, e, 415, "unsupported", "")
		wantAPIError(t, errOf(uploadScores(t, g, s.prov.Token, "scores.xlsx", []byte("PK\x03\x04 not a workbook"))), 415, "unsupported", "")
		wantAPIError(t, errOf(uploadScores(t, g, s.prov.Token, "empty.csv", nil)), 400, "malformed", "")
		wantAPIError(t, errOf(uploadScores(t, g, s.prov.Token, "header.csv", []byte("application_id,component,score\n"))), 422, "invalid", "file")
		wantAPIError(t, errOf(uploadScores(t, g, s.city.Token, "scores.csv", []byte(id1+",skill,60"))), 403, "forbidden", "")
		wantAPIError(t, errOf(uploadScores(t, g, s.admin, "scores.csv", []byte(id1+",skill,60"))), 403, "forbidden", "")
	})

	t.Run("CSV in GBK: first entries", func(t *testing.T) {
		gbk, err := simplifiedchinese.GBK.NewEncoder().String("申报编号,科目,成绩\n" + id1 + ",理论,70\n" + id2 + ",theory,65\n")
		if err != nil {
			t.Fatal(err)
		}
		r := must(uploadScores(t, g, s.prov.Token, "成绩.csv", []byte(gbk)))(t)
		want := map[string]string{id1 + "/theory": "awaiting_confirmation", id2 + "/theory": "awaiting_confirmation"}
		if got := rowStates(t, r); !maps.Equal(got, want) || r.Applied != 2 || r.Format != "csv" {
			t.Fatalf("import %v, want %v: %+v", got, want, r)
		}
	})

	t.Run("XLSX by a second operator: confirmation and mismatch", func(t *testing.T) {
		book := scoresWorkbook(t, [][]any{{id1, "theory", 70}, {id2, "theory", 66.5}})
		r := must(uploadScores(t, g, s.prov2.Token, "scores.xlsx", book))(t)
		want := map[string]string{id1 + "/theory": "confirmed", id2 + "/theory": "mismatch"}
		if got := rowStates(t, r); !maps.Equal(got, want) || r.Format != "xlsx" {
			t.Fatalf("import %v, want %v: %+v", got, want, r)
		}
		again := wantAPIError(t, errOf(uploadScores(t, g, s.prov2.Token, "scores.xlsx", book)), 422, "invalid", "rows[2].component")
		if raw, _ := json.Marshal(again.Body); strings.Contains(string(raw), "rows[3]") {
			t.Fatalf("the reopened entry of row 3 was refused: %s", raw)
		}
	})

	t.Run("a row the workflow refuses is reported, the others applied", func(t *testing.T) {
		csv := id2 + ",theory,66.5\n" + id1 + ",skill,90\n"
		if first := must(uploadScores(t, g, s.prov2.Token, "scores.csv", []byte(csv)))(t); first.Applied != 2 {
			t.Fatalf("first import %+v", first)
		}
		r := must(uploadScores(t, g, s.prov2.Token, "scores.csv", []byte(id1+",skill,90\n")))(t)
		if row := r.Results[0]; row.Applied || row.ErrorCode != "forbidden" || r.Failed != 1 {
			t.Fatalf("the same operator's confirmation: %+v", r)
		}
	})
}
