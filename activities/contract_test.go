package activities

import (
	"reflect"
	"strings"
	"testing"

	"skillcert/contract"
	"skillcert/inspect"
)

// TestInspectionMatchesResult: the workflow reads InspectDocument's inspect.Result as a
// contract.Inspection, so every field of the latter must be a field of the former with the same JSON name
// and type.
func TestInspectionMatchesResult(t *testing.T) {
	result := map[string]reflect.Type{}
	rt := reflect.TypeFor[inspect.Result]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		result[name] = rt.Field(i).Type
	}
	it := reflect.TypeFor[contract.Inspection]()
	for i := range it.NumField() {
		f := it.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if result[name] != f.Type {
			t.Errorf("contract.Inspection.%s (json %q, %v) is not in inspect.Result (%v)", f.Name, name, f.Type, result[name])
		}
	}
}
