// Package failure is the one way a domain error (*skillcert.Error) crosses Temporal: Encode turns it into a
// non-retryable ApplicationError whose type is the error code and whose single detail is the whole error
// (code, message, fields and extra); Decode, on the other side of an update, an activity or a workflow,
// gives it back whole. Workflows, activities and the gateway use nothing else to refuse with a domain error.
package failure

import (
	"errors"

	"go.temporal.io/sdk/temporal"

	"skillcert"
)

// Encode returns e as a non-retryable Temporal ApplicationError carrying all of e. A nil e gives nil.
func Encode(e *skillcert.Error) error {
	if e == nil {
		return nil
	}
	return temporal.NewApplicationErrorWithOptions(e.Message, e.Code,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{e}})
}

// Refuse is Encode of a new error with code, message and field reasons (nil for none).
func Refuse(code, message string, fields map[string]string) error {
	return Encode(&skillcert.Error{Code: code, Message: message, Fields: fields})
}

// Decode finds the domain error Encode put into err's chain (as it arrives through a failure converter, or
// as raised in this process). It reports false for every other error, including ApplicationErrors whose
// type is not a domain error code (an activity's own failure types, panics).
func Decode(err error) (*skillcert.Error, bool) {
	var se *skillcert.Error
	if errors.As(err, &se) {
		return se, true
	}
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || !skillcert.IsCode(ae.Type()) {
		return nil, false
	}
	var out *skillcert.Error // a pointer, so that details raised in this process decode as well as sent ones
	if !ae.HasDetails() || ae.Details(&out) != nil || out == nil || out.Code != ae.Type() {
		out = &skillcert.Error{Code: ae.Type(), Message: ae.Message()}
	}
	return out, true
}
