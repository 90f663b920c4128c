package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"skillcert"
)

// funcs are the template helpers: Chinese labels and Asia/Shanghai times. They format, they decide nothing.
var funcs = template.FuncMap{
	"dt":        formatTime,
	"date":      func(t time.Time) string { return t.In(skillcert.ChinaZone).Format("2006-01-02") },
	"level":     func(l int32) string { return skillcert.Level(l).Label() },
	"pathway":   func(p string) string { return skillcert.Pathway(p).Label() },
	"education": func(e string) string { return skillcert.Education(e).Label() },
	"status":    func(s string) string { return orDefault(skillcert.Status(s).Label(), s) },
	"role":      func(r string) string { return orDefault(roleLabels[r], r) },
	"taskType":  func(t string) string { return orDefault(taskTypeLabels[t], t) },
	"taskState": func(s string) string { return orDefault(taskStateLabels[s], s) },
	"docState":  func(s string) string { return orDefault(docStateLabels[s], s) },
	"action":    actionLabel,
	"yuan":      skillcert.FormatFen,
	"workdays":  workdaysLeft,
	"deref":     func(s *string) string { return derefString(s) },
	"short":     func(id string) string { return shortID(id) },
	"local":     func(t time.Time) string { return t.In(skillcert.ChinaZone).Format("2006-01-02T15:04") },
	"field":     func(name, label, typ string) fieldSpec { return fieldSpec{Name: name, Label: label, Type: typ} },
	"with2":     func(p page, f fieldSpec) fieldArgs { return fieldArgs{P: p, F: f} },
}

// fieldSpec and fieldArgs feed the "input" template: a labelled input with its error next to it.
type fieldSpec struct{ Name, Label, Type string }
type fieldArgs struct {
	P page
	F fieldSpec
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// shortID is the first block of a UUID, enough to tell cases apart on screen.
func shortID(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

// formatTime shows a time in Asia/Shanghai; the zero time is blank.
func formatTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(skillcert.ChinaZone).Format("2006-01-02 15:04")
	case *time.Time:
		if v == nil {
			return ""
		}
		return formatTime(*v)
	}
	return ""
}

// workdaysLeft says how many State Council working days remain until a deadline (Asia/Shanghai dates).
func workdaysLeft(due *time.Time) string {
	if due == nil {
		return ""
	}
	today := skillcert.DateOf(time.Now())
	end := skillcert.DateOf(*due)
	if !today.Before(end) {
		if time.Now().After(*due) {
			return "已过期"
		}
		return "今日截止"
	}
	n, err := skillcert.DefaultCalendar().WorkdaysBetween(today, end)
	if err != nil {
		return fmt.Sprintf("还剩 %d 天", int(time.Until(*due).Hours()/24))
	}
	return fmt.Sprintf("还剩 %d 个工作日", n)
}

var roleLabels = map[string]string{
	"applicant": "申报人", "city_reviewer": "盟市初审员", "provincial_reviewer": "就促会复审员",
	"committee_member": "评审委员", "supervisor": "监管员", "admin": "系统管理员", "system": "系统",
}

var taskTypeLabels = map[string]string{
	"preliminary_review": "资格初审", "re_review": "资格复审", "correction_review": "补正审核",
	"score_entry": "成绩录入", "score_confirmation": "成绩确认", "comprehensive_review": "综合评审", "incident": "异常处理",
}

var taskStateLabels = map[string]string{"open": "待领取", "claimed": "已领取", "completed": "已完成"}

var docStateLabels = map[string]string{
	"missing": "未上传", "pending": "待检查", "uploaded": "已上传", "accepted": "已通过检查", "rejected": "不合格",
	"ok": "审核通过", "bad": "需重新上传",
}

var actionLabels = map[string]string{
	"created": "创建申报", "submit": "提交申报", "withdraw": "撤回申报", "revoke": "撤销证书",
	"payment_order_created": "生成缴费订单", "payment_confirmed": "缴费成功", "exam_assigned": "安排考场",
	"attended": "参加考试", "no_show": "缺考", "score_entered": "录入成绩", "score_mismatch": "两次录入不一致",
	"score_confirmed": "成绩确认", "evaluation_recorded": "综合评审打分", "skill_scores_overdue": "技能成绩逾期上报",
	"batch_windows_changed": "批次时间调整", "document_accepted": "材料通过检查", "resubmit_to_preliminary": "补正后重新提交", "resubmit_to_re_review": "补正后重新提交", "document_rejected": "材料未通过检查",
	"incident_retry": "异常处理：重试写入", "incident_abandon": "异常处理：放弃写入",
}

// actionLabel names an audit action; review decisions are "<stage>_<decision>".
func actionLabel(a string) string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	for _, d := range []struct{ suffix, label string }{{"_approve", "通过"}, {"_return", "退回补正"}, {"_reject", "不予通过"}} {
		if stage, ok := strings.CutSuffix(a, d.suffix); ok {
			return orDefault(taskTypeLabels[stage], stage) + d.label
		}
	}
	return orDefault(skillcert.Status(a).Label(), a)
}

func levelLabel(l int32) string { return funcs["level"].(func(int32) string)(l) }
