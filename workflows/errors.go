package workflows

import (
	"skillcert"
	"skillcert/failure"
)

// refuse returns the error an update validator or handler gives back: a *skillcert.Error with code,
// message and field reasons, encoded by package failure (the gateway decodes it whole).
func refuse(code, message string, fields map[string]string) error {
	return failure.Refuse(code, message, fields)
}

func forbidden(message string) error { return refuse(skillcert.EFORBIDDEN, message, nil) }
func conflict(message string) error  { return refuse(skillcert.ECONFLICT, message, nil) }
func invalidInput(field, message string) error {
	return refuse(skillcert.EINVALID, message, map[string]string{field: message})
}

// fromDomain encodes a *skillcert.Error whole (code, message, fields and extra); other errors pass as
// they are.
func fromDomain(err error) error {
	if e, ok := err.(*skillcert.Error); ok {
		return failure.Encode(e)
	}
	return err
}
