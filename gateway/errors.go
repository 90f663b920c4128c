package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/failure"
	"skillcert/internal/outage"
)

// statusOf maps a skillcert error code to its HTTP status: the one table of the gateway.
var statusOf = map[string]int{
	skillcert.EMALFORMED:    http.StatusBadRequest,
	skillcert.EUNAUTHORIZED: http.StatusUnauthorized,
	skillcert.EFORBIDDEN:    http.StatusForbidden,
	skillcert.ENOTFOUND:     http.StatusNotFound,
	skillcert.ECONFLICT:     http.StatusConflict,
	skillcert.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	skillcert.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	skillcert.EINVALID:      http.StatusUnprocessableEntity,
	skillcert.ERATELIMIT:    http.StatusTooManyRequests,
	skillcert.EUNAVAILABLE:  http.StatusServiceUnavailable,
	skillcert.EINTERNAL:     http.StatusInternalServerError,
}

// codeOfStatus is the reverse of statusOf, for errors that only carry a status (Fiber's own).
func codeOfStatus(status int) string {
	for code, s := range statusOf {
		if s == status {
			return code
		}
	}
	if status == http.StatusMethodNotAllowed {
		return skillcert.ENOTFOUND
	}
	if status >= 500 {
		return skillcert.EINTERNAL
	}
	return skillcert.EMALFORMED
}

// classify turns any error into the status and body to answer with. It is the only place where errors
// become HTTP statuses.
func classify(err error) (int, apiError) {
	var (
		fe  *fiber.Error
		upd *client.WorkflowUpdateServiceTimeoutOrCanceledError
	)
	if se, ok := failure.Decode(err); ok { // raised here, or by the workflow through Temporal
		if statusFor(se.Code) == http.StatusInternalServerError {
			if isUnavailable(err) { // an internal error that wraps a dependency's outage
				return unavailableError()
			}
			return internalError() // its message may be a dependency's: never shown
		}
		return statusFor(se.Code), apiError{Code: se.Code, Message: se.Message, Fields: nonNil(se.Fields), Details: se.Extra}
	}
	switch {
	case errors.As(err, &fe):
		return fiberError(fe)
	case errors.As(err, &upd), isUnavailable(err):
		return unavailableError()
	case errors.Is(err, pgx.ErrNoRows):
		return http.StatusNotFound, apiError{Code: skillcert.ENOTFOUND, Message: "未找到", Fields: map[string]string{}}
	}
	return internalError()
}

// unavailableError is every 503 of a dependency's outage; handleError adds Retry-After.
func unavailableError() (int, apiError) {
	return http.StatusServiceUnavailable, apiError{Code: skillcert.EUNAVAILABLE,
		Message: "服务暂时不可用，请稍后重试（请求未丢失）", Fields: map[string]string{}}
}

// internalError is every 500: a fixed message, never one that came from upstream (the log has the cause).
func internalError() (int, apiError) {
	return http.StatusInternalServerError, apiError{Code: skillcert.EINTERNAL, Message: "服务器内部错误", Fields: map[string]string{}}
}

func statusFor(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

func fiberError(fe *fiber.Error) (int, apiError) {
	if fe.Code >= 500 && fe.Code != http.StatusServiceUnavailable {
		return internalError()
	}
	msg := fe.Message
	switch fe.Code {
	case http.StatusRequestEntityTooLarge:
		msg = "请求体过大"
	case http.StatusNotFound:
		msg = "未找到该地址"
	case http.StatusMethodNotAllowed:
		msg = "不支持该请求方法"
	case http.StatusTooManyRequests:
		msg = "请求过于频繁，请稍后再试"
	}
	return fe.Code, apiError{Code: codeOfStatus(fe.Code), Message: msg, Fields: map[string]string{}}
}

// isUnavailable reports whether err means a dependency could not be reached or could not serve for now
// (→ 503 with Retry-After): package outage decides, for Postgres, MinIO, Temporal and the network alike.
// An update whose side effect gave up on a transient failure (an activity that timed out, or exhausted its
// retries on a retryable error) counts too: the request moved to a new Update ID, so a retry runs again.
func isUnavailable(err error) bool {
	return outage.Is(err) || transientActivityFailure(err)
}

// transientActivityFailure reports whether err is an activity's failure that a later attempt may not meet.
func transientActivityFailure(err error) bool {
	var actErr *temporal.ActivityError
	if !errors.As(err, &actErr) {
		return false
	}
	var (
		timeout *temporal.TimeoutError
		appErr  *temporal.ApplicationError
	)
	return errors.As(err, &timeout) || (errors.As(err, &appErr) && !appErr.NonRetryable())
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// handleError is Fiber's error handler: it writes the error body and logs server-side failures.
func (a *app) handleError(c *fiber.Ctx, err error) error {
	status, body := classify(err)
	body.RequestID = requestID(c)
	if status >= 500 {
		a.log.LogAttrs(c.UserContext(), slog.LevelError, "request failed",
			slog.String("request_id", body.RequestID), slog.String("method", c.Method()),
			slog.String("path", c.Path()), slog.Int("status", status), slog.String("error", err.Error()))
	}
	if status == http.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	b, merr := json.Marshal(errorBody{Error: body})
	if merr != nil {
		return fmt.Errorf("encode error body: %w", merr)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}

// Helpers handlers use to build errors.

func errMalformed(format string, args ...any) error {
	return skillcert.Errorf(skillcert.EMALFORMED, format, args...)
}

func errNotFound(what string) error {
	return skillcert.Errorf(skillcert.ENOTFOUND, "%s不存在或无权访问", what)
}

func errForbidden(format string, args ...any) error {
	return skillcert.Errorf(skillcert.EFORBIDDEN, format, args...)
}

func errConflict(format string, args ...any) error {
	return skillcert.Errorf(skillcert.ECONFLICT, format, args...)
}

func errUnauthorized(msg string) error {
	return &skillcert.Error{Code: skillcert.EUNAUTHORIZED, Message: msg}
}

// fieldErrors collects per-field reasons and becomes one 422 error.
type fieldErrors map[string]string

// add records reason for field unless the field already has one.
func (f fieldErrors) add(field, reason string) {
	if _, ok := f[field]; !ok {
		f[field] = reason
	}
}

// addErr records the field reasons of a *skillcert.Error (or its message under field).
func (f fieldErrors) addErr(field string, err error) {
	var se *skillcert.Error
	if errors.As(err, &se) && len(se.Fields) > 0 {
		for k, v := range se.Fields {
			f.add(k, v)
		}
		return
	}
	var msg string
	if errors.As(err, &se) {
		msg = se.Message
	} else {
		msg = err.Error()
	}
	f.add(field, msg)
}

// err returns nil when no field failed, else an EINVALID *skillcert.Error listing them.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	msg := "提交的信息有误，请按提示修改"
	if len(f) == 1 {
		for _, v := range f {
			msg = v
		}
	}
	return &skillcert.Error{Code: skillcert.EINVALID, Message: msg, Fields: f}
}

func fieldConflict(field, reason string) error {
	return skillcert.FieldError(skillcert.ECONFLICT, field, reason)
}

func fieldInvalid(field, reason string) error {
	return skillcert.FieldError(skillcert.EINVALID, field, reason)
}
