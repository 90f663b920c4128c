package gateway

import (
	"reflect"
	"strings"
	"unicode"

	"skillcert"
	"skillcert/workflows"
)

// schemas builds the JSON schemas of the request and response types: every named struct becomes a
// component (#/components/schemas/Name) that operations refer to, and fields whose values the domain
// enumerates carry their enum, description and example.
type schemas struct {
	components map[string]any
	names      map[reflect.Type]string
}

func newSchemas() *schemas {
	return &schemas{components: map[string]any{}, names: map[reflect.Type]string{}}
}

// componentName names t's component: its Go name, exported, with generic arguments appended
// (Page[api.Task] → PageTask); a second type of the same name gets a number.
func (g *schemas) componentName(t reflect.Type) string {
	if n, ok := g.names[t]; ok {
		return n
	}
	name := t.Name()
	if base, args, ok := strings.Cut(name, "["); ok {
		name = base
		for _, a := range strings.Split(strings.TrimSuffix(args, "]"), ",") {
			name += a[strings.LastIndexAny(a, "./")+1:]
		}
	}
	r := []rune(name)
	r[0] = unicode.ToUpper(r[0])
	name = string(r)
	for n, taken := 2, true; taken; n++ {
		taken = false
		for _, other := range g.names {
			if other == name {
				taken, name = true, string(r)+"_"+string(rune('0'+n))
			}
		}
	}
	g.names[t] = name
	return name
}

// ref returns the schema of a named struct as a reference to its component, building it on first use.
func (g *schemas) ref(t reflect.Type) map[string]any {
	name := g.componentName(t)
	if _, done := g.components[name]; !done {
		g.components[name] = map[string]any{} // placeholder: recursive types stop here
		props := map[string]any{}
		var required []string
		g.addStructFields(t, props, &required)
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		if doc, ok := componentDocs[name]; ok {
			s["description"] = doc
		}
		g.components[name] = s
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// fieldEnums are the values of fields the domain enumerates, by JSON name, with a description in
// Chinese and English.
var fieldEnums = map[string]struct {
	values []any
	doc    string
}{
	"level":           {anys(skillcert.AllLevels), "等级 level: 1 高级技师, 2 技师, 3 高级工, 4 中级工, 5 初级工"},
	"treatment_level": {anys(skillcert.AllLevels), "工资待遇对应等级 the level whose wage treatment a veteran is paid at"},
	"pathway": {anys([]skillcert.Pathway{skillcert.PathwayStandard, skillcert.PathwayLateral, skillcert.PathwayTitle, skillcert.PathwayVeteran}),
		"申报途径 pathway: standard 初次/晋级, lateral 平转, title 贯通, veteran 退役军人"},
	"education": {anys([]skillcert.Education{skillcert.EducationJuniorHigh, skillcert.EducationHighSchool,
		skillcert.EducationTechnicalSchool, skillcert.EducationSeniorTechnicalSchool, skillcert.EducationVocationalCollege,
		skillcert.EducationBachelor, skillcert.EducationMaster, skillcert.EducationDoctor}), "学历 education"},
	"employer_type": {anys([]skillcert.EmployerType{skillcert.EmployerAgency, skillcert.EmployerInstitution}),
		"单位性质 employer type: agency 机关, institution 事业单位"},
	"doc_type": {anys([]skillcert.DocType{skillcert.DocApplicationForm, skillcert.DocIDCardFront, skillcert.DocIDCardBack,
		skillcert.DocEducationCertificate, skillcert.DocIntegrityPledge, skillcert.DocPhoto, skillcert.DocPreviousCertificate,
		skillcert.DocTitleCertificate, skillcert.DocVeteranProof, skillcert.DocTechnicalSummary, skillcert.DocTechnicalPaper}),
		"材料类型 document type (DOMAIN.md, materials)"},
	"verdict": {anys([]skillcert.Verdict{skillcert.VerdictOK, skillcert.VerdictBad}), "材料审核意见 a reviewer's verdict on a document"},
}

// typeEnums are enums of fields whose meaning depends on the type: "Type.json_name".
var typeEnums = map[string]struct {
	values []any
	doc    string
}{
	"AdminApplication.status": {anys(skillcert.AllStatuses), "申报状态 application status"},
	"Application.status":      {anys(skillcert.AllStatuses), "申报状态 application status"},
	"StatusResponse.status":   {anys(skillcert.AllStatuses), "申报状态 application status"},
	"Task.type": {append(anys([]skillcert.TaskType{skillcert.TaskPreliminaryReview, skillcert.TaskReReview, skillcert.TaskCorrectionReview,
		skillcert.TaskScoreEntry, skillcert.TaskScoreConfirmation, skillcert.TaskComprehensiveReview}), workflows.TaskIncident),
		"任务类型 task type (incident: 故障待处理, admins only)"},
	"CompleteTaskRequest.decision": {append(anys([]skillcert.Decision{skillcert.DecisionApprove, skillcert.DecisionReject, skillcert.DecisionReturn}),
		workflows.IncidentRetry, workflows.IncidentAbandon),
		"审核意见 decision: approve 通过, reject 不通过, return 退回补正; on an incident retry 重试 or abandon 放弃"},
	"ScoreRequest.component":  {anys([]skillcert.Component{skillcert.ComponentTheory, skillcert.ComponentSkill}), "成绩科目 component: theory 理论知识, skill 技能考核"},
	"ScoreResponse.component": {anys([]skillcert.Component{skillcert.ComponentTheory, skillcert.ComponentSkill}), "成绩科目 component: theory 理论知识, skill 技能考核"},
	"Title.grade": {anys([]skillcert.TitleGrade{skillcert.TitleAssistant, skillcert.TitleJunior, skillcert.TitleIntermediate,
		skillcert.TitleAssociateSenior, skillcert.TitleSenior}), "职称级别 title grade: assistant 助理级, junior 初级, intermediate 中级, associate_senior 副高级, senior 正高级"},
	"CreateUserRequest.role": {anys(skillcert.StaffRoles), "工作人员角色 staff role"},
	"Task.status": {anys([]skillcert.TaskStatus{skillcert.TaskOpen, skillcert.TaskClaimed, skillcert.TaskCompleted, skillcert.TaskCancelled}),
		"任务状态 task status"},
}

func anys[T any](values []T) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// enumComponents name the enums that several fields share: such a field refers to one component
// (#/components/schemas/Pathway), so that generated clients get one type per enum.
var enumComponents = map[string]string{
	"level": "Level", "pathway": "Pathway", "education": "Education", "employer_type": "EmployerType",
	"doc_type": "DocType", "verdict": "Verdict", "AdminApplication.status": "ApplicationStatus",
	"Application.status": "ApplicationStatus", "StatusResponse.status": "ApplicationStatus", "Task.status": "TaskStatus",
	"Task.type": "TaskType", "CompleteTaskRequest.decision": "Decision", "ScoreRequest.component": "Component",
	"ScoreResponse.component": "Component", "Title.grade": "TitleGrade",
}

// withEnum adds the enum and description of field name of the component named owner to s; a shared enum
// becomes a reference to its component (unless the field is nullable).
func (g *schemas) withEnum(s map[string]any, owner, name string) map[string]any {
	key := owner + "." + name
	e, ok := typeEnums[key]
	if !ok {
		key = name
		e, ok = fieldEnums[name]
	}
	if !ok || s["type"] == nil {
		return s
	}
	s["enum"], s["description"], s["example"] = e.values, e.doc, e.values[0]
	if component := enumComponents[key]; component != "" && s["nullable"] == nil {
		if _, done := g.components[component]; !done {
			g.components[component] = s
		}
		return map[string]any{"$ref": "#/components/schemas/" + component}
	}
	return s
}
