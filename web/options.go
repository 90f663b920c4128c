package web

import (
	"strconv"

	"skillcert"
)

// option is one <option> of a select: value and Chinese label.
type option struct{ V, L string }

// selectArgs feed the "select" template.
type selectArgs struct {
	P       page
	Name    string
	Label   string
	Options []option
}

// addOptionFuncs adds the select helpers to the template functions.
func addOptionFuncs(funcs map[string]any) {
	funcs["sel"] = func(p page, name, label string, opts []option) selectArgs {
		return selectArgs{P: p, Name: name, Label: label, Options: opts}
	}
	funcs["batchOptions"] = func(bs []batch) []option {
		var out []option
		for _, b := range bs {
			if b.RegistrationOpen {
				out = append(out, option{b.ID, b.Name})
			}
		}
		return out
	}
	funcs["stringOptions"] = func(ss []string) []option {
		out := make([]option, len(ss))
		for i, s := range ss {
			out[i] = option{s, s}
		}
		return out
	}
	funcs["occupationOptions"] = func(os []occupation) []option {
		out := make([]option, len(os))
		for i, o := range os {
			out[i] = option{o.Code, o.Name + "（" + o.Code + "）"}
		}
		return out
	}
	funcs["employerTypes"] = func() []option {
		return []option{{string(skillcert.EmployerAgency), skillcert.EmployerAgency.Label()},
			{string(skillcert.EmployerInstitution), skillcert.EmployerInstitution.Label()}}
	}
	funcs["levelOptions"] = func() []option {
		var out []option
		for l := skillcert.Level5; l >= skillcert.Level1; l-- {
			out = append(out, option{strconv.Itoa(int(l)), l.Label()})
		}
		return out
	}
	funcs["educationOptions"] = func() []option {
		var out []option
		for _, e := range []skillcert.Education{skillcert.EducationJuniorHigh, skillcert.EducationHighSchool,
			skillcert.EducationTechnicalSchool, skillcert.EducationSeniorTechnicalSchool, skillcert.EducationVocationalCollege,
			skillcert.EducationBachelor, skillcert.EducationMaster, skillcert.EducationDoctor} {
			out = append(out, option{string(e), e.Label()})
		}
		return out
	}
	funcs["pathwayOptions"] = func() []option {
		var out []option
		for _, p := range []skillcert.Pathway{skillcert.PathwayStandard, skillcert.PathwayLateral, skillcert.PathwayTitle, skillcert.PathwayVeteran} {
			out = append(out, option{string(p), p.Label()})
		}
		return out
	}
	funcs["sub"] = func(a, b int) int { return a - b }
	funcs["taskTypeOptions"] = func() []option {
		var out []option
		for _, t := range skillcert.TaskTypes {
			out = append(out, option{string(t), taskTypeLabels[string(t)]})
		}
		return out
	}
	funcs["taskStateOptions"] = func() []option {
		return []option{{"open", taskStateLabels["open"]}, {"claimed", taskStateLabels["claimed"]}, {"completed", taskStateLabels["completed"]}}
	}
	funcs["statusOptions"] = func() []option {
		var out []option
		for _, st := range skillcert.AllStatuses {
			out = append(out, option{string(st), st.Label()})
		}
		return out
	}
	funcs["scoreComponents"] = func() []option { return []option{{"theory", "理论知识"}, {"skill", "操作技能"}} }
	funcs["staffRoleOptions"] = func() []option {
		var out []option
		for _, r := range skillcert.StaffRoles {
			out = append(out, option{string(r), r.Label()})
		}
		return out
	}
	funcs["titleGradeOptions"] = func() []option {
		var out []option
		for _, g := range []string{"assistant", "junior", "intermediate", "associate_senior", "senior"} {
			out = append(out, option{g, skillcert.TitleGrade(g).Label()})
		}
		return out
	}
}
