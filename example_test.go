package skillcert_test

import (
	"errors"
	"fmt"

	"skillcert"
)

func ExampleParseIDNumber() {
	today := skillcert.Date{Year: 2022, Month: 6, Day: 21}
	id, err := skillcert.ParseIDNumber("11010519491231002x", today)
	fmt.Println(id.Number, id.Birth, id.Female, id.Masked(), err)

	_, err = skillcert.ParseIDNumber("110105194912310021", today)
	var e *skillcert.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.Fields["id_number"])
	}
	// Output:
	// 11010519491231002X 1949-12-31 true 1101**********002X <nil>
	// invalid 身份证号码校验码错误，请核对号码是否输入有误
}

func ExampleCheckEligibility() {
	base := skillcert.EligibilityRequest{
		OccupationCode: "6-31-01-03", Conditions: "template2018",
		Education: skillcert.EducationBachelor, OccupationStartedOn: skillcert.Date{Year: 2012, Month: 3, Day: 1},
		AsOf: skillcert.Date{Year: 2022, Month: 6, Day: 21},
	}

	// 贯通: a 中级 title in 工程 opens 二级 (技师), and only that level.
	title := base
	title.Pathway = skillcert.PathwayTitle
	title.Title = &skillcert.Title{Field: "工程", Grade: skillcert.TitleIntermediate,
		ObtainedOn: skillcert.Date{Year: 2018, Month: 9, Day: 1}}
	title.Level = skillcert.Level2
	fmt.Println("贯通 二级:", skillcert.CheckEligibility(title))
	title.Level = skillcert.Level1
	for _, v := range skillcert.CheckEligibility(title) {
		fmt.Println("贯通 一级:", v.Code, v.Message)
	}

	// 平转 stops at 技师.
	lateral := base
	lateral.Pathway, lateral.Level = skillcert.PathwayLateral, skillcert.Level1
	lateral.PreviousCertificate = &skillcert.PreviousCertificate{Number: "S000015150100151000007",
		Level: skillcert.Level1, OccupationCode: "4-02-02-01", IssuedOn: skillcert.Date{Year: 2015, Month: 9, Day: 1}}
	for _, v := range skillcert.CheckEligibility(lateral) {
		fmt.Println("平转 一级:", v.Code)
	}

	// A veteran paid at 中级工 treatment may apply for 五级 or 四级, not 三级.
	veteran := base
	veteran.Pathway, veteran.Level = skillcert.PathwayVeteran, skillcert.Level3
	veteran.Veteran = &skillcert.Veteran{TreatmentLevel: skillcert.Level4, SinceYear: 2016}
	for _, v := range skillcert.CheckEligibility(veteran) {
		fmt.Println("退役军人 三级:", v.Code)
	}
	// Output:
	// 贯通 二级: []
	// 贯通 一级: title.level 取得中级专业技术职称可贯通申报二级/技师，不能申报一级/高级技师
	// 平转 一级: lateral.level
	// 退役军人 三级: veteran.level
}

func ExampleEligibilityError() {
	req := skillcert.EligibilityRequest{
		OccupationCode: "6-31-01-03", Level: skillcert.Level4, Pathway: skillcert.PathwayStandard,
		Education: skillcert.EducationHighSchool, OccupationStartedOn: skillcert.Date{Year: 2019, Month: 7, Day: 1},
		AsOf: skillcert.Date{Year: 2022, Month: 6, Day: 21},
	}
	err := skillcert.EligibilityError(skillcert.CheckEligibility(req))
	var e *skillcert.Error
	errors.As(err, &e)
	fmt.Println(e.Code)
	fmt.Println(e.Fields["occupation_started_on"])
	for _, v := range e.Extra["rules"].([]skillcert.Violation) {
		fmt.Println(v.Code)
	}
	// Output:
	// invalid
	// 「累计从事本职业或相关职业满6年」未满足：截至2022-06-21从事本职业仅满2年
	// standard.level4.certificate_years
	// standard.level4.years
	// standard.level4.technical_school
}

func ExampleChecklist() {
	for _, r := range skillcert.Checklist(skillcert.Level1, skillcert.PathwayTitle) {
		fmt.Println(r.DocType, r.Required, r.Kinds, r.MaxBytes, r.MinChars)
	}
	// Output:
	// application_form true [pdf png jpeg] 20971520 0
	// id_card_front true [pdf png jpeg] 20971520 0
	// id_card_back true [pdf png jpeg] 20971520 0
	// education_certificate true [pdf png jpeg] 20971520 0
	// integrity_pledge true [pdf png jpeg] 20971520 0
	// photo true [png bmp jpeg] 2097151 0
	// title_certificate true [pdf png jpeg] 20971520 0
	// technical_summary true [pdf] 20971520 1000
	// technical_paper true [pdf] 20971520 3000
}

func ExampleJudgeScores() {
	theory, _ := skillcert.ParseScore(72.5)
	skill, _ := skillcert.ParseScore(60)
	s := skillcert.Scores{Theory: &theory, Skill: &skill}

	o := skillcert.JudgeScores(skillcert.Level3, s)
	fmt.Println("三级:", o.Complete, o.Passed)

	o = skillcert.JudgeScores(skillcert.Level2, s)
	fmt.Println("技师:", o.Complete, o.NeedsPanel, o.Reasons)

	panel := skillcert.PanelMean([]skillcert.Score{580, 610, 605})
	s.Comprehensive = &panel
	o = skillcert.JudgeScores(skillcert.Level2, s)
	fmt.Println("技师 with panel", panel, ":", o.Complete, o.Passed, o.Failed, o.Reasons)
	// Output:
	// 三级: true true
	// 技师: false true [理论知识考试和技能考核合格，待技能人才评审委员会综合评审]
	// 技师 with panel 59.8 : true false [comprehensive] [综合评审成绩 59.8 分，未达到 60 分]
}

func ExampleFeeTable_Total() {
	fees := skillcert.DefaultFees() // placeholder amounts: configure the real table
	fen, _ := fees.Total(skillcert.Level2)
	fmt.Println(fen, skillcert.FormatFen(fen))
	// Output: 50000 500.00
}

func ExampleNewCertificateNumber() {
	c, _ := skillcert.NewCertificateNumber("150100", 2022, skillcert.Level3, 42)
	fmt.Println(c)
	back, _ := skillcert.ParseCertificateNumber(c.String())
	fmt.Println(back.SiteCode, back.Year, back.Level.Name(), back.Serial)
	// Output:
	// S000015150100223000042
	// 150100 2022 高级工 42
}

func ExampleCalendar_IsWorkday() {
	cal := skillcert.DefaultCalendar()
	for _, s := range []string{"2022-10-08", "2022-10-03", "2027-03-01"} {
		d, _ := skillcert.ParseDate(s)
		ok, err := cal.IsWorkday(d)
		fmt.Println(s, d.Weekday(), ok, err)
	}
	// Output:
	// 2022-10-08 Saturday true <nil>
	// 2022-10-03 Monday false <nil>
	// 2027-03-01 Monday false invalid: 工作日历未收录2027年的节假日安排（已收录2020至2026年） (date: 2027-03-01)
}

func ExampleCalendar_AddWorkdays() {
	cal := skillcert.DefaultCalendar()
	fri := skillcert.Date{Year: 2022, Month: 9, Day: 30}
	next, _ := cal.AddWorkdays(fri, 1) // the start day never counts
	due, _ := cal.AddWorkdays(fri, 5)  // e.g. a 5-working-day correction deadline
	n, _ := cal.WorkdaysBetween(fri, due)
	fmt.Println(next, due, n)
	// Output: 2022-10-08 2022-10-12 5
}

func ExampleTransition() {
	to, _ := skillcert.Transition(skillcert.StatusAwaitingPayment, skillcert.EventPaymentConfirmed)
	fmt.Println(to)
	_, err := skillcert.Transition(skillcert.StatusCertified, skillcert.EventWithdraw)
	fmt.Println(skillcert.ErrorCode(err))
	// Output:
	// exam_scheduled
	// invalid
}

func ExampleMaskName() {
	fmt.Println(skillcert.MaskName("张三"), skillcert.MaskName("欧阳娜娜"), skillcert.MaskName("那顺·巴雅尔"))
	// Output: 张* 欧**娜 那*·**尔
}
