package client

import (
	"context"
	"net/http"

	"skillcert/api"
)

// Claim claims a task of the caller's role and region (POST /api/v1/tasks/{id}/claim).
func (c *Client) Claim(ctx context.Context, taskID string) (api.Task, error) {
	var out api.Task
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/tasks/", taskID, "/claim"), nil, &out)
}

// Unclaim gives a claimed task back to the pool.
func (c *Client) Unclaim(ctx context.Context, taskID string) (api.Task, error) {
	var out api.Task
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/tasks/", taskID, "/unclaim"), nil, &out)
}

// AssignTask assigns a task to a user.
func (c *Client) AssignTask(ctx context.Context, taskID, userID string) (api.Task, error) {
	var out api.Task
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/tasks/", taskID, "/assign"), api.AssignTaskRequest{UserID: userID}, &out)
}

// CompleteTask decides a task (POST /api/v1/tasks/{id}/complete).
func (c *Client) CompleteTask(ctx context.Context, taskID string, req api.CompleteTaskRequest) (api.CompleteTaskResponse, error) {
	var out api.CompleteTaskResponse
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/tasks/", taskID, "/complete"), req, &out)
}

// CreateExamSession creates an exam session (provincial; POST /api/v1/exam-sessions).
func (c *Client) CreateExamSession(ctx context.Context, req api.CreateExamSessionRequest) (api.ExamSession, error) {
	var out api.ExamSession
	return out, c.Do(ctx, http.MethodPost, "/api/v1/exam-sessions", req, &out)
}

// ExamSession reads one exam session.
func (c *Client) ExamSession(ctx context.Context, id string) (api.ExamSession, error) {
	var out api.ExamSession
	return out, c.Do(ctx, http.MethodGet, p("/api/v1/exam-sessions/", id), nil, &out)
}

// AssignSeats seats the paid applications of an exam session and issues their admission tickets.
func (c *Client) AssignSeats(ctx context.Context, sessionID string) (api.SeatAssignment, error) {
	var out api.SeatAssignment
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/exam-sessions/", sessionID, "/assign"), nil, &out)
}

// SubmitRoster records that the city submitted the session's roster.
func (c *Client) SubmitRoster(ctx context.Context, sessionID string) (api.ExamSession, error) {
	var out api.ExamSession
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/exam-sessions/", sessionID, "/roster"), nil, &out)
}

// Attendance records whether an applicant sat the exam (city).
func (c *Client) Attendance(ctx context.Context, sessionID, applicationID string, present bool) (api.StatusResponse, error) {
	var out api.StatusResponse
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/exam-sessions/", sessionID, "/attendance"),
		api.AttendanceRequest{ApplicationID: applicationID, Present: &present}, &out)
}

// EnterScore enters one operator's score of a component (theory or skill); score is a number or a string
// such as "78.5".
func (c *Client) EnterScore(ctx context.Context, applicationID, component string, score any) (api.ScoreResponse, error) {
	var out api.ScoreResponse
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/applications/", applicationID, "/scores"),
		api.ScoreRequest{Component: component, Score: score}, &out)
}

// Evaluate records a committee member's evaluation.
func (c *Client) Evaluate(ctx context.Context, applicationID string, score any, comment string) (api.EvaluationResponse, error) {
	var out api.EvaluationResponse
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/applications/", applicationID, "/evaluations"),
		api.EvaluationRequest{Score: score, Comment: comment}, &out)
}
