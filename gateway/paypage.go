package gateway

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"skillcert"
)

// The pay_url of an order points here. In production the payment platform's own page takes over; this
// page shows the order, and with SKILLCERT_DEV_SEED=1 it can also simulate the platform's signed callback,
// so the whole flow can be tried without a payment platform.

var payPage = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>缴纳考核费用</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.5em;text-align:left}
th{width:35%;background:#f6f6f6}.note{color:#666}</style>
</head><body><h1>缴纳考核费用</h1>
{{if .Found}}<table>
<tr><th>订单号</th><td>{{.OrderID}}</td></tr>
<tr><th>申报编号</th><td>{{.ApplicationID}}</td></tr>
<tr><th>金额</th><td>{{.Amount}}</td></tr>
<tr><th>缴费截止</th><td>{{.Due}}</td></tr>
<tr><th>状态</th><td>{{.Status}}</td></tr>
</table>
{{if .Dev}}<form method="post" action="/pay/{{.OrderID}}/simulate"><p><button type="submit">模拟支付成功（开发环境）</button></p></form>
{{if .Result}}<p>{{.Result}}</p>{{end}}{{else}}<p class="note">请按缴费平台的指引完成支付。</p>{{end}}
{{else}}<p>订单不存在。</p>{{end}}
</body></html>`))

// payPageData fills payPage.
type payPageData struct {
	Found                               bool
	OrderID, ApplicationID, Amount, Due string
	Status, Result                      string
	Dev                                 bool
	amountFen                           int64
}

func (a *app) loadPayPage(c *fiber.Ctx) (payPageData, error) {
	id := c.Params("order_id")
	d := payPageData{OrderID: id, Dev: a.cfg.DevSeed}
	if !validUUID(id) {
		return d, nil
	}
	o, err := a.q.GetPaymentOrder(c.UserContext(), id)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("read payment order: %w", err)
	}
	d.Found, d.ApplicationID, d.amountFen = true, o.ApplicationID, o.AmountFen
	d.Amount = skillcert.FormatFen(o.AmountFen)
	d.Due = o.DueAt.In(skillcert.ChinaZone).Format("2006-01-02 15:04")
	d.Status = map[string]string{"open": "待支付", "paid": "已支付", "cancelled": "已取消"}[o.Status]
	return d, nil
}

func (a *app) renderPayPage(c *fiber.Ctx, d payPageData) error {
	var buf bytes.Buffer
	if err := payPage.Execute(&buf, d); err != nil {
		return fmt.Errorf("render pay page: %w", err)
	}
	status := http.StatusOK
	if !d.Found {
		status = http.StatusNotFound
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(buf.Bytes())
}

func (a *app) showPayPage(c *fiber.Ctx) error {
	d, err := a.loadPayPage(c)
	if err != nil {
		return err
	}
	return a.renderPayPage(c, d)
}

// simulatePayment (development only) sends the platform's callback for the order, signed with the
// payment secret, through the same handler the platform uses.
func (a *app) simulatePayment(c *fiber.Ctx) error {
	if !a.cfg.DevSeed {
		return errNotFound("页面")
	}
	d, err := a.loadPayPage(c)
	if err != nil || !d.Found {
		if err == nil {
			err = a.renderPayPage(c, d)
		}
		return err
	}
	body, err := json.Marshal(paymentCallback{OrderID: d.OrderID, ApplicationID: d.ApplicationID, AmountFen: d.amountFen,
		PaidAt: a.now().Format(time.RFC3339), TransactionID: "dev-" + uuid.NewString()})
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, []byte(a.cfg.PaymentSecret))
	mac.Write(body)
	c.Request().SetBody(body)
	c.Request().Header.Set("X-Signature", hex.EncodeToString(mac.Sum(nil)))
	if err := a.paymentCallback(c); err != nil {
		_, e := classify(err)
		d.Result = "支付未成功：" + e.Message
	} else {
		d.Result = "已模拟支付成功，申报进入待考试状态。"
	}
	if d, err = a.reloadStatus(c, d); err != nil {
		return err
	}
	return a.renderPayPage(c, d)
}

// reloadStatus refreshes the order status shown after a simulated payment.
func (a *app) reloadStatus(c *fiber.Ctx, d payPageData) (payPageData, error) {
	fresh, err := a.loadPayPage(c)
	if err != nil {
		return d, err
	}
	fresh.Result = d.Result
	return fresh, nil
}

// payPageRoutes are the order page behind pay_url and its development-only payment simulator.
func (a *app) payPageRoutes() []route {
	return []route{
		{Method: "GET", Path: "/pay/:order_id", Public: true, Handler: a.showPayPage, Tag: "payments",
			Summary: "Payment page of an order (pay_url)", ContentType: "text/html", Errors: []int{404}},
		{Method: "POST", Path: "/pay/:order_id/simulate", Public: true, Handler: a.simulatePayment, Tag: "payments",
			Summary:     "Development only (SKILLCERT_DEV_SEED=1): simulate the platform's signed callback",
			ContentType: "text/html", Errors: []int{404}},
	}
}
