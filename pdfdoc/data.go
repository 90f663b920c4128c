package pdfdoc

import (
	"strings"
	"time"
)

// Issuer is the 评价组织 that issues certificates and admission tickets.
const Issuer = "内蒙古职业培训与就业促进会"

// FormData fills the 申报表 (附件5). Every field is display text chosen by the caller (labels, not codes);
// empty optional lines print as "无".
type FormData struct {
	ApplicationID       string    // 申报编号
	BatchName           string    // 申报批次, e.g. 2022年第一批
	Name                string    // 姓名
	Gender              string    // 性别
	IDNumber            string    // 身份证号 (printed in full: the applicant signs this form)
	BirthDate           string    // 出生日期, YYYY-MM-DD
	Phone               string    // 联系电话
	Education           string    // 文化程度 label, e.g. 大专/高职
	Employer            string    // 工作单位
	EmployerType        string    // 单位性质 label: 机关 or 事业单位
	Region              string    // 所在盟市
	OccupationCode      string    // 职业编码, e.g. 4-07-05-04
	OccupationName      string    // 职业（工种）名称
	LevelName           string    // 申报等级, e.g. 三级/高级工
	PathwayLabel        string    // 申报类型, e.g. 初次/晋级
	OccupationStartedOn string    // 从事本职业（工种）起始日期, YYYY-MM-DD
	PreviousCertificate string    // 现有职业技能等级证书 line (number, level, occupation, date)
	Title               string    // 专业技术职称 line (field, grade, date)
	Veteran             string    // 退役军人工资待遇 line
	WorkHistory         string    // 主要工作经历及业绩; left blank for handwriting when empty
	Photo               []byte    // optional JPEG or PNG photo, printed in the photo box
	GeneratedAt         time.Time // when the form was generated
}

// PledgeData fills the 诚信承诺书 (附件6).
type PledgeData struct {
	ApplicationID  string
	BatchName      string
	Name           string
	IDNumber       string // printed in full: the applicant signs this pledge
	OccupationName string
	LevelName      string
	GeneratedAt    time.Time
}

// TicketData fills the 准考证. The ID number is masked when printed.
type TicketData struct {
	TicketNumber   string // 准考证号, also encoded in the QR code
	ApplicationID  string
	BatchName      string
	Name           string
	Gender         string
	IDNumber       string // printed masked, e.g. 1501**********123X
	OccupationCode string
	OccupationName string
	LevelName      string
	Region         string    // 盟市 of the exam
	Venue          string    // 考点 (name and address)
	Room           string    // 考场, optional
	Seat           string    // 座位号
	StartsAt       time.Time // start of the exam, printed in China Standard Time
	ExamItems      string    // optional, e.g. 理论知识考试、操作技能考核
	Photo          []byte    // optional JPEG or PNG photo
	GeneratedAt    time.Time
}

// CertificateData fills the 职业技能等级证书.
type CertificateData struct {
	Number         string // 证书编号 (22 characters)
	Name           string
	Gender         string
	IDNumber       string // 证件号码, printed in full on the holder's certificate
	OccupationCode string
	OccupationName string
	LevelName      string // e.g. 三级/高级工
	IssuedOn       string // 发证日期, YYYY-MM-DD
	Issuer         string // 发证机构; Issuer when empty
	VerifyURL      string // public URL of /verify/{number}, encoded in the QR code
	Photo          []byte // optional JPEG or PNG photo
	Revoked        bool   // prints a clear 已撤销 mark
	RevokedOn      string // YYYY-MM-DD, optional
	RevokeReason   string // optional
}

// chinaTime is China Standard Time (no daylight saving), used for every printed time.
var chinaTime = time.FixedZone("CST", 8*3600)

// chineseDate formats a YYYY-MM-DD date as 2022年06月21日; other text is returned unchanged.
func chineseDate(s string) string {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return s
	}
	return t.Format("2006年01月02日")
}

// chineseTime formats t in China Standard Time as 2022年08月27日 09:00.
func chineseTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006年01月02日 15:04")
}

// orNone returns s, or 无 when s is blank.
func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "无"
	}
	return s
}

// generatedLine is the small print at the foot of generated documents.
func generatedLine(applicationID string, at time.Time) string {
	parts := []string{"本文件由职业技能等级认定系统生成"}
	if applicationID != "" {
		parts = append(parts, "申报编号 "+applicationID)
	}
	if !at.IsZero() {
		parts = append(parts, "生成时间 "+chineseTime(at))
	}
	return strings.Join(parts, "  ·  ")
}
