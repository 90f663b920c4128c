package pdfdoc

import "fmt"

// pledgeItems are the commitments of the 诚信承诺书.
var pledgeItems = []string{
	"本人所填报的个人信息、工作经历及提交的学历证书、职业技能等级证书、职称证书等全部材料真实、准确、有效，不存在伪造、瞒报、误报等情况。",
	"本人符合所申报职业（工种）和等级的申报条件，所在单位和从事本职业（工种）的时间如实填写。",
	"本人自觉遵守职业技能等级认定的各项规定和考场纪律，服从考务工作人员管理，不请人代考、不替人考试、不携带违规物品。",
	"如有弄虚作假或违反考试纪律的行为，本人自愿接受取消认定资格、认定成绩及已取得的职业技能等级证书等处理，并承担由此产生的一切责任。",
}

// IntegrityPledge renders the 附件6 诚信承诺书 with the applicant's name and ID number filled in and a
// signature and date line, for signing and uploading back.
func (r *Renderer) IntegrityPledge(p PledgeData) ([]byte, error) {
	d, err := r.newDoc(false)
	if err != nil {
		return nil, err
	}
	d.newPage()
	const x, width = 72.0, 451.0
	d.setSize(12)
	d.text(x-20, 40, "附件6")
	d.setSize(22)
	d.textAligned(x, 90, width, "诚 信 承 诺 书", alignCenter)

	d.setSize(13)
	d.leading = 1.9
	y := 160.0
	intro := fmt.Sprintf("本人 %s ，身份证号码 %s ，申报 %s 职业（工种）%s 职业技能等级认定", p.Name, p.IDNumber,
		orNone(p.OccupationName), p.LevelName)
	if p.BatchName != "" {
		intro += "（" + p.BatchName + "）"
	}
	intro += "，现郑重承诺如下："
	y = d.paragraph(x, y, width, "　　"+intro)
	y += 6
	for i, item := range pledgeItems {
		y = d.paragraph(x, y, width, fmt.Sprintf("　　%d. %s", i+1, item))
	}
	y += 30
	d.text(x+220, y, "承诺人（签名）：")
	d.line(x+322, y+d.size+2, x+width, y+d.size+2)
	y += 44
	d.text(x+220, y, "身份证号码："+p.IDNumber)
	y += 44
	d.textAligned(x, y, width, "年        月        日", alignRight)
	d.leading = 0
	d.footer(generatedLine(p.ApplicationID, p.GeneratedAt))
	return d.bytes()
}
