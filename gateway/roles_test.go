package gateway

import "skillcert"

// Role names as untyped strings, for test helpers that build request bodies and staff accounts.
const (
	roleApplicant          = string(skillcert.RoleApplicant)
	roleCityReviewer       = string(skillcert.RoleCityReviewer)
	roleProvincialReviewer = string(skillcert.RoleProvincialReviewer)
	roleCommitteeMember    = string(skillcert.RoleCommitteeMember)
	roleSupervisor         = string(skillcert.RoleSupervisor)
	roleAdmin              = string(skillcert.RoleAdmin)
)
