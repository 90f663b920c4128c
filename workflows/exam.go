package workflows

import (
	"slices"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

func (w *application) validateCreateOrder(ctx workflow.Context, req ActorRequest) error {
	if err := w.requireOwner(req.Actor); err != nil {
		return err
	}
	if err := w.requireStatus(skillcert.StatusAwaitingPayment); err != nil {
		return err
	}
	now := workflow.Now(ctx)
	if !now.Before(w.paymentDue()) {
		return conflict("缴费期限已过")
	}
	if now.Before(w.in.Batch.PaymentOpensAt) {
		return refuse(skillcert.EINVALID, "缴费尚未开始，开始时间："+w.in.Batch.PaymentOpensAt.In(skillcert.ChinaZone).Format("2006-01-02 15:04"), nil)
	}
	if w.in.FeeFen <= 0 {
		return refuse(skillcert.EINVALID, "未配置该等级的收费标准", nil)
	}
	return nil
}

// createOrder returns the application's payment order, creating it on the first call.
func (w *application) createOrder(ctx workflow.Context, req ActorRequest) (PaymentOrder, error) {
	due := w.paymentDue()
	if w.st.Order != nil && w.st.Order.DueAt.Equal(due) {
		return *w.st.Order, nil
	}
	order := PaymentOrder{AmountFen: w.in.FeeFen, DueAt: due,
		OrderID: uuid.NewSHA1(uuid.MustParse(w.in.ApplicationID), []byte("payment-order")).String()}
	in := contract.OrderInput{OrderID: order.OrderID, ApplicationID: w.in.ApplicationID, AmountFen: order.AmountFen, DueAt: due, At: workflow.Now(ctx)}
	s := step{action: "payment_order_created", actor: req.Actor, details: order}
	if w.fused() {
		s.effect = &effect{order: &in, before: w.st}
		w.st.Order = &order
		if _, err := w.apply(ctx, s); err != nil {
			return PaymentOrder{}, err
		}
		return order, nil
	}
	if err := w.sideEffect(ctx, sideEffectOptions(), contract.CreatePaymentOrder, in, nil); err != nil {
		return PaymentOrder{}, err
	}
	w.st.Order = &order
	if _, err := w.apply(ctx, s); err != nil {
		return PaymentOrder{}, err
	}
	return order, nil
}

func (w *application) validateConfirmPayment(ctx workflow.Context, req ConfirmPaymentRequest) error {
	if err := w.ready(); err != nil {
		return err
	}
	if w.st.Order == nil || req.OrderID != w.st.Order.OrderID {
		return invalidInput("order_id", "订单不存在")
	}
	if req.AmountFen != w.st.Order.AmountFen {
		return invalidInput("amount_fen", "支付金额与应缴费用不符")
	}
	if req.TransactionID == "" {
		return invalidInput("transaction_id", "缺少交易流水号")
	}
	if slices.Contains(w.st.Transactions, req.TransactionID) {
		// A repeated callback is refused before it reaches the history; the gateway answers it from state.
		return refuse(ErrDuplicatePayment, "该笔支付已处理", map[string]string{"status": string(w.st.Status)})
	}
	if err := w.requireStatus(skillcert.StatusAwaitingPayment); err != nil {
		return err
	}
	if !workflow.Now(ctx).Before(w.paymentDue()) {
		return conflict("缴费期限已过")
	}
	return nil
}

// ErrDuplicatePayment is the refusal of a payment callback whose transaction the application already has;
// its details carry the application's status. It is not a failure: the first callback was applied.
const ErrDuplicatePayment = "duplicate_payment"

func (w *application) confirmPayment(ctx workflow.Context, req ConfirmPaymentRequest) (ConfirmPaymentResult, error) {
	if slices.Contains(w.st.Transactions, req.TransactionID) {
		return ConfirmPaymentResult{Status: w.st.Status, Duplicate: true}, nil
	}
	in := contract.PaymentInput{
		TransactionID: req.TransactionID, OrderID: req.OrderID, ApplicationID: w.in.ApplicationID,
		AmountFen: req.AmountFen, PaidAt: req.PaidAt, Outcome: "applied",
	}
	s := step{action: "payment_confirmed", event: skillcert.EventPaymentConfirmed, actor: Actor{Role: skillcert.RoleSystem},
		details: map[string]any{"transaction_id": req.TransactionID, "amount_fen": req.AmountFen, "paid_at": req.PaidAt},
		notify:  applicantNote(w, "paid", "缴费成功，请等待考场安排和准考证。")}
	if w.fused() {
		s.effect = &effect{payment: &in, before: w.st}
	} else if err := w.sideEffect(ctx, sideEffectOptions(), contract.RecordPayment, in, nil); err != nil {
		return ConfirmPaymentResult{}, err
	}
	paidAt := req.PaidAt
	w.st.PaidAt = &paidAt
	w.st.Transactions = append(w.st.Transactions, req.TransactionID)
	r, err := w.apply(ctx, s)
	return ConfirmPaymentResult{Status: r.Status}, err
}

func (w *application) validateAssignExam(_ workflow.Context, req AssignExamRequest) error {
	if err := w.requireRole(req.Actor, skillcert.RoleProvincialReviewer, skillcert.RoleAdmin); err != nil {
		return err
	}
	if err := w.requireStatus(skillcert.StatusExamScheduled); err != nil {
		return err
	}
	if req.SessionID == "" || req.Seat <= 0 || req.StartsAt.IsZero() {
		return invalidInput("session_id", "考场、座位号和考试时间都必须填写")
	}
	return nil
}

func (w *application) assignExam(ctx workflow.Context, req AssignExamRequest) (Result, error) {
	w.st.Exam = &ExamView{SessionID: req.SessionID, Seat: req.Seat, Venue: req.Venue, StartsAt: req.StartsAt}
	return w.apply(ctx, step{action: "exam_assigned", actor: req.Actor, details: w.st.Exam,
		notify: applicantNote(w, "exam_assigned", "您的考场已安排："+req.Venue+"，"+req.StartsAt.In(skillcert.ChinaZone).Format("2006-01-02 15:04")+"，请下载准考证。")})
}

func (w *application) validateAttendance(_ workflow.Context, req AttendanceRequest) error {
	if err := w.requireRole(req.Actor, skillcert.RoleCityReviewer, skillcert.RoleProvincialReviewer); err != nil {
		return err
	}
	if err := w.requireStatus(skillcert.StatusExamScheduled); err != nil {
		return err
	}
	if w.st.Exam == nil {
		return refuse(skillcert.EINVALID, "尚未安排考场，不能登记考试出勤", nil)
	}
	return nil
}

func (w *application) recordAttendance(ctx workflow.Context, req AttendanceRequest) (Result, error) {
	present := req.Present
	w.st.Exam.Attended = &present
	if present {
		return w.apply(ctx, step{action: "attended", event: skillcert.EventAttended, actor: req.Actor})
	}
	return w.apply(ctx, step{action: "no_show", event: skillcert.EventNoShow, actor: req.Actor,
		notify: applicantNote(w, "no_show", "您未在规定时间参加评价，视为自动放弃。")})
}
