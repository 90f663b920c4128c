package pdfdoc

import "fmt"

// ApplicationForm renders the filled 附件5 内蒙古自治区机关事业单位技能人员职业技能等级认定申报表 on one A4
// page: the applicant's data in a table with the photo, the applicant's pledge and signature line, and
// boxes for the employer's opinion and stamp and for the preliminary and re-review opinions. The
// applicant prints it, signs it, has it stamped and uploads the scan back.
func (r *Renderer) ApplicationForm(f FormData) ([]byte, error) {
	d, err := r.newDoc(false)
	if err != nil {
		return nil, err
	}
	d.newPage()
	const x, width = 40.0, 515.0
	d.setSize(12)
	d.text(x, 30, "附件5")
	d.setSize(16)
	d.textAligned(x, 52, width, "内蒙古自治区机关事业单位技能人员职业技能等级认定申报表", alignCenter)
	d.setSize(9.5)
	d.text(x, 82, "申报批次："+f.BatchName)
	d.textAligned(x, 82, width, "申报编号："+f.ApplicationID, alignRight)

	// Rows beside the photo: label 88 | value 140 | label 82 | value 105 | photo 100.
	const rowH, photoW = 30.0, 100.0
	y := 98.0
	top := y
	y = d.row(x, y, rowH, label(88, "姓名"), value(140, f.Name), label(82, "性别"), value(105, f.Gender))
	y = d.row(x, y, rowH, label(88, "身份证号"), value(140, f.IDNumber), label(82, "出生日期"), value(105, chineseDate(f.BirthDate)))
	y = d.row(x, y, rowH, label(88, "联系电话"), value(140, f.Phone), label(82, "文化程度"), value(105, f.Education))
	y = d.row(x, y, rowH, label(88, "单位性质"), value(140, f.EmployerType), label(82, "所在盟市"), value(105, f.Region))
	d.photoBox(x+width-photoW, top, photoW, y-top, f.Photo, "近期免冠白底\n彩色证件照")

	occupation := f.OccupationName
	if f.OccupationCode != "" {
		occupation = fmt.Sprintf("%s（%s）", f.OccupationName, f.OccupationCode)
	}
	y = d.row(x, y, rowH, label(88, "工作单位"), value(width-88, f.Employer))
	y = d.row(x, y, rowH, label(88, "申报职业（工种）"), value(140, occupation), label(82, "申报等级"), value(width-310, f.LevelName))
	y = d.row(x, y, rowH, label(88, "申报类型"), value(140, f.PathwayLabel), label(82, "从事本职业起始时间"), value(width-310, chineseDate(f.OccupationStartedOn)))
	y = d.row(x, y, rowH, label(88, "现有职业技能等级证书"), value(width-88, orNone(f.PreviousCertificate)))
	y = d.row(x, y, rowH, label(88, "专业技术职称"), value(width-88, orNone(f.Title)))
	y = d.row(x, y, rowH, label(88, "退役军人工资待遇"), value(width-88, orNone(f.Veteran)))
	y = d.row(x, y, 100, label(88, "主要工作经历及业绩"), value(width-88, f.WorkHistory))

	y = d.opinionBox(x, y, 88, width, 62, "申报人承诺",
		"本人承诺以上所填信息及提交的材料真实、准确、有效，如有伪造、瞒报、误报等情况，自愿承担相应责任。",
		"申报人（签名）：                    年      月      日")
	y = d.opinionBox(x, y, 88, width, 78, "所在单位意见", "", "（单位盖章）          年      月      日")
	y = d.opinionBox(x, y, 88, width, 70, "协办单位初审意见", "", "审核人：              （盖章）          年      月      日")
	d.opinionBox(x, y, 88, width, 70, "就促会复审意见", "", "审核人：              （盖章）          年      月      日")
	d.footer(generatedLine(f.ApplicationID, f.GeneratedAt))
	return d.bytes()
}
