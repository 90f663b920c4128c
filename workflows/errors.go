package workflows

import (
	"go.temporal.io/sdk/temporal"

	"skillcert"
)

// refuse returns the error an update validator or handler gives back. Its type is a skillcert error
// code, which the gateway maps to an HTTP status; fields (when any) travel as the error's details.
func refuse(code, message string, fields map[string]string) error {
	if len(fields) == 0 {
		return temporal.NewApplicationErrorWithOptions(message, code, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	return temporal.NewApplicationErrorWithOptions(message, code, temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{fields}})
}

func forbidden(message string) error { return refuse(skillcert.EFORBIDDEN, message, nil) }
func conflict(message string) error  { return refuse(skillcert.ECONFLICT, message, nil) }
func invalidInput(field, message string) error {
	return refuse(skillcert.EINVALID, message, map[string]string{field: message})
}

// fromDomain turns a *skillcert.Error into a refusal with the same code, message and fields.
func fromDomain(err error) error {
	if e, ok := err.(*skillcert.Error); ok {
		return refuse(e.Code, e.Message, e.Fields)
	}
	return err
}
