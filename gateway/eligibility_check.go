package gateway

import (
	"github.com/gofiber/fiber/v2"

	"skillcert"
)

// checkEligibility runs exactly the checks of POST /api/v1/applications (batch, region, employer,
// occupation and the domain's eligibility rules) without creating anything: 200 when they all pass, else
// the same 422 naming every failing field and rule.
func (a *app) checkEligibility(c *fiber.Ctx) error {
	var req createApplicationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	_, _, er, err := a.validateApplication(c.UserContext(), req)
	if err != nil {
		return err
	}
	return c.JSON(eligibilityView{Eligible: true, Checklist: skillcert.ApplicationChecklist(er)})
}

// eligibilityRoutes is the self-check that the applicant portal shows before applying.
func (a *app) eligibilityRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/eligibility/check", Roles: rolesApplicant, Handler: a.checkEligibility,
			Tag: "applications", Summary: "Eligibility self-check: the checks of creating an application, nothing created",
			Request: createApplicationRequest{}, Response: eligibilityView{}, Errors: []int{422}},
	}
}
