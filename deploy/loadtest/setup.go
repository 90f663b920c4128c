package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"skillcert"
)

// staffPassword is the password of every staff account the load test creates.
const staffPassword = "Bench2022staff"

// applicantPassword is the password of every applicant.
const applicantPassword = "Bench2022apply"

// account is a signed-in user.
type account struct {
	UserID, Login, Token, Region, Employer string
}

// staff are the accounts that act on the applications: two city reviewers per region (初审, and the second
// operator of skill scores), two provincial reviewers (复审 and theory double entry), three committee members
// of employers no applicant has.
type staff struct {
	admin      account
	city       map[string][2]account
	provincial [2]account
	committee  [3]account
}

// loginResponse is the answer of POST /api/v1/auth/login.
type loginResponse struct {
	Token  string  `json:"token"`
	Role   string  `json:"role"`
	Region *string `json:"region"`
	UserID string  `json:"user_id"`
}

// login signs in and returns the account.
func login(ctx context.Context, api *apiClient, loginName, password string) (account, error) {
	var out loginResponse
	err := api.do(ctx, call{method: "POST", route: "/api/v1/auth/login", path: "/api/v1/auth/login",
		body: map[string]string{"login": loginName, "password": password}, out: &out, busyRetries: 5})
	if err != nil {
		return account{}, err
	}
	a := account{UserID: out.UserID, Login: loginName, Token: out.Token}
	if out.Region != nil {
		a.Region = *out.Region
	}
	return a, nil
}

// createStaff creates one staff account through the admin API and signs it in.
func createStaff(ctx context.Context, api *apiClient, admin account, username, name, role, region, employer string) (account, error) {
	body := map[string]string{"username": username, "password": staffPassword, "name": name, "role": role,
		"region": region, "employer": employer}
	if err := api.do(ctx, call{method: "POST", route: "/api/v1/admin/users", path: "/api/v1/admin/users",
		token: admin.Token, body: body, want: 201}); err != nil {
		return account{}, err
	}
	a, err := login(ctx, api, username, staffPassword)
	a.Region, a.Employer = region, employer
	return a, err
}

// committeeEmployers are the committee members' employers; applicants work elsewhere.
var committeeEmployers = [3]string{"内蒙古职业技术学院", "包头职业技术学院", "赤峰工业职业技术学院"}

// setupStaff signs the admin in and creates the staff of the given regions.
func setupStaff(ctx context.Context, api *apiClient, adminPassword, prefix string, regions []string) (*staff, error) {
	admin, err := login(ctx, api, "admin", adminPassword)
	if err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	s := &staff{admin: admin, city: map[string][2]account{}}
	for i, r := range regions {
		var pair [2]account
		for j := range pair {
			if pair[j], err = createStaff(ctx, api, admin, fmt.Sprintf("%scity%02d%c", prefix, i, 'a'+j),
				fmt.Sprintf("%s初审员%d", r, j+1), "city_reviewer", r, ""); err != nil {
				return nil, fmt.Errorf("city reviewer of %s: %w", r, err)
			}
		}
		s.city[r] = pair
	}
	for j := range s.provincial {
		if s.provincial[j], err = createStaff(ctx, api, admin, fmt.Sprintf("%sprov%c", prefix, 'a'+j),
			fmt.Sprintf("复审员%d", j+1), "provincial_reviewer", "", ""); err != nil {
			return nil, fmt.Errorf("provincial reviewer: %w", err)
		}
	}
	for j := range s.committee {
		if s.committee[j], err = createStaff(ctx, api, admin, fmt.Sprintf("%scomm%c", prefix, 'a'+j),
			fmt.Sprintf("评审委员%d", j+1), "committee_member", "", committeeEmployers[j]); err != nil {
			return nil, fmt.Errorf("committee member: %w", err)
		}
	}
	return s, nil
}

// createBatch creates a batch whose registration and payment windows are open now.
func createBatch(ctx context.Context, api *apiClient, admin account, id string, now time.Time) error {
	ts := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	day := 24 * time.Hour
	body := map[string]string{"id": id, "name": "压力测试批次 " + id,
		"registration_opens_at": ts(-time.Hour), "registration_closes_at": ts(30 * day),
		"payment_opens_at": ts(-time.Hour), "payment_closes_at": ts(40 * day), "exam_starts_at": ts(50 * day)}
	return api.do(ctx, call{method: "POST", route: "/api/v1/admin/batches", path: "/api/v1/admin/batches",
		token: admin.Token, body: body, want: 201})
}

// registerApplicant registers applicant number i and signs in.
func registerApplicant(ctx context.Context, api *apiClient, i int) (account, error) {
	body := map[string]string{"phone": phone(i), "password": applicantPassword, "name": personName(i), "id_number": idNumber(i)}
	if err := api.do(ctx, call{method: "POST", route: "/api/v1/auth/register", path: "/api/v1/auth/register",
		body: body, want: 201, busyRetries: 5}); err != nil {
		return account{}, err
	}
	return login(ctx, api, phone(i), applicantPassword)
}

// registerApplicants registers and signs in applicants first..first+n-1 at the given concurrency. Failed
// ones are left empty (their error is in the log).
func registerApplicants(ctx context.Context, api *apiClient, first, n, conc int) ([]account, int) {
	out := make([]account, n)
	failed := parallel(ctx, n, conc, func(ctx context.Context, i int) error {
		a, err := registerApplicant(ctx, api, first+i)
		out[i] = a
		return err
	})
	return out, failed
}

// parallel runs f(0..n-1) on conc goroutines and returns how many calls failed; it goes on after failures.
func parallel(ctx context.Context, n, conc int, f func(ctx context.Context, i int) error) int {
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < max(1, min(conc, n)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(ctx, i); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return int(failed.Load())
}

// regionWeights spreads applicants over the 14 regions roughly by population.
var regionWeights = []int{20, 14, 3, 13, 9, 9, 8, 6, 6, 5, 4, 1, 1, 1}

// pick returns the index chosen by u (0 ≤ u < sum of weights) from weights.
func pick(weights []int, u int) int {
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	return len(weights) - 1
}

// regionOf returns the region of applicant i.
func regionOf(i int) string {
	total := 0
	for _, w := range regionWeights {
		total += w
	}
	return skillcert.Regions[pick(regionWeights, (i*7919)%total)]
}
