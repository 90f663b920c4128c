package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/schema/db"
)

// regionLogins are ASCII names for the demo city reviewers of each region.
var regionLogins = map[string]string{
	"呼和浩特市": "hohhot", "包头市": "baotou", "乌海市": "wuhai", "赤峰市": "chifeng", "通辽市": "tongliao",
	"鄂尔多斯市": "ordos", "呼伦贝尔市": "hulunbuir", "巴彦淖尔市": "bayannur", "乌兰察布市": "ulanqab",
	"兴安盟": "hinggan", "锡林郭勒盟": "xilingol", "阿拉善盟": "alxa", "满洲里市": "manzhouli", "二连浩特市": "erenhot",
}

// DemoBatchID is the batch the development seed creates.
const DemoBatchID = "demo"

// seed makes the reference data and the admin account exist; it is idempotent and runs at every start.
// Admin changes to occupations are kept (missing ones are added, existing ones left alone).
func (a *app) seed(ctx context.Context) error {
	for i, r := range skillcert.Regions {
		if err := a.q.UpsertRegion(ctx, db.UpsertRegionParams{Name: r, SortOrder: int32(i + 1)}); err != nil {
			return fmt.Errorf("seed region %s: %w", r, err)
		}
	}
	for _, o := range skillcert.SeedOccupations() {
		levels := make([]int32, len(o.Levels))
		for i, l := range o.Levels {
			levels[i] = int32(l)
		}
		conditions := o.Conditions
		if conditions == "" {
			conditions = skillcert.DefaultConditions
		}
		if err := a.q.InsertOccupationIfMissing(ctx, db.InsertOccupationIfMissingParams{
			Code: o.Code, Name: o.Name, Levels: levels, Conditions: conditions}); err != nil {
			return fmt.Errorf("seed occupation %s: %w", o.Code, err)
		}
	}
	created, err := a.ensureStaff(ctx, staffSeed{Username: "admin", Name: "系统管理员", Role: skillcert.RoleAdmin}, a.cfg.AdminPassword)
	if err != nil {
		return err
	}
	a.announceAdmin(created)
	if a.cfg.DevSeed {
		return a.seedDemo(ctx)
	}
	return nil
}

// staffSeed is one seeded staff account.
type staffSeed struct {
	Username, Name string
	Role           skillcert.Role
	Region         string
	Employer       string
}

// ensureStaff creates the account when it is absent and reports whether it did. An existing account is
// left alone: its password is never reset at start (several gateways start, and an admin may have changed
// it); `gateway set-password` sets one explicitly.
func (a *app) ensureStaff(ctx context.Context, s staffSeed, password string) (bool, error) {
	_, err := a.q.GetUserByLogin(ctx, s.Username)
	switch {
	case err == nil:
		return false, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return false, fmt.Errorf("seed user %s: %w", s.Username, err)
	}
	hash, err := hashPassword(password)
	if err != nil {
		return false, err
	}
	err = a.q.CreateUser(ctx, db.CreateUserParams{ID: uuid.NewString(), Role: string(s.Role), Username: &s.Username,
		Name: s.Name, PasswordHash: hash, Region: ptr(s.Region), Employer: ptr(s.Employer)})
	if isUniqueViolation(err) { // a concurrent start created it
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("seed user %s: %w", s.Username, err)
	}
	return true, nil
}

// announceAdmin says whether the admin account was created, and prints a generated password to the
// terminal (never to the log).
func (a *app) announceAdmin(created bool) {
	switch {
	case !created:
		a.log.Info("staff account admin exists; its password is left as it is (set one with: gateway set-password admin)")
	case slices.Contains(a.cfg.generated, "SKILLCERT_ADMIN_PASSWORD"):
		a.log.Warn("created the staff account admin with a generated password; it is shown on the terminal only")
		toTerminal("skillcert gateway: admin password (generated): " + a.cfg.AdminPassword)
	default:
		a.log.Info("created the staff account admin with the password of SKILLCERT_ADMIN_PASSWORD")
	}
}

// demoStaff lists the development accounts: a city reviewer per region, two provincial reviewers (初审 and
// 复审 must be different people), three committee members of different employers, two supervisors.
func demoStaff() []staffSeed {
	var out []staffSeed
	for _, r := range skillcert.Regions {
		login, ok := regionLogins[r]
		if !ok {
			login = fmt.Sprintf("r%02d", len(out)+1)
		}
		out = append(out,
			staffSeed{Username: "city_" + login, Name: r + "初审员", Role: skillcert.RoleCityReviewer, Region: r},
			staffSeed{Username: "city2_" + login, Name: r + "初审员二", Role: skillcert.RoleCityReviewer, Region: r})
	}
	return append(out,
		staffSeed{Username: "provincial1", Name: "就促会复审员一", Role: skillcert.RoleProvincialReviewer},
		staffSeed{Username: "provincial2", Name: "就促会复审员二", Role: skillcert.RoleProvincialReviewer},
		staffSeed{Username: "committee1", Name: "评审委员一", Role: skillcert.RoleCommitteeMember, Employer: "内蒙古职业技术学院"},
		staffSeed{Username: "committee2", Name: "评审委员二", Role: skillcert.RoleCommitteeMember, Employer: "包头职业技术学院"},
		staffSeed{Username: "committee3", Name: "评审委员三", Role: skillcert.RoleCommitteeMember, Employer: "赤峰工业职业技术学院"},
		staffSeed{Username: "committee4", Name: "评审委员四", Role: skillcert.RoleCommitteeMember, Employer: "呼伦贝尔职业技术学院"},
		staffSeed{Username: "supervisor", Name: "人社厅监管员", Role: skillcert.RoleSupervisor},
		staffSeed{Username: "supervisor_hohhot", Name: "呼和浩特市人社局监管员", Role: skillcert.RoleSupervisor, Region: "呼和浩特市"},
	)
}

// seedDemo adds a batch whose windows are relative to today and the demo staff, and prints the
// credentials. The batch is left alone once created, unless its registration has closed: then its windows
// move forward so the demo stays usable.
func (a *app) seedDemo(ctx context.Context) error {
	for _, s := range demoStaff() {
		if _, err := a.ensureStaff(ctx, s, a.cfg.DemoPassword); err != nil {
			return err
		}
	}
	w := demoWindows(a.now())
	existing, err := a.q.GetBatch(ctx, DemoBatchID)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		if err := a.q.CreateBatch(ctx, db.CreateBatchParams{ID: DemoBatchID, Name: "演示批次（开发环境）",
			RegistrationOpensAt: w[0], RegistrationClosesAt: w[1], PaymentOpensAt: w[2], PaymentClosesAt: w[3],
			ExamStartsAt: w[4]}); err != nil && !isUniqueViolation(err) {
			return fmt.Errorf("seed demo batch: %w", err)
		}
	case err != nil:
		return fmt.Errorf("seed demo batch: %w", err)
	case existing.RegistrationClosesAt.Before(a.now()):
		if _, err := a.q.UpdateBatch(ctx, db.UpdateBatchParams{ID: DemoBatchID, Name: existing.Name,
			RegistrationOpensAt: w[0], RegistrationClosesAt: w[1], PaymentOpensAt: w[2], PaymentClosesAt: w[3],
			ExamStartsAt: w[4]}); err != nil {
			return fmt.Errorf("seed demo batch: move windows: %w", err)
		}
	}
	a.log.Warn("development seed: demo staff accounts (their password is SKILLCERT_DEMO_PASSWORD, shown by make dev)",
		slog.String("city_reviewers", "city_<region> and city2_<region>, e.g. city_hohhot, city_baotou"),
		slog.String("others", "provincial1 provincial2 committee1..committee4 supervisor supervisor_hohhot"),
		slog.String("batch", DemoBatchID))
	return nil
}

// demoWindows are the demo batch's registration opening and closing, payment opening and closing and exam
// start: registration from yesterday for 30 days, payment from today for 40 days, the exam 10 days later.
func demoWindows(now time.Time) [5]time.Time {
	today := skillcert.DateOf(now)
	return [5]time.Time{
		today.AddDays(-1).Start(),
		today.AddDays(30).End(),
		today.Start(),
		today.AddDays(40).End(),
		today.AddDays(50).Start().Add(9 * time.Hour),
	}
}
