package skillcert

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes shared by every layer. The gateway maps them to HTTP statuses in one place.
const (
	EMALFORMED    = "malformed"    // 400: the request cannot be parsed
	EUNAUTHORIZED = "unauthorized" // 401: no or invalid credentials
	EFORBIDDEN    = "forbidden"    // 403: role, scope or separation of duties
	ENOTFOUND     = "not_found"    // 404: not found or not yours
	ECONFLICT     = "conflict"     // 409: duplicate or stale
	ETOOLARGE     = "too_large"    // 413
	EUNSUPPORTED  = "unsupported"  // 415: wrong file type
	EINVALID      = "invalid"      // 422: well-formed but breaks a rule
	ERATELIMIT    = "rate_limited" // 429
	EUNAVAILABLE  = "unavailable"  // 503: a dependency is down
	EINTERNAL     = "internal"     // 500
)

// Error is a domain error: a code, a message for people (Chinese for applicants) and, where the error is
// about input, the fields that were wrong and why. Extra carries machine-readable details (rule codes,
// the ID of a conflicting application).
type Error struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Extra   map[string]any    `json:"details,omitempty"`
}

// Error implements error.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code + ": " + e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return e.Code + ": " + e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an *Error about a single input field.
func FieldError(code, field, reason string) *Error {
	return &Error{Code: code, Message: reason, Fields: map[string]string{field: reason}}
}

// WithField adds a field reason to e and returns it.
func (e *Error) WithField(field, reason string) *Error {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	e.Fields[field] = reason
	return e
}

// IsCode reports whether code is one of the error codes above.
func IsCode(code string) bool {
	switch code {
	case EMALFORMED, EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT, ETOOLARGE, EUNSUPPORTED, EINVALID,
		ERATELIMIT, EUNAVAILABLE, EINTERNAL:
		return true
	}
	return false
}

// DuplicateApplication is the conflict of a second active application of one person for the same batch,
// occupation and level: it names the existing application in its message, in the field
// existing_application_id and in the extra application_id.
func DuplicateApplication(existingID string) *Error {
	return &Error{Code: ECONFLICT,
		Message: fmt.Sprintf("已有同一批次、职业和等级的有效申报（已有申报编号 %s）", existingID),
		Fields:  map[string]string{"existing_application_id": existingID},
		Extra:   map[string]any{"application_id": existingID}}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for other errors and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
