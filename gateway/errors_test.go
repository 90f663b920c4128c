package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/failure"
)

func TestClassify(t *testing.T) {
	// appErr makes the error as the client receives it: through the failure converter, as over the wire.
	fc := temporal.GetDefaultFailureConverter()
	wire := func(sent error) error {
		return fmt.Errorf("update submit: %w", fc.FailureToError(fc.ErrorToFailure(sent)))
	}
	appErr := func(code string, fields map[string]string) error {
		return wire(failure.Refuse(code, "refused: "+code, fields))
	}
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
		wantField  string // a field that must be in error.fields
		wantInMsg  string
	}{
		{"domain invalid with field", fmt.Errorf("x: %w", skillcert.FieldError(skillcert.EINVALID, "id_number", "bad")), 422, skillcert.EINVALID, "id_number", "bad"},
		{"domain malformed", skillcert.Errorf(skillcert.EMALFORMED, "not json"), 400, skillcert.EMALFORMED, "", ""},
		{"domain unauthorized", errUnauthorized("who"), 401, skillcert.EUNAUTHORIZED, "", ""},
		{"domain forbidden", errForbidden("no"), 403, skillcert.EFORBIDDEN, "", ""},
		{"domain not found", errNotFound("申报"), 404, skillcert.ENOTFOUND, "", "申报"},
		{"domain conflict", errConflict("dup"), 409, skillcert.ECONFLICT, "", ""},
		{"domain too large", skillcert.Errorf(skillcert.ETOOLARGE, "big"), 413, skillcert.ETOOLARGE, "", ""},
		{"domain unsupported", skillcert.Errorf(skillcert.EUNSUPPORTED, "gif"), 415, skillcert.EUNSUPPORTED, "", ""},
		{"domain rate limited", skillcert.Errorf(skillcert.ERATELIMIT, "slow"), 429, skillcert.ERATELIMIT, "", ""},
		{"domain unavailable", skillcert.Errorf(skillcert.EUNAVAILABLE, "down"), 503, skillcert.EUNAVAILABLE, "", ""},
		{"fiber 404", fiber.ErrNotFound, 404, skillcert.ENOTFOUND, "", ""},
		{"fiber 413", fiber.ErrRequestEntityTooLarge, 413, skillcert.ETOOLARGE, "", "过大"},
		{"fiber 405", fiber.ErrMethodNotAllowed, 405, skillcert.ENOTFOUND, "", ""},
		{"validator invalid with fields", appErr(skillcert.EINVALID, map[string]string{"checklist": "缺少照片"}), 422, skillcert.EINVALID, "checklist", "refused"},
		{"validator forbidden", appErr(skillcert.EFORBIDDEN, nil), 403, skillcert.EFORBIDDEN, "", ""},
		{"validator conflict", appErr(skillcert.ECONFLICT, nil), 409, skillcert.ECONFLICT, "", ""},
		{"validator not found", appErr(skillcert.ENOTFOUND, nil), 404, skillcert.ENOTFOUND, "", ""},
		{"duplicate naming existing", wire(failure.Encode(skillcert.DuplicateApplication("abc-123"))), 409, skillcert.ECONFLICT, "existing_application_id", "abc-123"},
		{"unknown application error type", wire(temporal.NewApplicationError("panic", "PanicError")), 500, skillcert.EINTERNAL, "", ""},
		{"activity failure type", wire(temporal.NewNonRetryableApplicationError("dup", "duplicate", nil, "x")), 500, skillcert.EINTERNAL, "", ""},
		{"temporal unavailable", fmt.Errorf("start: %w", serviceerror.NewUnavailable("connection refused")), 503, skillcert.EUNAVAILABLE, "", ""},
		{"deadline", fmt.Errorf("update: %w", context.DeadlineExceeded), 503, skillcert.EUNAVAILABLE, "", ""},
		{"dial error", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, 503, skillcert.EUNAVAILABLE, "", ""},
		{"no rows", fmt.Errorf("read: %w", pgx.ErrNoRows), 404, skillcert.ENOTFOUND, "", ""},
		{"anything else", errors.New("boom"), 500, skillcert.EINTERNAL, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := classify(tt.err)
			if status != tt.wantStatus || body.Code != tt.wantCode {
				t.Fatalf("classify = %d %q, want %d %q (%+v)", status, body.Code, tt.wantStatus, tt.wantCode, body)
			}
			if body.Fields == nil {
				t.Fatal("fields is nil; the body must always carry an object")
			}
			if tt.wantField != "" && body.Fields[tt.wantField] == "" {
				t.Fatalf("fields = %v, want %q", body.Fields, tt.wantField)
			}
			if !strings.Contains(body.Message, tt.wantInMsg) {
				t.Fatalf("message %q does not contain %q", body.Message, tt.wantInMsg)
			}
			if status == 500 && strings.Contains(body.Message, "boom") {
				t.Fatal("an internal error leaked its text")
			}
		})
	}
}

// TestDuplicateNamesApplication: the gateway's pre-check and the workflow's refusal (through Temporal)
// answer the same body, naming the existing application.
func TestDuplicateNamesApplication(t *testing.T) {
	fc := temporal.GetDefaultFailureConverter()
	fromWorkflow := fc.FailureToError(fc.ErrorToFailure(failure.Encode(skillcert.DuplicateApplication("app-7"))))
	_, body := classify(fromWorkflow)
	_, pre := classify(skillcert.DuplicateApplication("app-7"))
	if body.Details["application_id"] != "app-7" || body.Fields["existing_application_id"] != "app-7" ||
		!strings.Contains(body.Message, "app-7") || body.Code != skillcert.ECONFLICT {
		t.Fatalf("workflow's duplicate: %+v", body)
	}
	if fmt.Sprint(pre) != fmt.Sprint(body) {
		t.Fatalf("pre-check body %+v differs from the workflow's %+v", pre, body)
	}
}

func TestFieldErrors(t *testing.T) {
	f := fieldErrors{}
	if f.err() != nil {
		t.Fatal("no fields gave an error")
	}
	f.add("phone", "first")
	f.add("phone", "second")
	f.addErr("password", skillcert.FieldError(skillcert.EINVALID, "password", "too short"))
	f.addErr("name", errors.New("plain"))
	err := f.err()
	var se *skillcert.Error
	if !errors.As(err, &se) || se.Code != skillcert.EINVALID {
		t.Fatalf("err = %v", err)
	}
	want := map[string]string{"phone": "first", "password": "too short", "name": "plain"}
	for k, v := range want {
		if se.Fields[k] != v {
			t.Fatalf("fields = %v, want %v", se.Fields, want)
		}
	}
}
