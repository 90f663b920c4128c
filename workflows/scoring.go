package workflows

import (
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

func (w *application) slot(c skillcert.Component) *ScoreSlot {
	if c == skillcert.ComponentTheory {
		return &w.st.Theory
	}
	return &w.st.Skill
}

func (w *application) validateEnterScore(ctx workflow.Context, req EnterScoreRequest) error {
	if err := w.ready(); err != nil {
		return err
	}
	switch req.Component {
	case skillcert.ComponentTheory:
		if err := w.requireRole(req.Actor, skillcert.RoleProvincialReviewer); err != nil {
			return err
		}
	case skillcert.ComponentSkill:
		if err := w.requireRole(req.Actor, skillcert.RoleCityReviewer, skillcert.RoleProvincialReviewer); err != nil {
			return err
		}
	default:
		return invalidInput("component", "component 只能是 theory 或 skill")
	}
	if _, err := skillcert.ParseScore(req.Score.Float()); err != nil {
		return fromDomain(err)
	}
	return w.recheckEnterScore(ctx, req)
}

// enterScore is double entry: the first entry waits; a second operator's matching entry confirms it; a
// mismatch discards both and reopens entry. Once both components are confirmed the result is judged.
func (w *application) enterScore(ctx workflow.Context, req EnterScoreRequest) (EnterScoreResult, error) {
	before := w.st
	slot := w.slot(req.Component)
	out := EnterScoreResult{Component: req.Component}
	details := map[string]any{"component": req.Component, "score": req.Score}
	var s step
	switch {
	case slot.First == nil:
		slot.First = &ScoreEntry{OperatorID: req.Actor.UserID, Score: req.Score}
		out.State = ScoreAwaitingConfirmation
		s = step{action: "score_entered", actor: req.Actor, details: details}
	case slot.First.Score != req.Score:
		details["first_score"] = slot.First.Score
		slot.First = nil
		slot.Round++
		out.State = ScoreMismatch
		s = step{action: "score_mismatch", actor: req.Actor, details: details, reason: "两次录入的成绩不一致，已重新开放录入"}
	default:
		score := req.Score
		slot.Confirmed = &score
		out.State = ScoreConfirmed
		s = step{action: "score_confirmed", actor: req.Actor, details: details}
		if err := w.judge(ctx, &s, before); err != nil {
			if w.longLived() {
				slot.Confirmed = nil // the certificate was not issued: the same entry may be sent again
			}
			return EnterScoreResult{}, err
		}
	}
	r, err := w.apply(ctx, s)
	out.Status = r.Status
	return out, err
}

// judge decides the outcome once scores are complete and adds the event (and certificate) to s. Fused
// executions issue the certificate in the step (s.effect), restoring before when the step fails.
func (w *application) judge(ctx workflow.Context, s *step, before State) error {
	o := skillcert.JudgeScores(w.in.Level, skillcert.Scores{Theory: w.st.Theory.Confirmed, Skill: w.st.Skill.Confirmed, Comprehensive: w.st.Comprehensive})
	switch {
	case !o.Complete && o.NeedsPanel:
		s.event = skillcert.EventScoresPassedToPanel
		if w.st.Status == skillcert.StatusComprehensiveReview {
			s.event = ""
		}
		return nil
	case !o.Complete:
		return nil
	case !o.Passed:
		w.st.Reasons = append(w.st.Reasons, o.Reasons...)
		s.event = skillcert.EventScoresFailed
		if w.st.Status == skillcert.StatusComprehensiveReview {
			s.event = skillcert.EventComprehensiveFailed
		}
		s.notify = applicantNote(w, "failed", "很遗憾，您未通过本次认定："+strings.Join(o.Reasons, "；"))
		return nil
	}
	s.event = skillcert.EventScoresPassed
	if w.st.Status == skillcert.StatusComprehensiveReview {
		s.event = skillcert.EventComprehensivePassed
	}
	if w.fused() { // the certificate is issued in the step's transaction, which fills in its number
		in := w.issueInput(ctx)
		s.effect = &effect{certificate: &in, before: before}
		s.notify = applicantNote(w, "certified", certifiedMessage(contract.CertificateNumberPlaceholder))
		return nil
	}
	number, err := w.issueCertificate(ctx)
	if err != nil {
		return err
	}
	s.notify = applicantNote(w, "certified", certifiedMessage(number))
	return nil
}

// certifiedMessage tells the applicant the certificate number.
func certifiedMessage(number string) string {
	return "恭喜您通过认定，证书编号 " + number + "，可通过单位或本人领取。"
}

func (w *application) issueCertificate(ctx workflow.Context) (string, error) {
	var number string
	err := w.sideEffect(ctx, sideEffectOptions(), contract.IssueCertificate, w.issueInput(ctx), &number)
	if err != nil {
		return "", err
	}
	w.st.CertificateNumber = number
	return number, nil
}

func (w *application) validateEvaluate(_ workflow.Context, req EvaluateRequest) error {
	if err := w.requireRole(req.Actor, skillcert.RoleCommitteeMember); err != nil {
		return err
	}
	if _, err := skillcert.ParseScore(req.Score.Float()); err != nil {
		return fromDomain(err)
	}
	if err := w.requireStatus(skillcert.StatusComprehensiveReview); err != nil {
		return err
	}
	if skillcert.SameEmployer(req.Actor.Employer, w.in.Employer) { // normalised (finding 8 of issue 11)
		return forbidden("评审委员不能评审本单位的申报人员")
	}
	if slices.ContainsFunc(w.st.Panel, func(e Evaluation) bool { return e.MemberID == req.Actor.UserID }) {
		return conflict("您已对该申报评分")
	}
	if len(w.st.Panel) >= w.in.Policy.PanelSize {
		return conflict("评审小组已满")
	}
	return nil
}

// evaluate adds a committee member's score; the first PanelSize distinct members form the panel and their
// mean decides.
func (w *application) evaluate(ctx workflow.Context, req EvaluateRequest) (EvaluateResult, error) {
	before := w.st
	w.st.Panel = append(w.st.Panel, Evaluation{MemberID: req.Actor.UserID, Score: req.Score, Comment: req.Comment})
	s := step{action: "evaluation_recorded", actor: req.Actor, reason: req.Comment, details: map[string]any{"score": req.Score}}
	if len(w.st.Panel) >= w.in.Policy.PanelSize {
		scores := make([]skillcert.Score, len(w.st.Panel))
		for i, e := range w.st.Panel {
			scores[i] = e.Score
		}
		mean := skillcert.PanelMean(scores)
		w.st.Comprehensive = &mean
		if err := w.judge(ctx, &s, before); err != nil {
			if w.longLived() { // the certificate was not issued: the member may send the evaluation again
				w.st.Panel, w.st.Comprehensive = w.st.Panel[:len(w.st.Panel)-1], nil
			}
			return EvaluateResult{}, err
		}
	}
	r, err := w.apply(ctx, s)
	return EvaluateResult{PanelCount: len(w.st.Panel), PanelSize: w.in.Policy.PanelSize, Status: r.Status}, err
}
