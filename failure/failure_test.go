package failure

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"go.temporal.io/sdk/temporal"

	"skillcert"
)

// overTheWire sends err through the default failure converter, as an update's or activity's failure
// reaches the other side.
func overTheWire(err error) error {
	fc := temporal.GetDefaultFailureConverter()
	return fmt.Errorf("update: %w", fc.FailureToError(fc.ErrorToFailure(err)))
}

func TestRoundTrip(t *testing.T) {
	sent := skillcert.DuplicateApplication("0b7c1f7e-3a37-4a4b-9a55-4f0e3c3a9d11")
	sent.Extra["rule"] = "one_active"
	for name, err := range map[string]error{"over the wire": overTheWire(Encode(sent)), "in process": Encode(sent)} {
		got, ok := Decode(err)
		if !ok || got.Code != sent.Code || got.Message != sent.Message || !reflect.DeepEqual(got.Fields, sent.Fields) ||
			got.Extra["application_id"] != sent.Extra["application_id"] || got.Extra["rule"] != "one_active" {
			t.Fatalf("%s: decoded %+v (%v), sent %+v", name, got, ok, sent)
		}
	}
	var ae *temporal.ApplicationError
	if !errors.As(Encode(sent), &ae) || !ae.NonRetryable() || ae.Type() != skillcert.ECONFLICT {
		t.Fatalf("encoded as %v", Encode(sent))
	}
	if Encode(nil) != nil {
		t.Fatal("Encode(nil) is not nil")
	}
}

func TestDecodeOthers(t *testing.T) {
	if got, ok := Decode(fmt.Errorf("x: %w", skillcert.FieldError(skillcert.EINVALID, "level", "bad"))); !ok || got.Fields["level"] != "bad" {
		t.Fatalf("a domain error in the chain: %+v %v", got, ok)
	}
	// An ApplicationError of a domain code without the error as its detail keeps code and message.
	bare := overTheWire(temporal.NewNonRetryableApplicationError("状态已变化", skillcert.ECONFLICT, nil, map[string]string{"x": "y"}))
	if got, ok := Decode(bare); !ok || got.Code != skillcert.ECONFLICT || got.Message != "状态已变化" {
		t.Fatalf("bare conflict: %+v %v", got, ok)
	}
	for _, err := range []error{
		errors.New("boom"),
		overTheWire(temporal.NewApplicationError("panic", "PanicError")),
		overTheWire(temporal.NewNonRetryableApplicationError("dup", "duplicate", nil, "id")),
	} {
		if got, ok := Decode(err); ok {
			t.Errorf("%v decoded as the domain error %+v", err, got)
		}
	}
}
