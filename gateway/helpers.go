package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"skillcert"
)

// decodeJSON reads the request body into dst. A body that is not JSON (or empty) is a 400; a value of the
// wrong type for a field is a 422 naming that field.
func decodeJSON(c *fiber.Ctx, dst any) error {
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		return errMalformed("请求体为空，应为 JSON 对象")
	}
	if body[0] != '{' {
		return errMalformed("请求体应为 JSON 对象")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return skillcert.FieldError(skillcert.EINVALID, typeErr.Field,
				fmt.Sprintf("字段类型错误：应为 %s", jsonTypeName(typeErr.Type.Kind().String())))
		}
		return errMalformed("请求体不是有效的 JSON：%s", err.Error())
	}
	if dec.More() {
		return errMalformed("请求体只能包含一个 JSON 对象")
	}
	return nil
}

func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "数字"
	case kind == "string":
		return "字符串"
	case kind == "bool":
		return "布尔值"
	case kind == "slice", kind == "array":
		return "数组"
	}
	return "对象"
}

// isUniqueViolation reports whether err is a Postgres unique violation (violatedConstraint names which).
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// violatedConstraint returns the constraint a Postgres error names, or "".
func violatedConstraint(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.ConstraintName
	}
	return ""
}

// detached returns the request's context without its cancellation, for bookkeeping that must finish.
func detached(c *fiber.Ctx) context.Context { return context.WithoutCancel(c.UserContext()) }

// validUUID reports whether s is a UUID in its canonical textual form.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// trimmed returns s without surrounding white space.
func trimmed(s string) string { return strings.TrimSpace(s) }

// isText reports whether s can be a Postgres text value: valid UTF-8 without NUL.
func isText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
