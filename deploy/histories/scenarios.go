package main

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"skillcert/codec"
)

// scenario is one end state of the corpus: its file name, what it shows and how to reach it.
type scenario struct {
	name, about, status string
	run                 func(f *flow)
}

// Previous certificates the applicants declare (made-up numbers of the documented format).
var (
	level4Certificate = map[string]any{"number": "S000015000001124000456", "level": 4, "occupation_code": occupation, "issued_on": "2012-06-01"}
	level3Certificate = map[string]any{"number": "S000015000001153000123", "level": 3, "occupation_code": occupation, "issued_on": "2015-06-01"}
)

// scenarios are every end state the corpus records. status is the application's status when its history
// is saved.
var scenarios = []scenario{
	{"certified-level3", "三级 (高级工) passes theory and skill and is certified; the workflow stays open for revocation", "certified",
		func(f *flow) {
			f.create(3, level4Certificate)
			f.submit()
			f.review()
			f.pay(1)
			f.attend(f.seat(3, 0), true)
			f.scores(78.5, 81)
			f.wait("certified", 2*time.Minute)
		}},
	{"certified-technician-panel", "技师 passes the exam, three committee members form the panel, their mean certifies", "certified",
		func(f *flow) {
			f.create(2, level3Certificate)
			f.submit()
			f.review()
			f.pay(1)
			f.attend(f.seat(2, 0), true)
			f.scores(80, 76.5)
			f.wait("comprehensive_review", 2*time.Minute)
			for i, m := range f.staff.committee {
				f.call(http.StatusOK, "POST", "/api/v1/applications/"+f.app+"/evaluations", m,
					map[string]any{"score": 70 + i, "comment": "技术总结扎实"}, nil)
			}
			f.wait("certified", 2*time.Minute)
		}},
	{"failed-scores", "五级: skill 80 is confirmed; a mismatched theory double entry is re-entered, and the confirmed theory 45 fails the application", "failed",
		func(f *flow) {
			f.create(5, nil)
			f.submit()
			f.review()
			f.pay(1)
			f.attend(f.seat(5, 0), true)
			f.score(f.staff.city[0], "skill", 80)
			f.score(f.staff.city[1], "skill", 80)
			f.score(f.staff.prov[0], "theory", 45)
			f.score(f.staff.prov[1], "theory", 54) // mismatch: both discarded, entry reopens
			f.score(f.staff.prov[1], "theory", 45)
			f.score(f.staff.prov[0], "theory", 45)
			f.wait("failed", 2*time.Minute)
		}},
	{"expired-unpaid", "an order is created but never paid; the organiser shortens the window, the reminder and then the deadline fire", "expired",
		func(f *flow) {
			f.create(5, nil)
			f.submit()
			f.review()
			f.order()
			f.patchBatch(time.Now().Add(10 * time.Second))
			f.wait("expired", 3*time.Minute)
			f.check = func(events []*historypb.HistoryEvent) error {
				if scheduled(events, "Notify") == 0 {
					return errors.New("no payment reminder was sent")
				}
				return nil
			}
		}},
	{"expired-after-window-extension", "the window is shortened, its reminder fires, then it is extended: the case outlives the first deadline and expires at the second", "expired",
		func(f *flow) {
			f.create(5, nil)
			f.submit()
			f.review()
			t0 := time.Now().Truncate(time.Second)
			first, second := t0.Add(15*time.Second), t0.Add(27*time.Second)
			f.patchBatch(first) // reminder at +12 s (SKILLCERT_PAYMENT_REMINDER=3s)
			f.sleepUntil(t0.Add(13 * time.Second))
			f.patchBatch(second)
			f.wait("expired", 3*time.Minute)
			f.check = func(events []*historypb.HistoryEvent) error {
				signals := eventsOf(events, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
				switch {
				case len(signals) != 2:
					return fmt.Errorf("%d window changes reached the workflow, want 2", len(signals))
				case !signals[1].EventTime.AsTime().Before(first):
					return errors.New("the extension reached the workflow after the first deadline (machine too slow; run again)")
				case eventsOf(events, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)[0].EventTime.AsTime().Before(second):
					return errors.New("the application expired before the extended deadline")
				case scheduled(events, "Notify") == 0:
					return errors.New("no payment reminder was sent")
				}
				return nil
			}
		}},
	{"withdrawn", "the applicant withdraws while the payment timers run", "withdrawn",
		func(f *flow) {
			f.create(5, nil)
			f.submit()
			f.review()
			var a application
			f.call(http.StatusOK, "POST", "/api/v1/applications/"+f.app+"/withdraw", f.applicant.token, map[string]string{"reason": "本人工作调动"}, &a)
			f.expect(a, "withdrawn")
		}},
	{"correction-resubmitted", "初审 and then 复审 return the application with a bad photo; each time it is corrected, resubmitted and approved by the reviewer who returned it", "awaiting_payment",
		func(f *flow) {
			bad := map[string]string{"doc_type": "photo", "verdict": "bad", "reason": "照片背景不符合要求"}
			f.create(5, nil)
			f.submit()
			f.decide(f.staff.city[0], "preliminary_review", "return", "请重新上传照片", bad)
			f.wait("correction_needed", 2*time.Minute)
			f.upload("photo")
			f.submit()
			f.decide(f.staff.city[0], "correction_review", "approve", "补正后符合要求")
			f.decide(f.staff.prov[0], "re_review", "return", "照片仍不清晰", bad)
			f.wait("correction_needed", 2*time.Minute)
			f.upload("photo")
			f.submit()
			f.decide(f.staff.prov[0], "correction_review", "approve", "补正后符合要求")
			f.wait("awaiting_payment", 2*time.Minute)
		}},
	{"correction-deadline-pending", "初审 returns the application; its correction deadline (working days) and reminder timers are armed but cannot fire during a recording", "correction_needed",
		func(f *flow) {
			f.create(5, nil)
			f.submit()
			f.decide(f.staff.city[0], "preliminary_review", "return", "请补充学历证明",
				map[string]string{"doc_type": "photo", "verdict": "bad", "reason": "照片模糊"})
			f.wait("correction_needed", 2*time.Minute)
		}},
	{"no-show", "the applicant pays, is seated and does not come to the exam: abandoned", "abandoned",
		func(f *flow) {
			f.create(5, nil)
			f.submit()
			f.review()
			f.pay(1)
			f.attend(f.seat(5, 0), false)
			f.wait("abandoned", 2*time.Minute)
		}},
	{"skill-scores-escalated", "the exam was held 30 days ago and no skill score came in: the overdue scores go to the provincial reviewers at once; the late scores then certify", "certified",
		func(f *flow) {
			f.create(5, nil)
			f.submit()
			f.review()
			f.pay(1)
			f.attend(f.seat(5, 30), true)
			f.waitAction("skill_scores_overdue", 2*time.Minute)
			f.scores(72, 66)
			f.wait("certified", 2*time.Minute)
		}},
	{"revoked-after-certification", "四级 (中级工) is certified, then fraud is found and the admin revokes it; the workflow ends", "revoked",
		func(f *flow) {
			f.create(4, nil)
			f.submit()
			f.review()
			f.pay(1)
			f.attend(f.seat(4, 0), true)
			f.scores(88, 90)
			f.wait("certified", 2*time.Minute)
			f.call(http.StatusOK, "POST", "/api/v1/admin/applications/"+f.app+"/revoke", f.staff.admin,
				map[string]string{"reason": "学历证明系伪造"}, nil)
			f.wait("revoked", 2*time.Minute)
		}},
	{"duplicate-payment-callbacks", "the payment platform sends the same confirmation five times; the case waits for its exam seat", "exam_scheduled",
		func(f *flow) {
			f.create(5, nil)
			f.submit()
			f.review()
			f.pay(5)
		}},
	{"rejected-at-re-review", "初审 approves, 复审 rejects: the workflow ends without a timer", "rejected",
		func(f *flow) {
			f.create(5, nil)
			f.submit()
			f.decide(f.staff.city[0], "preliminary_review", "approve", "材料齐全")
			f.decide(f.staff.prov[0], "re_review", "reject", "从事本职业年限不足")
			f.wait("rejected", 2*time.Minute)
		}},
}

// waitAction polls the application's history until it shows action.
func (f *flow) waitAction(action string, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for f.err == nil {
		var a struct {
			History []struct {
				Action string `json:"action"`
			} `json:"history"`
		}
		f.call(http.StatusOK, "GET", "/api/v1/applications/"+f.app, f.staff.prov[0], nil, &a)
		for _, h := range a.History {
			if h.Action == action {
				return
			}
		}
		if time.Now().After(deadline) {
			f.fail("no %s after %v", action, limit)
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// eventsOf returns the events of type t.
func eventsOf(events []*historypb.HistoryEvent, t enumspb.EventType) []*historypb.HistoryEvent {
	var out []*historypb.HistoryEvent
	for _, e := range events {
		if e.EventType == t {
			out = append(out, e)
		}
	}
	return out
}

// scheduled counts the activities of type activity that the workflow ran: regular activities (their
// scheduled events) and local activities (their markers, whose data the development codec key decodes).
func scheduled(events []*historypb.HistoryEvent, activity string) int {
	n := 0
	for _, e := range events {
		if e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == activity || localActivityType(e) == activity {
			n++
		}
	}
	return n
}

// localActivityType is the activity type of a local activity's marker event ("" for other events).
func localActivityType(e *historypb.HistoryEvent) string {
	m := e.GetMarkerRecordedEventAttributes()
	if m.GetMarkerName() != "LocalActivity" || len(m.GetDetails()["data"].GetPayloads()) == 0 {
		return ""
	}
	c, err := codec.Parse(codec.DevKeyring)
	if err != nil {
		return ""
	}
	var data struct{ ActivityType string }
	if err := c.DataConverter().FromPayload(m.GetDetails()["data"].GetPayloads()[0], &data); err != nil {
		return ""
	}
	return data.ActivityType
}
