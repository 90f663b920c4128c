package pdfdoc

import (
	"fmt"
	"strings"

	"skillcert"
)

// ticketRules are the 考生须知 printed under the admission ticket.
var ticketRules = []string{
	"考生须持本准考证和本人有效居民身份证原件，于开考前30分钟到达考点，按座位号入座，两证齐全方可参加考试。",
	"开考15分钟后不得入场；未按时参加考试的，视为自动放弃。",
	"考生只可携带黑色签字笔等必要文具入场，手机等电子设备须关机并按要求存放。",
	"考生须遵守考场纪律，服从考务人员管理；违纪、作弊者按有关规定处理并取消考试成绩。",
	"本准考证由系统生成，可扫描二维码核验准考证号；请妥善保管至成绩公布。",
}

// AdmissionTicket renders the 准考证: the exam card with name, masked ID number, occupation, level, time,
// venue and seat, the photo and a QR code of the ticket number, followed by the 考生须知.
func (r *Renderer) AdmissionTicket(t TicketData) ([]byte, error) {
	if strings.TrimSpace(t.TicketNumber) == "" {
		return nil, fmt.Errorf("admission ticket: ticket number is empty")
	}
	d, err := r.newDoc(false)
	if err != nil {
		return nil, err
	}
	d.newPage()
	const x, width = 50.0, 495.0
	d.setSize(12)
	d.textAligned(x, 44, width, strings.TrimSpace(Issuer+"  "+t.BatchName), alignCenter)
	d.setSize(22)
	d.textAligned(x, 66, width, "职业技能等级认定准考证", alignCenter)

	occupation := t.OccupationName
	if t.OccupationCode != "" {
		occupation = fmt.Sprintf("%s（%s）", t.OccupationName, t.OccupationCode)
	}
	seat := t.Seat
	if t.Room != "" {
		seat = fmt.Sprintf("第 %s 考场  %s 号", t.Room, t.Seat)
	}
	// Card: label 90 | value 280 | photo/QR column 125.
	const rowH, labelW, valueW, sideW = 34.0, 90.0, 280.0, 125.0
	y := 110.0
	top := y
	rows := []struct{ name, text string }{
		{"准考证号", t.TicketNumber},
		{"姓　　名", t.Name},
		{"性　　别", t.Gender},
		{"身份证号", skillcert.MaskIDNumber(t.IDNumber)},
		{"职业（工种）", occupation},
		{"认定等级", t.LevelName},
		{"考试科目", t.ExamItems},
		{"考试时间", chineseTime(t.StartsAt)},
		{"考　　点", strings.TrimSpace(t.Region + " " + t.Venue)},
		{"考场座位", seat},
	}
	for _, row := range rows {
		y = d.row(x, y, rowH, label(labelW, row.name), value(valueW, row.text))
	}
	side := x + labelW + valueW
	d.box(side, top, sideW, y-top)
	d.photoBox(side+15, top+14, sideW-30, 130, t.Photo, "考生照片")
	d.qr(t.TicketNumber, side+17.5, top+170, sideW-35)
	d.setSize(8.5)
	d.textAligned(side, top+170+sideW-35+4, sideW, "扫码核验准考证号", alignCenter)

	y += 28
	d.setSize(13)
	d.text(x, y, "考生须知")
	y += 24
	d.setSize(10.5)
	for i, rule := range ticketRules {
		y = d.paragraph(x, y, width, fmt.Sprintf("%d. %s", i+1, rule)) + 3
	}
	d.footer(generatedLine(t.ApplicationID, t.GeneratedAt))
	return d.bytes()
}
