package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/schema/db"
	"skillcert/workflows"
)

func (a *app) createPaymentOrder(c *fiber.Ctx) error {
	row, err := a.loadApplication(c)
	if err != nil {
		return err
	}
	var order workflows.PaymentOrder
	if err := a.update(c.UserContext(), row.ID, workflows.UpdateCreatePaymentOrder,
		workflows.ActorRequest{Actor: user(c).actor()}, &order); err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(paymentOrderResponse{OrderID: order.OrderID, AmountFen: order.AmountFen,
		PayURL: a.cfg.PublicURL + "/pay/" + order.OrderID, DueAt: order.DueAt})
}

// verifySignature checks X-Signature: hex HMAC-SHA256 of the raw body under the payment secret.
func (a *app) verifySignature(c *fiber.Ctx) error {
	sig, err := hex.DecodeString(strings.TrimSpace(c.Get("X-Signature")))
	if err != nil || len(sig) != sha256.Size {
		return errUnauthorized("签名无效")
	}
	mac := hmac.New(sha256.New, []byte(a.cfg.PaymentSecret))
	mac.Write(rawBody(c)) // the bytes as sent: compressed bodies never get here (refuseContentEncoding)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return errUnauthorized("签名无效")
	}
	return nil
}

// paymentCallback applies a signed payment. Repeats are harmless (the workflow knows the transaction);
// an unknown order or a wrong amount is refused (422); a payment for an application that no longer awaits
// payment is recorded as owed back and answered 409.
func (a *app) paymentCallback(c *fiber.Ctx) error {
	if err := a.verifySignature(c); err != nil {
		return err
	}
	var req paymentCallback
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	paidAt, perr := time.Parse(time.RFC3339, trimmed(req.PaidAt))
	if perr != nil {
		f.add("paid_at", "支付时间格式应为 RFC 3339")
	}
	if trimmed(req.TransactionID) == "" || len(req.TransactionID) > 128 {
		f.add("transaction_id", "缺少交易流水号")
	}
	ctx := c.UserContext()
	var order db.PaymentOrder
	if !validUUID(req.OrderID) {
		f.add("order_id", "订单不存在")
	} else {
		var err error
		order, err = a.q.GetPaymentOrder(ctx, req.OrderID)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			f.add("order_id", "订单不存在")
		case err != nil:
			return fmt.Errorf("read payment order: %w", err)
		case order.ApplicationID != req.ApplicationID:
			f.add("application_id", "订单与申报不符")
		case order.AmountFen != req.AmountFen:
			f.add("amount_fen", fmt.Sprintf("金额不符：应付 %d 分，实付 %d 分", order.AmountFen, req.AmountFen))
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	// A repeated callback is answered from state: the payment is on record, and nothing reaches the workflow.
	prev, err := a.q.GetPaymentByTransaction(ctx, req.TransactionID)
	switch {
	case err == nil:
		return a.repeatedCallback(c, order, req, prev)
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("read payment: %w", err)
	}
	var res workflows.ConfirmPaymentResult
	err = a.update(ctx, order.ApplicationID, workflows.UpdateConfirmPayment, workflows.ConfirmPaymentRequest{
		OrderID: order.ID, TransactionID: req.TransactionID, AmountFen: req.AmountFen, PaidAt: paidAt}, &res)
	if dup, ok := duplicatePayment(err); ok { // the workflow has the transaction: its validator refused the repeat
		return c.JSON(paymentCallbackResponse{Status: "duplicate", ApplicationID: order.ApplicationID, ApplicationStatus: dup})
	}
	if status, _ := classify(err); err != nil && (status == http.StatusConflict || workflowEnded(err)) {
		return a.refundDue(c, order, req, paidAt, err)
	}
	if err != nil {
		return err
	}
	status := "applied"
	if res.Duplicate {
		status = "duplicate"
	}
	return c.JSON(paymentCallbackResponse{Status: status, ApplicationID: order.ApplicationID, ApplicationStatus: string(res.Status)})
}

// repeatedCallback answers a callback whose transaction is already recorded: 200 duplicate when it was
// applied, the same 409 as the first time when it is owed back, 422 when the transaction belongs to
// another order.
func (a *app) repeatedCallback(c *fiber.Ctx, order db.PaymentOrder, req paymentCallback, prev db.Payment) error {
	if prev.OrderID != order.ID || prev.AmountFen != req.AmountFen {
		return fieldInvalid("transaction_id", "该交易流水号已用于另一笔支付")
	}
	if prev.Outcome != "applied" {
		return &skillcert.Error{Code: skillcert.ECONFLICT, Message: "该申报已不在待缴费状态，款项已登记待退回",
			Extra: map[string]any{"outcome": "refund_due", "application_id": order.ApplicationID}}
	}
	row, err := a.q.GetApplication(c.UserContext(), order.ApplicationID)
	if err != nil {
		return fmt.Errorf("read application: %w", err)
	}
	return c.JSON(paymentCallbackResponse{Status: "duplicate", ApplicationID: order.ApplicationID, ApplicationStatus: string(row.Status)})
}

// duplicatePayment reports whether err is the workflow's refusal of a transaction it already has, and the
// application's status from the refusal's details.
func duplicatePayment(err error) (string, bool) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrDuplicatePayment {
		return "", false
	}
	var fields map[string]string
	_ = appErr.Details(&fields)
	return fields["status"], true
}

// refundDue records a payment the application can no longer take and answers 409.
func (a *app) refundDue(c *fiber.Ctx, order db.PaymentOrder, req paymentCallback, paidAt time.Time, cause error) error {
	_, body := classify(cause)
	reason := "申报已不在待缴费状态：" + body.Message
	if err := a.q.RecordPayment(detached(c), db.RecordPaymentParams{TransactionID: req.TransactionID, OrderID: order.ID,
		ApplicationID: order.ApplicationID, AmountFen: req.AmountFen, PaidAt: paidAt, Outcome: "refund_due",
		Reason: &reason}); err != nil {
		return fmt.Errorf("record payment for refund: %w", err)
	}
	return &skillcert.Error{Code: skillcert.ECONFLICT, Message: "该申报已不在待缴费状态，款项已登记待退回",
		Extra: map[string]any{"outcome": "refund_due", "application_id": order.ApplicationID}}
}

// paymentRoutes are the applicant's order and the platform's callback.
func (a *app) paymentRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/applications/:id/payment", Roles: rolesApplicant, Handler: a.createPaymentOrder,
			Tag: "payments", Summary: "Create (or return) the payment order", Response: paymentOrderResponse{},
			Status: 201, Errors: []int{404, 409, 503}, Idempotent: true},
		{Method: "POST", Path: "/api/v1/payments/callback", Public: true, Handler: a.paymentCallback, Tag: "payments",
			Summary: "Payment platform callback, signed with X-Signature: hex(HMAC-SHA256(secret, body))",
			Request: paymentCallback{}, Response: paymentCallbackResponse{}, Errors: []int{401, 409, 422, 503}, Idempotent: true},
	}
}
