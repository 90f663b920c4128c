package workflows_test

import (
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/reflect/protoreflect"

	"skillcert/workflows"
)

// plainSearchAttributes are the only payloads a history may carry in the clear: the search attributes,
// which hold no personal data, and the SDK's TemporalChangeVersion, which names the GetVersion changes a
// run has taken.
var plainSearchAttributes = map[string]bool{workflows.SearchStatus: true, workflows.SearchRegion: true,
	workflows.SearchBatch: true, workflows.SearchOccupation: true, workflows.SearchLevel: true,
	"TemporalChangeVersion": true}

// checkEncrypted fails the test for any payload of h that is not encrypted by the codec, other than the
// known search attributes.
func checkEncrypted(t *testing.T, h *historypb.History) {
	t.Helper()
	for _, e := range h.Events {
		walkPayloads(e.ProtoReflect(), "", func(path string, p *commonpb.Payload) {
			if string(p.GetMetadata()[converter.MetadataEncoding]) == "binary/encrypted" {
				return
			}
			t.Errorf("event %d (%s): payload %s is not encrypted", e.EventId, e.EventType, path)
		})
	}
}

// walkPayloads calls fn for every Payload inside m, except search attributes with a known key.
func walkPayloads(m protoreflect.Message, path string, fn func(string, *commonpb.Payload)) {
	if p, ok := m.Interface().(*commonpb.Payload); ok {
		fn(path, p)
		return
	}
	_, isSearch := m.Interface().(*commonpb.SearchAttributes)
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		at := path + "/" + string(fd.Name())
		switch {
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				if !isSearch || !plainSearchAttributes[k.String()] {
					walkPayloads(mv.Message(), at+"["+k.String()+"]", fn)
				}
				return true
			})
		case fd.IsList() && fd.Message() != nil:
			for i := 0; i < v.List().Len(); i++ {
				walkPayloads(v.List().Get(i).Message(), at, fn)
			}
		case fd.Message() != nil && !fd.IsMap() && !fd.IsList():
			walkPayloads(v.Message(), at, fn)
		}
		return true
	})
}
