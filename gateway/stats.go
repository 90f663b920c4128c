package gateway

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"skillcert"
	"skillcert/schema/db"
)

// statsDimensions are the columns GET /api/v1/admin/stats can group by.
var statsDimensions = []string{"region", "level", "status", "occupation_code", "batch_id"}

// defaultGroupBy is the 附件2 summary: applications per region, level and status.
const defaultGroupBy = "region,level,status"

// parseGroupBy reads the comma-separated group_by parameter (422 for an unknown or repeated column).
func parseGroupBy(v string) ([]string, error) {
	if trimmed(v) == "" {
		v = defaultGroupBy
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		part = trimmed(part)
		switch {
		case !slices.Contains(statsDimensions, part):
			return nil, fieldInvalid("group_by", "group_by 只能是 "+strings.Join(statsDimensions, "、")+" 的组合")
		case slices.Contains(out, part):
			return nil, fieldInvalid("group_by", "group_by 中的列重复："+part)
		}
		out = append(out, part)
	}
	return out, nil
}

// regionOrder sorts regions as the notice lists them.
func regionOrder(r string) int {
	if i := slices.Index(skillcert.Regions, r); i >= 0 {
		return i
	}
	return len(skillcert.Regions)
}

// statusOrder sorts statuses in lifecycle order.
func statusOrder(s string) int {
	if i := slices.Index(skillcert.AllStatuses, skillcert.Status(s)); i >= 0 {
		return i
	}
	return len(skillcert.AllStatuses)
}

// compareStats orders rows by region (notice order), level (high to low code), status (lifecycle order),
// occupation and batch.
func compareStats(x, y db.CountApplicationsGroupedRow) int {
	for _, d := range []int{regionOrder(x.Region) - regionOrder(y.Region), int(y.Level - x.Level),
		statusOrder(x.Status) - statusOrder(y.Status), strings.Compare(x.OccupationCode, y.OccupationCode),
		strings.Compare(x.BatchID, y.BatchID)} {
		if d != 0 {
			return d
		}
	}
	return 0
}

// stats counts applications per group (the 附件2 summary for the supervising departments), within the
// caller's region scope.
func (a *app) stats(c *fiber.Ctx) error {
	groupBy, err := parseGroupBy(c.Query("group_by"))
	if err != nil {
		return err
	}
	p := user(c)
	filter, err := parseApplicationFilter(c, p)
	if err != nil {
		return err
	}
	scope := regionScope(p)
	rows, err := a.q.CountApplicationsGrouped(c.UserContext(), db.CountApplicationsGroupedParams{
		ByRegion: slices.Contains(groupBy, "region"), ByLevel: slices.Contains(groupBy, "level"),
		ByStatus: slices.Contains(groupBy, "status"), ByOccupation: slices.Contains(groupBy, "occupation_code"),
		ByBatch: slices.Contains(groupBy, "batch_id"), ScopeRegion: ptr(scope), Region: filter.Region,
		BatchID: filter.BatchID, Status: filter.Status, OccupationCode: filter.OccupationCode, Level: filter.Level,
	})
	if err != nil {
		return fmt.Errorf("count applications: %w", err)
	}
	slices.SortFunc(rows, compareStats)
	out := statsResponse{GroupBy: groupBy, Scope: scope, Rows: make([]statsRow, 0, len(rows))}
	for _, r := range rows {
		row := statsRow{Region: r.Region, Level: r.Level, Status: r.Status, OccupationCode: r.OccupationCode,
			BatchID: r.BatchID, Count: r.Count}
		if r.Level != 0 {
			row.LevelName = skillcert.Level(r.Level).Label()
		}
		if r.Status != "" {
			row.StatusLabel = skillcert.Status(r.Status).Label()
		}
		out.Rows = append(out.Rows, row)
		out.Total += r.Count
	}
	return c.JSON(out)
}
