package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"

	"skillcert"
	"skillcert/pdfdoc"
)

// sign returns the payment platform's X-Signature of body: hex(HMAC-SHA256(secret, body)).
func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// files are the documents every applicant uploads, generated once per run.
type files struct {
	photo   []byte // white-background portrait PNG
	scan    []byte // a small PDF standing for a scanned document
	summary []byte // 专业技术总结: a PDF with more than 1000 Chinese characters
	paper   []byte // 技术论文 for 高级技师: more than 3000
}

// makeFiles renders the fixtures with the project's PDF renderer and CJK font.
func makeFiles() (files, error) {
	var f files
	var err error
	if f.photo, err = portraitPNG(300, 420); err != nil {
		return f, err
	}
	font, err := pdfdoc.FindFont(os.Getenv)
	if err != nil {
		return f, err
	}
	r, err := pdfdoc.NewRenderer(font)
	if err != nil {
		return f, fmt.Errorf("pdf renderer: %w", err)
	}
	if f.scan, err = r.TextPDF("扫描件", "本文件为压力测试生成的材料扫描件，内容仅用于检查上传流程。"); err != nil {
		return f, fmt.Errorf("render scan: %w", err)
	}
	if f.summary, err = r.TextPDF("专业技术总结", chineseText(1200)); err != nil {
		return f, fmt.Errorf("render summary: %w", err)
	}
	if f.paper, err = r.TextPDF("技术论文", chineseText(3300)); err != nil {
		return f, fmt.Errorf("render paper: %w", err)
	}
	return f, nil
}

// summaryParagraph is the text the technical summaries repeat (only Chinese characters count toward the
// minimum length, so the generator counts those).
const summaryParagraph = "近三年来本人在岗位上认真履行职责，围绕设备运行维护、安全生产和技术改进开展工作，" +
	"参与完成多项技术革新项目，总结形成了规范的操作流程和故障处理方法，带领班组成员开展技能培训，" +
	"提高了整体业务水平和服务质量，得到单位和群众的一致好评。"

// chineseText returns paragraphs of summaryParagraph holding at least n Chinese characters.
func chineseText(n int) string {
	var b strings.Builder
	count := 0
	for count < n {
		for _, r := range summaryParagraph {
			b.WriteRune(r)
			if r >= 0x4E00 && r <= 0x9FFF {
				count++
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// portraitPNG draws a head-and-shoulders silhouette on white, the shape the photo check expects.
func portraitPNG(w, h int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	white, dark, shirt := color.RGBA{255, 255, 255, 255}, color.RGBA{60, 45, 40, 255}, color.RGBA{30, 50, 90, 255}
	cx, cy, rx, ry := float64(w)/2, float64(h)*0.38, float64(w)*0.2, float64(h)*0.17
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := white
			dx, dy := (float64(x)-cx)/rx, (float64(y)-cy)/ry
			switch {
			case dx*dx+dy*dy <= 1:
				c = dark
			case float64(y) > float64(h)*0.62 && absf(float64(x)-cx) < float64(w)*0.45-(float64(h)-float64(y))*0.3:
				c = shirt
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode photo: %w", err)
	}
	return buf.Bytes(), nil
}

func absf(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// idNumber returns a valid resident ID number (Hohhot address code) unique for i < 9000*1000 within a run.
func idNumber(i int) string {
	birth := skillcert.NewDate(1972, 1, 1).AddDays(i % 9000)
	first17 := fmt.Sprintf("150102%04d%02d%02d%03d", birth.Year, int(birth.Month), birth.Day, (i/9000)%1000)
	check, _ := skillcert.IDCheckChar(first17)
	return first17 + string(check)
}

// phone returns a mainland mobile number unique for i < 10^8.
func phone(i int) string { return fmt.Sprintf("139%08d", i) }

// surnames and given names for the applicants' names.
var (
	surnames   = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
	givenNames = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欢阳佳")
)

// personName returns a two- or three-character Chinese name for i.
func personName(i int) string {
	s := surnames[i%len(surnames)]
	g1 := givenNames[(i/len(surnames))%len(givenNames)]
	if i%3 == 0 {
		return string([]rune{s, g1})
	}
	g2 := givenNames[(i/7+i)%len(givenNames)]
	return string([]rune{s, g1, g2})
}
